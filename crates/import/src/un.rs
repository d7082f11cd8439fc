//! The `un-xml` format: the UN Security Council Consolidated List as XML (`sc-sanctions.xsd`,
//! root `<CONSOLIDATED_LIST dateGenerated=...>` holding `INDIVIDUALS/INDIVIDUAL` and
//! `ENTITIES/ENTITY`). Each record becomes one entity with the id `un-` + slug of its
//! `REFERENCE_NUMBER` (`TAi.026` → `un-tai-026`), which the UN keeps for the life of an entry.
//!
//! Names: `FIRST_NAME`..`FOURTH_NAME` make the primary name (with its parts),
//! `NAME_ORIGINAL_SCRIPT` the original-script name, and the `*_ALIAS` elements aliases by
//! `QUALITY` (Good / a.k.a. → alias, Low → weak alias, f.k.a. → former name). Birth dates
//! follow `TYPE_OF_DATE` (EXACT, APPROXIMATELY, BETWEEN); dates the list only gives in a `NOTE`
//! are read leniently, and notes that are no date are kept as remarks.

use std::path::Path;

use proscribe_model::{
    slug, Address, Authority, AuthorityKind, CountryRole, DateFact, DateValue, Designation, Entity, Gender, IdKind,
    Identifier, Link, ListInfo, ListKind, Measure, MeasureKind, Name, NameKind, NamePart, PartKind, PartialDate, Place,
    Schema, SourceInfo, Text,
};

use crate::xmltree::{Node, RecordCtx, Records};
use crate::{util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `un-xml` format.
#[derive(Debug)]
pub struct UnXml;

const ROOT: &str = "CONSOLIDATED_LIST";
const SOURCE_ID: &str = "un-sc";
const AUTHORITY_ID: &str = "un-sc";
const LIST_ID: &str = "un-sc-consolidated";

/// Elements of a record this importer reads or knowingly ignores; others are reported once.
const KNOWN: [&str; 28] = [
    "DATAID",
    "VERSIONNUM",
    "FIRST_NAME",
    "SECOND_NAME",
    "THIRD_NAME",
    "FOURTH_NAME",
    "UN_LIST_TYPE",
    "REFERENCE_NUMBER",
    "LISTED_ON",
    "GENDER",
    "NAME_ORIGINAL_SCRIPT",
    "COMMENTS1",
    "TITLE",
    "DESIGNATION",
    "NATIONALITY",
    "LIST_TYPE",
    "LAST_DAY_UPDATED",
    "INDIVIDUAL_ALIAS",
    "ENTITY_ALIAS",
    "INDIVIDUAL_ADDRESS",
    "ENTITY_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH",
    "INDIVIDUAL_PLACE_OF_BIRTH",
    "INDIVIDUAL_DOCUMENT",
    "SORT_KEY",
    "SORT_KEY_LAST_MOD",
    "DELISTED_ON",
    "SUBMITTED_BY",
];

impl Format for UnXml {
    fn name(&self) -> &'static str {
        "un-xml"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        (sample.xml_root().as_deref() == Some(ROOT)).then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        SOURCE_ID.into()
    }

    fn published_hint(&self, sample: &Sample) -> Option<String> {
        sample.attribute("dateGenerated")
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let (mut records, root) = Records::open_root(&job.path, ROOT, &job.limits)?;
        let mut ctx = RecordCtx::new(&job.path, source_info(root.attr_clean("dateGenerated")));
        while let Some(node) = records.next(&["INDIVIDUAL", "ENTITY"])? {
            ctx.start(&node, node.child_value("REFERENCE_NUMBER").or_else(|| node.child_value("DATAID")));
            if let Some(entity) = record_entity(&node, &mut ctx) {
                ctx.emit_once(sink, entity, "record")?;
            }
        }
        Ok(ctx.finish())
    }
}

/// What the file says about itself.
fn source_info(generated: Option<String>) -> SourceInfo {
    SourceInfo {
        id: SOURCE_ID.into(),
        title: "United Nations Security Council Consolidated List".into(),
        format: "un-xml".into(),
        published: generated,
        authorities: vec![Authority {
            id: AUTHORITY_ID.into(),
            name: "United Nations Security Council".into(),
            country: None,
            kind: AuthorityKind::Council,
        }],
        lists: vec![ListInfo {
            id: LIST_ID.into(),
            title: "United Nations Security Council Consolidated List".into(),
            authority: AUTHORITY_ID.into(),
            kind: ListKind::Sanctions,
            url: Some("https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list".into()),
        }],
    }
}

/// The entity of one `INDIVIDUAL` or `ENTITY` record; `None` (with a diagnostic) when it has
/// no reference number to build a stable id from.
fn record_entity(node: &Node, ctx: &mut RecordCtx) -> Option<Entity> {
    let Some(reference) = node.child_value("REFERENCE_NUMBER") else {
        ctx.skip("record without REFERENCE_NUMBER: skipped, as it has no stable id");
        return None;
    };
    let person = node.name == "INDIVIDUAL";
    let mut e =
        Entity::new(format!("un-{}", slug(&reference)), if person { Schema::Person } else { Schema::Organization });
    ctx.report_unknown(node, &KNOWN);
    primary_name(node, person, &mut e);
    if let Some(original) = node.child_value("NAME_ORIGINAL_SCRIPT") {
        e.add_name(Name::new(original, NameKind::Original).at("NAME_ORIGINAL_SCRIPT"));
    }
    aliases(node, &mut e, ctx);
    if person {
        person_details(node, &mut e, ctx);
    }
    let tag = if person { "INDIVIDUAL_ADDRESS" } else { "ENTITY_ADDRESS" };
    for (i, a) in node.all(tag).enumerate() {
        address(a, &format!("{tag}[{}]", i + 1), &mut e, ctx);
    }
    if let Some(comments) = node.child_value("COMMENTS1") {
        for number in imo_numbers(&comments) {
            e.identifiers.push(Identifier {
                kind: IdKind::Imo,
                number,
                label: Some("IMO number".into()),
                country: None,
                note: None,
                src: Some("COMMENTS1".into()),
            });
        }
        for target in referenced_entries(&comments) {
            let target_id = format!("un-{}", slug(&target));
            if target_id != e.id && !e.links.iter().any(|l| l.target_id.as_deref() == Some(&target_id)) {
                e.links.push(Link {
                    kind: "linked_to".into(),
                    target_id: Some(target_id),
                    target_name: None,
                    note: Some(format!("{target} named in the comments")),
                    src: Some("COMMENTS1".into()),
                });
            }
        }
        e.remarks.push(Text::new(comments, "COMMENTS1"));
    }
    let d = designation(node, reference, &mut e, ctx);
    e.designations.push(d);
    Some(e)
}

/// `FIRST_NAME`..`FOURTH_NAME` joined; for a person each is a name part as well.
fn primary_name(node: &Node, person: bool, e: &mut Entity) {
    let fields = [
        ("FIRST_NAME", PartKind::Given),
        ("SECOND_NAME", PartKind::Middle),
        ("THIRD_NAME", PartKind::Middle),
        ("FOURTH_NAME", PartKind::Middle),
    ];
    let mut used = Vec::new();
    let mut parts = Vec::new();
    for (field, kind) in fields {
        if let Some(value) = node.child_value(field) {
            used.push(field);
            parts.push(NamePart { kind, value });
        }
    }
    let full = parts.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(" ");
    let mut name = Name::new(full, NameKind::Primary).at(used.join("+"));
    if person && parts.len() > 1 {
        name.parts = parts;
    }
    e.add_name(name);
}

/// The kind of name an alias `QUALITY` stands for.
fn alias_kind(quality: &str) -> Option<NameKind> {
    match quality.trim().to_ascii_lowercase().as_str() {
        "good" | "a.k.a." | "aka" | "" => Some(NameKind::Alias),
        "low" => Some(NameKind::WeakAlias),
        "f.k.a." | "fka" => Some(NameKind::Former),
        _ => None,
    }
}

/// Drops quotation marks that enclose a whole alias (`"KOMID"`, `“The Butcher of Paoua”`);
/// apostrophes that transliterate Arabic letters (`'Abd Al-Haq`) stay.
fn unquote(name: &str) -> &str {
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(inner) = name.strip_prefix(open).and_then(|n| n.strip_suffix(close)) {
            if !inner.contains(open) && !inner.contains(close) && !inner.trim().is_empty() {
                return inner.trim();
            }
        }
    }
    name
}

fn aliases(node: &Node, e: &mut Entity, ctx: &mut RecordCtx) {
    let tag = if node.name == "INDIVIDUAL" { "INDIVIDUAL_ALIAS" } else { "ENTITY_ALIAS" };
    for (i, alias) in node.all(tag).enumerate() {
        let src = format!("{tag}[{}]", i + 1);
        let Some(text) = alias.child_value("ALIAS_NAME") else { continue };
        let quality = alias.child_value("QUALITY").unwrap_or_default();
        let kind = alias_kind(&quality).unwrap_or_else(|| {
            ctx.skip(format!("{src}: unknown QUALITY {quality:?}, read as an alias"));
            NameKind::Alias
        });
        let text = unquote(&text).to_string();
        e.add_name(Name::new(text.clone(), kind).at(&src));
        if let Some(d) = alias.child_value("DATE_OF_BIRTH") {
            match util::date(&d, true) {
                Ok(date) => push_birth_date(e, date, format!("{src}/DATE_OF_BIRTH")),
                Err(why) => ctx.skip(format!("{src}/DATE_OF_BIRTH: {why}")),
            }
        }
        let city = alias.child_value("CITY_OF_BIRTH");
        let country = alias.child_value("COUNTRY_OF_BIRTH");
        if city.is_some() || country.is_some() {
            let text = join(&[city, country.clone()]);
            let country = resolve(country.as_deref(), &format!("{src}/COUNTRY_OF_BIRTH"), ctx);
            push_birth_place(e, Place { text, country, src: Some(src.clone()) });
        }
        if let Some(note) = alias.child_value("NOTE") {
            e.remarks.push(Text::new(format!("Alias {text}: {note}"), format!("{src}/NOTE")));
        }
    }
}

/// Gender, nationality, titles and functions, birth dates and places, and documents.
fn person_details(node: &Node, e: &mut Entity, ctx: &mut RecordCtx) {
    if let Some(g) = node.child_value("GENDER") {
        match g.to_ascii_lowercase().as_str() {
            "male" => e.gender = Some(Gender::Male),
            "female" => e.gender = Some(Gender::Female),
            _ => ctx.skip(format!("GENDER {g:?} is not Male or Female: not read")),
        }
    }
    for (field, label) in [("TITLE", "TITLE"), ("DESIGNATION", "DESIGNATION")] {
        for (j, v) in node.all(field).flat_map(|n| n.all("VALUE")).enumerate() {
            if let Some(text) = v.value() {
                e.positions.push(Text::new(text, format!("{label}/VALUE[{}]", j + 1)));
            }
        }
    }
    for (j, v) in node.all("NATIONALITY").flat_map(|n| n.all("VALUE")).enumerate() {
        let Some(text) = v.value().filter(|t| !not_available(t)) else { continue };
        let src = format!("NATIONALITY/VALUE[{}]", j + 1);
        match resolve(Some(&text), &src, ctx) {
            Some(c) => e.add_country(c, CountryRole::Nationality, Some(src)),
            None => e.remarks.push(Text::new(format!("Nationality: {text}"), src)),
        }
    }
    for (i, d) in node.all("INDIVIDUAL_DATE_OF_BIRTH").enumerate() {
        birth_date(d, &format!("INDIVIDUAL_DATE_OF_BIRTH[{}]", i + 1), e, ctx);
    }
    for (i, p) in node.all("INDIVIDUAL_PLACE_OF_BIRTH").enumerate() {
        let src = format!("INDIVIDUAL_PLACE_OF_BIRTH[{}]", i + 1);
        let country_text = p.child_value("COUNTRY");
        let mut text = join(&[
            p.child_value("STREET"),
            p.child_value("CITY"),
            p.child_value("STATE_PROVINCE"),
            country_text.clone(),
        ]);
        if let Some(note) = p.child_value("NOTE") {
            text = if text.is_empty() {
                note
            } else {
                format!("{text} ({})", note.trim_matches(|c| c == '(' || c == ')'))
            };
        }
        if text.is_empty() {
            continue;
        }
        let country = resolve(country_text.as_deref(), &format!("{src}/COUNTRY"), ctx);
        push_birth_place(e, Place { text, country, src: Some(src) });
    }
    for (i, d) in node.all("INDIVIDUAL_DOCUMENT").enumerate() {
        document(d, &format!("INDIVIDUAL_DOCUMENT[{}]", i + 1), e, ctx);
    }
}

/// What an `INDIVIDUAL_DATE_OF_BIRTH` says: the date, if one can be read, and whether its
/// note is still worth keeping as a remark.
#[derive(Debug, PartialEq)]
struct BirthDate {
    date: Option<DateValue>,
    note_kept: bool,
}

/// Reads `TYPE_OF_DATE` with `DATE`, `YEAR` or `FROM_YEAR`/`TO_YEAR`; without them, the
/// `NOTE` when it is a date ("Nov. 1973"). A note that refines a bare year ("Sep." with
/// `YEAR` 1958) makes the date more precise.
fn read_birth_date(
    kind: &str,
    date: Option<&str>,
    year: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    note: Option<&str>,
) -> Result<BirthDate, String> {
    let approx = kind.eq_ignore_ascii_case("APPROXIMATELY");
    let note_is_approx = note.is_some_and(|n| n.trim().eq_ignore_ascii_case("approximately"));
    let year_of = |s: &str| s.trim().parse::<PartialDate>().map_err(|e| e.to_string());
    let mut note_kept = note.is_some() && !note_is_approx;
    let value = match (date, year, from, to) {
        (_, _, Some(f), Some(t)) => DateValue::between(year_of(f)?, year_of(t)?).map_err(|e| e.to_string())?,
        (Some(d), _, _, _) => DateValue::On(iso_day(d)?),
        (None, Some(y), _, _) => {
            let refined = note.and_then(|n| match util::date(&format!("{n} {y}"), true) {
                Ok(DateValue::On(d)) if d.get_year().to_string() == y.trim() => Some(d),
                _ => None,
            });
            if refined.is_some() {
                note_kept = false;
            }
            DateValue::On(refined.map_or_else(|| year_of(y), Ok)?)
        }
        (None, None, Some(_), None) | (None, None, None, Some(_)) => {
            return Err("a range of birth years with only one end".into());
        }
        (None, None, None, None) => match note {
            // Dates in another calendar must not be read as Gregorian ones.
            Some(n) if n.to_ascii_lowercase().contains("hijri") => return Ok(BirthDate { date: None, note_kept }),
            Some(n) => match util::date(n, true) {
                Ok(v) => {
                    note_kept = false;
                    v
                }
                Err(_) => return Ok(BirthDate { date: None, note_kept }),
            },
            None => return Ok(BirthDate { date: None, note_kept: false }),
        },
    };
    let value = match value {
        DateValue::On(d) if approx || note_is_approx => DateValue::Circa(d),
        other => other,
    };
    Ok(BirthDate { date: Some(value), note_kept })
}

fn birth_date(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let kind = node.child_value("TYPE_OF_DATE").unwrap_or_default();
    let note = node.child_value("NOTE");
    let read = read_birth_date(
        &kind,
        node.child_value("DATE").as_deref(),
        node.child_value("YEAR").as_deref(),
        node.child_value("FROM_YEAR").as_deref(),
        node.child_value("TO_YEAR").as_deref(),
        note.as_deref(),
    );
    match read {
        Ok(BirthDate { date, note_kept }) => {
            if let Some(d) = &date {
                push_birth_date(e, d.clone(), src.to_string());
            }
            if let (true, Some(n)) = (note_kept, &note) {
                let text = match &date {
                    Some(d) => format!("Date of birth {d}: {n}"),
                    None => {
                        ctx.skip(format!(
                            "{src}: date of birth {n:?} is not a date this importer reads: kept as a remark"
                        ));
                        format!("Date of birth: {n}")
                    }
                };
                e.remarks.push(Text::new(text, format!("{src}/NOTE")));
            }
        }
        Err(why) => {
            ctx.skip(format!("{src}: {why}: kept as a remark"));
            let raw =
                node.children.iter().filter_map(|c| c.value().map(|v| format!("{} {v}", c.name))).collect::<Vec<_>>();
            e.remarks.push(Text::new(format!("Date of birth: {}", raw.join("; ")), src));
        }
    }
}

/// A day written `YYYY-MM-DD`, possibly followed by a time zone (`2015-04-07-04:00`, as some
/// `LISTED_ON` values are).
fn iso_day(text: &str) -> Result<PartialDate, String> {
    let t = text.trim();
    let day = t.get(..10).filter(|d| d.len() == 10 && t[10..].chars().all(|c| "+-:Z0123456789".contains(c)));
    day.unwrap_or(t).parse::<PartialDate>().map_err(|e| e.to_string())
}

fn push_birth_date(e: &mut Entity, date: DateValue, src: String) {
    if !e.birth_dates.iter().any(|d| d.date == date) {
        e.birth_dates.push(DateFact { date, src: Some(src) });
    }
}

fn push_birth_place(e: &mut Entity, place: Place) {
    if !e.birth_places.iter().any(|p| p.text == place.text) {
        e.birth_places.push(place);
    }
}

/// The kind of an identity document from `TYPE_OF_DOCUMENT` and the list's finer
/// `TYPE_OF_DOCUMENT2`, which wins when it says something the coarse type does not.
fn id_kind(kind: &str, kind2: Option<&str>) -> IdKind {
    let classify = |t: &str| -> Option<IdKind> {
        let t = t.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        if has(&["passport", "pasaporte", "passeport"]) {
            Some(IdKind::Passport)
        } else if has(&["fiscal code", "tax"]) {
            Some(IdKind::Tax)
        } else if has(&["birth certificate", "driver", "voter", "student", "ration", "military", "fardc", "other id"]) {
            Some(IdKind::Other)
        } else if has(&[
            "national identi",
            "identity card",
            "identification card",
            "identity number",
            "identification number",
            "identification no",
            "civil identification",
            "national number",
            "social security",
            "tazkira",
            "personalausweis",
            "identity document",
        ]) {
            Some(IdKind::NationalId)
        } else {
            None
        }
    };
    kind2.and_then(classify).or_else(|| classify(kind)).unwrap_or(IdKind::Other)
}

fn document(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let kind_text = node.child_value("TYPE_OF_DOCUMENT").unwrap_or_default();
    let kind2 = node.child_value("TYPE_OF_DOCUMENT2");
    let label = kind2.clone().or_else(|| (!kind_text.is_empty()).then(|| kind_text.clone()));
    let issuing = node.child_value("ISSUING_COUNTRY");
    let country_of_issue = node.child_value("COUNTRY_OF_ISSUE");
    let mut notes = Vec::new();
    let country = match issuing.as_deref().or(country_of_issue.as_deref()) {
        Some(c) => {
            let resolved = resolve(Some(c), &format!("{src}/ISSUING_COUNTRY"), ctx);
            if resolved.is_none() {
                notes.push(format!("issuing country: {c}"));
            }
            resolved
        }
        None => None,
    };
    if let (Some(a), Some(b)) = (&issuing, &country_of_issue) {
        if a != b {
            notes.push(format!("country of issue: {b}"));
        }
    }
    if let Some(d) = node.child_value("DATE_OF_ISSUE") {
        notes.push(format!("issued {d}"));
    }
    if let Some(c) = node.child_value("CITY_OF_ISSUE") {
        notes.push(format!("issued in {c}"));
    }
    if let Some(n) = node.child_value("NOTE") {
        notes.push(n);
    }
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    match node.child_value("NUMBER") {
        Some(number) => e.identifiers.push(Identifier {
            kind: id_kind(&kind_text, kind2.as_deref()),
            number,
            label,
            country,
            note,
            src: Some(src.to_string()),
        }),
        None if note.is_some() || label.is_some() => {
            ctx.skip(format!("{src}: document without NUMBER: kept as a remark"));
            let text = join(&[label, note]).replacen(", ", ": ", 1);
            e.remarks.push(Text::new(format!("Document: {text}"), src));
        }
        None => {}
    }
}

fn address(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let street = node.child_value("STREET");
    let city = node.child_value("CITY");
    let region = node.child_value("STATE_PROVINCE");
    let postal_code = node.child_value("ZIP_CODE");
    let country_text = node.child_value("COUNTRY");
    let mut note = node.child_value("NOTE");
    let mut full = join(&[street.clone(), city.clone(), region.clone(), postal_code.clone(), country_text.clone()]);
    if full.is_empty() {
        // Some addresses are only a note ("Afghanistan/Pakistan border region").
        match note.take() {
            Some(n) => full = n,
            None => return,
        }
    }
    let country = resolve(country_text.as_deref(), &format!("{src}/COUNTRY"), ctx);
    if let Some(c) = country {
        e.add_country(c, CountryRole::Residence, Some(format!("{src}/COUNTRY")));
    }
    e.addresses.push(Address { full, street, city, region, postal_code, country, note, src: Some(src.to_string()) });
}

fn designation(node: &Node, reference: String, e: &mut Entity, ctx: &mut RecordCtx) -> Designation {
    let mut d = Designation::new(AUTHORITY_ID, LIST_ID);
    d.programs.extend(node.child_value("UN_LIST_TYPE"));
    d.reference = Some(reference);
    d.src = Some("REFERENCE_NUMBER".into());
    if let Some(listed) = node.child_value("LISTED_ON") {
        match iso_day(&listed) {
            Ok(day) => d.listed_on = Some(DateValue::On(day)),
            Err(why) => ctx.skip(format!("LISTED_ON: {why}")),
        }
    }
    if let Some(delisted) = node.child_value("DELISTED_ON") {
        match iso_day(&delisted) {
            Ok(day) => d.ended_on = Some(DateValue::On(day)),
            Err(why) => ctx.skip(format!("DELISTED_ON: {why}")),
        }
    }
    for (j, v) in node.all("LAST_DAY_UPDATED").flat_map(|n| n.all("VALUE")).enumerate() {
        let Some(text) = v.value() else { continue };
        let src = format!("LAST_DAY_UPDATED/VALUE[{}]", j + 1);
        match iso_day(&text) {
            Ok(day) => {
                e.add_property("modifiedAt", day.to_string());
                d.measures.push(Measure {
                    kind: MeasureKind::Amendment,
                    authority: AUTHORITY_ID.into(),
                    date: DateValue::On(day),
                    effective: None,
                    joint_with: Vec::new(),
                    act: None,
                    note: Some("entry updated".into()),
                    citations: Vec::new(),
                    src: Some(src),
                });
            }
            Err(why) => ctx.skip(format!("{src}: {why}")),
        }
    }
    d
}

/// Resolves a country name; a name the table does not know is reported (the caller keeps the
/// text in a place, an address or a remark).
fn resolve(name: Option<&str>, src: &str, ctx: &mut RecordCtx) -> Option<proscribe_model::Country> {
    let name = name.filter(|n| !not_available(n))?;
    let c = util::country(name);
    if c.is_none() {
        ctx.skip(format!("{src}: country {name:?} is not in the country table: kept as text"));
    }
    c
}

/// Whether a country value says that the country is not known. The list writes names, never
/// codes, so "na" is "not available", not Namibia.
fn not_available(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "na" | "n/a" | "unknown")
}

/// Joins the present values with ", ", dropping a value equal to the one before it (some
/// places give the same text as street and city).
fn join(values: &[Option<String>]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for v in values.iter().flatten() {
        if out.last() != Some(&v.as_str()) {
            out.push(v);
        }
    }
    out.join(", ")
}

/// Reference numbers of other entries named in a comment (`QDe.143`, `TAi.004`): two capital
/// letters, `i` or `e`, a full stop and three digits.
fn referenced_entries(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    for i in 0..b.len().saturating_sub(6) {
        let w = &b[i..i + 7];
        let shape = w[0].is_ascii_uppercase()
            && w[1].is_ascii_uppercase()
            && (w[2] == b'i' || w[2] == b'e')
            && w[3] == b'.'
            && w[4..].iter().all(u8::is_ascii_digit);
        let bounded = (i == 0 || !b[i - 1].is_ascii_alphanumeric()) && b.get(i + 7).is_none_or(|c| !c.is_ascii_digit());
        if shape && bounded {
            let r = String::from_utf8_lossy(w).into_owned();
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// IMO numbers stated in a comment: seven digits after "IMO", "IMO number:" or
/// "International Maritime Organization (IMO) Number:".
fn imo_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("IMO") {
        let after = &rest[i + 3..];
        let window: String = after.chars().take(24).collect();
        let lead = window.trim_start_matches(|c: char| c == ')' || c == ':' || c == '.' || c.is_whitespace());
        let lead = lead
            .strip_prefix("Number")
            .or_else(|| lead.strip_prefix("number"))
            .or_else(|| lead.strip_prefix("No"))
            .unwrap_or(lead);
        let lead = lead.trim_start_matches(|c: char| c == ':' || c == '.' || c.is_whitespace());
        let digits: String = lead.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() == 7 && !out.contains(&digits) {
            out.push(digits);
        }
        rest = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TYPE_OF_DATE, DATE, YEAR, FROM_YEAR, TO_YEAR, NOTE and the expected reading.
    type Case = (
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn birth_dates_from_structured_fields_and_notes() {
        let cases: [Case; 12] = [
            ("EXACT", Some("1961-05-02"), None, None, None, None, "1961-05-02"),
            ("EXACT", None, Some("1971"), None, None, None, "1971"),
            ("APPROXIMATELY", None, Some("1968"), None, None, None, "~1968"),
            ("BETWEEN", None, None, Some("1955"), Some("1958"), Some("Approximately"), "1955/1958"),
            ("EXACT", None, None, None, None, Some("Nov. 1973 "), "1973-11"),
            ("EXACT", None, Some("1958"), None, None, Some("Sep."), "1958-09"),
            ("EXACT", Some("1979-03-03"), None, None, None, Some("from false passport"), "1979-03-03 +note"),
            ("EXACT", None, None, None, None, Some("24/06/1402 (Hijri Calendar)"), "none +note"),
            ("APPROXIMATELY", None, None, None, None, Some("30-35 years old"), "none +note"),
            ("", None, None, None, None, None, "none"),
            ("BETWEEN", None, None, Some("1960"), None, None, "error: a range of birth years with only one end"),
            (
                "BETWEEN",
                None,
                None,
                Some("1963"),
                Some("1960"),
                None,
                "error: invalid date: range 1963/1960 ends before it starts",
            ),
        ];
        for (kind, date, year, from, to, note, expect) in cases {
            let got = match read_birth_date(kind, date, year, from, to, note) {
                Ok(b) => {
                    let d = b.date.map_or("none".to_string(), |d| d.to_string());
                    if b.note_kept {
                        format!("{d} +note")
                    } else {
                        d
                    }
                }
                Err(e) => format!("error: {e}"),
            };
            assert_eq!(got, expect, "{kind} {date:?} {year:?} {from:?} {to:?} {note:?}");
        }
    }

    #[test]
    fn listing_days_with_time_zones() {
        assert_eq!(iso_day("2015-04-07-04:00").unwrap().to_string(), "2015-04-07");
        assert_eq!(iso_day("2001-01-25").unwrap().to_string(), "2001-01-25");
        assert!(iso_day("2001-01-2x").is_err());
        assert!(iso_day("25 Jan 2001").is_err());
    }

    #[test]
    fn document_kinds() {
        let cases = [
            ("Passport", None, IdKind::Passport),
            ("Numéro de passeport", None, IdKind::Passport),
            ("National Identification Number", None, IdKind::NationalId),
            ("National Identification\n Number", None, IdKind::NationalId),
            ("National Identification Number", Some("Birth certificate"), IdKind::Other),
            ("National Identification Number", Some("Italian Fiscal Code:"), IdKind::Tax),
            ("National Identification Number", Some("FARDC ID"), IdKind::Other),
            ("National Identification Number", Some("United States Social Security Number:"), IdKind::NationalId),
            ("Passport", Some("Service passport"), IdKind::Passport),
            ("", Some("Afghan national identification card (tazkira) number"), IdKind::NationalId),
            ("", Some("Certificate of Iraqi Nationality"), IdKind::Other),
            ("", None, IdKind::Other),
        ];
        for (kind, kind2, expect) in cases {
            assert_eq!(id_kind(kind, kind2), expect, "{kind} / {kind2:?}");
        }
    }

    #[test]
    fn alias_qualities_and_quotes() {
        assert_eq!(alias_kind("Good"), Some(NameKind::Alias));
        assert_eq!(alias_kind("a.k.a."), Some(NameKind::Alias));
        assert_eq!(alias_kind("Low"), Some(NameKind::WeakAlias));
        assert_eq!(alias_kind("f.k.a."), Some(NameKind::Former));
        assert_eq!(alias_kind("Medium"), None);
        assert_eq!(unquote("\"KOMID\""), "KOMID");
        assert_eq!(unquote("“The Butcher of Paoua”"), "The Butcher of Paoua");
        assert_eq!(unquote("“General” Sidiki"), "“General” Sidiki");
        assert_eq!(unquote("'Abd Al-Haq"), "'Abd Al-Haq");
        assert_eq!(unquote("\"\""), "\"\"");
    }

    #[test]
    fn entries_named_in_comments() {
        let cases: [(&str, &[&str]); 5] = [
            ("Head of security wing of Ansar al-Shari'a in Tunisia (AAS-T) (QDe.143).", &["QDe.143"]),
            ("Associated with TAi.004 and TAe.010; see also TAi.004.", &["TAi.004", "TAe.010"]),
            ("Reference QDi.0123 is too long, XQDi.012 is inside a word", &[]),
            ("Listed pursuant to paragraph 2 of resolution 1822 (2008).", &[]),
            ("KPe.001", &["KPe.001"]),
        ];
        for (text, expect) in cases {
            assert_eq!(referenced_entries(text), expect, "{text}");
        }
    }

    #[test]
    fn imo_numbers_in_comments() {
        let cases: [(&str, &[&str]); 5] = [
            ("Registered owner of CHON MYONG 1. IMO number: 5571322.", &["5571322"]),
            ("International Maritime Organization (IMO) Number: 1790183.", &["1790183"]),
            ("IMO Number: 5342883. The company ...", &["5342883"]),
            ("IMO 9999999 and IMO number 1234567", &["9999999", "1234567"]),
            ("IMO: 12345 (too short); HIMOUD", &[]),
        ];
        for (text, expect) in cases {
            assert_eq!(imo_numbers(text), expect, "{text}");
        }
    }
}
