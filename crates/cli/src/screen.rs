//! `proscribe screen`: one name (with optional schema, birth date, countries and identifying
//! numbers) against every listed entity, or a whole file of them with `--input` (see
//! [`crate::batch`]). The index is built from the store's current (or as-of) entities each
//! time the command runs; entities that carry no designation (owners, donors, addresses that
//! FollowTheMoney files describe alongside listed entities) are not screened.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use proscribe_matching::entity::{screen, Hit, Query, ScreenOptions, DEFAULT_THRESHOLD};
use proscribe_matching::index::{Index, DEFAULT_CANDIDATES};
use proscribe_model::{Country, DateValue, Entity, PartialDate, Schema};
pub use proscribe_server::views::{references, ReferenceView};
pub use proscribe_server::Loaded;
use proscribe_store::Store;
use serde::Serialize;

use crate::output::{outln, print_json};
use crate::{open_for_reading, parse_day, Cli};

/// What `screen --input` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One CSV row (JSON line with `--json`) per hit at or above the threshold, and one per
    /// input row that could not be screened.
    Hits,
    /// One line per input row: the list references of the best `--limit` entities, best
    /// first, separated by spaces (an empty line when there is none or the row is bad).
    Refs,
    /// One line per input row: the best score and the list reference of its entity (`0` alone
    /// when there is no candidate or the row is bad).
    Scores,
}

/// Arguments of `proscribe screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The name to screen, in any script. Omit it with --input.
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    pub name: Option<String>,
    /// The kind of entity: Person, Organization, Company, LegalEntity, Vessel, Aircraft.
    #[arg(long)]
    pub schema: Option<String>,
    /// Birth (or incorporation) date: YYYY, YYYY-MM, YYYY-MM-DD, `12 Jan 1961`, `circa 1961`.
    #[arg(long)]
    pub birth_date: Option<String>,
    /// A country (ISO code or name) of nationality, residence or jurisdiction (repeatable).
    #[arg(long)]
    pub country: Vec<String>,
    /// An identifying number: passport, national id, IMO, registration (repeatable).
    #[arg(long = "id")]
    pub id: Vec<String>,
    /// Most entities shown per query (per input row with --input).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Score from which a hit is a match (default 0.7, see BENCHMARKS.md).
    #[arg(long)]
    pub threshold: Option<f64>,
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
    /// What --input writes.
    #[arg(long, value_enum, default_value_t = OutputFormat::Hits, requires = "input")]
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
    let day = match as_of {
        Some(d) => *d,
        None => parse_day("today")?,
    };
    proscribe_server::load_index(store, as_of, day)
}

/// Reads a country given as an ISO code or a name.
pub fn parse_country(text: &str) -> Result<Country, String> {
    Country::from_name(text.trim()).map_err(|_| format!("unknown country {:?}", text.trim()))
}

/// Reads a birth date the way lists and forms write it (day before month in `01/02/1961`).
pub fn parse_birth_date(text: &str) -> Result<DateValue, String> {
    DateValue::parse_lenient(text, true).map_err(|e| format!("birth date {:?} is not a date: {e}", text.trim()))
}

/// Reads a schema name.
pub fn parse_schema(text: &str) -> Result<Schema, String> {
    Schema::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Schema::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown schema {:?} (one of {})", text.trim(), all.join(", "))
    })
}

/// The options of a run.
pub fn options(args: &ScreenArgs) -> Result<ScreenOptions> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1");
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
    let store = open_for_reading(&cli.db)?;
    let day = args.as_of.as_deref().map(parse_day).transpose()?;
    let loaded = load_index(&store, day.as_ref())?;
    drop(store);
    match (&args.name, &args.input) {
        (_, Some(input)) => crate::batch::run(cli, args, &loaded, &options, input),
        (Some(name), None) => single(cli, args, &loaded, &options, name),
        (None, None) => bail!("give a NAME to screen, or --input FILE"),
    }
}

fn single(cli: &Cli, args: &ScreenArgs, loaded: &Loaded, options: &ScreenOptions, name: &str) -> Result<()> {
    let mut query = Query::name(name);
    query.schema = args.schema.as_deref().map(parse_schema).transpose().map_err(anyhow::Error::msg)?;
    query.birth_date = args.birth_date.as_deref().map(parse_birth_date).transpose().map_err(anyhow::Error::msg)?;
    query.countries =
        args.country.iter().map(|c| parse_country(c)).collect::<Result<_, _>>().map_err(anyhow::Error::msg)?;
    query.identifiers = args.id.clone();
    let hits = screen(&loaded.index, &query, options).with_context(|| format!("cannot screen {name:?}"))?;
    let views: Vec<HitView> = hits.iter().map(|h| HitView::new(&loaded.index, h, &loaded.day)).collect();
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
    if views.is_empty() {
        outln!("no candidates for {name:?}");
        return Ok(());
    }
    for v in &views {
        let refs: Vec<String> = v.references.iter().map(|r| r.to_string()).collect();
        outln!(
            "{:.3}  {}  {}  {} [{}]  {}",
            v.score,
            if v.is_match { "MATCH" } else { "-    " },
            v.entity_id,
            v.caption,
            v.schema,
            refs.join("; ")
        );
        if let Some(n) = &v.name {
            let pairs: Vec<String> = n
                .pairs
                .iter()
                .map(|p| format!("{}~{} {:.2}", p.query, p.candidate, p.similarity))
                .chain(n.unmatched_query.iter().map(|t| format!("{t} unmatched")))
                .chain(n.unmatched_candidate.iter().map(|t| format!("listed {t} unmatched")))
                .collect();
            let detail = if pairs.is_empty() { String::new() } else { format!(": {}", pairs.join(", ")) };
            outln!("       {:.3} name {:?} ({}){}", n.score, n.text, n.kind, detail);
        }
        for f in &v.features {
            outln!("       {:+.2} {}", f.effect, f.detail);
        }
    }
    Ok(())
}

/// The matched name of a hit, for output.
#[derive(Debug, Clone, Serialize)]
pub struct NameView {
    /// The listed name as written.
    pub text: String,
    /// Its kind (primary, alias, weak_alias, ...).
    pub kind: String,
    /// Similarity to the queried name.
    pub score: f64,
    /// Aligned words.
    pub pairs: Vec<proscribe_matching::TokenPair>,
    /// Queried words left unmatched.
    pub unmatched_query: Vec<String>,
    /// Listed words left unmatched.
    pub unmatched_candidate: Vec<String>,
}

/// A hit, for output.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    /// Score in [0, 1].
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The entity's id.
    pub entity_id: String,
    /// Its kind.
    pub schema: Schema,
    /// Its caption.
    pub caption: String,
    /// Its designations.
    pub references: Vec<ReferenceView>,
    /// The name that matched best.
    pub name: Option<NameView>,
    /// Evidence besides the name.
    pub features: Vec<proscribe_matching::entity::Feature>,
}

impl HitView {
    /// The output form of a hit.
    pub fn new(index: &Index, hit: &Hit, day: &PartialDate) -> HitView {
        let e = &index.entities()[hit.entity as usize];
        let name = hit.name.map(|n| {
            let listed = &index.names()[n as usize];
            let name = &e.names[listed.position as usize];
            NameView {
                text: name.full.clone(),
                kind: serde_json::to_value(name.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                score: hit.name_match.score,
                pairs: hit.name_match.pairs.clone(),
                unmatched_query: hit.name_match.unmatched_query.clone(),
                unmatched_candidate: hit.name_match.unmatched_candidate.clone(),
            }
        });
        HitView {
            score: hit.score,
            is_match: hit.is_match,
            entity_id: e.id.clone(),
            schema: e.schema,
            caption: e.caption().to_string(),
            references: references(e, day),
            name,
            features: hit.features.clone(),
        }
    }
}

/// The list's reference of an entity for one-word output: its first designation's
/// reference, else its id.
pub fn main_reference(e: &Entity) -> &str {
    e.designations.iter().find_map(|d| d.reference.as_deref()).unwrap_or(&e.id)
}
