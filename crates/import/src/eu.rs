//! The `eu-fsf-xml` format: the EU Financial Sanctions Files consolidated list as XML (schema
//! 1.1, `<export generationDate=...>` in the namespace `http://eu.europa.ec/fpi/fsd/export`,
//! one `<sanctionEntity logicalId=...>` per listed person or enterprise). Almost everything is
//! in attributes; `remark`, `publicationUrl` and `contactInfo` are child elements.
//!
//! The entity id is `eu-fsf-<logicalId>`. The EU marks no primary name: the first strong name
//! in Latin letters is taken as primary, the other names are aliases (`strong="false"` ones
//! weak aliases) with their `nameLanguage`. The country code `00` ("UNKNOWN") stands for no
//! country. Each `regulation` is kept as a dated act on the entry, with its publication.

use std::path::Path;

use proscribe_model::{
    slug, Address, Authority, AuthorityKind, Country, CountryRole, DateFact, DateValue, Designation, Entity, Gender,
    IdKind, Identifier, ListInfo, ListKind, Measure, MeasureKind, Name, NameKind, NamePart, PartKind, PartialDate,
    Place, Schema, Script, SourceInfo, Text,
};

use crate::xmltree::{Node, RecordCtx, Records};
use crate::{util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `eu-fsf-xml` format.
#[derive(Debug)]
pub struct EuFsf;

const ROOT: &str = "export";
const NAMESPACE: &str = "http://eu.europa.ec/fpi/fsd/export";
const SOURCE_ID: &str = "eu-fsf";
const AUTHORITY_ID: &str = "eu-council";

/// Child elements of `sanctionEntity` this importer reads; others are reported once.
const KNOWN: [&str; 9] = [
    "remark",
    "regulation",
    "subjectType",
    "nameAlias",
    "citizenship",
    "birthdate",
    "address",
    "identification",
    "additionalInformation",
];

impl Format for EuFsf {
    fn name(&self) -> &'static str {
        "eu-fsf-xml"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        // `export` is a generic root name: the namespace or the records must be the EU's.
        let text = sample.text();
        (sample.xml_root().as_deref() == Some(ROOT) && (text.contains(NAMESPACE) || text.contains("<sanctionEntity")))
            .then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        SOURCE_ID.into()
    }

    fn published_hint(&self, sample: &Sample) -> Option<String> {
        sample.attribute("generationDate")
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let (mut records, root) = Records::open_root(&job.path, ROOT, &job.limits)?;
        let mut ctx = RecordCtx::new(&job.path, source_info(root.attr_clean("generationDate")));
        while let Some(node) = records.next(&["sanctionEntity"])? {
            ctx.start(&node, node.attr_clean("euReferenceNumber").or_else(|| node.attr_clean("logicalId")));
            if let Some(entity) = record_entity(&node, &mut ctx) {
                ctx.emit_once(sink, entity, "sanctionEntity")?;
            }
        }
        Ok(ctx.finish())
    }
}

fn source_info(generated: Option<String>) -> SourceInfo {
    SourceInfo {
        id: SOURCE_ID.into(),
        title: "EU Financial Sanctions Files: consolidated list of persons, groups and entities".into(),
        format: "eu-fsf-xml".into(),
        published: generated,
        authorities: vec![Authority {
            id: AUTHORITY_ID.into(),
            name: "Council of the European Union".into(),
            country: None,
            kind: AuthorityKind::Council,
        }],
        lists: vec![ListInfo {
            id: SOURCE_ID.into(),
            title: "EU consolidated list of financial sanctions".into(),
            authority: AUTHORITY_ID.into(),
            kind: ListKind::Sanctions,
            url: Some("https://webgate.ec.europa.eu/fsd/fsf".into()),
        }],
    }
}

/// A stable locator of a sub-element: its `logicalId` when it has one, else its position.
fn locator(node: &Node, index: usize) -> String {
    match node.attr_clean("logicalId") {
        Some(id) => format!("{}@logicalId={id}", node.name),
        None => format!("{}[{}]", node.name, index + 1),
    }
}

fn record_entity(node: &Node, ctx: &mut RecordCtx) -> Option<Entity> {
    let Some(logical_id) = node.attr_clean("logicalId") else {
        ctx.skip("sanctionEntity without logicalId: skipped, as it has no stable id");
        return None;
    };
    let mut e = Entity::new(format!("eu-fsf-{}", slug(&logical_id)), schema(node, ctx));
    ctx.report_unknown(node, &KNOWN);
    names(node, &mut e);
    if e.names.is_empty() {
        ctx.skip("sanctionEntity without any name: skipped");
        return None;
    }
    if e.schema == Schema::Organization && crate::sema::has_legal_form(e.caption()) {
        e.schema = Schema::Company;
    }
    for (i, c) in node.all("citizenship").enumerate() {
        let src = locator(c, i);
        if let Some(country) = country_of(c, &src, &mut e, ctx) {
            e.add_country(country, CountryRole::Citizenship, Some(src));
        }
    }
    for (i, b) in node.all("birthdate").enumerate() {
        birth(b, &locator(b, i), &mut e, ctx);
    }
    for (i, d) in node.all("identification").enumerate() {
        identification(d, &locator(d, i), &mut e, ctx);
    }
    for (i, a) in node.all("address").enumerate() {
        address(a, &locator(a, i), &mut e, ctx);
    }
    for (i, r) in node.all("remark").enumerate() {
        if let Some(text) = r.value() {
            e.remarks.push(Text::new(text, format!("remark[{}]", i + 1)));
        }
    }
    if let Some(un) = node.attr_clean("unitedNationId") {
        e.same_as.push(format!("un-{}", slug(&un)));
    }
    let d = designation(node, ctx);
    e.designations.push(d);
    Some(e)
}

/// Person for `person`/`P`, organisation for `enterprise`/`E`.
fn schema(node: &Node, ctx: &mut RecordCtx) -> Schema {
    let subject = node.child("subjectType");
    let code = subject.and_then(|s| s.attr_clean("code")).unwrap_or_default().to_ascii_lowercase();
    let class = subject.and_then(|s| s.attr_clean("classificationCode")).unwrap_or_default().to_ascii_uppercase();
    match (code.as_str(), class.as_str()) {
        ("person", _) | (_, "P") => Schema::Person,
        ("enterprise", _) | (_, "E") => Schema::Organization,
        ("vessel", _) | (_, "V") => Schema::Vessel,
        _ => {
            ctx.skip(format!(
                "subjectType code {code:?} classificationCode {class:?} is not known: read as a legal entity"
            ));
            Schema::LegalEntity
        }
    }
}

/// All `nameAlias` elements: the first strong Latin-script name is primary; a name repeated
/// (in another language or for another regulation) is read once.
fn names(node: &Node, e: &mut Entity) {
    let aliases: Vec<(usize, &Node)> = node.all("nameAlias").enumerate().collect();
    let whole = |a: &Node| -> Option<String> {
        a.attr_clean("wholeName").or_else(|| {
            let parts: Vec<String> =
                ["firstName", "middleName", "lastName"].iter().filter_map(|k| a.attr_clean(k)).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
    };
    let strong = |a: &Node| a.attr("strong").map(str::trim) != Some("false");
    let primary = aliases
        .iter()
        .find(|(_, a)| strong(a) && whole(a).is_some_and(|w| Script::detect(&w) == Script::Latin))
        .or_else(|| aliases.iter().find(|(_, a)| whole(a).is_some()))
        .map(|(i, _)| *i);
    // The primary name first, so that it is the caption, then strong names, then weak ones;
    // the file repeats names once per language and regulation, and the first one counts.
    let rest =
        |want: bool| aliases.iter().filter(move |(i, a)| Some(*i) != primary && strong(a) == want).map(|(i, _)| *i);
    let order = primary.into_iter().chain(rest(true)).chain(rest(false));
    for i in order {
        let a = aliases[i].1;
        let src = locator(a, i);
        let Some(full) = whole(a) else { continue };
        if e.names.iter().any(|n| n.full == proscribe_model::collapse_spaces(&full)) {
            continue;
        }
        let kind = if Some(i) == primary {
            NameKind::Primary
        } else if strong(a) {
            NameKind::Alias
        } else {
            NameKind::WeakAlias
        };
        let mut name = Name::new(full.clone(), kind).at(&src);
        name.lang = a.attr_clean("nameLanguage").map(|l| l.to_lowercase());
        name.parts = [("firstName", PartKind::Given), ("middleName", PartKind::Middle), ("lastName", PartKind::Family)]
            .iter()
            .filter_map(|(k, kind)| a.attr_clean(k).map(|value| NamePart { kind: *kind, value }))
            .collect();
        if name.parts.len() < 2 {
            name.parts.clear();
        }
        e.add_name(name);
        match a.attr_clean("gender").as_deref() {
            Some("M") => e.gender = Some(Gender::Male),
            Some("F") => e.gender = Some(Gender::Female),
            _ => {}
        }
        for (key, what) in [("title", "title"), ("function", "function")] {
            if let Some(v) = a.attr_clean(key) {
                if !e.positions.iter().any(|p| p.text == v) {
                    e.positions.push(Text::new(v, format!("{src}/@{what}")));
                }
            }
        }
        if let Some(remark) = a.child_value("remark") {
            e.remarks.push(Text::new(format!("Name {full}: {remark}"), format!("{src}/remark")));
        }
    }
}

/// The country of an element from `countryIso2Code`, else `countryDescription`. The code
/// `00` ("UNKNOWN") is no country. A value the table does not know is reported and kept as a
/// remark.
fn country_of(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) -> Option<Country> {
    let code = node.attr_clean("countryIso2Code").filter(|c| c != "00");
    let description = node.attr_clean("countryDescription").filter(|d| !d.eq_ignore_ascii_case("UNKNOWN"));
    if let Some(c) = code.as_deref().and_then(|c| Country::from_code(c).ok()) {
        return Some(c);
    }
    if let Some(c) = description.as_deref().and_then(util::country) {
        return Some(c);
    }
    let given = code.or(description)?;
    ctx.skip(format!("{src}: country {given:?} is not in the country table: kept as a remark"));
    e.remarks.push(Text::new(format!("{}: country {given}", node.name), src));
    None
}

/// A birth date from `birthdate` (`YYYY-MM-DD`), else `year`/`monthOfYear`/`dayOfMonth`, else
/// `yearRangeFrom`/`yearRangeTo`; `circa="true"` makes a single date approximate.
fn read_birthdate(
    full: Option<&str>,
    year: Option<&str>,
    month: Option<&str>,
    day: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    circa: bool,
) -> Result<Option<DateValue>, String> {
    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| format!("{s:?} is not a number"));
    let year_of =
        |s: &str| -> Result<PartialDate, String> { PartialDate::year(num(s)? as i32).map_err(|e| e.to_string()) };
    let value = match (full, year, from, to) {
        (Some(f), _, _, _) => DateValue::On(f.trim().parse::<PartialDate>().map_err(|e| e.to_string())?),
        (None, Some(y), _, _) => {
            let m = month.map(num).transpose()?.map(|m| m as u8);
            let d = day.map(num).transpose()?.map(|d| d as u8).filter(|_| m.is_some());
            DateValue::On(PartialDate::new(num(y)? as i32, m, d).map_err(|e| e.to_string())?)
        }
        (None, None, Some(a), Some(b)) => DateValue::between(year_of(a)?, year_of(b)?).map_err(|e| e.to_string())?,
        (None, None, Some(a), None) => return Err(format!("a range of birth years from {a} without an end")),
        (None, None, None, Some(b)) => return Err(format!("a range of birth years up to {b} without a start")),
        (None, None, None, None) => return Ok(None),
    };
    Ok(Some(match value {
        DateValue::On(d) if circa => DateValue::Circa(d),
        other => other,
    }))
}

fn birth(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let calendar = node.attr_clean("calendarType").unwrap_or_else(|| "GREGORIAN".into());
    let remark = node.child_value("remark");
    let date = if calendar.eq_ignore_ascii_case("GREGORIAN") {
        let circa = node.attr("circa").map(str::trim) == Some("true");
        let read = read_birthdate(
            node.attr_clean("birthdate").as_deref(),
            node.attr_clean("year").as_deref(),
            node.attr_clean("monthOfYear").as_deref(),
            node.attr_clean("dayOfMonth").as_deref(),
            node.attr_clean("yearRangeFrom").as_deref(),
            node.attr_clean("yearRangeTo").as_deref(),
            circa,
        );
        match read {
            Ok(d) => d,
            Err(why) => {
                ctx.skip(format!("{src}: {why}: kept as a remark"));
                e.remarks.push(Text::new(format!("Date of birth: {why}"), src));
                None
            }
        }
    } else {
        // Dates in another calendar must not be read as Gregorian ones.
        let raw = node.attr_clean("birthdate").or_else(|| node.attr_clean("year")).unwrap_or_default();
        ctx.skip(format!("{src}: date of birth in the {calendar} calendar: kept as a remark"));
        e.remarks.push(Text::new(format!("Date of birth ({calendar} calendar): {raw}"), src));
        None
    };
    if let Some(d) = &date {
        if !e.birth_dates.iter().any(|f| &f.date == d) {
            e.birth_dates.push(DateFact { date: d.clone(), src: Some(src.to_string()) });
        }
    }
    if let Some(r) = remark {
        let text = match &date {
            Some(d) => format!("Date of birth {d}: {r}"),
            None => format!("Date of birth: {r}"),
        };
        e.remarks.push(Text::new(text, format!("{src}/remark")));
    }
    let country = country_of(node, src, e, ctx);
    let country_name = country.map(|c| c.name().to_string());
    let text = join(&[node.attr_clean("place"), node.attr_clean("city"), node.attr_clean("region"), country_name]);
    if !text.is_empty() && !e.birth_places.iter().any(|p| p.text == text) {
        e.birth_places.push(Place { text, country, src: Some(src.to_string()) });
    }
}

/// The kind of a document from `identificationTypeCode`, else its description.
fn id_kind(code: &str, description: &str) -> IdKind {
    match code.trim().to_ascii_lowercase().as_str() {
        "passport" => return IdKind::Passport,
        "fiscalcode" | "tax" => return IdKind::Tax,
        "regnumber" => return IdKind::Registration,
        "swiftbic" => return IdKind::Swift,
        "imo" => return IdKind::Imo,
        _ => {}
    }
    let d = description.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| d.contains(w));
    if has(&["passport"]) {
        IdKind::Passport
    } else if has(&["tax", "fiscal", "inn)", "(inn", "vat"]) {
        IdKind::Tax
    } else if has(&["registration", "ogrn", "company number"]) {
        IdKind::Registration
    } else if has(&["imo"]) {
        IdKind::Imo
    } else if has(&["swift", "bic"]) {
        IdKind::Swift
    } else if code.eq_ignore_ascii_case("id") || has(&["identity card", "identification card", "national id"]) {
        IdKind::NationalId
    } else {
        IdKind::Other
    }
}

fn identification(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let code = node.attr_clean("identificationTypeCode").unwrap_or_default();
    let description = node.attr_clean("identificationTypeDescription");
    let latin = node.attr_clean("latinNumber");
    let Some(number) = node.attr_clean("number").or_else(|| latin.clone()) else {
        if let Some(r) = node.child_value("remark") {
            ctx.skip(format!("{src}: identification without number: kept as a remark"));
            e.remarks.push(Text::new(format!("Document: {r}"), src));
        }
        return;
    };
    let mut notes = Vec::new();
    if let Some(l) = latin.filter(|l| *l != number) {
        notes.push(format!("in Latin letters {l}"));
    }
    for (key, label) in [
        ("issuedBy", "issued by"),
        ("issueDate", "issued"),
        ("validFrom", "valid from"),
        ("validTo", "valid to"),
        ("nameOnDocument", "name on document"),
        ("region", "region"),
    ] {
        if let Some(v) = node.attr_clean(key) {
            notes.push(format!("{label} {v}"));
        }
    }
    for (flag, label) in [
        ("diplomatic", "diplomatic"),
        ("knownExpired", "known to be expired"),
        ("knownFalse", "known to be false"),
        ("reportedLost", "reported lost"),
        ("revokedByIssuer", "revoked by the issuer"),
    ] {
        if node.attr(flag).map(str::trim) == Some("true") {
            notes.push(label.to_string());
        }
    }
    notes.extend(node.child_value("remark"));
    let country = country_of(node, src, e, ctx);
    e.identifiers.push(Identifier {
        kind: id_kind(&code, description.as_deref().unwrap_or_default()),
        number,
        label: description.or_else(|| (!code.is_empty()).then_some(code)),
        country,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        src: Some(src.to_string()),
    });
}

fn address(node: &Node, src: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    let street = node.attr_clean("street");
    let po_box = node.attr_clean("poBox").map(|p| format!("P.O. Box {p}"));
    let city = node.attr_clean("city");
    let postal_code = node.attr_clean("zipCode");
    let region = node.attr_clean("region");
    let place = node.attr_clean("place");
    let country = country_of(node, src, e, ctx);
    let country_name = country.map(|c| c.name().to_string());
    let mut notes: Vec<String> = node.all("remark").filter_map(Node::value).collect();
    if node.attr("asAtListingTime").map(str::trim) == Some("true") {
        notes.push("as at the time of listing".into());
    }
    for info in node.all("contactInfo") {
        let (Some(key), Some(value)) = (info.attr_clean("key"), info.attr_clean("value")) else { continue };
        match key.to_ascii_lowercase().as_str() {
            k if k.contains("mail") => e.add_property("email", value),
            k if k.contains("web") || k.contains("url") => e.add_property("website", value),
            k if k.contains("phone") || k.starts_with("tel") => e.add_property("phone", value),
            _ => notes.push(format!("{key}: {value}")),
        }
    }
    let mut full =
        join(&[street.clone(), po_box, city.clone(), postal_code.clone(), region.clone(), place, country_name]);
    if full.is_empty() {
        // Some addresses are only a remark ("Afghanistan/Pakistan border region").
        if notes.is_empty() {
            return;
        }
        full = notes.remove(0);
    }
    if let Some(c) = country {
        e.add_country(c, CountryRole::Residence, Some(src.to_string()));
    }
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    e.addresses.push(Address { full, street, city, region, postal_code, country, note, src: Some(src.to_string()) });
}

/// The entry with its programmes, reference, dates, legal acts and reasons.
fn designation(node: &Node, ctx: &mut RecordCtx) -> Designation {
    let mut d = Designation::new(AUTHORITY_ID, SOURCE_ID);
    d.reference = node.attr_clean("euReferenceNumber");
    d.reason = node.attr_clean("designationDetails");
    d.src = Some("sanctionEntity".into());
    for (key, slot) in [("designationDate", &mut d.listed_on), ("delistingDate", &mut d.ended_on)] {
        if let Some(v) = node.attr_clean(key) {
            match util::date(&v, true) {
                Ok(date) => *slot = Some(date),
                Err(why) => ctx.skip(format!("{key}: {why}")),
            }
        }
    }
    let mut acts = Vec::new();
    for (i, r) in node.all("regulation").enumerate() {
        let src = locator(r, i);
        if let Some(p) = r.attr_clean("programme") {
            if !d.programs.contains(&p) {
                d.programs.push(p);
            }
        }
        let act = r.attr_clean("numberTitle");
        if let Some(a) = &act {
            if !acts.contains(a) {
                acts.push(a.clone());
            }
        }
        let date = r.attr_clean("publicationDate").or_else(|| r.attr_clean("entryIntoForceDate"));
        let Some(date) = date else { continue };
        let parsed = |v: &str| util::date(v, true);
        match parsed(&date) {
            Ok(date) => {
                let effective = r.attr_clean("entryIntoForceDate").and_then(|v| parsed(&v).ok()).filter(|v| *v != date);
                let note = join(&[r.attr_clean("organisationType"), r.attr_clean("regulationType")]);
                // Regulations are kept as amendments: whether an entry is in force follows
                // designationDate and delistingDate, which the file states.
                d.measures.push(Measure {
                    kind: MeasureKind::Amendment,
                    authority: AUTHORITY_ID.into(),
                    date,
                    effective,
                    joint_with: Vec::new(),
                    act,
                    note: (!note.is_empty()).then_some(note),
                    citations: r.child_value("publicationUrl").into_iter().collect(),
                    src: Some(src),
                });
            }
            Err(why) => ctx.skip(format!("{src}: publicationDate {date:?}: {why}")),
        }
    }
    d.legal_basis = (!acts.is_empty()).then(|| acts.join("; "));
    d
}

/// Joins the present values with ", ".
fn join(values: &[Option<String>]) -> String {
    values.iter().flatten().map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// birthdate, year, monthOfYear, dayOfMonth, yearRangeFrom, yearRangeTo, circa, expected.
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        bool,
        &'static str,
    );

    #[test]
    fn birthdates() {
        let cases: [Case; 10] = [
            (Some("1970-05-17"), Some("1970"), Some("5"), Some("17"), None, None, false, "1970-05-17"),
            (None, Some("1960"), None, None, None, None, true, "~1960"),
            (None, Some("1961"), Some("3"), None, None, None, false, "1961-03"),
            (None, Some("1961"), None, Some("3"), None, None, false, "1961"),
            (None, None, None, None, Some("1953"), Some("1958"), true, "1953/1958"),
            (
                None,
                None,
                None,
                None,
                None,
                Some("1980"),
                false,
                "error: a range of birth years up to 1980 without a start",
            ),
            (
                None,
                None,
                None,
                None,
                Some("1980"),
                None,
                false,
                "error: a range of birth years from 1980 without an end",
            ),
            (None, None, None, None, None, None, false, "none"),
            (
                Some("1970-02-30"),
                None,
                None,
                None,
                None,
                None,
                false,
                "error: invalid date: day 30 does not exist in 1970-02",
            ),
            (None, Some("19x0"), None, None, None, None, false, "error: \"19x0\" is not a number"),
        ];
        for (full, year, month, day, from, to, circa, expect) in cases {
            let got = match read_birthdate(full, year, month, day, from, to, circa) {
                Ok(Some(d)) => d.to_string(),
                Ok(None) => "none".into(),
                Err(e) => format!("error: {e}"),
            };
            assert_eq!(got, expect, "{full:?} {year:?} {month:?} {day:?} {from:?} {to:?} {circa}");
        }
    }

    #[test]
    fn document_kinds() {
        let cases = [
            ("passport", "National passport", IdKind::Passport),
            ("id", "National identification card", IdKind::NationalId),
            ("id", "Tax identification number (INN)", IdKind::Tax),
            ("regnumber", "Registration Number (OGRN)", IdKind::Registration),
            ("other", "Registration number", IdKind::Registration),
            ("other", "IMO number", IdKind::Imo),
            ("fiscalcode", "Fiscal code", IdKind::Tax),
            ("other", "Other identification number", IdKind::Other),
            ("swiftbic", "", IdKind::Swift),
        ];
        for (code, description, expect) in cases {
            assert_eq!(id_kind(code, description), expect, "{code} {description}");
        }
    }
}
