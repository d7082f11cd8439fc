//! Reading the CSV and tab-separated files of the US lists as streams of records, with errors
//! that name the file and the line: a bad byte, a broken quote, a row with the wrong number of
//! columns, a header row that lacks a column.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use csv::{ReaderBuilder, StringRecord};

use crate::{input, Error, Limits};

/// A CSV reader over a list file (gzip undone, BOM and 0x1A dropped, UTF-8 checked).
pub(crate) struct Rows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    path: std::path::PathBuf,
}

impl Rows {
    /// Opens `path`; `delimiter` is `b','` or `b'\t'`. Rows may differ in length: callers check
    /// the count themselves to name the file and line.
    pub fn open(path: &Path, delimiter: u8, headers: bool, limits: &Limits) -> Result<Rows, Error> {
        let text: Box<dyn Read + Send> = Box::new(NoCr::new(input::open_csv_text(path, delimiter, limits)?));
        let reader = ReaderBuilder::new().delimiter(delimiter).has_headers(headers).flexible(true).from_reader(text);
        Ok(Rows { reader, path: path.to_path_buf() })
    }

    /// The header row, for files that have one.
    pub fn headers(&mut self) -> Result<StringRecord, Error> {
        let path = self.path.clone();
        self.reader.headers().cloned().map_err(|e| csv_error(&path, e))
    }

    /// Reads the next record into `record`; false at the end of the file.
    pub fn next(&mut self, record: &mut StringRecord) -> Result<bool, Error> {
        self.reader.read_record(record).map_err(|e| csv_error(&self.path, e))
    }

    /// Fails unless `record` has `expected` columns.
    pub fn expect_len(&self, record: &StringRecord, expected: usize) -> Result<(), Error> {
        if record.len() == expected {
            return Ok(());
        }
        Err(Error::malformed(
            &self.path,
            Some(line_of(record)),
            None,
            format!("expected {expected} columns, found {}", record.len()),
        ))
    }
}

/// The positions of a list's required columns, read from its header row.
pub(crate) struct Columns {
    index: HashMap<&'static str, usize>,
    /// The number of cells in the header row, which every row must have.
    pub width: usize,
    /// The header cells that are none of the required columns, as written.
    pub unknown: Vec<String>,
}

impl Columns {
    /// Reads the header row of `path` (`delimiter` as for [`Rows::open`]). A blank header is
    /// [`Error::Empty`]; a header that lacks any of `required` is an error naming them.
    pub fn read(path: &Path, delimiter: u8, required: &[&'static str], limits: &Limits) -> Result<Columns, Error> {
        let mut rows = Rows::open(path, delimiter, true, limits)?;
        let header = rows.headers()?;
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::Empty { path: path.display().to_string() });
        }
        let find = |name: &str| header.iter().position(|h| h.trim() == name);
        let missing: Vec<&str> = required.iter().copied().filter(|c| find(c).is_none()).collect();
        if !missing.is_empty() {
            return Err(Error::malformed(
                path,
                Some(1),
                None,
                format!("the header lacks the column(s) {}", missing.join(", ")),
            ));
        }
        let unknown = header.iter().filter(|h| !required.contains(&h.trim())).map(str::to_string).collect();
        let index = required.iter().map(|c| (*c, find(c).expect("checked above"))).collect();
        Ok(Columns { index, width: header.len(), unknown })
    }

    /// The trimmed value of the column `name` (see [`cell`]); `None` when blank, or when `name`
    /// is none of the required columns.
    pub fn get(&self, rec: &StringRecord, name: &str) -> Option<String> {
        self.index.get(name).and_then(|&i| cell(rec, i))
    }
}

/// Drops the `\r` of CRLF line ends. The csv crate counts a line when it reads the `\n`, which
/// for CRLF files happens at the start of the next record, so every record after the first
/// would be reported one line too early.
struct NoCr<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    cr: bool,
}

impl<R: Read> NoCr<R> {
    fn new(inner: R) -> Self {
        NoCr { inner, buf: Vec::new(), pos: 0, cr: false }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let n = self.inner.read(&mut chunk)?;
            self.buf.clear();
            self.pos = 0;
            if n == 0 {
                if std::mem::take(&mut self.cr) {
                    self.buf.push(b'\r');
                }
                return Ok(());
            }
            for &b in &chunk[..n] {
                if std::mem::take(&mut self.cr) && b != b'\n' {
                    self.buf.push(b'\r');
                }
                if b == b'\r' {
                    self.cr = true;
                } else {
                    self.buf.push(b);
                }
            }
            if !self.buf.is_empty() {
                return Ok(());
            }
        }
    }
}

impl<R: Read> Read for NoCr<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.buf.len() {
            self.refill()?;
        }
        let n = (self.buf.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The 1-based line where a record starts.
pub(crate) fn line_of(record: &StringRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

/// Turns a CSV error into one naming the file and line.
pub(crate) fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => input::read_error(path, io),
        csv::ErrorKind::Utf8 { pos, .. } => Error::Encoding {
            path: path.display().to_string(),
            line: pos.as_ref().map(|p| p.line()).unwrap_or(0),
            offset: pos.as_ref().map(|p| p.byte()).unwrap_or(0),
        },
        other => Error::malformed(path, line, None, format!("{other:?}")),
    }
}

/// The trimmed value of column `i`, with OFAC's `-0-` and blanks as `None`.
pub(crate) fn cell(record: &StringRecord, i: usize) -> Option<String> {
    record.get(i).and_then(crate::util::clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_cr(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        NoCr::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn crlf_becomes_lf_and_other_cr_stays() {
        assert_eq!(no_cr(b"a,b\r\nc\r\n"), b"a,b\nc\n");
        assert_eq!(no_cr(b"a\rb\r"), b"a\rb\r");
        assert_eq!(no_cr(b""), b"");
    }
}
