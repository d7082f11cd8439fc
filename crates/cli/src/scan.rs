//! `proscribe scan`: mentions of listed names in a text file (or standard input): one row per
//! mention and entity it may name, with the byte span, the text as written, the entity, the
//! score and the entity's designations in force (list references and authorities). See `proscribe_matching::scan` for how
//! mentions are found and kept precise.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use proscribe_matching::scan::{scan, ScanOptions, SCAN_THRESHOLD};
use proscribe_model::{Schema, Status};
use serde::Serialize;

use crate::output::{outln, print_json};
use crate::screen::load_index;
use crate::{open_for_reading, parse_day, Cli, Reading};
use proscribe_app::views::{references, ReferenceView};

/// Arguments of `proscribe scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The text file to scan (UTF-8); `-` reads standard input.
    pub file: PathBuf,
    /// Name score from which a run of words is a mention (default 0.88).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Scan against the list versions in force on this day instead of the newest.
    #[arg(long)]
    pub as_of: Option<String>,
}

/// A mention, for output.
#[derive(Debug, Serialize)]
struct MentionView {
    /// Byte offset of the mention's first byte.
    start: usize,
    /// Byte offset just past its last byte.
    end: usize,
    /// The mention as written.
    text: String,
    /// The entity's id.
    entity_id: String,
    /// Its caption.
    caption: String,
    /// Its kind.
    schema: Schema,
    /// The name score.
    score: f64,
    /// The listed name matched.
    name: String,
    /// The entity's designations in force (or suspended) on the day scanned against.
    designations: Vec<ReferenceView>,
}

/// Runs `proscribe scan`.
pub fn run(cli: &Cli, args: &ScanArgs) -> Result<()> {
    let threshold = args.threshold.unwrap_or(SCAN_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let mut bytes = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            bail!("{} is not UTF-8 text: invalid byte at offset {at} (line {line})", args.file.display())
        }
    };
    let store = open_for_reading(cli, Reading::Screening)?;
    let day = args.as_of.as_deref().map(parse_day).transpose()?;
    let loaded = load_index(&store, day.as_ref())?;
    drop(store);
    let options = ScanOptions { threshold, ..ScanOptions::default() };
    let mentions = scan(&loaded.index, &text, &options);
    // One row per mention and entity: the same person is often on several lists.
    let views: Vec<MentionView> = mentions
        .iter()
        .flat_map(|m| m.hits.iter().map(move |h| (m, h)))
        .map(|(m, h)| {
            let e = loaded.index.entity(h.entity);
            let listed = &loaded.index.names()[h.name as usize];
            MentionView {
                start: m.start,
                end: m.end,
                text: text[m.start..m.end].to_string(),
                entity_id: e.id.clone(),
                caption: e.caption().to_string(),
                schema: e.schema,
                score: h.score,
                name: e.names[listed.position as usize].full.clone(),
                designations: references(e, &loaded.day)
                    .into_iter()
                    .filter(|r| r.status == Status::Listed.as_str() || r.status == Status::Suspended.as_str())
                    .collect(),
            }
        })
        .collect();
    if cli.json {
        return print_json(&views);
    }
    if crate::example_in_use() {
        outln!("{}", crate::EXAMPLE_HEADER);
    }
    for v in &views {
        let refs: Vec<String> = v
            .designations
            .iter()
            .map(|r| format!("{} {}", r.authority, r.reference.as_deref().unwrap_or(&r.list)))
            .collect();
        outln!(
            "{}..{}  {:?}  {:.3}  {}  {} [{}] as {:?}  {}",
            v.start,
            v.end,
            v.text,
            v.score,
            v.entity_id,
            v.caption,
            v.schema,
            v.name,
            if refs.is_empty() { "no designation in force".to_string() } else { refs.join("; ") }
        );
    }
    if views.is_empty() {
        eprintln!("no mentions of listed names");
    }
    Ok(())
}
