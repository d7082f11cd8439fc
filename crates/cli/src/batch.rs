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

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use proscribe_app::batch::{batch_options, screen_rows, Column, Columns, CsvRows, JsonRows, ResultWriter, Rows};
use proscribe_matching::entity::{screen, screen_brute_force, Hit, Query, ScreenOptions};
use rayon::prelude::*;

use crate::screen::{InputFormat, Loaded, OutputFormat, ScreenArgs};
use crate::Cli;

/// Rows read, screened and written at a time.
const CHUNK: usize = 2048;

/// The input's columns, as the arguments name them.
fn columns(args: &ScreenArgs) -> Columns {
    let pick = |asked: &Option<String>, default: Column| asked.as_deref().map(Column::asked).unwrap_or(default);
    let d = Columns::default();
    Columns {
        name: pick(&args.name_col, d.name),
        birth_date: pick(&args.birth_date_col, d.birth_date),
        country: pick(&args.country_col, d.country),
        id: pick(&args.id_col, d.id),
        schema: pick(&args.schema_col, d.schema),
        key: pick(&args.key_col, d.key),
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
        _ => Box::new(std::io::BufWriter::with_capacity(1 << 16, crate::output::Stdout)),
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
pub fn run(
    cli: &Cli,
    args: &ScreenArgs,
    loaded: &Loaded,
    options: &ScreenOptions,
    (mut rows, len): (Box<dyn Rows>, Option<u64>),
) -> Result<()> {
    let options = &batch_options(options, args.format == OutputFormat::Hits);
    let out = open_output(args.output.as_ref())?;
    let mut writer = ResultWriter::new(out, args.format, cli.json, options.limit)?;
    let bar = progress_bar(len);

    // Refs and scores need every candidate up to the limit; hits need only those that match.
    let start = Instant::now();
    let mut summary = Summary { threshold: options.threshold, ..Summary::default() };
    loop {
        let mut chunk = rows.next_chunk(CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        let recall: Vec<Option<Vec<(f64, bool)>>> = if args.measure_recall {
            chunk.par_iter().map(|row| measure_recall(loaded, row.query.as_ref().ok()?, options)).collect()
        } else {
            Vec::new()
        };
        let outcomes = screen_rows(loaded, &mut chunk, options, args.members);
        for (i, (row, outcome)) in chunk.iter().zip(&outcomes).enumerate() {
            summary.rows += 1;
            if row.query.is_err() {
                summary.errors += 1;
            } else if !row.notes.is_empty() {
                summary.notes += 1;
            }
            if let Some(o) = outcome {
                summary.nanos.push(o.nanos);
                let matches = o.hits.iter().filter(|h| h.is_match).count() as u64;
                summary.hits += matches;
                summary.with_match += (matches > 0) as u64;
            }
            if let Some(Some(r)) = recall.get(i) {
                summary.recall.extend_from_slice(r);
            }
            let hits = outcome.as_ref().map(|o| o.hits.as_slice()).unwrap_or_default();
            match writer.write(loaded, row, hits) {
                Ok(Some(unsaid)) => eprintln!("row {}: {unsaid}", row.number),
                Ok(None) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(bar) = &bar {
            bar.set_position(rows.position());
            bar.set_message(format!("{} rows", summary.rows));
        }
    }
    writer.flush()?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    print_summary(&summary, loaded, start.elapsed().as_secs_f64());
    Ok(())
}

/// The rows of the input (CSV or JSON lines), and its size when known.
pub fn open_rows(args: &ScreenArgs, input: &Path) -> Result<(Box<dyn Rows>, Option<u64>)> {
    let (raw, len) = open_input(input)?;
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let rows: Box<dyn Rows> = if is_jsonl(args, input, &mut reader)? {
        Box::new(JsonRows::new(Box::new(reader), columns(args)))
    } else {
        Box::new(CsvRows::new(Box::new(reader), &columns(args))?)
    };
    Ok((rows, len))
}

/// A progress bar over the input's bytes, drawn only when standard error is a terminal.
fn progress_bar(len: Option<u64>) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(match len {
        Some(l) => ProgressBar::new(l).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)")
                .expect("valid template"),
        ),
        None => ProgressBar::new_spinner()
            .with_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template")),
    })
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
