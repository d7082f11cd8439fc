//! Bounded imports: crafted files over each of the [`Limits`] are refused with an error naming
//! the file, the place, the limit and the flag that raises it. The files are written here at
//! run time; a huge case is made small by lowering its limit, and the cases at default limits
//! (a gzip bomb, deep XML, deep YAML, a far cell reference) are small because the limits stop
//! them early.

use std::io::Write;
use std::path::Path;

use proscribe_import::dfat::DfatXlsx;
use proscribe_import::ftm::FtmJson;
use proscribe_import::ofac::OfacCsv;
use proscribe_import::registry::RegistryYaml;
use proscribe_import::un::UnXml;
use proscribe_import::{plan_within, Format, Limits};

use crate::common::{job, parse_job, temp_file};

fn limits(assignments: &[&str]) -> Limits {
    let mut l = Limits::default();
    for a in assignments {
        l.set(a).unwrap();
    }
    l
}

/// The error of parsing `path` as `format` within `limits`, with the path written as `F`.
fn refused(format: &'static dyn Format, path: &Path, limits: Limits) -> String {
    let mut job = job(format, path);
    job.limits = limits;
    let err = parse_job(&job).map(|_| ()).expect_err("refused").to_string();
    err.replace(&path.display().to_string(), "F")
}

/// The number of entities a parse within `limits` yields.
fn accepted(format: &'static dyn Format, path: &Path, limits: Limits) -> usize {
    let mut job = job(format, path);
    job.limits = limits;
    parse_job(&job).expect("accepted").1.len()
}

/// Asserts the error names the limit and the flag that raises it.
fn assert_names_limit(err: &str, limit: &str) {
    assert!(err.starts_with("F: "), "{err}");
    assert!(err.contains(&format!("over the limit {limit}")), "{err}");
    let name = limit.split('=').next().unwrap();
    assert!(err.contains(&format!("--limit {name}=N")), "{err}");
}

const SDN_ROW: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,";

#[test]
fn a_csv_field_or_row_over_its_limit_names_the_line() {
    let long = "x".repeat(3000);
    let text = format!("{SDN_ROW}-0- \r\n{}\"{long}\"\r\n", SDN_ROW.replacen("36", "37", 1));
    let (_d, path) = temp_file("sdn.csv", text.as_bytes());
    assert_eq!(accepted(&OfacCsv, &path, Limits::default()), 2);
    let err = refused(&OfacCsv, &path, limits(&["field-bytes=1000"]));
    assert_names_limit(&err, "field-bytes=1000");
    assert!(err.starts_with("F: line 2: a field of more than 1000 bytes"), "{err}");
    let err = refused(&OfacCsv, &path, limits(&["record-bytes=2K"]));
    assert!(err.starts_with("F: line 2: a row of more than 2048 bytes"), "{err}");
    assert_names_limit(&err, "record-bytes=2048");
    let err = refused(&OfacCsv, &path, limits(&["columns=11"]));
    assert!(err.starts_with("F: line 1: a row of more than 11 fields"), "{err}");
    assert_names_limit(&err, "columns=11");
}

/// A gzip file of members, each `(content, copies)` compressed once and repeated: it inflates
/// to the contents one after the other, and is quick to write however much that is.
fn gzip(members: &[(&[u8], usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (content, copies) in members {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(content).unwrap();
        let member = gz.finish().unwrap();
        for _ in 0..*copies {
            out.extend_from_slice(&member);
        }
    }
    out
}

#[test]
fn a_gzip_inflating_to_one_huge_field_is_refused_at_default_limits() {
    // 8 MiB of one field compressed to a few KiB: refused after the first MiB.
    let header = b"_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n1,x,,,,\"";
    let bytes = gzip(&[(header, 1), (&[b'a'; 1 << 20], 8)]);
    assert!(bytes.len() < 64 * 1024, "{}", bytes.len());
    let (_d, path) = temp_file("consolidated.csv.gz", &bytes);
    let started = std::time::Instant::now();
    let err = proscribe_import::plan(std::slice::from_ref(&path))
        .and_then(|plan| plan.jobs().next().expect("a job").parse(&mut |_e, _l| Ok(())))
        .expect_err("refused")
        .to_string()
        .replace(&path.display().to_string(), "F");
    assert!(started.elapsed().as_secs() < 5);
    assert!(err.starts_with("F: line 2: a field of more than 1048576 bytes"), "{err}");
    assert_names_limit(&err, "field-bytes=1048576");
}

#[test]
fn a_gzip_inflating_past_its_limits_is_refused() {
    let line: &[u8] = b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let bytes = gzip(&[(&line.repeat(2000), 1)]);
    let (_d, path) = temp_file("sdn.csv.gz", &bytes);
    let err = refused(&OfacCsv, &path, limits(&["inflated-bytes=64K"]));
    let expect =
        format!("F: the gzip content (compressed {} bytes): inflating to more than 65536 bytes is over", bytes.len());
    assert!(err.starts_with(&expect), "{err}");
    assert_names_limit(&err, "inflated-bytes=65536");
    // The ratio: past 16 MiB, at most 100 times the compressed size.
    let bytes = gzip(&[(&line.repeat(14_000), 17)]);
    let (_d, path) = temp_file("sdn.csv.gz", &bytes);
    let err = refused(&OfacCsv, &path, Limits::default());
    assert!(err.contains("inflating to more than 16777216 bytes, 100 times the compressed size, is over"), "{err}");
    assert_names_limit(&err, "inflate-ratio=100");
}

fn un_xml(comments: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\">\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n<VERSIONNUM>1</VERSIONNUM>\n<FIRST_NAME>JOHN</FIRST_NAME>\n<SECOND_NAME>DOE</SECOND_NAME>\n<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>\n<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>\n<LISTED_ON>2001-01-01</LISTED_ON>\n<COMMENTS1>{comments}</COMMENTS1>\n<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>JOHNNY</ALIAS_NAME></INDIVIDUAL_ALIAS>\n<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>JACK</ALIAS_NAME></INDIVIDUAL_ALIAS>\n</INDIVIDUAL>\n</INDIVIDUALS>\n<ENTITIES/>\n</CONSOLIDATED_LIST>\n"
    )
}

#[test]
fn deep_xml_is_refused_at_default_limits_without_building_the_tree() {
    let deep = format!("{}{}", "<x>".repeat(150_000), "</x>".repeat(150_000));
    let (_d, path) = temp_file("consolidated.xml", un_xml(&deep).as_bytes());
    let started = std::time::Instant::now();
    let err = refused(&UnXml, &path, Limits::default());
    assert!(started.elapsed().as_secs() < 5);
    assert!(
        err.starts_with(
            "F: line 12 in <CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL/…/x/x>: elements nested more than 64 deep"
        ),
        "{err}"
    );
    assert_names_limit(&err, "depth=64");
    let (_d, path) = temp_file("consolidated.xml", un_xml("<x><y>z</y></x>").as_bytes());
    assert_eq!(accepted(&UnXml, &path, limits(&["depth=6"])), 1);
    assert!(refused(&UnXml, &path, limits(&["depth=5"]))
        .contains("in <CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL/COMMENTS1/x/y>"));
}

#[test]
fn xml_texts_records_and_names_over_their_limits_are_refused() {
    let (_d, path) = temp_file("consolidated.xml", un_xml(&"a".repeat(5000)).as_bytes());
    let err = refused(&UnXml, &path, limits(&["field-bytes=4K"]));
    assert!(err.starts_with("F: line 12: a text or tag of more than 4096 bytes"), "{err}");
    assert_names_limit(&err, "field-bytes=4096");
    // Each element counts as 256 bytes: the nine before the comments and their text are
    // within 5 KiB, the comments are not.
    let err = refused(&UnXml, &path, limits(&["record-bytes=5K"]));
    assert!(
        err.contains("in <CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL/COMMENTS1>: a record of more than 5120 bytes"),
        "{err}"
    );
    assert_names_limit(&err, "record-bytes=5120");
    let wide = un_xml(&"<a></a>".repeat(100));
    let (_d, path) = temp_file("consolidated.xml", wide.as_bytes());
    let err = refused(&UnXml, &path, limits(&["record-bytes=16K"]));
    assert!(
        err.contains("in <CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL/COMMENTS1/a>: a record of more than 16384 bytes"),
        "{err}"
    );
    // Three names: JOHN DOE and two aliases.
    assert_eq!(accepted(&UnXml, &path, limits(&["names=3"])), 1);
    let err = refused(&UnXml, &path, limits(&["names=2"]));
    assert!(err.starts_with("F: line 4: entity un-qdi-001 with 3 names"), "{err}");
    assert_names_limit(&err, "names=2");
}

/// A one-sheet xlsx whose sheet holds `rows` (the `<row>` elements) and whose shared strings
/// are `strings` (the content of each `<si>`).
fn xlsx(rows: &str, strings: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let members = [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>".to_string()),
        ("_rels/.rels", format!("<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rels}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!("<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"{rels}\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", format!("<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rels}/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{rels}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>")),
        ("xl/sharedStrings.xml", format!("<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">{}</sst>", strings.iter().map(|s| format!("<si>{s}</si>")).collect::<String>())),
        ("xl/worksheets/sheet1.xml", format!("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>")),
    ];
    for (name, content) in members {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A row of inline-string cells from column A.
fn row(r: u32, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .map(|(i, c)| format!("<c r=\"{}{r}\" t=\"inlineStr\"><is><t>{c}</t></is></c>", (b'A' + i as u8) as char))
        .collect();
    format!("<row r=\"{r}\">{cells}</row>")
}

const DFAT_HEADER: [&str; 4] = ["Reference", "Name of Individual or Entity", "Type", "Name Type"];

#[test]
fn spreadsheets_over_their_limits_are_refused_before_they_are_read() {
    let header = row(1, &DFAT_HEADER);
    let john = row(2, &["1", "John Doe", "Individual", "Primary Name"]);
    let (_d, path) = temp_file("list.xlsx", &xlsx(&format!("{header}{john}"), &["<t>unused</t>"]));
    assert_eq!(accepted(&DfatXlsx, &path, Limits::default()), 1);

    // A cell far out: refused when the file is planned, at default limits.
    let far = "<row r=\"3\"><c r=\"ZZZZZZ3\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    let (_d, path) = temp_file("list.xlsx", &xlsx(&format!("{header}{john}{far}"), &[]));
    let err = proscribe_import::plan(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    let err = err.replace(&path.display().to_string(), "F");
    assert!(err.starts_with("F: xl/worksheets/sheet1.xml, c \"ZZZZZZ3\": column 321272406 of the reference"), "{err}");
    assert_names_limit(&err, "columns=16384");
    let err = refused(&DfatXlsx, &path, Limits::default());
    assert_names_limit(&err, "columns=16384");
    let err = refused(&DfatXlsx, &path, limits(&["columns=1G", "rows=2"]));
    assert!(err.contains("row 3 of the reference"), "{err}");
    assert_names_limit(&err, "rows=2");

    // A long shared string (in runs, each shorter than the limit), and long shared strings
    // together.
    let shared = "<row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c></row>";
    let long = format!("<r><t>{}</t></r>", "y".repeat(1500)).repeat(2);
    let (_d, path) = temp_file("list.xlsx", &xlsx(&format!("{header}{john}{shared}"), &[&long, &long]));
    let err = refused(&DfatXlsx, &path, limits(&["field-bytes=2K"]));
    assert!(err.starts_with("F: xl/sharedStrings.xml: a shared string of more than 2048 bytes"), "{err}");
    assert_names_limit(&err, "field-bytes=2048");
    let err = refused(&DfatXlsx, &path, limits(&["shared-strings-bytes=5K"]));
    assert!(err.starts_with("F: xl/sharedStrings.xml: shared strings of more than 5120 bytes together"), "{err}");
    assert_names_limit(&err, "shared-strings-bytes=5120");
    // Many short strings count 64 bytes each besides their text.
    let (_d, path) = temp_file("list.xlsx", &xlsx(&format!("{header}{john}"), &["<t>s</t>"; 100]));
    assert_eq!(accepted(&DfatXlsx, &path, limits(&["shared-strings-bytes=6600"])), 1);
    let err = refused(&DfatXlsx, &path, limits(&["shared-strings-bytes=6K"]));
    assert_names_limit(&err, "shared-strings-bytes=6144");

    // White space in the sheet: a run without markup.
    let blank = " ".repeat(100_000);
    let (_d, path) = temp_file("list.xlsx", &xlsx(&format!("{header}{blank}{john}"), &[]));
    let err = refused(&DfatXlsx, &path, limits(&["field-bytes=64K"]));
    assert!(err.starts_with("F: xl/worksheets/sheet1.xml line 1: a text or tag of more than 65536 bytes"), "{err}");
    assert_names_limit(&err, "field-bytes=65536");
    let err = refused(&DfatXlsx, &path, limits(&["inflated-bytes=50K"]));
    assert!(err.starts_with("F: zip member xl/worksheets/sheet1.xml (compressed "), "{err}");
    assert!(err.contains("bytes): declaring 10"), "{err}");
    assert_names_limit(&err, "inflated-bytes=51200");
    // Within raised limits the same file reads.
    assert_eq!(accepted(&DfatXlsx, &path, limits(&["field-bytes=1M"])), 1);
}

/// `bytes`, a zip, with the inflated size its headers declare for `member` set to `size`.
fn declare_size(mut bytes: Vec<u8>, member: &str, size: u32) -> Vec<u8> {
    let name = member.as_bytes();
    let at: Vec<usize> = (0..bytes.len() - name.len()).filter(|&i| &bytes[i..i + name.len()] == name).collect();
    for i in at {
        let field = if bytes[i - 30..i - 26] == *b"PK\x03\x04" {
            i - 30 + 22
        } else if bytes[i - 46..i - 42] == *b"PK\x01\x02" {
            i - 46 + 24
        } else {
            continue;
        };
        bytes[field..field + 4].copy_from_slice(&size.to_le_bytes());
    }
    bytes
}

#[test]
fn a_zip_member_larger_than_it_declares_is_refused() {
    // The declared sizes are checked against the limits; the zip reader holds a member to its
    // declared size, so one that understates it cannot inflate past the limits either.
    let header = row(1, &DFAT_HEADER);
    let john = row(2, &["1", "John Doe", "Individual", "Primary Name"]);
    let blank = "\n".repeat(200_000);
    let bytes = declare_size(xlsx(&format!("{header}{blank}{john}"), &[]), "xl/worksheets/sheet1.xml", 1000);
    let (_d, path) = temp_file("list.xlsx", &bytes);
    let err = refused(&DfatXlsx, &path, limits(&["inflated-bytes=50K"]));
    assert!(err.contains("larger than its declared uncompressed size"), "{err}");
}

#[test]
fn deep_yaml_is_refused_before_it_is_parsed() {
    let mut text = String::from("proscribe-registry: 1\nid: deep\nentities:\n");
    for i in 0..40_000 {
        text.push_str(&" ".repeat(2 + i % 64 * 2));
        text.push_str("- a:\n");
    }
    let (_d, path) = temp_file("deep.yaml", text.as_bytes());
    let started = std::time::Instant::now();
    let err = refused(&RegistryYaml, &path, Limits::default());
    assert!(started.elapsed().as_secs() < 2);
    assert!(err.starts_with("F: line 66: YAML nested more than 64 deep"), "{err}");
    assert_names_limit(&err, "depth=64");
    // Flow collections count too.
    let flow = format!("proscribe-registry: 1\nid: deep\nentities: {}{}\n", "[".repeat(40_000), "]".repeat(40_000));
    let (_d, path) = temp_file("deep.yaml", flow.as_bytes());
    let err = refused(&RegistryYaml, &path, Limits::default());
    assert!(err.starts_with("F: line 3: YAML nested more than 64 deep"), "{err}");
    let big = format!("proscribe-registry: 1\n# {}\n", "z".repeat(3000));
    let (_d, path) = temp_file("big.yaml", big.as_bytes());
    let err = refused(&RegistryYaml, &path, limits(&["record-bytes=2K"]));
    assert!(err.starts_with("F: the whole file: a registry file of more than 2048 bytes"), "{err}");
    // Many tiny values count 32 bytes each besides their text.
    let tiny = format!("proscribe-registry: 1\nid: tiny\nx: [{}]\n", vec!["a"; 3000].join(","));
    let (_d, path) = temp_file("tiny.yaml", tiny.as_bytes());
    let err = refused(&RegistryYaml, &path, limits(&["record-bytes=64K"]));
    assert!(
        err.contains("a registry file of more than 65536 bytes (each of its 3006 values counted as 32 more)"),
        "{err}"
    );
    assert_names_limit(&err, "record-bytes=65536");
}

#[test]
fn ftm_lines_values_and_names_over_their_limits_are_refused() {
    let names: Vec<String> = (0..120).map(|i| format!("\"Name {i}\"")).collect();
    let line = format!(
        "{{\"id\":\"p1\",\"schema\":\"Person\",\"properties\":{{\"name\":[{}],\"alias\":[\"A\",\"B\"]}}}}\n",
        names.join(",")
    );
    let (_d, path) = temp_file("e.ftm.json", line.as_bytes());
    assert_eq!(accepted(&FtmJson, &path, Limits::default()), 1);
    let err = refused(&FtmJson, &path, limits(&["values=100"]));
    assert!(err.starts_with("F: line 1: property name with 120 values"), "{err}");
    assert_names_limit(&err, "values=100");
    let err = refused(&FtmJson, &path, limits(&["names=121"]));
    assert!(err.starts_with("F: line 1: an entity with 122 names"), "{err}");
    assert_names_limit(&err, "names=121");
    let err = refused(&FtmJson, &path, limits(&["record-bytes=1K"]));
    assert!(err.starts_with("F: line 1: a line of more than 1024 bytes"), "{err}");
    assert_names_limit(&err, "record-bytes=1024");
    // 100,000 names at default limits: refused as soon as the line is read.
    let many: Vec<String> = (0..100_000).map(|i| format!("\"N{i}\"")).collect();
    let line = format!("{{\"id\":\"p1\",\"schema\":\"Person\",\"properties\":{{\"name\":[{}]}}}}\n", many.join(","));
    let (_d, path) = temp_file("e.ftm.json", line.as_bytes());
    let started = std::time::Instant::now();
    assert_names_limit(&refused(&FtmJson, &path, Limits::default()), "values=10000");
    assert!(started.elapsed().as_secs() < 2);
}

#[test]
fn folders_with_a_file_over_the_limits_are_refused_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let far = "<row r=\"1\"><c r=\"A2000000\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    std::fs::write(dir.path().join("list.xlsx"), xlsx(far, &[])).unwrap();
    let err = plan_within(&[dir.path().to_path_buf()], &Limits::default()).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("row 2000000 of the reference is over the limit rows=1048576"), "{err}");
    assert!(plan_within(&[dir.path().to_path_buf()], &limits(&["rows=2M"])).is_ok());
}
