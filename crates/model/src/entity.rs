//! A listed entity and the facts lists give about it: names in every script, birth data,
//! countries, identifiers, addresses, remarks and links to other entities. Each fact carries
//! `src`, where in its source record it came from (an element path, a column, an alias number);
//! the store adds the source, the version and the line of the record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Country, DateValue, Designation, Measure, Script};

/// The kind of thing an entity is. Names follow FollowTheMoney where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Schema {
    /// A natural person.
    Person,
    /// A group, movement or body that is not (known to be) a registered company.
    Organization,
    /// A registered company.
    Company,
    /// A legal entity of unknown kind: a person or an organisation.
    LegalEntity,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

impl Schema {
    /// Every schema, for help texts and validation.
    pub const ALL: [Schema; 6] =
        [Schema::Person, Schema::Organization, Schema::Company, Schema::LegalEntity, Schema::Vessel, Schema::Aircraft];

    /// The name used in text and on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Aircraft => "Aircraft",
        }
    }

    /// Reads a schema name, also FollowTheMoney's `Airplane` and common lower-case forms.
    pub fn parse(s: &str) -> Option<Schema> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Schema::Person,
            "organization" | "organisation" => Schema::Organization,
            "company" => Schema::Company,
            "legalentity" | "legal_entity" | "entity" => Schema::LegalEntity,
            "vessel" | "ship" => Schema::Vessel,
            "aircraft" | "airplane" => Schema::Aircraft,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a list presents a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The main name of the entry.
    Primary,
    /// Also known as (a good-quality alias).
    Alias,
    /// A low-quality alias ("weak a.k.a."): too general to screen on alone.
    WeakAlias,
    /// Formerly known as.
    Former,
    /// The name in its original script, as the list gives it.
    Original,
}

/// The role a part plays in a structured name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// A given (first) name.
    Given,
    /// A middle name, or a list's "second"/"third" name of unspecified role.
    Middle,
    /// A family name.
    Family,
    /// A patronymic (father's name).
    Patronymic,
    /// A title or honorific that the list gives as part of the name.
    Title,
}

/// One part of a structured name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NamePart {
    /// The role of the part.
    pub kind: PartKind,
    /// The part as written.
    pub value: String,
}

/// A name of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    /// The whole name as the list writes it.
    pub full: String,
    /// Primary, alias, former name, ...
    pub kind: NameKind,
    /// The writing system of `full`.
    pub script: Script,
    /// The parts, when the list gives them separately.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<NamePart>,
    /// Language code (ISO 639), when the list gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Where in the source record the name came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

impl Name {
    /// A name of `kind`, with its script detected.
    pub fn new(full: impl Into<String>, kind: NameKind) -> Name {
        let full = collapse_spaces(&full.into());
        let script = Script::detect(&full);
        Name { full, kind, script, parts: Vec::new(), lang: None, src: None }
    }

    /// Sets where the name came from.
    pub fn at(mut self, src: impl Into<String>) -> Name {
        self.src = Some(src.into());
        self
    }
}

/// Trims and collapses runs of white space to one space.
pub fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A person's gender as lists state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
    /// Another gender.
    Other,
}

/// A date fact (birth, death, incorporation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateFact {
    /// The date with its uncertainty.
    pub date: DateValue,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// A place (of birth, of registration).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// The place as written.
    pub text: String,
    /// The country, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// What a country means for an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryRole {
    /// Nationality of a person.
    Nationality,
    /// Citizenship of a person.
    Citizenship,
    /// Country of residence or of an address.
    Residence,
    /// Jurisdiction of incorporation or registration.
    Jurisdiction,
    /// Flag state of a vessel or registration state of an aircraft.
    Flag,
    /// A country the list associates with the entity without saying how.
    Linked,
}

/// A country associated with an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryFact {
    /// The country.
    pub country: Country,
    /// What it means for the entity.
    pub role: CountryRole,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// The kind of an identifying number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// A passport number.
    Passport,
    /// A national identity number or card.
    NationalId,
    /// A vessel's IMO number.
    Imo,
    /// A vessel's MMSI.
    Mmsi,
    /// A tax number (TIN, INN, VAT).
    Tax,
    /// A company registration number (OGRN, company number).
    Registration,
    /// A SWIFT/BIC code.
    Swift,
    /// A Legal Entity Identifier.
    Lei,
    /// An aircraft's registration or serial number.
    AircraftRegistration,
    /// Another kind; `label` says which.
    Other,
}

/// An identifying number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    /// The kind of number.
    pub kind: IdKind,
    /// The number as written.
    pub number: String,
    /// The list's own name for the kind ("Cedula No.", "Kuwaiti Citizenship Card").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The issuing country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// Dates and other notes the list gives with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Address {
    /// The whole address on one line.
    pub full: String,
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// A note such as "as of early 2016".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// A piece of free text (a remark, a position held).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    /// The text.
    pub text: String,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

impl Text {
    /// A text with its origin.
    pub fn new(text: impl Into<String>, src: impl Into<String>) -> Text {
        Text { text: text.into(), src: Some(src.into()) }
    }
}

/// A relation from this entity to another, as the list states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The relation: `linked_to`, `owned_by`, `owner_of`, `director_of`, `family`,
    /// `associate`, `payment`, `vessel_owner`, ...
    pub kind: String,
    /// The other entity's id, when the list identifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// The other entity's name as written, when the list names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// Details such as a share or a period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

/// An entity as one version of one list describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable id, derived from the list's own reference (`un-tai-026`, `ofac-6636`).
    pub id: String,
    /// What kind of thing it is.
    pub schema: Schema,
    /// All names; the first `Primary` one is the caption.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    /// Gender of a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Dates of birth (or incorporation, for organisations), as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<DateFact>,
    /// Places of birth.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<Place>,
    /// Dates of death.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub death_dates: Vec<DateFact>,
    /// Nationalities, citizenships, residence, jurisdiction, flag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<CountryFact>,
    /// Passports, national ids, IMO, tax and registration numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Titles, positions and functions held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<Text>,
    /// Free-text remarks of the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Text>,
    /// Further details by name (`callSign`, `vesselType`, `tonnage`, `website`, `email`, ...),
    /// using FollowTheMoney property names where there is one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Vec<String>>,
    /// Relations to other entities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Ids of entities in other sources that are the same real-world entity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_as: Vec<String>,
    /// Entries of this entity on the lists of this source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<Designation>,
    /// Acts about the entity that are not entries on a list: recognition of a government,
    /// acceptance of an ambassador's credentials, statements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acts: Vec<Measure>,
}

impl Entity {
    /// An empty entity with an id and a schema.
    pub fn new(id: impl Into<String>, schema: Schema) -> Entity {
        Entity {
            id: id.into(),
            schema,
            names: Vec::new(),
            gender: None,
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            death_dates: Vec::new(),
            countries: Vec::new(),
            identifiers: Vec::new(),
            addresses: Vec::new(),
            positions: Vec::new(),
            remarks: Vec::new(),
            properties: BTreeMap::new(),
            links: Vec::new(),
            same_as: Vec::new(),
            designations: Vec::new(),
            acts: Vec::new(),
        }
    }

    /// The name to show: the first primary name, else the first name, else the id.
    pub fn caption(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or(self.names.first())
            .map(|n| n.full.as_str())
            .unwrap_or(&self.id)
    }

    /// Adds a name unless the same text of the same kind is already there; empty names are
    /// ignored. Returns whether it was added.
    pub fn add_name(&mut self, name: Name) -> bool {
        if name.full.is_empty() || self.names.iter().any(|n| n.full == name.full && n.kind == name.kind) {
            return false;
        }
        self.names.push(name);
        true
    }

    /// Adds a country fact unless the same country in the same role is already there.
    pub fn add_country(&mut self, country: Country, role: CountryRole, src: Option<String>) {
        if !self.countries.iter().any(|c| c.country == country && c.role == role) {
            self.countries.push(CountryFact { country, role, src });
        }
    }

    /// Appends a value to a named property unless it is already there.
    pub fn add_property(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        let values = self.properties.entry(key.to_string()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
}

/// Topics (FollowTheMoney's `topics` property, as OpenSanctions sets it) that make an entity
/// worth screening without a designation: sanctions and what is linked to them, politically
/// exposed persons and their close associates, debarment, export control, wanted persons,
/// persons of interest, frozen assets, disqualified directors, regulatory actions and
/// forced labour. Every `crime` topic counts too ([`is_risk_topic`]).
pub const RISK_TOPICS: &[&str] = &[
    "sanction",
    "sanction.linked",
    "sanction.counter",
    "role.pep",
    "role.rca",
    "role.oligarch",
    "debarment",
    "export.control",
    "export.control.linked",
    "wanted",
    "poi",
    "asset.frozen",
    "corp.disqual",
    "reg.action",
    "reg.warn",
    "forced.labor",
];

/// Whether a topic makes an entity worth screening: one of [`RISK_TOPICS`], or `crime` and
/// its kinds (`crime.fin`, `crime.terror`, `crime.traffick.drug`, ...).
pub fn is_risk_topic(topic: &str) -> bool {
    RISK_TOPICS.contains(&topic) || topic == "crime" || topic.starts_with("crime.")
}

/// The topic every entity designated on a list carries.
pub const SANCTION_TOPIC: &str = "sanction";

impl Entity {
    /// The entity's topics as answers show them: those its source gives (FollowTheMoney's
    /// `topics` property, kept in [`Entity::properties`]), and [`SANCTION_TOPIC`] when it is
    /// designated on a list.
    pub fn topics(&self) -> Vec<&str> {
        let mut topics: Vec<&str> = Vec::new();
        for t in self.properties.get("topics").into_iter().flatten() {
            if !topics.contains(&t.as_str()) {
                topics.push(t);
            }
        }
        if !self.designations.is_empty() && !topics.contains(&SANCTION_TOPIC) {
            topics.push(SANCTION_TOPIC);
        }
        topics
    }

    /// Whether its source marks the entity as a target of screening (FollowTheMoney's
    /// `target: true`, kept as the property `target`).
    pub fn is_target(&self) -> bool {
        self.properties.get("target").is_some_and(|v| v.iter().any(|t| t == "true"))
    }

    /// Whether screening sees the entity: it is designated on a list, its source marks it as
    /// a target, or it carries a risk topic ([`is_risk_topic`]). The one decision every
    /// interface follows (the application layer's index holds exactly these entities).
    pub fn screenable(&self) -> bool {
        !self.designations.is_empty() || self.is_target() || self.topics().iter().any(|t| is_risk_topic(t))
    }
}

/// Makes an id-safe slug: ASCII lower-case letters and digits, other runs become one `-`.
/// `slug("TAi.026")` is `tai-026`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_and_caption() {
        assert_eq!(slug("TAi.026"), "tai-026");
        assert_eq!(slug("  Foo -- Bar/ 7 "), "foo-bar-7");
        let mut e = Entity::new("x", Schema::Person);
        assert_eq!(e.caption(), "x");
        assert!(e.add_name(Name::new("Alias  One", NameKind::Alias)));
        assert!(!e.add_name(Name::new("Alias One", NameKind::Alias)));
        assert!(!e.add_name(Name::new("  ", NameKind::Alias)));
        e.add_name(Name::new("Main", NameKind::Primary));
        assert_eq!(e.caption(), "Main");
    }

    #[test]
    fn screenable_entities() {
        let check = |props: &[(&str, &str)], designated: bool, topics: &[&str], screenable: bool| {
            let mut e = Entity::new("x", Schema::Person);
            for (k, v) in props {
                e.add_property(k, *v);
            }
            if designated {
                e.designations.push(crate::Designation::new("ofac".to_string(), "sdn".to_string()));
            }
            assert_eq!(e.topics(), topics, "{props:?}");
            assert_eq!(e.screenable(), screenable, "{props:?} designated: {designated}");
        };
        check(&[], false, &[], false);
        check(&[], true, &["sanction"], true);
        check(&[("topics", "sanction")], true, &["sanction"], true);
        check(&[("topics", "role.pep"), ("topics", "role.rca")], false, &["role.pep", "role.rca"], true);
        check(&[("topics", "crime.fin")], false, &["crime.fin"], true);
        check(&[("topics", "crime")], false, &["crime"], true);
        check(&[("topics", "criminal")], false, &["criminal"], false);
        check(&[("topics", "gov.national")], false, &["gov.national"], false);
        check(&[("topics", "role.pep")], true, &["role.pep", "sanction"], true);
        check(&[("target", "true")], false, &[], true);
        check(&[("target", "false")], false, &[], false);
        check(&[("target", "false"), ("topics", "debarment")], false, &["debarment"], true);
    }

    #[test]
    fn schema_names() {
        for s in Schema::ALL {
            assert_eq!(Schema::parse(s.as_str()), Some(s));
        }
        assert_eq!(Schema::parse("Airplane"), Some(Schema::Aircraft));
        assert_eq!(Schema::parse("Submarine"), None);
    }
}
