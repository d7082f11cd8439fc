//! Importing list files: plan them (formats recognised by content, file sets grouped), hash
//! each set (the identity of a version: the same files are the same version), stream each
//! list into the store, and report what was imported, what changed and what was skipped.
//! All the lists of one call are one store transaction: a broken file leaves the store as it
//! was.

use std::io::Read;
use std::path::PathBuf;

use proscribe_import::{plan_within, Diagnostic, Job, Limits, Skipped};
use proscribe_model::Entity;
use proscribe_store::{FileMeta, ImportOutcome, Store, VersionMeta};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// What one import did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// One entry per list.
    pub imported: Vec<ListReport>,
    /// Files that are no list by themselves.
    pub skipped_files: Vec<Skipped>,
    /// Companion files not named but read because the main file of their set was named
    /// alone and they lie beside it.
    pub found_beside: Vec<PathBuf>,
}

/// How an import is done.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Dates the files that state no publication date (YYYY-MM-DD or an RFC 3339 timestamp).
    pub published: Option<String>,
    /// Let a version remove more than `max_removed_share` of its source's entities.
    pub allow_mass_change: bool,
    /// The share of a source's entities (0 to 1) a new version may remove without
    /// `allow_mass_change`.
    pub max_removed_share: f64,
    /// The bounds every file is read within: a file over them is refused (see
    /// [`proscribe_import::limits`]).
    pub limits: Limits,
}

/// The share of a source's entities a version may remove unless asked: more is more often a
/// broken or partial download than a list that shrank.
pub const DEFAULT_MAX_REMOVED_SHARE: f64 = 0.10;

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            published: None,
            allow_mass_change: false,
            max_removed_share: DEFAULT_MAX_REMOVED_SHARE,
            limits: Limits::default(),
        }
    }
}

impl ImportOptions {
    /// Options dating undated files `published`, the rest as by default.
    pub fn published(published: Option<&str>) -> Self {
        ImportOptions { published: published.map(str::to_string), ..ImportOptions::default() }
    }

    /// Refuses `outcome` if it removes more of the previous version's entities than allowed.
    /// A source's first version removes nothing and is never refused.
    fn check_removals(&self, outcome: &ImportOutcome) -> Result<()> {
        let previous = outcome.entities + outcome.removed - outcome.added;
        if self.allow_mass_change || outcome.previous_version_id.is_none() || previous == 0 {
            return Ok(());
        }
        if outcome.removed as f64 > self.max_removed_share * previous as f64 {
            return Err(Error::MassRemoval {
                source_id: outcome.source_id.clone(),
                removed: outcome.removed,
                of: previous,
                percent: self.max_removed_share * 100.0,
            });
        }
        Ok(())
    }
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

/// Told how an import advances, to show progress (the command line draws a bar).
pub trait Progress {
    /// The import has `lists` lists to read.
    fn start(&self, _lists: usize) {}
    /// Now reading `what` (format and file), with `entities` read so far.
    fn reading(&self, _what: &str, _entities: u64) {}
    /// Reading `what` in a first pass over the file that yields no entity yet (FollowTheMoney
    /// reads its file twice), `lines` read so far.
    fn first_pass(&self, _what: &str, _lines: u64) {}
    /// One more list is done.
    fn list_done(&self) {}
}

/// Progress nobody is shown.
pub struct Quiet;

impl Progress for Quiet {}

/// How often [`Progress::reading`] is told the entities read.
const PROGRESS_EVERY: u64 = 2000;

/// SHA-256 over the files of a job, in order, with each file's role, and their sizes.
pub fn hash_files(job: &Job) -> Result<(String, Vec<FileMeta>)> {
    let mut all = Sha256::new();
    let mut metas = Vec::new();
    for (i, path) in job.files().into_iter().enumerate() {
        let file_error = |action, source| Error::File { action, path: path.clone(), source };
        let mut file = std::fs::File::open(path).map_err(|e| file_error("open", e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(|e| file_error("read", e))?;
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

/// Orders jobs so that several versions of one source are imported oldest first (by the
/// publication date the files state), each source where its first file stands in the plan.
fn oldest_first(jobs: Vec<&Job>) -> Vec<&Job> {
    let hint = |job: &Job| {
        proscribe_import::input::sample_within(&job.path, &job.limits)
            .ok()
            .and_then(|s| job.format.published_hint(&s))
            .and_then(|h| proscribe_store::normalise_timestamp(&h))
    };
    let mut keyed: Vec<(usize, Option<String>, usize, &Job)> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let group = jobs.iter().position(|j| j.source_id == job.source_id).expect("present");
        // Only several versions of one source need their dates; the others are not read again.
        let several = jobs.iter().filter(|j| j.source_id == job.source_id).count() > 1;
        keyed.push((group, several.then(|| hint(job)).flatten(), i, job));
    }
    // Within a source, dated files by date, then undated ones in plan order.
    keyed.sort_by(|a, b| (a.0, a.1.is_none(), &a.1, a.2).cmp(&(b.0, b.1.is_none(), &b.1, b.2)));
    keyed.into_iter().map(|k| k.3).collect()
}

/// Imports the lists found at `paths` into the store in one transaction, as `options` say. A
/// list refused (broken, over the limits, or removing too many entities) leaves the store
/// unchanged.
pub fn import_paths(
    store: &mut Store,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let plan = plan_within(paths, &options.limits)?;
    let jobs = oldest_first(plan.jobs().collect());
    progress.start(jobs.len());
    let mut tx = store.begin_import()?;
    let mut imported = Vec::new();
    for job in jobs {
        let what = format!("{} {}", job.format.name(), job.path.display());
        progress.reading(&what, 0);
        imported.push(import_job(&mut tx, job, options, &what, progress)?);
        progress.list_done();
    }
    tx.commit()?;
    Ok(ImportReport {
        imported,
        skipped_files: plan.skipped().cloned().collect(),
        found_beside: plan.found_beside.clone(),
    })
}

/// The sink of an import: entities staged in the store, progress told as they come.
struct Staged<'s, 't, 'a> {
    staging: proscribe_store::Staging<'t, 'a>,
    count: u64,
    source_id: &'s str,
    what: &'s str,
    progress: &'s dyn Progress,
}

impl proscribe_import::EntitySink for Staged<'_, '_, '_> {
    fn accept(
        &mut self,
        entity: Entity,
        line: u64,
    ) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.staging.put(&entity, line)?;
        self.count += 1;
        if self.count.is_multiple_of(PROGRESS_EVERY) {
            tracing::debug!(source = %self.source_id, entities = self.count, "staged entities");
            self.progress.reading(self.what, self.count);
        }
        Ok(())
    }

    fn first_pass(&mut self, lines: u64) {
        self.progress.first_pass(self.what, lines);
    }
}

/// Imports one list (a file set) within the import's transaction.
fn import_job(
    tx: &mut proscribe_store::ImportTx,
    job: &Job,
    options: &ImportOptions,
    what: &str,
    progress: &dyn Progress,
) -> Result<ListReport> {
    let (sha, files) = hash_files(job)?;
    let files_list: Vec<PathBuf> = job.files().into_iter().cloned().collect();
    let format = job.format.name().to_string();
    if let Some(existing) = tx.existing(&job.source_id, &sha)? {
        tracing::info!(source = %job.source_id, version = existing.version_id, "unchanged");
        return Ok(ListReport { files: files_list, format, outcome: existing, diagnostics: vec![] });
    }
    let staging = tx.stage(&job.source_id)?;
    let mut sink = Staged { staging, count: 0, source_id: &job.source_id, what, progress };
    let report = job.parse(&mut sink)?;
    if report.source.id != job.source_id {
        return Err(Error::Input(format!(
            "{}: the file describes source {} but was planned as {}",
            job.path.display(),
            report.source.id,
            job.source_id
        )));
    }
    let mut meta = VersionMeta::new(report.source.clone(), &sha, files);
    meta.names = report.names;
    meta.designations = report.designations;
    meta.diagnostics = serde_json::to_value(&report.diagnostics).expect("diagnostics serialise");
    meta.published_fallback = options.published.clone();
    let outcome = sink.staging.finish(meta)?;
    options.check_removals(&outcome)?;
    tracing::info!(source = %outcome.source_id, version = outcome.version_id, entities = outcome.entities,
        added = outcome.added, removed = outcome.removed, amended = outcome.amended, "imported");
    Ok(ListReport { files: files_list, format, outcome, diagnostics: report.diagnostics })
}
