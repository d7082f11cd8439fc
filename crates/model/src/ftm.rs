//! Entities as FollowTheMoney describes them (the data model of OpenSanctions and yente):
//! schema names and properties, for the export and the matching API.

use std::collections::BTreeMap;

use crate::{
    slug, Authority, CountryRole, Designation, Entity, IdKind, NameKind, PartKind, PartialDate, Schema, Status,
};

/// Properties that hold an entity's names.
pub const NAME_PROPERTIES: [&str; 4] = ["name", "alias", "weakAlias", "previousName"];

/// Name-part properties of a person, in the order a name is written (given name first); read
/// backwards, the order they are fitted to names.
pub const NAME_PARTS: [(&str, PartKind); 5] = [
    ("firstName", PartKind::Given),
    ("secondName", PartKind::Middle),
    ("middleName", PartKind::Middle),
    ("fatherName", PartKind::Patronymic),
    ("lastName", PartKind::Family),
];

/// Properties of birth, incorporation or build dates.
pub const DATE_PROPERTIES: [&str; 3] = ["birthDate", "incorporationDate", "buildDate"];

/// Country properties and what they mean for the entity.
pub const COUNTRY_PROPERTIES: [(&str, CountryRole); 6] = [
    ("nationality", CountryRole::Nationality),
    ("citizenship", CountryRole::Citizenship),
    ("jurisdiction", CountryRole::Jurisdiction),
    ("flag", CountryRole::Flag),
    ("country", CountryRole::Linked),
    ("mainCountry", CountryRole::Linked),
];

/// Identifier properties, with their kind, label and the country that issues them when the
/// property implies one.
pub const ID_PROPERTIES: [(&str, IdKind, Option<&str>, Option<&str>); 18] = [
    ("idNumber", IdKind::NationalId, None, None),
    ("passportNumber", IdKind::Passport, None, None),
    ("taxNumber", IdKind::Tax, None, None),
    ("vatCode", IdKind::Tax, Some("VAT"), None),
    ("innCode", IdKind::Tax, Some("INN"), Some("ru")),
    ("registrationNumber", IdKind::Registration, None, None),
    ("ogrnCode", IdKind::Registration, Some("OGRN"), Some("ru")),
    ("okpoCode", IdKind::Registration, Some("OKPO"), Some("ru")),
    ("kppCode", IdKind::Other, Some("KPP"), Some("ru")),
    ("imoNumber", IdKind::Imo, None, None),
    ("mmsi", IdKind::Mmsi, None, None),
    ("swiftBic", IdKind::Swift, None, None),
    ("bikCode", IdKind::Other, Some("BIK"), Some("ru")),
    ("leiCode", IdKind::Lei, None, None),
    ("dunsCode", IdKind::Other, Some("DUNS"), None),
    ("permId", IdKind::Other, Some("PermID"), None),
    ("uniqueEntityId", IdKind::Other, Some("SAM Unique Entity ID"), None),
    ("icaoCode", IdKind::Other, Some("ICAO"), None),
];

/// FollowTheMoney properties: name to values, in a stable order.
pub type Properties = BTreeMap<String, Vec<String>>;

/// The FollowTheMoney schema of an entity.
pub fn schema_name(s: Schema) -> &'static str {
    match s {
        Schema::Aircraft => "Airplane",
        other => other.as_str(),
    }
}

/// The FollowTheMoney property of an identifying number.
pub fn id_property(kind: IdKind) -> &'static str {
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

/// Adds `value` to property `key` unless it is empty or already there.
pub fn push(props: &mut Properties, key: &str, value: impl Into<String>) {
    let value = value.into();
    let values = props.entry(key.to_string()).or_default();
    if !value.is_empty() && !values.contains(&value) {
        values.push(value);
    }
}

/// The FollowTheMoney properties of an entity.
pub fn properties(e: &Entity) -> Properties {
    let mut p = Properties::new();
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
        let key = match c.role {
            CountryRole::Nationality => "nationality",
            CountryRole::Citizenship => "citizenship",
            CountryRole::Jurisdiction => "jurisdiction",
            CountryRole::Flag => "flag",
            _ => "country",
        };
        push(&mut p, key, c.country.code());
    }
    for i in &e.identifiers {
        push(&mut p, id_property(i.kind), &i.number);
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
    for t in e.topics() {
        push(&mut p, "topics", t);
    }
    p
}

/// The id of the `Sanction` entity of designation `d` of entity `e`.
pub fn sanction_id(e: &Entity, d: &Designation) -> String {
    let key = d.reference.clone().unwrap_or_else(|| d.programs.join("-"));
    format!("{}-sanction-{}", e.id, slug(&format!("{} {}", d.list, key)))
}

/// The properties of the `Sanction` entity of designation `d` of entity `e`, with its status
/// on `day`.
pub fn sanction_properties(
    e: &Entity,
    d: &Designation,
    authority: Option<&Authority>,
    day: &PartialDate,
) -> Properties {
    let mut p = Properties::new();
    push(&mut p, "entity", &e.id);
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
    p
}
