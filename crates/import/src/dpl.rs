//! The `bis-dpl` format: the Denied Persons List of the US Bureau of Industry and Security, a
//! tab-separated file with quoted values and a header row. Each row is one address of a denied
//! party under one denial order: `Effective_Date` and `Expiration_Date` (mm/dd/yyyy), the
//! Federal Register citation, the last update and its action. The list has no reference
//! numbers, so the entity id is made from the name, and rows of one name (several addresses,
//! several orders) are merged into one entity with one designation per order.
//!
//! The file is read twice: first to count the rows of each name, then to build entities (see
//! [`crate::ofac::group`]).

use std::collections::HashMap;
use std::path::Path;

use csv::StringRecord;
use proscribe_model::{
    Address, Country, Designation, Entity, ListInfo, ListKind, Measure, MeasureKind, NameKind, Schema, SourceInfo, Text,
};

use crate::ofac::csvio::{line_of, Columns, Rows};
use crate::ofac::features::{self, Ctx};
use crate::ofac::group::{self, Grouper};
use crate::{util, EntitySink, Error, Format, Job, Limits, Recognised, Report, Sample};

/// The `bis-dpl` format.
#[derive(Debug)]
pub struct BisDpl;

/// The columns of the file, all required.
const COLUMNS: [&str; 12] = [
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
];

fn list() -> ListInfo {
    ListInfo {
        id: "us-bis-dpl".into(),
        title: "Denied Persons List".into(),
        authority: "us-bis".into(),
        kind: ListKind::ExportControl,
        url: Some("https://www.bis.gov/dpl".into()),
    }
}

fn authority() -> proscribe_model::Authority {
    proscribe_model::Authority {
        id: "us-bis".into(),
        name: "Bureau of Industry and Security".into(),
        country: Country::from_code("us").ok(),
        kind: proscribe_model::AuthorityKind::Agency,
    }
}

/// The entity id of a name: names that differ only in spacing or punctuation are one entry.
fn entity_id(name: &str) -> String {
    format!("us-bis-dpl-{}", proscribe_model::slug(name))
}

impl Format for BisDpl {
    fn name(&self) -> &'static str {
        "bis-dpl"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let text = sample.text();
        let header: Vec<&str> = text.lines().next()?.split('\t').map(|c| c.trim().trim_matches('"')).collect();
        let more =
            ["Effective_Date", "Expiration_Date", "FR_Citation", "Standard_Order"].iter().any(|c| header.contains(c));
        (header.len() > 1 && header[0] == "Name" && more).then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        "us-bis-dpl".into()
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let source = SourceInfo {
            id: "us-bis-dpl".into(),
            title: "BIS Denied Persons List".into(),
            format: self.name().into(),
            published: None,
            authorities: vec![authority()],
            lists: vec![list()],
        };
        let mut report = Report::new(source);
        let file = job.path.display().to_string();
        let cols = Columns::read(&job.path, b'\t', &COLUMNS, &job.limits)?;
        let mut groups = Grouper::new(count_names(&job.path, &cols, &job.limits)?);
        let mut rows = Rows::open(&job.path, b'\t', true, &job.limits)?;
        let mut rec = StringRecord::new();
        while rows.next(&mut rec)? {
            rows.expect_len(&rec, cols.width)?;
            let line = line_of(&rec);
            let Some(name) = cols.get(&rec, "Name") else {
                report.skip(&file, Some(line), None, "row without a name skipped");
                continue;
            };
            let id = entity_id(&name);
            let mut ctx = Ctx { report: &mut report, file: &file, line, record: &name };
            let entity = row_entity(&rec, &cols, &id, &name, &mut ctx);
            if let Some((entity, line)) = groups.add(&id, entity, line, merge) {
                report.emit(sink, entity, line)?;
            }
        }
        for (entity, line) in groups.rest() {
            report.emit(sink, entity, line)?;
        }
        if report.entities == 0 {
            return Err(Error::Empty { path: file });
        }
        Ok(report)
    }
}

/// How many rows each entity id has.
fn count_names(path: &Path, cols: &Columns, limits: &Limits) -> Result<HashMap<String, u32>, Error> {
    let mut rows = Rows::open(path, b'\t', true, limits)?;
    let mut rec = StringRecord::new();
    let mut counts = HashMap::new();
    while rows.next(&mut rec)? {
        if let Some(name) = cols.get(&rec, "Name") {
            *counts.entry(entity_id(&name)).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

fn row_entity(rec: &StringRecord, cols: &Columns, id: &str, name: &str, ctx: &mut Ctx) -> Entity {
    // The list names persons and companies alike and does not say which.
    let mut e = Entity::new(id, Schema::LegalEntity);
    features::add_name(&mut e, name, NameKind::Primary, "Name", ctx);
    if let Some(a) = address(rec, cols, ctx) {
        e.addresses.push(a);
    }
    let mut d = Designation::new("us-bis", "us-bis-dpl");
    for (column, slot) in [("Effective_Date", &mut d.listed_on), ("Expiration_Date", &mut d.ended_on)] {
        if let Some(text) = cols.get(rec, column) {
            match util::date(&text, false) {
                Ok(date) => *slot = Some(date),
                Err(err) => {
                    ctx.skip(format!("{column}: date {text:?} not read, kept as a remark: {err}"));
                    e.remarks.push(Text::new(format!("{column}: {text}"), column));
                }
            }
        }
    }
    d.legal_basis = cols.get(rec, "FR_Citation");
    d.src = Some("Effective_Date".into());
    update(&mut d, &mut e, rec, cols, ctx);
    e.designations.push(d);
    if let Some(order) = cols.get(rec, "Standard_Order") {
        e.remarks.push(Text::new(format!("Standard order: {}", order.to_ascii_uppercase()), "Standard_Order"));
    }
    e
}

/// The last update of the entry and its action, as an amendment measure.
fn update(d: &mut Designation, e: &mut Entity, rec: &StringRecord, cols: &Columns, ctx: &mut Ctx) {
    let action = cols.get(rec, "Action");
    let Some(text) = cols.get(rec, "Last_Update") else {
        if let Some(a) = action {
            e.remarks.push(Text::new(a, "Action"));
        }
        return;
    };
    match util::date(&text, false) {
        Ok(date) => d.measures.push(Measure {
            kind: MeasureKind::Amendment,
            authority: "us-bis".into(),
            date,
            effective: None,
            joint_with: Vec::new(),
            act: None,
            note: action,
            citations: Vec::new(),
            src: Some("Last_Update".into()),
        }),
        Err(err) => {
            ctx.skip(format!("Last_Update: date {text:?} not read, kept as a remark: {err}"));
            let mut remark = format!("Last_Update: {text}");
            if let Some(a) = action {
                remark.push_str(&format!("; {a}"));
            }
            e.remarks.push(Text::new(remark, "Last_Update"));
        }
    }
}

fn address(rec: &StringRecord, cols: &Columns, ctx: &mut Ctx) -> Option<Address> {
    let get = |c: &str| cols.get(rec, c);
    let country_text = get("Country");
    let mut a = Address {
        street: get("Street_Address"),
        city: get("City"),
        region: get("State"),
        postal_code: get("Postal_Code"),
        ..Default::default()
    };
    let parts = [a.street.clone(), a.city.clone(), a.region.clone(), a.postal_code.clone(), country_text.clone()];
    a.full = parts.into_iter().flatten().collect::<Vec<_>>().join(", ");
    if a.full.is_empty() {
        return None;
    }
    if let Some(c) = &country_text {
        a.country = util::country(c);
        if a.country.is_none() {
            ctx.skip(format!("Country: unknown country {c:?}; kept in the address text"));
        }
    }
    a.src = Some("Street_Address".into());
    Some(a)
}

/// Folds a further row of the same name into the first. Rows under the same order (same
/// effective and expiration dates) share one designation; a citation or update that differs
/// between them (the file repeats them per address, with typing slips) is kept as a remark.
fn merge(into: &mut Entity, from: Entity) {
    for d in group::merge_facts(into, from) {
        let same = into.designations.iter_mut().find(|x| x.listed_on == d.listed_on && x.ended_on == d.ended_on);
        let Some(first) = same else {
            into.designations.push(d);
            continue;
        };
        if let Some(basis) = d.legal_basis.filter(|b| first.legal_basis.as_ref() != Some(b)) {
            let text = Text::new(format!("FR_Citation: {basis}"), "FR_Citation");
            if !into.remarks.contains(&text) {
                into.remarks.push(text);
            }
        }
        for m in d.measures {
            if !first.measures.contains(&m) {
                first.measures.push(m);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ignore_spacing_and_punctuation() {
        assert_eq!(entity_id(" I. ASH"), entity_id("I. ASH"));
        assert_eq!(entity_id("AL-NASER  AIRLINES"), "us-bis-dpl-al-naser-airlines");
        assert_eq!(entity_id("AL NASER AIRLINES"), "us-bis-dpl-al-naser-airlines");
        assert_ne!(entity_id("ALNASER AIRLINES"), entity_id("AL NASER AIRLINES"));
    }

    #[test]
    fn header_recognised_by_columns() {
        let head =
            "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t\"Effective_Date\"\n";
        let sample = Sample { file_name: "x.txt".into(), head: head.as_bytes().to_vec(), zip: false };
        assert_eq!(BisDpl.recognise(&sample), Some(Recognised::List));
        let sample = Sample { file_name: "dpl.txt".into(), head: b"Name,City\n".to_vec(), zip: false };
        assert_eq!(BisDpl.recognise(&sample), None);
    }
}
