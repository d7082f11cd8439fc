//! Dates as sanctions lists give them: of uncertain precision (a year, a month, a day),
//! approximate ("circa 1965"), a range ("between 1960 and 1963"), or reported differently by
//! different sources. `PartialDate` is one date at some precision; `DateValue` adds the
//! uncertainty. Both read and write a compact text form (`2005-03-15`, `2005-03`, `~1965`,
//! `1960/1963`, `2005-03-15|2015`) that stays readable in YAML, JSON and CSV.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

/// How precisely a `PartialDate` is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Only the year is known.
    Year,
    /// Year and month are known.
    Month,
    /// The full date is known.
    Day,
}

/// Number of days in `month` of `year` (proleptic Gregorian calendar).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl PartialDate {
    /// A date known to the year.
    pub fn year(year: i32) -> Result<Self, Error> {
        Self::new(year, None, None)
    }

    /// A date known to the month.
    pub fn year_month(year: i32, month: u8) -> Result<Self, Error> {
        Self::new(year, Some(month), None)
    }

    /// A full date.
    pub fn ymd(year: i32, month: u8, day: u8) -> Result<Self, Error> {
        Self::new(year, Some(month), Some(day))
    }

    /// Checks the parts and builds the date; a day needs a month.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<Self, Error> {
        let bad = |why: String| Err(Error::InvalidDate(why));
        if !(1000..=2999).contains(&year) {
            return bad(format!("year {year} is out of range 1000-2999"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return bad(format!("month {m} is not 1-12"));
            }
        }
        match (month, day) {
            (None, Some(_)) => bad("a day without a month".into()),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => {
                bad(format!("day {d} does not exist in {year}-{m:02}"))
            }
            _ => Ok(Self { year, month, day }),
        }
    }

    /// The year.
    pub fn get_year(&self) -> i32 {
        self.year
    }

    /// The month, when known.
    pub fn get_month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, when known.
    pub fn get_day(&self) -> Option<u8> {
        self.day
    }

    /// How precisely this date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The first day this date may stand for (`1961` → `1961-01-01`).
    pub fn earliest(&self) -> PartialDate {
        let m = self.month.unwrap_or(1);
        PartialDate { year: self.year, month: Some(m), day: Some(self.day.unwrap_or(1)) }
    }

    /// The last day this date may stand for (`1961-02` → `1961-02-28`).
    pub fn latest(&self) -> PartialDate {
        let m = self.month.unwrap_or(12);
        let d = self.day.unwrap_or_else(|| days_in_month(self.year, m));
        PartialDate { year: self.year, month: Some(m), day: Some(d) }
    }

    /// Whether this date and `other` can stand for the same day (`1961` and `1961-05-02` can).
    pub fn overlaps(&self, other: &PartialDate) -> bool {
        self.earliest() <= other.latest() && other.earliest() <= self.latest()
    }

    fn key(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PartialDate {
    /// Orders by the parts that are known, a less precise date before a more precise one in
    /// the same period (`1961` < `1961-01` < `1961-01-01`).
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and the first ten characters of an ISO
    /// timestamp (`2026-02-27T00:00:09Z`).
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let s = match s.find('T') {
            Some(i) if i >= 10 => &s[..i],
            _ => s,
        };
        let invalid = || Error::InvalidDate(format!("{s:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
        let mut parts = s.split('-');
        let year = parts.next().filter(|p| p.len() == 4).and_then(|p| p.parse().ok()).ok_or_else(invalid)?;
        let month = match parts.next() {
            Some(p) if p.len() == 2 => Some(p.parse().map_err(|_| invalid())?),
            Some(_) => return Err(invalid()),
            None => None,
        };
        let day = match parts.next() {
            Some(p) if p.len() == 2 => Some(p.parse().map_err(|_| invalid())?),
            Some(_) => return Err(invalid()),
            None => None,
        };
        if parts.next().is_some() {
            return Err(invalid());
        }
        PartialDate::new(year, month, day)
    }
}

impl TryFrom<String> for PartialDate {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

/// A date with its uncertainty, as a list or a report states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DateValue {
    /// On this date, at its precision: `1961-05`.
    On(PartialDate),
    /// About this date: `~1961`.
    Circa(PartialDate),
    /// Some time between two dates, inclusive: `1960/1963`.
    Between(PartialDate, PartialDate),
    /// Sources disagree; each of these dates was reported: `2005-03-15|2015`.
    Reported(Vec<PartialDate>),
}

/// Whether an event with an uncertain date had happened by a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// It had certainly happened by then.
    Certain,
    /// It may have happened by then, depending on which reading of the date is right.
    Possible,
}

impl DateValue {
    /// The first day the value may stand for.
    pub fn earliest(&self) -> PartialDate {
        match self {
            DateValue::On(d) => d.earliest(),
            // "circa" widens by one year either side: lists use it for a guess of the year.
            DateValue::Circa(d) => PartialDate { year: d.year - 1, ..d.earliest() },
            DateValue::Between(a, _) => a.earliest(),
            DateValue::Reported(ds) => ds.iter().map(|d| d.earliest()).min().expect("non-empty"),
        }
    }

    /// The last day the value may stand for.
    pub fn latest(&self) -> PartialDate {
        match self {
            DateValue::On(d) => d.latest(),
            DateValue::Circa(d) => {
                let l = d.latest();
                PartialDate { year: d.year + 1, ..l }.clamped()
            }
            DateValue::Between(_, b) => b.latest(),
            DateValue::Reported(ds) => ds.iter().map(|d| d.latest()).max().expect("non-empty"),
        }
    }

    /// The most likely single date: the date itself, the start of a range, or the first
    /// reported date.
    pub fn primary(&self) -> PartialDate {
        match self {
            DateValue::On(d) | DateValue::Circa(d) | DateValue::Between(d, _) => *d,
            DateValue::Reported(ds) => ds[0],
        }
    }

    /// Whether the value can stand for a day within `date` (at the precision of `date`).
    pub fn overlaps(&self, date: &PartialDate) -> bool {
        self.earliest() <= date.latest() && date.earliest() <= self.latest()
    }

    /// Whether an event on this date had happened by the end of `day`: certainly, possibly
    /// (the value straddles `day`), or not at all (`None`).
    pub fn happened_by(&self, day: &PartialDate) -> Option<Certainty> {
        if self.latest() <= day.latest() {
            Some(Certainty::Certain)
        } else if self.earliest() <= day.latest() {
            Some(Certainty::Possible)
        } else {
            None
        }
    }

    /// Reads a date the way lists write them, more leniently than `FromStr`: `1961`,
    /// `Jan 1961`, `12 Jan 1961`, `12 January 1961`, `1961-01-12`, `12/01/1961` (day first
    /// when `day_first`, else month first), `circa 1961`, `1960 to 1963`,
    /// `between 1960 and 1963`, `1961-1963`, and ISO timestamps.
    pub fn parse_lenient(text: &str, day_first: bool) -> Result<DateValue, Error> {
        let raw = text.trim().trim_end_matches('.').trim();
        let lower = raw.to_ascii_lowercase();
        if let Ok(v) = raw.parse::<DateValue>() {
            return Ok(v);
        }
        for prefix in ["circa", "ca.", "approximately", "approx.", "about", "c."] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                return match DateValue::parse_lenient(rest, day_first)? {
                    DateValue::On(d) => Ok(DateValue::Circa(d)),
                    other => Ok(other),
                };
            }
        }
        let lower = lower.strip_prefix("between ").unwrap_or(&lower).to_string();
        for sep in [" to ", " and ", " - ", "–"] {
            if let Some((a, b)) = lower.split_once(sep) {
                let a = parse_one_lenient(a, day_first)?;
                let b = parse_one_lenient(b, day_first)?;
                return DateValue::between(a, b);
            }
        }
        // 1961-1963: two bare years joined by a hyphen.
        if let Some((a, b)) = lower.split_once('-') {
            if a.len() == 4 && b.len() == 4 && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) {
                return DateValue::between(a.parse()?, b.parse()?);
            }
        }
        Ok(DateValue::On(parse_one_lenient(&lower, day_first)?))
    }

    /// A range, checked to run forwards.
    pub fn between(from: PartialDate, to: PartialDate) -> Result<DateValue, Error> {
        if to.latest() < from.earliest() {
            return Err(Error::InvalidDate(format!("range {from}/{to} ends before it starts")));
        }
        Ok(DateValue::Between(from, to))
    }
}

impl PartialDate {
    fn clamped(self) -> PartialDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) if d > days_in_month(self.year, m) => {
                PartialDate { day: Some(days_in_month(self.year, m)), ..self }
            }
            _ => self,
        }
    }
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn month_from_name(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    let pos = MONTHS.iter().position(|m| w.starts_with(m))?;
    // "sept" and full names are fine; reject words that only share the first letters.
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][pos];
    (full.starts_with(w) || w == "sept").then_some(pos as u8 + 1)
}

fn parse_one_lenient(text: &str, day_first: bool) -> Result<PartialDate, Error> {
    let t = text.trim().trim_end_matches('.').trim();
    let invalid = || Error::InvalidDate(format!("{:?} is not a date", text.trim()));
    if let Ok(d) = t.parse::<PartialDate>() {
        return Ok(d);
    }
    // dd/mm/yyyy, mm/dd/yyyy, dd.mm.yyyy, mm/yyyy
    for sep in ['/', '.'] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
            let num = |s: &str| s.parse::<u32>().map_err(|_| invalid());
            return match parts.as_slice() {
                [a, b, y] if y.len() == 4 => {
                    let (d, m) = if day_first { (num(a)?, num(b)?) } else { (num(b)?, num(a)?) };
                    PartialDate::ymd(num(y)? as i32, m as u8, d as u8)
                }
                [m, y] if y.len() == 4 => PartialDate::year_month(num(y)? as i32, num(m)? as u8),
                _ => Err(invalid()),
            };
        }
    }
    // 12 Jan 1961, Jan 1961, January 12, 1961
    let words: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let year = |w: &str| -> Option<i32> { (w.len() == 4).then(|| w.parse().ok()).flatten() };
    match words.as_slice() {
        [y] => year(y).map(PartialDate::year).unwrap_or_else(|| Err(invalid())),
        [m, y] => match (month_from_name(m), year(y)) {
            (Some(m), Some(y)) => PartialDate::year_month(y, m),
            _ => Err(invalid()),
        },
        [a, b, y] => {
            let y = year(y).ok_or_else(invalid)?;
            let (d, m) = match (a.parse::<u8>(), month_from_name(b), month_from_name(a), b.parse::<u8>()) {
                (Ok(d), Some(m), _, _) => (d, m),
                (_, _, Some(m), Ok(d)) => (d, m),
                _ => return Err(invalid()),
            };
            PartialDate::ymd(y, m, d)
        }
        _ => Err(invalid()),
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::On(d) => write!(f, "{d}"),
            DateValue::Circa(d) => write!(f, "~{d}"),
            DateValue::Between(a, b) => write!(f, "{a}/{b}"),
            DateValue::Reported(ds) => {
                for (i, d) in ds.iter().enumerate() {
                    if i > 0 {
                        f.write_str("|")?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for DateValue {
    type Err = Error;

    /// Reads the compact form written by `Display`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('~') {
            return Ok(DateValue::Circa(rest.parse()?));
        }
        if s.contains('|') {
            let ds = s.split('|').map(str::parse).collect::<Result<Vec<PartialDate>, _>>()?;
            return Ok(DateValue::Reported(ds));
        }
        if let Some((a, b)) = s.split_once('/') {
            return DateValue::between(a.parse()?, b.parse()?);
        }
        Ok(DateValue::On(s.parse()?))
    }
}

impl TryFrom<String> for DateValue {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<DateValue> for String {
    fn from(d: DateValue) -> String {
        d.to_string()
    }
}

impl From<PartialDate> for DateValue {
    fn from(d: PartialDate) -> DateValue {
        DateValue::On(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, day_first: bool, expect: &str) {
        let got = match DateValue::parse_lenient(input, day_first) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn lenient_forms() {
        check("1961", true, "1961");
        check("12 Jan 1961", true, "1961-01-12");
        check("12 January 1961", true, "1961-01-12");
        check("Jan 1961", true, "1961-01");
        check("January 12, 1961", true, "1961-01-12");
        check("1961-01-12", true, "1961-01-12");
        check("2026-02-27T00:00:09.554Z", true, "2026-02-27");
        check("12/01/1961", true, "1961-01-12");
        check("06/19/2003", false, "2003-06-19");
        check("circa 1961", true, "~1961");
        check("circa 1960 to 1963", true, "1960/1963");
        check("1960 to 1963", true, "1960/1963");
        check("Between 1960 and 1963", true, "1960/1963");
        check("1960-1963", true, "1960/1963");
        check("31 Feb 1961", true, "error: invalid date: day 31 does not exist in 1961-02");
        check("1963 to 1960", true, "error: invalid date: range 1963/1960 ends before it starts");
        check("soon", true, "error: invalid date: \"soon\" is not a date");
        check("Marchy 1961", true, "error: invalid date: \"marchy 1961\" is not a date");
    }

    #[test]
    fn compact_form_round_trips() {
        for s in ["2005", "2005-03", "2005-03-15", "~1965", "1960/1963", "2005-03-15|2015"] {
            let v: DateValue = s.parse().unwrap();
            assert_eq!(v.to_string(), s);
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<DateValue>(&json).unwrap(), v);
        }
    }

    #[test]
    fn bounds_and_certainty() {
        let v: DateValue = "2005-03-15|2015".parse().unwrap();
        assert_eq!(v.earliest().to_string(), "2005-03-15");
        assert_eq!(v.latest().to_string(), "2015-12-31");
        let d = |s: &str| s.parse::<PartialDate>().unwrap();
        assert_eq!(v.happened_by(&d("2004-12-31")), None);
        assert_eq!(v.happened_by(&d("2010-01-01")), Some(Certainty::Possible));
        assert_eq!(v.happened_by(&d("2016-01-01")), Some(Certainty::Certain));
        let feb: DateValue = "2024-02".parse().unwrap();
        assert_eq!(feb.latest().to_string(), "2024-02-29");
        assert!(feb.overlaps(&d("2024-02-10")));
        assert!(!feb.overlaps(&d("2024-03-01")));
        let circa: DateValue = "~1965".parse().unwrap();
        assert!(circa.overlaps(&d("1964")) && circa.overlaps(&d("1966")) && !circa.overlaps(&d("1967")));
    }

    #[test]
    fn ordering_puts_less_precise_first() {
        let mut v: Vec<PartialDate> =
            ["1961-01-01", "1961", "1960-12", "1961-01"].iter().map(|s| s.parse().unwrap()).collect();
        v.sort();
        let got: Vec<String> = v.iter().map(|d| d.to_string()).collect();
        assert_eq!(got, ["1960-12", "1961", "1961-01", "1961-01-01"]);
    }
}
