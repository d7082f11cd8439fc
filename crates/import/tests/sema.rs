//! The Canadian SEMA/JVCFOR XML importer on the real list (about April 2020): counts checked
//! against a text scan of the file, golden records, alias splitting on real records, and broken
//! input.

use crate::common::{
    check_golden, diagnostics, entity_with_line, job, line_at, parse_error, parse_job, parse_paths, pretty, shared,
    single_job, temp_file, utf8_prefix,
};
use proscribe_import::sema::CaSema;
use proscribe_model::{CountryRole, NameKind, Schema};
use std::collections::BTreeSet;

const FILE: &str = "lists/other/ca_sema/sema-lmes.xml";

/// The text of `<tag>` in a record, or "".
fn field<'a>(record: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let Some(start) = record.find(&open).map(|i| i + open.len()) else { return "" };
    let end = record[start..].find(&format!("</{tag}>")).map_or(start, |i| start + i);
    record[start..end].trim()
}

/// Separators outside parentheses in `text`, by character.
fn outside_parens(text: &str, sep: char) -> usize {
    let mut depth = 0i32;
    text.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            c == sep && depth == 0
        })
        .count()
}

/// Names per record counted from the raw text: the primary name; a French name after a slash
/// in `Entity`; a surname variant in parentheses in `LastName`; and the distinct pieces of
/// `Aliases` cut at commas, at the English/French slash, and at " et " in the last piece of a
/// French enumeration.
fn raw_name_count(record: &str) -> usize {
    let entity = field(record, "Entity");
    let last = field(record, "LastName");
    let aliases = field(record, "Aliases");
    let mut n = 1;
    n += usize::from(outside_parens(entity, '/') > 0);
    n += usize::from(last.contains('('));
    if !aliases.is_empty() {
        let (english, french) = aliases.split_once('/').unwrap_or((aliases, ""));
        let mut pieces: Vec<&str> = english.split(',').collect();
        let french: Vec<&str> = french.split(',').filter(|p| !p.trim().is_empty()).collect();
        if french.len() > 1 {
            pieces.extend(&french[..french.len() - 1]);
            pieces.extend(french[french.len() - 1].split(" et "));
        } else {
            pieces.extend(french);
        }
        let distinct: BTreeSet<String> = pieces
            .iter()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        n += distinct.len();
    }
    n
}

#[test]
fn counts_match_the_raw_file() {
    let Some(path) = shared(FILE) else { return };
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<&str> = text.split("<record>").skip(1).map(|r| &r[..r.find("</record>").unwrap()]).collect();
    assert_eq!(records.len(), 1369);
    // No legal form follows a comma in any alias list, so splitting at commas gives the names.
    for r in &records {
        let aliases = field(r, "Aliases");
        for form in [", Ltd", ", LLC", ", Inc", ", JSC", ", S.A.", ", Co."] {
            assert!(!aliases.contains(form), "{aliases}");
        }
    }
    let people = records.iter().filter(|r| !r.contains("<Entity>")).count();
    let expected_names: usize = records.iter().map(|r| raw_name_count(r)).sum();

    let (report, parsed) = parse_paths(&[path]).unwrap();
    assert_eq!(report.entities, records.len());
    assert_eq!(parsed.iter().filter(|e| e.schema == Schema::Person).count(), people);
    assert_eq!(
        parsed.iter().filter(|e| matches!(e.schema, Schema::Organization | Schema::Company)).count(),
        records.len() - people
    );
    assert_eq!(report.names, expected_names);
    assert_eq!(parsed.iter().map(|e| e.names.len()).sum::<usize>(), expected_names);
    assert_eq!(report.designations, records.len());
    let ids: BTreeSet<&str> = parsed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), parsed.len(), "ids are unique");
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.source.id, "ca-sema");
    assert_eq!(report.source.published, None, "the file states no date");
}

/// The line of the `<record>` that holds `needle`, found by text search.
fn record_line(text: &str, needle: &str) -> u64 {
    let at = text.find(needle).unwrap();
    let start = text[..at].rfind("<record>").unwrap();
    text[..start].matches('\n').count() as u64 + 1
}

#[test]
fn golden_records() {
    let Some(path) = shared(FILE) else { return };
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, entities) = parse_job(&single_job(&[path])).unwrap();

    let (gort, line) = entity_with_line(&entities, "ca-sema-syria-1-42");
    assert_eq!(*line, record_line(&text, "<Entity>General Organization of Radio and TV/"));
    check_golden("ca-sema-syria-1-42.json", &pretty(gort));

    let (salyaev, line) = entity_with_line(&entities, "ca-sema-russia-1-112");
    assert_eq!(*line, record_line(&text, "<LastName>SALYAEV</LastName>"));
    check_golden("ca-sema-russia-1-112.json", &pretty(salyaev));

    let (maduro, line) =
        entity_with_line(&entities, "ca-sema-justice-for-victims-of-corrupt-foreign-officials-regulations-jvcfor-1-1");
    assert_eq!(*line, record_line(&text, "<LastName>MADURO MOROS</LastName>"));
    check_golden("ca-sema-jvcfor-1-1.json", &pretty(maduro));
}

#[test]
fn regime_is_program_and_linked_country() {
    let Some(path) = shared(FILE) else { return };
    let (_, entities) = parse_paths(&[path]).unwrap();
    let get = |id: &str| entities.iter().find(|e| e.id == id).unwrap();

    let air_bagan = get("ca-sema-burma-1-1");
    assert_eq!(air_bagan.caption(), "Air Bagan");
    assert_eq!(air_bagan.designations[0].programs, ["Burma"]);
    assert_eq!(air_bagan.designations[0].reference.as_deref(), Some("Schedule 1, Item 1"));
    assert_eq!(air_bagan.countries.len(), 1);
    assert_eq!((air_bagan.countries[0].country.code(), air_bagan.countries[0].role), ("mm", CountryRole::Linked));
    let aliases: Vec<&str> = air_bagan.names.iter().skip(1).map(|n| n.full.as_str()).collect();
    assert_eq!(aliases, ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]);

    // A Venezuela record without Schedule gets the same id shape as those with "N/A".
    let venezuela = get("ca-sema-venezuela-n-a-55");
    assert_eq!(venezuela.caption(), "Manuel Gregorio BERNAL MARTÍNEZ");
    assert_eq!(venezuela.designations[0].reference.as_deref(), Some("Item 55"));

    let doctor = get("ca-sema-syria-2-81");
    assert_eq!(doctor.caption(), "Mohammad Nidal Al-Shaar");
    assert_eq!(doctor.positions[0].text, "Dr.");

    let general = entities.iter().find(|e| e.positions.iter().any(|p| p.text == "Major General")).unwrap();
    assert!(general.id.starts_with("ca-sema-"));

    let pavlov = get("ca-sema-ukraine-1-83");
    let names: Vec<(NameKind, &str)> = pavlov.names.iter().map(|n| (n.kind, n.full.as_str())).collect();
    assert_eq!(names, [(NameKind::Primary, "Arseny PAVLOV"), (NameKind::WeakAlias, "Motorola")]);

    let two_dates = entities.iter().find(|e| e.birth_dates.len() == 2).unwrap();
    let dates: Vec<String> = two_dates.birth_dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["1972-08-10", "1972-08-11"]);
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    let Some(path) = shared(FILE) else { return };
    let bytes = std::fs::read(&path).unwrap();
    let cut = utf8_prefix(&bytes, bytes.len() / 2);
    let (_d1, truncated) = temp_file("sema-lmes.xml", cut);
    let lines = line_at(&bytes, cut.len());
    let err = parse_error(&CaSema, &truncated);
    assert!(err.starts_with(&format!("{}:{lines} <", truncated.display())), "{err}");
    assert!(err.ends_with("): it is truncated"), "{err}");

    let mut latin1 = bytes.clone();
    // The first "è" of the file, written as Latin-1.
    let at = latin1.windows(2).position(|w| w == "è".as_bytes()).unwrap();
    latin1.splice(at..at + 2, [0xE8]);
    let line = line_at(&latin1, at);
    let (_d2, latin1_path) = temp_file("sema-lmes.xml", &latin1);
    assert_eq!(
        parse_error(&CaSema, &latin1_path),
        format!(
            "{}: line {line}: byte {at} is not valid UTF-8 (the file must be UTF-8 encoded)",
            latin1_path.display()
        )
    );

    let nested =
        "<data-set>\n\t<record>\n\t\t<Country>Iran</Country>\n\t\t<Entity>X</Item>\n\t</record>\n</data-set>\n";
    let (_d3, nested_path) = temp_file("sema-lmes.xml", nested.as_bytes());
    assert_eq!(
        parse_error(&CaSema, &nested_path),
        format!(
            "{}:4 <Entity>: malformed XML: ill-formed document: expected `</Entity>`, but `</Item>` was found",
            nested_path.display()
        )
    );

    let (_d4, empty) = temp_file("sema-lmes.xml", b"");
    assert_eq!(parse_error(&CaSema, &empty), format!("{}: the file is empty", empty.display()));
}

#[test]
fn records_without_key_or_name_are_skipped_and_new_fields_kept() {
    let xml = "<data-set>\n<record>\n<Country>Iran</Country>\n<Entity>No Item Co.</Entity>\n</record>\n<record>\n<Country>Iran</Country>\n<Schedule>1</Schedule>\n<Item>7</Item>\n</record>\n<record>\n<Country>Atlantis</Country>\n<Entity>Sea Bank</Entity>\n<Vessel>MV Example</Vessel>\n<Schedule>1</Schedule>\n<Item>8</Item>\n</record>\n</data-set>\n";
    let (_dir, path) = temp_file("sema.xml", xml.as_bytes());
    let (report, entities) = parse_job(&job(&CaSema, &path)).unwrap();
    assert_eq!(entities.len(), 1);
    let (sea_bank, line) = &entities[0];
    assert_eq!((sea_bank.id.as_str(), *line), ("ca-sema-atlantis-1-8", 11));
    assert_eq!(sea_bank.remarks[0].text, "Vessel: MV Example");
    assert!(sea_bank.countries.is_empty());
    assert_eq!(
        diagnostics(&report, &path),
        [
            "F:2 (Iran, schedule -, item -): record without Country or Item: skipped, as it has no stable id",
            "F:6 (Iran, schedule 1, item 7): record names neither an Entity nor a person: skipped",
            "F:11 (Atlantis, schedule 1, item 8): Country \"Atlantis\" is no country in the table: kept as the program only",
            "F:11 (Atlantis, schedule 1, item 8): element <Vessel> is not read by this importer: kept as a remark (reported once per file)",
        ]
    );
}

#[test]
fn recognised_by_content_not_name() {
    let xml = b"<?xml version=\"1.0\"?>\n<data-set>\n<record>\n<Country>Iran</Country>\n<Entity>X</Entity>\n<Schedule>1</Schedule>\n<Item>1</Item>\n</record>\n</data-set>\n";
    let (_d1, path) = temp_file("consolidated.xml", xml);
    assert_eq!(single_job(&[path]).format.name(), "ca-sema-xml");
    // Another `data-set` document is not taken for this list.
    let (_d2, other) = temp_file("sema-lmes.xml", b"<data-set><row><a>1</a></row></data-set>");
    assert!(proscribe_import::plan(&[other]).is_err());
}
