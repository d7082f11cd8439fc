//! Segment files: the on-disk container of the screening index. A segment is one file of
//! named sections (a term dictionary, inverted lists, per-entity facts), each aligned to 8
//! bytes so that it can be read in place as a slice of numbers, each with its own CRC-32, and
//! a directory of them at the end. A reader maps the file into memory ([`Segment::open`]):
//! opening reads the header and the directory and checks every section's checksum, so a
//! truncated or corrupted file is an error naming the file and the part, never data.
//!
//! Checking every section reads the whole file, a quarter of a second for the index of two
//! million entities. A file found whole is remembered in a stamp beside it (`NAME.verified`:
//! its device, inode, length, and modification and change times), and a file that still
//! matches its stamp is not read whole again: any write to it, or a new file put in its place,
//! changes what the stamp records (the change time cannot be set back), and its header and
//! directory are still checked at every opening. Only a file left alone for a few seconds is
//! stamped, since file times are kept to a clock tick. What a stamp does not catch is the disk
//! itself changing bytes under an unchanged file; deleting the stamp has the next opening
//! check every section again.
//!
//! A segment is written once and never changed. [`SegmentWriter`] writes to a temporary file
//! beside the target, syncs it and renames it into place, so that a process killed while
//! writing leaves either the previous file or none, never half of one; a temporary file left
//! by such a process is not a segment (it has no name a reader opens) and is removed by
//! whoever lists the folder ([`remove_leftovers`]).
//!
//! Layout (little-endian):
//!
//! ```text
//! 0   header (64 bytes): magic "PRSCSEG\0", format u32, sections u32, file length u64,
//!     directory offset u64, directory length u64, directory CRC u32, header CRC u32
//! 64  sections, each starting at a multiple of 8, zero-padded between
//! D   directory: per section: name length u16, name (UTF-8), offset u64, length u64, CRC u32
//! ```

#[cfg(target_endian = "big")]
compile_error!("segment files are little-endian and read in place: big-endian targets are not supported");

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// The first bytes of every segment file.
pub const MAGIC: &[u8; 8] = b"PRSCSEG\0";
/// The layout this build writes and reads.
pub const FORMAT: u32 = 1;
/// The header's length; sections start after it.
const HEADER: usize = 64;
/// Every section starts at a multiple of this.
const ALIGN: u64 = 8;
/// The longest section name.
const MAX_NAME: usize = 255;
/// Marks the temporary files of writers (`.NAME.partial-PID-N`).
const PARTIAL: &str = ".partial-";

/// Why a segment could not be written or read. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file does not start as a segment does.
    #[error("{}: not a segment file", path.display())]
    NotASegment {
        /// The file.
        path: PathBuf,
    },
    /// Written in a layout this build does not read.
    #[error("{}: segment format {found}, this build reads format {FORMAT}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// The format it says.
        found: u32,
    },
    /// Shorter or longer than its header says.
    #[error("{}: {actual} bytes where its header says {expected}: the file is truncated or was appended to", path.display())]
    Length {
        /// The file.
        path: PathBuf,
        /// The length the header gives.
        expected: u64,
        /// The file's length.
        actual: u64,
    },
    /// A part of the file does not give its checksum.
    #[error("{}: the {part} fails its checksum: the file is corrupted", path.display())]
    Checksum {
        /// The file.
        path: PathBuf,
        /// `header`, `directory` or `section NAME`.
        part: String,
    },
    /// The header or directory describes no valid layout.
    #[error("{}: malformed segment: {detail}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The segment has no section of this name.
    #[error("{}: no section `{name}`", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
        /// The section asked for.
        name: String,
    },
    /// A section read as numbers is not a whole number of them.
    #[error("{}: section `{name}` ({len} bytes) is no whole number of {size}-byte values", path.display())]
    Size {
        /// The file.
        path: PathBuf,
        /// The section.
        name: String,
        /// Its length.
        len: usize,
        /// The size of the values asked for.
        size: usize,
    },
    /// A section given to the writer twice, or a name too long.
    #[error("{}: section `{name}`: {detail}", path.display())]
    Section {
        /// The file.
        path: PathBuf,
        /// The section.
        name: String,
        /// What is wrong.
        detail: String,
    },
}

/// Where a section lies and its checksum.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    offset: u64,
    len: u64,
    crc: u32,
}

/// Writes a segment file: sections one after the other, then [`SegmentWriter::finish`] puts
/// the file in place. Dropped unfinished, it removes what it wrote.
pub struct SegmentWriter {
    path: PathBuf,
    partial: PathBuf,
    file: Option<BufWriter<File>>,
    pos: u64,
    entries: Vec<Entry>,
}

impl SegmentWriter {
    /// Starts a segment that [`SegmentWriter::finish`] will put at `path` (replacing any file
    /// there). Writes to a temporary file in the same folder.
    pub fn create(path: impl AsRef<Path>) -> Result<SegmentWriter, SegmentError> {
        let path = path.as_ref().to_path_buf();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let partial = path.with_file_name(format!(".{name}{PARTIAL}{}-{n}", std::process::id()));
        let io_err = |source| SegmentError::Io { path: partial.clone(), source };
        let mut file = BufWriter::new(File::create(&partial).map_err(io_err)?);
        file.write_all(&[0u8; HEADER]).map_err(io_err)?;
        Ok(SegmentWriter { path, partial, file: Some(file), pos: HEADER as u64, entries: Vec::new() })
    }

    fn io(&self, source: io::Error) -> SegmentError {
        SegmentError::Io { path: self.partial.clone(), source }
    }

    /// Adds a section of raw bytes.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), SegmentError> {
        self.add_streamed(name, |w| w.write_all(bytes))
    }

    /// Adds a section of plain numbers (`u32`, `u64`, `f32`, ...), readable in place with
    /// [`Segment::values`].
    pub fn add_values<T: bytemuck::Pod>(&mut self, name: &str, values: &[T]) -> Result<(), SegmentError> {
        self.add(name, bytemuck::cast_slice(values))
    }

    /// Adds a section written by `write`, which may write it in pieces (a section larger than
    /// memory goes straight to the file).
    pub fn add_streamed(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), SegmentError> {
        if name.is_empty() || name.len() > MAX_NAME {
            return Err(self.section_error(name, format!("a name has 1 to {MAX_NAME} bytes")));
        }
        if self.entries.iter().any(|e| e.name == name) {
            return Err(self.section_error(name, "given twice".into()));
        }
        let Some(file) = self.file.as_mut() else { return Err(self.section_error(name, "after finish".into())) };
        let pad = (ALIGN - self.pos % ALIGN) % ALIGN;
        let mut sink = Sink { inner: file, crc: crc32fast::Hasher::new(), len: 0 };
        let written = sink.inner.write_all(&[0u8; ALIGN as usize][..pad as usize]).and_then(|()| write(&mut sink));
        let (crc, len) = (sink.crc.finalize(), sink.len);
        written.map_err(|e| self.io(e))?;
        let offset = self.pos + pad;
        self.entries.push(Entry { name: name.to_string(), offset, len, crc });
        self.pos = offset + len;
        Ok(())
    }

    fn section_error(&self, name: &str, detail: String) -> SegmentError {
        SegmentError::Section { path: self.path.clone(), name: name.to_string(), detail }
    }

    /// Writes the directory and the header, syncs the file and renames it into place. Returns
    /// the segment's path.
    pub fn finish(mut self) -> Result<PathBuf, SegmentError> {
        let Some(mut file) = self.file.take() else { return Err(self.section_error("", "finished twice".into())) };
        let mut dir = Vec::new();
        for e in &self.entries {
            dir.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            dir.extend_from_slice(e.name.as_bytes());
            dir.extend_from_slice(&e.offset.to_le_bytes());
            dir.extend_from_slice(&e.len.to_le_bytes());
            dir.extend_from_slice(&e.crc.to_le_bytes());
        }
        let dir_offset = self.pos;
        let file_len = dir_offset + dir.len() as u64;
        let mut header = [0u8; HEADER];
        header[0..8].copy_from_slice(MAGIC);
        header[8..12].copy_from_slice(&FORMAT.to_le_bytes());
        header[12..16].copy_from_slice(&(self.entries.len() as u32).to_le_bytes());
        header[16..24].copy_from_slice(&file_len.to_le_bytes());
        header[24..32].copy_from_slice(&dir_offset.to_le_bytes());
        header[32..40].copy_from_slice(&(dir.len() as u64).to_le_bytes());
        header[40..44].copy_from_slice(&crc32fast::hash(&dir).to_le_bytes());
        let header_crc = crc32fast::hash(&header[..44]);
        header[44..48].copy_from_slice(&header_crc.to_le_bytes());
        let result = (|| {
            file.write_all(&dir)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&header)?;
            let file = file.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            fs::rename(&self.partial, &self.path)?;
            // The rename is durable once the folder is synced.
            if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                File::open(parent)?.sync_all()?;
            }
            Ok(())
        })();
        result.map_err(|e| self.io(e))?;
        Ok(self.path.clone())
    }
}

impl Drop for SegmentWriter {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.partial);
        }
    }
}

/// A writer that counts and checksums what passes through it.
struct Sink<'a> {
    inner: &'a mut BufWriter<File>,
    crc: crc32fast::Hasher,
    len: u64,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A segment file mapped into memory, its checksums verified.
pub struct Segment {
    path: PathBuf,
    map: Mmap,
    sections: HashMap<String, (usize, usize)>,
    order: Vec<String>,
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment").field("path", &self.path).field("sections", &self.order).finish()
    }
}

impl Segment {
    /// Maps the segment at `path` and checks it: its header, its length, its directory and
    /// every section's checksum. Any fault is an error naming the file and the part.
    pub fn open(path: impl AsRef<Path>) -> Result<Segment, SegmentError> {
        Segment::open_settled(path.as_ref(), SETTLED)
    }

    /// [`Segment::open`], stamping a file found whole once it has been left alone `settled`.
    fn open_settled(path: &Path, settled: std::time::Duration) -> Result<Segment, SegmentError> {
        let path = path.to_path_buf();
        let io_err = |source| SegmentError::Io { path: path.clone(), source };
        let file = File::open(&path).map_err(io_err)?;
        let stamp = file.metadata().map(|m| Stamp::of(&m)).map_err(io_err)?;
        let stamp_path = stamp_path(&path);
        let known = fs::read(&stamp_path).is_ok_and(|s| s == stamp.text.as_bytes());
        // SAFETY: a segment file is written once under a temporary name and renamed into
        // place (`SegmentWriter::finish`); no writer of this program changes it afterwards,
        // and replacing it makes a new file, so the mapping stays what was checked below.
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(&file) }.map_err(io_err)?;
        let sections = check(&path, &map, &file, !known)?;
        if !known && stamp.settled(settled) {
            // Only spares the next opening reading the whole file: a stamp that cannot be
            // written (a folder without write access) costs that, nothing else.
            let _ = fs::write(&stamp_path, &stamp.text);
        }
        let order = {
            let mut o: Vec<(&String, &(usize, usize))> = sections.iter().collect();
            o.sort_by_key(|(_, at)| at.0);
            o.into_iter().map(|(n, _)| n.clone()).collect()
        };
        Ok(Segment { path, map, sections, order })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sections' names, in the order they were written.
    pub fn names(&self) -> &[String] {
        &self.order
    }

    /// The file's length in bytes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the file is empty (never: a segment has a header).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The bytes of section `name`.
    pub fn bytes(&self, name: &str) -> Result<&[u8], SegmentError> {
        let &(start, len) = self
            .sections
            .get(name)
            .ok_or_else(|| SegmentError::Missing { path: self.path.clone(), name: name.to_string() })?;
        Ok(&self.map[start..start + len])
    }

    /// Section `name` read in place as values of `T` (written by
    /// [`SegmentWriter::add_values`]).
    pub fn values<T: bytemuck::Pod>(&self, name: &str) -> Result<&[T], SegmentError> {
        let bytes = self.bytes(name)?;
        bytemuck::try_cast_slice(bytes).map_err(|_| SegmentError::Size {
            path: self.path.clone(),
            name: name.to_string(),
            len: bytes.len(),
            size: std::mem::size_of::<T>(),
        })
    }
}

/// Checks a mapped segment and returns where each section lies. The sections' checksums are
/// computed over the file as read (see [`verify`]), not through the mapping: checking leaves
/// no page mapped, so that a process's resident memory holds only what it goes on to read.
/// The checks of [`Segment::open`]: the sections' checksums only when `sections` (the header
/// and the directory always).
fn check(
    path: &Path,
    bytes: &[u8],
    file: &File,
    sections_too: bool,
) -> Result<HashMap<String, (usize, usize)>, SegmentError> {
    let malformed = |detail: String| SegmentError::Malformed { path: path.to_path_buf(), detail };
    let checksum = |part: &str| SegmentError::Checksum { path: path.to_path_buf(), part: part.to_string() };
    if bytes.len() < HEADER || &bytes[0..8] != MAGIC {
        return Err(SegmentError::NotASegment { path: path.to_path_buf() });
    }
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    if crc32fast::hash(&bytes[..44]) != u32_at(44) {
        return Err(checksum("header"));
    }
    if bytes[48..HEADER].iter().any(|&b| b != 0) {
        return Err(malformed("the header's reserved bytes are not zero".into()));
    }
    let format = u32_at(8);
    if format != FORMAT {
        return Err(SegmentError::Format { path: path.to_path_buf(), found: format });
    }
    let (count, file_len, dir_offset, dir_len) = (u32_at(12), u64_at(16), u64_at(24), u64_at(32));
    if file_len != bytes.len() as u64 {
        return Err(SegmentError::Length { path: path.to_path_buf(), expected: file_len, actual: bytes.len() as u64 });
    }
    if dir_offset < HEADER as u64 || dir_offset.checked_add(dir_len) != Some(file_len) {
        return Err(malformed(format!("directory at {dir_offset}, {dir_len} bytes, in a file of {file_len}")));
    }
    let dir = &bytes[dir_offset as usize..];
    if crc32fast::hash(dir) != u32_at(40) {
        return Err(checksum("directory"));
    }
    let mut sections = HashMap::with_capacity(count as usize);
    let mut crcs: Vec<(String, usize, usize, u32)> = Vec::with_capacity(count as usize);
    let mut at = 0usize;
    let mut end_of_previous = HEADER as u64;
    for i in 0..count {
        let entry = |at: usize, n: usize| {
            dir.get(at..at + n).ok_or_else(|| malformed(format!("directory entry {i} cut short")))
        };
        let name_len = u16::from_le_bytes(entry(at, 2)?.try_into().unwrap_or_default()) as usize;
        let name = std::str::from_utf8(entry(at + 2, name_len)?)
            .map_err(|_| malformed(format!("directory entry {i}: the name is not UTF-8")))?
            .to_string();
        at += 2 + name_len;
        let fields = entry(at, 20)?;
        at += 20;
        let offset = u64::from_le_bytes(fields[0..8].try_into().unwrap_or_default());
        let len = u64::from_le_bytes(fields[8..16].try_into().unwrap_or_default());
        let crc = u32::from_le_bytes(fields[16..20].try_into().unwrap_or_default());
        if offset % ALIGN != 0 || offset < end_of_previous || offset.checked_add(len).is_none_or(|e| e > dir_offset) {
            return Err(malformed(format!("section `{name}` at {offset}, {len} bytes, outside its place")));
        }
        end_of_previous = offset + len;
        let (start, len) = (offset as usize, len as usize);
        if sections.insert(name.clone(), (start, len)).is_some() {
            return Err(malformed(format!("section `{name}` twice")));
        }
        crcs.push((name, start, len, crc));
    }
    if at != dir.len() {
        return Err(malformed(format!("{} bytes after the directory's {count} entries", dir.len() - at)));
    }
    if !sections_too {
        return Ok(sections);
    }
    if let Some(name) = verify(file, &crcs).map_err(|source| SegmentError::Io { path: path.to_path_buf(), source })? {
        return Err(checksum(&format!("section `{name}`")));
    }
    Ok(sections)
}

/// How long a file must have been left alone before it is stamped (see the module's
/// documentation): longer than the tick its times are kept to.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// What a stamp records of a file found whole.
struct Stamp {
    text: String,
    /// The file's change time, since the epoch.
    changed: std::time::Duration,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let text = format!(
            "segment {FORMAT}: device {} inode {} length {} modified {}.{:09} changed {}.{:09}\n",
            meta.dev(),
            meta.ino(),
            meta.len(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        );
        let changed =
            std::time::Duration::new(meta.ctime().max(0) as u64, meta.ctime_nsec().clamp(0, 999_999_999) as u32);
        Stamp { text, changed }
    }

    /// Whether the file was last changed at least `settled` ago.
    fn settled(&self, settled: std::time::Duration) -> bool {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        now.checked_sub(self.changed).is_some_and(|age| age >= settled)
    }
}

/// The stamp of the segment at `path`.
fn stamp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

/// Pieces of a section checked apart (and their checksums combined), so that the cores share
/// the work however the file is divided into sections.
const PIECE: usize = 16 << 20;

/// Computes every section's checksum over the file as read (on all cores, in pieces of at
/// most [`PIECE`] bytes), and returns the first section whose checksum is not the one
/// written, if any.
fn verify(file: &File, sections: &[(String, usize, usize, u32)]) -> io::Result<Option<String>> {
    use std::os::unix::fs::FileExt;
    // (section, start, length) of each piece, in file order.
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &(_, start, len, _)) in sections.iter().enumerate() {
        let mut at = 0;
        loop {
            let n = (len - at).min(PIECE);
            pieces.push((i, start + at, n));
            at += n;
            if at >= len {
                break;
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(pieces.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut hashed: Vec<Option<crc32fast::Hasher>> = vec![None; pieces.len()];
    let results: Vec<io::Result<Vec<(usize, crc32fast::Hasher)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> io::Result<Vec<(usize, crc32fast::Hasher)>> {
                    let mut buf = vec![0u8; 1 << 20];
                    let mut done = Vec::new();
                    loop {
                        let p = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(_, start, len)) = pieces.get(p) else { return Ok(done) };
                        let mut h = crc32fast::Hasher::new();
                        let mut at = 0;
                        while at < len {
                            let n = (len - at).min(buf.len());
                            file.read_exact_at(&mut buf[..n], (start + at) as u64)?;
                            h.update(&buf[..n]);
                            at += n;
                        }
                        done.push((p, h));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(io::Error::other("a checksum thread failed"))))
            .collect()
    });
    for r in results {
        for (p, h) in r? {
            hashed[p] = Some(h);
        }
    }
    let mut combined: Vec<crc32fast::Hasher> = vec![crc32fast::Hasher::new(); sections.len()];
    for (&(section, _, _), h) in pieces.iter().zip(hashed) {
        combined[section].combine(&h.unwrap_or_default());
    }
    Ok(sections.iter().zip(combined).find(|((_, _, _, crc), h)| h.clone().finalize() != *crc).map(|(s, _)| s.0.clone()))
}

/// Removes the temporary files that writers killed before finishing left in `folder`, and
/// returns how many. A temporary file is left alone while its writer may still be running:
/// its process is alive (where `/proc` tells), or it was written to in the last hour.
/// Finished segments are never touched.
pub fn remove_leftovers(folder: impl AsRef<Path>) -> Result<usize, SegmentError> {
    let folder = folder.as_ref();
    let io_err = |source| SegmentError::Io { path: folder.to_path_buf(), source };
    let proc_fs = Path::new("/proc/self").exists();
    let mut removed = 0;
    for entry in fs::read_dir(folder).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let name = entry.file_name().to_string_lossy().to_string();
        let Some((_, rest)) = name.split_once(PARTIAL).filter(|_| name.starts_with('.')) else { continue };
        let pid = rest.split('-').next().unwrap_or_default();
        let running = if proc_fs {
            Path::new("/proc").join(pid).exists()
        } else {
            let age = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            age.is_none_or(|a| a.as_secs() < 3600)
        };
        if !running {
            fs::remove_file(entry.path()).map_err(|source| SegmentError::Io { path: entry.path(), source })?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Values read in place: owned (an index just built) or a section of a mapped segment (an
/// index opened from its file), read alike as a slice. A mapped column keeps its segment
/// mapped for as long as it lives.
pub struct Column<T: bytemuck::Pod> {
    ptr: *const T,
    len: usize,
    _owner: Owner<T>,
}

/// What keeps a column's values alive (never read: the column reads through its pointer).
#[allow(dead_code)]
enum Owner<T> {
    Vec(Vec<T>),
    Segment(std::sync::Arc<Segment>),
}

// SAFETY: a column is an immutable slice of plain values, owned or kept alive by its
// segment (whose mapping is read-only): sharing or sending it is sharing or sending `&[T]`.
#[allow(unsafe_code)]
unsafe impl<T: bytemuck::Pod + Sync> Send for Column<T> {}
#[allow(unsafe_code)]
unsafe impl<T: bytemuck::Pod + Sync> Sync for Column<T> {}

impl<T: bytemuck::Pod> Column<T> {
    /// Section `name` of `segment` read in place (see [`Segment::values`]).
    pub fn mapped(segment: &std::sync::Arc<Segment>, name: &str) -> Result<Column<T>, SegmentError> {
        let values: &[T] = segment.values(name)?;
        Ok(Column { ptr: values.as_ptr(), len: values.len(), _owner: Owner::Segment(segment.clone()) })
    }
}

impl<T: bytemuck::Pod> Column<T> {
    /// Section `name` of `segment` copied into memory: for a small file read often, whose
    /// pages are then the process's own (and may be huge pages), not the file's.
    pub fn copied(segment: &Segment, name: &str) -> Result<Column<T>, SegmentError> {
        Ok(Column::from(segment.values::<T>(name)?.to_vec()))
    }

    /// Section `name` of `segment`, copied into memory when `copy`, else read in place.
    pub fn load(segment: &std::sync::Arc<Segment>, name: &str, copy: bool) -> Result<Column<T>, SegmentError> {
        if copy {
            Column::copied(segment, name)
        } else {
            Column::mapped(segment, name)
        }
    }
}

impl<T: bytemuck::Pod> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Column<T> {
        // Moving a vector leaves its buffer where it is.
        Column { ptr: values.as_ptr(), len: values.len(), _owner: Owner::Vec(values) }
    }
}

impl<T: bytemuck::Pod> Default for Column<T> {
    fn default() -> Column<T> {
        Column::from(Vec::new())
    }
}

impl<T: bytemuck::Pod> std::ops::Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` and `len` describe the owned vector's buffer, which is never changed or
        // moved while the column lives, or a section of the mapping the column keeps alive,
        // checked by `Segment::values` to be aligned and a whole number of `T`.
        #[allow(unsafe_code)]
        unsafe {
            std::slice::from_raw_parts(self.ptr, self.len)
        }
    }
}

impl<T: bytemuck::Pod + std::fmt::Debug> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().take(8)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(path: &Path) {
        let mut w = SegmentWriter::create(path).unwrap();
        w.add("name", b"abc").unwrap();
        w.add_values("postings", &[1u32, 2, 3, 5, 8]).unwrap();
        w.finish().unwrap();
    }

    /// Flips a byte of the section `name` (the first section: right after the header), writing
    /// the file over in place.
    fn damage(path: &Path) {
        let mut bytes = fs::read(path).unwrap();
        bytes[HEADER] ^= 0x20;
        fs::write(path, &bytes).unwrap();
    }

    /// A file found whole is stamped, and its sections are not read again while it matches
    /// its stamp; a write to it or a new file in its place is checked whole again.
    #[test]
    fn a_stamp_spares_reading_an_unchanged_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.seg");
        let none = std::time::Duration::ZERO;
        sample(&path);
        // A file changed too recently is not stamped.
        Segment::open(&path).unwrap();
        assert!(!stamp_path(&path).exists());
        Segment::open_settled(&path, none).unwrap();
        let stamp = fs::read_to_string(stamp_path(&path)).unwrap();
        assert!(stamp.starts_with("segment 1: device "), "{stamp}");

        // Written to after it was stamped (a later clock tick): checked whole, refused.
        std::thread::sleep(std::time::Duration::from_millis(30));
        damage(&path);
        let err = Segment::open_settled(&path, none).unwrap_err();
        assert!(matches!(err, SegmentError::Checksum { .. }), "{err}");
        // A damaged file is never stamped.
        assert_eq!(fs::read_to_string(stamp_path(&path)).unwrap(), stamp);

        // A new file renamed into its place is another inode: checked whole.
        sample(&path);
        let stamp = stamp_path(&path);
        Segment::open_settled(&path, none).unwrap();
        let fresh = fs::read_to_string(&stamp).unwrap();
        let replaced = dir.path().join("other.seg");
        sample(&replaced);
        damage(&replaced);
        fs::rename(&replaced, &path).unwrap();
        assert!(matches!(Segment::open_settled(&path, none), Err(SegmentError::Checksum { .. })));

        // What the stamp decides: a stamp that matches the file skips the sections' checks
        // (here one forged for the damaged file; the header and directory are still read).
        let meta = fs::metadata(&path).unwrap();
        fs::write(&stamp, Stamp::of(&meta).text).unwrap();
        assert_ne!(fs::read_to_string(&stamp).unwrap(), fresh);
        assert_eq!(Segment::open_settled(&path, none).unwrap().bytes("name").unwrap(), b"Abc");
        fs::remove_file(&stamp).unwrap();
        assert!(Segment::open_settled(&path, none).is_err());
    }
}
