//! The small language of OFAC's Remarks column: segments separated by `;`, each a labelled
//! fact (`DOB 01 Jan 1961`, `alt. DOB 1962`, `POB Baghdad, Iraq`, `nationality Iran`,
//! `Passport A123 (Iraq) expires 2010`, `Linked To: X`, `a.k.a. 'BNC'`) or free text
//! (`ICTY indictee`). The whole column ends with a period that marks the end of the record.
//! Segments that are not understood become remarks, so no text is lost.

use proscribe_model::{CountryRole, NameKind};

use super::features::{self, Fact, Target};
use crate::util;

/// Splits remarks into segments at `;` outside parentheses (a parenthesised note may hold
/// its own `;`), trimmed and without empty ones.
pub(crate) fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// Company-form words that end with a period of their own (`S.A.`, `CO.`): a remark ending in
/// one keeps it, as the end-of-record period and the abbreviation's period are the same.
const ABBREVIATIONS: &[&str] = &["co", "ltd", "inc", "corp", "llc", "bhd", "pte", "plc", "jsc", "ojsc", "cjsc", "pjsc"];

/// Drops the end-of-record period from the last segment, unless it belongs to a name that
/// ends in an abbreviation (`Linked To: PETROLEOS DE VENEZUELA, S.A.`).
fn strip_end_period(seg: &str) -> &str {
    let Some(body) = seg.strip_suffix('.') else { return seg };
    let is_link = seg.to_ascii_lowercase().starts_with("linked to:");
    let last_word = body.rsplit([' ', ',']).next().unwrap_or("");
    let abbreviation = last_word.contains('.') || ABBREVIATIONS.contains(&last_word.to_ascii_lowercase().as_str());
    if is_link && abbreviation {
        seg
    } else {
        body.trim_end()
    }
}

/// Parses a whole Remarks value into facts, each with the 1-based number of its segment.
pub(crate) fn parse(text: &str) -> Vec<(usize, Fact)> {
    let segments = split(text);
    let n = segments.len();
    segments
        .into_iter()
        .enumerate()
        .map(|(i, seg)| {
            let seg = if i + 1 == n { strip_end_period(seg) } else { seg };
            (i + 1, parse_segment(seg))
        })
        .collect()
}

/// Strips a case-insensitive ASCII prefix.
fn strip_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Removes the quotes OFAC puts around weak aliases: `'BNC'`.
fn unquote(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).unwrap_or(t).trim()
}

/// Parses one segment.
pub(crate) fn parse_segment(seg: &str) -> Fact {
    let seg = seg.trim();
    let body = strip_ci(seg, "alt. ").unwrap_or(seg).trim();
    let value = |rest: &str| rest.trim().trim_start_matches(':').trim().to_string();
    if let Some(rest) = strip_ci(body, "DOB ").or_else(|| strip_ci(body, "DOB:")) {
        return Fact::BirthDate(value(rest));
    }
    if let Some(rest) = strip_ci(body, "POB ").or_else(|| strip_ci(body, "POB:")) {
        return Fact::BirthPlace(value(rest));
    }
    if let Some(rest) = strip_ci(body, "nationality ").filter(|r| strip_ci(r, "of registration").is_none()) {
        return Fact::Country(CountryRole::Nationality, value(rest));
    }
    if let Some(rest) = strip_ci(body, "citizen ") {
        return Fact::Country(CountryRole::Citizenship, value(rest));
    }
    if let Some(name) = link_target(body) {
        return Fact::Link(name);
    }
    for (prefix, kind) in [("a.k.a.", NameKind::WeakAlias), ("f.k.a.", NameKind::Former), ("n.k.a.", NameKind::Alias)] {
        if let Some(rest) = strip_ci(body, prefix) {
            return Fact::Name(kind, unquote(rest).to_string());
        }
    }
    if let Some(rest) = strip_ci(body, "Digital Currency Address - ") {
        let (currency, address) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
        return feature(format!("Digital Currency Address - {currency}"), address.trim(), None, None);
    }
    if let Some((len, target)) = features::label_prefix(body) {
        let label = &body[..len];
        let rest = body[len..].trim().trim_start_matches(':').trim();
        if let Target::Id(_) = target {
            let (number, country, note) = split_identifier(rest);
            return feature(label.to_string(), &number, country, note);
        }
        return feature(label.to_string(), rest, None, None);
    }
    if let Some(f) = unlabelled_identifier(body) {
        return f;
    }
    Fact::Remark(seg.to_string())
}

fn feature(label: String, value: &str, country: Option<String>, note: Option<String>) -> Fact {
    Fact::Feature { label, value: value.trim().to_string(), country, note }
}

/// The name in `Linked To: X` or, as the Consolidated Screening List writes it,
/// `(Linked To: X)`.
fn link_target(body: &str) -> Option<String> {
    let inner = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
    let rest = strip_ci(inner, "Linked To:")?;
    let name = rest.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Splits an identifier's value: `A123 (Iraq) issued 01 Jan 2001 expires 2010` gives the
/// number, the issuing country as written, and the notes after it.
pub(crate) fn split_identifier(text: &str) -> (String, Option<String>, Option<String>) {
    let text = text.trim();
    if let Some((open, close)) = country_group(text) {
        let number = text[..open].trim().trim_end_matches(',').trim().to_string();
        let country = text[open + 1..close].trim().to_string();
        let note = text[close + 1..].trim().trim_start_matches(',').trim();
        return (number, Some(country), (!note.is_empty()).then(|| note.to_string()));
    }
    for word in [" issued ", " expires ", " expired ", ", issued ", ", expired "] {
        if let Some(i) = text.find(word) {
            let note = text[i..].trim().trim_start_matches(',').trim().to_string();
            return (text[..i].trim().to_string(), None, Some(note));
        }
    }
    (text.to_string(), None, None)
}

/// The byte positions of the last parenthesised group that names a country.
fn country_group(text: &str) -> Option<(usize, usize)> {
    let mut search_end = text.len();
    while let Some(close) = text[..search_end].rfind(')') {
        let open = text[..close].rfind('(')?;
        if open > 0 && util::country(&text[open + 1..close]).is_some() {
            return Some((open, close));
        }
        search_end = open;
    }
    None
}

/// A segment with a label OFAC has not used before but the shape of an identifier:
/// `Tarjeta Profesional 186785 (Colombia)`. The label is the words before the first one with a
/// digit; the value must end with a known country in parentheses.
fn unlabelled_identifier(body: &str) -> Option<Fact> {
    let (open, _) = country_group(body)?;
    let head = &body[..open];
    let first_digit_word = head.split_whitespace().position(|w| w.bytes().any(|b| b.is_ascii_digit()))?;
    let words: Vec<&str> = head.split_whitespace().collect();
    if first_digit_word == 0 || first_digit_word > 6 || !words[0].starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let label = words[..first_digit_word].join(" ");
    let rest = words[first_digit_word..].join(" ") + &body[open..];
    let (number, country, note) = split_identifier(&rest);
    Some(feature(label, &number, country, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(label: &str, value: &str, country: Option<&str>, note: Option<&str>) -> Fact {
        Fact::Feature {
            label: label.into(),
            value: value.into(),
            country: country.map(Into::into),
            note: note.map(Into::into),
        }
    }

    #[test]
    fn segments_are_read_by_table() {
        let cases: Vec<(&str, Fact)> = vec![
            ("DOB 01 Jan 1961", Fact::BirthDate("01 Jan 1961".into())),
            ("alt. DOB 1962", Fact::BirthDate("1962".into())),
            ("DOB circa 1951", Fact::BirthDate("circa 1951".into())),
            ("POB Baghdad, Iraq", Fact::BirthPlace("Baghdad, Iraq".into())),
            ("nationality Iran", Fact::Country(CountryRole::Nationality, "Iran".into())),
            ("alt. nationality Korea, North", Fact::Country(CountryRole::Nationality, "Korea, North".into())),
            ("citizen Iran", Fact::Country(CountryRole::Citizenship, "Iran".into())),
            ("Passport A123 (Iraq) expires 2010", f("Passport", "A123", Some("Iraq"), Some("expires 2010"))),
            (
                "Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004",
                f("Passport", "G025057", None, Some("issued 23 Jun 1999 expires 05 Feb 2004")),
            ),
            ("National ID No. 660000 73767 (Belgium)", f("National ID No.", "660000 73767", Some("Belgium"), None)),
            ("Cedula No. 16247821 (Colombia)", f("Cedula No.", "16247821", Some("Colombia"), None)),
            ("Tax ID No. 100036386 (Serbia)", f("Tax ID No.", "100036386", Some("Serbia"), None)),
            (
                "Registration Number 02696754 (United Kingdom)",
                f("Registration Number", "02696754", Some("United Kingdom"), None),
            ),
            (
                "Public Registration Number 467323, Doc. 694710 (Panama)",
                f("Public Registration Number", "467323, Doc. 694710", Some("Panama"), None),
            ),
            (
                "Vessel Registration Identification IMO 1234567",
                f("Vessel Registration Identification", "IMO 1234567", None, None),
            ),
            ("MMSI 572469210", f("MMSI", "572469210", None, None)),
            ("Gender Male", f("Gender", "Male", None, None)),
            ("Website www.cbr.ru", f("Website", "www.cbr.ru", None, None)),
            ("alt. Email Address Wrfl77@hotmail.com", f("Email Address", "Wrfl77@hotmail.com", None, None)),
            ("Telephone: 0097282851500", f("Telephone", "0097282851500", None, None)),
            ("Linked To: HIZBALLAH", Fact::Link("HIZBALLAH".into())),
            ("(Linked To: MAHAN AIR)", Fact::Link("MAHAN AIR".into())),
            ("a.k.a. 'BNC'", Fact::Name(NameKind::WeakAlias, "BNC".into())),
            ("f.k.a. 'ANA I'", Fact::Name(NameKind::Former, "ANA I".into())),
            (
                "Additional Sanctions Information - Subject to Secondary Sanctions",
                Fact::Remark("Additional Sanctions Information - Subject to Secondary Sanctions".into()),
            ),
            (
                "Organization Established Date 17 Dec 2016",
                f("Organization Established Date", "17 Dec 2016", None, None),
            ),
            (
                "Organization Type: Construction of buildings",
                f("Organization Type", "Construction of buildings", None, None),
            ),
            (
                "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
                f("Digital Currency Address - XBT", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", None, None),
            ),
            ("Aircraft Model IL76-TD", f("Aircraft Model", "IL76-TD", None, None)),
            ("Former Vessel Flag Malta", f("Former Vessel Flag", "Malta", None, None)),
            ("Nationality of Registration Russia", f("Nationality of Registration", "Russia", None, None)),
            (
                "Tarjeta Profesional 186785 (Abogado) (Colombia)",
                f("Tarjeta Profesional", "186785 (Abogado)", Some("Colombia"), None),
            ),
            ("ICTY indictee", Fact::Remark("ICTY indictee".into())),
            ("Major General", Fact::Remark("Major General".into())),
            (
                "Director of Main Street 1095 Proprietary Limited",
                Fact::Remark("Director of Main Street 1095 Proprietary Limited".into()),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_segment(input), expected, "segment {input:?}");
        }
    }

    #[test]
    fn whole_remarks_split_and_drop_the_end_period() {
        let facts = parse("DOB 01 Jan 1961; alt. DOB 1962; POB Baghdad, Iraq; a.k.a. 'ABU ALI'.");
        let got: Vec<Fact> = facts.into_iter().map(|(_, f)| f).collect();
        assert_eq!(
            got,
            vec![
                Fact::BirthDate("01 Jan 1961".into()),
                Fact::BirthDate("1962".into()),
                Fact::BirthPlace("Baghdad, Iraq".into()),
                Fact::Name(NameKind::WeakAlias, "ABU ALI".into()),
            ]
        );
        let facts = parse("Linked To: PETROLEOS DE VENEZUELA, S.A.");
        assert_eq!(facts[0].1, Fact::Link("PETROLEOS DE VENEZUELA, S.A.".into()));
        let facts = parse("Linked To: HAMAS.");
        assert_eq!(facts[0].1, Fact::Link("HAMAS".into()));
        // A parenthesised note keeps its own semicolons.
        assert_eq!(split("a (b; c); d"), vec!["a (b; c)", "d"]);
    }

    #[test]
    fn identifier_values_split() {
        assert_eq!(split_identifier("A123"), ("A123".into(), None, None));
        assert_eq!(
            split_identifier("AO 2879097 (Italy) expires 30 Oct 2012"),
            ("AO 2879097".into(), Some("Italy".into()), Some("expires 30 Oct 2012".into()))
        );
        assert_eq!(
            split_identifier("4117921 issued under the name Dilawar Khan"),
            ("4117921".into(), None, Some("issued under the name Dilawar Khan".into()))
        );
    }
}
