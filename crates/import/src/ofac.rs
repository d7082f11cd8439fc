//! The `ofac-csv` format: OFAC's legacy CSV set for the SDN list (`sdn.csv`, `add.csv`,
//! `alt.csv`, `sdn_comments.csv`) and the same layout for the non-SDN consolidated list
//! (`cons_prim.csv` and its `cons_` companions). The files have no header row, write `-0-`
//! for empty, end lines with CRLF and the file with 0x1A. The main file carries one row per
//! entry; its Remarks column holds most details in a small language of its own (see
//! [`remarks`]), continued in the comments file when it was too long. Addresses and strong
//! aliases are in the companions, keyed by `ent_num`; weak aliases are in the remarks.
//!
//! The main file is streamed; the companions are read into maps by `ent_num` first (they are
//! smaller than the main file and not in its order).
//!
//! The submodules hold what the US list formats share: the remarks language, the labels of
//! OFAC's details, CSV reading, and merging rows of one entry.

pub(crate) mod csvio;
pub(crate) mod features;
pub(crate) mod group;
pub(crate) mod remarks;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use csv::{ReaderBuilder, StringRecord};
use proscribe_model::{
    Address, Authority, AuthorityKind, Country, CountryRole, Designation, Entity, ListInfo, ListKind, NameKind, Schema,
    SourceInfo,
};

use self::csvio::{cell, line_of, Rows};
use self::features::{Ctx, Fact};
use crate::{input, util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `ofac-csv` format.
#[derive(Debug)]
pub struct OfacCsv;

/// The authority that keeps the OFAC lists.
pub(crate) fn authority() -> Authority {
    Authority {
        id: "us-ofac".into(),
        name: "Office of Foreign Assets Control".into(),
        country: Country::from_code("us").ok(),
        kind: AuthorityKind::Agency,
    }
}

/// The SDN list.
pub(crate) fn sdn_list() -> ListInfo {
    ListInfo {
        id: "us-ofac-sdn".into(),
        title: "Specially Designated Nationals and Blocked Persons List".into(),
        authority: "us-ofac".into(),
        kind: ListKind::Sanctions,
        url: Some("https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists".into()),
    }
}

/// The non-SDN consolidated list.
pub(crate) fn cons_list() -> ListInfo {
    ListInfo {
        id: "us-ofac-cons".into(),
        title: "Consolidated Sanctions List (Non-SDN Lists)".into(),
        authority: "us-ofac".into(),
        kind: ListKind::Sanctions,
        url: Some("https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists".into()),
    }
}

/// Which of the two lists a CSV set is: the layout is the same, so only OFAC's `cons_` file
/// name prefix tells them apart.
struct Which {
    list: ListInfo,
    id_prefix: &'static str,
    main_name: &'static str,
}

impl Which {
    fn of(path: &Path) -> Which {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if name.starts_with("cons_") {
            Which { list: cons_list(), id_prefix: "ofac-cons-", main_name: "cons_prim.csv" }
        } else {
            Which { list: sdn_list(), id_prefix: "ofac-", main_name: "sdn.csv" }
        }
    }
}

/// The kind of file in the set, told by its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Main,
    Add,
    Alt,
    Comments,
}

fn is_number(v: Option<&str>) -> bool {
    v.map(str::trim).is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

fn row_shape(rec: &StringRecord) -> Option<Shape> {
    let lower = |i: usize| rec.get(i).map(|v| v.trim().to_ascii_lowercase()).unwrap_or_default();
    match rec.len() {
        12 if is_number(rec.get(0)) && matches!(lower(2).as_str(), "individual" | "vessel" | "aircraft" | "-0-") => {
            Some(Shape::Main)
        }
        6 if is_number(rec.get(0)) && is_number(rec.get(1)) => Some(Shape::Add),
        5 if is_number(rec.get(0)) && is_number(rec.get(1)) && matches!(lower(2).as_str(), "aka" | "fka" | "nka") => {
            Some(Shape::Alt)
        }
        2 if is_number(rec.get(0)) && rec.get(1).is_some_and(|v| !v.trim().is_empty()) => Some(Shape::Comments),
        _ => None,
    }
}

/// The shape of the first row, if no later row in the sample has another one.
fn shape(sample: &Sample) -> Option<Shape> {
    let text = sample.text().replace('\u{1a}', "");
    // A full sample may end inside a row, and so may a truncated file: only complete lines
    // count (a file of one line without its line break is that line).
    let complete = text.rfind('\n').map(|i| &text[..i]);
    let text = if sample.head.len() >= input::SAMPLE_BYTES {
        complete?
    } else if !text.ends_with('\n') {
        complete.unwrap_or(&text)
    } else {
        &text[..]
    };
    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records().take(100);
    let first = row_shape(&records.next()?.ok()?)?;
    // Later rows may be broken (the parse reports them with their line) but must not look like
    // another file of the set.
    for rec in records {
        if row_shape(&rec.ok()?).is_some_and(|s| s != first) {
            return None;
        }
    }
    Some(first)
}

impl Format for OfacCsv {
    fn name(&self) -> &'static str {
        "ofac-csv"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let main = if sample.file_name.starts_with("cons_") { "cons_prim.csv" } else { "sdn.csv" };
        let role = match shape(sample)? {
            Shape::Main => return Some(Recognised::List),
            Shape::Add => "add",
            Shape::Alt => "alt",
            Shape::Comments => "comments",
        };
        Some(Recognised::Companion { role: role.into(), main: vec![main.into()] })
    }

    fn source_id(&self, path: &Path) -> String {
        Which::of(path).list.id
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let which = Which::of(&job.path);
        let source = SourceInfo {
            id: which.list.id.clone(),
            title: format!("OFAC {}", which.list.title),
            format: self.name().into(),
            published: None,
            authorities: vec![authority()],
            lists: vec![which.list.clone()],
        };
        let mut report = Report::new(source);
        let mut companions = Companions::read(job, &mut report)?;
        let file = job.path.display().to_string();
        let mut rows = Rows::open(&job.path, b',', false, &job.limits)?;
        let mut rec = StringRecord::new();
        let mut seen = HashSet::new();
        let mut any = false;
        while rows.next(&mut rec)? {
            rows.expect_len(&rec, 12)?;
            any = true;
            let line = line_of(&rec);
            let Some(ent_num) = cell(&rec, 0).filter(|v| is_number(Some(v))) else {
                report.skip(&file, Some(line), None, "ent_num is not a number; row skipped");
                continue;
            };
            if !seen.insert(ent_num.clone()) {
                report.skip(&file, Some(line), Some(ent_num), "ent_num repeats an earlier row; row skipped");
                continue;
            }
            let mut ctx = Ctx { report: &mut report, file: &file, line, record: &ent_num };
            let entity = build(&rec, &ent_num, &which, &mut companions, &mut ctx);
            report.emit(sink, entity, line)?;
        }
        if !any {
            return Err(Error::Empty { path: file });
        }
        companions.report_unmatched(&mut report, which.main_name);
        Ok(report)
    }
}

/// Splits OFAC's program column: `SDGT] [IRAN` (brackets of the first and last program are
/// eaten by the CSV layout) or `[IRAN]` into `["SDGT", "IRAN"]`.
pub(crate) fn programs(text: &str) -> Vec<String> {
    text.split("] [")
        .flat_map(|p| p.split(';'))
        .map(|p| p.trim().trim_matches(['[', ']']).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The schema of an OFAC type (`individual`, `vessel`, `aircraft`, `Entity`, `-0-`).
pub(crate) fn schema_of(sdn_type: Option<&str>) -> Option<Schema> {
    match sdn_type.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("-0-") | Some("entity") | Some("") => Some(Schema::Organization),
        Some("individual") => Some(Schema::Person),
        Some("vessel") => Some(Schema::Vessel),
        Some("aircraft") => Some(Schema::Aircraft),
        Some(_) => None,
    }
}

fn build(rec: &StringRecord, ent_num: &str, which: &Which, companions: &mut Companions, ctx: &mut Ctx) -> Entity {
    let sdn_type = cell(rec, 2);
    let schema = schema_of(sdn_type.as_deref()).unwrap_or_else(|| {
        ctx.skip(format!("SDN_Type: unknown type {sdn_type:?}; read as a legal entity"));
        Schema::LegalEntity
    });
    let mut e = Entity::new(format!("{}{ent_num}", which.id_prefix), schema);
    if let Some(name) = cell(rec, 1) {
        features::add_name(&mut e, &name, NameKind::Primary, "SDN_Name", ctx);
    } else {
        ctx.skip("SDN_Name: the entry has no name");
    }
    if let Some(title) = cell(rec, 4) {
        e.positions.push(proscribe_model::Text::new(title, "Title"));
    }
    let vessel = [
        (5, VesselField::CallSign, "Call_Sign"),
        (6, VesselField::Type, "Vess_type"),
        (7, VesselField::Tonnage, "Tonnage"),
        (8, VesselField::GrossTonnage, "GRT"),
        (9, VesselField::Flag, "Vess_flag"),
        (10, VesselField::Owner, "Vess_owner"),
    ];
    for (i, field, src) in vessel {
        if let Some(v) = cell(rec, i) {
            vessel_field(&mut e, field, &v, src, ctx);
        }
    }
    let mut d = Designation::new("us-ofac", which.list.id.clone());
    d.programs = cell(rec, 3).map(|p| programs(&p)).unwrap_or_default();
    d.reference = Some(ent_num.to_string());
    d.src = Some("Program".into());
    e.designations.push(d);

    let mut text = cell(rec, 11).unwrap_or_default();
    if let Some(more) = companions.comments.remove(ent_num) {
        // The comments file continues the Remarks value where it was cut, mid-word: join the
        // raw texts, whose spaces at the cut matter.
        text = rec.get(11).map(str::trim_start).filter(|r| r.trim() != "-0-").unwrap_or_default().to_string();
        text.push_str(&more.text);
    }
    for (i, fact) in remarks::parse(&text) {
        features::apply(&mut e, fact, &format!("Remarks[{i}]"), ctx);
    }
    for alt in companions.alt.remove(ent_num).unwrap_or_default() {
        alt.apply(&mut e, ctx);
    }
    for add in companions.add.remove(ent_num).unwrap_or_default() {
        add.apply(&mut e, ctx);
    }
    e
}

/// A vessel detail OFAC gives in columns of its own (the CSV, `<vesselInfo>`, the CSL).
#[derive(Debug, Clone, Copy)]
pub(crate) enum VesselField {
    /// The radio call sign.
    CallSign,
    /// The type of vessel.
    Type,
    /// The tonnage (deadweight).
    Tonnage,
    /// The gross registered tonnage.
    GrossTonnage,
    /// The flag state.
    Flag,
    /// The owner, by name.
    Owner,
}

/// Applies one vessel detail.
pub(crate) fn vessel_field(e: &mut Entity, field: VesselField, value: &str, src: &str, ctx: &mut Ctx) {
    let value = proscribe_model::collapse_spaces(value);
    match field {
        VesselField::CallSign => e.add_property("callSign", value),
        VesselField::Type => e.add_property("type", value),
        VesselField::Tonnage => e.add_property("tonnage", value.replace(',', "")),
        VesselField::GrossTonnage => e.add_property("grossRegisteredTonnage", value.replace(',', "")),
        VesselField::Flag => match util::country(&value) {
            Some(c) => {
                e.add_property("flag", c.code());
                e.add_country(c, CountryRole::Flag, Some(src.into()));
            }
            None => {
                ctx.skip(format!("{src}: flag {value:?} is no known country; kept as a remark"));
                features::apply(e, Fact::Remark(format!("Vessel flag: {value}")), src, ctx);
            }
        },
        VesselField::Owner => {
            e.add_property("owner", value.clone());
            e.links.push(proscribe_model::Link {
                kind: "vessel_owner".into(),
                target_id: None,
                target_name: Some(value),
                note: None,
                src: Some(src.into()),
            });
        }
    }
}

struct AltRow {
    line: u64,
    alt_num: String,
    alt_type: String,
    name: String,
    remarks: Option<String>,
}

impl AltRow {
    fn apply(&self, e: &mut Entity, ctx: &mut Ctx) {
        let src = format!("alt_num={}", self.alt_num);
        let weak = self.remarks.as_deref().is_some_and(|r| r.to_ascii_lowercase().contains("weak"));
        let kind = match self.alt_type.to_ascii_lowercase().as_str() {
            _ if weak => NameKind::WeakAlias,
            "fka" => NameKind::Former,
            "aka" | "nka" => NameKind::Alias,
            other => {
                ctx.skip(format!("{src}: unknown alt_type {other:?}; read as an alias"));
                NameKind::Alias
            }
        };
        features::add_name(e, &self.name, kind, &src, ctx);
        // A remark that only says the alias is weak is told by the name's kind.
        let only_weak = |r: &str| {
            let folded: String = r.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).collect();
            matches!(folded.as_str(), "weak" | "weakaka" | "weakalias")
        };
        if let Some(r) = self.remarks.as_deref().filter(|r| !only_weak(r)) {
            features::apply(e, Fact::Remark(r.to_string()), &src, ctx);
        }
    }
}

struct AddRow {
    line: u64,
    add_num: String,
    street: Option<String>,
    city: Option<String>,
    country: Option<String>,
    remarks: Option<String>,
}

impl AddRow {
    fn apply(&self, e: &mut Entity, ctx: &mut Ctx) {
        let src = format!("Add_num={}", self.add_num);
        let parts: Vec<&str> =
            [&self.street, &self.city, &self.country].into_iter().flatten().map(String::as_str).collect();
        if parts.is_empty() && self.remarks.is_none() {
            ctx.skip(format!("{src}: address row has no content"));
            return;
        }
        let mut a = Address {
            full: parts.join(", "),
            street: self.street.clone(),
            note: self.remarks.clone(),
            ..Default::default()
        };
        if let Some(city) = &self.city {
            features::city_line(&mut a, city);
        }
        if let Some(country) = &self.country {
            if let Some(region) = country.strip_prefix("Region:") {
                // OFAC names some places as regions without a country (`Region: Gaza`).
                a.region = Some(region.trim().to_string());
            } else {
                a.country = util::country(country);
                if a.country.is_none() {
                    ctx.skip(format!("{src}: unknown country {country:?}; kept in the address text"));
                }
            }
        }
        a.src = Some(src);
        e.addresses.push(a);
    }
}

struct Comment {
    text: String,
    line: u64,
}

/// The companion files, read into maps by `ent_num`.
#[derive(Default)]
struct Companions {
    alt: HashMap<String, Vec<AltRow>>,
    add: HashMap<String, Vec<AddRow>>,
    comments: HashMap<String, Comment>,
    files: HashMap<&'static str, String>,
    limits: crate::Limits,
}

impl Companions {
    fn read(job: &Job, report: &mut Report) -> Result<Companions, Error> {
        let mut c = Companions { limits: job.limits, ..Companions::default() };
        for (role, path) in &job.companions {
            match role.as_str() {
                "alt" => c.read_alt(path)?,
                "add" => c.read_add(path)?,
                "comments" => c.read_comments(path)?,
                other => {
                    report.skip(&path.display().to_string(), None, None, format!("unknown companion role {other:?}"))
                }
            }
        }
        Ok(c)
    }

    fn each(
        &mut self,
        role: &'static str,
        path: &Path,
        columns: usize,
        mut f: impl FnMut(&mut Self, &StringRecord, u64),
    ) -> Result<(), Error> {
        self.files.insert(role, path.display().to_string());
        let limits = self.limits;
        let mut rows = Rows::open(path, b',', false, &limits)?;
        let mut rec = StringRecord::new();
        while rows.next(&mut rec)? {
            rows.expect_len(&rec, columns)?;
            f(self, &rec, line_of(&rec));
        }
        Ok(())
    }

    fn read_alt(&mut self, path: &Path) -> Result<(), Error> {
        self.each("alt", path, 5, |c, rec, line| {
            let row = AltRow {
                line,
                alt_num: cell(rec, 1).unwrap_or_default(),
                alt_type: cell(rec, 2).unwrap_or_default(),
                name: cell(rec, 3).unwrap_or_default(),
                remarks: cell(rec, 4),
            };
            c.alt.entry(cell(rec, 0).unwrap_or_default()).or_default().push(row);
        })
    }

    fn read_add(&mut self, path: &Path) -> Result<(), Error> {
        self.each("add", path, 6, |c, rec, line| {
            let row = AddRow {
                line,
                add_num: cell(rec, 1).unwrap_or_default(),
                street: cell(rec, 2),
                city: cell(rec, 3),
                country: cell(rec, 4),
                remarks: cell(rec, 5),
            };
            c.add.entry(cell(rec, 0).unwrap_or_default()).or_default().push(row);
        })
    }

    fn read_comments(&mut self, path: &Path) -> Result<(), Error> {
        self.each("comments", path, 2, |c, rec, line| {
            // Not `cell`: the continuation is raw text, its spaces matter where it joins.
            let text = rec.get(1).unwrap_or_default().trim_end().to_string();
            let entry =
                c.comments.entry(cell(rec, 0).unwrap_or_default()).or_insert(Comment { text: String::new(), line });
            entry.text.push_str(&text);
        })
    }

    /// Rows whose `ent_num` has no entry in the main file.
    fn report_unmatched(self, report: &mut Report, main: &str) {
        let file = |role: &str| self.files.get(role).cloned().unwrap_or_default();
        let reason = format!("no entry with this ent_num in {main}; row skipped");
        for (ent, rows) in &self.alt {
            for r in rows {
                report.skip(&file("alt"), Some(r.line), Some(format!("{ent} alt_num={}", r.alt_num)), reason.clone());
            }
        }
        for (ent, rows) in &self.add {
            for r in rows {
                report.skip(&file("add"), Some(r.line), Some(format!("{ent} Add_num={}", r.add_num)), reason.clone());
            }
        }
        for (ent, c) in &self.comments {
            report.skip(&file("comments"), Some(c.line), Some(ent.clone()), reason.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_split() {
        assert_eq!(programs("SDGT] [IRAN"), ["SDGT", "IRAN"]);
        assert_eq!(programs("[IRAN]"), ["IRAN"]);
        assert_eq!(programs("NPWMD] [IFSR"), ["NPWMD", "IFSR"]);
        assert_eq!(programs("CUBA"), ["CUBA"]);
        assert_eq!(programs("IFSR; IRGC; NPWMD"), ["IFSR", "IRGC", "NPWMD"]);
    }

    fn sample(name: &str, text: &str) -> Sample {
        Sample { file_name: name.into(), head: text.as_bytes().to_vec(), zip: false }
    }

    #[test]
    fn files_are_told_apart_by_columns() {
        let main = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u{1a}";
        assert_eq!(OfacCsv.recognise(&sample("whatever.csv", main)), Some(Recognised::List));
        let alt = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n";
        assert_eq!(
            OfacCsv.recognise(&sample("cons_alt.csv", alt)),
            Some(Recognised::Companion { role: "alt".into(), main: vec!["cons_prim.csv".into()] })
        );
        let add = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n";
        assert_eq!(
            OfacCsv.recognise(&sample("add.csv", add)),
            Some(Recognised::Companion { role: "add".into(), main: vec!["sdn.csv".into()] })
        );
        let comments = "28263,\"hn'; Linked To: LAZARUS GROUP.\"\r\n";
        assert_eq!(
            OfacCsv.recognise(&sample("x.csv", comments)),
            Some(Recognised::Companion { role: "comments".into(), main: vec!["sdn.csv".into()] })
        );
        assert_eq!(OfacCsv.recognise(&sample("sdn.csv", "name,type\nfoo,bar\n")), None);
        // A file cut inside its last row is still recognised by its complete rows (the parse
        // then says it is truncated), even where the cut row looks like a comments row.
        let cut = format!("{}36,\"AERO", main.trim_end_matches('\u{1a}'));
        assert_eq!(OfacCsv.recognise(&sample("sdn.csv", &cut)), Some(Recognised::List));
    }

    #[test]
    fn a_file_cut_inside_a_quoted_field_is_an_error() {
        let dir = std::env::temp_dir().join(format!("proscribe-truncated-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let whole = std::fs::read(proscribe_testkit::fixture("ofac/sdn.csv")).unwrap();
        // Cut just after the opening quote of a name, as a download that stopped would.
        let cut = whole.iter().rposition(|&b| b == b'"').unwrap();
        let at = whole[..cut].iter().rposition(|&b| b == b'"').unwrap() + 2;
        let path = dir.join("sdn.csv");
        std::fs::write(&path, &whole[..at]).unwrap();
        let job = Job {
            format: &OfacCsv,
            path: path.clone(),
            companions: vec![],
            source_id: OfacCsv.source_id(&path),
            limits: crate::Limits::default(),
        };
        let mut sink = |_e: Entity, _l: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> { Ok(()) };
        let err = OfacCsv.parse(&job, &mut sink).unwrap_err().to_string();
        let line = whole[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(
            err,
            format!(
                "{}:{line}: the quoted field opened on line {line} is never closed: the file is truncated",
                path.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
