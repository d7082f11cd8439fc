//! The `dfat-xlsx` format: Australia's Consolidated List (DFAT, `regulation8_consolidated.xlsx`),
//! one spreadsheet row per name. `Reference` holds the entry number and a letter for each
//! further name (`2`, `2a`, `2b`; rarely `2672a10`), so rows are merged by the number into one
//! entity `au-dfat-<number>`. The other columns repeat on every row of an entry (with small
//! differences now and then); each distinct value is read once.
//!
//! - `Name Type`: `Primary Name`, `aka`, `Original Script`, `Formerly known as`,
//!   `Previously listed as` (any case, stray spaces);
//! - `Date of Birth`: a date cell, a year as a number, or free text with lettered
//!   alternatives (`a) 1 Jan. 1964 b) 1959`), ranges, `Approximately`, day-first numeric dates.
//!   Text that is not fully read is kept as a remark, with a diagnostic for what failed;
//! - `Citizenship`: country names and nationality adjectives, several per cell;
//! - `Listing Information`: kept as a remark; the first listing date it states
//!   (`Listed on 25 January 2001`) becomes the designation's `listed_on`;
//! - `Committees`: the regime, as the designation's program;
//! - `Control Date`: an Excel date that is *not* the listing date: UN entries listed in 2001
//!   carry control dates of 2014, and entries never amended carry their listing date. It is
//!   the date of the entry's latest change, kept as the `modifiedAt` property.
//!
//! Memory: an entry's rows are not always adjacent (a late alias row can follow other
//! entries), so the entities are built in memory and passed on in the order of their first
//! row once the sheet is read. The sheet itself is streamed cell by cell.
//!
//! Free-text cells are split into their alternatives by [`util::split_items`] and read as
//! countries by [`util::read_countries`], which the UK list shares.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use proscribe_model::{
    Address, Authority, AuthorityKind, Country, CountryRole, DateFact, DateValue, Designation, Entity, ListInfo,
    ListKind, Name, NameKind, PartialDate, Place, Schema, SourceInfo, Text,
};

use crate::util::{is_not_available, place_country, read_countries, split_items, strip_parentheses, Read};
use crate::{input, util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `dfat-xlsx` format: the Australian Consolidated List spreadsheet.
#[derive(Debug)]
pub struct DfatXlsx;

const SOURCE: &str = "au-dfat";
const LIST: &str = "au-dfat-consolidated";
const AUTHORITY: &str = "au-dfat";

/// The columns without which a sheet is no DFAT list.
const REQUIRED: [&str; 4] = ["reference", "name of individual or entity", "type", "name type"];

impl Format for DfatXlsx {
    fn name(&self) -> &'static str {
        "dfat-xlsx"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if !sample.zip {
            return None;
        }
        let text = sample.text();
        text.lines().any(|l| is_header(l.split('\t'))).then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        SOURCE.into()
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let path = job.path.as_path();
        let file = path.display().to_string();
        let mut report = Report::new(source_info(&job.source_id, self.name()));
        // calamine reads the shared strings whole on opening, and cell positions size the
        // rows below: both are checked against the limits first.
        crate::xlsx::check(path, &job.limits)?;
        let mut book: Xlsx<BufReader<File>> = calamine::open_workbook(path)
            .map_err(|e| Error::malformed(path, None, None, format!("not a readable xlsx workbook: {e}")))?;
        let mut merged = Merged::default();
        let mut found = false;
        for sheet in book.sheet_names() {
            if read_sheet(&mut book, &sheet, path, &mut merged, &mut report)? {
                found = true;
                break;
            }
        }
        if !found {
            return Err(Error::malformed(
                path,
                Some(1),
                None,
                "no sheet has the DFAT columns Reference, Name of Individual or Entity, Type and Name Type",
            ));
        }
        if merged.order.is_empty() {
            return Err(Error::Empty { path: file });
        }
        for number in std::mem::take(&mut merged.order) {
            let Some(draft) = merged.drafts.remove(&number) else { continue };
            let line = draft.line;
            report.emit(sink, draft.finish(), line)?;
        }
        Ok(report)
    }
}

fn source_info(id: &str, format: &str) -> SourceInfo {
    SourceInfo {
        id: id.to_string(),
        title: "Australian Sanctions Consolidated List (DFAT)".into(),
        format: format.into(),
        published: None,
        authorities: vec![Authority {
            id: AUTHORITY.into(),
            name: "Department of Foreign Affairs and Trade".into(),
            country: Country::from_code("au").ok(),
            kind: AuthorityKind::Ministry,
        }],
        lists: vec![ListInfo {
            id: LIST.into(),
            title: "Consolidated List".into(),
            authority: AUTHORITY.into(),
            kind: ListKind::Sanctions,
            url: Some("https://www.dfat.gov.au/international-relations/security/sanctions/consolidated-list".into()),
        }],
    }
}

fn norm_header(h: &str) -> String {
    proscribe_model::collapse_spaces(h).to_lowercase()
}

fn is_header<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let names: HashSet<String> = cells.map(norm_header).collect();
    REQUIRED.iter().all(|r| names.contains(*r))
}

/// A cell value, owned.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(PartialDate),
}

impl Cell {
    fn from_ref(value: &DataRef<'_>) -> Cell {
        match value {
            DataRef::Empty => Cell::Empty,
            DataRef::String(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text(s.to_string()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::Error(e) => Cell::Text(e.to_string()),
            DataRef::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                match PartialDate::ymd(y as i32, m, day) {
                    Ok(date) => Cell::Date(date),
                    Err(_) => Cell::Number(d.as_f64()),
                }
            }
        }
    }

    /// The text of a cell that may hold several values, with its line breaks turned into
    /// `;` so that values written one per line stay apart.
    fn list_text(&self) -> Option<String> {
        match self {
            Cell::Text(s) => util::clean(&s.replace("_x000D_", "").replace('\n', ";")),
            other => other.text(),
        }
    }

    /// The text of the cell, trimmed; numbers that are whole are written without a fraction.
    fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => util::clean(&s.replace("_x000D_", "")),
            Cell::Number(f) if f.fract() == 0.0 => Some(format!("{}", *f as i64)),
            Cell::Number(f) => Some(f.to_string()),
            Cell::Date(d) => Some(d.to_string()),
        }
    }
}

/// Column positions by header.
struct Columns {
    by_name: HashMap<String, usize>,
}

impl Columns {
    fn get<'r>(&self, row: &'r [Cell], name: &str) -> &'r Cell {
        self.by_name.get(name).and_then(|&i| row.get(i)).unwrap_or(&Cell::Empty)
    }
}

/// The columns read; others are reported once.
const KNOWN: &[&str] = &[
    "reference",
    "name of individual or entity",
    "type",
    "name type",
    "date of birth",
    "place of birth",
    "citizenship",
    "address",
    "additional information",
    "listing information",
    "committees",
    "control date",
    "instrument of designation",
    "imo number",
    "alias strength",
];

/// Reads one sheet row by row. Returns false when the sheet has not the DFAT header.
fn read_sheet(
    book: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    path: &Path,
    merged: &mut Merged,
    report: &mut Report,
) -> Result<bool, Error> {
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| Error::malformed(path, None, Some(sheet), format!("cannot read the sheet: {e}")))?;
    let mut columns: Option<Columns> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut row_index: Option<u32> = None;
    loop {
        let next = cells.next_cell().map_err(|e| {
            let line = row_index.map(|r| r as u64 + 1);
            Error::malformed(path, line, Some(sheet), format!("broken sheet: {e}"))
        })?;
        let position = next.as_ref().map(|c| c.get_position());
        if row_index.is_some() && position.map(|p| p.0) != row_index {
            let line = row_index.unwrap_or_default() as u64 + 1;
            let done = std::mem::take(&mut row);
            match &columns {
                None => {
                    let headers: Vec<String> = done.iter().map(|c| c.text().unwrap_or_default()).collect();
                    if !is_header(headers.iter().map(String::as_str)) {
                        return Ok(false);
                    }
                    columns = Some(header_columns(&headers, path, report));
                }
                Some(cols) => merged.add_row(cols, &done, line, &path.display().to_string(), report),
            }
        }
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        if c >= input::MAX_COLUMNS {
            return Err(Error::malformed(
                path,
                Some(r as u64 + 1),
                Some(sheet),
                format!("broken sheet: a cell in column {}, past the last column XFD", c as u64 + 1),
            ));
        }
        row_index = Some(r);
        if row.len() <= c as usize {
            row.resize(c as usize + 1, Cell::Empty);
        }
        row[c as usize] = Cell::from_ref(cell.get_value());
    }
    Ok(columns.is_some())
}

fn header_columns(headers: &[String], path: &Path, report: &mut Report) -> Columns {
    let mut by_name = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = norm_header(h);
        if name.is_empty() {
            continue;
        }
        if !KNOWN.contains(&name.as_str()) {
            report.skip(&path.display().to_string(), Some(1), None, format!("column {h:?} is not read"));
        }
        by_name.entry(name).or_insert(i);
    }
    Columns { by_name }
}

/// The entities being built, by entry number, and the order of their first rows.
#[derive(Default)]
struct Merged {
    drafts: BTreeMap<u64, Draft>,
    order: Vec<u64>,
}

/// One entry being built from its rows.
struct Draft {
    entity: Entity,
    line: u64,
    /// (column, text) pairs already read, so that repeated values are read once.
    seen: HashSet<(&'static str, String)>,
    designation: Designation,
}

impl Draft {
    fn finish(mut self) -> Entity {
        self.entity.designations.push(self.designation);
        self.entity
    }

    /// Whether `text` of `column` is new for this entry (and marks it read).
    fn first_time(&mut self, column: &'static str, text: &str) -> bool {
        self.seen.insert((column, text.to_string()))
    }
}

impl Merged {
    fn add_row(&mut self, cols: &Columns, row: &[Cell], line: u64, file: &str, report: &mut Report) {
        if row.iter().all(|c| c.text().is_none()) {
            return;
        }
        let Some(raw_ref) = cols.get(row, "reference").text() else {
            report.skip(file, Some(line), None, "row without a Reference skipped");
            return;
        };
        let record = Some(format!("Reference {raw_ref}"));
        let Some(number) = reference_number(&raw_ref) else {
            report.skip(file, Some(line), record, "the Reference has no entry number: row skipped");
            return;
        };
        let type_text = cols.get(row, "type").text().unwrap_or_default();
        let Some(schema) = schema_of(&type_text) else {
            report.skip(file, Some(line), record, format!("unknown Type {type_text:?}: row skipped"));
            return;
        };
        let draft = self.drafts.entry(number).or_insert_with(|| {
            self.order.push(number);
            let mut designation = Designation::new(AUTHORITY, LIST);
            designation.reference = Some(number.to_string());
            designation.src = Some(format!("Reference {number}"));
            Draft { entity: Entity::new(format!("au-dfat-{number}"), schema), line, seen: HashSet::new(), designation }
        });
        if draft.entity.schema != schema {
            report.skip(
                file,
                Some(line),
                record.clone(),
                format!("Type {type_text:?} differs from the entry's first row: the row's Type is ignored"),
            );
        }
        add_name(draft, cols, row, &raw_ref, file, line, report);
        let ctx = RowContext { file, line, record: record.as_deref() };
        add_details(draft, cols, row, &ctx, report);
    }
}

/// Where a row is, for diagnostics.
struct RowContext<'a> {
    file: &'a str,
    line: u64,
    record: Option<&'a str>,
}

impl RowContext<'_> {
    fn skip(&self, report: &mut Report, reason: String) {
        report.skip(self.file, Some(self.line), self.record.map(str::to_string), reason);
    }
}

/// The entry number of a reference: `2a` → 2, `2672a10` → 2672.
fn reference_number(raw: &str) -> Option<u64> {
    let digits: String = raw.trim().chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn schema_of(type_text: &str) -> Option<Schema> {
    match type_text.trim().to_lowercase().as_str() {
        "individual" => Some(Schema::Person),
        "entity" => Some(Schema::Organization),
        "vessel" => Some(Schema::Vessel),
        _ => None,
    }
}

fn name_kind(name_type: &str) -> Option<NameKind> {
    match proscribe_model::collapse_spaces(name_type).to_lowercase().as_str() {
        "primary name" => Some(NameKind::Primary),
        "aka" | "also known as" => Some(NameKind::Alias),
        "original script" => Some(NameKind::Original),
        "formerly known as" | "previously listed as" | "fka" => Some(NameKind::Former),
        _ => None,
    }
}

fn add_name(
    draft: &mut Draft,
    cols: &Columns,
    row: &[Cell],
    raw_ref: &str,
    file: &str,
    line: u64,
    report: &mut Report,
) {
    let record = Some(format!("Reference {raw_ref}"));
    let Some(full) = cols.get(row, "name of individual or entity").text() else {
        report.skip(file, Some(line), record, "row without a name: only its details are read");
        return;
    };
    let name_type = cols.get(row, "name type").text().unwrap_or_default();
    let kind = match name_kind(&name_type) {
        Some(k) => k,
        None => {
            report.skip(
                file,
                Some(line),
                record,
                format!("unknown Name Type {name_type:?}: the name is read as an alias"),
            );
            NameKind::Alias
        }
    };
    let weak = cols.get(row, "alias strength").text().is_some_and(|s| s.eq_ignore_ascii_case("weak"));
    let kind = if weak && kind == NameKind::Alias { NameKind::WeakAlias } else { kind };
    draft.entity.add_name(Name::new(full, kind).at(format!("Reference {raw_ref}")));
}

fn add_details(draft: &mut Draft, cols: &Columns, row: &[Cell], ctx: &RowContext<'_>, report: &mut Report) {
    add_birth_dates(draft, cols.get(row, "date of birth"), ctx, report);
    if let Some(text) = cols.get(row, "place of birth").list_text() {
        if draft.first_time("Place of Birth", &text) {
            for item in split_items(&text).into_iter().filter(|i| !is_not_available(i)) {
                let country = place_country(&item);
                if !draft.entity.birth_places.iter().any(|p| p.text == item) {
                    draft.entity.birth_places.push(Place { text: item, country, src: Some("Place of Birth".into()) });
                }
            }
        }
    }
    if let Some(text) = cols.get(row, "citizenship").list_text() {
        if draft.first_time("Citizenship", &text) {
            let role =
                if draft.entity.schema == Schema::Person { CountryRole::Citizenship } else { CountryRole::Linked };
            add_countries(&mut draft.entity, &text, role, "Citizenship", ctx, report);
        }
    }
    if let Some(text) = cols.get(row, "address").list_text() {
        if draft.first_time("Address", &text) {
            for full in split_items(&text).into_iter().filter(|i| !is_not_available(i)) {
                if !draft.entity.addresses.iter().any(|a| a.full == full) {
                    let country = place_country(&full);
                    draft.entity.addresses.push(Address {
                        full,
                        country,
                        src: Some("Address".into()),
                        ..Address::default()
                    });
                }
            }
        }
    }
    for column in ["Additional Information", "Listing Information"] {
        let cell = cols.get(row, &column.to_lowercase());
        if let Some(text) = cell.text() {
            if draft.first_time(column, &text) && !is_not_available(&text) {
                draft.entity.remarks.push(Text::new(text.clone(), column));
            }
        }
        if column == "Listing Information" {
            let date = match cell {
                Cell::Date(d) => Some(DateValue::On(*d)),
                other => other.text().and_then(|t| listing_date(&t)),
            };
            if let Some(d) = date {
                let d_ = &mut draft.designation.listed_on;
                if d_.as_ref().is_none_or(|old| d.earliest() < old.earliest()) {
                    *d_ = Some(d);
                }
            }
        }
    }
    if let Some(text) = cols.get(row, "committees").text() {
        if !draft.designation.programs.contains(&text) {
            draft.designation.programs.push(text);
        }
    }
    if let Some(text) = cols.get(row, "instrument of designation").text() {
        if draft.designation.legal_basis.is_none() {
            draft.designation.legal_basis = Some(text);
        }
    }
    if let Some(text) = cols.get(row, "imo number").text() {
        if draft.first_time("IMO Number", &text) {
            draft.entity.identifiers.push(proscribe_model::Identifier {
                kind: proscribe_model::IdKind::Imo,
                number: text,
                label: None,
                country: None,
                note: None,
                src: Some("IMO Number".into()),
            });
        }
    }
    match cols.get(row, "control date") {
        Cell::Date(d) => draft.entity.add_property("modifiedAt", d.to_string()),
        Cell::Empty => {}
        other => {
            let text = other.text().unwrap_or_default();
            if draft.first_time("Control Date", &text) {
                ctx.skip(report, format!("Control Date {text:?} is no date: kept as text"));
                draft.entity.add_property("modifiedAt", text);
            }
        }
    }
}

fn add_birth_dates(draft: &mut Draft, cell: &Cell, ctx: &RowContext<'_>, report: &mut Report) {
    let src = || Some("Date of Birth".to_string());
    let dates = match cell {
        Cell::Empty => return,
        Cell::Date(d) => vec![DateValue::On(*d)],
        Cell::Number(f) if f.fract() == 0.0 && (1000.0..3000.0).contains(f) => match PartialDate::year(*f as i32) {
            Ok(d) => vec![DateValue::On(d)],
            Err(_) => return,
        },
        other => {
            let text = other.list_text().unwrap_or_default();
            if !draft.first_time("Date of Birth", &text) {
                return;
            }
            let read = birth_dates(&text);
            for bad in &read.unread {
                ctx.skip(report, format!("Date of Birth {bad:?} is no date: kept in a remark"));
            }
            if !read.unread.is_empty() || read.noted {
                let t = format!("Date of Birth: {text}");
                if !draft.entity.remarks.iter().any(|r| r.text == t) {
                    draft.entity.remarks.push(Text::new(t, "Date of Birth"));
                }
            }
            read.values
        }
    };
    for date in dates {
        if !draft.entity.birth_dates.iter().any(|d| d.date == date) {
            draft.entity.birth_dates.push(DateFact { date, src: src() });
        }
    }
}

fn add_countries(
    entity: &mut Entity,
    text: &str,
    role: CountryRole,
    column: &str,
    ctx: &RowContext<'_>,
    report: &mut Report,
) {
    let read = read_countries(text);
    for c in read.values {
        entity.add_country(c, role, Some(column.to_string()));
    }
    for bad in &read.unread {
        ctx.skip(report, format!("{column} {bad:?} is no known country: kept in a remark"));
    }
    if !read.unread.is_empty() || read.noted {
        entity.remarks.push(Text::new(format!("{column}: {text}"), column));
    }
}

/// The first listing date a Listing Information text states, after `listed`, `designated`
/// or `relisted` (`Listed by UN 1267 Committee on 25 January 2001 (amended ...)` → 2001-01-25).
fn listing_date(text: &str) -> Option<DateValue> {
    let lower = text.to_lowercase();
    let start = ["listed", "designated"].iter().filter_map(|k| lower.find(k)).min()?;
    let words: Vec<&str> = lower[start..]
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ';' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    for i in 0..words.len() {
        for len in [3, 2, 1] {
            let Some(window) = words.get(i..i + len) else { continue };
            let last = window[len - 1].trim_end_matches('.');
            let is_year = last.len() == 4 && last.bytes().all(|b| b.is_ascii_digit());
            let numeric = len == 1 && last.contains('/');
            if !(numeric || is_year && len > 1) {
                continue;
            }
            if let Ok(DateValue::On(d)) = DateValue::parse_lenient(&window.join(" "), true) {
                return Some(DateValue::On(d));
            }
        }
    }
    None
}

/// Reads the birth dates of a free-text cell: alternatives split on letters, `;`, ` or `,
/// `>>` and `alt DOB`; each read leniently, day first.
pub(crate) fn birth_dates(text: &str) -> Read<DateValue> {
    let mut out = Read::default();
    let text = text.replace("alt DOB:", ";").replace("alt DOB", ";").replace("alt born", ";");
    let lower_marks = ["for this aka", "this aka only"];
    for item in split_items(&text) {
        if item.to_lowercase().contains("hijri") {
            // A date of another calendar would read as a wrong Gregorian one.
            out.unread.push(strip_parentheses(&item).0);
            out.noted = true;
            continue;
        }
        // Parenthesised notes (`(as Ali Thafir Abdallah)`) stand between alternatives.
        let (pieces, noted) = split_parentheses(&item);
        out.noted |= noted;
        for mut part in pieces.iter().flat_map(|p| split_on(p, &[" or ", " OR ", ">>"])) {
            for mark in lower_marks {
                if let Some(i) = part.to_lowercase().find(mark) {
                    part = part.get(..i).unwrap_or_default().to_string();
                    out.noted = true;
                }
            }
            let part = part.trim().trim_matches(|c: char| c == ',' || c == '.' || c.is_whitespace()).to_string();
            if part.is_empty() || is_not_available(&part) {
                continue;
            }
            read_one_date(&part, &mut out);
        }
    }
    out
}

fn read_one_date(part: &str, out: &mut Read<DateValue>) {
    if let Some(d) = lenient_date(part) {
        // The model has no "about 1955 to 1958": the range stays, the text is kept too.
        let lower = part.to_lowercase();
        let vague = ["approx", "circa", "c.", "about"].iter().any(|p| lower.starts_with(p));
        out.noted |= vague && matches!(d, DateValue::Between(..));
        out.values.push(d);
        return;
    }
    // `01/10/1983,15/10/1983` and `5/06/1953   15/06/1953`: dates joined by commas or runs of
    // spaces, tried only when the whole does not read as one date.
    let pieces: Vec<String> =
        part.split(',').flat_map(|p| p.split("  ")).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    if pieces.len() > 1 {
        for p in pieces {
            match lenient_date(&p) {
                Some(d) => out.values.push(d),
                None => out.unread.push(p),
            }
        }
    } else {
        out.unread.push(part.to_string());
    }
}

/// A date as DFAT writes it, after smoothing its typing habits: `1955- 1958`, `Approx 1977`,
/// `21. Jul 1997`, `24 Jan.1973`, `19-Dec-1992`, `1977/1978`, `09/11/ 1954`.
fn lenient_date(text: &str) -> Option<DateValue> {
    let mut t = proscribe_model::collapse_spaces(text).to_lowercase();
    for (from, to) in [("approx ", "approximately "), ("/ ", "/")] {
        t = t.replace(from, to);
    }
    let chars: Vec<char> = t.chars().collect();
    let mut s = String::with_capacity(t.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        match c {
            // 1955- 1958 → 1955-1958
            ' ' if (prev == '-' && next.is_ascii_digit()) || (next == '-' && prev.is_ascii_digit()) => {}
            // 21. jul → 21 jul
            '.' if prev.is_ascii_digit() && next == ' ' => {}
            // jan.1973 → jan. 1973
            '.' if prev.is_alphabetic() && next.is_ascii_digit() => s.push_str(". "),
            // 19-dec-1992 → 19 dec 1992
            '-' if (prev.is_ascii_digit() && next.is_alphabetic())
                || (prev.is_alphabetic() && next.is_ascii_digit()) =>
            {
                s.push(' ')
            }
            c => s.push(c),
        }
    }
    // 1977/1978: two years, a range.
    if let Some((a, b)) = s.rsplit(' ').next().and_then(|w| w.split_once('/')) {
        if a.len() == 4 && b.len() == 4 && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) {
            let head = &s[..s.len() - 9];
            s = format!("{head}{a}-{b}");
        }
    }
    DateValue::parse_lenient(&s, true).ok()
}

/// Splits on any of the separators.
fn split_on(text: &str, seps: &[&str]) -> Vec<String> {
    let mut parts = vec![text.to_string()];
    for sep in seps {
        parts = parts.iter().flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    parts
}

/// Splits text around parenthesised parts, which are dropped (an unclosed parenthesis runs to
/// the end); says whether there were any.
fn split_parentheses(text: &str) -> (Vec<String>, bool) {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    let mut found = false;
    for c in text.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    parts.push(String::new());
                }
                depth += 1;
                found = true;
            }
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => parts.last_mut().expect("non-empty").push(c),
            _ => {}
        }
    }
    let parts = parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    (parts, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_texts() {
        let cases = [
            ("Approximately 1963", "~1963"),
            ("a) Approximately 1955- 1958 b) Approximately 1945-1950", "1955/1958 1945/1950 noted"),
            ("a) 14/10/1974;                     b) 19/11/1974", "1974-10-14 1974-11-19"),
            ("Between 1968 and 1973", "1968/1973"),
            ("30 Dec. 1968", "1968-12-30"),
            ("11/08/1960", "1960-08-11"),
            ("a) 1945; b) 1950", "1945 1950"),
            ("a)1994 b)1993 c)1995 d)1992", "1994 1993 1995 1992"),
            ("na", ""),
            ("19/03/1967; alt DOB: 19/11/1956", "1967-03-19 1956-11-19"),
            ("14 Mar 1974 >> 13 Apr 1974", "1974-03-14 1974-04-13"),
            ("circa 1970", "~1970"),
            ("Approx 1977", "~1977"),
            ("1963 or 1964 or 1965", "1963 1964 1965"),
            ("21. Jul 1997; 1993", "1997-07-21 1993"),
            ("a) 5 Jan. 1974 b) 1977 c) 1975 d) 24 Jan.1973", "1974-01-05 1977 1975 1973-01-24"),
            ("March 1968 to March 1969", "1968-03/1969-03"),
            ("approximately 1977/1978", "1977/1978 noted"),
            ("a) 19-Dec-1992; \nb) 12-Dec-1992", "1992-12-19 1992-12-12"),
            ("01/10/1983,15/10/1983, 01/01/1980", "1983-10-01 1983-10-15 1980-01-01"),
            ("5/06/1953   15/06/1953", "1953-06-05 1953-06-15"),
            ("March 16, 1972", "1972-03-16"),
            ("a) 09/10/1954; b) 09/11/ 1954 ", "1954-10-09 1954-11-09"),
            (
                "a) 19 Apr. 1982\u{a0}\u{a0} b) 18 Apr. 1982 c) 24/06/1402 (Hijri Calendar)",
                "1982-04-19 1982-04-18 !24/06/1402 noted",
            ),
            ("15 May 1968 (as Yasir Sabawi) 1970 (as Ali Thafir Abdallah)", "1968-05-15 1970 noted"),
            ("Approximately 1955. For this aka only, alt DOB 01/01/1969", "~1955 1969-01-01 noted"),
            ("Approximately (30-35 years old)", "!Approximately noted"),
            ("a) 1/01/1968 b) 23-Apr-68", "1968-01-01 !23-Apr-68"),
            ("a) Between Aug. and Sep 1977    b) 1976", "1976 !Between Aug. and Sep 1977"),
            ("1965, 29 March", "1965 !29 March"),
        ];
        for (text, expect) in cases {
            assert_eq!(birth_dates(text).summary(), expect, "{text:?}");
        }
    }

    #[test]
    fn listing_dates_and_reference_numbers() {
        let cases = [
            ("Listed by UN 1267 Committee on 25 January 2001 (amended 9 July 2007)", Some("2001-01-25")),
            ("Listed on: 12 Aug. 2003 (amended on 1 Jul. 2008)", Some("2003-08-12")),
            ("Designated under the Autonomous Sanctions Regulations 2011 on 21 March 2014.", Some("2014-03-21")),
            (
                "The Minister for Foreign Affairs listed this entity on 21 December 2001 under section 15(1)",
                Some("2001-12-21"),
            ),
            ("First listed on 9 Nov. 2022. Instrument of first designation: ...", Some("2022-11-09")),
            ("Listed on 1/05/2018", Some("2018-05-01")),
            ("Autonomous Sanctions (Designated Persons and Entities) Amendment Instrument 2022", None),
        ];
        for (text, expect) in cases {
            assert_eq!(listing_date(text).map(|d| d.to_string()).as_deref(), expect, "{text}");
        }
        assert_eq!(reference_number("2672a10"), Some(2672));
        assert_eq!(reference_number("1140g "), Some(1140));
        assert_eq!(reference_number("x1"), None);
    }
}
