//! `proscribe export`: the entities of every source's current (or as-of) version as
//! FollowTheMoney JSON lines, the way OpenSanctions publishes them (one line per entity and one
//! `Sanction` entity per designation), or as a flat CSV with one row per designation.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use proscribe_model::{slug, Authority, CountryRole, Entity, IdKind, NameKind, PartialDate, Schema, Status};
use serde_json::json;

use crate::{open_for_reading, parse_day, Cli};

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
}

/// Runs `proscribe export`.
pub fn run(cli: &Cli, args: &ExportArgs) -> Result<()> {
    let store = open_for_reading(&cli.db)?;
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
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut sink = match args.format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(CSV_HEADER)?;
            Sink::Csv(Box::new(w))
        }
        ExportFormat::Ftm => Sink::Ftm(out),
    };
    let mut count = 0usize;
    store.current_entities(day.as_ref(), |version, e| {
        if !args.source.is_empty() && !args.source.contains(&version.source_id) {
            return Ok(());
        }
        count += 1;
        let result = match &mut sink {
            Sink::Csv(w) => csv_rows(w, &version.source_id, &e, &status_day),
            Sink::Ftm(out) => ftm_lines(out, &version.source_id, &e, &authorities, &status_day),
        };
        result.map_err(|err| proscribe_store::Error::Invalid(format!("export failed: {err}")))
    })?;
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
        w.write_record(&row)?;
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
        w.write_record(&row)?;
    }
    Ok(())
}

/// The FollowTheMoney schema of an entity.
fn ftm_schema(s: Schema) -> &'static str {
    match s {
        Schema::Aircraft => "Airplane",
        other => other.as_str(),
    }
}

fn ftm_id_property(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Passport => "passportNumber",
        IdKind::Imo => "imoNumber",
        IdKind::Mmsi => "mmsi",
        IdKind::Tax => "taxNumber",
        IdKind::Registration => "registrationNumber",
        IdKind::Swift => "swiftBic",
        IdKind::Lei => "leiCode",
        IdKind::AircraftRegistration => "registrationNumber",
        IdKind::NationalId | IdKind::Other => "idNumber",
    }
}

fn push(props: &mut BTreeMap<String, Vec<String>>, key: &str, value: impl Into<String>) {
    let value = value.into();
    let values = props.entry(key.to_string()).or_default();
    if !value.is_empty() && !values.contains(&value) {
        values.push(value);
    }
}

/// Builds the FollowTheMoney properties of an entity.
fn ftm_properties(e: &Entity) -> BTreeMap<String, Vec<String>> {
    let mut p: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &e.names {
        let key = match n.kind {
            NameKind::Primary | NameKind::Original => "name",
            NameKind::Alias => "alias",
            NameKind::WeakAlias => "weakAlias",
            NameKind::Former => "previousName",
        };
        push(&mut p, key, &n.full);
    }
    let person = e.schema == Schema::Person;
    for d in &e.birth_dates {
        push(&mut p, if person { "birthDate" } else { "incorporationDate" }, d.date.primary().to_string());
    }
    for d in &e.death_dates {
        push(&mut p, "deathDate", d.date.primary().to_string());
    }
    for pl in &e.birth_places {
        push(&mut p, "birthPlace", &pl.text);
    }
    if let Some(g) = e.gender {
        push(&mut p, "gender", format!("{g:?}").to_lowercase());
    }
    for c in &e.countries {
        let key = match (c.role, e.schema) {
            (CountryRole::Nationality, _) => "nationality",
            (CountryRole::Citizenship, _) => "citizenship",
            (CountryRole::Jurisdiction, _) => "jurisdiction",
            (CountryRole::Flag, _) => "flag",
            _ => "country",
        };
        push(&mut p, key, c.country.code());
    }
    for i in &e.identifiers {
        push(&mut p, ftm_id_property(i.kind), &i.number);
    }
    for a in &e.addresses {
        push(&mut p, "address", &a.full);
    }
    for t in &e.positions {
        push(&mut p, "position", &t.text);
    }
    for r in &e.remarks {
        push(&mut p, "notes", &r.text);
    }
    for (k, vs) in &e.properties {
        for v in vs {
            push(&mut p, k, v);
        }
    }
    if !e.designations.is_empty() {
        push(&mut p, "topics", "sanction");
    }
    p
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
        "schema": ftm_schema(e.schema),
        "caption": e.caption(),
        "properties": ftm_properties(e),
        "datasets": [source],
        "referents": e.same_as,
        "target": !e.designations.is_empty(),
    });
    writeln!(out, "{line}")?;
    for d in &e.designations {
        let mut p: BTreeMap<String, Vec<String>> = BTreeMap::new();
        push(&mut p, "entity", &e.id);
        let authority = authorities.get(&d.authority);
        push(&mut p, "authority", authority.map(|a| a.name.clone()).unwrap_or_else(|| d.authority.clone()));
        if let Some(c) = authority.and_then(|a| a.country) {
            push(&mut p, "country", c.code());
        }
        for prog in &d.programs {
            push(&mut p, "program", prog);
        }
        if let Some(r) = &d.reference {
            push(&mut p, "authorityId", r);
            if d.authority == "un-sc" {
                push(&mut p, "unscId", r);
            }
        }
        if let Some(l) = &d.listed_on {
            push(&mut p, "listingDate", l.primary().to_string());
            push(&mut p, "startDate", l.primary().to_string());
        }
        if let Some(x) = &d.ended_on {
            push(&mut p, "endDate", x.primary().to_string());
        }
        let status = match d.status_on(day).status {
            Status::Listed => "active",
            Status::Suspended => "suspended",
            Status::Delisted => "ended",
            Status::NotListed => "pending",
        };
        push(&mut p, "status", status);
        if let Some(r) = &d.reason {
            push(&mut p, "reason", r);
        }
        if let Some(b) = &d.legal_basis {
            push(&mut p, "summary", b);
        }
        let key = d.reference.clone().unwrap_or_else(|| d.programs.join("-"));
        let sanction = json!({
            "id": format!("{}-sanction-{}", e.id, slug(&format!("{} {}", d.list, key))),
            "schema": "Sanction",
            "properties": p,
            "datasets": [source],
        });
        writeln!(out, "{}", sanction)?;
    }
    Ok(())
}
