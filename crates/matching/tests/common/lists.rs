//! Real list files and query sets from `../shared/data` for tests and benchmarks: entities
//! parsed by the importers (as `proscribe import` would store them, entities without any
//! designation left out as `proscribe screen` does), OFAC's a.k.a. names with the entry they
//! belong to, and yente's screening records. Everything is `None` when the data is absent.

#![allow(dead_code)]

use std::path::PathBuf;

use proscribe_import::{plan, Job};
use proscribe_matching::entity::Query;
use proscribe_model::{Country, DateValue, Entity, Schema};

/// Entities of the list files under `rel` paths of the shared data; folders are read
/// recursively, older versions kept under `history/` are skipped.
pub fn entities(rel: &[&str]) -> Option<Vec<Entity>> {
    read_lists(rel, true)
}

/// The entities of the list files under `rel`, read with their set-mates (OFAC's `alt.csv`
/// beside `sdn.csv`) or, when `companions` is false, each main file alone.
fn read_lists(rel: &[&str], companions: bool) -> Option<Vec<Entity>> {
    let paths: Vec<PathBuf> = rel.iter().map(|r| proscribe_testkit::shared(r)).collect::<Option<_>>()?;
    let plan = plan(&paths).expect("plan of the shared lists");
    let jobs: Vec<Job> = plan
        .jobs()
        .filter(|j| !j.path.to_string_lossy().contains("/history/"))
        .map(|j| Job { companions: if companions { j.companions.clone() } else { Vec::new() }, ..j.clone() })
        .collect();
    let mut out = Vec::new();
    for job in &jobs {
        job.format
            .parse(job, &mut |e: Entity, _line: u64| {
                if !e.designations.is_empty() {
                    out.push(e);
                }
                Ok(())
            })
            .expect("parse a shared list");
    }
    Some(out)
}

/// OFAC's SDN list alone (`sdn.csv`, primary names and what its remarks give), without the
/// aliases of the `alt.csv` beside it: those are the queries.
pub fn ofac_sdn() -> Option<Vec<Entity>> {
    read_lists(&["lists/ofac/sdn.csv"], false)
}

/// Every list and FollowTheMoney file of the shared data (newest UN version only).
pub fn all_lists() -> Option<Vec<Entity>> {
    entities(&["lists", "ftm"])
}

/// One a.k.a. or f.k.a. of `alt.csv` with the entry number it belongs to.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The alias as written.
    pub name: String,
    /// The OFAC entry number (`ent_num`).
    pub entry: String,
    /// The kind of the entry, from its `SDN_Type` as the peers' harness reads it: a person,
    /// a vessel, an aircraft, else an organisation.
    pub kind: Schema,
}

/// The a.k.a. and f.k.a. names of OFAC's `alt.csv` whose entry is in `sdn.csv`, in file order.
pub fn ofac_aliases() -> Option<Vec<Alias>> {
    let read = |rel: &str| -> Option<Vec<csv::StringRecord>> {
        let bytes = std::fs::read(proscribe_testkit::shared(rel)?).ok()?;
        let text = String::from_utf8_lossy(&bytes).replace('\u{1a}', "");
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        Some(reader.records().filter_map(Result::ok).collect())
    };
    let clean = |v: &str| if v.trim() == "-0-" { String::new() } else { v.trim().to_string() };
    let kind = |t: &str| match t.to_lowercase().as_str() {
        "individual" => Schema::Person,
        "vessel" => Schema::Vessel,
        "aircraft" => Schema::Aircraft,
        _ => Schema::Organization,
    };
    let entries: std::collections::HashMap<String, Schema> = read("lists/ofac/sdn.csv")?
        .iter()
        .filter(|r| r.len() >= 4)
        .map(|r| (r[0].trim().to_string(), kind(&clean(&r[2]))))
        .collect();
    Some(
        read("lists/ofac/alt.csv")?
            .iter()
            .filter(|r| r.len() >= 4)
            .filter(|r| matches!(clean(&r[2]).to_lowercase().as_str(), "aka" | "fka"))
            .filter_map(|r| {
                let entry = r[0].trim().to_string();
                let kind = *entries.get(&entry)?;
                Some(Alias { name: clean(&r[3]), entry, kind })
            })
            .filter(|a| !a.name.is_empty())
            .collect(),
    )
}

/// The screening records of a yente file (`pairs/yente/NAME.csv`) as queries.
pub fn yente(name: &str) -> Option<Vec<Query>> {
    let path = proscribe_testkit::shared(&format!("pairs/yente/{name}.csv"))?;
    let mut reader = csv::Reader::from_path(path).ok()?;
    let headers = reader.headers().ok()?.clone();
    let col = |n: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == n);
    let (name_col, dob_col, nat_col) = (col("full_name")?, col("date_of_birth")?, col("nationality")?);
    Some(
        reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| !r[name_col].trim().is_empty())
            .map(|r| Query {
                name: r[name_col].trim().to_string(),
                birth_date: DateValue::parse_lenient(&r[dob_col], true).ok(),
                countries: Country::from_name(r[nat_col].trim()).ok().into_iter().collect(),
                ..Query::default()
            })
            .collect(),
    )
}

/// Every `step`-th item, from the first: a deterministic sample spread over the file.
pub fn every<T: Clone>(items: &[T], step: usize) -> Vec<T> {
    items.iter().step_by(step.max(1)).cloned().collect()
}
