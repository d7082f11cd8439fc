//! The UN Security Council XML importer on the real consolidated lists (2026-02-27 and
//! 2024-11-30): counts checked against a plain text scan of the files, golden records, and
//! broken input. Tests about particular records read the committed extracts of both files
//! (40 records each, byte for byte), so that they run in every clone; the counts over the
//! whole files read `../shared/data`.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{
    check_golden, diagnostics, entity, entity_with_line, extract, job, line_at, parse_error, parse_job, parse_paths,
    parse_snapshot, pretty, shared, single_job, temp_file, utf8_prefix,
};
use proscribe_import::un::UnXml;
use proscribe_model::{Entity, NameKind, Schema, Script};

const CURRENT: &str = "lists/un/consolidated.xml";
const OLDER: &str = "lists/un/history/consolidated-2024-11-30.xml";
/// The committed extracts of [`CURRENT`] and [`OLDER`].
const EXTRACT: &str = "un/consolidated.xml";
const EXTRACT_OLDER: &str = "un/history/consolidated-2024-11-30.xml";

/// Counts taken from the raw text, without an XML parser: records, primary names, names in
/// original script and aliases (non-empty `ALIAS_NAME`, distinct within a record and quality).
#[derive(Debug, Default, PartialEq)]
struct RawCounts {
    individuals: usize,
    entities: usize,
    original: usize,
    aliases: usize,
}

/// The text between `<tag>` and `</tag>` in `block`, or "" for `<tag/>` or no tag.
fn inner<'a>(block: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let Some(start) = block.find(&open).map(|i| i + open.len()) else { return "" };
    let end = block[start..].find(&format!("</{tag}>")).map_or(start, |i| start + i);
    &block[start..end]
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn raw_counts(path: &Path) -> RawCounts {
    let text = std::fs::read_to_string(path).unwrap();
    let mut counts = RawCounts::default();
    for (tag, alias_tag) in [("INDIVIDUAL", "INDIVIDUAL_ALIAS"), ("ENTITY", "ENTITY_ALIAS")] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        for chunk in text.split(&open).skip(1) {
            let record = &chunk[..chunk.find(&close).unwrap()];
            if tag == "INDIVIDUAL" {
                counts.individuals += 1;
            } else {
                counts.entities += 1;
            }
            if !inner(record, "NAME_ORIGINAL_SCRIPT").trim().is_empty() {
                counts.original += 1;
            }
            let mut seen = BTreeSet::new();
            for alias in record.split(&format!("<{alias_tag}>")).skip(1) {
                let name = collapse(inner(alias, "ALIAS_NAME"));
                let quality = match inner(alias, "QUALITY").trim() {
                    "Low" => "weak",
                    "f.k.a." => "former",
                    _ => "alias",
                };
                // Enclosing quotation marks are not part of the name.
                let name = name.trim_matches(|c| c == '"' || c == '“' || c == '”').to_string();
                if !name.is_empty() {
                    seen.insert((name, quality));
                }
            }
            counts.aliases += seen.len();
        }
    }
    counts
}

fn check_counts(path: &Path, individuals: usize, entities: usize) {
    let rel = path.display();
    let raw = raw_counts(path);
    // The manifest's record counts, as a check on the scan itself.
    assert_eq!((raw.individuals, raw.entities), (individuals, entities), "{rel}");
    let (report, parsed) = parse_paths(&[path.to_path_buf()]).unwrap();
    let count = |f: &dyn Fn(&Entity) -> usize| parsed.iter().map(f).sum::<usize>();
    let kind = |k: NameKind| move |e: &Entity| e.names.iter().filter(|n| n.kind == k).count();
    let got = RawCounts {
        individuals: parsed.iter().filter(|e| e.schema == Schema::Person).count(),
        entities: parsed.iter().filter(|e| e.schema == Schema::Organization).count(),
        original: count(&kind(NameKind::Original)),
        aliases: count(&kind(NameKind::Alias)) + count(&kind(NameKind::WeakAlias)) + count(&kind(NameKind::Former)),
    };
    assert_eq!(got, raw, "{rel}");
    assert_eq!(count(&kind(NameKind::Primary)), raw.individuals + raw.entities);
    assert_eq!(report.entities, raw.individuals + raw.entities);
    assert_eq!(report.names, count(&|e| e.names.len()));
    assert_eq!(report.designations, raw.individuals + raw.entities);
    let ids: BTreeSet<&str> = parsed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), parsed.len(), "ids are unique");
}

#[test]
fn counts_match_the_raw_file() {
    let Some(path) = shared(CURRENT) else { return };
    check_counts(&path, 730, 273);
}

#[test]
fn counts_match_the_raw_older_file() {
    let Some(path) = shared(OLDER) else { return };
    check_counts(&path, 686, 193);
}

#[test]
fn counts_match_the_raw_extracts() {
    check_counts(&extract(EXTRACT), 29, 11);
    check_counts(&extract(EXTRACT_OLDER), 29, 11);
}

#[test]
fn extracts_match_their_golden_files() {
    check_golden("extract-un.json", &parse_snapshot(&[extract(EXTRACT)]));
    check_golden("extract-un-2024-11-30.json", &parse_snapshot(&[extract(EXTRACT_OLDER)]));
}

#[test]
fn source_info_and_diagnostics() {
    // The extract keeps the file's header and the records with diagnostics (QDi.290, QDi.291).
    let path = extract(EXTRACT);
    let (report, _) = parse_paths(std::slice::from_ref(&path)).unwrap();
    assert_eq!(report.source.id, "un-sc");
    assert_eq!(report.source.format, "un-xml");
    assert_eq!(report.source.published.as_deref(), Some("2026-02-27T00:00:09.554Z"));
    assert_eq!(report.source.authorities[0].id, "un-sc");
    assert_eq!(report.source.lists[0].id, "un-sc-consolidated");
    // Every diagnostic names the file, a line and the record's reference.
    for d in &report.diagnostics {
        assert_eq!(d.file, path.display().to_string());
        assert!(d.line.is_some() && d.record.is_some(), "{d}");
    }
    let reasons: Vec<String> =
        report.diagnostics.iter().map(|d| format!("{} {}", d.record.as_ref().unwrap(), d.reason)).collect();
    assert!(
        reasons.contains(
            &"QDi.290 NATIONALITY/VALUE[2]: country \"former Soviet Union\" is not in the country table: kept as text"
                .to_string()
        ),
        "{reasons:#?}"
    );
    assert!(reasons.contains(&"QDi.291 INDIVIDUAL_DATE_OF_BIRTH[3]: date of birth \"24/06/1402 (Hijri Calendar)\" is not a date this importer reads: kept as a remark".to_string()), "{reasons:#?}");
}

/// The 1-based line of the record whose `REFERENCE_NUMBER` is `reference`, found by text search.
fn record_line(text: &str, reference: &str, tag: &str) -> u64 {
    let at = text.find(&format!("<REFERENCE_NUMBER>{reference}")).unwrap();
    let start = text[..at].rfind(&format!("<{tag}>")).unwrap();
    text[..start].matches('\n').count() as u64 + 1
}

#[test]
fn golden_records() {
    // The records of the extract are the bytes of the full file's: the same golden files.
    let path = extract(EXTRACT);
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, entities) = parse_job(&single_job(&[path])).unwrap();

    let (motaqi, line) = entity_with_line(&entities, "un-tai-026");
    assert_eq!(*line, record_line(&text, "TAi.026", "INDIVIDUAL"));
    assert_eq!(motaqi.caption(), "AMIR KHAN MOTAQI");
    let aliases: Vec<&str> =
        motaqi.names.iter().filter(|n| n.kind == NameKind::Alias).map(|n| n.full.as_str()).collect();
    assert_eq!(aliases, ["Amir Khan Muttaqi"]);
    assert_eq!(motaqi.designations[0].listed_on.as_ref().unwrap().to_string(), "2001-01-25");
    check_golden("un-tai-026.json", &pretty(motaqi));

    let (hanafi, line) = entity_with_line(&entities, "un-tai-027");
    assert_eq!(*line, record_line(&text, "TAi.027", "INDIVIDUAL"));
    assert_eq!(hanafi.caption(), "ABDUL SALAM HANAFI ALI MARDAN QUL");
    let aliases: Vec<&str> =
        hanafi.names.iter().filter(|n| n.kind == NameKind::Alias).map(|n| n.full.as_str()).collect();
    assert_eq!(aliases, ["Abdussalam Hanifi", "Hanafi Saheb"]);
    assert_eq!(hanafi.designations[0].listed_on.as_ref().unwrap().to_string(), "2001-02-23");
    check_golden("un-tai-027.json", &pretty(hanafi));

    let (komid, line) = entity_with_line(&entities, "un-kpe-001");
    assert_eq!(*line, record_line(&text, "KPe.001", "ENTITY"));
    assert_eq!(komid.schema, Schema::Organization);
    check_golden("un-kpe-001.json", &pretty(komid));
}

/// TAi.026 in both versions: names in two scripts, an approximate year of birth, the list's
/// reference and listing date; the place of birth added between the versions.
#[test]
fn motaqi_in_both_extracts() {
    let (_, now) = parse_paths(&[extract(EXTRACT)]).unwrap();
    let (_, then) = parse_paths(&[extract(EXTRACT_OLDER)]).unwrap();
    for entities in [&now, &then] {
        let motaqi = entity(entities, "un-tai-026");
        assert_eq!(motaqi.schema, Schema::Person);
        let names: Vec<(NameKind, &str, Script)> =
            motaqi.names.iter().map(|n| (n.kind, n.full.as_str(), n.script)).collect();
        assert_eq!(
            names,
            [
                (NameKind::Primary, "AMIR KHAN MOTAQI", Script::Latin),
                (NameKind::Original, "امیر خان متقی", Script::Arabic),
                (NameKind::Alias, "Amir Khan Muttaqi", Script::Latin),
            ]
        );
        let births: Vec<String> = motaqi.birth_dates.iter().map(|b| b.date.to_string()).collect();
        assert_eq!(births, ["~1968"]);
        let d = &motaqi.designations[0];
        assert_eq!((d.authority.as_str(), d.list.as_str()), ("un-sc", "un-sc-consolidated"));
        assert_eq!(d.reference.as_deref(), Some("TAi.026"));
        assert_eq!(d.listed_on.as_ref().unwrap().to_string(), "2001-01-25");
    }
    let places = |entities: &[Entity]| -> Vec<String> {
        entity(entities, "un-tai-026").birth_places.iter().map(|p| p.text.clone()).collect()
    };
    assert_eq!(places(&then), ["Zurmat District, Paktia Province, Afghanistan"]);
    assert_eq!(
        places(&now),
        [
            "Zurmat District, Paktia Province, Afghanistan",
            "Shin Kalai village, Nad-e-Ali District, Helmand Province, Afghanistan"
        ]
    );
}

/// The forms the list gives dates of birth in: an approximate year, a range of years, exact
/// dates, several reports, and a note the importer keeps as a remark.
#[test]
fn dates_of_birth_in_the_extract() {
    let (_, entities) = parse_paths(&[extract(EXTRACT)]).unwrap();
    let births =
        |id: &str| -> Vec<String> { entity(&entities, id).birth_dates.iter().map(|b| b.date.to_string()).collect() };
    assert_eq!(births("un-tai-026"), ["~1968"]);
    assert_eq!(births("un-qdi-314"), ["1977/1982"]);
    assert_eq!(births("un-qdi-001"), ["1963-04-11", "1960-04-11"]);
    assert_eq!(births("un-tai-139"), ["1965-03-29"]);
    assert_eq!(births("un-qdi-291"), ["1982-04-19", "1982-04-18"]);
    let qdi291 = entity(&entities, "un-qdi-291");
    assert!(qdi291.remarks.iter().any(|r| r.text.contains("24/06/1402 (Hijri Calendar)")), "{:#?}", qdi291.remarks);
}

#[test]
fn entries_named_in_comments_become_links() {
    let path = extract(EXTRACT);
    let (_, entities) = parse_paths(&[path]).unwrap();
    let aouadi = entities.iter().find(|e| e.id == "un-qdi-060").unwrap();
    let targets: Vec<&str> = aouadi.links.iter().filter_map(|l| l.target_id.as_deref()).collect();
    // COMMENTS1: "Head of security wing of Ansar al-Shari'a in Tunisia (AAS-T) (QDe.143)."
    assert_eq!(targets, ["un-qde-143"]);
    assert!(entities.iter().any(|e| e.id == "un-qde-143"));
}

#[test]
fn same_entry_keeps_its_id_across_versions() {
    let (current, older) = (extract(EXTRACT), extract(EXTRACT_OLDER));
    let (_, now) = parse_paths(&[current]).unwrap();
    let (_, then) = parse_paths(&[older]).unwrap();
    let caption = |list: &[Entity], id: &str| list.iter().find(|e| e.id == id).map(|e| e.caption().to_string());
    for id in ["un-tai-026", "un-tai-027", "un-qde-004"] {
        assert!(caption(&now, id).is_some(), "{id}");
        assert_eq!(caption(&now, id), caption(&then, id), "{id}");
    }
}

#[test]
fn truncated_file_names_file_and_line() {
    let path = extract(EXTRACT);
    let bytes = std::fs::read(&path).unwrap();
    let cut = utf8_prefix(&bytes, bytes.len() / 2);
    let (_dir, truncated) = temp_file("consolidated.xml", cut);
    let lines = line_at(&bytes, cut.len());
    let err = parse_error(&UnXml, &truncated);
    let prefix = format!("{}:{lines} <", truncated.display());
    assert!(err.starts_with(&prefix), "{err}");
    assert!(err.contains(": the file ends inside <"), "{err}");
    assert!(err.ends_with("): it is truncated"), "{err}");
}

#[test]
fn latin1_byte_names_file_line_and_offset() {
    let path = extract(EXTRACT);
    let mut bytes = std::fs::read(&path).unwrap();
    // "ERIC" in the first record becomes "ÉRIC" written in Latin-1.
    let at = bytes.windows(16).position(|w| w == b"<FIRST_NAME>ERIC").unwrap() + 12;
    bytes[at] = 0xC9;
    let (_dir, latin1) = temp_file("consolidated.xml", &bytes);
    let line = line_at(&bytes, at);
    assert_eq!(
        parse_error(&UnXml, &latin1),
        format!("{}: line {line}: byte {at} is not valid UTF-8 (the file must be UTF-8 encoded)", latin1.display())
    );
}

#[test]
fn malformed_nesting_names_element_and_line() {
    let xml = "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\">\n<INDIVIDUALS>\n<INDIVIDUAL>\n<FIRST_NAME>ERIC</SECOND_NAME>\n</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n";
    let (_dir, path) = temp_file("consolidated.xml", xml.as_bytes());
    assert_eq!(
        parse_error(&UnXml, &path),
        format!(
            "{}:5 <FIRST_NAME>: malformed XML: ill-formed document: expected `</FIRST_NAME>`, but `</SECOND_NAME>` was found",
            path.display()
        )
    );
}

#[test]
fn empty_and_foreign_files_are_errors() {
    let (_dir, empty) = temp_file("consolidated.xml", b"");
    assert_eq!(parse_error(&UnXml, &empty), format!("{}: the file is empty", empty.display()));
    let (_dir, other) = temp_file("consolidated.xml", b"<?xml version=\"1.0\"?>\n<data-set>\n<record/>\n</data-set>\n");
    assert_eq!(
        parse_error(&UnXml, &other),
        format!("{}:2 <data-set>: the root element is <data-set>, not <CONSOLIDATED_LIST>", other.display())
    );
}

#[test]
fn record_without_reference_is_skipped_with_a_diagnostic() {
    let xml = "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n<FIRST_NAME>NO REF</FIRST_NAME>\n</INDIVIDUAL>\n<INDIVIDUAL>\n<DATAID>2</DATAID>\n<FIRST_NAME>A</FIRST_NAME>\n<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>\n<GENDER>Unknown</GENDER>\n<NEW_FIELD>x</NEW_FIELD>\n</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n";
    let (_dir, path) = temp_file("un.xml", xml.as_bytes());
    let (report, entities) = parse_job(&job(&UnXml, &path)).unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].0.id, "un-qdi-999");
    assert_eq!(entities[0].1, 7);
    assert_eq!(
        diagnostics(&report, &path),
        [
            "F:3 (1): record without REFERENCE_NUMBER: skipped, as it has no stable id",
            "F:7 (QDi.999): element <NEW_FIELD> is not read by this importer (reported once per file)",
            "F:7 (QDi.999): GENDER \"Unknown\" is not Male or Female: not read",
        ]
    );
}

#[test]
fn recognised_by_content_not_name() {
    let xml = b"<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>\n";
    let (_dir, path) = temp_file("sdn.csv", xml);
    let job = single_job(&[path]);
    assert_eq!(job.format.name(), "un-xml");
    assert_eq!(job.source_id, "un-sc");
    let (report, entities) = parse_job(&job).unwrap();
    assert!(entities.is_empty());
    assert_eq!(report.source.published.as_deref(), Some("2026-01-01T00:00:00Z"));
}
