//! `proscribe export`: the entities of every source's current (or as-of) version as
//! FollowTheMoney JSON lines, the way OpenSanctions publishes them (one line per entity and one
//! `Sanction` entity per designation), or as a flat CSV with one row per designation.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use proscribe_app::spreadsheet;
use proscribe_model::{ftm, Authority, Entity, NameKind, PartialDate};
use serde_json::json;

use crate::{open_for_reading, parse_day, Cli, Reading};

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// FollowTheMoney entities, one JSON object per line.
    Ftm,
    /// CSV with a header row, one row per designation.
    Csv,
}

/// Arguments of `proscribe export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Output file (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Export the versions in force on this day instead of the newest.
    #[arg(long)]
    as_of: Option<String>,
    /// Only these sources (repeatable).
    #[arg(long)]
    source: Vec<String>,
    /// FollowTheMoney only: one entity per real-world entity, as screening answers (the
    /// entries of one cluster merged: their properties, datasets and ids as `referents`, their
    /// sanctions pointing at it; the cluster's id as its id).
    #[arg(long)]
    merged: bool,
}

/// Runs `proscribe export`.
pub fn run(cli: &Cli, args: &ExportArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Export)?;
    let day = args.as_of.as_deref().map(parse_day).transpose()?;
    let status_day = match &day {
        Some(d) => *d,
        None => parse_day("today")?,
    };
    let authorities = store.authorities()?;
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(crate::output::Stdout)),
    };
    let mut sink = match args.format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(CSV_HEADER)?;
            Sink::Csv(Box::new(w))
        }
        ExportFormat::Ftm => Sink::Ftm(out),
    };
    if args.merged && !matches!(sink, Sink::Ftm(_)) {
        anyhow::bail!("--merged is for --format ftm");
    }
    // The clusters of the screened entities, as of the same day.
    let loaded = if args.merged { Some(crate::screen::load_index(&store, day.as_ref())?) } else { None };
    let cluster_of = |id: &str| {
        let loaded = loaded.as_ref()?;
        let at = loaded.clusters.clustered(id)?;
        loaded.clusters.id(&loaded.index, at)
    };
    // A cluster's entries wait until the export's end, then go out as one entity.
    let mut clusters: std::collections::BTreeMap<String, Vec<(String, Entity)>> = Default::default();
    let mut count = 0usize;
    store.current_entities(day.as_ref(), |version, e| {
        if !args.source.is_empty() && !args.source.contains(&version.source_id) {
            return Ok(());
        }
        if let Some(cluster) = cluster_of(&e.id) {
            clusters.entry(cluster).or_default().push((version.source_id.clone(), e));
            return Ok(());
        }
        count += 1;
        let result = match &mut sink {
            Sink::Csv(w) => csv_rows(w, &version.source_id, &e, &status_day),
            Sink::Ftm(out) => ftm_lines(out, &version.source_id, &e, &authorities, &status_day),
        };
        result.map_err(|err| proscribe_store::Error::Invalid(format!("export failed: {err}")))
    })?;
    if let Sink::Ftm(out) = &mut sink {
        for (id, members) in &mut clusters {
            // In id order, as the cluster's id is its first member's.
            members.sort_by(|x, y| x.1.id.cmp(&y.1.id));
            count += 1;
            merged_lines(out, id, members, &authorities, &status_day)?;
        }
    }
    match sink {
        Sink::Csv(mut w) => w.flush()?,
        Sink::Ftm(mut out) => out.flush()?,
    }
    tracing::info!(entities = count, "exported");
    Ok(())
}

/// Where exported entities go.
enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Ftm(Box<dyn Write>),
}

const CSV_HEADER: [&str; 15] = [
    "id",
    "schema",
    "name",
    "aliases",
    "birth_dates",
    "countries",
    "identifiers",
    "source",
    "list",
    "authority",
    "programs",
    "reference",
    "listed_on",
    "ended_on",
    "status",
];

fn csv_rows(w: &mut csv::Writer<Box<dyn Write>>, source: &str, e: &Entity, day: &PartialDate) -> Result<()> {
    let aliases: Vec<&str> = e.names.iter().filter(|n| n.kind != NameKind::Primary).map(|n| n.full.as_str()).collect();
    let births: Vec<String> = e.birth_dates.iter().map(|d| d.date.to_string()).collect();
    let countries: Vec<String> = e.countries.iter().map(|c| c.country.to_string()).collect();
    let ids: Vec<String> = e.identifiers.iter().map(|i| i.number.clone()).collect();
    let base = [
        e.id.clone(),
        e.schema.to_string(),
        e.caption().to_string(),
        aliases.join("; "),
        births.join("; "),
        countries.join("; "),
        ids.join("; "),
        source.to_string(),
    ];
    if e.designations.is_empty() {
        let mut row = base.to_vec();
        row.extend(std::iter::repeat_n(String::new(), 7));
        w.write_record(spreadsheet::record(row.iter().map(String::as_str)).iter().map(|c| c.as_bytes()))?;
    }
    for d in &e.designations {
        let mut row = base.to_vec();
        row.extend([
            d.list.clone(),
            d.authority.clone(),
            d.programs.join("; "),
            d.reference.clone().unwrap_or_default(),
            d.listed_on.as_ref().map(|x| x.to_string()).unwrap_or_default(),
            d.ended_on.as_ref().map(|x| x.to_string()).unwrap_or_default(),
            d.status_on(day).status.as_str().to_string(),
        ]);
        w.write_record(spreadsheet::record(row.iter().map(String::as_str)).iter().map(|c| c.as_bytes()))?;
    }
    Ok(())
}

/// One real-world entity's entries (in id order) as one FollowTheMoney entity `id`: the most
/// specific kind of its entries (a company before an organisation before a legal entity), the
/// first entry's caption, every entry's properties and dataset, the entries' ids as
/// `referents`; each entry's sanctions point at the merged entity.
fn merged_lines(
    out: &mut dyn Write,
    id: &str,
    members: &[(String, Entity)],
    authorities: &HashMap<String, Authority>,
    day: &PartialDate,
) -> Result<()> {
    use proscribe_model::Schema;
    let specific = |s: Schema| match s {
        Schema::LegalEntity => 0,
        Schema::Organization => 1,
        _ => 2,
    };
    let first = &members[0].1;
    let schema = members.iter().map(|(_, e)| e.schema).max_by_key(|s| specific(*s)).unwrap_or(first.schema);
    let mut properties = ftm::Properties::new();
    let mut datasets: Vec<&str> = Vec::new();
    let mut referents: Vec<&str> = Vec::new();
    for (source, e) in members {
        for (key, values) in ftm::properties(e) {
            for v in values {
                ftm::push(&mut properties, &key, v);
            }
        }
        if !datasets.contains(&source.as_str()) {
            datasets.push(source);
        }
        for r in std::iter::once(&e.id).chain(&e.same_as) {
            if !referents.contains(&r.as_str()) {
                referents.push(r);
            }
        }
    }
    let line = json!({
        "id": id,
        "schema": ftm::schema_name(schema),
        "caption": first.caption(),
        "properties": properties,
        "datasets": datasets,
        "referents": referents,
        "target": members.iter().any(|(_, e)| e.screenable()),
    });
    writeln!(out, "{line}")?;
    for (source, e) in members {
        for d in &e.designations {
            let mut properties = ftm::sanction_properties(e, d, authorities.get(&d.authority), day);
            properties.insert("entity".into(), vec![id.to_string()]);
            let sanction = json!({
                "id": ftm::sanction_id(e, d),
                "schema": "Sanction",
                "properties": properties,
                "datasets": [source],
            });
            writeln!(out, "{sanction}")?;
        }
    }
    Ok(())
}

fn ftm_lines(
    out: &mut dyn Write,
    source: &str,
    e: &Entity,
    authorities: &HashMap<String, Authority>,
    day: &PartialDate,
) -> Result<()> {
    let line = json!({
        "id": e.id,
        "schema": ftm::schema_name(e.schema),
        "caption": e.caption(),
        "properties": ftm::properties(e),
        "datasets": [source],
        "referents": e.same_as,
        "target": e.screenable(),
    });
    writeln!(out, "{line}")?;
    for d in &e.designations {
        let sanction = json!({
            "id": ftm::sanction_id(e, d),
            "schema": "Sanction",
            "properties": ftm::sanction_properties(e, d, authorities.get(&d.authority), day),
            "datasets": [source],
        });
        writeln!(out, "{}", sanction)?;
    }
    Ok(())
}
