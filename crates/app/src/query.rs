//! One query read from raw fields, with one policy for every interface.
//!
//! The command line's arguments, a batch row (CSV or JSON lines, from the command line, the
//! API or the web UI), a web form and a yente-style `/match` query all end as
//! [`QueryFields`], text as the caller gave it, and are read by [`parse_query`]:
//!
//! - the name is required and must not be blank;
//! - the kind of entity is read by [`parse_schema`]: our names (`Person`, `Organization`,
//!   `Company`, `LegalEntity`, `Vessel`, `Aircraft`, and `individual`, `ship`, ...) and
//!   FollowTheMoney's (`Thing`: any kind; `PublicBody`: an organisation; `Airplane`);
//! - a birth date is read leniently, as lists and forms write it, day before month in
//!   `01/02/1961` (see [`DateValue::parse_lenient`]); of several, the first readable one is
//!   used;
//! - countries by ISO code or name, each once;
//! - identifiers trimmed, blank ones dropped.
//!
//! A value that cannot be read is *left out* of the query and returned beside it
//! ([`Parsed::left_out`]), never dropped silently. A batch row is screened without it and
//! says so (a customer is never left unscreened for an unreadable birth date); a single query
//! asked interactively refuses it instead ([`Parsed::strict`]), so that the person asking can
//! correct it.

use proscribe_matching::entity::Query;
use proscribe_model::{Country, DateValue, Schema};

/// The fields of a query, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryFields {
    /// The name, in any script.
    pub name: Option<String>,
    /// The kind of entity.
    pub schema: Option<String>,
    /// Birth (or incorporation) dates.
    pub birth_dates: Vec<String>,
    /// Countries of nationality, residence or jurisdiction (codes or names).
    pub countries: Vec<String>,
    /// Identifying numbers (passport, national id, IMO, registration).
    pub identifiers: Vec<String>,
}

/// A field of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The name.
    Name,
    /// The kind of entity.
    Schema,
    /// A birth date.
    BirthDate,
    /// A country.
    Country,
    /// An identifier.
    Id,
    /// The row's own key (batches).
    Key,
}

impl Field {
    /// The field's name in batch columns, JSON and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Schema => "schema",
            Field::BirthDate => "birth_date",
            Field::Country => "country",
            Field::Id => "id",
            Field::Key => "key",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// An error of `field`.
    pub fn new(field: Field, message: impl Into<String>) -> FieldError {
        FieldError { field, message: message.into() }
    }
}

/// A query read from its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The query, without the values that could not be read.
    pub query: Query,
    /// Values left out of the query, and why.
    pub left_out: Vec<FieldError>,
}

impl Parsed {
    /// The query if every value was read; else the first value that was not.
    pub fn strict(self) -> Result<Query, FieldError> {
        match self.left_out.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(self.query),
        }
    }
}

/// Reads a query from its fields (the policy is in the module's documentation). Only a
/// missing or blank name refuses the query.
pub fn parse_query(fields: QueryFields) -> Result<Parsed, FieldError> {
    let name = match fields.name {
        Some(n) if !n.trim().is_empty() => n,
        _ => return Err(FieldError::new(Field::Name, "missing or empty")),
    };
    let mut query = Query::name(name);
    let mut left_out = Vec::new();
    if let Some(s) = fields.schema.as_deref().filter(|s| !s.trim().is_empty()) {
        match parse_schema(s) {
            Ok(schema) => query.schema = schema,
            Err(e) => left_out.push(e),
        }
    }
    for d in fields.birth_dates.iter().filter(|d| !d.trim().is_empty()) {
        match parse_birth_date(d) {
            Ok(date) if query.birth_date.is_none() => query.birth_date = Some(date),
            Ok(_) => {}
            Err(e) => left_out.push(e),
        }
    }
    for c in fields.countries.iter().filter(|c| !c.trim().is_empty()) {
        match parse_country(c) {
            Ok(country) if !query.countries.contains(&country) => query.countries.push(country),
            Ok(_) => {}
            Err(e) => left_out.push(e),
        }
    }
    query.identifiers =
        fields.identifiers.iter().map(|i| i.trim()).filter(|i| !i.is_empty()).map(str::to_string).collect();
    Ok(Parsed { query, left_out })
}

/// The kinds of entity a query may name, as FollowTheMoney names them (our own aliases such
/// as `individual` and `ship` are read too).
pub const SCHEMA_NAMES: [&str; 8] =
    ["Thing", "LegalEntity", "Person", "Organization", "Company", "PublicBody", "Vessel", "Airplane"];

/// Reads the kind of entity of a query: `None` for `Thing` (any kind).
pub fn parse_schema(text: &str) -> Result<Option<Schema>, FieldError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("thing") {
        return Ok(None);
    }
    if t.eq_ignore_ascii_case("publicbody") {
        return Ok(Some(Schema::Organization));
    }
    Schema::parse(t)
        .map(Some)
        .ok_or_else(|| FieldError::new(Field::Schema, format!("unknown {t:?} (one of {})", SCHEMA_NAMES.join(", "))))
}

/// Reads a birth date the way lists and forms write it (day before month in `01/02/1961`).
pub fn parse_birth_date(text: &str) -> Result<DateValue, FieldError> {
    DateValue::parse_lenient(text, true)
        .map_err(|e| FieldError::new(Field::BirthDate, format!("{:?} is not a date ({e})", text.trim())))
}

/// Reads a country given as an ISO code or a name.
pub fn parse_country(text: &str) -> Result<Country, FieldError> {
    Country::from_name(text.trim()).map_err(|_| FieldError::new(Field::Country, format!("unknown {:?}", text.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str) -> QueryFields {
        QueryFields { name: Some(name.into()), ..QueryFields::default() }
    }

    #[test]
    fn a_name_is_required() {
        for name in [None, Some(""), Some("  ")] {
            let f = QueryFields { name: name.map(String::from), ..QueryFields::default() };
            assert_eq!(parse_query(f).unwrap_err().to_string(), "name: missing or empty");
        }
    }

    #[test]
    fn kinds_are_read_in_our_words_and_followthemoney_s() {
        for (text, schema) in [
            ("Person", Some(Schema::Person)),
            ("individual", Some(Schema::Person)),
            ("Organization", Some(Schema::Organization)),
            ("PublicBody", Some(Schema::Organization)),
            ("LegalEntity", Some(Schema::LegalEntity)),
            ("Airplane", Some(Schema::Aircraft)),
            ("ship", Some(Schema::Vessel)),
            ("Thing", None),
        ] {
            assert_eq!(parse_schema(text), Ok(schema), "{text}");
        }
        assert!(parse_schema("Banana")
            .unwrap_err()
            .to_string()
            .starts_with("schema: unknown \"Banana\" (one of Thing"));
    }

    #[test]
    fn dates_are_read_leniently_day_first_and_the_first_readable_one_counts() {
        let f =
            QueryFields { birth_dates: vec!["31/13/1961".into(), "01/02/1961".into(), "1970".into()], ..fields("x") };
        let p = parse_query(f).unwrap();
        assert_eq!(p.query.birth_date, Some("1961-02-01".parse().unwrap()));
        assert_eq!(p.left_out.len(), 1);
        assert_eq!(p.left_out[0].field, Field::BirthDate);
        for text in ["circa 1961", "12 Jan 1961", "1960 to 1963"] {
            assert!(parse_birth_date(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn countries_by_code_or_name_once_each() {
        let f = QueryFields { countries: vec!["ru".into(), "Russia".into(), "AF".into()], ..fields("x") };
        let p = parse_query(f).unwrap();
        assert_eq!(p.query.countries.len(), 2);
        assert!(p.left_out.is_empty());
    }

    #[test]
    fn unreadable_values_are_left_out_and_said_strict_refuses_them() {
        let f = QueryFields {
            schema: Some("Banana".into()),
            countries: vec!["Atlantis".into()],
            identifiers: vec![" AB123 ".into(), " ".into()],
            ..fields("Ivan Petrov")
        };
        let p = parse_query(f).unwrap();
        assert_eq!(p.query.schema, None);
        assert_eq!(p.query.identifiers, vec!["AB123".to_string()]);
        let said: Vec<Field> = p.left_out.iter().map(|e| e.field).collect();
        assert_eq!(said, vec![Field::Schema, Field::Country]);
        assert_eq!(p.strict().unwrap_err().field, Field::Schema);
    }
}
