//! The Australian DFAT Consolidated List importer on the real spreadsheet: counts checked
//! against a direct reading of the sheet, golden records, and broken input.

use std::collections::{BTreeSet, HashMap};

use calamine::{open_workbook_auto, Data, Reader};
use proscribe_import::dfat::DfatXlsx;
use proscribe_model::collapse_spaces;

use crate::common::{check_golden, job, parse_error, parse_job, parse_paths, pretty, shared, single_job, temp_file};

const FILE: &str = "lists/other/au_dfat/regulation8_consolidated.xlsx";

/// (entry numbers, distinct names per entry and kind), read from the sheet with calamine's
/// whole-range API instead of the importer's cell stream.
fn sheet_counts(path: &std::path::Path) -> (usize, usize, usize) {
    let mut book = open_workbook_auto(path).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string().trim().to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (r, n, t) = (col("Reference"), col("Name of Individual or Entity"), col("Name Type"));
    let mut numbers = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut rows_seen = 0;
    for row in rows {
        let reference = match &row[r] {
            Data::Float(f) => format!("{f}"),
            other => other.to_string(),
        };
        let digits: String = reference.trim().chars().take_while(|c| c.is_ascii_digit()).collect();
        let Ok(number) = digits.parse::<u64>() else { continue };
        rows_seen += 1;
        numbers.insert(number);
        let kind = match collapse_spaces(&row[t].to_string()).to_lowercase().as_str() {
            "primary name" => "primary",
            "original script" => "original",
            "formerly known as" | "previously listed as" => "former",
            _ => "alias",
        };
        names.insert((number, kind, collapse_spaces(&row[n].to_string())));
    }
    (numbers.len(), names.len(), rows_seen)
}

#[test]
fn counts_match_the_sheet() {
    let Some(path) = shared(FILE) else { return };
    let (numbers, names, rows) = sheet_counts(&path);
    // The manifest counts 9560 name rows with the header and trailing blank rows.
    assert_eq!(rows, 9553);
    let (report, entities) = parse_paths(&[path]).unwrap();
    assert_eq!(report.entities, numbers);
    assert_eq!(report.names, names);
    assert_eq!(report.designations, numbers);
    assert_eq!(entities.iter().filter(|e| e.id.starts_with("au-dfat-")).count(), numbers);
    let by_kind = |k: proscribe_model::NameKind| entities.iter().flat_map(|e| &e.names).filter(|n| n.kind == k).count();
    assert_eq!(by_kind(proscribe_model::NameKind::Primary), numbers, "one primary name per entry");
    assert_eq!(report.source.id, "au-dfat");
    assert_eq!(report.source.lists[0].id, "au-dfat-consolidated");
}

#[test]
fn diagnostics_name_row_and_reference() {
    let Some(path) = shared(FILE) else { return };
    let (report, entities) = parse_paths(&[path]).unwrap();
    let mut by_reason: HashMap<String, usize> = HashMap::new();
    for d in &report.diagnostics {
        assert!(d.line.is_some() && d.record.as_deref().is_some_and(|r| r.starts_with("Reference ")), "{d}");
        *by_reason.entry(d.reason.split(' ').take(2).collect::<Vec<_>>().join(" ")).or_default() += 1;
    }
    // A few hundred of 2500 date texts and 5800 citizenship texts do not read (or are no
    // country, like "Kuwaiti citizenship withdrawn in 2002"); each is kept in a remark.
    let unread_dates = by_reason.get("Date of").copied().unwrap_or(0);
    assert!(unread_dates < 60, "{by_reason:?}");
    let unread_countries = by_reason.get("Citizenship \"Congolese\"").copied().unwrap_or(0);
    assert!(unread_countries > 0, "{by_reason:?}");
    let remarks = entities.iter().flat_map(|e| &e.remarks).filter(|r| r.text.starts_with("Date of Birth: ")).count();
    assert!(remarks >= unread_dates / 2, "{remarks} remarks for {unread_dates} dates");
}

#[test]
fn golden_records() {
    let Some(path) = shared(FILE) else { return };
    let (_, entities) = parse_paths(&[path]).unwrap();
    for (id, golden) in [("au-dfat-2", "dfat-2-akhund.json"), ("au-dfat-2940", "dfat-2940-chernomorneftegaz.json")] {
        let e = entities.iter().find(|e| e.id == id).unwrap();
        check_golden(golden, &pretty(e));
    }
}

#[test]
fn recognised_by_its_header_not_its_name() {
    let Some(path) = shared(FILE) else { return };
    let bytes = std::fs::read(&path).unwrap();
    let (_d, renamed) = temp_file("sdn.csv", &bytes);
    assert_eq!(single_job(&[renamed]).format.name(), "dfat-xlsx");
}

#[test]
fn broken_workbooks_are_errors() {
    let Some(path) = shared(FILE) else { return };
    let bytes = std::fs::read(&path).unwrap();
    // Cut in half: the zip directory at the end is gone.
    let (_d, cut) = temp_file("cut.xlsx", &bytes[..bytes.len() / 2]);
    let err = parse_error(&DfatXlsx, &cut);
    assert!(err.starts_with(&format!("{}: not a readable xlsx workbook: ", cut.display())), "{err}");

    // A text file given to this format.
    let (_d, text) = temp_file("list.xlsx", b"Reference,Name\n1,x\n");
    let err = parse_error(&DfatXlsx, &text);
    assert!(err.starts_with(&format!("{}: not a readable xlsx workbook: ", text.display())), "{err}");
}

/// A workbook of one sheet, `sheet` being its worksheet XML (strings inline, none shared).
fn workbook(sheet: &str) -> Vec<u8> {
    use std::io::Write;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        ("_rels/.rels", format!(r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)),
        ("xl/workbook.xml", format!(r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_string()),
        ("xl/sharedStrings.xml", format!(r#"<sst xmlns="{MAIN}"></sst>"#)),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, content) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// The DFAT header row and then `cells`, as worksheet XML.
fn sheet_with(cells: &str) -> String {
    let header: String = ["Reference", "Name of Individual or Entity", "Type", "Name Type"]
        .iter()
        .zip('A'..)
        .map(|(h, col)| format!(r#"<c r="{col}1" t="inlineStr"><is><t>{h}</t></is></c>"#))
        .collect();
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{header}</row>{cells}</sheetData></worksheet>"#
    )
}

#[test]
fn written_workbook_is_read() {
    let row = r#"<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>AIR BAGAN</t></is></c><c r="C2" t="inlineStr"><is><t>Entity</t></is></c><c r="D2" t="inlineStr"><is><t>Primary Name</t></is></c></row>"#;
    let (_d, path) = temp_file("list.xlsx", &workbook(&sheet_with(row)));
    let (report, entities) = parse_paths(&[path]).unwrap();
    assert_eq!(report.entities, 1);
    assert_eq!(entities[0].caption(), "AIR BAGAN");
}

/// Found by the `import_dfat` fuzz target: one cell reference past the last column
/// (`ZZZZZZ2`, column 321,272,406) made both the recognition of the file (its first rows as
/// text) and the importer hold a row that long, gigabytes for a few bytes of input.
#[test]
fn a_cell_past_the_last_column_is_an_error() {
    let (_d, path) = temp_file("list.xlsx", &workbook(&sheet_with(r#"<row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>"#)));
    // Planning the import refuses it by the `columns` limit, before any row is read.
    let err = proscribe_import::plan(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("c \"ZZZZZZ2\"") && err.contains("limit columns=16384"), "{err}");
    // With the limit raised past the format's own last column, the reader refuses it.
    let mut raised = job(&DfatXlsx, &path);
    raised.limits.columns = u64::MAX;
    let err = parse_job(&raised).map(|_| ()).unwrap_err().to_string();
    let expected =
        format!("{}:2 <Sheet1>: broken sheet: a cell in column 321272406, past the last column XFD", path.display());
    assert_eq!(err, expected);

    // A cell in the last column is read.
    let row = r#"<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>AIR BAGAN</t></is></c><c r="C2" t="inlineStr"><is><t>Entity</t></is></c><c r="D2" t="inlineStr"><is><t>Primary Name</t></is></c><c r="XFD2"><v>1</v></c></row>"#;
    let (_d, path) = temp_file("list.xlsx", &workbook(&sheet_with(row)));
    assert_eq!(parse_paths(&[path]).unwrap().0.entities, 1);
}
