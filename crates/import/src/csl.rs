//! The `us-csl` format: the Consolidated Screening List of trade.gov, one CSV (often gzipped)
//! with a header row that merges thirteen lists of the Treasury (OFAC), Commerce (BIS) and
//! State departments. Each row is one entry on one list; an entity on several OFAC lists (SDN
//! and SSI, say) has one row per list under the same `_id`, so rows are merged by `_id` into
//! one entity with one designation per list. Multi-valued cells are `;`-separated; `ids`
//! flattens OFAC's identifier records as `[country, ][expiry, ][issue, ]value, label`.
//!
//! The file is read twice: first to count the rows of each `_id`, then to build entities (see
//! [`crate::ofac::group`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use csv::StringRecord;
use proscribe_model::{
    Address, Authority, AuthorityKind, Country, CountryRole, Designation, Entity, ListInfo, ListKind, NameKind, Schema,
    SourceInfo, Text,
};

use crate::ofac::csvio::{line_of, Columns, Rows};
use crate::ofac::features::{self, Ctx, Fact, MakeFact};
use crate::ofac::group::{self, Grouper};
use crate::ofac::{self, remarks, VesselField};
use crate::{util, EntitySink, Error, Format, Job, Limits, Recognised, Report, Sample};

/// The `us-csl` format.
#[derive(Debug)]
pub struct UsCsl;

/// The columns of the file, all required.
const COLUMNS: [&str; 29] = [
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
];

/// What a value of the `source` column stands for.
struct SourceList {
    /// The value of the `source` column.
    source: &'static str,
    authority: &'static str,
    list: &'static str,
    title: &'static str,
    kind: ListKind,
    /// The prefix of the entity id the entry has in OFAC's own files, for OFAC lists.
    ofac_prefix: Option<&'static str>,
}

const SOURCES: &[SourceList] = &[
    SourceList {
        source: "Specially Designated Nationals (SDN) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-sdn",
        title: "Specially Designated Nationals and Blocked Persons List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-"),
    },
    SourceList {
        source: "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-ssi",
        title: "Sectoral Sanctions Identifications List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Palestinian Legislative Council List (PLC) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-plc",
        title: "Non-SDN Palestinian Legislative Council List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-cmic",
        title: "Non-SDN Chinese Military-Industrial Complex Companies List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Capta List (CAP) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-capta",
        title: "List of Foreign Financial Institutions Subject to Correspondent Account or Payable-Through Account Sanctions (CAPTA List)",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-nsmbs",
        title: "Non-SDN Menu-Based Sanctions List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Foreign Sanctions Evaders (FSE) - Treasury Department",
        authority: "us-ofac",
        list: "us-ofac-fse",
        title: "Foreign Sanctions Evaders List",
        kind: ListKind::Sanctions,
        ofac_prefix: Some("ofac-cons-"),
    },
    SourceList {
        source: "Entity List (EL) - Bureau of Industry and Security",
        authority: "us-bis",
        list: "us-bis-entity-list",
        title: "Entity List",
        kind: ListKind::ExportControl,
        ofac_prefix: None,
    },
    SourceList {
        source: "Denied Persons List (DPL) - Bureau of Industry and Security",
        authority: "us-bis",
        list: "us-bis-dpl",
        title: "Denied Persons List",
        kind: ListKind::ExportControl,
        ofac_prefix: None,
    },
    SourceList {
        source: "Unverified List (UVL) - Bureau of Industry and Security",
        authority: "us-bis",
        list: "us-bis-uvl",
        title: "Unverified List",
        kind: ListKind::ExportControl,
        ofac_prefix: None,
    },
    SourceList {
        source: "Military End User (MEU) List - Bureau of Industry and Security",
        authority: "us-bis",
        list: "us-bis-meu",
        title: "Military End-User List",
        kind: ListKind::ExportControl,
        ofac_prefix: None,
    },
    SourceList {
        source: "ITAR Debarred (DTC) - State Department",
        authority: "us-ddtc",
        list: "us-ddtc-debarred",
        title: "ITAR Debarred Parties",
        kind: ListKind::Debarment,
        ofac_prefix: None,
    },
    SourceList {
        source: "Nonproliferation Sanctions (ISN) - State Department",
        authority: "us-isn",
        list: "us-isn-nonproliferation",
        title: "Nonproliferation Sanctions",
        kind: ListKind::Sanctions,
        ofac_prefix: None,
    },
];

fn authority(id: &str) -> Authority {
    let name = match id {
        "us-ofac" => return ofac::authority(),
        "us-bis" => "Bureau of Industry and Security",
        "us-ddtc" => "Directorate of Defense Trade Controls",
        "us-isn" => "Bureau of International Security and Nonproliferation",
        _ => "US government body named in the Consolidated Screening List",
    };
    Authority { id: id.into(), name: name.into(), country: Country::from_code("us").ok(), kind: AuthorityKind::Agency }
}

/// The list and authority of a `source` value; an unknown value gets ids made from it.
fn source_list(source: &str) -> (String, ListInfo, Option<&'static str>) {
    if let Some(s) = SOURCES.iter().find(|s| s.source.eq_ignore_ascii_case(source.trim())) {
        let list = ListInfo {
            id: s.list.into(),
            title: s.title.into(),
            authority: s.authority.into(),
            kind: s.kind,
            url: None,
        };
        return (s.authority.into(), list, s.ofac_prefix);
    }
    let (name, dept) = source.rsplit_once(" - ").unwrap_or((source, ""));
    let authority = match dept.trim() {
        "Treasury Department" => "us-ofac",
        "Bureau of Industry and Security" => "us-bis",
        _ => "us-csl-other",
    };
    let list = ListInfo {
        id: format!("us-csl-{}", proscribe_model::slug(name)),
        title: name.trim().into(),
        authority: authority.into(),
        kind: ListKind::Other,
        url: None,
    };
    (authority.into(), list, None)
}

impl Format for UsCsl {
    fn name(&self) -> &'static str {
        "us-csl"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let text = sample.text();
        let header: Vec<&str> = text.lines().next()?.split(',').map(|c| c.trim().trim_matches('"')).collect();
        let has = |c: &str| header.contains(&c);
        // `_id` and `source` first are distinctive; one further known column confirms it, and
        // a header that lacks others is still this format (the parse names what is missing).
        let more = ["entity_number", "alt_names", "source_list_url", "federal_register_notice"].iter().any(|c| has(c));
        (header.first() == Some(&"_id") && header.get(1) == Some(&"source") && more).then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        "us-csl".into()
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let source = SourceInfo {
            id: "us-csl".into(),
            title: "US Consolidated Screening List".into(),
            format: self.name().into(),
            published: None,
            authorities: Vec::new(),
            lists: Vec::new(),
        };
        let mut report = Report::new(source);
        let file = job.path.display().to_string();
        let cols = read_columns(&job.path, &mut report, &job.limits)?;
        let mut groups = Grouper::new(count_ids(&job.path, &cols, &job.limits)?);
        let mut rows = Rows::open(&job.path, b',', true, &job.limits)?;
        let mut rec = StringRecord::new();
        let mut used: BTreeMap<String, ListInfo> = BTreeMap::new();
        while rows.next(&mut rec)? {
            rows.expect_len(&rec, cols.width)?;
            let line = line_of(&rec);
            let Some(id) = cols.get(&rec, "_id") else {
                report.skip(&file, Some(line), None, "row without _id skipped");
                continue;
            };
            let mut ctx = Ctx { report: &mut report, file: &file, line, record: &id };
            let entity = row_entity(&rec, &cols, &id, &mut used, &mut ctx);
            if let Some((entity, line)) = groups.add(&id, entity, line, group::merge) {
                report.emit(sink, entity, line)?;
            }
        }
        for (entity, line) in groups.rest() {
            report.emit(sink, entity, line)?;
        }
        if report.entities == 0 {
            return Err(Error::Empty { path: file });
        }
        let mut authorities: Vec<String> = used.values().map(|l| l.authority.clone()).collect();
        authorities.sort();
        authorities.dedup();
        report.source.authorities = authorities.iter().map(|a| authority(a)).collect();
        report.source.lists = used.into_values().collect();
        Ok(report)
    }
}

/// Reads the header row: every column of [`COLUMNS`] must be there; others are reported and
/// ignored.
fn read_columns(path: &Path, report: &mut Report, limits: &Limits) -> Result<Columns, Error> {
    let cols = Columns::read(path, b',', &COLUMNS, limits)?;
    for h in &cols.unknown {
        report.skip(&path.display().to_string(), Some(1), None, format!("unknown column {h:?} ignored"));
    }
    Ok(cols)
}

/// The `;`-separated values of a column.
fn column_values(rec: &StringRecord, cols: &Columns, name: &str) -> Vec<String> {
    cols.get(rec, name).map(|v| split_list(&v)).unwrap_or_default()
}

fn split_list(value: &str) -> Vec<String> {
    value.split(';').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

/// How many rows each `_id` has.
fn count_ids(path: &Path, cols: &Columns, limits: &Limits) -> Result<HashMap<String, u32>, Error> {
    let mut rows = Rows::open(path, b',', true, limits)?;
    let mut rec = StringRecord::new();
    let mut counts = HashMap::new();
    while rows.next(&mut rec)? {
        if let Some(id) = cols.get(&rec, "_id") {
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

fn row_entity(
    rec: &StringRecord,
    cols: &Columns,
    id: &str,
    used: &mut BTreeMap<String, ListInfo>,
    ctx: &mut Ctx,
) -> Entity {
    let schema = match cols.get(rec, "type") {
        None => Schema::LegalEntity,
        Some(t) => ofac::schema_of(Some(&t)).unwrap_or_else(|| {
            ctx.skip(format!("type: unknown type {t:?}; read as a legal entity"));
            Schema::LegalEntity
        }),
    };
    let mut e = Entity::new(format!("us-csl-{}", proscribe_model::slug(id)), schema);
    designation(&mut e, rec, cols, used, ctx);
    match cols.get(rec, "name") {
        Some(name) => features::add_name(&mut e, &name, NameKind::Primary, "name", ctx),
        None => ctx.skip("name: the entry has no name"),
    }
    for (i, alt) in column_values(rec, cols, "alt_names").iter().enumerate() {
        features::add_name(&mut e, alt, NameKind::Alias, &format!("alt_names[{}]", i + 1), ctx);
    }
    for (i, title) in column_values(rec, cols, "title").into_iter().enumerate() {
        e.positions.push(Text::new(title, format!("title[{}]", i + 1)));
    }
    let facts: [(&str, MakeFact); 4] = [
        ("dates_of_birth", Fact::BirthDate),
        ("places_of_birth", Fact::BirthPlace),
        ("nationalities", |c| Fact::Country(CountryRole::Nationality, c)),
        ("citizenships", |c| Fact::Country(CountryRole::Citizenship, c)),
    ];
    for (column, make) in facts {
        for (i, value) in column_values(rec, cols, column).into_iter().enumerate() {
            features::apply(&mut e, make(value), &format!("{column}[{}]", i + 1), ctx);
        }
    }
    for (i, text) in column_values(rec, cols, "addresses").iter().enumerate() {
        e.addresses.push(address(text, &format!("addresses[{}]", i + 1)));
    }
    for (i, entry) in split_ids(&cols.get(rec, "ids").unwrap_or_default()).into_iter().enumerate() {
        features::apply(&mut e, entry.fact(), &format!("ids[{}]", i + 1), ctx);
    }
    vessel(&mut e, rec, cols, ctx);
    if let Some(text) = cols.get(rec, "remarks") {
        for (i, fact) in remarks::parse(&text) {
            features::apply(&mut e, fact, &format!("remarks[{i}]"), ctx);
        }
    }
    for column in ["license_requirement", "license_policy"] {
        if let Some(text) = cols.get(rec, column) {
            e.remarks.push(Text::new(text, column));
        }
    }
    if let Some(order) = cols.get(rec, "standard_order") {
        e.remarks.push(Text::new(format!("Standard order: {order}"), "standard_order"));
    }
    e
}

/// The designation of the row's list, and the link to the entity in OFAC's own files.
fn designation(
    e: &mut Entity,
    rec: &StringRecord,
    cols: &Columns,
    used: &mut BTreeMap<String, ListInfo>,
    ctx: &mut Ctx,
) {
    let source = cols.get(rec, "source").unwrap_or_default();
    let (authority, mut list, ofac_prefix) = source_list(&source);
    if !SOURCES.iter().any(|s| s.source.eq_ignore_ascii_case(&source)) {
        ctx.skip(format!("source: unknown list {source:?}; stored as {}", list.id));
    }
    list.url = cols.get(rec, "source_list_url").or_else(|| cols.get(rec, "source_information_url"));
    let mut d = Designation::new(authority, list.id.clone());
    used.entry(list.id.clone()).or_insert(list);
    d.programs = column_values(rec, cols, "programs");
    d.reference = cols.get(rec, "entity_number");
    for (column, slot) in [("start_date", &mut d.listed_on), ("end_date", &mut d.ended_on)] {
        if let Some(text) = cols.get(rec, column) {
            match util::date(&text, false) {
                Ok(date) => *slot = Some(date),
                Err(err) => ctx.skip(format!("{column}: date {text:?} not read: {err}")),
            }
        }
    }
    d.legal_basis = cols.get(rec, "federal_register_notice");
    d.src = Some("source".into());
    if let (Some(prefix), Some(number)) = (ofac_prefix, &d.reference) {
        let other = format!("{prefix}{number}");
        if !e.same_as.contains(&other) {
            e.same_as.push(other);
        }
    }
    e.designations.push(d);
}

fn vessel(e: &mut Entity, rec: &StringRecord, cols: &Columns, ctx: &mut Ctx) {
    let fields = [
        ("call_sign", VesselField::CallSign),
        ("vessel_type", VesselField::Type),
        ("gross_tonnage", VesselField::Tonnage),
        ("gross_registered_tonnage", VesselField::GrossTonnage),
        ("vessel_flag", VesselField::Flag),
        ("vessel_owner", VesselField::Owner),
    ];
    for (column, field) in fields {
        if let Some(v) = cols.get(rec, column) {
            ofac::vessel_field(e, field, &v, column, ctx);
        }
    }
}

/// An address written on one line, `street, city, postal code, CC`: the list gives no parts
/// but the country code at the end.
fn address(text: &str, src: &str) -> Address {
    let last = text.rsplit(',').next().unwrap_or(text).trim();
    Address { full: text.to_string(), country: util::country(last), src: Some(src.into()), ..Default::default() }
}

/// One entry of the `ids` column.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IdEntry {
    label: String,
    value: String,
    country: Option<String>,
    /// ISO dates: the expiry date comes before the issue date (the fields are flattened in
    /// alphabetical order), so one date alone may be either.
    dates: Vec<String>,
}

impl IdEntry {
    fn fact(self) -> Fact {
        if self.label.is_empty() {
            return Fact::Remark(self.value);
        }
        let note = match self.dates.as_slice() {
            [] => None,
            [one] => Some(format!("issued or expires {one}")),
            [expires, issued, ..] => Some(format!("issued {issued} expires {expires}")),
        };
        Fact::Feature { label: self.label, value: self.value, country: self.country, note }
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.bytes().filter(u8::is_ascii_digit).count() == 8
}

/// Splits the `ids` column: entries separated by `; `, each `[CC, ][date, [date, ]]value,
/// label`. A piece without `, ` continues the entry before it (a value holding `; `).
fn split_ids(text: &str) -> Vec<IdEntry> {
    let mut pieces: Vec<String> = Vec::new();
    for piece in text.split("; ") {
        match pieces.last_mut() {
            Some(prev) if !piece.contains(", ") => {
                prev.push_str("; ");
                prev.push_str(piece);
            }
            _ => pieces.push(piece.to_string()),
        }
    }
    pieces.iter().map(|p| id_entry(p)).collect()
}

/// One entry; a piece without a label becomes an entry with an empty label.
fn id_entry(piece: &str) -> IdEntry {
    let Some((rest, label)) = piece.rsplit_once(", ") else {
        return IdEntry { label: String::new(), value: piece.trim().to_string(), country: None, dates: Vec::new() };
    };
    let mut parts: Vec<&str> = rest.split(", ").collect();
    let mut country = None;
    if parts.len() >= 2
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_uppercase())
        && Country::from_code(parts[0]).is_ok()
    {
        country = Some(parts.remove(0).to_string());
    }
    let mut dates = Vec::new();
    while parts.len() >= 2 && is_iso_date(parts[0]) {
        dates.push(parts.remove(0).to_string());
    }
    IdEntry { label: label.trim().to_string(), value: parts.join(", ").trim().to_string(), country, dates }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str, value: &str, country: Option<&str>, dates: &[&str]) -> IdEntry {
        IdEntry {
            label: label.into(),
            value: value.into(),
            country: country.map(Into::into),
            dates: dates.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn ids_entries_split_by_table() {
        let cases: Vec<(&str, Vec<IdEntry>)> = vec![
            ("Male, Gender", vec![entry("Gender", "Male", None, &[])]),
            ("CA, BC166787, Passport", vec![entry("Passport", "BC166787", Some("CA"), &[])]),
            (
                "JO, 2014-08-30, 2009-08-31, K475336, Passport",
                vec![entry("Passport", "K475336", Some("JO"), &["2014-08-30", "2009-08-31"])],
            ),
            (
                "2004-02-05, 1999-06-23, G025057, Passport",
                vec![entry("Passport", "G025057", None, &["2004-02-05", "1999-06-23"])],
            ),
            (
                "PA, 467323, Doc. 694710, Public Registration Number",
                vec![entry("Public Registration Number", "467323, Doc. 694710", Some("PA"), &[])],
            ),
            (
                "IMO 8898831, Vessel Registration Identification",
                vec![entry("Vessel Registration Identification", "IMO 8898831", None, &[])],
            ),
            (
                "Subject to Directive 1, Executive Order 13662 Directive Determination -; www.vtb.ao, Website",
                vec![
                    entry("Executive Order 13662 Directive Determination -", "Subject to Directive 1", None, &[]),
                    entry("Website", "www.vtb.ao", None, &[]),
                ],
            ),
            (
                "24 Feb 2022, Listing Date (EO 14024 Directive 2):",
                vec![entry("Listing Date (EO 14024 Directive 2):", "24 Feb 2022", None, &[])],
            ),
            ("a; b, c, Label", vec![entry("", "a", None, &[]), entry("Label", "b, c", None, &[])]),
        ];
        for (text, expected) in cases {
            assert_eq!(split_ids(text), expected, "ids {text:?}");
        }
        // A value that holds `; ` stays one entry.
        assert_eq!(split_ids("x, Website; more, Label").len(), 2);
    }

    #[test]
    fn dates_become_notes() {
        let f = entry("Passport", "K1", Some("JO"), &["2014-08-30", "2009-08-31"]).fact();
        let Fact::Feature { note, .. } = f else { panic!("a feature") };
        assert_eq!(note.as_deref(), Some("issued 2009-08-31 expires 2014-08-30"));
        let Fact::Feature { note, .. } = entry("Passport", "K1", None, &["2014-08-30"]).fact() else {
            panic!("a feature")
        };
        assert_eq!(note.as_deref(), Some("issued or expires 2014-08-30"));
    }

    #[test]
    fn sources_map_to_lists() {
        let (a, l, p) = source_list("Entity List (EL) - Bureau of Industry and Security");
        assert_eq!((a.as_str(), l.id.as_str(), p), ("us-bis", "us-bis-entity-list", None));
        let (a, l, p) = source_list("Capta List (CAP) - Treasury Department");
        assert_eq!((a.as_str(), l.id.as_str(), p), ("us-ofac", "us-ofac-capta", Some("ofac-cons-")));
        let (a, l, _) = source_list("New List (NL) - Treasury Department");
        assert_eq!((a.as_str(), l.id.as_str()), ("us-ofac", "us-csl-new-list-nl"));
    }
}
