//! What the fuzz targets share: running an importer on bytes (written to files, since the
//! importers read paths), cutting one input into several files, wrapping sheet XML into an
//! xlsx workbook, and the screening index of the committed fixtures that the scan target
//! searches.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proscribe_import::{Format, Job, Limits};
use proscribe_matching::index::Index;
use proscribe_model::Entity;

/// The line that separates the files of one input (the OFAC CSV set, the spreadsheet's sheet
/// and shared strings). The seeds are written with it, so mutations keep it.
pub const FILE_SEPARATOR: &[u8] = b"\n#next-file#\n";

/// Cuts `data` at [`FILE_SEPARATOR`] into at most `n` parts; the last part keeps the rest.
pub fn split_files(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < n {
        match rest.windows(FILE_SEPARATOR.len()).position(|w| w == FILE_SEPARATOR) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + FILE_SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

/// A folder of this process for the files of one input. Inputs are written over the files of
/// the previous one; a process per folder keeps parallel fuzzing jobs apart.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("proscribe-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        dir
    })
}

/// Writes `data` to the scratch file `name` and returns its path.
pub fn write_file(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    let mut file = std::fs::File::create(&path).expect("create a scratch file");
    file.write_all(data).expect("write a scratch file");
    path
}

/// What an import produced, for the targets' own checks.
pub struct Imported {
    /// The entities, in the order the sink received them.
    pub entities: Vec<Entity>,
}

/// Parses `main` (written as `main_name`) with `format`, with companion files given as
/// (role, file name, bytes), and checks what any parse must hold: the report counts what the
/// sink received, records start on a line from 1, and diagnostics name a line from 1.
/// A parse that fails as a whole is fine; a panic is not.
pub fn import(
    format: &'static dyn Format,
    main_name: &str,
    main: &[u8],
    companions: &[(&str, &str, &[u8])],
) -> Option<Imported> {
    let path = write_file(main_name, main);
    let companions: Vec<(String, PathBuf)> =
        companions.iter().map(|(role, name, data)| (role.to_string(), write_file(name, data))).collect();

    // Recognition runs on every file an import is given; it must not panic either.
    let _ = proscribe_import::detect_file(&path, &Limits::default());

    let job = Job { format, source_id: format.source_id(&path), path, companions, limits: Limits::default() };
    let mut entities = Vec::new();
    let mut sink = |entity: Entity, line: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        assert!(line >= 1, "{}: an entity on line {line}", format.name());
        entities.push(entity);
        Ok(())
    };
    let report = job.parse(&mut sink).ok()?;
    assert_eq!(
        report.entities,
        entities.len(),
        "{}: the report counts other entities than the sink got",
        format.name()
    );
    let names: usize = entities.iter().map(|e| e.names.len()).sum();
    assert_eq!(report.names, names, "{}: the report counts other names", format.name());
    let designations: usize = entities.iter().map(|e| e.designations.len()).sum();
    assert_eq!(report.designations, designations, "{}: the report counts other designations", format.name());
    for d in &report.diagnostics {
        assert!(d.line.is_none_or(|l| l >= 1), "{}: a diagnostic on line 0: {d}", format.name());
    }
    Some(Imported { entities })
}

/// The parts of a minimal xlsx workbook with one sheet, around `sheet` (the worksheet XML)
/// and `strings` (the shared strings XML).
pub fn xlsx(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ];
    for (name, data) in parts {
        zip.start_file(name, stored).expect("start a zip entry");
        zip.write_all(data).expect("write a zip entry");
    }
    zip.finish().expect("finish the zip");
    out.into_inner()
}

/// Whether `xml` has a cell reference (`r="…"`, `ref="…"`) with a row past `u32::MAX` or a
/// column of seven letters or more. calamine 0.38 reads such a reference with unchecked
/// arithmetic (`get_row_and_optional_column`): it wraps in release builds and panics where
/// overflow is checked, as in fuzzing builds, in calamine and before any of our code sees
/// the cell. The spreadsheet target leaves these inputs out so that it keeps finding bugs of
/// ours. Reproducer: a sheet with `<c r="A4294967296"><v>1</v></c>`.
pub fn calamine_reference_overflows(xml: &[u8]) -> bool {
    let text = String::from_utf8_lossy(xml);
    let mut rest = text.as_ref();
    while let Some(at) = rest.find('=') {
        let name =
            rest[..at].trim_end().rsplit(|c: char| !c.is_ascii_alphanumeric() && c != ':').next().unwrap_or_default();
        rest = rest[at + 1..].trim_start();
        if !matches!(name, "r" | "ref") {
            continue;
        }
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let value = rest[1..].split(quote).next().unwrap_or_default();
        for piece in value.split(|c: char| c == ':' || c.is_whitespace()) {
            let piece = piece.trim_start_matches('$');
            let letters = piece.chars().take_while(char::is_ascii_alphabetic).count();
            // calamine accumulates the digits up to the first other character.
            let digits: String = piece[letters..].chars().take_while(char::is_ascii_digit).collect();
            let long_row = digits.parse::<u32>().is_err() && !digits.is_empty();
            if letters >= 7 || long_row {
                return true;
            }
        }
    }
    false
}

/// The screening index of the committed UN and OFAC extracts, built once per process.
pub fn fixture_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut entities = Vec::new();
        let mut parse = |format: &'static dyn Format, main: &str, companions: &[(&str, &str)]| {
            let path = proscribe_testkit::fixture(main);
            let companions =
                companions.iter().map(|(role, f)| (role.to_string(), proscribe_testkit::fixture(f))).collect();
            let job =
                Job { format, source_id: format.source_id(&path), path, companions, limits: Limits::default() };
            let mut sink = |e: Entity, _line: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
                entities.push(e);
                Ok(())
            };
            job.parse(&mut sink).expect("the committed fixtures parse");
        };
        parse(&proscribe_import::un::UnXml, "un/consolidated.xml", &[]);
        parse(
            &proscribe_import::ofac::OfacCsv,
            "ofac/sdn.csv",
            &[("add", "ofac/add.csv"), ("alt", "ofac/alt.csv"), ("comments", "ofac/sdn_comments.csv")],
        );
        Index::build(entities)
    })
}
