//! The screening index built from the store ([`Loaded`]), and the indexes a long-running
//! process keeps ([`Indexes`]): the one in use, swapped atomically for a new one when the
//! store changes, and a few as of past days. The command line, the API, the web UI and the
//! tests all load through [`load_index`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use arc_swap::ArcSwapOption;
use proscribe_matching::index::{Index, IndexFileError, Reading, FINGERPRINT};
use proscribe_matching::resolve::strong_links;
use proscribe_model::{Entity, PartialDate};
use proscribe_store::Store;

use crate::clusters::Clusters;
use crate::Result;

/// An entity's full record as the API shows it, rendered once per index.
pub type Rendered = Arc<serde_json::Map<String, serde_json::Value>>;

/// An index built from the store, or opened from the index file an earlier build left beside
/// it, with what it took.
pub struct Loaded {
    /// The index.
    pub index: Index,
    /// The source of each entity of the index, by position.
    pub sources: Sources,
    /// Seconds spent reading entities from the store (0 when the index was opened).
    pub read_secs: f64,
    /// Seconds spent building the index, or opening its file.
    pub build_secs: f64,
    /// The index file the index was opened from or written to, if any.
    pub file: Option<PathBuf>,
    /// The day designation statuses are given for.
    pub day: PartialDate,
    /// [`Store::data_version`] when the entities were read.
    pub data_version: i64,
    /// The day of the lists the index holds, when not the newest versions.
    pub as_of: Option<PartialDate>,
    /// The pairs of entities strong evidence links (by position), found when the index was
    /// built ([`proscribe_matching::resolve::strong_links`]).
    pub links: Vec<(u32, u32)>,
    /// The entities that are one real-world entity ([`Clusters`]).
    pub clusters: Clusters,
    /// Full records rendered for answers, by position, filled as they are asked for.
    rendered: Vec<OnceLock<Rendered>>,
}

impl Loaded {
    /// An index built elsewhere than from a store (tests, tools), its entities of no named
    /// source and each its own cluster, with statuses on `day`.
    pub fn of_index(index: Index, day: PartialDate) -> Loaded {
        loaded(index, Sources::default(), 0.0, 0.0, None, None, day, 0)
    }

    /// Entity `at` rendered by `render` the first time it is asked for, and kept.
    pub fn rendered<E>(&self, at: u32, render: impl FnOnce() -> Result<Rendered, E>) -> Result<Rendered, E> {
        let slot = &self.rendered[at as usize];
        if let Some(r) = slot.get() {
            return Ok(r.clone());
        }
        let r = render()?;
        Ok(slot.get_or_init(|| r).clone())
    }
}

/// The source of each entity of an index: few distinct sources, one number per entity.
#[derive(Debug, Default)]
pub struct Sources {
    names: Vec<String>,
    of: Vec<u16>,
}

impl Sources {
    /// The source of entity `entity`.
    pub fn of(&self, entity: u32) -> &str {
        self.of.get(entity as usize).and_then(|&n| self.names.get(n as usize)).map_or("", String::as_str)
    }

    /// Whether any entity of the index is of source `source`.
    pub fn holds(&self, source: &str) -> bool {
        self.names.iter().any(|s| s == source)
    }

    /// The number of the source of entity `entity` (the same for entities of one source).
    pub fn number(&self, entity: u32) -> u32 {
        self.of.get(entity as usize).map_or(u32::MAX, |&n| u32::from(n))
    }

    fn push(&mut self, source: &str) {
        let n = match self.names.iter().position(|s| s == source) {
            Some(n) => n,
            None => {
                self.names.push(source.to_string());
                self.names.len() - 1
            }
        };
        self.of.push(n as u16);
    }

    /// The two sections an index file keeps them in: the names as JSON, the numbers.
    fn encode(&self) -> (Vec<u8>, Vec<u8>) {
        let names = serde_json::to_vec(&self.names).unwrap_or_default();
        (names, self.of.iter().flat_map(|n| n.to_le_bytes()).collect())
    }

    fn decode(names: &[u8], of: &[u8], entities: usize) -> Option<Sources> {
        let names: Vec<String> = serde_json::from_slice(names).ok()?;
        let of: Vec<u16> = of.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        (of.len() == entities && of.iter().all(|&n| (n as usize) < names.len())).then_some(Sources { names, of })
    }
}

/// Reads the screenable entities ([`Entity::screenable`]: designated on a list, or marked by
/// their source as targets or with a risk topic) from every source's version in force on
/// `as_of` (the newest when none) and indexes them. `day` is the day statuses are given for.
///
/// A store keeps its indexes in its index folder ([`Store::index_folder`]: beside an SQLite
/// file, `FILE.index`, or in a folder given, which the servers of one PostgreSQL database
/// share), one file per data version and day of the lists ([`index_file`]): the first process to need an index
/// builds and writes it, the next ones open it (in milliseconds, reading in place what a query
/// reaches). A file that cannot be used (damaged, cut, written by another build) is never
/// read: it is said in the log and the index is built again and written over it. Files of
/// older data versions are removed.
pub fn load_index(store: &Store, as_of: Option<&PartialDate>, day: PartialDate) -> Result<Loaded> {
    let mut loaded = load_entities(store, as_of, day)?;
    loaded.clusters = Clusters::build(store, &loaded.index, &loaded.links)?;
    Ok(loaded)
}

/// [`load_index`] without the clusters: the index built, or opened from its file.
fn load_entities(store: &Store, as_of: Option<&PartialDate>, day: PartialDate) -> Result<Loaded> {
    let data_version = store.data_version()?;
    let Some(folder) = store.index_folder()? else {
        return build_index(store, as_of, day, data_version);
    };
    let path = folder.join(index_file(data_version, as_of));
    let open = || -> Option<Loaded> {
        if !path.exists() {
            return None;
        }
        open_index(&path, Reading::BySize, as_of, day, data_version)
            .inspect_err(
                |error| tracing::warn!(file = %path.display(), %error, "index file not used: building the index again"),
            )
            .ok()
    };
    if let Some(loaded) = open() {
        return Ok(loaded);
    }
    // Processes sharing the folder build each index once: one builds it under the folder's
    // lock, the others wait for the lock and open what it wrote.
    let lock = lock_folder(&folder);
    if lock.is_some() {
        if let Some(loaded) = open() {
            return Ok(loaded);
        }
    }
    let mut loaded = build_index(store, as_of, day, data_version)?;
    match write_index(&loaded, &folder, &path) {
        Ok(bytes) => {
            tracing::info!(file = %path.display(), bytes, "index file written");
            loaded.file = Some(path);
        }
        Err(error) => tracing::warn!(file = %path.display(), %error, "index file not written"),
    }
    Ok(loaded)
}

/// Takes the lock of an index folder (released when the file is dropped, or the process ends),
/// waiting for another process that holds it. `None` when the folder cannot be made or locked
/// (a read-only place): the index is then built without it.
fn lock_folder(folder: &Path) -> Option<std::fs::File> {
    std::fs::create_dir_all(folder).ok()?;
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(folder.join(".lock")).ok()?;
    file.lock()
        .inspect_err(|error| tracing::warn!(folder = %folder.display(), %error, "index folder not locked"))
        .ok()?;
    Some(file)
}

/// The index file of a data version, for the newest lists or as of a day. The name carries the
/// build's fingerprint, so that two builds side by side each keep their own.
pub fn index_file(data_version: i64, as_of: Option<&PartialDate>) -> String {
    let build = FINGERPRINT.rsplit('-').next().unwrap_or_default();
    match as_of {
        None => format!("v{data_version}-{build}.seg"),
        Some(day) => format!("v{data_version}-asof-{day}-{build}.seg"),
    }
}

/// The data version an index file is of (from its name).
fn file_version(name: &str) -> Option<i64> {
    name.strip_prefix('v')?.split('-').next()?.parse().ok()
}

fn build_index(store: &Store, as_of: Option<&PartialDate>, day: PartialDate, data_version: i64) -> Result<Loaded> {
    let start = Instant::now();
    let mut entities: Vec<Entity> = Vec::new();
    let mut sources = Sources::default();
    store.current_entities(as_of, |version, mut e| {
        if e.screenable() {
            slim(&mut e);
            entities.push(e);
            sources.push(&version.source_id);
        }
        Ok(())
    })?;
    let read_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let index = Index::build(entities);
    let linking = Instant::now();
    let links: Vec<(u32, u32)> =
        strong_links(&index, &|e| sources.number(e)).into_iter().map(|(a, b, _)| (a, b)).collect();
    let links_secs = linking.elapsed().as_secs_f64();
    let build_secs = start.elapsed().as_secs_f64();
    tracing::info!(stats = ?index.stats(), read_secs, build_secs, links_secs, links = links.len(), "index built");
    let mut loaded = loaded(index, sources, read_secs, build_secs, None, as_of, day, data_version);
    loaded.links = links;
    Ok(loaded)
}

#[allow(clippy::too_many_arguments)]
fn loaded(
    index: Index,
    sources: Sources,
    read_secs: f64,
    build_secs: f64,
    file: Option<PathBuf>,
    as_of: Option<&PartialDate>,
    day: PartialDate,
    data_version: i64,
) -> Loaded {
    let rendered = (0..index.entity_count()).map(|_| OnceLock::new()).collect();
    let clusters = Clusters::singletons(index.entity_count());
    Loaded {
        index,
        sources,
        read_secs,
        build_secs,
        file,
        day,
        data_version,
        as_of: as_of.copied(),
        links: Vec::new(),
        clusters,
        rendered,
    }
}

fn open_index(
    path: &Path,
    reading: Reading,
    as_of: Option<&PartialDate>,
    day: PartialDate,
    data_version: i64,
) -> Result<Loaded> {
    let start = Instant::now();
    let index = Index::open_as(path, reading)?;
    let sources = match (index.extra("sources.names"), index.extra("sources.of")) {
        (Some(names), Some(of)) => Sources::decode(names, of, index.entity_count()),
        _ => None,
    }
    .ok_or_else(|| malformed(path, "the entities' sources do not read"))?;
    let entities = index.entity_count() as u32;
    let links = index
        .extra("resolve.links")
        .and_then(|b| decode_u32s(b).filter(|v| v.len().is_multiple_of(2) && v.iter().all(|&e| e < entities)))
        .ok_or_else(|| malformed(path, "the links between entities do not read"))?
        .chunks_exact(2)
        .map(|p| (p[0], p[1]))
        .collect();
    let clusters = index
        .extra("clusters.of")
        .and_then(decode_u32s)
        .filter(|of| of.len() == entities as usize && of.iter().all(|&c| c < entities))
        .map(|of| Clusters::from_of(&index, of))
        .ok_or_else(|| malformed(path, "the entities' clusters do not read"))?;
    let build_secs = start.elapsed().as_secs_f64();
    tracing::info!(file = %path.display(), stats = ?index.stats(), open_secs = build_secs, "index opened");
    let mut loaded = loaded(index, sources, 0.0, build_secs, Some(path.to_path_buf()), as_of, day, data_version);
    loaded.links = links;
    loaded.clusters = clusters;
    Ok(loaded)
}

fn encode_u32s(values: impl Iterator<Item = u32>) -> Vec<u8> {
    values.flat_map(u32::to_le_bytes).collect()
}

fn decode_u32s(bytes: &[u8]) -> Option<Vec<u32>> {
    bytes
        .len()
        .is_multiple_of(4)
        .then(|| bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

fn malformed(path: &Path, detail: &str) -> crate::Error {
    IndexFileError::Malformed { path: path.display().to_string(), detail: detail.to_string() }.into()
}

/// What an index file says of the store it was built from.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Origin {
    data_version: i64,
    as_of: Option<PartialDate>,
}

/// Opens an index file that [`write_index_file`] wrote (or one kept beside a store), for
/// statuses on `day`, read as `reading` says. A file that is missing, damaged, cut, written by another build of the
/// matching engine, or without what proscribe writes beside the index is an error saying so.
pub fn open_index_file(path: &Path, reading: Reading, day: PartialDate) -> Result<Loaded> {
    if !path.is_file() {
        return Err(crate::Error::File {
            action: "open",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let index = Index::open_as(path, Reading::InPlace)?;
    let origin: Origin = index
        .extra("origin")
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or_else(|| malformed(path, "it does not say which store it was built from"))?;
    drop(index);
    open_index(path, reading, origin.as_of.as_ref(), day, origin.data_version)
}

/// Writes `loaded`'s index to `path` (replaced whole, never half-written) with what
/// [`open_index_file`] needs beside it; returns the file's size.
pub fn write_index_file(loaded: &Loaded, path: &Path) -> Result<u64> {
    let (names, of) = loaded.sources.encode();
    let origin = serde_json::to_vec(&Origin { data_version: loaded.data_version, as_of: loaded.as_of })
        .map_err(|e| crate::Error::Input(format!("cannot describe the index: {e}")))?;
    let links = encode_u32s(loaded.links.iter().flat_map(|&(a, b)| [a, b]));
    let clusters = encode_u32s((0..loaded.index.entity_count() as u32).map(|e| loaded.clusters.of(e)));
    Ok(loaded.index.write_with(
        path,
        &[
            ("sources.names", &names),
            ("sources.of", &of),
            ("origin", &origin),
            ("resolve.links", &links),
            ("clusters.of", &clusters),
        ],
    )?)
}

/// Writes the index file and removes those of older data versions (and what writers killed
/// before finishing left); returns the file's size.
fn write_index(loaded: &Loaded, folder: &Path, path: &Path) -> Result<u64, String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let bytes = write_index_file(loaded, path).map_err(|e| e.to_string())?;
    let _ = proscribe_segment::remove_leftovers(folder);
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if file_version(&name).is_some_and(|v| v < loaded.data_version) {
                // A process that still has it open keeps reading its mapping.
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(bytes)
}

/// Drops what screening neither weighs, filters on nor shows (remarks, positions, links,
/// free-text details but the topics and the target mark, address lines), to keep the index of
/// every list small in memory.
fn slim(e: &mut Entity) {
    e.remarks = Vec::new();
    e.positions = Vec::new();
    e.properties.retain(|k, _| k == "topics" || k == "target");
    e.links = Vec::new();
    e.same_as = Vec::new();
    e.acts = Vec::new();
    for a in &mut e.addresses {
        *a = proscribe_model::Address { country: a.country, ..Default::default() };
    }
    e.addresses.retain(|a| a.country.is_some());
    for d in &mut e.designations {
        d.reason = None;
        d.legal_basis = None;
    }
}

/// Indexes as of other days kept at once (each is as large as the current one).
const AS_OF_INDEXES: usize = 2;

/// The indexes a process keeps: the one in use, which a rebuild replaces atomically while
/// running queries keep the one they started with, and the most recently used indexes as of
/// other days.
#[derive(Default)]
pub struct Indexes {
    current: ArcSwapOption<Loaded>,
    /// Most recently used last.
    as_of: Mutex<Vec<Arc<Loaded>>>,
}

impl Indexes {
    /// The index in use, if one is loaded.
    pub fn current(&self) -> Option<Arc<Loaded>> {
        self.current.load_full()
    }

    /// Loads the index of the newest versions from `store`, for statuses on `day`, and swaps
    /// it in.
    pub fn reload(&self, store: &Store, day: PartialDate) -> Result<Arc<Loaded>> {
        let loaded = Arc::new(load_index(store, None, day)?);
        tracing::info!(
            entities = loaded.index.entity_count(),
            data_version = loaded.data_version,
            build_secs = loaded.build_secs,
            "index swapped in"
        );
        self.current.store(Some(loaded.clone()));
        Ok(loaded)
    }

    /// Whether the store has data the index in use does not, or the day has changed (or no
    /// index is loaded).
    pub fn stale(&self, store: &Store, day: PartialDate) -> Result<bool> {
        let current = self.current.load();
        let Some(loaded) = current.as_ref() else { return Ok(true) };
        Ok(store.data_version()? != loaded.data_version
            || loaded.day != day
            || store.decisions_version()? != loaded.clusters.decisions_version)
    }

    /// The index as of `day`: the entities of each source's version in force that day, with
    /// statuses on that day. Built on first use (on this thread) and kept for the next
    /// requests about the same day while the store does not change.
    pub fn as_of(&self, store: &Store, day: PartialDate) -> Result<Arc<Loaded>> {
        let version = store.data_version()?;
        let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = cache.iter().position(|l| l.day == day && l.data_version == version) {
            let hit = cache.remove(at);
            cache.push(hit.clone());
            return Ok(hit);
        }
        drop(cache);
        let loaded = Arc::new(load_index(store, Some(&day), day)?);
        let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|l| l.data_version == version && l.day != day);
        if cache.len() >= AS_OF_INDEXES {
            cache.remove(0);
        }
        cache.push(loaded.clone());
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use proscribe_matching::entity::{screen, Query, ScreenOptions};
    use proscribe_model::PartialDate;

    use super::*;
    use crate::import::{import_paths, ImportOptions, Quiet};

    fn store_of_extracts(dir: &Path) -> Store {
        let mut store = Store::open(&dir.join("lists.db")).unwrap();
        let paths = [proscribe_testkit::fixture("un/consolidated.xml"), proscribe_testkit::fixture("ofac/sdn.csv")];
        import_paths(&mut store, &paths, &ImportOptions::default(), &Quiet).unwrap();
        store
    }

    fn answers(loaded: &Loaded, queries: &[&str]) -> Vec<String> {
        let options = ScreenOptions { limit: 5, explain: true, ..ScreenOptions::default() };
        queries
            .iter()
            .flat_map(|q| screen(&loaded.index, &Query::name(*q), &options).unwrap())
            .map(|h| format!("{} {} {:?}", loaded.index.entity_id(h.entity), loaded.sources.of(h.entity), h))
            .collect()
    }

    /// The first load builds the index and writes its file; the next opens the file and answers
    /// alike; a new import makes a new file and removes the old; a damaged file is built again,
    /// never read.
    #[test]
    fn the_index_is_built_once_per_data_version_and_opened_after() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_of_extracts(dir.path());
        let day = PartialDate::ymd(2026, 12, 1).unwrap();
        let queries = ["Amir Khan Motaqi", "Abdul Salam Hanafi", "AL-QAIDA", "Mohammed Omar", "Hamas"];
        let built = load_index(&store, None, day).unwrap();
        assert!(built.read_secs > 0.0, "the first load reads the store");
        let file = built.file.clone().expect("an index file written");
        assert_eq!(file.parent(), Some(dir.path().join("lists.db.index").as_path()));
        let opened = load_index(&store, None, day).unwrap();
        assert_eq!(opened.read_secs, 0.0, "the second load opens the file");
        assert_eq!(opened.file.as_ref(), Some(&file));
        let expected = answers(&built, &queries);
        assert!(expected.len() >= queries.len(), "{expected:?}");
        assert_eq!(answers(&opened, &queries), expected);

        // What a process killed while writing the file left beside it (a temporary file of a
        // process no longer running) is not read, and is removed by the next writer.
        let folder = file.parent().unwrap().to_path_buf();
        let partial = folder.join(format!(".{}.partial-999999999-0", file.file_name().unwrap().to_string_lossy()));
        std::fs::write(&partial, b"half a segment").unwrap();
        assert_eq!(answers(&load_index(&store, None, day).unwrap(), &queries), expected);

        // A byte changed in the file: it is not read, the index is built and written again.
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let rebuilt = load_index(&store, None, day).unwrap();
        assert!(rebuilt.read_secs > 0.0, "a damaged file is not read");
        assert!(!partial.exists(), "a dead writer's temporary file is removed");
        assert_eq!(answers(&rebuilt, &queries), expected);
        assert_eq!(answers(&load_index(&store, None, day).unwrap(), &queries), expected);

        // As of a day: a file of its own.
        let past = load_index(&store, Some(&day), day).unwrap();
        assert_ne!(past.file, Some(file.clone()));

        // A new import: a new data version, a new file; the old ones are removed.
        let more = [proscribe_testkit::fixture("ofac/sdn.csv"), proscribe_testkit::fixture("ofac/alt.csv")];
        import_paths(&mut store, &more, &ImportOptions::default(), &Quiet).unwrap();
        let newer = load_index(&store, None, day).unwrap();
        assert_ne!(newer.file, Some(file.clone()));
        assert!(!file.exists(), "the file of the older data version is removed");
        assert!(newer.file.as_ref().is_some_and(|f| f.exists()));
    }
}
