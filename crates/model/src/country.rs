//! Countries as ISO 3166-1 alpha-2 codes, read from the names lists actually use
//! ("Korea, North", "Iran (Islamic Republic of)", "Burma / Birmanie", "Türkiye"). The table is
//! `countries.txt` beside this file: one code a line with its names.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Error;

/// An ISO 3166-1 alpha-2 country code (plus `XK` for Kosovo), written in lower case as
/// FollowTheMoney does (`ru`, `af`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

struct Table {
    by_code: HashMap<[u8; 2], &'static str>,
    by_name: HashMap<String, [u8; 2]>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut by_code = HashMap::new();
        let mut by_name = HashMap::new();
        for line in include_str!("countries.txt").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut fields = line.split('|');
            let code = fields.next().expect("code").as_bytes();
            let code = [code[0].to_ascii_lowercase(), code[1].to_ascii_lowercase()];
            let names: Vec<&'static str> = fields.collect();
            // A code may have more than one line (nationality adjectives are listed apart);
            // its first line gives the English short name.
            by_code.entry(code).or_insert(names[0]);
            for name in names {
                by_name.insert(fold(name).into_owned(), code);
            }
        }
        Table { by_code, by_name }
    })
}

/// Folds a country name for lookup: lower case, letters and digits only, single spaces, and a
/// leading "the" dropped.
fn fold(name: &str) -> Cow<'_, str> {
    // A single word in lower-case ASCII (a token of a name) is folded already.
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'å' | 'Å' | 'Á' => 'a',
            'é' | 'è' | 'É' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ü' | 'ú' => 'u',
            'ç' => 'c',
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() && c != '\'' && c != '.' {
            out.push(' ');
        }
    }
    let out = out.trim_end();
    Cow::Owned(out.strip_prefix("the ").unwrap_or(out).to_string())
}

impl Country {
    /// The country with this alpha-2 code (any case).
    pub fn from_code(code: &str) -> Result<Country, Error> {
        Country::find_code(code).ok_or_else(|| Error::UnknownCountry(code.trim().to_string()))
    }

    /// [`Country::from_code`] without the error.
    fn find_code(code: &str) -> Option<Country> {
        let b = code.trim().as_bytes();
        if b.len() == 2 {
            let key = [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()];
            if table().by_code.contains_key(&key) {
                return Some(Country(key));
            }
        }
        None
    }

    /// The country a list means by `name`: an English name or variant from the table, or an
    /// alpha-2 code.
    pub fn from_name(name: &str) -> Result<Country, Error> {
        Country::find_name(name).ok_or_else(|| Error::UnknownCountry(name.trim().to_string()))
    }

    /// [`Country::from_name`] for callers that only ask whether `name` names a country: no
    /// error is made for the many words that do not.
    pub fn find_name(name: &str) -> Option<Country> {
        match table().by_name.get(fold(name).as_ref()) {
            Some(code) => Some(Country(*code)),
            None => Country::find_code(name),
        }
    }

    /// The lower-case alpha-2 code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii")
    }

    /// The English short name.
    pub fn name(&self) -> &'static str {
        table().by_code[&self.0]
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Country {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Country::from_code(&s)
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.code().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Country;

    #[test]
    fn list_spellings_resolve() {
        let cases = [
            ("Afghanistan", "af"),
            ("Korea, North", "kp"),
            ("Democratic People's Republic of Korea", "kp"),
            ("Iran (Islamic Republic of)", "ir"),
            ("Burma / Birmanie", "mm"),
            ("Türkiye", "tr"),
            ("the Netherlands", "nl"),
            ("Congo, Democratic Republic of the", "cd"),
            ("Democratic Republic of the Congo", "cd"),
            ("RU", "ru"),
            ("  united kingdom ", "gb"),
        ];
        for (name, code) in cases {
            assert_eq!(Country::from_name(name).map(|c| c.to_string()).ok().as_deref(), Some(code), "{name}");
        }
        assert!(Country::from_name("Atlantis").is_err());
        // Nationality adjectives resolve, and do not replace a country's English name.
        for (adjective, code) in [("Syrian", "sy"), ("Afghan", "af"), ("British", "gb"), ("Saudi Arabian", "sa")] {
            assert_eq!(Country::from_name(adjective).map(|c| c.to_string()).ok().as_deref(), Some(code), "{adjective}");
        }
        assert_eq!(Country::from_code("sy").unwrap().name(), "Syria");
        // Adjectives that name more than one country are left out on purpose.
        assert!(Country::from_name("Congolese").is_err());
        assert!(Country::from_code("zz").is_err());
        assert_eq!(Country::from_code("AF").unwrap().name(), "Afghanistan");
    }
}
