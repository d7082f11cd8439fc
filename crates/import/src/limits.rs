//! The bounds every import keeps to, in one place, so that a crafted or broken file is refused
//! with an error instead of exhausting memory, stack or time. Each limit is far above what a
//! published list needs (the real lists stay ten to a thousand times below each default: their
//! largest field is 8 KB, row 8 KB, XML record 9 KB, nesting 5 deep, inflate ratio 8, shared
//! strings 1.3 MB, FollowTheMoney property 35 values) and can be raised by name:
//! `proscribe import --limit field-bytes=8M`, or [`Limits::set`] for callers of the library.
//! Raising `depth` by much risks the stack: records are trees, walked and dropped recursively.
//!
//! What each bound protects:
//! - `field-bytes`: one CSV field, one XML text or tag (a run of bytes between `<` and `>`),
//!   one spreadsheet cell or shared string. Parsers buffer a field whole.
//! - `record-bytes`: one CSV row, one JSON line, one XML record (`<INDIVIDUAL>`, `<sdnEntry>`,
//!   each element counted as [`ELEMENT_BYTES`] more), one registry YAML file (read and parsed
//!   as one document).
//! - `depth`: nested XML elements and nested YAML blocks; both are walked as trees, and a deep
//!   tree costs stack or time out of proportion to its size.
//! - `rows`, `columns`: the cell references of a spreadsheet, checked before the sheet is read,
//!   so no row or range is ever sized after a reference such as `ZZZZZZ3`; `columns` also
//!   bounds the fields of a CSV row.
//! - `shared-strings-bytes`: the text of an xlsx's shared strings (each string counted as
//!   [`SHARED_STRING_BYTES`] more), which are held in memory while its sheets are read.
//! - `inflated-bytes`, `inflate-ratio`: what a gzip file or a zip member may inflate to, in
//!   bytes and as a multiple of its compressed size (the ratio is applied beyond
//!   [`RATIO_FLOOR`], so small files of repetitive text pass).
//! - `names`: names of one entity; `values`: values of one FollowTheMoney property.

use crate::Error;

/// What one element of an XML record counts towards the `record-bytes` limit besides its
/// bytes: held as a tree node it takes about this much memory, so a record of many tiny
/// elements is bounded like one of long texts.
pub const ELEMENT_BYTES: u64 = 256;

/// What one shared string of a spreadsheet counts towards the `shared-strings-bytes` limit
/// besides its text: calamine holds each as a `String` of its own.
pub const SHARED_STRING_BYTES: u64 = 64;

/// Inflated content up to this size is never refused for its ratio: short files of
/// repetitive text compress very well without being crafted.
pub const RATIO_FLOOR: u64 = 16 << 20;

/// The bounds of an import. [`Limits::default`] accepts every published list proscribe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one field, cell, shared string or XML text or tag run (default 1 MiB).
    pub field_bytes: u64,
    /// Bytes of one CSV row, JSON line, XML record (each element counted as
    /// [`ELEMENT_BYTES`] more) or registry YAML file (default 4 MiB).
    pub record_bytes: u64,
    /// Nesting depth of XML elements and YAML blocks (default 64).
    pub depth: u64,
    /// Rows of a spreadsheet (default 1,048,576, the xlsx format's own maximum).
    pub rows: u64,
    /// Columns of a spreadsheet or fields of a CSV row (default 16,384, column XFD, the xlsx
    /// format's own maximum).
    pub columns: u64,
    /// Bytes of all shared strings of a spreadsheet together, each counted as
    /// [`SHARED_STRING_BYTES`] more (default 64 MiB).
    pub shared_strings_bytes: u64,
    /// Bytes a gzip file or a zip member may inflate to (default 1 GiB).
    pub inflated_bytes: u64,
    /// How many times its compressed size a gzip file or zip member may inflate to, once
    /// past [`RATIO_FLOOR`] (default 100).
    pub inflate_ratio: u64,
    /// Names of one entity (default 10,000).
    pub names: u64,
    /// Values of one property of a FollowTheMoney entity (default 10,000).
    pub values: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            field_bytes: 1 << 20,
            record_bytes: 4 << 20,
            depth: 64,
            rows: 1_048_576,
            columns: crate::input::MAX_COLUMNS as u64,
            shared_strings_bytes: 64 << 20,
            inflated_bytes: 1 << 30,
            inflate_ratio: 100,
            names: 10_000,
            values: 10_000,
        }
    }
}

/// The limit names [`Limits::set`] takes, as the `--limit` flag spells them.
pub const NAMES: &[&str] = &[
    "field-bytes",
    "record-bytes",
    "depth",
    "rows",
    "columns",
    "shared-strings-bytes",
    "inflated-bytes",
    "inflate-ratio",
    "names",
    "values",
];

impl Limits {
    /// The value of the limit called `name` (one of [`NAMES`]).
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "field-bytes" => self.field_bytes,
            "record-bytes" => self.record_bytes,
            "depth" => self.depth,
            "rows" => self.rows,
            "columns" => self.columns,
            "shared-strings-bytes" => self.shared_strings_bytes,
            "inflated-bytes" => self.inflated_bytes,
            "inflate-ratio" => self.inflate_ratio,
            "names" => self.names,
            "values" => self.values,
            _ => return None,
        })
    }

    /// Sets one limit from `name=value`, as the `--limit` flag takes it. Values are whole
    /// numbers with an optional binary suffix `K`, `M` or `G` (`8M` is 8 MiB).
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("{assignment:?} is not NAME=VALUE (names: {})", NAMES.join(", ")))?;
        let name = name.trim();
        let value = parse_amount(value.trim())
            .ok_or_else(|| format!("{value:?} is not a positive whole number (with K, M or G for KiB, MiB, GiB)"))?;
        let slot = match name {
            "field-bytes" => &mut self.field_bytes,
            "record-bytes" => &mut self.record_bytes,
            "depth" => &mut self.depth,
            "rows" => &mut self.rows,
            "columns" => &mut self.columns,
            "shared-strings-bytes" => &mut self.shared_strings_bytes,
            "inflated-bytes" => &mut self.inflated_bytes,
            "inflate-ratio" => &mut self.inflate_ratio,
            "names" => &mut self.names,
            "values" => &mut self.values,
            _ => return Err(format!("no limit is called {name:?} (names: {})", NAMES.join(", "))),
        };
        *slot = value;
        Ok(())
    }

    /// The most a stream compressed to `compressed` bytes may inflate to.
    pub fn inflate_cap(&self, compressed: u64) -> u64 {
        self.inflated_bytes.min(self.inflate_ratio.saturating_mul(compressed).max(RATIO_FLOOR))
    }
}

/// The limits' names with their defaults, `field-bytes=1M, record-bytes=4M, ...`, for help
/// texts.
pub fn summary() -> String {
    let defaults = Limits::default();
    let show = |v: u64| match v {
        v if v >= 1 << 30 && v % (1 << 30) == 0 => format!("{}G", v >> 30),
        v if v >= 1 << 20 && v % (1 << 20) == 0 => format!("{}M", v >> 20),
        v => v.to_string(),
    };
    NAMES.iter().map(|n| format!("{n}={}", show(defaults.get(n).unwrap_or_default()))).collect::<Vec<_>>().join(", ")
}

fn parse_amount(text: &str) -> Option<u64> {
    let (digits, shift) = match text.chars().last()?.to_ascii_uppercase() {
        'K' => (&text[..text.len() - 1], 10),
        'M' => (&text[..text.len() - 1], 20),
        'G' => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    let n: u64 = digits.parse().ok().filter(|n| *n > 0)?;
    n.checked_mul(1 << shift)
}

/// A bound a file went over, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// Where in the file: `line 12`, `cell ZZZZZZ3 of xl/worksheets/sheet1.xml`, an element path.
    pub at: String,
    /// What went over: `a field`, `the element nesting`.
    pub what: String,
    /// The limit's name, as `--limit` takes it.
    pub limit: &'static str,
    /// The limit's value.
    pub value: u64,
}

impl Exceeded {
    /// A bound named `limit` (one of [`NAMES`]) of `value`, gone over by `what` at `at`.
    pub fn new(at: impl Into<String>, what: impl Into<String>, limit: &'static str, value: u64) -> Exceeded {
        Exceeded { at: at.into(), what: what.into(), limit, value }
    }

    /// The error for `path`.
    pub fn in_file(self, path: &std::path::Path) -> Error {
        Error::Limit {
            path: path.display().to_string(),
            at: self.at,
            what: self.what,
            limit: self.limit,
            value: self.value,
        }
    }

    /// Carried inside an `io::Error`, for readers; [`crate::input::read_error`] takes it out.
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, self)
    }
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} is over the limit {}={}", self.at, self.what, self.limit, self.value)
    }
}

impl std::error::Error for Exceeded {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_by_name_with_binary_suffixes() {
        let mut l = Limits::default();
        l.set("field-bytes=8M").unwrap();
        l.set(" depth = 200 ").unwrap();
        l.set("inflated-bytes=2G").unwrap();
        assert_eq!((l.field_bytes, l.depth, l.inflated_bytes), (8 << 20, 200, 2 << 30));
        assert!(l.set("bogus=1").unwrap_err().starts_with("no limit is called \"bogus\""));
        assert!(l.set("depth").is_err());
        assert!(l.set("depth=0").is_err());
        assert!(l.set("depth=-3").is_err());
        for name in NAMES {
            assert!(Limits::default().get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_ratio_applies_beyond_its_floor_and_under_the_cap() {
        let l = Limits::default();
        assert_eq!(l.inflate_cap(1000), RATIO_FLOOR);
        assert_eq!(l.inflate_cap(4 << 20), 400 << 20);
        assert_eq!(l.inflate_cap(1 << 30), 1 << 30);
    }
}
