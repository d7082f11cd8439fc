//! `proscribe screen`: one name (with optional schema, birth date, countries and identifying
//! numbers) against every listed entity, or a whole file of them with `--input` (see
//! [`crate::batch`]). The index is built from the store's current (or as-of) entities each
//! time the command runs; entities that carry no designation (owners, donors, addresses that
//! FollowTheMoney files describe alongside listed entities) are not screened.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
pub use proscribe_app::batch::OutputFormat;
use proscribe_app::query::{parse_query, Field, FieldError, QueryFields};
use proscribe_app::views::{explanation, screen_loaded, shown, HitView, DEFAULT_CUTOFF};
pub use proscribe_app::Loaded;
use proscribe_matching::entity::{ScreenOptions, DEFAULT_THRESHOLD};
use proscribe_matching::index::DEFAULT_CANDIDATES;
use proscribe_model::PartialDate;
use proscribe_store::Store;

use crate::output::{outln, print_json};
use crate::{open_for_reading, parse_day, Cli, Reading};

/// Arguments of `proscribe screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The name to screen, in any script. Omit it with --input.
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    pub name: Option<String>,
    /// The kind of entity: Person, Organization, Company, LegalEntity, Vessel, Aircraft.
    /// With --input, each row gives its own (--schema-col).
    #[arg(long, conflicts_with = "input")]
    pub schema: Option<String>,
    /// Birth (or incorporation) date: YYYY, YYYY-MM, YYYY-MM-DD, `12 Jan 1961`, `circa 1961`.
    #[arg(long, conflicts_with = "input")]
    pub birth_date: Option<String>,
    /// A country (ISO code or name) of nationality, residence or jurisdiction (repeatable).
    #[arg(long, conflicts_with = "input")]
    pub country: Vec<String>,
    /// An identifying number: passport, national id, IMO, registration (repeatable).
    #[arg(long = "id", conflicts_with = "input")]
    pub id: Vec<String>,
    /// Most entities shown per query (per input row with --input).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Score from which a hit is a match (default 0.7, see BENCHMARKS.md).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Score below which a candidate of a single name is not shown (default 0.5, or the
    /// threshold if lower; 0 shows every candidate).
    #[arg(long)]
    pub cutoff: Option<f64>,
    /// Screen against the list versions in force on this day instead of the newest.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Screen every row of a CSV file (with a header row) or JSON-lines file; `-` reads
    /// standard input.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Where --input results go (`-`, the default, is standard output).
    #[arg(long, requires = "input")]
    pub output: Option<PathBuf>,
    /// What --input writes: `hits`, one row per match (and per row with an error or values
    /// left out); `refs`, one line per row with the list references of the best --limit
    /// entities, best first, separated by `;`; `scores`, one line per row with the best score
    /// and its entity's reference (`0` alone when there is none).
    #[arg(long, default_value = "hits", requires = "input")]
    pub format: OutputFormat,
    /// Input format; by default JSON lines when the file name ends in .jsonl/.ndjson/.json
    /// or the first character is `{`, else CSV.
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Column (CSV) or field (JSON) of the name. Default: name.
    #[arg(long)]
    pub name_col: Option<String>,
    /// Column of the birth date. Default: birth_date (optional).
    #[arg(long)]
    pub birth_date_col: Option<String>,
    /// Column of the country. Default: country (optional).
    #[arg(long)]
    pub country_col: Option<String>,
    /// Column of an identifying number. Default: id (optional).
    #[arg(long)]
    pub id_col: Option<String>,
    /// Column of the kind of entity. Default: schema (optional).
    #[arg(long)]
    pub schema_col: Option<String>,
    /// Column of the row's own key, copied to the output. Default: key (optional).
    #[arg(long)]
    pub key_col: Option<String>,
    /// Show each list's entry of one real-world entity as a hit of its own, instead of one
    /// hit per cluster (see `proscribe resolve`).
    #[arg(long)]
    pub members: bool,
    /// Threads for --input (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Names the index proposes for scoring per query.
    #[arg(long, default_value_t = DEFAULT_CANDIDATES, hide = true)]
    pub candidates: usize,
    /// Also score every row against every listed name and report how many of those top-10
    /// entities the index found (slow; for measuring the index).
    #[arg(long, hide = true, requires = "input")]
    pub measure_recall: bool,
}

/// Arguments of `proscribe index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The file to write (replaced whole when it exists).
    pub out: PathBuf,
    /// The lists in force on this day instead of the newest.
    #[arg(long)]
    pub as_of: Option<String>,
}

/// Runs `proscribe index`: the index the store keeps for its data version (built now if none
/// is kept), written to the file asked for.
pub fn write_index(cli: &Cli, args: &IndexArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Screening)?;
    let day = args.as_of.as_deref().map(parse_day).transpose()?;
    let loaded = load_index(&store, day.as_ref())?;
    drop(store);
    let bytes = proscribe_app::loaded::write_index_file(&loaded, &args.out)
        .with_context(|| format!("cannot write the index to {}", args.out.display()))?;
    outln!(
        "{}: {} entities, {} names, {:.1} MiB, data version {}{}",
        args.out.display(),
        loaded.index.entity_count(),
        loaded.index.names().len(),
        bytes as f64 / (1024.0 * 1024.0),
        loaded.data_version,
        loaded.as_of.map(|d| format!(", lists as of {d}")).unwrap_or_default()
    );
    Ok(())
}

/// Input formats of `screen --input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Reads the current (or as-of) entities with at least one designation and indexes them,
/// for statuses on the as-of day (today when none).
pub fn load_index(store: &Store, as_of: Option<&PartialDate>) -> Result<Loaded> {
    let day = as_of.copied().unwrap_or_else(proscribe_app::today);
    Ok(proscribe_app::load_index(store, as_of, day)?)
}

/// The options of a run.
pub fn options(args: &ScreenArgs) -> Result<ScreenOptions> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    if args.cutoff.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        bail!("--cutoff must be between 0 and 1");
    }
    Ok(ScreenOptions {
        limit: args.limit,
        threshold,
        candidates: args.candidates.max(1),
        explain: true,
        matches_only: false,
    })
}

/// Runs `proscribe screen`.
pub fn run(cli: &Cli, args: &ScreenArgs) -> Result<()> {
    let options = options(args)?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("cannot start threads")?;
    }
    // A batch's header is read before the index is built: a missing column is said at once.
    let rows = args.input.as_deref().map(|input| crate::batch::open_rows(args, input)).transpose()?;
    let store = open_for_reading(cli, Reading::Screening)?;
    let day = args.as_of.as_deref().map(parse_day).transpose()?;
    let loaded = load_index(&store, day.as_ref())?;
    drop(store);
    match (&args.name, rows) {
        (_, Some(rows)) => crate::batch::run(cli, args, &loaded, &options, rows),
        (Some(name), None) => single(cli, args, &loaded, &options, name),
        (None, None) => bail!("give a NAME to screen, or --input FILE"),
    }
}

/// A value of the command line that cannot be read, named as the argument that gave it.
fn argument_error(e: FieldError) -> anyhow::Error {
    let argument = match e.field {
        Field::Name => "NAME",
        Field::Schema => "--schema",
        Field::BirthDate => "--birth-date",
        Field::Country => "--country",
        Field::Id | Field::Key => "--id",
    };
    anyhow::anyhow!("{argument}: {}", e.message)
}

fn single(cli: &Cli, args: &ScreenArgs, loaded: &Loaded, options: &ScreenOptions, name: &str) -> Result<()> {
    let fields = QueryFields {
        name: Some(name.to_string()),
        schema: args.schema.clone(),
        birth_dates: args.birth_date.iter().cloned().collect(),
        countries: args.country.clone(),
        identifiers: args.id.clone(),
    };
    let query = parse_query(fields).and_then(|p| p.strict()).map_err(argument_error)?;
    let hits =
        screen_loaded(loaded, &query, options, args.members).with_context(|| format!("cannot screen {name:?}"))?;
    let hits = shown(hits, args.cutoff.unwrap_or(DEFAULT_CUTOFF), options.threshold);
    let views: Vec<HitView> = hits.iter().map(|h| HitView::new(loaded, h)).collect();
    if cli.json {
        return print_json(&serde_json::json!({
            "query": {
                "name": query.name,
                "schema": query.schema,
                "birth_date": query.birth_date,
                "countries": query.countries,
                "identifiers": query.identifiers,
            },
            "threshold": options.threshold,
            "hits": views,
        }));
    }
    if crate::example_in_use() {
        outln!("{}", crate::EXAMPLE_HEADER);
    }
    if views.is_empty() {
        outln!("no candidates for {name:?}");
        return Ok(());
    }
    for v in &views {
        for line in explanation(v) {
            outln!("{line}");
        }
    }
    Ok(())
}
