//! What OFAC's labelled facts mean for an entity. OFAC states most details as a label and a
//! value: in the Remarks column of the legacy CSV (`Passport A123 (Iraq)`), in the `<idList>`
//! of sdn.xml (`<idType>Passport</idType>`), and in the `ids` column of the trade.gov
//! Consolidated Screening List (`IQ, A123, Passport`). The three share the labels, so one
//! table here decides where each lands: identifiers, FollowTheMoney properties, birth dates,
//! countries, links, or remarks.

use proscribe_model::{
    Address, CountryRole, DateFact, Entity, Gender, IdKind, Identifier, Link, Name, NameKind, NamePart, PartKind,
    Place, Schema, Text,
};

use crate::{util, Report};

/// One fact about an entity, read from a remark segment, an XML element or a CSV cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fact {
    /// Another name (`a.k.a. 'BNC'`).
    Name(NameKind, String),
    /// A date of birth as written (`01 Jan 1961`, `circa 1951`).
    BirthDate(String),
    /// A place of birth as written (`Baghdad, Iraq`).
    BirthPlace(String),
    /// A country in a role (`nationality Iran`); the text as written.
    Country(CountryRole, String),
    /// A link to another listed entity, by name (`Linked To: X`).
    Link(String),
    /// A labelled value (`Passport` `A123`), with the issuing country and notes when known.
    Feature {
        /// The label as written (`Cedula No.`).
        label: String,
        /// The value (`A123`).
        value: String,
        /// The country as written (`Iraq`, `IQ`), when given.
        country: Option<String>,
        /// Notes such as issue and expiry dates.
        note: Option<String>,
    },
    /// Text that is kept as a remark.
    Remark(String),
}

/// Makes a fact from a value (`Fact::BirthDate`), for tables of columns or elements.
pub(crate) type MakeFact = fn(String) -> Fact;

/// Where a labelled value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// An identifier of this kind.
    Id(IdKind),
    /// A property with this FollowTheMoney name.
    Prop(&'static str),
    /// A property holding a country code (`flag`, `pastFlags`).
    CountryProp(&'static str),
    /// A property holding a date (`buildDate`).
    DateProp(&'static str),
    /// A property and a link to the named entity (an aircraft's operator).
    LinkedProp(&'static str),
    /// A date of birth or of establishment.
    BirthDate,
    /// The gender of a person.
    Gender,
    /// The country of registration.
    Jurisdiction,
    /// Another name of the entity (the issuer name of a listed security).
    Alias,
}

/// Labels OFAC uses, lower-cased, with where their values go. Labels not listed are kept as
/// remarks (`Additional Sanctions Information -`, `Secondary sanctions risk:`).
const LABELS: &[(&str, Target)] = &[
    ("passport", Target::Id(IdKind::Passport)),
    ("diplomatic passport", Target::Id(IdKind::Passport)),
    ("travel document number", Target::Id(IdKind::Passport)),
    ("stateless person passport", Target::Id(IdKind::Passport)),
    ("british national overseas passport", Target::Id(IdKind::Passport)),
    ("national id no.", Target::Id(IdKind::NationalId)),
    ("cedula no.", Target::Id(IdKind::NationalId)),
    ("d.n.i.", Target::Id(IdKind::NationalId)),
    ("personal id card", Target::Id(IdKind::NationalId)),
    ("identification number", Target::Id(IdKind::NationalId)),
    ("c.u.r.p.", Target::Id(IdKind::NationalId)),
    ("c.u.r.p. #", Target::Id(IdKind::NationalId)),
    ("kenyan id no.", Target::Id(IdKind::NationalId)),
    ("turkish identification number", Target::Id(IdKind::NationalId)),
    ("numero de identidad", Target::Id(IdKind::NationalId)),
    ("citizen's card number", Target::Id(IdKind::NationalId)),
    ("ssn", Target::Id(IdKind::NationalId)),
    ("national foreign id number", Target::Id(IdKind::NationalId)),
    ("tazkira national id card", Target::Id(IdKind::NationalId)),
    ("bosnian personal id no.", Target::Id(IdKind::NationalId)),
    ("moroccan personal id no.", Target::Id(IdKind::NationalId)),
    ("stateless person id card", Target::Id(IdKind::NationalId)),
    ("cnp (personal numerical code)", Target::Id(IdKind::NationalId)),
    ("uae identification", Target::Id(IdKind::NationalId)),
    ("n.i.e.", Target::Id(IdKind::NationalId)),
    ("c.u.i.", Target::Id(IdKind::NationalId)),
    ("c.u.i.p.", Target::Id(IdKind::NationalId)),
    ("le number", Target::Id(IdKind::NationalId)),
    ("tax id no.", Target::Id(IdKind::Tax)),
    ("nit #", Target::Id(IdKind::Tax)),
    ("r.f.c.", Target::Id(IdKind::Tax)),
    ("r.f.c. #", Target::Id(IdKind::Tax)),
    ("rfc", Target::Id(IdKind::Tax)),
    ("ruc #", Target::Id(IdKind::Tax)),
    ("c.u.i.t.", Target::Id(IdKind::Tax)),
    ("v.a.t. number", Target::Id(IdKind::Tax)),
    ("rif #", Target::Id(IdKind::Tax)),
    ("us fein", Target::Id(IdKind::Tax)),
    ("italian fiscal code", Target::Id(IdKind::Tax)),
    ("fiscal code", Target::Id(IdKind::Tax)),
    ("rtn", Target::Id(IdKind::Tax)),
    ("c.i.f.", Target::Id(IdKind::Tax)),
    ("romanian tax registration", Target::Id(IdKind::Tax)),
    ("numero unico de identificacao tributaria (nuit)", Target::Id(IdKind::Tax)),
    ("rsin", Target::Id(IdKind::Tax)),
    ("paraguayan tax identification number", Target::Id(IdKind::Tax)),
    ("registration id", Target::Id(IdKind::Registration)),
    ("registration number", Target::Id(IdKind::Registration)),
    ("company number", Target::Id(IdKind::Registration)),
    ("uk company number", Target::Id(IdKind::Registration)),
    ("commercial registry number", Target::Id(IdKind::Registration)),
    ("business registration number", Target::Id(IdKind::Registration)),
    ("business registration document #", Target::Id(IdKind::Registration)),
    ("business number", Target::Id(IdKind::Registration)),
    ("folio mercantil no.", Target::Id(IdKind::Registration)),
    ("matricula mercantil no", Target::Id(IdKind::Registration)),
    ("government gazette number", Target::Id(IdKind::Registration)),
    ("certificate of incorporation number", Target::Id(IdKind::Registration)),
    ("chamber of commerce number", Target::Id(IdKind::Registration)),
    ("dubai chamber of commerce membership no.", Target::Id(IdKind::Registration)),
    ("istanbul chamber of comm. no.", Target::Id(IdKind::Registration)),
    ("c.r. no.", Target::Id(IdKind::Registration)),
    ("romanian c.r.", Target::Id(IdKind::Registration)),
    ("trade license no.", Target::Id(IdKind::Registration)),
    ("tourism license no.", Target::Id(IdKind::Registration)),
    ("license", Target::Id(IdKind::Registration)),
    ("msb registration number", Target::Id(IdKind::Registration)),
    ("afghan money service provider license number", Target::Id(IdKind::Registration)),
    ("public registration number", Target::Id(IdKind::Registration)),
    ("enterprise number", Target::Id(IdKind::Registration)),
    ("branch unit number", Target::Id(IdKind::Registration)),
    ("central registration system number", Target::Id(IdKind::Registration)),
    ("unified social credit code (uscc)", Target::Id(IdKind::Registration)),
    ("united social credit code certificate (usccc)", Target::Id(IdKind::Registration)),
    ("registered charity no.", Target::Id(IdKind::Registration)),
    // OFAC writes Legal Entity Identifiers under this label; `identifier` tells them from
    // national numbers by their shape.
    ("legal entity number", Target::Id(IdKind::Registration)),
    ("swift/bic", Target::Id(IdKind::Swift)),
    ("vessel registration identification", Target::Id(IdKind::Imo)),
    ("international maritime organization no.", Target::Id(IdKind::Imo)),
    ("company number imo", Target::Id(IdKind::Imo)),
    ("mmsi", Target::Id(IdKind::Mmsi)),
    ("aircraft tail number", Target::Id(IdKind::AircraftRegistration)),
    ("previous aircraft tail number", Target::Id(IdKind::AircraftRegistration)),
    ("aircraft construction number (also called l/n or s/n or f/n)", Target::Id(IdKind::Other)),
    ("aircraft mode s transponder code", Target::Id(IdKind::Other)),
    ("d-u-n-s number", Target::Id(IdKind::Other)),
    ("bik (ru)", Target::Id(IdKind::Other)),
    ("isin", Target::Id(IdKind::Other)),
    ("chinese commercial code", Target::Id(IdKind::Other)),
    ("cartilla de servicio militar nacional", Target::Id(IdKind::Other)),
    ("driver's license no.", Target::Id(IdKind::Other)),
    ("visanumberid", Target::Id(IdKind::Other)),
    ("immigration no.", Target::Id(IdKind::Other)),
    ("pilot license number", Target::Id(IdKind::Other)),
    ("sre permit no.", Target::Id(IdKind::Other)),
    ("birth certificate number", Target::Id(IdKind::Other)),
    ("residency number", Target::Id(IdKind::Other)),
    ("refugee id card", Target::Id(IdKind::Other)),
    ("credencial electoral", Target::Id(IdKind::Other)),
    ("electoral registry no.", Target::Id(IdKind::Other)),
    ("i.f.e.", Target::Id(IdKind::Other)),
    ("file number", Target::Id(IdKind::Other)),
    ("seafarer's identification document", Target::Id(IdKind::Other)),
    ("romanian permanent resident can", Target::Id(IdKind::Other)),
    ("public security and immigration no.", Target::Id(IdKind::Other)),
    ("digital currency address", Target::Id(IdKind::Other)),
    ("website", Target::Prop("website")),
    ("email address", Target::Prop("email")),
    ("phone number", Target::Prop("phone")),
    ("phone no.", Target::Prop("phone")),
    ("phone", Target::Prop("phone")),
    ("telephone", Target::Prop("phone")),
    ("telephone no.", Target::Prop("phone")),
    ("telephone number", Target::Prop("phone")),
    ("aircraft model", Target::Prop("model")),
    ("aircraft manufacturer's serial number (msn)", Target::Prop("serialNumber")),
    ("aircraft serial identification", Target::Prop("serialNumber")),
    ("aircraft manufacture date", Target::DateProp("buildDate")),
    ("vessel year of build", Target::DateProp("buildDate")),
    ("aircraft operator", Target::LinkedProp("operator")),
    ("other vessel flag", Target::CountryProp("flag")),
    ("former vessel flag", Target::CountryProp("pastFlags")),
    ("other vessel call sign", Target::Prop("callSign")),
    ("other vessel type", Target::Prop("type")),
    ("equity ticker", Target::Prop("ticker")),
    ("organization type", Target::Prop("sector")),
    ("target type", Target::Prop("classification")),
    ("issuer name", Target::Alias),
    ("organization established date", Target::BirthDate),
    ("gender", Target::Gender),
    ("nationality of registration", Target::Jurisdiction),
];

/// Folds a label for lookup: lower case, single spaces, no trailing `:` or ` -`, no `alt.`.
pub(crate) fn fold_label(label: &str) -> String {
    let mut s = proscribe_model::collapse_spaces(label).to_lowercase();
    if let Some(rest) = s.strip_prefix("alt. ") {
        s = rest.to_string();
    }
    let trimmed = s.trim_end_matches([':', '-', ' ']).to_string();
    // `Digital Currency Address - XBT`: the currency is part of the label as written.
    if trimmed.starts_with("digital currency address") {
        return "digital currency address".into();
    }
    trimmed
}

/// Where values with `label` go, if the label is known.
pub(crate) fn target(label: &str) -> Option<Target> {
    let folded = fold_label(label);
    LABELS.iter().find(|(l, _)| *l == folded).map(|(_, t)| *t)
}

/// The known label that `text` starts with (the longest one, case-insensitive, ending at a
/// word boundary), with the length of the prefix in bytes.
pub(crate) fn label_prefix(text: &str) -> Option<(usize, Target)> {
    let lower = text.to_lowercase();
    // Lower-casing keeps byte lengths for the ASCII labels; non-ASCII text never matches.
    if lower.len() != text.len() {
        return None;
    }
    LABELS
        .iter()
        .filter(|(l, _)| {
            lower.starts_with(l)
                && lower[l.len()..].chars().next().is_none_or(|c| c == ' ' || c == ':' || c == '\u{a0}')
        })
        .max_by_key(|(l, _)| l.len())
        .map(|(l, t)| (l.len(), *t))
}

/// Where diagnostics go while facts are applied to one record.
pub(crate) struct Ctx<'a> {
    /// The report collecting diagnostics.
    pub report: &'a mut Report,
    /// The file, as given.
    pub file: &'a str,
    /// The line where the record starts.
    pub line: u64,
    /// The record's reference.
    pub record: &'a str,
}

impl Ctx<'_> {
    /// Records a value that was not read fully.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.report.skip(self.file, Some(self.line), Some(self.record.to_string()), reason);
    }
}

/// Applies one fact to `entity`; `src` says where in the record it came from.
pub(crate) fn apply(entity: &mut Entity, fact: Fact, src: &str, ctx: &mut Ctx) {
    match fact {
        Fact::Name(kind, text) => add_name(entity, &text, kind, src, ctx),
        Fact::BirthDate(text) => add_birth_date(entity, &text, src, ctx),
        Fact::BirthPlace(text) => add_birth_place(entity, &text, src, ctx),
        Fact::Country(role, text) => add_country(entity, role, &text, src, ctx),
        Fact::Link(name) => entity.links.push(link("linked_to", &name, src)),
        Fact::Feature { label, value, country, note } => {
            apply_feature(entity, &label, &value, country.as_deref(), note.as_deref(), src, ctx)
        }
        Fact::Remark(text) => remark(entity, &text, src),
    }
}

fn remark(entity: &mut Entity, text: &str, src: &str) {
    let text = proscribe_model::collapse_spaces(text);
    if !text.is_empty() {
        entity.remarks.push(Text::new(text, src));
    }
}

fn link(kind: &str, name: &str, src: &str) -> Link {
    Link {
        kind: kind.into(),
        target_id: None,
        target_name: Some(proscribe_model::collapse_spaces(name)),
        note: None,
        src: Some(src.into()),
    }
}

/// Adds a name; persons written `LAST, First` also get their parts.
pub(crate) fn add_name(entity: &mut Entity, text: &str, kind: NameKind, src: &str, ctx: &mut Ctx) {
    let mut name = Name::new(text, kind).at(src);
    if name.full.is_empty() {
        ctx.skip(format!("{src}: empty name"));
        return;
    }
    if entity.schema == Schema::Person {
        name.parts = person_parts(&name.full);
    }
    let full = name.full.clone();
    if !entity.add_name(name) {
        ctx.skip(format!("{src}: name {full:?} repeats an earlier name of the same kind"));
    }
}

/// The parts of a person's name as OFAC writes it: `FAMILY, Given`. A name without a comma has
/// no parts the list states.
pub(crate) fn person_parts(full: &str) -> Vec<NamePart> {
    let Some((family, given)) = full.split_once(',') else { return Vec::new() };
    let (family, given) = (family.trim(), given.trim());
    let mut parts = Vec::new();
    if !family.is_empty() {
        parts.push(NamePart { kind: PartKind::Family, value: family.to_string() });
    }
    if !given.is_empty() {
        parts.push(NamePart { kind: PartKind::Given, value: given.to_string() });
    }
    parts
}

fn add_birth_date(entity: &mut Entity, text: &str, src: &str, ctx: &mut Ctx) {
    match util::date(text, true) {
        Ok(date) => entity.birth_dates.push(DateFact { date, src: Some(src.into()) }),
        Err(e) => {
            ctx.skip(format!("{src}: date {text:?} kept as a remark: {e}"));
            remark(entity, &format!("DOB {text}"), src);
        }
    }
}

fn add_birth_place(entity: &mut Entity, text: &str, src: &str, ctx: &mut Ctx) {
    let text = proscribe_model::collapse_spaces(text);
    // The country is the last part, or the last parts when its name has a comma of its own
    // (`Kaziba, Congo, Democratic Republic of the`).
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let country = (1..=parts.len()).find_map(|k| util::country(&parts[parts.len() - k..].join(", ")));
    if country.is_none() && text.contains(',') {
        ctx.skip(format!("{src}: no country known for place of birth {text:?}; kept as text"));
    }
    entity.birth_places.push(Place { text, country, src: Some(src.into()) });
}

fn add_country(entity: &mut Entity, role: CountryRole, text: &str, src: &str, ctx: &mut Ctx) {
    match util::country(text) {
        Some(c) => entity.add_country(c, role, Some(src.into())),
        None => {
            ctx.skip(format!("{src}: unknown country {text:?}; kept as a remark"));
            let word = match role {
                CountryRole::Nationality => "nationality",
                CountryRole::Citizenship => "citizen",
                CountryRole::Jurisdiction => "Nationality of Registration",
                CountryRole::Flag => "flag",
                CountryRole::Residence => "residence",
                CountryRole::Linked => "country",
            };
            remark(entity, &format!("{word} {text}"), src);
        }
    }
}

/// Applies a labelled value. Unknown labels are kept as a remark `label value`.
pub(crate) fn apply_feature(
    entity: &mut Entity,
    label: &str,
    value: &str,
    country: Option<&str>,
    note: Option<&str>,
    src: &str,
    ctx: &mut Ctx,
) {
    let label = proscribe_model::collapse_spaces(label);
    let value = proscribe_model::collapse_spaces(value);
    let Some(target) = target(&label) else {
        let mut text = format!("{label} {value}");
        if let Some(c) = country {
            text.push_str(&format!(" ({c})"));
        }
        if let Some(n) = note {
            text.push_str(&format!(" {n}"));
        }
        remark(entity, &text, src);
        return;
    };
    if value.is_empty() {
        ctx.skip(format!("{src}: {label} without a value"));
        return;
    }
    match target {
        Target::Id(kind) => add_identifier(entity, kind, &label, &value, country, note, src, ctx),
        Target::Prop(key) => entity.add_property(key, value),
        Target::CountryProp(key) => add_country_prop(entity, key, &label, &value, src, ctx),
        Target::DateProp(key) => match util::date(&value, true) {
            Ok(d) => entity.add_property(key, d.to_string()),
            Err(_) => entity.add_property(key, value),
        },
        Target::LinkedProp(key) => {
            entity.add_property(key, value.clone());
            entity.links.push(link(key, &value, src));
        }
        Target::BirthDate => add_birth_date(entity, &value, src, ctx),
        Target::Gender => add_gender(entity, &value, src, ctx),
        Target::Jurisdiction => add_country(entity, CountryRole::Jurisdiction, &value, src, ctx),
        Target::Alias => add_name(entity, &value, NameKind::Alias, src, ctx),
    }
}

fn add_gender(entity: &mut Entity, value: &str, src: &str, ctx: &mut Ctx) {
    let gender = match value.to_ascii_lowercase().as_str() {
        "male" | "m" => Gender::Male,
        "female" | "f" => Gender::Female,
        _ => {
            ctx.skip(format!("{src}: unknown gender {value:?}; kept as a remark"));
            remark(entity, &format!("Gender {value}"), src);
            return;
        }
    };
    if entity.gender.is_some_and(|g| g != gender) {
        ctx.skip(format!("{src}: second gender {value:?} differs from the first; kept as a remark"));
        remark(entity, &format!("Gender {value}"), src);
        return;
    }
    entity.gender = Some(gender);
}

fn add_country_prop(entity: &mut Entity, key: &str, label: &str, value: &str, src: &str, ctx: &mut Ctx) {
    match util::country(value) {
        Some(c) => {
            entity.add_property(key, c.code());
            if key == "flag" {
                entity.add_country(c, CountryRole::Flag, Some(src.into()));
            }
        }
        None => {
            ctx.skip(format!("{src}: unknown country {value:?} for {label}; kept as a remark"));
            remark(entity, &format!("{label} {value}"), src);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn add_identifier(
    entity: &mut Entity,
    kind: IdKind,
    label: &str,
    value: &str,
    country: Option<&str>,
    note: Option<&str>,
    src: &str,
    ctx: &mut Ctx,
) {
    let (kind, number) = identifier_kind(kind, label, value);
    let mut note = note.map(str::to_string);
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => match util::country(text) {
            Some(c) => Some(c),
            None => {
                ctx.skip(format!("{src}: unknown country {text:?} of {label} {number}; kept in the note"));
                note = Some(match note {
                    Some(n) => format!("{text}; {n}"),
                    None => text.to_string(),
                });
                None
            }
        },
    };
    if label.to_lowercase().starts_with("previous") {
        note = Some(match note {
            Some(n) => format!("previous; {n}"),
            None => "previous".into(),
        });
    }
    let id = Identifier { kind, number, label: Some(label.to_string()), country, note, src: Some(src.into()) };
    if !entity.identifiers.contains(&id) {
        entity.identifiers.push(id);
    }
}

/// The kind and number of an identifier: IMO numbers are written `IMO 1234567` under several
/// labels, and OFAC's "Legal Entity Number" is an LEI when it has an LEI's shape.
fn identifier_kind(kind: IdKind, label: &str, value: &str) -> (IdKind, String) {
    let value = value.trim().trim_start_matches('(').trim_end_matches(')').trim();
    if let Some(rest) = value.strip_prefix("IMO ").or_else(|| value.strip_prefix("IMO")) {
        if !rest.is_empty() && rest.trim().bytes().all(|b| b.is_ascii_digit()) {
            return (IdKind::Imo, rest.trim().to_string());
        }
    }
    if kind == IdKind::Registration
        && label.eq_ignore_ascii_case("Legal Entity Number")
        && value.len() == 20
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return (IdKind::Lei, value.to_string());
    }
    (kind, value.to_string())
}

/// Splits an address line OFAC writes as one column (`Zapopan, Jalisco 45116`) into city,
/// region and postal code: trailing words with digits are the postal code, the first comma part
/// the city, the rest the region. The whole line is kept in `full` by the caller.
pub(crate) fn city_line(address: &mut Address, text: &str) {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut postal = Vec::new();
    while words.len() > 1 && words.last().is_some_and(|w| w.bytes().any(|b| b.is_ascii_digit())) {
        postal.insert(0, words.pop().unwrap_or_default());
    }
    if !postal.is_empty() {
        address.postal_code = Some(postal.join(" "));
    }
    let rest = words.join(" ");
    let rest = rest.trim().trim_end_matches(',');
    let mut parts = rest.split(',').map(str::trim).filter(|p| !p.is_empty());
    address.city = parts.next().map(str::to_string);
    let region: Vec<&str> = parts.collect();
    if !region.is_empty() {
        address.region = Some(region.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fold_and_resolve() {
        assert_eq!(target("Passport"), Some(Target::Id(IdKind::Passport)));
        assert_eq!(target("alt. Cedula No."), Some(Target::Id(IdKind::NationalId)));
        assert_eq!(target("Telephone:"), Some(Target::Prop("phone")));
        assert_eq!(target("Digital Currency Address - XBT"), Some(Target::Id(IdKind::Other)));
        assert_eq!(target("Organization Type:"), Some(Target::Prop("sector")));
        assert_eq!(target("Additional Sanctions Information -"), None);
        assert_eq!(label_prefix("Passport A123 (Iraq)").map(|(n, _)| n), Some(8));
        assert_eq!(label_prefix("Passports"), None);
        assert_eq!(label_prefix("Registration ID HRB 26136").map(|(n, _)| n), Some(15));
        assert_eq!(label_prefix("Telephone: 0097").map(|(n, _)| n), Some(9));
    }

    #[test]
    fn identifier_kinds_from_values() {
        assert_eq!(
            identifier_kind(IdKind::NationalId, "Identification Number", "IMO 5342883"),
            (IdKind::Imo, "5342883".into())
        );
        assert_eq!(
            identifier_kind(IdKind::Imo, "International Maritime Organization No.", "(5777731)"),
            (IdKind::Imo, "5777731".into())
        );
        assert_eq!(
            identifier_kind(IdKind::Registration, "Legal Entity Number", "25340038P8SYW80B9W34"),
            (IdKind::Lei, "25340038P8SYW80B9W34".into())
        );
        assert_eq!(
            identifier_kind(IdKind::Registration, "Legal Entity Number", "851683897"),
            (IdKind::Registration, "851683897".into())
        );
    }

    #[test]
    fn city_lines_split_into_parts() {
        let cases = [
            ("Zapopan, Jalisco 45116", Some("Zapopan"), Some("Jalisco"), Some("45116")),
            ("London EC3N 1DY", Some("London"), None, Some("EC3N 1DY")),
            ("Caracas, District Capital", Some("Caracas"), Some("District Capital"), None),
            ("Tehran", Some("Tehran"), None, None),
            ("Liverpool, Merseyside L7 4JQ", Some("Liverpool"), Some("Merseyside"), Some("L7 4JQ")),
        ];
        for (text, city, region, postal) in cases {
            let mut a = Address::default();
            city_line(&mut a, text);
            assert_eq!(
                (a.city.as_deref(), a.region.as_deref(), a.postal_code.as_deref()),
                (city, region, postal),
                "{text}"
            );
        }
    }

    #[test]
    fn person_parts_split_at_the_comma() {
        let parts = person_parts("ABU TEIR, Mohammed");
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].kind, parts[0].value.as_str()), (PartKind::Family, "ABU TEIR"));
        assert_eq!((parts[1].kind, parts[1].value.as_str()), (PartKind::Given, "Mohammed"));
        assert!(person_parts("ABU TEIR").is_empty());
    }
}
