//! Checking a spreadsheet (an xlsx zip) against the import's [`Limits`] before calamine opens
//! it. calamine reads all shared strings into memory when it opens a workbook, and a sheet's
//! cell references size the rows built from it; a small file can declare a cell `ZZZZZZ3`,
//! a shared string of gigabytes or gigabytes of white space. This pass streams every XML
//! member once through the zip's inflater, holding no more than one parser event, and
//! refuses:
//! - a member that declares or inflates to more than `inflated-bytes`, or more than
//!   `inflate-ratio` times its compressed size;
//! - a text or tag longer than `field-bytes` (see [`MarkupRuns`]);
//! - a cell, row or `<dimension>` reference beyond `rows` or `columns`;
//! - a shared string longer than `field-bytes`, or shared strings longer than
//!   `shared-strings-bytes` together (each counted as [`SHARED_STRING_BYTES`] more).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::input::{Inflated, MarkupRuns};
use crate::limits::{Exceeded, Limits, SHARED_STRING_BYTES};
use crate::Error;

/// Checks the spreadsheet at `path` against `limits`. A file that is no zip archive passes:
/// whoever opens it next reports what it is.
pub(crate) fn check(path: &Path, limits: &Limits) -> Result<(), Error> {
    let file = File::open(path).map_err(|e| Error::Io { path: path.display().to_string(), source: e })?;
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else { return Ok(()) };
    let mut strings = 0u64;
    for i in 0..zip.len() {
        let Ok(member) = zip.by_index(i) else { continue };
        let Ok(name) = member.name().map(|n| n.to_string()) else { continue };
        let compressed = member.compressed_size();
        let declared = member.size();
        if declared > limits.inflate_cap(compressed) {
            let stream = Inflated::new(std::io::empty(), compressed, limits, format!("zip member {name}"));
            return Err(stream.over_by(format!("declaring {declared} bytes inflated")).in_file(path));
        }
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let inflated = Inflated::new(member, compressed, limits, format!("zip member {name}"));
        let runs = MarkupRuns::new(inflated, limits, name.clone());
        let mut scan = Scan { name: &name, limits, strings: &mut strings, string: None };
        scan.run(BufReader::new(runs)).map_err(|x| x.in_file(path))?;
    }
    Ok(())
}

/// The pass over one member.
struct Scan<'a> {
    name: &'a str,
    limits: &'a Limits,
    /// Bytes of shared strings so far, over all members.
    strings: &'a mut u64,
    /// Bytes of the shared string being read, inside `<si>`.
    string: Option<u64>,
}

impl Scan<'_> {
    fn run<R: std::io::BufRead>(&mut self, read: R) -> Result<(), Exceeded> {
        let mut reader = quick_xml::Reader::from_reader(read);
        let shared = self.name.ends_with("sharedStrings.xml");
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let event = match reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(quick_xml::Error::Io(io)) => {
                    if let Some(x) = io.get_ref().and_then(|i| i.downcast_ref::<Exceeded>()) {
                        return Err(x.clone());
                    }
                    // Not ours to judge: calamine reports a broken member when it reads it.
                    return Ok(());
                }
                Err(_) => return Ok(()),
            };
            match event {
                Event::Start(s) | Event::Empty(s) => {
                    if shared && s.local_name().as_ref() == "si" {
                        self.string = Some(0);
                        *self.strings += SHARED_STRING_BYTES;
                        self.text(0)?;
                    } else {
                        self.reference(&s)?;
                    }
                }
                Event::End(e) if shared && e.local_name().as_ref() == "si" => self.string = None,
                Event::Text(t) => self.text(t.len() as u64)?,
                Event::CData(t) => self.text(t.len() as u64)?,
                Event::GeneralRef(_) => self.text(1)?,
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Counts text inside a shared string.
    fn text(&mut self, len: u64) -> Result<(), Exceeded> {
        let Some(string) = self.string.as_mut() else { return Ok(()) };
        *string += len;
        *self.strings += len;
        let at = || self.name.to_string();
        if *string > self.limits.field_bytes {
            let what = format!("a shared string of more than {} bytes", self.limits.field_bytes);
            return Err(Exceeded::new(at(), what, "field-bytes", self.limits.field_bytes));
        }
        if *self.strings > self.limits.shared_strings_bytes {
            let what = format!("shared strings of more than {} bytes together", self.limits.shared_strings_bytes);
            return Err(Exceeded::new(at(), what, "shared-strings-bytes", self.limits.shared_strings_bytes));
        }
        Ok(())
    }

    /// Checks the cell references of `<c r>`, `<row r>` and `<dimension ref>`.
    fn reference(&self, s: &BytesStart<'_>) -> Result<(), Exceeded> {
        let key = match s.local_name().as_ref() {
            "c" | "row" => "r",
            "dimension" => "ref",
            _ => return Ok(()),
        };
        let Ok(Some(attr)) = s.try_get_attribute(key) else { return Ok(()) };
        let value = attr.value.to_string();
        for part in value.split(':') {
            let (column, row) = cell_position(part);
            let at = || format!("{}, {} {part:?}", self.name, s.local_name().as_ref());
            if column > self.limits.columns {
                let what = format!("column {column} of the reference");
                return Err(Exceeded::new(at(), what, "columns", self.limits.columns));
            }
            if row > self.limits.rows {
                let what = format!("row {row} of the reference");
                return Err(Exceeded::new(at(), what, "rows", self.limits.rows));
            }
        }
        Ok(())
    }
}

/// The 1-based column and row of an A1-style reference (`ZZZZZZ3` is column 321,272,406, row
/// 3); a part that is missing is 0. Large numbers saturate.
fn cell_position(reference: &str) -> (u64, u64) {
    let mut column = 0u64;
    let mut row = 0u64;
    for c in reference.trim().trim_start_matches('$').bytes() {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' => {
                column = column.saturating_mul(26).saturating_add(u64::from(c.to_ascii_uppercase() - b'A' + 1));
            }
            b'0'..=b'9' => row = row.saturating_mul(10).saturating_add(u64::from(c - b'0')),
            _ => {}
        }
    }
    (column, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_as_column_and_row() {
        assert_eq!(cell_position("A1"), (1, 1));
        assert_eq!(cell_position("XFD1048576"), (16_384, 1_048_576));
        assert_eq!(cell_position("ZZZZZZ3"), (321_272_406, 3));
        assert_eq!(cell_position("$B$7"), (2, 7));
        assert_eq!(cell_position("12"), (0, 12));
        assert_eq!(cell_position(&"Z".repeat(40)).0, u64::MAX);
    }
}
