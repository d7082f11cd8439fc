//! `proscribe import`: plan the files, hash them, stream each list into one store transaction,
//! and report what was imported, what changed and what was skipped.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proscribe_import::{plan, Diagnostic, Job, Skipped};
use proscribe_model::Entity;
use proscribe_store::{FileMeta, ImportOutcome, Outcome, Store, VersionMeta};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::output::{outln, print_json};
use crate::Cli;

/// Arguments of `proscribe import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// List files or folders. None: the example registry that ships with proscribe.
    paths: Vec<PathBuf>,

    /// Publication date for files that state none (OFAC CSV, CSL, DPL, DFAT, SEMA), as
    /// YYYY-MM-DD or an RFC 3339 timestamp. Without it such files are dated by import time.
    #[arg(long)]
    published: Option<String>,

    /// Print every skipped record, not only the counts.
    #[arg(long, short)]
    verbose: bool,
}

/// What one import did, for text and JSON output.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// One entry per list.
    pub imported: Vec<ListReport>,
    /// Files that are no list by themselves.
    pub skipped_files: Vec<Skipped>,
}

/// What happened to one list.
#[derive(Debug, Serialize)]
pub struct ListReport {
    /// The files read.
    pub files: Vec<PathBuf>,
    /// The format.
    pub format: String,
    /// The store's outcome.
    #[serde(flatten)]
    pub outcome: ImportOutcome,
    /// Records and values skipped or partly read.
    pub diagnostics: Vec<Diagnostic>,
}

/// SHA-256 over the files of a job, in order, and their sizes.
fn hash_files(job: &Job) -> Result<(String, Vec<FileMeta>)> {
    let mut all = Sha256::new();
    let mut metas = Vec::new();
    for (i, path) in job.files().into_iter().enumerate() {
        let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            hasher.update(&buf[..n]);
        }
        let role = if i == 0 { "main".to_string() } else { job.companions[i - 1].0.clone() };
        all.update(role.as_bytes());
        all.update(hasher.finalize());
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        metas.push(FileMeta { name, bytes });
    }
    Ok((hex::encode(all.finalize()), metas))
}

fn progress(total_jobs: usize) -> ProgressBar {
    // indicatif draws only when standard error is a terminal.
    let bar = ProgressBar::new(total_jobs as u64);
    bar.set_style(ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg} ({elapsed})").expect("valid template"));
    bar
}

/// Orders jobs so that several versions of one source are imported oldest first (by the
/// publication date the files state), each source where its first file stands in the plan.
fn oldest_first(jobs: Vec<&Job>) -> Vec<&Job> {
    let hint = |job: &Job| {
        proscribe_import::input::sample(&job.path)
            .ok()
            .and_then(|s| job.format.published_hint(&s))
            .and_then(|h| proscribe_store::normalise_timestamp(&h))
    };
    let mut keyed: Vec<(usize, Option<String>, usize, &Job)> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let group = jobs.iter().position(|j| j.source_id == job.source_id).expect("present");
        keyed.push((group, hint(job), i, job));
    }
    // Within a source, dated files by date, then undated ones in plan order.
    keyed.sort_by(|a, b| (a.0, a.1.is_none(), &a.1, a.2).cmp(&(b.0, b.1.is_none(), &b.1, b.2)));
    keyed.into_iter().map(|k| k.3).collect()
}

/// Imports the lists found at `paths` into the store in one transaction.
pub fn import_paths(store: &mut Store, paths: &[PathBuf], published: Option<&str>) -> Result<ImportReport> {
    let plan = plan(paths)?;
    let jobs = oldest_first(plan.jobs().collect());
    let bar = progress(jobs.len());
    let mut tx = store.begin_import()?;
    let mut imported = Vec::new();
    for job in jobs {
        let main_name = job.path.display().to_string();
        bar.set_message(format!("{} {}", job.format.name(), main_name));
        let (sha, files) = hash_files(job)?;
        let files_list: Vec<PathBuf> = job.files().into_iter().cloned().collect();
        if let Some(existing) = tx.existing(&job.source_id, &sha)? {
            tracing::info!(source = %job.source_id, version = existing.version_id, "unchanged");
            imported.push(ListReport {
                files: files_list,
                format: job.format.name().to_string(),
                outcome: existing,
                diagnostics: vec![],
            });
            bar.inc(1);
            continue;
        }
        let mut staging = tx.stage(&job.source_id)?;
        let mut count = 0u64;
        let mut sink = |entity: Entity, line: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            staging.put(&entity, line)?;
            count += 1;
            if count.is_multiple_of(2000) {
                tracing::debug!(source = %job.source_id, entities = count, "staged entities");
                bar.set_message(format!("{} {}: {count} entities", job.format.name(), main_name));
            }
            Ok(())
        };
        let report = job.format.parse(job, &mut sink)?;
        if report.source.id != job.source_id {
            anyhow::bail!(
                "{}: the file describes source {} but was planned as {}",
                main_name,
                report.source.id,
                job.source_id
            );
        }
        let mut meta = VersionMeta::new(report.source.clone(), &sha, files);
        meta.names = report.names;
        meta.designations = report.designations;
        meta.diagnostics = serde_json::to_value(&report.diagnostics)?;
        meta.published_fallback = published.map(str::to_string);
        let outcome = staging.finish(meta)?;
        tracing::info!(source = %outcome.source_id, version = outcome.version_id, entities = outcome.entities,
            added = outcome.added, removed = outcome.removed, amended = outcome.amended, "imported");
        imported.push(ListReport {
            files: files_list,
            format: job.format.name().to_string(),
            outcome,
            diagnostics: report.diagnostics,
        });
        bar.inc(1);
    }
    tx.commit()?;
    bar.finish_and_clear();
    Ok(ImportReport { imported, skipped_files: plan.skipped().cloned().collect() })
}

/// Runs `proscribe import`.
pub fn run(cli: &Cli, args: &ImportArgs) -> Result<()> {
    let mut store = crate::open_store(&cli.db)?;
    let report = if args.paths.is_empty() {
        crate::example::import_example(&mut store)?
    } else {
        import_paths(&mut store, &args.paths, args.published.as_deref())?
    };
    if cli.json {
        return print_json(&report);
    }
    print_report(&report, args.verbose);
    Ok(())
}

/// Prints an import report as text.
pub fn print_report(report: &ImportReport, verbose: bool) {
    for l in &report.imported {
        let o = &l.outcome;
        let file = l.files[0].display();
        let companions = if l.files.len() > 1 {
            let names: Vec<String> =
                l.files[1..].iter().map(|f| f.file_name().unwrap_or_default().to_string_lossy().to_string()).collect();
            format!(" + {}", names.join(", "))
        } else {
            String::new()
        };
        let published = o.published.as_deref().map(|p| format!(", published {p}")).unwrap_or_default();
        let what = match o.outcome {
            Outcome::Unchanged => format!("unchanged (same files as version {})", o.version_id),
            Outcome::New => format!("version {}{published}", o.version_id),
            Outcome::Backfill => {
                format!("version {}{published}, older than the newest: kept for history", o.version_id)
            }
        };
        outln!("{}: {file}{companions} [{}]: {what}", o.source_id, l.format);
        outln!("  {} entities, {} names, {} designations", o.entities, o.names, o.designations);
        if o.outcome != Outcome::Unchanged {
            let against = o.previous_version_id.map(|p| format!("version {p}")).unwrap_or_else(|| "nothing".into());
            outln!(
                "  changes against {against}: {} added, {} removed, {} amended; designations {} started, {} ended",
                o.added,
                o.removed,
                o.amended,
                o.designations_started,
                o.designations_ended
            );
        }
        if !l.diagnostics.is_empty() {
            outln!("  {} records or values skipped or partly read", l.diagnostics.len());
            let shown = if verbose { l.diagnostics.len() } else { 5 };
            for d in l.diagnostics.iter().take(shown) {
                outln!("    {d}");
            }
            if l.diagnostics.len() > shown {
                outln!("    ... (--verbose shows all)");
            }
        }
    }
    for s in &report.skipped_files {
        outln!("skipped {}: {}", s.path.display(), s.reason);
    }
}
