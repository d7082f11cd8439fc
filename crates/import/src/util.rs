//! Small helpers shared by the importers: cleaning cell values and reading countries and dates
//! leniently, with a diagnostic instead of a failure when a value cannot be read.

use proscribe_model::{Country, DateValue};

/// Trims a value; empty values and OFAC's `-0-` marker become `None`.
pub fn clean(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v == "-0-" {
        None
    } else {
        Some(proscribe_model::collapse_spaces(v))
    }
}

/// Reads a country name or code; `None` for values the table does not know.
pub fn country(value: &str) -> Option<Country> {
    let v = value.trim().trim_end_matches('.');
    if v.is_empty() {
        return None;
    }
    Country::from_name(v).ok()
}

/// Reads a date as lists write it (see [`DateValue::parse_lenient`]).
pub fn date(value: &str, day_first: bool) -> Result<DateValue, String> {
    DateValue::parse_lenient(value, day_first).map_err(|e| e.to_string())
}
