//! Small helpers shared by the importers: cleaning cell values and reading countries and dates
//! leniently, with a diagnostic instead of a failure when a value cannot be read; and reading
//! free-text cells that list alternatives (`a) Pakistani b) Saudi Arabian`), as the DFAT and
//! UK lists write them.

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

/// What was read from a free-text date or country cell.
#[derive(Debug, PartialEq)]
pub(crate) struct Read<T> {
    /// The values read.
    pub values: Vec<T>,
    /// Parts that could not be read.
    pub unread: Vec<String>,
    /// Whether qualifying text (a parenthesis, "this aka only") was set aside.
    pub noted: bool,
}

impl<T> Default for Read<T> {
    fn default() -> Self {
        Read { values: Vec::new(), unread: Vec::new(), noted: false }
    }
}

#[cfg(test)]
impl<T: std::fmt::Display> Read<T> {
    /// The values, then the unread parts marked `!`, then `noted` if so, joined by spaces.
    pub(crate) fn summary(&self) -> String {
        let mut s: Vec<String> = self.values.iter().map(T::to_string).collect();
        s.extend(self.unread.iter().map(|u| format!("!{u}")));
        if self.noted {
            s.push("noted".into());
        }
        s.join(" ")
    }
}

/// Splits a cell into its alternatives: lettered or numbered items (`a) x b) y`, `(1) x
/// (2) y`, `1) x`), `;` and line breaks. Items are trimmed of spaces and trailing commas.
pub(crate) fn split_items(text: &str) -> Vec<String> {
    let text = text.replace(['\u{a0}', '\r'], " ").replace("_x000D_", "").replace('\n', ";");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = marker_at(&chars, i) {
            out.push('\u{1}');
            i += len;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out.split(['\u{1}', ';'])
        .map(|s| s.trim().trim_end_matches(',').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The length of an item marker starting at `i`: a lettered `a)` or a parenthesised `(a)`,
/// `(12)` or range `(1)-(2)`, at the start of the text or after a space or separator. Bare
/// numbers (`41)`) are no markers: they end parenthesised text such as `(Apt 41)`.
fn marker_at(chars: &[char], i: usize) -> Option<usize> {
    let boundary = i == 0 || matches!(chars[i - 1], ' ' | ';' | ',' | '\t' | '-');
    if !boundary {
        return None;
    }
    let open = chars[i] == '(';
    let label = i + usize::from(open);
    let mut j = label;
    if chars.get(j).is_some_and(|c| c.is_ascii_lowercase()) {
        j += 1;
    } else if open {
        while j - label < 2 && chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
    }
    if j == label || chars.get(j) != Some(&')') {
        return None;
    }
    j += 1;
    if open && chars.get(j) == Some(&'-') {
        if let Some(len) = marker_at(chars, j + 1).filter(|_| chars.get(j + 1) == Some(&'(')) {
            j += 1 + len;
        }
    }
    Some(j - i)
}

/// Removes parenthesised text (and an unclosed parenthesis to the end); says whether there
/// was any.
pub(crate) fn strip_parentheses(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut found = false;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                found = true;
            }
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (proscribe_model::collapse_spaces(&out), found)
}

/// Reads the countries of a free-text cell: a country name or nationality adjective, or
/// several joined by item markers, `;`, `/`, `,` or ` and ` (`Russian and Ukrainian`,
/// `a) Pakistani b) Saudi Arabian`). A whole value that names one country (`Trinidad and
/// Tobago`) is not split.
pub(crate) fn read_countries(text: &str) -> Read<Country> {
    let mut out = Read::default();
    for item in split_items(text) {
        let (clean, noted) = strip_parentheses(&item);
        out.noted |= noted;
        read_country_item(&clean, &mut out, 0);
    }
    out.values.dedup();
    out
}

fn read_country_item(text: &str, out: &mut Read<Country>, depth: usize) {
    let t = text.trim().trim_matches(|c: char| c == '.' || c == ',' || c == ';' || c.is_whitespace());
    if t.is_empty() || is_not_available(t) {
        return;
    }
    if let Some(c) = country(t) {
        if !out.values.contains(&c) {
            out.values.push(c);
        }
        return;
    }
    let seps: [&str; 4] = ["/", ",", " and ", " & "];
    if depth < seps.len() {
        let parts: Vec<&str> = t.split(seps[depth]).collect();
        if parts.len() > 1 {
            for p in parts {
                read_country_item(p, out, depth + 1);
            }
        } else {
            read_country_item(t, out, depth + 1);
        }
        return;
    }
    out.unread.push(t.to_string());
}

/// The country at the end of a place or address (`Kandahar Province, Afghanistan`).
pub(crate) fn place_country(text: &str) -> Option<Country> {
    let last = text.rsplit(',').next()?;
    country(&strip_parentheses(last).0)
}

/// `na`, `n/a`, `NA`, `n.a.`, `-`: "not available" in a free-text cell.
pub(crate) fn is_not_available(text: &str) -> bool {
    matches!(text.trim().to_lowercase().as_str(), "na" | "n/a" | "n.a." | "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizenship_texts() {
        let cases = [
            ("Afghanistan", "af"),
            ("Russian and Ukrainian", "ru ua"),
            ("a) Pakistani       b) Saudi Arabian", "pk sa"),
            ("Trinidad and Tobago", "tt"),
            ("Malian / Mauritanian", "ml mr"),
            ("Moldovan, Russian and Ukrainian", "md ru ua"),
            ("Somalia;\nKenya", "so ke"),
            ("a) Russian\u{a0} b) USSR (until 1991)\u{a0}\u{a0}", "ru noted"),
            ("Saudi Arabian (this aka only, alt Citizenship Yemeni)", "sa noted"),
            ("Kuwaiti citizenship withdrawn in 2002", "!Kuwaiti citizenship withdrawn in 2002"),
            ("(1) German (2) Moroccan", "de ma"),
            ("(1)-(2) Indonesia", "id"),
            ("United Kingdom of Great Britain and Northern Ireland", "gb"),
            ("na", ""),
        ];
        for (text, expect) in cases {
            assert_eq!(read_countries(text).summary(), expect, "{text:?}");
        }
    }

    #[test]
    fn items_split_at_markers() {
        assert_eq!(
            split_items("a) Naw Deh village, Uruzgan Province, Afghanistan b) Noori Village, Afghanistan"),
            ["Naw Deh village, Uruzgan Province, Afghanistan", "Noori Village, Afghanistan"]
        );
        assert_eq!(split_items("Kabul (a) x"), ["Kabul", "x"]);
        assert_eq!(split_items("Pashmul village, Panjwai District"), ["Pashmul village, Panjwai District"]);
    }
}
