//! `proscribe import`: imports list files through the application layer
//! ([`proscribe_app::import`]) with a progress bar, and reports what was imported, what
//! changed and what was skipped.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
pub use proscribe_app::import::ImportReport;
use proscribe_app::import::{ImportOptions, Progress};
use proscribe_store::{Outcome, Store};

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

    #[command(flatten)]
    change: ChangeArgs,
}

/// How much a new version may change a list, and the bounds its files are read within
/// (`import` and `sync`).
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Raise (or lower) a bound on what a file may hold; repeatable. A file over a bound is
    /// refused and nothing is imported.
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = limit,
        long_help = format!("Raise (or lower) a bound on what a file may hold, as NAME=VALUE; repeatable. A file over a bound is refused and nothing is imported. VALUE takes K, M or G (binary). Names and defaults: {}", proscribe_import::limits::summary()))]
    limits: Vec<String>,

    /// Import a new version even if it removes more than --max-removed-percent of its
    /// source's entities (a source's first version is never refused).
    #[arg(long)]
    allow_mass_change: bool,

    /// The share of a source's entities, in percent, a new version may remove without
    /// --allow-mass-change.
    #[arg(long, value_name = "PERCENT", default_value_t = proscribe_app::import::DEFAULT_MAX_REMOVED_SHARE * 100.0,
        value_parser = percent)]
    max_removed_percent: f64,
}

fn limit(text: &str) -> std::result::Result<String, String> {
    proscribe_import::Limits::default().set(text).map(|()| text.to_string())
}

fn percent(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("{text} is not a percentage from 0 to 100")),
    }
}

impl ChangeArgs {
    /// The import options these flags ask for, dating undated files `published`.
    pub fn options(&self, published: Option<&str>) -> ImportOptions {
        ImportOptions {
            published: published.map(str::to_string),
            allow_mass_change: self.allow_mass_change,
            max_removed_share: self.max_removed_percent / 100.0,
            limits: self.limits(),
        }
    }

    /// The bounds the `--limit` flags set, the defaults elsewhere.
    fn limits(&self) -> proscribe_import::Limits {
        let mut limits = proscribe_import::Limits::default();
        for l in &self.limits {
            limits.set(l).expect("checked when the flag was parsed");
        }
        limits
    }
}

/// Progress on a terminal: a spinner with the list being read and the lists done (drawn
/// only when standard error is a terminal).
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, lists: usize) {
        self.0.set_length(lists as u64);
    }

    fn reading(&self, what: &str, entities: u64) {
        if entities == 0 {
            self.0.set_message(what.to_string());
        } else {
            self.0.set_message(format!("{what}: {entities} entities"));
        }
    }

    fn first_pass(&self, what: &str, lines: u64) {
        self.0.set_message(format!("{what}: first pass, {lines} lines"));
    }

    fn list_done(&self) {
        self.0.inc(1);
    }
}

/// Imports the lists found at `paths` into the store in one transaction, with a progress bar.
pub fn import_paths(store: &mut Store, paths: &[PathBuf], options: &ImportOptions) -> Result<ImportReport> {
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg} ({elapsed})").expect("valid template"));
    let bar = Bar(bar);
    let report = proscribe_app::import::import_paths(store, paths, options, &bar)?;
    bar.0.finish_and_clear();
    Ok(report)
}

/// Runs `proscribe import`.
pub fn run(cli: &Cli, args: &ImportArgs) -> Result<()> {
    let mut store = crate::create_store(cli)?;
    keep_example_apart(&store, args.paths.is_empty())?;
    let report = if args.paths.is_empty() {
        crate::example::import_example(&mut store)?
    } else {
        import_paths(&mut store, &args.paths, &args.change.options(args.published.as_deref()))?
    };
    if cli.json {
        return print_json(&report);
    }
    print_report(&report, args.verbose);
    Ok(())
}

/// The example registry lives in a database of its own: it is imported only into a database
/// without lists, and no list is imported into a database that holds it, so that its
/// demonstration entities never join the screening of real lists.
pub fn keep_example_apart(store: &Store, importing_example: bool) -> Result<()> {
    let sources = store.sources()?;
    let example = |id: &str| id.starts_with(crate::example::SOURCE_PREFIX);
    if importing_example {
        if let Some(real) = sources.iter().find(|s| !example(&s.id)) {
            bail!(
                "this database holds lists ({} among them): the example registry is imported only into a database of its own (give another --db), or read with --example",
                real.id
            );
        }
    } else if crate::example::holds_example(store)? {
        bail!("this database holds the example registry: import lists into another database (--db PATH)");
    }
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
            Outcome::Unchanged => format!("unchanged (same files as version {})", o.version_number),
            Outcome::New => format!("version {}{published}", o.version_number),
            Outcome::Backfill => {
                format!("version {}{published}, older than the newest: kept for history", o.version_number)
            }
        };
        outln!("{}: {file}{companions} [{}]: {what}", o.source_id, l.format);
        outln!("  {} entities, {} names, {} designations", o.entities, o.names, o.designations);
        if o.outcome != Outcome::Unchanged {
            let against = o.previous_version_number.map(|p| format!("version {p}")).unwrap_or_else(|| "nothing".into());
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
    for f in &report.found_beside {
        outln!("read {} too: it lies beside the main file of its set, which was named alone", f.display());
    }
}
