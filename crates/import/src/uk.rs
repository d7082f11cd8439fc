//! The `uk-conlist` format: the UK Consolidated List of Financial Sanctions Targets as HM
//! Treasury's OFSI publishes it in CSV (`ConList.csv`). The first line is
//! `Last Updated,DD/MM/YYYY`; then a header (`Name 6,Name 1,...,Group ID`) and one row per
//! name. Rows of one target share a `Group ID` and repeat its details, with one row for each
//! further date of birth or address; they are not adjacent (the file is sorted by name).
//!
//! Each group becomes one entity `uk-ofsi-<Group ID>`:
//! - names: `Name 1`..`Name 5` are given and middle names, `Name 6` the family name (or the
//!   whole name of an entity or ship); `Alias Type` (`Primary name`, `Primary name
//!   variation`, `AKA`, `FKA`) and `Alias Quality` (`Low quality` makes a weak alias) give the
//!   kind; `Name Non-Latin Script` is the name in original script, with its language;
//! - `DOB` is day first with `00` for an unknown day or month (`00/00/1961` is 1961);
//! - `Town of Birth`/`Country of Birth`, `Nationality`, passports, national identification
//!   numbers, `Position`, addresses (`Address 1`..`6`, `Post/Zip Code`, `Country`) and
//!   `Other Information`, whose `UN Ref TAi.026` becomes `same_as` `un-tai-026`;
//! - the designation: `Regime` as program, `Listed On` as listing date, `Group ID` as
//!   reference; `UK Sanctions List Date Designated` and `Last Updated` are kept as the
//!   properties `dateDesignated` and `modifiedAt`.
//!
//! Memory: because a group's rows are spread over the file, the entities are built in memory
//! and passed on, in the order of their first rows, once the file is read.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use proscribe_model::{
    slug, Address, Authority, AuthorityKind, Country, CountryRole, DateFact, DateValue, Designation, Entity, IdKind,
    Identifier, ListInfo, ListKind, Name, NameKind, NamePart, PartKind, PartialDate, Place, Schema, SourceInfo, Text,
};

use crate::util::{place_country, read_countries, split_items, strip_parentheses};
use crate::{input, util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `uk-conlist` format: OFSI's ConList.csv.
#[derive(Debug)]
pub struct UkConList;

const SOURCE: &str = "uk-ofsi";

impl Format for UkConList {
    fn name(&self) -> &'static str {
        "uk-conlist"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let text = sample.text();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next()?;
        let header = if first.starts_with("Last Updated") { lines.next()? } else { first };
        let header = header.trim_start_matches('\u{feff}');
        (header.starts_with("Name 6,Name 1,Name 2") && header.contains("Group ID")).then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        SOURCE.into()
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let path = job.path.as_path();
        let file = path.display().to_string();
        let mut report = Report::new(source_info(&job.source_id, self.name()));
        let lines = LineIndex::default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(lines.reader(input::open_csv_text(path, b',', &job.limits)?));
        let mut columns: Option<Columns> = None;
        let mut groups = Groups::default();
        let mut record = csv::StringRecord::new();
        loop {
            let line = lines.line_of(reader.position().byte());
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(path, line, e)),
            }
            let line = record.position().map(|p| lines.line_of(p.byte())).unwrap_or(line);
            let Some(cols) = &columns else {
                columns = read_preamble(&record, path, line, &mut report)?;
                continue;
            };
            if record.len() != cols.count {
                return Err(Error::malformed(
                    path,
                    Some(line),
                    None,
                    format!("the row has {} fields, the header has {}", record.len(), cols.count),
                ));
            }
            groups.add(cols, &record, line, &file, &mut report);
        }
        if columns.is_none() {
            return Err(Error::malformed(path, Some(1), None, "no header row (Name 6,Name 1,...,Group ID)"));
        }
        if groups.order.is_empty() {
            return Err(Error::Empty { path: file });
        }
        for gid in std::mem::take(&mut groups.order) {
            if let Some(draft) = groups.drafts.remove(&gid) {
                let line = draft.line;
                report.emit(sink, draft.finish(), line)?;
            }
        }
        Ok(report)
    }
}

fn source_info(id: &str, format: &str) -> SourceInfo {
    SourceInfo {
        id: id.to_string(),
        title: "UK Consolidated List of Financial Sanctions Targets (HM Treasury OFSI)".into(),
        format: format.into(),
        published: None,
        authorities: vec![Authority {
            id: "uk-ofsi".into(),
            name: "Office of Financial Sanctions Implementation, HM Treasury".into(),
            country: Country::from_code("gb").ok(),
            kind: AuthorityKind::Agency,
        }],
        lists: vec![ListInfo {
            id: "uk-ofsi".into(),
            title: "Consolidated List of Financial Sanctions Targets in the UK".into(),
            authority: "uk-ofsi".into(),
            kind: ListKind::Sanctions,
            url: Some(
                "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets".into(),
            ),
        }],
    }
}

/// The offsets of the line breaks read so far, to turn a record's byte offset into its line.
/// The csv crate's own line count lags one line behind after a CRLF line end (the position it
/// reports is that of the `\n`), and OFSI's files end lines with CRLF.
#[derive(Default, Clone)]
struct LineIndex {
    newlines: Rc<RefCell<Vec<u64>>>,
}

impl LineIndex {
    fn reader<R: Read>(&self, inner: R) -> LineCounting<R> {
        LineCounting { inner, offset: 0, newlines: Rc::clone(&self.newlines) }
    }

    /// The 1-based line of the record starting at `byte` (or at the line break before it).
    fn line_of(&self, byte: u64) -> u64 {
        let newlines = self.newlines.borrow();
        let before = newlines.partition_point(|&n| n < byte) as u64;
        let at_break = newlines.binary_search(&byte).is_ok() as u64;
        1 + before + at_break
    }
}

/// A reader that notes where its line breaks are.
struct LineCounting<R> {
    inner: R,
    offset: u64,
    newlines: Rc<RefCell<Vec<u64>>>,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                newlines.push(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_error(path: &Path, line: u64, e: csv::Error) -> Error {
    if let csv::ErrorKind::Io(io) = e.into_kind() {
        return input::read_error(path, io);
    }
    Error::malformed(path, Some(line), None, "unreadable CSV")
}

/// Reads the `Last Updated` line (setting the publication date) or the header. Returns the
/// columns once the header is read.
fn read_preamble(
    record: &csv::StringRecord,
    path: &Path,
    line: u64,
    report: &mut Report,
) -> Result<Option<Columns>, Error> {
    let first = record.get(0).unwrap_or_default().trim().trim_end_matches(':');
    if first == "Last Updated" {
        let value = record.iter().skip(1).find(|v| !v.trim().is_empty()).unwrap_or_default();
        match uk_date(value) {
            Ok(d) => report.source.published = Some(d.to_string()),
            Err(e) => {
                report.skip(&path.display().to_string(), Some(line), None, format!("Last Updated {value:?}: {e}"))
            }
        }
        return Ok(None);
    }
    let names: Vec<String> = record.iter().map(proscribe_model::collapse_spaces).collect();
    for required in ["Name 6", "Group Type", "Group ID"] {
        if !names.iter().any(|n| n == required) {
            return Err(Error::malformed(path, Some(line), None, format!("the header has no column {required:?}")));
        }
    }
    let by_name = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    Ok(Some(Columns { by_name, count: names.len() }))
}

/// Column positions by header name.
struct Columns {
    by_name: HashMap<String, usize>,
    count: usize,
}

impl Columns {
    /// The cleaned value of a column, when the file has it and the cell is not empty.
    fn get(&self, row: &csv::StringRecord, name: &str) -> Option<String> {
        self.by_name.get(name).and_then(|&i| row.get(i)).and_then(util::clean)
    }
}

/// The entities being built, by group, and the order of their first rows.
#[derive(Default)]
struct Groups {
    drafts: HashMap<String, Draft>,
    order: Vec<String>,
}

struct Draft {
    entity: Entity,
    designation: Designation,
    line: u64,
    /// (column, text) pairs already read, so that a group's repeated values are read once.
    seen: HashSet<(&'static str, String)>,
}

impl Draft {
    fn finish(mut self) -> Entity {
        // Rows come sorted by name, so an alias may precede the primary name; list names by
        // kind, keeping the file's order within a kind.
        self.entity.names.sort_by_key(|n| n.kind);
        self.entity.designations.push(self.designation);
        self.entity
    }

    fn first_time(&mut self, column: &'static str, text: &str) -> bool {
        self.seen.insert((column, text.to_string()))
    }
}

/// Where a row is, for diagnostics.
struct Row<'a> {
    record: &'a csv::StringRecord,
    cols: &'a Columns,
    file: &'a str,
    line: u64,
    gid: &'a str,
}

impl Row<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.cols.get(self.record, name)
    }

    fn skip(&self, report: &mut Report, reason: String) {
        report.skip(self.file, Some(self.line), Some(format!("Group ID {}", self.gid)), reason);
    }
}

impl Groups {
    fn add(&mut self, cols: &Columns, record: &csv::StringRecord, line: u64, file: &str, report: &mut Report) {
        if record.iter().all(|v| v.trim().is_empty()) {
            return;
        }
        let Some(gid) = cols.get(record, "Group ID") else {
            report.skip(file, Some(line), None, "row without a Group ID skipped");
            return;
        };
        let row = Row { record, cols, file, line, gid: &gid };
        let group_type = row.get("Group Type").unwrap_or_default();
        let schema = match group_type.to_lowercase().as_str() {
            "individual" => Schema::Person,
            "entity" => Schema::Organization,
            "ship" => Schema::Vessel,
            _ => {
                row.skip(report, format!("unknown Group Type {group_type:?}: row skipped"));
                return;
            }
        };
        let draft = self.drafts.entry(gid.clone()).or_insert_with(|| {
            self.order.push(gid.clone());
            let mut designation = Designation::new("uk-ofsi", "uk-ofsi");
            designation.reference = Some(gid.clone());
            designation.src = Some("Group ID".into());
            Draft {
                entity: Entity::new(format!("uk-ofsi-{}", slug(&gid)), schema),
                designation,
                line,
                seen: HashSet::new(),
            }
        });
        if draft.entity.schema != schema {
            row.skip(report, format!("Group Type {group_type:?} differs from the group's first row: ignored"));
        }
        add_names(draft, &row, report);
        add_birth(draft, &row, report);
        add_nationality(draft, &row, report);
        add_documents(draft, &row);
        add_address(draft, &row, report);
        add_designation(draft, &row, report);
    }
}

fn add_names(draft: &mut Draft, row: &Row<'_>, report: &mut Report) {
    let alias_type = row.get("Alias Type").unwrap_or_default();
    let kind = match alias_type.to_lowercase().as_str() {
        "primary name" | "prime alias" => NameKind::Primary,
        "primary name variation" | "aka" => NameKind::Alias,
        "fka" => NameKind::Former,
        _ => {
            row.skip(report, format!("unknown Alias Type {alias_type:?}: the name is read as an alias"));
            NameKind::Alias
        }
    };
    let weak = row.get("Alias Quality").is_some_and(|q| q.to_lowercase().starts_with("low"));
    let kind = if weak && kind == NameKind::Alias { NameKind::WeakAlias } else { kind };
    let given: Vec<(usize, String)> = (1..=5).filter_map(|i| row.get(&format!("Name {i}")).map(|n| (i, n))).collect();
    let family = row.get("Name 6");
    let mut parts: Vec<NamePart> = Vec::new();
    if draft.entity.schema == Schema::Person {
        for (i, n) in &given {
            let kind = if *i == 1 { PartKind::Given } else { PartKind::Middle };
            parts.push(NamePart { kind, value: n.clone() });
        }
        if let Some(f) = &family {
            parts.push(NamePart { kind: PartKind::Family, value: f.clone() });
        }
    }
    let words: Vec<String> = given.iter().map(|(_, n)| n.clone()).chain(family.clone()).collect();
    if !words.is_empty() {
        let mut name = Name::new(words.join(" "), kind).at(format!("Name 6 ({alias_type})"));
        if parts.len() > 1 {
            name.parts = parts;
        }
        draft.entity.add_name(name);
    }
    if let Some(original) = row.get("Name Non-Latin Script") {
        let mut name = Name::new(original, NameKind::Original).at("Name Non-Latin Script");
        if let Some(language) = row.get("Non-Latin Script Language") {
            name.lang = language_code(&language);
            if name.lang.is_none() && draft.first_time("Non-Latin Script Language", &language) {
                row.skip(report, format!("Non-Latin Script Language {language:?} is no known language: not recorded"));
            }
        }
        draft.entity.add_name(name);
    }
    if let Some(title) = row.get("Title") {
        if draft.first_time("Title", &title) {
            for t in split_items(&title) {
                draft.entity.positions.push(Text::new(t, "Title"));
            }
        }
    }
}

/// ISO 639-1 codes of the languages OFSI names for non-Latin names.
fn language_code(name: &str) -> Option<String> {
    let code = match name.trim().to_lowercase().as_str() {
        "russian" => "ru",
        "ukrainian" => "uk",
        "belarusian" | "belarussian" => "be",
        "arabic" => "ar",
        "persian" | "farsi" => "fa",
        "pashto" => "ps",
        "urdu" => "ur",
        "chinese" | "mandarin" => "zh",
        "korean" => "ko",
        "japanese" => "ja",
        "burmese" | "myanmar" => "my",
        "georgian" => "ka",
        "armenian" => "hy",
        "hebrew" => "he",
        "greek" => "el",
        "serbian" => "sr",
        "bulgarian" => "bg",
        "macedonian" => "mk",
        "kazakh" => "kk",
        "kyrgyz" => "ky",
        "tajik" => "tg",
        "uzbek" => "uz",
        "mongolian" => "mn",
        "thai" => "th",
        "amharic" => "am",
        "tigrinya" => "ti",
        _ => return None,
    };
    Some(code.into())
}

fn add_birth(draft: &mut Draft, row: &Row<'_>, report: &mut Report) {
    if let Some(text) = row.get("DOB") {
        if draft.first_time("DOB", &text) {
            for item in split_items(&text) {
                match uk_date(&item) {
                    Ok(date) if !draft.entity.birth_dates.iter().any(|d| d.date == date) => {
                        draft.entity.birth_dates.push(DateFact { date, src: Some("DOB".into()) });
                    }
                    Ok(_) => {}
                    Err(e) => {
                        row.skip(report, format!("DOB {item:?} is no date ({e}): kept in a remark"));
                        draft.entity.remarks.push(Text::new(format!("DOB: {text}"), "DOB"));
                    }
                }
            }
        }
    }
    let towns = row.get("Town of Birth").map(|t| split_items(&t)).unwrap_or_default();
    let countries = row.get("Country of Birth").map(|t| split_items(&t)).unwrap_or_default();
    let key = format!("{towns:?}{countries:?}");
    if (towns.is_empty() && countries.is_empty()) || !draft.first_time("Town of Birth", &key) {
        return;
    }
    let count = towns.len().max(countries.len());
    for i in 0..count {
        // One country for several towns applies to all of them.
        let country_text = countries.get(i).or(if countries.len() == 1 { countries.first() } else { None });
        let country = country_text.and_then(|c| util::country(&strip_parentheses(c).0));
        if let (Some(c), None) = (country_text, country) {
            row.skip(report, format!("Country of Birth {c:?} is no known country: kept in the place"));
        }
        let text = match (towns.get(i), country_text) {
            (Some(t), Some(c)) => format!("{t}, {c}"),
            (Some(t), None) => t.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => continue,
        };
        if !draft.entity.birth_places.iter().any(|p| p.text == text) {
            draft.entity.birth_places.push(Place { text, country, src: Some("Town of Birth".into()) });
        }
    }
}

fn add_nationality(draft: &mut Draft, row: &Row<'_>, report: &mut Report) {
    if let Some(text) = row.get("Nationality") {
        if draft.first_time("Nationality", &text) {
            let read = read_countries(&text);
            for c in read.values {
                draft.entity.add_country(c, CountryRole::Nationality, Some("Nationality".into()));
            }
            for bad in &read.unread {
                row.skip(report, format!("Nationality {bad:?} is no known country: kept in a remark"));
            }
            if !read.unread.is_empty() || read.noted {
                draft.entity.remarks.push(Text::new(format!("Nationality: {text}"), "Nationality"));
            }
        }
    }
}

fn add_documents(draft: &mut Draft, row: &Row<'_>) {
    for (number_col, details_col, kind) in [
        ("Passport Number", "Passport Details", IdKind::Passport),
        ("National Identification Number", "National Identification Details", IdKind::NationalId),
        ("NI Number", "NI Details", IdKind::NationalId),
    ] {
        let details = row.get(details_col);
        match row.get(number_col) {
            Some(numbers) => {
                for number in split_items(&numbers) {
                    if draft.entity.identifiers.iter().any(|x| x.number == number && x.kind == kind) {
                        continue;
                    }
                    let country = details.as_deref().and_then(country_in_details);
                    draft.entity.identifiers.push(Identifier {
                        kind,
                        number,
                        label: None,
                        country,
                        note: details.clone(),
                        src: Some(number_col.into()),
                    });
                }
            }
            // Details without a number (older rows put everything there) stay as a remark.
            None => {
                if let Some(d) = details {
                    if draft.first_time("details", &d) {
                        draft.entity.remarks.push(Text::new(format!("{details_col}: {d}"), details_col));
                    }
                }
            }
        }
    }
    if let Some(text) = row.get("Position") {
        if draft.first_time("Position", &text) {
            for p in split_items(&text) {
                draft.entity.positions.push(Text::new(p, "Position"));
            }
        }
    }
    if let Some(text) = row.get("Other Information") {
        if draft.first_time("Other Information", &text) {
            if let Some(id) = un_reference(&text) {
                if !draft.entity.same_as.contains(&id) {
                    draft.entity.same_as.push(id);
                }
            }
            if draft.entity.schema == Schema::Vessel {
                if let Some(imo) = imo_number(&text) {
                    draft.entity.identifiers.push(Identifier {
                        kind: IdKind::Imo,
                        number: imo,
                        label: None,
                        country: None,
                        note: None,
                        src: Some("Other Information".into()),
                    });
                }
            }
            draft.entity.remarks.push(Text::new(text, "Other Information"));
        }
    }
}

/// The issuing country when passport details name one (`Russia`, `Issued in Syria`).
fn country_in_details(details: &str) -> Option<Country> {
    let (clean, _) = strip_parentheses(details);
    util::country(&clean).or_else(|| {
        let lower = clean.to_lowercase();
        let rest = lower.strip_prefix("issued in ").or_else(|| lower.strip_prefix("issued by "))?;
        util::country(rest)
    })
}

fn add_address(draft: &mut Draft, row: &Row<'_>, report: &mut Report) {
    let lines: Vec<String> = (1..=6).filter_map(|i| row.get(&format!("Address {i}"))).collect();
    let postal_code = row.get("Post/Zip Code");
    let country_text = row.get("Country");
    let country = country_text.as_deref().and_then(|c| read_countries(c).values.first().copied());
    if let (Some(text), None) = (&country_text, country) {
        if draft.first_time("Country", text) {
            row.skip(report, format!("Country {text:?} is no known country: kept in the address"));
        }
    }
    if lines.is_empty() && postal_code.is_none() {
        if let Some(c) = country {
            draft.entity.add_country(c, CountryRole::Linked, Some("Country".into()));
        } else if let Some(text) = country_text {
            if draft.first_time("Country text", &text) {
                draft.entity.remarks.push(Text::new(format!("Country: {text}"), "Country"));
            }
        }
        return;
    }
    let full: Vec<String> = lines.iter().cloned().chain(postal_code.clone()).chain(country_text.clone()).collect();
    let full = full.join(", ");
    if draft.entity.addresses.iter().any(|a| a.full == full) {
        return;
    }
    let country = country.or_else(|| place_country(&full));
    draft.entity.addresses.push(Address {
        full,
        street: lines.first().cloned(),
        postal_code,
        country,
        src: Some("Address".into()),
        ..Address::default()
    });
}

fn add_designation(draft: &mut Draft, row: &Row<'_>, report: &mut Report) {
    if let Some(regime) = row.get("Regime") {
        if !draft.designation.programs.contains(&regime) {
            draft.designation.programs.push(regime);
        }
    }
    for (col, prop) in [
        ("Listed On", None),
        ("UK Sanctions List Date Designated", Some("dateDesignated")),
        ("Last Updated", Some("modifiedAt")),
    ] {
        let Some(text) = row.get(col) else { continue };
        match (uk_date(&text), prop) {
            (Ok(d), None) => {
                let listed = &mut draft.designation.listed_on;
                if listed.as_ref().is_none_or(|old| d.earliest() < old.earliest()) {
                    *listed = Some(d);
                }
            }
            (Ok(d), Some(p)) => draft.entity.add_property(p, d.to_string()),
            (Err(e), _) => {
                if draft.first_time("dates", &text) {
                    row.skip(report, format!("{col} {text:?} is no date ({e}): ignored"));
                }
            }
        }
    }
}

/// A date as OFSI writes it: `DD/MM/YYYY`, with `00` for an unknown day or month
/// (`00/00/1961` is 1961, `00/05/1961` is 1961-05); other forms are read leniently, day
/// first.
pub(crate) fn uk_date(text: &str) -> Result<DateValue, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('/').collect();
    if let [d, m, y] = parts.as_slice() {
        if [d, m, y].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) && y.len() == 4 {
            let num = |s: &str| s.parse::<u8>().map_err(|e| e.to_string());
            let year: i32 = y.parse().map_err(|e: std::num::ParseIntError| e.to_string())?;
            let month = Some(num(m)?).filter(|m| *m != 0);
            let day = Some(num(d)?).filter(|d| *d != 0).filter(|_| month.is_some());
            return PartialDate::new(year, month, day).map(DateValue::On).map_err(|e| e.to_string());
        }
    }
    util::date(t, true)
}

/// The UN entity id named by `UN Ref TAi.026` in a remark (`un-tai-026`), following the ids
/// of the UN list importer. Older references (`QI.A.86.03`) name no current UN entry.
fn un_reference(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower.find("un ref")?;
    let rest = text[at + 6..].trim_start_matches(|c: char| c == ':' || c == '.' || c.is_whitespace());
    let token: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
    let token = token.trim_end_matches('.');
    let (prefix, number) = token.split_once('.')?;
    let ok = prefix.len() == 3
        && prefix.chars().take(2).all(|c| c.is_ascii_uppercase())
        && matches!(prefix.chars().nth(2), Some('i' | 'e'))
        && number.len() == 3
        && number.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("un-{}", slug(token)))
}

/// A vessel's IMO number in a remark (`IMO: 8937675`, `IMO number 8937675`).
fn imo_number(text: &str) -> Option<String> {
    let at = text.find("IMO")?;
    let digits: String =
        text[at + 3..].chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    (digits.len() == 7).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofsi_dates() {
        let cases = [
            ("17/08/1958", "1958-08-17"),
            ("00/00/1980", "1980"),
            ("00/05/1980", "1980-05"),
            ("1980", "1980"),
            ("31/02/1980", "error: invalid date: day 31 does not exist in 1980-02"),
            ("soon", "error: invalid date: \"soon\" is not a date"),
        ];
        for (text, expect) in cases {
            let got = match uk_date(text) {
                Ok(d) => d.to_string(),
                Err(e) => format!("error: {e}"),
            };
            assert_eq!(got, expect, "{text}");
        }
    }

    #[test]
    fn lines_of_records_after_crlf_and_lf() {
        for (text, expect) in
            [("a,b\r\nc,d\r\n\"e\r\nf\",g\r\nh,i\r\n", [1, 2, 3, 5]), ("a,b\nc,d\n\"e\nf\",g\nh,i\n", [1, 2, 3, 5])]
        {
            let lines = LineIndex::default();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(lines.reader(text.as_bytes()));
            let got: Vec<u64> =
                reader.records().map(|r| lines.line_of(r.unwrap().position().unwrap().byte())).collect();
            assert_eq!(got, expect, "{text:?}");
        }
    }

    #[test]
    fn references_in_remarks() {
        assert_eq!(un_reference("UN Ref QDi.006. Emir of ...").as_deref(), Some("un-qdi-006"));
        assert_eq!(un_reference("UN REF: TAe.010 Operates in ...").as_deref(), Some("un-tae-010"));
        assert_eq!(un_reference("UN Ref QI.A.86.03."), None);
        assert_eq!(un_reference("UK listing only"), None);
        assert_eq!(imo_number("IMO: 8937675. MMSI: 445539000.").as_deref(), Some("8937675"));
        assert_eq!(imo_number("IMO 123"), None);
        assert_eq!(language_code("Russian").as_deref(), Some("ru"));
        assert_eq!(language_code("Klingon"), None);
    }
}
