//! The `ftm` format: FollowTheMoney entities as JSON lines, as OpenSanctions and Aleph export
//! them (`entities.ftm.json`). Each line is one entity: `id`, `schema`, `properties` (a map
//! from property name to a list of strings), and optionally `caption`, `datasets`,
//! `referents`, `target`, `first_seen`, `last_seen` and `last_change`.
//!
//! Only "things" become proscribe entities: `Person`, `Organization`, `Company`,
//! `LegalEntity`, `PublicBody` (as an organisation), `Vessel` and `Airplane` (as an aircraft).
//! The other schemata describe things and are folded into them:
//! - `Sanction` → a [`Designation`] on its `entity`: the authority is slugged from
//!   `authority`, the list from the record's dataset (or its program when it has none),
//!   programs from `program`/`programId`, the reference from `authorityId`, `unscId` or
//!   `recordId`, `listed_on` from the earliest `startDate` or `listingDate` (OpenSanctions
//!   puts the date of a later amendment in `listingDate` too), `ended_on` from `endDate`, and
//!   the reason from `reason`, with `provisions` and `summary` appended as lines of their own
//!   because the model keeps no separate field for them;
//! - `Passport`/`Identification` → an [`Identifier`] of the `holder`;
//! - `Address` → the [`Address`] of every thing whose `addressEntity` names it;
//! - `Occupancy` with its `Position` → a position of the `holder`;
//! - `Ownership`, `Directorship`, `Family`, `Associate`, `UnknownLink`, `Payment`,
//!   `Representation`, `Membership` and `Employment` → a [`Link`] on both sides.
//!
//! Memory: joining these records to the things they describe needs them at hand, and a
//! `Sanction` may come before or after its entity. The file is therefore read twice: the
//! first pass writes what the describing records say (designations, addresses, identifiers,
//! links, occupancies), with the id, line and caption of every record, to a temporary
//! database on disk ([`scratch`]); the second pass builds the things one at a time, reading
//! back what is said about each, and passes them on. Memory is flat in the file's size: only
//! the authorities and lists met (a few per source) and the diagnostics stay in memory.
//!
//! A line that is not a JSON object is an error naming the file and the line. A record of a
//! schema proscribe does not import (an `Event`, a `BankAccount`) is skipped with a
//! diagnostic, and so is a duplicate id.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use proscribe_model::{
    ftm, slug, Address, Authority, AuthorityKind, DateFact, DateValue, Designation, Entity, Gender, IdKind, Identifier,
    Link, ListInfo, ListKind, Name, NameKind, NamePart, Place, Schema, SourceInfo, Text,
};
use serde::{Deserialize, Serialize};

use crate::limits::Exceeded;
use crate::{input, util, EntitySink, Error, Format, Job, Limits, Recognised, Report, Sample};

mod scratch;

use scratch::{FactKind, RecKind, Scratch};

/// How often the first pass tells the sink how many records it has read.
const FIRST_PASS_EVERY: u64 = 10_000;

/// The `ftm` format: FollowTheMoney JSON lines.
#[derive(Debug)]
pub struct FtmJson;

impl Format for FtmJson {
    fn name(&self) -> &'static str {
        "ftm"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let text = sample.text();
        let first = text.lines().find(|l| !l.trim().is_empty())?.trim();
        looks_like_entity(first, text.len() >= input::SAMPLE_BYTES).then_some(Recognised::List)
    }

    fn source_id(&self, path: &Path) -> String {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let stem = name.split('.').next().unwrap_or_default();
        format!("ftm-{}", slug(stem))
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let path = job.path.as_path();
        let file = path.display().to_string();
        let mut report = Report::new(SourceInfo {
            id: job.source_id.clone(),
            title: format!(
                "FollowTheMoney entities ({})",
                path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
            ),
            format: self.name().into(),
            published: None,
            authorities: Vec::new(),
            lists: Vec::new(),
        });
        // A small file's scratch database stays in memory; a file whose size is unknown is
        // taken as large.
        let on_disk = !std::fs::metadata(path).is_ok_and(|m| m.len() < scratch::IN_MEMORY_BELOW);
        let mut index = Index::new(&file, on_disk)?;
        read_lines(path, &job.limits, |line, rec| {
            if line.is_multiple_of(FIRST_PASS_EVERY) {
                sink.first_pass(line);
            }
            index.add(rec, line, &file, &mut report)
        })?;
        if index.records == 0 {
            return Err(Error::Empty { path: file });
        }
        index.finish(&file, &mut report)?;
        report.source.authorities = index.authorities.values().cloned().collect();
        report.source.lists = index.lists.values().cloned().collect();
        read_lines(path, &job.limits, |line, rec| {
            let Some(Kind::Thing(schema)) = rec.schema.as_deref().and_then(kind_of) else { return Ok(()) };
            let Some(id) = rec.id.as_deref() else { return Ok(()) };
            // Only the first record of an id is read; the others were reported as duplicates.
            if index.scratch.first_line(id)? != Some(line) {
                return Ok(());
            }
            let entity = build_thing(rec, schema, &index, &file, line, &mut report)?;
            report.emit(sink, entity, line)
        })?;
        Ok(report)
    }
}

/// Whether the first line of a file is a FollowTheMoney entity. A line cut off by the end of
/// the sample (a long first entity) is judged by its keys alone.
fn looks_like_entity(line: &str, maybe_cut: bool) -> bool {
    if !line.starts_with('{') {
        return false;
    }
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => ["id", "schema", "properties"].iter().all(|k| v.get(k).is_some()),
        Err(e) if e.is_eof() && maybe_cut => {
            ["\"id\"", "\"schema\"", "\"properties\""].iter().all(|k| line.contains(k))
        }
        Err(_) => false,
    }
}

/// One line of the file.
#[derive(Debug, Deserialize)]
struct Record {
    id: Option<String>,
    schema: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, Vec<String>>,
    caption: Option<String>,
    #[serde(default)]
    datasets: Vec<String>,
    #[serde(default)]
    referents: Vec<String>,
    target: Option<bool>,
    first_seen: Option<String>,
    last_change: Option<String>,
}

impl Record {
    fn values(&self, prop: &str) -> &[String] {
        self.properties.get(prop).map(Vec::as_slice).unwrap_or_default()
    }

    fn first(&self, prop: &str) -> Option<&str> {
        self.values(prop).iter().map(|v| v.trim()).find(|v| !v.is_empty())
    }
}

/// Reads the non-empty lines of the file as records, with their 1-based line numbers. A line
/// longer than the `record-bytes` limit, or a property with more values than `values`, is
/// refused.
fn read_lines(
    path: &Path,
    limits: &Limits,
    mut each: impl FnMut(u64, Record) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut reader = input::open_text(path, limits)?;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        let n = input::read_bounded_line(&mut reader, &mut buf, line + 1, limits)
            .map_err(|e| input::read_error(path, e))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        // The reader has checked the text is UTF-8, and a line ends at a whole character.
        let text = std::str::from_utf8(&buf)
            .map_err(|e| Error::malformed(path, Some(line), None, format!("not valid UTF-8: {e}")))?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(text).map_err(|e| {
            Error::malformed(path, Some(line), None, format!("not a FollowTheMoney entity (a JSON object): {e}"))
        })?;
        if let Some((prop, values)) = record.properties.iter().find(|(_, v)| v.len() as u64 > limits.values) {
            let what = format!("property {prop} with {} values", values.len());
            return Err(Exceeded::new(format!("line {line}"), what, "values", limits.values).in_file(path));
        }
        let names: usize = NAME_PROPS.iter().map(|p| record.values(p).len()).sum();
        if names as u64 > limits.names {
            let what = format!("an entity with {names} names");
            return Err(Exceeded::new(format!("line {line}"), what, "names", limits.names).in_file(path));
        }
        each(line, record)?;
    }
}

/// What a schema means to the importer.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Thing(Schema),
    Address,
    Sanction,
    Identification,
    Position,
    Occupancy,
    Link(&'static LinkSpec),
}

/// How a relation schema becomes links: the properties naming both sides, the link kind on
/// each side, and the properties that describe the relation.
#[derive(Debug)]
struct LinkSpec {
    schema: &'static str,
    a: &'static str,
    b: &'static str,
    a_kind: &'static str,
    b_kind: &'static str,
    details: &'static [&'static str],
}

const LINKS: &[LinkSpec] = &[
    LinkSpec {
        schema: "Ownership",
        a: "owner",
        b: "asset",
        a_kind: "owner_of",
        b_kind: "owned_by",
        details: &["role", "percentage", "sharesCount", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Directorship",
        a: "director",
        b: "organization",
        a_kind: "director_of",
        b_kind: "has_director",
        details: &["role", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Family",
        a: "person",
        b: "relative",
        a_kind: "family",
        b_kind: "family",
        details: &["relationship", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Associate",
        a: "person",
        b: "associate",
        a_kind: "associate",
        b_kind: "associate",
        details: &["relationship", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "UnknownLink",
        a: "subject",
        b: "object",
        a_kind: "linked_to",
        b_kind: "linked_to",
        details: &["role", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Payment",
        a: "payer",
        b: "beneficiary",
        a_kind: "payment",
        b_kind: "payment",
        details: &["amount", "currency", "amountEur", "date", "purpose"],
    },
    LinkSpec {
        schema: "Representation",
        a: "agent",
        b: "client",
        a_kind: "agent_of",
        b_kind: "represented_by",
        details: &["role", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Membership",
        a: "member",
        b: "organization",
        a_kind: "member_of",
        b_kind: "has_member",
        details: &["role", "startDate", "endDate"],
    },
    LinkSpec {
        schema: "Employment",
        a: "employee",
        b: "employer",
        a_kind: "employee_of",
        b_kind: "employer_of",
        details: &["role", "startDate", "endDate"],
    },
];

fn kind_of(schema: &str) -> Option<Kind> {
    Some(match schema {
        "Person" => Kind::Thing(Schema::Person),
        "Organization" | "PublicBody" => Kind::Thing(Schema::Organization),
        "Company" => Kind::Thing(Schema::Company),
        "LegalEntity" => Kind::Thing(Schema::LegalEntity),
        "Vessel" => Kind::Thing(Schema::Vessel),
        "Airplane" => Kind::Thing(Schema::Aircraft),
        "Address" => Kind::Address,
        "Sanction" => Kind::Sanction,
        "Passport" | "Identification" => Kind::Identification,
        "Position" => Kind::Position,
        "Occupancy" => Kind::Occupancy,
        other => Kind::Link(LINKS.iter().find(|l| l.schema == other)?),
    })
}

/// An occupancy waiting for its position's name.
#[derive(Debug, Serialize, Deserialize)]
struct Occupancy {
    post: String,
    details: Option<String>,
    src: String,
}

/// What the first pass learns: every record's id (in the scratch database, with the captions
/// of things, addresses and positions' names), what the describing records say about each
/// thing (there too, keyed by the id of the thing), and the authorities and lists of the
/// source.
struct Index {
    records: usize,
    scratch: Scratch,
    authorities: BTreeMap<String, Authority>,
    lists: BTreeMap<String, ListInfo>,
}

impl Index {
    fn new(file: &str, on_disk: bool) -> Result<Index, Error> {
        Ok(Index {
            records: 0,
            scratch: Scratch::new(file, on_disk)?,
            authorities: BTreeMap::new(),
            lists: BTreeMap::new(),
        })
    }

    fn add(&mut self, rec: Record, line: u64, file: &str, report: &mut Report) -> Result<(), Error> {
        self.records += 1;
        let (Some(id), Some(schema)) = (rec.id.clone(), rec.schema.clone()) else {
            report.skip(file, Some(line), rec.id.clone(), "record without `id` or `schema` skipped");
            return Ok(());
        };
        let kind = kind_of(&schema);
        let src = format!("{schema}:{id}");
        let named = || rec.caption.clone().or_else(|| rec.first("name").map(str::to_string)).unwrap_or_default();
        let (rec_kind, text) = match kind {
            Some(Kind::Thing(_)) => (RecKind::Thing, Some(named())),
            Some(Kind::Address) => {
                (RecKind::Address, Some(serde_json::to_string(&address_of(&rec, &src)).expect("addresses serialise")))
            }
            Some(Kind::Position) => (RecKind::Position, Some(named())),
            _ => (RecKind::Other, None),
        };
        if !self.scratch.add_record(&id, line, rec_kind, text.as_deref())? {
            report.skip(file, Some(line), Some(id), "duplicate id: this record is skipped");
            return Ok(());
        }
        let Some(kind) = kind else {
            report.skip(file, Some(line), Some(id), format!("schema {schema} is not imported: record skipped"));
            return Ok(());
        };
        match kind {
            Kind::Thing(_) | Kind::Address | Kind::Position => Ok(()),
            Kind::Sanction => self.add_sanction(&rec, &src, line),
            Kind::Identification => self.add_identification(&rec, &src, line, file, report),
            Kind::Occupancy => {
                if let (Some(holder), Some(post)) = (rec.first("holder"), rec.first("post")) {
                    let details = details(&rec, &["status", "startDate", "endDate"]);
                    let occ = Occupancy { post: post.into(), details, src: src.clone() };
                    self.scratch.add_fact(holder, FactKind::Occupancy, &occ, &src, line)?;
                }
                Ok(())
            }
            Kind::Link(spec) => self.add_link(&rec, spec, &src, line),
        }
    }

    fn add_sanction(&mut self, rec: &Record, src: &str, line: u64) -> Result<(), Error> {
        let authority = self.authority_of(rec);
        let list = self.list_of(rec, &authority);
        let mut d = Designation::new(authority, list);
        for p in rec.values("program").iter().chain(rec.values("programId")) {
            if let Some(p) = util::clean(p) {
                if !d.programs.contains(&p) {
                    d.programs.push(p);
                }
            }
        }
        let refs: Vec<&str> = ["authorityId", "unscId", "recordId"]
            .iter()
            .flat_map(|p| rec.values(p))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if !refs.is_empty() {
            d.reference = Some(refs.join("; "));
        }
        d.listed_on = earliest(rec.values("startDate").iter().chain(rec.values("listingDate")));
        d.ended_on = latest(rec.values("endDate"));
        d.reason = reason_of(rec);
        d.src = Some(src.to_string());
        for entity in rec.values("entity") {
            self.scratch.add_fact(entity, FactKind::Designation, &d, src, line)?;
        }
        Ok(())
    }

    /// The authority of a sanction, registered in the source's authorities.
    fn authority_of(&mut self, rec: &Record) -> String {
        let name = rec.first("authority").map(str::to_string).or_else(|| rec.datasets.first().cloned());
        let name = name.unwrap_or_else(|| "unknown authority".into());
        let id = match id_slug(&name) {
            // A name in another script has no ASCII letters to slug: name it after its list.
            s if s.is_empty() => {
                format!("{}-authority", id_slug(rec.datasets.first().map(String::as_str).unwrap_or("unknown")))
            }
            s => s,
        };
        self.authorities.entry(id.clone()).or_insert_with(|| Authority {
            id: id.clone(),
            name: name.clone(),
            country: rec.values("country").iter().find_map(|c| util::country(c)),
            kind: authority_kind(&name),
        });
        id
    }

    /// The list of a sanction: its dataset, else its program; registered in the source's lists.
    fn list_of(&mut self, rec: &Record, authority: &str) -> String {
        let title = rec
            .datasets
            .first()
            .map(String::as_str)
            .or_else(|| rec.first("programId"))
            .or_else(|| rec.first("program"))
            .unwrap_or("unnamed list")
            .to_string();
        let id = id_slug(&title);
        self.lists.entry(id.clone()).or_insert_with(|| ListInfo {
            id: id.clone(),
            title: title.clone(),
            authority: authority.to_string(),
            kind: list_kind(&title),
            url: None,
        });
        id
    }

    fn add_identification(
        &mut self,
        rec: &Record,
        src: &str,
        line: u64,
        file: &str,
        report: &mut Report,
    ) -> Result<(), Error> {
        let Some(holder) = rec.first("holder") else {
            report.skip(file, Some(line), rec.id.clone(), "identification without a holder skipped");
            return Ok(());
        };
        let number = rec.first("number").or_else(|| rec.first("passportNumber"));
        let Some(number) = number else {
            report.skip(file, Some(line), rec.id.clone(), format!("identification of {holder} has no number: skipped"));
            return Ok(());
        };
        let kind = if rec.schema.as_deref() == Some("Passport") { IdKind::Passport } else { IdKind::Other };
        let country = rec.first("country").and_then(util::country);
        let note = details(rec, &["authority", "startDate", "endDate", "summary"]);
        let id = Identifier {
            kind,
            number: number.to_string(),
            label: rec.first("type").map(str::to_string),
            country,
            note,
            src: Some(src.to_string()),
        };
        self.scratch.add_fact(holder, FactKind::Identifier, &id, src, line)
    }

    fn add_link(&mut self, rec: &Record, spec: &LinkSpec, src: &str, line: u64) -> Result<(), Error> {
        let note = details(rec, spec.details);
        for a in rec.values(spec.a) {
            for b in rec.values(spec.b) {
                for (from, to, kind, side) in [(a, b, spec.a_kind, spec.a), (b, a, spec.b_kind, spec.b)] {
                    let link = Link {
                        kind: kind.to_string(),
                        target_id: Some(to.clone()),
                        target_name: None,
                        note: note.clone(),
                        src: Some(format!("{src}.{side}")),
                    };
                    self.scratch.add_fact(from, FactKind::Link, &link, src, line)?;
                }
            }
        }
        Ok(())
    }

    /// Ends the first pass and reports references to ids that are not things in the file,
    /// each id once per describing record, in file order.
    fn finish(&mut self, file: &str, report: &mut Report) -> Result<(), Error> {
        self.scratch.end_first_pass()?;
        // Only the references reported are remembered, as many as the diagnostics they make.
        let mut reported = HashSet::new();
        self.scratch.dangling(|id, src, line| {
            if reported.insert((id.clone(), src.clone())) {
                report.skip(
                    file,
                    Some(line),
                    Some(src),
                    format!(
                        "refers to {id}, which is no person, organisation, vessel or aircraft in the file: ignored"
                    ),
                );
            }
        })
    }

    /// What the describing records say about thing `id`: its designations, identifiers,
    /// positions and links, each in file order.
    fn facts_of(&self, id: &str) -> Result<Facts, Error> {
        let mut facts = Facts::default();
        let s = &self.scratch;
        for (kind, body) in s.facts(id)? {
            match kind {
                FactKind::Designation => facts.designations.push(s.decode(&body)?),
                FactKind::Identifier => facts.identifiers.push(s.decode(&body)?),
                FactKind::Link => {
                    let mut link: Link = s.decode(&body)?;
                    if let Some(target) = &link.target_id {
                        link.target_name = self.scratch.text(target, RecKind::Thing)?.filter(|c| !c.is_empty());
                    }
                    facts.links.push(link);
                }
                FactKind::Occupancy => {
                    let occ: Occupancy = s.decode(&body)?;
                    let name = self.scratch.text(&occ.post, RecKind::Position)?.filter(|n| !n.is_empty());
                    let text = match (name, &occ.details) {
                        (Some(n), Some(d)) => format!("{n} ({d})"),
                        (Some(n), None) => n,
                        (None, _) => occ.post.clone(),
                    };
                    facts.positions.push(Text { text, src: Some(occ.src) });
                }
            }
        }
        Ok(facts)
    }
}

/// What the describing records say about one thing.
#[derive(Default)]
struct Facts {
    designations: Vec<Designation>,
    identifiers: Vec<Identifier>,
    positions: Vec<Text>,
    links: Vec<Link>,
}

/// A slug that keeps accented Latin letters as their base letter (`Direction Générale du
/// Trésor` → `direction-generale-du-tresor`), where [`slug`] would drop them.
fn id_slug(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => 'a',
            'Ç' | 'ç' | 'Ć'..='č' => 'c',
            'Ď'..='đ' => 'd',
            'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => 'e',
            'Ğ' | 'ğ' => 'g',
            'Ì'..='Ï' | 'ì'..='ï' | 'Ī'..='ı' => 'i',
            'Ł' | 'ł' => 'l',
            'Ñ' | 'ñ' | 'Ń'..='ň' => 'n',
            'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => 'o',
            'Ŕ'..='ř' => 'r',
            'Ś'..='š' => 's',
            'Ţ'..='ť' => 't',
            'Ù'..='Ü' | 'ù'..='ü' | 'Ū'..='ű' => 'u',
            'Ý' | 'ý' | 'ÿ' => 'y',
            'Ź'..='ž' => 'z',
            c => c,
        })
        .collect();
    slug(&folded)
}

/// `role: subsidiary of; startDate: 2005-09-16`: the properties of a record that describe a
/// relation, in a fixed order.
fn details(rec: &Record, props: &[&str]) -> Option<String> {
    let parts: Vec<String> = props
        .iter()
        .filter_map(|p| {
            let vs: Vec<&str> = rec.values(p).iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
            (!vs.is_empty()).then(|| format!("{p}: {}", vs.join(", ")))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn reason_of(rec: &Record) -> Option<String> {
    let mut lines: Vec<String> = rec.values("reason").iter().filter_map(|r| util::clean(r)).collect();
    let provisions: Vec<String> = rec.values("provisions").iter().filter_map(|r| util::clean(r)).collect();
    if !provisions.is_empty() {
        lines.push(format!("Provisions: {}", provisions.join("; ")));
    }
    lines.extend(rec.values("summary").iter().filter_map(|r| util::clean(r)));
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn parse_dates<'a>(values: impl IntoIterator<Item = &'a String>) -> Vec<DateValue> {
    values.into_iter().filter_map(|v| v.trim().parse::<DateValue>().ok()).collect()
}

fn earliest<'a>(values: impl IntoIterator<Item = &'a String>) -> Option<DateValue> {
    parse_dates(values).into_iter().min_by_key(|d| d.earliest())
}

fn latest<'a>(values: impl IntoIterator<Item = &'a String>) -> Option<DateValue> {
    parse_dates(values).into_iter().max_by_key(|d| d.latest())
}

/// A guess at the kind of body from its name; `Other` when the name says nothing.
fn authority_kind(name: &str) -> AuthorityKind {
    let n = name.to_lowercase();
    if n.contains("ministry") || n.contains("department") || n.contains("secretariat") {
        AuthorityKind::Ministry
    } else if n.contains("court") {
        AuthorityKind::Court
    } else if n.contains("committee") {
        AuthorityKind::Committee
    } else if n.contains("council") {
        AuthorityKind::Council
    } else if n.contains("prosecutor") {
        AuthorityKind::Prosecutor
    } else if n.contains("office") || n.contains("service") || n.contains("agency") || n.contains("bureau") {
        AuthorityKind::Agency
    } else {
        AuthorityKind::Other
    }
}

/// A guess at the kind of list from its dataset or program name.
fn list_kind(name: &str) -> ListKind {
    let n = name.to_lowercase();
    if n.contains("terror") {
        ListKind::Terrorist
    } else if n.contains("exclusion") || n.contains("debar") || n.contains("disqual") {
        ListKind::Debarment
    } else if n.contains("export") || n.contains("entity_list") || n.contains("bis") {
        ListKind::ExportControl
    } else if n.contains("sanction") || n.contains("fsf") || n.contains("freez") || n.contains("sdn") {
        ListKind::Sanctions
    } else {
        ListKind::Other
    }
}

fn address_of(rec: &Record, src: &str) -> Address {
    let first = |p: &str| rec.first(p).map(str::to_string);
    let street = first("street");
    let city = first("city");
    let region = first("region");
    let postal_code = first("postalCode");
    let country = rec.values("country").iter().find_map(|c| util::country(c));
    let full = first("full").unwrap_or_else(|| {
        [&first("postOfficeBox"), &street, &city, &region, &postal_code]
            .iter()
            .filter_map(|p| p.as_deref())
            .chain(country.as_ref().map(|c| c.name()))
            .collect::<Vec<_>>()
            .join(", ")
    });
    Address { full, street, city, region, postal_code, country, note: None, src: Some(src.to_string()) }
}

/// Properties that are read into a field of their own and not kept in `properties`.
const CONSUMED: &[&str] = &[
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "abbreviation",
    "gender",
    "birthDate",
    "deathDate",
    "incorporationDate",
    "birthPlace",
    "birthCountry",
    "addressEntity",
    "address",
    "notes",
    "summary",
    "description",
    "position",
    "title",
];

fn build_thing(
    rec: Record,
    schema: Schema,
    index: &Index,
    file: &str,
    line: u64,
    report: &mut Report,
) -> Result<Entity, Error> {
    let id = rec.id.clone().unwrap_or_default();
    let mut e = Entity::new(id.clone(), schema);
    add_names(&mut e, &rec);
    if schema == Schema::Person {
        fit_parts(&mut e, &rec);
    }
    e.gender = match rec.first("gender").map(str::to_lowercase).as_deref() {
        Some("male") => Some(Gender::Male),
        Some("female") => Some(Gender::Female),
        Some(_) => Some(Gender::Other),
        None => None,
    };
    add_dates(&mut e, &rec, file, line, report);
    add_places(&mut e, &rec);
    add_countries(&mut e, &rec, file, line, report);
    add_identifiers(&mut e, &rec);
    add_addresses(&mut e, &rec, index, file, line, report)?;
    for (prop, into_positions) in
        [("notes", false), ("summary", false), ("description", false), ("position", true), ("title", true)]
    {
        for (i, v) in rec.values(prop).iter().enumerate() {
            if let Some(text) = util::clean(v) {
                let t = Text::new(text, format!("{prop}[{i}]"));
                if into_positions {
                    e.positions.push(t)
                } else {
                    e.remarks.push(t)
                }
            }
        }
    }
    for (prop, values) in &rec.properties {
        let known = CONSUMED.contains(&prop.as_str())
            || ftm::ID_PROPERTIES.iter().any(|(p, ..)| *p == prop.as_str())
            || ftm::COUNTRY_PROPERTIES.iter().any(|(p, _)| *p == prop.as_str() && *p != "flag");
        if !known {
            for v in values {
                e.add_property(prop, v.trim());
            }
        }
    }
    for (key, value) in [("first_seen", &rec.first_seen), ("last_change", &rec.last_change)] {
        if let Some(v) = value {
            e.add_property(key, v.as_str());
        }
    }
    for d in &rec.datasets {
        e.add_property("datasets", d.as_str());
    }
    if let Some(t) = rec.target {
        e.add_property("target", t.to_string());
    }
    e.same_as = rec.referents.iter().filter(|r| **r != id).cloned().collect();
    let facts = index.facts_of(&id)?;
    e.designations = facts.designations;
    e.identifiers.extend(facts.identifiers);
    e.positions.extend(facts.positions);
    e.links = facts.links;
    Ok(e)
}

/// The properties that hold names of an entity.
const NAME_PROPS: [&str; 5] = ["name", "alias", "abbreviation", "weakAlias", "previousName"];

fn add_names(e: &mut Entity, rec: &Record) {
    for (i, v) in rec.values("name").iter().enumerate() {
        let kind = if i == 0 { NameKind::Primary } else { NameKind::Alias };
        e.add_name(Name::new(v.as_str(), kind).at(format!("name[{i}]")));
    }
    for (prop, kind) in [
        ("alias", NameKind::Alias),
        ("abbreviation", NameKind::Alias),
        ("weakAlias", NameKind::WeakAlias),
        ("previousName", NameKind::Former),
    ] {
        for (i, v) in rec.values(prop).iter().enumerate() {
            e.add_name(Name::new(v.as_str(), kind).at(format!("{prop}[{i}]")));
        }
    }
    if e.names.is_empty() {
        if let Some(c) = &rec.caption {
            e.add_name(Name::new(c.as_str(), NameKind::Primary).at("caption"));
        }
    }
}

/// Gives each name the parts (first name, last name, ...) that occur in it as whole words.
fn fit_parts(e: &mut Entity, rec: &Record) {
    let candidates = part_candidates(|prop| rec.values(prop));
    for name in &mut e.names {
        name.parts = parts_in(&name.full, &candidates);
    }
}

/// The values of each name-part property, longest first, each with the form it is looked
/// for in a name (lower case, spaces collapsed). Prepared once per entity, since every name
/// is matched against them all.
type Candidates<'a> = Vec<(proscribe_model::PartKind, Vec<(String, &'a str)>)>;

fn part_candidates<'a>(values: impl Fn(&str) -> &'a [String]) -> Candidates<'a> {
    ftm::NAME_PARTS
        .iter()
        .rev()
        .map(|(prop, kind)| {
            let mut candidates: Vec<&String> = values(prop).iter().collect();
            candidates.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
            let prepared = candidates
                .into_iter()
                .map(|v| (proscribe_model::collapse_spaces(&v.to_lowercase()), v.as_str()))
                .collect();
            (*kind, prepared)
        })
        .collect()
}

/// The parts of `full` among the values of the name-part properties. For each property, the
/// longest value that occurs in `full` as whole words and does not overlap a part already
/// found is taken; parts come out in the order they stand in the name.
fn parts_in(full: &str, candidates: &Candidates<'_>) -> Vec<NamePart> {
    let hay = full.to_lowercase();
    let mut found: Vec<(usize, usize, NamePart)> = Vec::new();
    for (kind, values) in candidates {
        for (needle, v) in values {
            let Some(start) = find_word(&hay, needle) else { continue };
            let end = start + needle.len();
            if found.iter().any(|(s, t, _)| start < *t && *s < end) {
                continue;
            }
            // Lower-casing may change byte lengths (rarely); then the value is taken as given.
            let same_len = hay.len() == full.len();
            let value = same_len.then(|| full.get(start..end)).flatten().unwrap_or(v).to_string();
            found.push((start, end, NamePart { kind: *kind, value }));
            break;
        }
    }
    found.sort_by_key(|(s, ..)| *s);
    found.into_iter().map(|(.., p)| p).collect()
}

/// The byte offset of `needle` in `hay` where it stands as whole words (not inside a longer
/// word).
fn find_word(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return Some(start);
        }
        from = start + needle.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    None
}

fn add_dates(e: &mut Entity, rec: &Record, file: &str, line: u64, report: &mut Report) {
    let birth_props: &[&str] = if e.schema == Schema::Person { &["birthDate"] } else { &["incorporationDate"] };
    for (props, death) in [(birth_props, false), (&["deathDate"][..], true)] {
        for prop in props {
            for (i, v) in rec.values(prop).iter().enumerate() {
                match v.trim().parse::<DateValue>().or_else(|_| DateValue::parse_lenient(v, true)) {
                    Ok(date) => {
                        let fact = DateFact { date, src: Some(format!("{prop}[{i}]")) };
                        if death {
                            e.death_dates.push(fact)
                        } else {
                            e.birth_dates.push(fact)
                        }
                    }
                    Err(err) => {
                        report.skip(
                            file,
                            Some(line),
                            e.id.clone().into(),
                            format!("{prop} {v:?} kept as a property: {err}"),
                        );
                        e.add_property(prop, v.trim());
                    }
                }
            }
        }
    }
}

fn add_places(e: &mut Entity, rec: &Record) {
    for (i, v) in rec.values("birthPlace").iter().enumerate() {
        if let Some(text) = util::clean(v) {
            let country = text.rsplit(',').next().and_then(util::country);
            e.birth_places.push(Place { text, country, src: Some(format!("birthPlace[{i}]")) });
        }
    }
    for (i, v) in rec.values("birthCountry").iter().enumerate() {
        if let Some(c) = util::country(v) {
            if !e.birth_places.iter().any(|p| p.country == Some(c)) {
                let src = Some(format!("birthCountry[{i}]"));
                e.birth_places.push(Place { text: c.name().to_string(), country: Some(c), src });
            }
        }
    }
}

fn add_countries(e: &mut Entity, rec: &Record, file: &str, line: u64, report: &mut Report) {
    for (prop, role) in ftm::COUNTRY_PROPERTIES.iter() {
        for (i, v) in rec.values(prop).iter().enumerate() {
            match util::country(v) {
                Some(c) => e.add_country(c, *role, Some(format!("{prop}[{i}]"))),
                None if !v.trim().is_empty() => {
                    report.skip(
                        file,
                        Some(line),
                        Some(e.id.clone()),
                        format!("{prop} {v:?} is no known country: kept as a property"),
                    );
                    e.add_property(prop, v.trim());
                }
                None => {}
            }
        }
    }
    for v in rec.values("flag") {
        e.add_property("flag", v.trim());
    }
}

fn add_identifiers(e: &mut Entity, rec: &Record) {
    for (prop, kind, label, country) in ftm::ID_PROPERTIES.iter() {
        let kind = if *prop == "registrationNumber" && e.schema == Schema::Aircraft {
            IdKind::AircraftRegistration
        } else {
            *kind
        };
        for (i, v) in rec.values(prop).iter().enumerate() {
            let Some(number) = util::clean(v) else { continue };
            if e.identifiers.iter().any(|x| x.number == number && x.kind == kind) {
                continue;
            }
            e.identifiers.push(Identifier {
                kind,
                number,
                label: label.map(str::to_string),
                country: country.and_then(util::country),
                note: None,
                src: Some(format!("{prop}[{i}]")),
            });
        }
    }
}

fn add_addresses(
    e: &mut Entity,
    rec: &Record,
    index: &Index,
    file: &str,
    line: u64,
    report: &mut Report,
) -> Result<(), Error> {
    for (i, id) in rec.values("addressEntity").iter().enumerate() {
        match index.scratch.text(id, RecKind::Address)? {
            Some(a) => {
                let mut a: Address = index.scratch.decode(&a)?;
                a.src = Some(format!("addressEntity[{i}]"));
                e.addresses.push(a);
            }
            None => report.skip(
                file,
                Some(line),
                Some(e.id.clone()),
                format!("address entity {id} is not in the file: the reference is ignored"),
            ),
        }
    }
    for (i, v) in rec.values("address").iter().enumerate() {
        let Some(full) = util::clean(v) else { continue };
        if e.addresses.iter().any(|a| a.full.eq_ignore_ascii_case(&full)) {
            continue;
        }
        e.addresses.push(Address { full, src: Some(format!("address[{i}]")), ..Address::default() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_parts(full: &str, props: &[(&str, &[&str])], expect: &str) {
        let map: BTreeMap<String, Vec<String>> =
            props.iter().map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect())).collect();
        let empty = Vec::new();
        let parts = parts_in(full, &part_candidates(|p| map.get(p).unwrap_or(&empty).as_slice()));
        let got: Vec<String> = parts.iter().map(|p| format!("{:?}={}", p.kind, p.value)).collect();
        assert_eq!(got.join(" "), expect, "{full}");
    }

    #[test]
    fn name_parts_fit_whole_words() {
        let first: &[&str] = &["Mariya Aleksandrovna", "Mariya", "Maria", "Maria Aleksandrovna", "Мария"];
        let last: &[&str] = &["Osetrova", "OSETROVA", "Осетрова"];
        let middle: &[&str] = &["Aleksandrovna", "Александровна"];
        let props = [("firstName", first), ("lastName", last), ("middleName", middle)];
        check_parts("Maria Aleksandrovna Osetrova", &props, "Given=Maria Middle=Aleksandrovna Family=Osetrova");
        check_parts("OSETROVA, Maria Aleksandrovna", &props, "Family=OSETROVA Given=Maria Middle=Aleksandrovna");
        check_parts("Мария Александровна Осетрова", &props, "Given=Мария Middle=Александровна Family=Осетрова");
        // "Mari" is no whole word of "Maria".
        check_parts("Maria Smith", &[("firstName", &["Mari"])], "");
        check_parts(
            "Zakharov Nikita",
            &[("firstName", &["Nikita"]), ("lastName", &["Zakharov"])],
            "Family=Zakharov Given=Nikita",
        );
        check_parts("", &props, "");
    }

    #[test]
    fn recognises_entities_by_keys() {
        let line = r#"{"id":"x","schema":"Person","properties":{}}"#;
        assert!(looks_like_entity(line, false));
        assert!(!looks_like_entity(r#"{"id":"x","properties":{}}"#, false));
        assert!(!looks_like_entity("[1,2]", false));
        // Cut off by the end of the sample.
        assert!(looks_like_entity(r#"{"id":"x","schema":"Person","properties":{"name":["A"#, true));
        assert!(!looks_like_entity(r#"{"id":"x","schema":"Person","properties":{"name":["A"#, false));
    }

    #[test]
    fn kinds_of_bodies_and_lists() {
        assert_eq!(authority_kind("Department of Foreign Affairs and Trade"), AuthorityKind::Ministry);
        assert_eq!(authority_kind("Office of Foreign Assets Control"), AuthorityKind::Agency);
        assert_eq!(authority_kind("Council of the European Union"), AuthorityKind::Council);
        assert_eq!(authority_kind("La Principauté de Monaco"), AuthorityKind::Other);
        assert_eq!(id_slug("Direction Générale du Trésor"), "direction-generale-du-tresor");
        assert_eq!(id_slug("La Principauté de Monaco"), "la-principaute-de-monaco");
        assert_eq!(id_slug("ГУР МО України"), "");
        assert_eq!(list_kind("us_sam_exclusions"), ListKind::Debarment);
        assert_eq!(list_kind("au_dfat_sanctions"), ListKind::Sanctions);
        assert_eq!(list_kind("ua_war_sanctions"), ListKind::Sanctions);
    }
}
