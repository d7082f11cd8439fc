//! The `proscribe` command: glue between the command line and the importer and store crates.
//! Each subcommand lives in its own module; this file defines the arguments, sets up logging
//! and opens the store.

mod audit;
mod batch;
mod example;
mod export;
mod import;
mod keys;
mod migrate;
mod output;
mod pairs;
mod query;
mod resolve;
mod scan;
mod screen;
mod serve;
mod sync;
mod webhooks;
mod workflow;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use proscribe_model::PartialDate;
use proscribe_store::{Location, Store};

/// proscribe: a registry of sanctions and terrorist-designation lists with full history.
#[derive(Debug, Parser)]
#[command(name = "proscribe", version, about, long_about = None)]
struct Cli {
    /// The database: an SQLite file, or a PostgreSQL URL (postgres://user@host/db) that
    /// several processes share. Default: $PROSCRIBE_DB, else
    /// $XDG_DATA_HOME/proscribe/proscribe.db (~/.local/share/proscribe/proscribe.db).
    #[arg(long, global = true, env = "PROSCRIBE_DB", value_parser = Location::parse, value_name = "FILE|URL")]
    db: Option<Location>,

    /// Where to keep the screening index files, which every process of a data version opens
    /// instead of building: by default beside an SQLite database (FILE.index); for a
    /// PostgreSQL database, a folder its servers share (without it, each process builds its
    /// index in memory).
    #[arg(long, global = true, env = "PROSCRIBE_INDEX_DIR", value_name = "DIR")]
    index_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    /// Read the built-in example registry (national lists around the Taliban, from sourced
    /// facts; in memory) instead of a database. Every output says so. Not with --db; a
    /// PROSCRIBE_DB set in the environment is left aside.
    #[arg(long, global = true)]
    example: bool,

    /// How many days after today (UTC) a list's publication date, `--published`, or a
    /// workflow step (a decision, a publication) may be dated; later ones are refused, since
    /// a version dated ahead would stay the newest. Effective dates may lie further ahead.
    #[arg(long, global = true, env = "PROSCRIBE_DATE_HORIZON_DAYS", value_name = "DAYS",
        default_value_t = proscribe_store::DEFAULT_HORIZON_DAYS)]
    date_horizon_days: u32,

    /// Log format on standard error (filter with RUST_LOG, e.g. RUST_LOG=debug).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

// The screening arguments make one variant large; the command is parsed once.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Import list files or folders (a folder imports every list in it, recursively). With no
    /// PATH, imports the example registry that ships with proscribe.
    Import(import::ImportArgs),
    /// Fetch the official lists from their public URLs (conditional requests) and import them.
    Sync(sync::SyncArgs),
    /// Sources with their versions and counts.
    Lists(query::ListsArgs),
    /// One entity, by id or by a list reference (TAi.026, 6636).
    Show(query::ShowArgs),
    /// The timeline of an entity across versions and lists.
    History(query::ShowArgs),
    /// Status of an entity, a list or an authority as of a date.
    Status(query::StatusArgs),
    /// What changed between two versions of a source.
    Diff(query::DiffArgs),
    /// Write the current (or as-of) entities as FollowTheMoney JSON lines or CSV.
    Export(export::ExportArgs),
    /// Score name pairs: CSV records `name1,name2,schema` on standard input, one score a line.
    ScorePairs(pairs::ScorePairsArgs),
    /// ROC AUC, best F1 and precision/recall of the name scorer on labelled pair files.
    Eval(pairs::EvalArgs),
    /// Screen a name (or a file of names with --input) against every listed entity.
    Screen(screen::ScreenArgs),
    /// Write the screening index of the current (or as-of) lists to a file, which the Python
    /// package and Spark jobs open (`proscribe.Screener.open`).
    Index(screen::IndexArgs),
    /// One real-world entity across lists: the pairs linked and those for review.
    Resolve(resolve::ResolveArgs),
    /// Find mentions of listed names in a text (a file, or - for standard input).
    Scan(scan::ScanArgs),
    /// Make, list and revoke API keys of the HTTP service.
    Keys(keys::KeysArgs),
    /// Verify or show the audit trail of writes (hash-chained).
    Audit(audit::AuditArgs),
    /// Subscribe URLs to the change feed, delivered signed (HMAC-SHA256) with retries.
    Webhooks(webhooks::WebhooksArgs),
    /// The roles bodies play in a list's workflow (proposer, consulted, decider, publisher).
    Roles(workflow::RolesArgs),
    /// Propose to list, delist, amend, suspend or lift a suspension (submitted unless --draft).
    Propose(workflow::ProposeArgs),
    /// Open deliberation on a proposal, or give a consulted body's opinion.
    Deliberate(workflow::DeliberateArgs),
    /// Adopt or reject a proposal, with its legal act and effective date.
    Decide(workflow::DecideArgs),
    /// Apply an adopted proposal to its list as the list's new version.
    Publish(workflow::ByArgs),
    /// Withdraw a proposal before it is decided.
    Withdraw(workflow::ByArgs),
    /// Attach a document (a report, a claim, a ruling) to a proposal.
    Attach(workflow::AttachArgs),
    /// The proposals and where each stands.
    Proposals(workflow::ProposalsArgs),
    /// The timeline of an entity (as `history`).
    Timeline(query::ShowArgs),
    /// Serve the HTTP API (yente-compatible /match, /search, /entities, /catalog; /metrics).
    Serve(serve::ServeArgs),
    /// Move the registry (versions, workflow, keys, webhooks, decisions, audit trail) into a
    /// new store, such as a PostgreSQL database several instances share.
    Migrate(migrate::MigrateArgs),
}

/// mimalloc: screening and the service allocate many small, short-lived buffers, which it
/// serves faster than the system allocator (measured in BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The default database path.
pub(crate) fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    match base {
        Some(b) => b.join("proscribe").join("proscribe.db"),
        None => PathBuf::from("proscribe.db"),
    }
}

/// The database a command reads or writes: the one named by `--db` or `PROSCRIBE_DB`, else
/// the default one; and whether it was named.
fn database(cli: &Cli) -> (Location, bool) {
    match &cli.db {
        Some(l) => (l.clone(), true),
        None => (Location::File(default_db()), false),
    }
}

/// Whether the database at `location` is there: an SQLite file that exists, or a PostgreSQL
/// database (whether it can be reached is found when it is opened).
fn database_exists(location: &Location) -> bool {
    location.file().is_none_or(|p| p.exists())
}

/// Opens the database to import into, creating it (and its folder) if it does not exist.
fn create_store(cli: &Cli) -> Result<Store> {
    if cli.example {
        bail!("--example reads the built-in example registry; it cannot be written to");
    }
    let (location, _) = database(cli);
    if let Some(dir) = location.file().and_then(|p| p.parent()).filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    let mut store = Store::open_at(&location).with_context(|| format!("cannot open database {location}"))?;
    store.set_horizon_days(cli.date_horizon_days);
    store.set_index_dir(cli.index_dir.clone());
    Ok(store)
}

/// Opens an existing database to write to (keys, roles, proposals, webhooks). A database that
/// does not exist is an error: it would hold no lists to act on.
fn open_store(cli: &Cli) -> Result<Store> {
    let location = existing_database(cli)?;
    let mut store = Store::open_at(&location).with_context(|| format!("cannot open database {location}"))?;
    store.set_horizon_days(cli.date_horizon_days);
    store.set_index_dir(cli.index_dir.clone());
    Ok(store)
}

/// Opens an existing database to read its keys, roles or audit trail, read-only: a file
/// without write permission or on a read-only mount can be read, and nothing is written.
fn open_store_to_read(cli: &Cli) -> Result<Store> {
    let location = existing_database(cli)?;
    open_read_only(cli, &location)
}

/// The database a command acting on stored keys, roles or the audit trail opens: it must
/// exist, and it is not the example registry.
fn existing_database(cli: &Cli) -> Result<Location> {
    if cli.example {
        bail!("--example reads the built-in example registry; it cannot be written to");
    }
    let (location, _) = database(cli);
    if !database_exists(&location) {
        bail!("no database at {location}: import lists into it first (`proscribe --db {location} import PATH`)");
    }
    Ok(location)
}

/// Opens the database at `location` read-only.
fn open_read_only(cli: &Cli, location: &Location) -> Result<Store> {
    let mut store = Store::open_at_read_only(location).with_context(|| format!("cannot open database {location}"))?;
    store.set_index_dir(cli.index_dir.clone());
    Ok(store)
}

/// What a read command answers from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Screening and scanning: a database with lists, or the example registry only when
    /// `--example` asks for it.
    Screening,
    /// The registry's questions (lists, entities, timelines, status, diffs, proposals): with
    /// no database named and none at the default place, the example registry, said so.
    Registry,
    /// Export: a database with lists, or the example registry when `--example` asks for it.
    Export,
}

/// Whether this run reads the example registry (every output says so).
static EXAMPLE_IN_USE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this run reads the example registry.
pub(crate) fn example_in_use() -> bool {
    EXAMPLE_IN_USE.load(std::sync::atomic::Ordering::Relaxed)
}

/// The line that heads every text output read from the example registry.
pub(crate) const EXAMPLE_HEADER: &str =
    "# example registry (built in): demonstration data from sourced facts, not the official lists";

/// Notes that this run reads the example registry, and says so: text answers on their first
/// line, file formats (exports, batches) on standard error, JSON in a field (see
/// `output::print_json`).
fn mark_example(cli: &Cli, reading: Reading) {
    EXAMPLE_IN_USE.store(true, std::sync::atomic::Ordering::Relaxed);
    if reading == Reading::Registry && !cli.json {
        output::outln!("{EXAMPLE_HEADER}");
    } else {
        eprintln!("{EXAMPLE_HEADER}");
    }
}

/// Opens the registry a read command answers from. A database named with `--db` or
/// `PROSCRIBE_DB` must exist and hold lists; the example registry is read only when asked
/// (`--example`) or, for the registry's questions, when no database is named and the default
/// one does not exist or is empty. Screening never falls back to it. A database is opened
/// read-only: it may be a file without write permission or on a read-only mount.
fn open_for_reading(cli: &Cli, reading: Reading) -> Result<Store> {
    let (path, named) = database(cli);
    let fallback = !cli.example && !named && reading == Reading::Registry;
    if !cli.example {
        if database_exists(&path) {
            let store = open_read_only(cli, &path)?;
            if !store.is_empty()? {
                if example::holds_example(&store)? {
                    mark_example(cli, reading);
                }
                return Ok(store);
            }
            if !fallback {
                bail!(
                    "the database {path} holds no lists: import lists into it (`proscribe import PATH`), or read the built-in example registry with --example"
                );
            }
        } else if !fallback {
            bail!(
                "no database at {path}: import lists into it (`proscribe --db {path} import PATH`), or read the built-in example registry with --example"
            );
        }
        eprintln!("note: no lists at {path}; reading the built-in example registry");
    }
    mark_example(cli, reading);
    let mut store = Store::open_in_memory()?;
    example::import_example(&mut store)?;
    Ok(store)
}

/// Parses a date argument (YYYY, YYYY-MM or YYYY-MM-DD; `today`).
fn parse_day(text: &str) -> Result<PartialDate> {
    if text == "today" {
        return Ok(chrono::Utc::now().format("%Y-%m-%d").to_string().parse()?);
    }
    text.parse::<PartialDate>().with_context(|| format!("invalid date {text:?}: use YYYY-MM-DD"))
}

fn init_logging(format: LogFormat, default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: a log redirected to a file or a collector stays plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Import(args) => import::run(&cli, args),
        Command::Migrate(args) => migrate::run(&cli, args),
        Command::Sync(args) => sync::run(&cli, args),
        Command::Lists(args) => query::lists(&cli, args),
        Command::Show(args) => query::show(&cli, args),
        Command::History(args) => query::history(&cli, args),
        Command::Status(args) => query::status(&cli, args),
        Command::Diff(args) => query::diff(&cli, args),
        Command::Export(args) => export::run(&cli, args),
        Command::ScorePairs(args) => pairs::score_pairs(&cli, args),
        Command::Eval(args) => pairs::eval(&cli, args),
        Command::Screen(args) => screen::run(&cli, args),
        Command::Index(args) => screen::write_index(&cli, args),
        Command::Resolve(args) => resolve::run(&cli, args),
        Command::Scan(args) => scan::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Keys(args) => keys::run(&cli, args),
        Command::Audit(args) => audit::run(&cli, args),
        Command::Webhooks(args) => webhooks::run(&cli, args),
        Command::Roles(args) => workflow::roles(&cli, args),
        Command::Propose(args) => workflow::propose(&cli, args),
        Command::Deliberate(args) => workflow::deliberate(&cli, args),
        Command::Decide(args) => workflow::decide(&cli, args),
        Command::Publish(args) => workflow::publish(&cli, args),
        Command::Withdraw(args) => workflow::withdraw(&cli, args),
        Command::Attach(args) => workflow::attach(&cli, args),
        Command::Proposals(args) => workflow::proposals(&cli, args),
        Command::Timeline(args) => query::history(&cli, args),
    }
}

/// Parses the command line. `--example` conflicts with a database named by `--db`, but not
/// with one named by `PROSCRIBE_DB`: a variable set for every command in a shell must not stop
/// a reader from asking the example (clap's own conflicts count values from the environment).
fn parse() -> Cli {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if cli.example && matches.value_source("db") == Some(clap::parser::ValueSource::CommandLine) {
        Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, "the argument '--example' cannot be used with '--db <DB>'")
            .exit();
    }
    cli
}

fn main() -> ExitCode {
    let cli = parse();
    // The service logs its requests; commands only what goes wrong.
    let default = if matches!(cli.command, Command::Serve(_)) { "info" } else { "warn" };
    init_logging(cli.log_format, default);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An error chain reads best as one line: outermost context first. A cause whose
            // text the message already holds (an error that also prints its source) is said once.
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                let cause = cause.to_string();
                if !msg.contains(&cause) {
                    msg.push_str(&format!(": {cause}"));
                }
            }
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
