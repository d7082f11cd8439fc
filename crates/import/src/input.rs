//! Opening list files: gzip is undone transparently, a UTF-8 byte-order mark and DOS end-of-file
//! bytes (0x1A, as OFAC's files end) are dropped, and the text is checked to be UTF-8 as it
//! streams, so that a file in another encoding fails with the line of the first bad byte
//! instead of turning into mojibake.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::limits::{Exceeded, Limits};
use crate::{Error, Sample};

/// How many bytes of a file `sample` reads.
pub const SAMPLE_BYTES: usize = 16 * 1024;

/// The error an [`Utf8Reader`] raises, carried inside an `io::Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingError {
    /// 1-based line of the first byte that is not UTF-8.
    pub line: u64,
    /// 0-based byte offset of it in the decoded stream.
    pub offset: u64,
}

impl std::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: byte {} is not valid UTF-8", self.line, self.offset)
    }
}

impl std::error::Error for EncodingError {}

/// A reader that passes through valid UTF-8 and fails at the first invalid byte.
pub struct Utf8Reader<R> {
    inner: R,
    pending: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    line: u64,
    offset: u64,
    started: bool,
    eof: bool,
}

impl<R: Read> Utf8Reader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Utf8Reader {
            inner,
            pending: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            line: 1,
            offset: 0,
            started: false,
            eof: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = self.inner.read(&mut buf)?;
            if n == 0 {
                self.eof = true;
                let rest = std::mem::take(&mut self.pending);
                if !self.started && !rest.is_empty() {
                    // A file shorter than a byte-order mark.
                    self.started = true;
                    if let Err(e) = std::str::from_utf8(&rest) {
                        return Err(self.bad_in(&rest[..e.valid_up_to()]));
                    }
                    self.out = rest;
                    self.out_pos = 0;
                    return Ok(());
                }
                if !rest.is_empty() {
                    return Err(self.bad(0));
                }
                self.out.clear();
                self.out_pos = 0;
                return Ok(());
            }
            let mut chunk = std::mem::take(&mut self.pending);
            chunk.extend(buf[..n].iter().copied().filter(|&b| b != 0x1a));
            if !self.started && chunk.len() >= 3 {
                self.started = true;
                if chunk.starts_with(&[0xef, 0xbb, 0xbf]) {
                    chunk.drain(..3);
                }
            } else if !self.started {
                self.pending = chunk;
                continue;
            }
            let valid = match std::str::from_utf8(&chunk) {
                Ok(_) => chunk.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(e) => {
                    let upto = e.valid_up_to();
                    return Err(self.bad_in(&chunk[..upto]));
                }
            };
            self.pending = chunk.split_off(valid);
            self.line += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset += chunk.len() as u64;
            if chunk.is_empty() {
                continue;
            }
            self.out = chunk;
            self.out_pos = 0;
            return Ok(());
        }
    }

    fn bad_in(&self, valid_prefix: &[u8]) -> io::Error {
        let lines = valid_prefix.iter().filter(|&&b| b == b'\n').count() as u64;
        io::Error::new(
            io::ErrorKind::InvalidData,
            EncodingError { line: self.line + lines, offset: self.offset + valid_prefix.len() as u64 },
        )
    }

    fn bad(&self, extra: usize) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            EncodingError { line: self.line, offset: self.offset + extra as u64 },
        )
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Utf8Reader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.out_pos >= self.out.len() && !self.eof {
            self.refill()?;
        }
        Ok(&self.out[self.out_pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.out_pos = (self.out_pos + amt).min(self.out.len());
    }
}

fn io_error(path: &Path, e: io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source: e }
}

/// The raw bytes of a file, gzip undone within the `inflated-bytes` and `inflate-ratio`
/// limits.
fn raw(path: &Path, limits: &Limits) -> Result<Box<dyn Read + Send>, Error> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(|e| io_error(path, e))?;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    if n == 2 && magic == [0x1f, 0x8b] {
        let compressed = file.metadata().map_err(|e| io_error(path, e))?.len();
        let gz = MultiGzDecoder::new(BufReader::new(file));
        Ok(Box::new(Inflated::new(gz, compressed, limits, "the gzip content".into())))
    } else {
        Ok(Box::new(file))
    }
}

/// Passes on what a decompressor inflates and fails once it is more than the limits allow
/// for `compressed` bytes: a small file that inflates to gigabytes is refused after reading
/// at most the cap, never held.
pub struct Inflated<R> {
    inner: R,
    out: u64,
    compressed: u64,
    cap: u64,
    limits: Limits,
    what: String,
}

impl<R> Inflated<R> {
    /// Wraps `inner`, the inflated stream of `compressed` bytes; `what` names it in errors.
    pub fn new(inner: R, compressed: u64, limits: &Limits, what: String) -> Self {
        Inflated { inner, out: 0, compressed, cap: limits.inflate_cap(compressed), limits: *limits, what }
    }

    /// The bound the stream goes over once it passes its cap.
    pub(crate) fn over(&self) -> Exceeded {
        self.over_by(format!("inflating to more than {} bytes", self.cap))
    }

    /// The bound gone over by `what` (inflating past the cap, declaring a size past it).
    pub(crate) fn over_by(&self, what: String) -> Exceeded {
        let at = format!("{} (compressed {} bytes)", self.what, self.compressed);
        if self.cap < self.limits.inflated_bytes {
            let what = format!("{what}, {} times the compressed size,", self.limits.inflate_ratio);
            Exceeded::new(at, what, "inflate-ratio", self.limits.inflate_ratio)
        } else {
            Exceeded::new(at, what, "inflated-bytes", self.limits.inflated_bytes)
        }
    }
}

impl<R: Read> Read for Inflated<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.out > self.cap {
            return Err(self.over().into_io());
        }
        Ok(n)
    }
}

/// Passes bytes on and fails at a run of more than the `field-bytes` limit without `<` or
/// `>`: in XML such a run is one text or one tag, which an XML parser buffers whole. Counts
/// lines for the error.
pub struct MarkupRuns<R> {
    inner: R,
    run: u64,
    line: u64,
    limit: u64,
    what: String,
}

impl<R: Read> MarkupRuns<R> {
    /// Wraps `inner`; `what` names the stream in errors (empty for a file by itself).
    pub fn new(inner: R, limits: &Limits, what: String) -> Self {
        MarkupRuns { inner, run: 0, line: 1, limit: limits.field_bytes, what }
    }
}

impl<R: Read> Read for MarkupRuns<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'<' | b'>' => self.run = 0,
                b'\n' => {
                    self.line += 1;
                    self.run += 1;
                }
                _ => self.run += 1,
            }
            if self.run > self.limit {
                let at = if self.what.is_empty() {
                    format!("line {}", self.line)
                } else {
                    format!("{} line {}", self.what, self.line)
                };
                let what = format!("a text or tag of more than {} bytes", self.limit);
                return Err(Exceeded::new(at, what, "field-bytes", self.limit).into_io());
            }
        }
        Ok(n)
    }
}

/// Opens an XML file for streaming as [`open_text`] does, failing at a text or tag longer
/// than the `field-bytes` limit (see [`MarkupRuns`]).
pub fn open_xml_text(path: &Path, limits: &Limits) -> Result<Utf8Reader<Box<dyn Read + Send>>, Error> {
    Ok(Utf8Reader::new(Box::new(MarkupRuns::new(raw(path, limits)?, limits, String::new()))))
}

/// Opens a text file for streaming: gzip undone, BOM and 0x1A dropped, UTF-8 checked.
pub fn open_text(path: &Path, limits: &Limits) -> Result<Utf8Reader<Box<dyn Read + Send>>, Error> {
    Ok(Utf8Reader::new(raw(path, limits)?))
}

/// Opens a CSV or tab-separated file for streaming as [`open_text`] does, failing at the end
/// if the file ends inside a quoted field, and at a field or row longer than the limits (see
/// [`QuoteCheck`]).
pub fn open_csv_text(
    path: &Path,
    delimiter: u8,
    limits: &Limits,
) -> Result<QuoteCheck<Utf8Reader<Box<dyn Read + Send>>>, Error> {
    Ok(QuoteCheck::new(open_text(path, limits)?, delimiter).bounded(limits))
}

/// Reads one line of at most the `record-bytes` limit into `buf` (cleared first), with its
/// line break; 0 at the end of the input. `line` is the line's number, for the error.
pub fn read_bounded_line<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    line: u64,
    limits: &Limits,
) -> io::Result<usize> {
    buf.clear();
    let n = reader.by_ref().take(limits.record_bytes.saturating_add(1)).read_until(b'\n', buf)?;
    if n as u64 > limits.record_bytes {
        let what = format!("a line of more than {} bytes", limits.record_bytes);
        return Err(Exceeded::new(format!("line {line}"), what, "record-bytes", limits.record_bytes).into_io());
    }
    Ok(n)
}

/// The error a [`QuoteCheck`] raises at the end of a file that ends inside a quoted field,
/// carried inside an `io::Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnterminatedQuote {
    /// 1-based line on which the unclosed quoted field opens.
    pub line: u64,
}

impl std::fmt::Display for UnterminatedQuote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the quoted field opened on line {} is never closed: the file is truncated", self.line)
    }
}

impl std::error::Error for UnterminatedQuote {}

/// Where a CSV reader stands between fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field: a quote here opens a quoted field.
    FieldStart,
    /// Inside an unquoted field: quotes are literal.
    Unquoted,
    /// Inside a quoted field opened on this line.
    Quoted(u64),
    /// Just after a quote inside a quoted field: it closes the field unless another follows.
    QuoteInQuoted(u64),
}

/// Passes a CSV stream through unchanged, following its quoting as the csv crate reads it, and
/// fails at the end of the stream if a quoted field is still open. The csv crate accepts such
/// a field (it runs to the end of the file), so a file cut short inside one would otherwise
/// read as a shorter, valid list.
///
/// It also bounds what the csv crate buffers: a field longer than the `field-bytes` limit, a
/// row longer than `record-bytes` or with more fields than `columns` fails at the line it
/// reaches, before the csv crate has read it whole.
pub struct QuoteCheck<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    line: u64,
    field: u64,
    fields: u64,
    record: u64,
    limits: Limits,
}

impl<R: Read> QuoteCheck<R> {
    /// Wraps `inner`, whose fields are separated by `delimiter`, with the default limits.
    pub fn new(inner: R, delimiter: u8) -> Self {
        QuoteCheck {
            inner,
            delimiter,
            state: Quoting::FieldStart,
            line: 1,
            field: 0,
            fields: 1,
            record: 0,
            limits: Limits::default(),
        }
    }

    /// The same check within `limits`.
    pub fn bounded(mut self, limits: &Limits) -> Self {
        self.limits = *limits;
        self
    }

    /// Counts `b` into the current field and row; an error once either is over its limit.
    fn count(&mut self, b: u8) -> Result<(), Exceeded> {
        let quoted = matches!(self.state, Quoting::Quoted(_));
        if !quoted && b == b'\n' {
            self.record = 0;
            self.field = 0;
            self.fields = 1;
            return Ok(());
        }
        if !quoted && b == self.delimiter {
            self.field = 0;
            self.fields += 1;
        } else if !quoted && b == b'\r' {
            self.field = 0;
        } else {
            self.field += 1;
        }
        self.record += 1;
        let at = || format!("line {}", self.line);
        if self.field > self.limits.field_bytes {
            let what = format!("a field of more than {} bytes", self.limits.field_bytes);
            return Err(Exceeded::new(at(), what, "field-bytes", self.limits.field_bytes));
        }
        if self.record > self.limits.record_bytes {
            let what = format!("a row of more than {} bytes", self.limits.record_bytes);
            return Err(Exceeded::new(at(), what, "record-bytes", self.limits.record_bytes));
        }
        if self.fields > self.limits.columns {
            let what = format!("a row of more than {} fields", self.limits.columns);
            return Err(Exceeded::new(at(), what, "columns", self.limits.columns));
        }
        Ok(())
    }

    fn step(&mut self, b: u8) {
        let separator = b == self.delimiter || b == b'\n' || b == b'\r';
        self.state = match self.state {
            Quoting::FieldStart | Quoting::Unquoted if separator => Quoting::FieldStart,
            Quoting::FieldStart if b == b'"' => Quoting::Quoted(self.line),
            Quoting::FieldStart | Quoting::Unquoted => Quoting::Unquoted,
            Quoting::Quoted(at) if b == b'"' => Quoting::QuoteInQuoted(at),
            Quoting::Quoted(at) => Quoting::Quoted(at),
            Quoting::QuoteInQuoted(at) if b == b'"' => Quoting::Quoted(at),
            Quoting::QuoteInQuoted(_) if separator => Quoting::FieldStart,
            Quoting::QuoteInQuoted(_) => Quoting::Unquoted,
        };
        if b == b'\n' {
            self.line += 1;
        }
    }
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            if let Quoting::Quoted(line) = self.state {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, UnterminatedQuote { line }));
            }
        }
        for &b in &buf[..n] {
            self.count(b).map_err(Exceeded::into_io)?;
            self.step(b);
        }
        Ok(n)
    }
}

/// Turns an I/O error from reading `path` into an [`Error`], recognising encoding errors and
/// files cut short inside a quoted field.
pub fn read_error(path: &Path, e: io::Error) -> Error {
    if let Some(x) = e.get_ref().and_then(|inner| inner.downcast_ref::<Exceeded>()) {
        return x.clone().in_file(path);
    }
    if let Some(enc) = e.get_ref().and_then(|inner| inner.downcast_ref::<EncodingError>()) {
        return Error::Encoding { path: path.display().to_string(), line: enc.line, offset: enc.offset };
    }
    if let Some(q) = e.get_ref().and_then(|inner| inner.downcast_ref::<UnterminatedQuote>()) {
        return Error::malformed(path, Some(q.line), None, q.to_string());
    }
    io_error(path, e)
}

/// Reads the start of a file to recognise its format, within the default limits (see
/// [`sample_within`]).
pub fn sample(path: &Path) -> Result<Sample, Error> {
    sample_within(path, &Limits::default())
}

/// Reads the start of a file to recognise its format. For a spreadsheet (a zip container
/// such as xlsx) the head is the first rows of each sheet as tab-separated lines, because its
/// raw bytes say nothing about the list inside; the spreadsheet is checked against `limits`
/// first (see [`crate::xlsx::check`]).
pub fn sample_within(path: &Path, limits: &Limits) -> Result<Sample, Error> {
    let mut head = Vec::with_capacity(SAMPLE_BYTES);
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut magic = [0u8; 4];
    let n = file.read(&mut magic).map_err(|e| io_error(path, e))?;
    let zip = n == 4 && magic == *b"PK\x03\x04";
    if zip {
        head = sheet_heads(path, limits)?;
    } else {
        raw(path, limits)?.take(SAMPLE_BYTES as u64).read_to_end(&mut head).map_err(|e| io_error(path, e))?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    Ok(Sample { file_name, head, zip })
}

/// Columns of a worksheet (A to XFD), as Excel and the xlsx format limit them. Rows are held
/// as long as their last column, so a cell past it (`ZZZZZZ2`, a few bytes) would take
/// gigabytes.
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// How many rows of each sheet [`sample`] reads.
const SHEET_HEAD_ROWS: u32 = 3;

/// The first rows of each sheet of a spreadsheet as tab-separated lines; empty when the file
/// is no spreadsheet calamine can open (another kind of zip archive). A spreadsheet over the
/// limits is an error: calamine would read its shared strings whole on opening it.
fn sheet_heads(path: &Path, limits: &Limits) -> Result<Vec<u8>, Error> {
    use calamine::{Reader, Sheets};
    crate::xlsx::check(path, limits)?;
    let Ok(mut book) = calamine::open_workbook_auto(path) else { return Ok(Vec::new()) };
    let mut out = String::new();
    for name in book.sheet_names() {
        let rows: Vec<Vec<String>> = match &mut book {
            // The cells reader streams the sheet, so only the first rows are read.
            Sheets::Xlsx(x) => {
                let Ok(mut cells) = x.worksheet_cells_reader(&name) else { continue };
                let mut rows: Vec<Vec<String>> = Vec::new();
                while let Ok(Some(cell)) = cells.next_cell() {
                    let (row, col) = cell.get_position();
                    if row >= SHEET_HEAD_ROWS || col >= MAX_COLUMNS {
                        break;
                    }
                    // Positions are within the limits checked above.
                    rows.resize(row as usize + 1, Vec::new());
                    let r = &mut rows[row as usize];
                    r.resize(col as usize + 1, String::new());
                    r[col as usize] = calamine::Data::from(cell.get_value().clone()).to_string();
                }
                rows
            }
            // No importer reads another kind of spreadsheet (ods), and calamine would size
            // its ranges whole from what the file declares.
            _ => continue,
        };
        for row in rows {
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
        if out.len() >= SAMPLE_BYTES {
            break;
        }
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote_check(text: &str) -> Result<String, String> {
        let mut out = String::new();
        QuoteCheck::new(text.as_bytes(), b',').read_to_string(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn a_csv_ending_inside_a_quoted_field_is_truncated() {
        let whole = "1,\"a, \"\"b\"\"\",c\n2,x\"y,\"multi\nline\"\n";
        assert_eq!(quote_check(whole).as_deref(), Ok(whole));
        assert_eq!(quote_check("1,\"a\"\"\"").as_deref(), Ok("1,\"a\"\"\""));
        assert_eq!(
            quote_check("1,a\n2,\"multi\nli").unwrap_err(),
            "the quoted field opened on line 2 is never closed: the file is truncated"
        );
        assert!(quote_check("1,\"a\"\"").is_err());
    }

    fn read_all(bytes: &[u8]) -> Result<String, String> {
        let mut r = Utf8Reader::new(bytes);
        let mut s = String::new();
        match r.read_to_string(&mut s) {
            Ok(_) => Ok(s),
            Err(e) => Err(e.get_ref().map(|i| i.to_string()).unwrap_or_default()),
        }
    }

    #[test]
    fn passes_utf8_and_drops_bom_and_eof_byte() {
        assert_eq!(read_all(b"\xef\xbb\xbfa,b\r\nc\x1a").unwrap(), "a,b\r\nc");
        assert_eq!(read_all("Осетрова\n".as_bytes()).unwrap(), "Осетрова\n");
        assert_eq!(read_all(b"").unwrap(), "");
        assert_eq!(read_all(b"ab").unwrap(), "ab");
    }

    #[test]
    fn names_line_of_first_bad_byte() {
        assert_eq!(read_all(b"one\ntwo\nM\xfcller\n").unwrap_err(), "line 3: byte 9 is not valid UTF-8");
        // A sequence cut off at the end of the file.
        assert_eq!(read_all(b"ok\n\xd0").unwrap_err(), "line 2: byte 3 is not valid UTF-8");
    }

    #[test]
    fn multibyte_sequences_across_chunk_boundaries() {
        let text = "Ж".repeat(100_000);
        assert_eq!(read_all(text.as_bytes()).unwrap(), text);
    }
}
