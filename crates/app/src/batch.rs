//! Batches: one reader of rows and one writer of results, for the command line
//! (`screen --input`), the API (`/screen/batch`) and the web UI's uploads alike.
//!
//! Rows come as CSV with a header row (columns found by name, case and surrounding spaces
//! ignored) or as JSON lines (fields by name; a field may hold one value or a list). Every
//! row becomes a [`Row`]: its number (1 for the first data row), its key, its name and the
//! query read by [`parse_query`], or the reason it cannot be screened (no name, unreadable
//! CSV, invalid UTF-8, not JSON, a line over [`MAX_LINE_BYTES`]). A value the query cannot
//! use (an unreadable birth date, an unknown country) is left out, the row is screened
//! without it, and the row says so in [`Row::notes`].
//!
//! Results are written by [`ResultWriter`] in one of three forms ([`OutputFormat`]): one row
//! per matching hit (CSV with [`CSV_HEADER`], or JSON lines of the same fields), plus one per
//! row with an error or notes; or one line per row with the best entities' references; or
//! one line per row with the best score. Several references in one field are joined by
//! [`REFERENCE_SEPARATOR`].

use std::io::{BufRead, Read, Write};
use std::time::Instant;

use proscribe_matching::entity::{Hit, Query, ScreenOptions};
use rayon::prelude::*;
use serde::Serialize;

use crate::query::{parse_query, Field, QueryFields};
use crate::spreadsheet;
use crate::views::{cluster_references, main_reference, screen_loaded, REFERENCE_SEPARATOR};
use crate::Loaded;
use crate::{Error, Result};

/// Longest line of a JSON-lines batch; a longer one is that row's error.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A line of a JSON-lines input, numbered from 1 by its place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line, without its end.
    Text(u64, Vec<u8>),
    /// A line over [`MAX_LINE_BYTES`], of this many bytes: kept no further than that.
    TooLong(u64, u64),
}

/// Splits bytes, as they arrive, into numbered lines, holding at most [`MAX_LINE_BYTES`] of
/// an unfinished line: a longer one is let through to its end and becomes
/// [`Line::TooLong`], so that every later line keeps its number whatever came before.
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
    /// Lines ended so far.
    number: u64,
    /// Bytes of the current line when it is over the limit (and no longer kept).
    over: Option<u64>,
}

impl LineSplitter {
    /// Takes `data`, adding the lines it ends to `out`.
    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<Line>) {
        while !data.is_empty() {
            let end = data.iter().position(|b| *b == b'\n');
            let (part, rest) = match end {
                Some(at) => (&data[..at], &data[at + 1..]),
                None => (data, &data[data.len()..]),
            };
            match &mut self.over {
                Some(n) => *n += part.len() as u64,
                None if self.pending.len() + part.len() > MAX_LINE_BYTES => {
                    self.over = Some((self.pending.len() + part.len()) as u64);
                    self.pending = Vec::new();
                }
                None => self.pending.extend_from_slice(part),
            }
            if end.is_some() {
                self.end_line(out);
            }
            data = rest;
        }
    }

    /// The end of the input: its last line if it has no line end.
    pub fn finish(&mut self, out: &mut Vec<Line>) {
        if !self.pending.is_empty() || self.over.is_some() {
            self.end_line(out);
        }
    }

    fn end_line(&mut self, out: &mut Vec<Line>) {
        self.number += 1;
        match self.over.take() {
            Some(n) => out.push(Line::TooLong(self.number, n)),
            None => out.push(Line::Text(self.number, std::mem::take(&mut self.pending))),
        }
    }
}

/// The row of one line of a JSON-lines input; none for a blank line.
pub fn line_row(line: &Line, cols: &Columns) -> Option<Row> {
    match line {
        Line::TooLong(number, bytes) => {
            Some(Row::refused(*number, None, format!("the line is {bytes} bytes; at most {MAX_LINE_BYTES}")))
        }
        Line::Text(_, text) if text.iter().all(u8::is_ascii_whitespace) => None,
        Line::Text(number, text) => Some(json_row(*number, text, cols)),
    }
}

/// The columns of the hits output, in order.
pub const CSV_HEADER: [&str; 10] =
    ["row", "key", "name", "score", "match", "entity_id", "reference", "caption", "matched_name", "error"];

/// A column (CSV) or field (JSON) of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name in the header row or the JSON objects.
    pub name: String,
    /// Whether a CSV header must have it (a column asked for by name must exist; the default
    /// optional ones may be absent).
    pub required: bool,
}

impl Column {
    fn default_for(field: Field) -> Column {
        Column { name: field.as_str().to_string(), required: field == Field::Name }
    }

    /// A column asked for by name: it must exist.
    pub fn asked(name: &str) -> Column {
        Column { name: name.to_string(), required: true }
    }
}

/// Where each field of a query is found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The name (required).
    pub name: Column,
    /// The birth date.
    pub birth_date: Column,
    /// The country.
    pub country: Column,
    /// An identifying number.
    pub id: Column,
    /// The kind of entity.
    pub schema: Column,
    /// The row's own key, copied to the output.
    pub key: Column,
}

impl Default for Columns {
    fn default() -> Columns {
        Columns {
            name: Column::default_for(Field::Name),
            birth_date: Column::default_for(Field::BirthDate),
            country: Column::default_for(Field::Country),
            id: Column::default_for(Field::Id),
            schema: Column::default_for(Field::Schema),
            key: Column::default_for(Field::Key),
        }
    }
}

/// One input row, read.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1 for the first data row.
    pub number: u64,
    /// The row's own key.
    pub key: Option<String>,
    /// The name as given.
    pub name: Option<String>,
    /// The query, or why the row cannot be screened.
    pub query: Result<Query, String>,
    /// Values left out of the query, and why.
    pub notes: Vec<String>,
}

impl Row {
    /// A row that cannot be screened.
    pub fn refused(number: u64, key: Option<String>, reason: impl Into<String>) -> Row {
        Row { number, key, name: None, query: Err(reason.into()), notes: Vec::new() }
    }

    /// What the output says of the row besides its hits: its error, or the values left out.
    pub fn error_text(&self) -> Option<String> {
        match &self.query {
            Err(e) => Some(e.clone()),
            Ok(_) if !self.notes.is_empty() => Some(self.notes.join("; ")),
            Ok(_) => None,
        }
    }
}

/// A value as read: text, or why it cannot be read.
pub type Value = Result<String, String>;

/// The raw values of one row, as every reader of rows finds them (CSV, JSON lines, and the
/// Arrow tables of the Python package).
#[derive(Debug, Default)]
pub struct RowValues {
    /// The name; `None` when the row has none at all.
    pub name: Option<Value>,
    /// Birth dates.
    pub birth_date: Vec<Value>,
    /// Countries.
    pub country: Vec<Value>,
    /// Identifying numbers.
    pub id: Vec<Value>,
    /// The kind of entity.
    pub schema: Option<Value>,
    /// The row's own key.
    pub key: Option<String>,
}

impl RowValues {
    /// Row `number` read from these values; see [`to_row`].
    pub fn into_row(self, number: u64) -> Row {
        to_row(number, self)
    }
}

/// Turns the values of a row into a query; only a bad name refuses the row.
fn to_row(number: u64, v: RowValues) -> Row {
    let mut notes = Vec::new();
    let mut readable = |values: Vec<Value>| -> Vec<String> {
        values.into_iter().filter_map(|r| r.map_err(|e| notes.push(e)).ok()).collect()
    };
    let fields = QueryFields {
        name: None,
        birth_dates: readable(v.birth_date),
        countries: readable(v.country),
        identifiers: readable(v.id),
        schema: readable(v.schema.into_iter().collect()).into_iter().next(),
    };
    let name = match v.name {
        None => Err("name: missing (the row has no name column)".to_string()),
        Some(Err(e)) => Err(e),
        Some(Ok(n)) => Ok(n),
    };
    let (name, query) = match name {
        Err(e) => (None, Err(e)),
        Ok(n) => match parse_query(QueryFields { name: Some(n.clone()), ..fields }) {
            Ok(parsed) => {
                notes.extend(parsed.left_out.iter().map(|e| format!("{e}; screened without it")));
                (Some(n), Ok(parsed.query))
            }
            Err(e) => (Some(n), Err(e.to_string())),
        },
    };
    Row { number, key: v.key, name, query, notes }
}

/// A source of rows.
pub trait Rows {
    /// Up to `n` more rows; none at the end.
    fn next_chunk(&mut self, n: usize) -> Result<Vec<Row>>;
    /// Bytes consumed so far, for progress.
    fn position(&self) -> u64;
}

/// Rows of a CSV file with a header row.
pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read>>,
    name: usize,
    birth_date: Option<usize>,
    country: Option<usize>,
    id: Option<usize>,
    schema: Option<usize>,
    key: Option<usize>,
    width: usize,
    number: u64,
}

impl CsvRows {
    /// Reads the header row and finds the columns; a required column that is absent is an
    /// error naming it and the columns there are.
    pub fn new(input: Box<dyn Read>, cols: &Columns) -> Result<CsvRows> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| Error::Input(format!("cannot read the header row: {e}")))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let find = |col: &Column| -> Result<Option<usize>> {
            match header.iter().position(|h| h.eq_ignore_ascii_case(col.name.trim())) {
                None if col.required => Err(Error::Input(format!(
                    "the header row has no column {:?} (columns: {})",
                    col.name,
                    header.join(", ")
                ))),
                found => Ok(found),
            }
        };
        Ok(CsvRows {
            name: find(&Column { required: true, ..cols.name.clone() })?.expect("required"),
            birth_date: find(&cols.birth_date)?,
            country: find(&cols.country)?,
            id: find(&cols.id)?,
            schema: find(&cols.schema)?,
            key: find(&cols.key)?,
            width: header.len(),
            reader,
            number: 0,
        })
    }

    fn row(&self, record: &csv::ByteRecord) -> Row {
        let text = |i: usize, field: Field| -> Option<Value> {
            record.get(i).map(|b| {
                String::from_utf8(b.to_vec())
                    .map_err(|e| format!("{field}: invalid UTF-8 (byte {} of the value)", e.utf8_error().valid_up_to()))
            })
        };
        let many = |i: Option<usize>, field| i.and_then(|i| text(i, field)).into_iter().collect::<Vec<_>>();
        let (width, header) = (record.len(), self.width);
        let name = text(self.name, Field::Name)
            .or_else(|| Some(Err(format!("missing columns: the row has {width} values, the header {header}"))));
        let v = RowValues {
            name,
            birth_date: many(self.birth_date, Field::BirthDate),
            country: many(self.country, Field::Country),
            id: many(self.id, Field::Id),
            schema: self.schema.and_then(|i| text(i, Field::Schema)),
            key: self.key.and_then(|i| text(i, Field::Key)).and_then(Result::ok),
        };
        to_row(self.number, v)
    }
}

impl Rows for CsvRows {
    fn next_chunk(&mut self, n: usize) -> Result<Vec<Row>> {
        let mut out = Vec::with_capacity(n);
        let mut record = csv::ByteRecord::new();
        while out.len() < n {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    self.number += 1;
                    out.push(self.row(&record));
                }
                Err(e) if e.is_io_error() => {
                    return Err(Error::Stream("read the input", std::io::Error::other(e.to_string())))
                }
                Err(e) => {
                    self.number += 1;
                    out.push(Row::refused(self.number, None, format!("unreadable CSV: {e}")));
                }
            }
        }
        Ok(out)
    }

    fn position(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Rows of a JSON-lines file: one object per line, numbered by line; blank lines are no rows.
pub struct JsonRows {
    reader: Box<dyn BufRead>,
    cols: Columns,
    lines: LineSplitter,
    ready: std::collections::VecDeque<Line>,
    position: u64,
    ended: bool,
}

impl JsonRows {
    /// Rows of `reader`, with fields named by `cols`.
    pub fn new(reader: Box<dyn BufRead>, cols: Columns) -> JsonRows {
        JsonRows { reader, cols, lines: LineSplitter::default(), ready: Default::default(), position: 0, ended: false }
    }

    /// Reads until a line is ready or the input ends.
    fn fill(&mut self) -> Result<()> {
        let mut out = Vec::new();
        while out.is_empty() && !self.ended {
            let data = self.reader.fill_buf().map_err(|e| Error::Stream("read the input", e))?;
            if data.is_empty() {
                self.ended = true;
                self.lines.finish(&mut out);
            } else {
                let n = data.len();
                self.lines.push(data, &mut out);
                self.reader.consume(n);
                self.position += n as u64;
            }
        }
        self.ready.extend(out);
        Ok(())
    }
}

impl Rows for JsonRows {
    fn next_chunk(&mut self, n: usize) -> Result<Vec<Row>> {
        let mut rows = Vec::with_capacity(n);
        while rows.len() < n {
            if self.ready.is_empty() {
                self.fill()?;
            }
            let Some(line) = self.ready.pop_front() else { break };
            rows.extend(line_row(&line, &self.cols));
        }
        Ok(rows)
    }

    fn position(&self) -> u64 {
        self.position
    }
}

/// Reads one JSON line (row `number`) into a row.
pub fn json_row(number: u64, line: &[u8], cols: &Columns) -> Row {
    if line.len() > MAX_LINE_BYTES {
        return Row::refused(number, None, format!("the line is {} bytes; at most {MAX_LINE_BYTES}", line.len()));
    }
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            return Row::refused(number, None, format!("not UTF-8 (invalid byte at column {})", e.valid_up_to() + 1))
        }
    };
    let object = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => o,
        Ok(_) => return Row::refused(number, None, "not a JSON object"),
        Err(e) => return Row::refused(number, None, format!("not a JSON object: {e}")),
    };
    let scalar = |v: &serde_json::Value, col: &str| -> Value {
        match v {
            serde_json::Value::String(s) => Ok(s.clone()),
            serde_json::Value::Number(n) => Ok(n.to_string()),
            serde_json::Value::Null => Ok(String::new()),
            _ => Err(format!("{col}: must be a string or a list of strings")),
        }
    };
    let many = |col: &Column| -> Vec<Value> {
        match object.get(&col.name) {
            None => vec![],
            Some(serde_json::Value::Array(items)) => items.iter().map(|v| scalar(v, &col.name)).collect(),
            Some(v) => vec![scalar(v, &col.name)],
        }
    };
    let key = match object.get(&cols.key.name) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let name = match object.get(&cols.name.name) {
        None => None,
        Some(serde_json::Value::String(s)) => Some(Ok(s.clone())),
        Some(serde_json::Value::Null) => Some(Ok(String::new())),
        Some(_) => Some(Err(format!("{}: must be a string", cols.name.name))),
    };
    let v = RowValues {
        name: Some(name.unwrap_or_else(|| Ok(String::new()))),
        birth_date: many(&cols.birth_date),
        country: many(&cols.country),
        id: many(&cols.id),
        schema: many(&cols.schema).into_iter().next(),
        key,
    };
    to_row(number, v)
}

/// What screening one row gave.
#[derive(Debug)]
pub struct Screened {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Time taken.
    pub nanos: u64,
}

/// The options a batch screens with, from the caller's limit, threshold and candidates: a
/// batch's output never shows explanations, so hits are not explained; and where it writes
/// matches only (`matches_only`: the hits format), entities whose other evidence keeps them
/// below the threshold are not compared. The command line, the API, the web UI and the
/// Python package all screen batches with these.
pub fn batch_options(base: &ScreenOptions, matches_only: bool) -> ScreenOptions {
    ScreenOptions { explain: false, matches_only, ..*base }
}

/// Screens the rows that have a query, on rayon's pool, one hit per cluster unless
/// `members` ([`screen_loaded`]). A row whose name screening refuses (no letters, too long)
/// gets that reason as its error and no outcome.
pub fn screen_rows(loaded: &Loaded, rows: &mut [Row], options: &ScreenOptions, members: bool) -> Vec<Option<Screened>> {
    rows.par_iter_mut()
        .map(|row| {
            let query = row.query.as_ref().ok()?;
            let start = Instant::now();
            match screen_loaded(loaded, query, options, members) {
                Ok(hits) => Some(Screened { hits, nanos: start.elapsed().as_nanos() as u64 }),
                Err(e) => {
                    row.query = Err(format!("{}: {e}", Field::Name));
                    row.notes.clear();
                    None
                }
            }
        })
        .collect()
}

/// What a batch writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One row per hit at or above the threshold, and one per input row with an error or
    /// values left out.
    Hits,
    /// One line per input row: the list references of the best entities, best first (an
    /// empty line when there is none or the row is bad).
    Refs,
    /// One line per input row: the best score and the list reference of its entity (`0`
    /// alone when there is no candidate or the row is bad).
    Scores,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<OutputFormat, String> {
        match s {
            "hits" => Ok(OutputFormat::Hits),
            "refs" => Ok(OutputFormat::Refs),
            "scores" => Ok(OutputFormat::Scores),
            other => Err(format!("unknown output format {other:?} (hits, refs or scores)")),
        }
    }
}

/// One output row of the hits format: a matching hit of an input row, or an input row's
/// error or notes. Its fields are the columns of [`CSV_HEADER`], in that order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitRecord {
    /// The input row's number.
    pub row: u64,
    /// The input row's key.
    pub key: Option<String>,
    /// The name screened.
    pub name: Option<String>,
    /// The hit's score, to four decimals.
    pub score: Option<f64>,
    /// Whether it is a match (always, for a hit).
    #[serde(rename = "match")]
    pub is_match: Option<bool>,
    /// The entity's id.
    pub entity_id: Option<String>,
    /// Its list references and those of the other members of its cluster, joined by
    /// [`REFERENCE_SEPARATOR`].
    pub reference: Option<String>,
    /// Its caption.
    pub caption: Option<String>,
    /// The listed name that matched, as written in the list.
    pub matched_name: Option<String>,
    /// The row's error, or the values left out of its query.
    pub error: Option<String>,
}

impl HitRecord {
    /// The record's values as text, in the order of [`CSV_HEADER`] (empty when absent).
    pub fn cells(&self) -> [String; 10] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.row.to_string(),
            opt(&self.key),
            opt(&self.name),
            self.score.map(|s| s.to_string()).unwrap_or_default(),
            self.is_match.map(|m| m.to_string()).unwrap_or_default(),
            opt(&self.entity_id),
            opt(&self.reference),
            opt(&self.caption),
            opt(&self.matched_name),
            opt(&self.error),
        ]
    }
}

/// The output rows of the hits format for one input row: one for its error or notes, if
/// any, then one per matching hit (`hits`: none when the row was not screened).
pub fn hit_records(loaded: &Loaded, row: &Row, hits: &[Hit]) -> Vec<HitRecord> {
    let index = &loaded.index;
    let base = HitRecord {
        row: row.number,
        key: row.key.clone(),
        name: row.name.clone(),
        score: None,
        is_match: None,
        entity_id: None,
        reference: None,
        caption: None,
        matched_name: None,
        error: None,
    };
    let mut out = Vec::new();
    if let Some(e) = row.error_text() {
        out.push(HitRecord { error: Some(e), ..base.clone() });
    }
    for h in hits.iter().filter(|h| h.is_match) {
        let e = index.entity(h.entity);
        out.push(HitRecord {
            score: Some((h.score * 1e4).round() / 1e4),
            is_match: Some(true),
            entity_id: Some(e.id.clone()),
            reference: Some(cluster_references(loaded, h.entity)),
            caption: Some(e.caption().to_string()),
            matched_name: h.name.map(|n| index.name_text(n).to_string()),
            ..base.clone()
        });
    }
    out
}

enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(Box<dyn Write>),
    Lines(Box<dyn Write>, OutputFormat),
}

/// Writes the results of a batch.
pub struct ResultWriter {
    sink: Sink,
    /// Most entities of the references format.
    limit: usize,
}

fn output_error(e: std::io::Error) -> Error {
    Error::Stream("write the output", e)
}

impl ResultWriter {
    /// A writer of `format` to `out`; the hits format as JSON lines when `json`, else CSV
    /// with its header row. `limit`: most entities per row of the references format.
    pub fn new(out: Box<dyn Write>, format: OutputFormat, json: bool, limit: usize) -> Result<ResultWriter> {
        let sink = match format {
            OutputFormat::Hits if json => Sink::Jsonl(out),
            OutputFormat::Hits => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CSV_HEADER).map_err(|e| output_error(e.into()))?;
                Sink::Csv(Box::new(w))
            }
            other => Sink::Lines(out, other),
        };
        Ok(ResultWriter { sink, limit })
    }

    /// Writes what `row` gave (`hits`: none when it was not screened). Returns the row's
    /// error or notes when the format has no place for them (references and scores), for
    /// the caller to report.
    pub fn write(&mut self, loaded: &Loaded, row: &Row, hits: &[Hit]) -> Result<Option<String>> {
        let index = &loaded.index;
        let error = row.error_text();
        if let Sink::Lines(out, format) = &mut self.sink {
            let line = match format {
                OutputFormat::Refs => hits
                    .iter()
                    .take(self.limit)
                    .map(|h| main_reference(index.entity(h.entity)))
                    .collect::<Vec<_>>()
                    .join(REFERENCE_SEPARATOR),
                _ => match hits.first() {
                    Some(h) => format!("{:.6} {}", h.score, main_reference(index.entity(h.entity))),
                    None => "0".to_string(),
                },
            };
            writeln!(out, "{line}").map_err(output_error)?;
            return Ok(error);
        }
        for record in hit_records(loaded, row, hits) {
            self.emit(&record)?;
        }
        Ok(None)
    }

    fn emit(&mut self, record: &HitRecord) -> Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => {
                let cells = record.cells();
                w.write_record(spreadsheet::record(cells.iter().map(String::as_str)).iter().map(|c| c.as_bytes()))
                    .map_err(|e| output_error(e.into()))?;
            }
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, record).map_err(|e| output_error(e.into()))?;
                out.write_all(b"\n").map_err(output_error)?;
            }
            Sink::Lines(..) => {}
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => w.flush(),
            Sink::Jsonl(out) | Sink::Lines(out, _) => out.flush(),
        }
        .map_err(output_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_rows(text: &str, cols: &Columns) -> Result<Vec<Row>> {
        let mut rows = CsvRows::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), cols)?;
        rows.next_chunk(100)
    }

    fn json_rows(text: &str) -> Vec<Row> {
        let mut rows = JsonRows::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), Columns::default());
        rows.next_chunk(100).unwrap()
    }

    #[test]
    fn csv_columns_are_found_by_name_whatever_their_case_and_a_missing_name_column_is_named() {
        let rows = csv_rows("Key, NAME ,country\n7,Ivan Petrov,ru\n", &Columns::default()).unwrap();
        assert_eq!(rows[0].key.as_deref(), Some("7"));
        assert_eq!(rows[0].query.as_ref().unwrap().countries.len(), 1);
        let Err(e) = csv_rows("who,country\nx,ru\n", &Columns::default()) else { panic!("no name column") };
        assert_eq!(e.to_string(), "the header row has no column \"name\" (columns: who, country)");
        let cols = Columns { birth_date: Column::asked("dob"), ..Columns::default() };
        let Err(e) = csv_rows("name\nx\n", &cols) else { panic!("no dob column") };
        assert!(e.to_string().contains("no column \"dob\""), "{e}");
    }

    #[test]
    fn csv_and_json_rows_say_the_same_of_the_same_values() {
        let csv = csv_rows(
            "key,name,birth_date,country,schema\n1,Ivan Petrov,31/02/1961,Atlantis,Banana\n2,,,,\n3,Ivan,1961,ru,Person\n",
            &Columns::default(),
        )
        .unwrap();
        let json = json_rows(concat!(
            r#"{"key":1,"name":"Ivan Petrov","birth_date":"31/02/1961","country":"Atlantis","schema":"Banana"}"#,
            "\n",
            r#"{"key":"2","name":""}"#,
            "\n",
            r#"{"key":3,"name":"Ivan","birth_date":["1961"],"country":["ru"],"schema":"Person"}"#,
            "\n"
        ));
        assert_eq!(csv.len(), 3);
        assert_eq!(json.len(), 3);
        for (c, j) in csv.iter().zip(&json) {
            assert_eq!((c.number, &c.key, c.error_text()), (j.number, &j.key, j.error_text()));
        }
        let first = csv[0].error_text().unwrap();
        assert!(first.starts_with("schema: unknown \"Banana\""), "{first}");
        assert!(first.contains("birth_date: \"31/02/1961\" is not a date"), "{first}");
        assert!(first.contains("country: unknown \"Atlantis\"; screened without it"), "{first}");
        assert_eq!(csv[1].error_text().as_deref(), Some("name: missing or empty"));
        assert!(csv[2].error_text().is_none());
    }

    #[test]
    fn bad_lines_are_their_row_s_error() {
        let long = format!("{{\"name\": \"{}\"}}", "a".repeat(MAX_LINE_BYTES));
        for (line, reason) in [
            (&b"{\"name\": 5}"[..], "name: must be a string"),
            (b"[1, 2]", "not a JSON object"),
            (b"{\"name\": \"\xff\"}", "not UTF-8"),
            (b"{\"country\": \"ru\"}", "name: missing or empty"),
            (long.as_bytes(), "at most"),
        ] {
            let row = json_row(4, line, &Columns::default());
            let err = row.query.unwrap_err();
            assert!(err.contains(reason), "{}: {err}", String::from_utf8_lossy(&line[..line.len().min(40)]));
            assert_eq!(row.number, 4);
        }
    }

    #[test]
    fn lines_keep_their_numbers_whatever_their_length_or_how_they_arrive() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let input =
            format!("{{\"name\": \"a\"}}\n{{\"name\": \"{long}\"}}\n\n{{\"name\": \"b\"}}\n{{\"name\": \"c\"}}");
        // Whole, and in pieces of every size that split lines anywhere.
        for piece in [input.len(), 1, 7, 4096, MAX_LINE_BYTES - 1] {
            let mut splitter = LineSplitter::default();
            let mut lines = Vec::new();
            for part in input.as_bytes().chunks(piece) {
                splitter.push(part, &mut lines);
            }
            splitter.finish(&mut lines);
            let rows: Vec<Row> = lines.iter().filter_map(|l| line_row(l, &Columns::default())).collect();
            let numbers: Vec<u64> = rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [1, 2, 4, 5], "pieces of {piece}");
            assert_eq!(
                rows[1].query.as_ref().unwrap_err(),
                &format!("the line is {} bytes; at most {MAX_LINE_BYTES}", long.len() + 12)
            );
            assert_eq!(rows[2].name.as_deref(), Some("b"));
        }
    }

    #[test]
    fn output_formats_are_named() {
        assert_eq!("refs".parse(), Ok(OutputFormat::Refs));
        assert!("table".parse::<OutputFormat>().is_err());
    }
}
