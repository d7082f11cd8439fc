//! `proscribe screen --input`: screens every row of a CSV file (header row; columns chosen by
//! name) or a JSON-lines file, streaming in chunks that are screened on all cores and written
//! in input order. A row that cannot be screened (no name, a name of only punctuation or
//! emoji, a name too long, invalid UTF-8, missing columns) gives an error row in the output
//! with its row number and the reason, and the batch goes on; a birth date or country that
//! cannot be read is left out of the query and reported the same way. A progress bar is drawn
//! when standard error is a terminal, and a summary is printed there at the end.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use proscribe_matching::entity::{screen, screen_brute_force, Hit, Query, ScreenOptions};
use rayon::prelude::*;
use serde::Serialize;

use crate::screen::{
    main_reference, parse_birth_date, parse_country, parse_schema, InputFormat, Loaded, OutputFormat, ScreenArgs,
};
use crate::Cli;

/// Rows read, screened and written at a time.
const CHUNK: usize = 2048;

/// One input row, read.
struct Row {
    /// 1 for the first data row.
    number: u64,
    key: Option<String>,
    name: Option<String>,
    query: Result<Query, String>,
    /// Values left out of the query, and why.
    notes: Vec<String>,
}

/// What screening one row gave.
struct Outcome {
    hits: Vec<Hit>,
    nanos: u64,
    /// Brute force's top-10 entities: score and whether the index found it (--measure-recall).
    recall: Option<Vec<(f64, bool)>>,
}

/// Column names of the query fields.
struct Columns {
    name: String,
    birth_date: String,
    country: String,
    id: String,
    schema: String,
    key: String,
}

impl Columns {
    fn new(args: &ScreenArgs) -> Columns {
        let pick = |v: &Option<String>, default: &str| v.clone().unwrap_or_else(|| default.to_string());
        Columns {
            name: pick(&args.name_col, "name"),
            birth_date: pick(&args.birth_date_col, "birth_date"),
            country: pick(&args.country_col, "country"),
            id: pick(&args.id_col, "id"),
            schema: pick(&args.schema_col, "schema"),
            key: pick(&args.key_col, "key"),
        }
    }
}

/// Raw values of one row, as text (or why a value cannot be read).
#[derive(Default)]
struct Fields {
    name: Option<Result<String, String>>,
    birth_date: Vec<Result<String, String>>,
    country: Vec<Result<String, String>>,
    id: Vec<Result<String, String>>,
    schema: Option<Result<String, String>>,
    key: Option<String>,
}

/// Turns the values of a row into a query; a bad name refuses the row, other bad values are
/// left out with a note.
fn to_row(number: u64, f: Fields) -> Row {
    let mut notes = Vec::new();
    let name = match f.name {
        None => Err("no name (the name column is missing from this row)".to_string()),
        Some(Err(e)) => Err(e),
        Some(Ok(n)) if n.trim().is_empty() => Err("the name is empty".to_string()),
        Some(Ok(n)) => Ok(n),
    };
    let mut query = Query::default();
    let keep = |r: Result<String, String>, notes: &mut Vec<String>| match r {
        Ok(v) if v.trim().is_empty() => None,
        Ok(v) => Some(v),
        Err(e) => {
            notes.push(e);
            None
        }
    };
    let dates: Vec<String> = f.birth_date.into_iter().filter_map(|r| keep(r, &mut notes)).collect();
    for v in dates {
        match parse_birth_date(&v) {
            Ok(d) if query.birth_date.is_none() => query.birth_date = Some(d),
            Ok(_) => {}
            Err(e) => notes.push(format!("{e}; screened without it")),
        }
    }
    let countries: Vec<String> = f.country.into_iter().filter_map(|r| keep(r, &mut notes)).collect();
    for v in countries {
        match parse_country(&v) {
            Ok(c) => query.countries.push(c),
            Err(e) => notes.push(format!("{e}; screened without it")),
        }
    }
    for v in f.id.into_iter().filter_map(|r| keep(r, &mut notes)) {
        query.identifiers.push(v.trim().to_string());
    }
    if let Some(v) = f.schema.and_then(|r| keep(r, &mut notes)) {
        match parse_schema(&v) {
            Ok(s) => query.schema = Some(s),
            Err(e) => notes.push(format!("{e}; screened without it")),
        }
    }
    let shown = name.as_ref().ok().cloned();
    let query = name.map(|n| Query { name: n, ..query });
    Row { number, key: f.key, name: shown, query, notes }
}

/// A source of rows.
trait Rows {
    /// Up to `n` more rows; none at the end.
    fn next_chunk(&mut self, n: usize) -> Result<Vec<Row>>;
    /// Bytes consumed so far, for the progress bar.
    fn position(&self) -> u64;
}

struct CsvRows {
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
    fn new(input: Box<dyn Read>, args: &ScreenArgs, cols: &Columns) -> Result<CsvRows> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header: Vec<String> = reader
            .byte_headers()
            .context("cannot read the header row")?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let find = |col: &str| header.iter().position(|h| h == col);
        let Some(name) = find(&cols.name) else {
            bail!(
                "the header row has no column {:?} (columns: {}); choose one with --name-col",
                cols.name,
                header.join(", ")
            )
        };
        // A column asked for by name must exist; the default ones are optional.
        let optional = |asked: &Option<String>, col: &str| -> Result<Option<usize>> {
            match (find(col), asked) {
                (None, Some(_)) => bail!("the header row has no column {col:?} (columns: {})", header.join(", ")),
                (found, _) => Ok(found),
            }
        };
        Ok(CsvRows {
            birth_date: optional(&args.birth_date_col, &cols.birth_date)?,
            country: optional(&args.country_col, &cols.country)?,
            id: optional(&args.id_col, &cols.id)?,
            schema: optional(&args.schema_col, &cols.schema)?,
            key: optional(&args.key_col, &cols.key)?,
            width: header.len(),
            reader,
            name,
            number: 0,
        })
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
                Err(e) if e.is_io_error() => return Err(e).context("cannot read the input"),
                Err(e) => {
                    self.number += 1;
                    out.push(Row {
                        number: self.number,
                        key: None,
                        name: None,
                        query: Err(format!("unreadable CSV: {e}")),
                        notes: vec![],
                    });
                }
            }
        }
        Ok(out)
    }

    fn position(&self) -> u64 {
        self.reader.position().byte()
    }
}

impl CsvRows {
    fn row(&self, record: &csv::ByteRecord) -> Row {
        let width = record.len();
        let header = self.width;
        let text = |i: usize, col: &str| -> Option<Result<String, String>> {
            record.get(i).map(|b| {
                String::from_utf8(b.to_vec()).map_err(|e| {
                    format!("invalid UTF-8 in column {col:?} (byte {} of the value)", e.utf8_error().valid_up_to())
                })
            })
        };
        let many = |i: Option<usize>, col: &str| i.and_then(|i| text(i, col)).into_iter().collect::<Vec<_>>();
        let name = text(self.name, "name")
            .or_else(|| Some(Err(format!("missing columns: the row has {width} values, the header {header}"))));
        let f = Fields {
            name,
            birth_date: many(self.birth_date, "birth date"),
            country: many(self.country, "country"),
            id: many(self.id, "id"),
            schema: self.schema.and_then(|i| text(i, "schema")),
            key: self.key.and_then(|i| text(i, "key")).and_then(Result::ok),
        };
        to_row(self.number, f)
    }
}

struct JsonRows {
    reader: Box<dyn BufRead>,
    cols: Columns,
    number: u64,
    position: u64,
    line: Vec<u8>,
}

impl Rows for JsonRows {
    fn next_chunk(&mut self, n: usize) -> Result<Vec<Row>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.line.clear();
            let read = self.reader.read_until(b'\n', &mut self.line).context("cannot read the input")?;
            if read == 0 {
                break;
            }
            self.position += read as u64;
            if self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.number += 1;
            out.push(self.row());
        }
        Ok(out)
    }

    fn position(&self) -> u64 {
        self.position
    }
}

impl JsonRows {
    fn row(&self) -> Row {
        let refused =
            |reason: String| Row { number: self.number, key: None, name: None, query: Err(reason), notes: vec![] };
        let text = match std::str::from_utf8(&self.line) {
            Ok(t) => t,
            Err(e) => return refused(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())),
        };
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return refused(format!("not JSON: {e}")),
        };
        let Some(obj) = value.as_object() else { return refused("not a JSON object".into()) };
        let scalar = |v: &serde_json::Value, field: &str| -> Result<String, String> {
            match v {
                serde_json::Value::String(s) => Ok(s.clone()),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                serde_json::Value::Null => Ok(String::new()),
                _ => Err(format!("field {field:?} is not a string")),
            }
        };
        let many = |field: &str| -> Vec<Result<String, String>> {
            match obj.get(field) {
                None => vec![],
                Some(serde_json::Value::Array(items)) => items.iter().map(|v| scalar(v, field)).collect(),
                Some(v) => vec![scalar(v, field)],
            }
        };
        let c = &self.cols;
        let f = Fields {
            name: Some(match obj.get(&c.name) {
                None => Err(format!("no field {:?}", c.name)),
                Some(v) => scalar(v, &c.name),
            }),
            birth_date: many(&c.birth_date),
            country: many(&c.country),
            id: many(&c.id),
            schema: obj.get(&c.schema).map(|v| scalar(v, &c.schema)),
            key: obj.get(&c.key).and_then(|v| scalar(v, &c.key).ok()),
        };
        to_row(self.number, f)
    }
}

/// Where results go.
enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(Box<dyn Write>),
    Lines(Box<dyn Write>, OutputFormat),
}

/// One output row of the hits format.
#[derive(Serialize)]
struct HitRow<'a> {
    row: u64,
    key: Option<&'a str>,
    name: Option<&'a str>,
    score: Option<f64>,
    #[serde(rename = "match")]
    is_match: Option<bool>,
    entity_id: Option<&'a str>,
    reference: Option<String>,
    caption: Option<&'a str>,
    /// The listed name that matched, as written in the list.
    matched_name: Option<&'a str>,
    error: Option<&'a str>,
}

const CSV_HEADER: [&str; 10] =
    ["row", "key", "name", "score", "match", "entity_id", "reference", "caption", "matched_name", "error"];

impl Sink {
    fn write(&mut self, loaded: &Loaded, options: &ScreenOptions, row: &Row, outcome: Option<&Outcome>) -> Result<()> {
        let index = &loaded.index;
        let error = match &row.query {
            Err(e) => Some(e.clone()),
            Ok(_) if !row.notes.is_empty() => Some(row.notes.join("; ")),
            Ok(_) => None,
        };
        match self {
            Sink::Lines(out, format) => {
                let hits = outcome.map(|o| o.hits.as_slice()).unwrap_or_default();
                let line = match format {
                    OutputFormat::Refs => hits
                        .iter()
                        .take(options.limit)
                        .map(|h| main_reference(&index.entities()[h.entity as usize]))
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => match hits.first() {
                        Some(h) => format!("{:.6} {}", h.score, main_reference(&index.entities()[h.entity as usize])),
                        None => "0".to_string(),
                    },
                };
                writeln!(out, "{line}")?;
                if let Some(e) = error {
                    eprintln!("row {}: {e}", row.number);
                }
            }
            Sink::Csv(_) | Sink::Jsonl(_) => {
                let base = HitRow {
                    row: row.number,
                    key: row.key.as_deref(),
                    name: row.name.as_deref(),
                    score: None,
                    is_match: None,
                    entity_id: None,
                    reference: None,
                    caption: None,
                    matched_name: None,
                    error: None,
                };
                if let Some(e) = &error {
                    self.emit(&HitRow { error: Some(e), ..base })?;
                }
                for h in outcome.map(|o| o.hits.as_slice()).unwrap_or_default().iter().filter(|h| h.is_match) {
                    let e = &index.entities()[h.entity as usize];
                    let refs: Vec<&str> = e.designations.iter().filter_map(|d| d.reference.as_deref()).collect();
                    self.emit(&HitRow {
                        row: row.number,
                        key: row.key.as_deref(),
                        name: row.name.as_deref(),
                        score: Some((h.score * 1e4).round() / 1e4),
                        is_match: Some(true),
                        entity_id: Some(&e.id),
                        reference: Some(refs.join(";")),
                        caption: Some(e.caption()),
                        matched_name: h.name.map(|n| index.name_text(n)),
                        error: None,
                    })?;
                }
            }
        }
        Ok(())
    }

    fn emit(&mut self, row: &HitRow) -> Result<()> {
        match self {
            Sink::Csv(w) => {
                let opt = |v: Option<&str>| v.unwrap_or("").to_string();
                w.write_record([
                    row.row.to_string(),
                    opt(row.key),
                    opt(row.name),
                    row.score.map(|s| s.to_string()).unwrap_or_default(),
                    row.is_match.map(|m| m.to_string()).unwrap_or_default(),
                    opt(row.entity_id),
                    row.reference.clone().unwrap_or_default(),
                    opt(row.caption),
                    opt(row.matched_name),
                    opt(row.error),
                ])?;
            }
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, row)?;
                out.write_all(b"\n")?;
            }
            Sink::Lines(..) => {}
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        match self {
            Sink::Csv(w) => w.flush()?,
            Sink::Jsonl(out) | Sink::Lines(out, _) => out.flush()?,
        }
        Ok(())
    }
}

fn open_input(path: &Path) -> Result<(Box<dyn Read>, Option<u64>)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(file), len))
}

fn open_output(path: Option<&PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        _ => Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())),
    })
}

/// Whether the input is JSON lines: said so, named so, or starting with `{`.
fn is_jsonl(args: &ScreenArgs, path: &Path, reader: &mut BufReader<Box<dyn Read>>) -> Result<bool> {
    if let Some(f) = args.input_format {
        return Ok(f == InputFormat::Jsonl);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(ext.as_str(), "jsonl" | "ndjson" | "json") {
        return Ok(true);
    }
    if ext == "csv" {
        return Ok(false);
    }
    let head = reader.fill_buf().context("cannot read the input")?;
    Ok(head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

/// Counts of a batch, for the summary.
#[derive(Default)]
struct Summary {
    rows: u64,
    errors: u64,
    notes: u64,
    with_match: u64,
    hits: u64,
    nanos: Vec<u64>,
    threshold: f64,
    /// Brute force's top-10 hits: score and whether the index found it.
    recall: Vec<(f64, bool)>,
}

/// Runs `proscribe screen --input`.
pub fn run(cli: &Cli, args: &ScreenArgs, loaded: &Loaded, options: &ScreenOptions, input: &Path) -> Result<()> {
    // No batch output shows the explanations: hits are not explained.
    // Hits list matches only: entities that cannot reach the threshold need no comparison.
    let options = &ScreenOptions { explain: false, matches_only: args.format == OutputFormat::Hits, ..*options };
    let (raw, len) = open_input(input)?;
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let jsonl = is_jsonl(args, input, &mut reader)?;
    let cols = Columns::new(args);
    let mut rows: Box<dyn Rows> = if jsonl {
        Box::new(JsonRows { reader: Box::new(reader), cols, number: 0, position: 0, line: Vec::new() })
    } else {
        Box::new(CsvRows::new(Box::new(reader), args, &cols)?)
    };
    let out = open_output(args.output.as_ref())?;
    let mut sink = match args.format {
        OutputFormat::Hits if cli.json => Sink::Jsonl(out),
        OutputFormat::Hits => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(CSV_HEADER)?;
            Sink::Csv(Box::new(w))
        }
        other => Sink::Lines(out, other),
    };

    let bar = if std::io::stderr().is_terminal() {
        let bar = match len {
            Some(l) => ProgressBar::new(l).with_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)")
                    .expect("valid template"),
            ),
            None => ProgressBar::new_spinner()
                .with_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template")),
        };
        Some(bar)
    } else {
        None
    };

    // Refs and scores need every candidate up to the limit; hits need only those that match.
    let start = Instant::now();
    let mut summary = Summary { threshold: options.threshold, ..Summary::default() };
    loop {
        let chunk = rows.next_chunk(CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Option<Outcome>> = chunk
            .par_iter()
            .map(|row| {
                let query = row.query.as_ref().ok()?;
                let t = Instant::now();
                let result = screen(&loaded.index, query, options);
                let nanos = t.elapsed().as_nanos() as u64;
                let recall = if args.measure_recall { measure_recall(loaded, query, options) } else { None };
                result.ok().map(|hits| Outcome { hits, nanos, recall })
            })
            .collect();
        for (row, outcome) in chunk.iter().zip(&outcomes) {
            let row_owned;
            let mut row_ref = row;
            // A name refused by the screener (no letters, too long) becomes the row's error.
            if let (Ok(q), None) = (&row.query, outcome) {
                let reason = proscribe_matching::entity::prepare_query(&q.name, q.schema).err();
                row_owned = Row {
                    number: row.number,
                    key: row.key.clone(),
                    name: row.name.clone(),
                    query: Err(reason.map(|r| r.to_string()).unwrap_or_else(|| "cannot be screened".into())),
                    notes: vec![],
                };
                row_ref = &row_owned;
            }
            summary.rows += 1;
            if row_ref.query.is_err() {
                summary.errors += 1;
            } else if !row_ref.notes.is_empty() {
                summary.notes += 1;
            }
            if let Some(o) = outcome {
                summary.nanos.push(o.nanos);
                let matches = o.hits.iter().filter(|h| h.is_match).count() as u64;
                summary.hits += matches;
                summary.with_match += (matches > 0) as u64;
                if let Some(r) = &o.recall {
                    summary.recall.extend_from_slice(r);
                }
            }
            if let Err(e) = sink.write(loaded, options, row_ref, outcome.as_ref()) {
                return quiet_on_closed_pipe(e);
            }
        }
        if let Some(bar) = &bar {
            bar.set_position(rows.position());
            bar.set_message(format!("{} rows", summary.rows));
        }
    }
    if let Err(e) = sink.flush() {
        return quiet_on_closed_pipe(e);
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    print_summary(&summary, loaded, start.elapsed().as_secs_f64());
    Ok(())
}

/// Compares the index's top 10 with brute force's: how many of brute force's top-10 entities
/// the index returned (an entity tied with the index's tenth counts as found).
fn measure_recall(loaded: &Loaded, query: &Query, options: &ScreenOptions) -> Option<Vec<(f64, bool)>> {
    let top = ScreenOptions { limit: 10, matches_only: false, ..*options };
    let exact = screen_brute_force(&loaded.index, query, &top).ok()?;
    let got = screen(&loaded.index, query, &top).ok()?;
    let floor = if got.len() == 10 { got[9].score } else { f64::NEG_INFINITY };
    let found = |h: &Hit| h.score <= floor || got.iter().any(|g| g.entity == h.entity);
    for h in exact.iter().filter(|h| h.is_match && !found(h)) {
        let name = h.name.map(|n| loaded.index.name_text(n)).unwrap_or_default();
        tracing::debug!(query = %query.name, listed = name, score = h.score, "match the index did not propose");
    }
    Some(exact.iter().map(|h| (h.score, found(h))).collect())
}

fn quiet_on_closed_pipe(e: anyhow::Error) -> Result<()> {
    let closed = e
        .chain()
        .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe));
    if closed {
        std::process::exit(0);
    }
    Err(e).context("cannot write the output")
}

fn loaded_threshold(s: &Summary) -> f64 {
    s.threshold
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn print_summary(s: &Summary, loaded: &Loaded, secs: f64) {
    let mut nanos = s.nanos.clone();
    nanos.sort_unstable();
    let screened = nanos.len() as f64;
    let stats = loaded.index.stats();
    let threads = rayon::current_num_threads();
    let cpu_secs = nanos.iter().sum::<u64>() as f64 / 1e9;
    eprintln!(
        "screened {} rows ({} errors, {} with values left out) in {:.2} s: {:.0} rows/s on {threads} thread{}; \
         per query {:.0} queries/s of one thread, latency p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        s.rows,
        s.errors,
        s.notes,
        secs,
        s.rows as f64 / secs.max(1e-9),
        if threads == 1 { "" } else { "s" },
        if cpu_secs > 0.0 { screened / cpu_secs } else { 0.0 },
        percentile(&nanos, 0.5),
        percentile(&nanos, 0.99),
        percentile(&nanos, 1.0),
    );
    eprintln!("{} rows with a match, {} matching hits", s.with_match, s.hits);
    eprintln!(
        "index: {} entities, {} names, {} terms; read from the store in {:.2} s, built in {:.2} s",
        stats.entities, stats.names, stats.terms, loaded.read_secs, loaded.build_secs
    );
    if !s.recall.is_empty() {
        let mut parts = Vec::new();
        for floor in [0.0, 0.5, 0.6, loaded_threshold(s)] {
            let relevant: Vec<bool> = s.recall.iter().filter(|(score, _)| *score >= floor).map(|r| r.1).collect();
            let found = relevant.iter().filter(|f| **f).count();
            parts.push(format!(
                "{found} of {} scoring >= {floor:.2} ({:.2}%)",
                relevant.len(),
                100.0 * found as f64 / relevant.len().max(1) as f64
            ));
        }
        eprintln!("recall of brute force's top-10 entities: {}", parts.join("; "));
    }
}
