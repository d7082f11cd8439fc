//! `proscribe sync`: fetch the official lists from their public URLs and import what changed.
//! Requests are conditional (`If-None-Match`, `If-Modified-Since`) on the state saved after
//! the last successful import; downloads are kept in a cache folder beside the database so
//! that a list made of several files (OFAC) can be imported when only some of them changed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::import::{import_paths, print_report, ImportReport};
use crate::output::{outln, print_json};
use crate::Cli;

/// The built-in list of sources and their public URLs.
const DEFAULT_CONFIG: &str = include_str!("sync.toml");

/// Arguments of `proscribe sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// A TOML file listing the sources and URLs to fetch (see `proscribe sync --print-config`).
    #[arg(long, env = "PROSCRIBE_SYNC_CONFIG")]
    config: Option<PathBuf>,
    /// Only these sources (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// Folder for downloads (default: beside the database, `<db>.downloads`).
    #[arg(long)]
    cache: Option<PathBuf>,
    /// Print the built-in configuration and exit.
    #[arg(long)]
    print_config: bool,

    #[command(flatten)]
    change: crate::import::ChangeArgs,
}

/// The sync configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncConfig {
    /// Sources to fetch.
    #[serde(rename = "source")]
    sources: Vec<SyncSource>,
}

/// One source: an id and its files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncSource {
    id: String,
    files: Vec<SyncFile>,
}

/// One file of a source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncFile {
    url: String,
    /// The local file name (importers recognise content, but OFAC's set is grouped by name).
    name: String,
}

/// What happened to one source.
#[derive(Debug, Serialize)]
struct SourceResult {
    id: String,
    /// `imported`, `not_modified` or `failed`.
    result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<ImportReport>,
}

/// A downloaded (or cached) file and the state to save once it is imported.
struct Fetched {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    sha256: String,
    changed: bool,
}

fn load_config(path: Option<&Path>) -> Result<SyncConfig> {
    let (text, name) = match path {
        Some(p) => (
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
            p.display().to_string(),
        ),
        None => (DEFAULT_CONFIG.to_string(), "built-in sync configuration".to_string()),
    };
    toml::from_str(&text).with_context(|| format!("{name} is not a valid sync configuration"))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(300)))
        .user_agent(concat!("proscribe/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn file_sha(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Fetches one file into `dir`, conditionally on the saved state.
fn fetch(agent: &ureq::Agent, store: &proscribe_store::Store, file: &SyncFile, dir: &Path) -> Result<Fetched> {
    let target = dir.join(&file.name);
    let state = store.fetch_state(&file.url)?;
    let mut request = agent.get(&file.url);
    if let (Some(s), true) = (&state, target.exists()) {
        if let Some(e) = &s.etag {
            request = request.header("If-None-Match", e);
        }
        if let Some(l) = &s.last_modified {
            request = request.header("If-Modified-Since", l);
        }
    }
    let mut response = request.call().with_context(|| format!("GET {}", file.url))?;
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let etag = header("etag");
    let last_modified = header("last-modified");
    if response.status() == 304 {
        let old = state.expect("conditional request only with state");
        tracing::info!(url = %file.url, "not modified");
        return Ok(Fetched {
            url: file.url.clone(),
            etag: etag.or(old.etag),
            last_modified: last_modified.or(old.last_modified),
            sha256: old.sha256.unwrap_or_default(),
            changed: false,
        });
    }
    if response.status() != 200 {
        bail!("GET {}: HTTP {}", file.url, response.status());
    }
    let partial = dir.join(format!(".{}.part", file.name));
    let mut out = std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    std::io::copy(&mut reader, &mut out).with_context(|| format!("download of {} failed", file.url))?;
    drop(out);
    std::fs::rename(&partial, &target)?;
    let sha256 = file_sha(&target)?;
    let changed = state.and_then(|s| s.sha256).as_deref() != Some(sha256.as_str());
    tracing::info!(url = %file.url, bytes = std::fs::metadata(&target)?.len(), changed, "downloaded");
    Ok(Fetched { url: file.url.clone(), etag, last_modified, sha256, changed })
}

fn sync_source(
    agent: &ureq::Agent,
    store: &mut proscribe_store::Store,
    source: &SyncSource,
    cache: &Path,
    change: &crate::import::ChangeArgs,
) -> Result<Option<ImportReport>> {
    let dir = cache.join(&source.id);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut fetched = Vec::new();
    for file in &source.files {
        fetched.push(fetch(agent, store, file, &dir)?);
    }
    if fetched.iter().all(|f| !f.changed) {
        return Ok(None);
    }
    // The server's Last-Modified dates a list that states no publication date itself.
    let published = fetched[0].last_modified.as_deref().and_then(proscribe_store::normalise_timestamp);
    let report = import_paths(store, &[dir], &change.options(published.as_deref()))?;
    for f in &fetched {
        store.save_fetch_state(&f.url, f.etag.as_deref(), f.last_modified.as_deref(), &f.sha256)?;
    }
    Ok(Some(report))
}

/// Runs `proscribe sync`.
pub fn run(cli: &Cli, args: &SyncArgs) -> Result<()> {
    if args.print_config {
        crate::output::outln!("{}", DEFAULT_CONFIG.trim_end_matches('\n'));
        return Ok(());
    }
    let config = load_config(args.config.as_deref())?;
    for only in &args.only {
        if !config.sources.iter().any(|s| &s.id == only) {
            bail!("--only {only}: no such source in the sync configuration");
        }
    }
    // Downloads are kept beside an SQLite file; for a database on a server, beside the
    // default database.
    let (db, _) = crate::database(cli);
    let beside = db.file().map(std::path::Path::to_path_buf).unwrap_or_else(crate::default_db);
    let cache = args.cache.clone().unwrap_or_else(|| PathBuf::from(format!("{}.downloads", beside.display())));
    let mut store = crate::create_store(cli)?;
    crate::import::keep_example_apart(&store, false)?;
    let agent = agent();
    let mut results = Vec::new();
    for source in config.sources.iter().filter(|s| args.only.is_empty() || args.only.contains(&s.id)) {
        let result = match sync_source(&agent, &mut store, source, &cache, &args.change) {
            Ok(Some(report)) => {
                SourceResult { id: source.id.clone(), result: "imported".into(), error: None, import: Some(report) }
            }
            Ok(None) => {
                SourceResult { id: source.id.clone(), result: "not_modified".into(), error: None, import: None }
            }
            Err(e) => {
                tracing::warn!(source = %source.id, error = %format!("{e:#}"), "sync failed");
                SourceResult {
                    id: source.id.clone(),
                    result: "failed".into(),
                    error: Some(format!("{e:#}")),
                    import: None,
                }
            }
        };
        if !cli.json {
            match &result.import {
                Some(report) => print_report(report, false),
                None => outln!("{}: {}", result.id, result.error.as_deref().unwrap_or("not modified")),
            }
        }
        results.push(result);
    }
    if cli.json {
        print_json(&results)?;
    }
    let failed = results.iter().filter(|r| r.result == "failed").count();
    if failed > 0 {
        bail!("{failed} of {} sources failed to sync", results.len());
    }
    Ok(())
}
