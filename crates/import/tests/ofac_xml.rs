//! OFAC's classic sdn.xml: a fixture of invented entries in the official layout, its
//! agreement with the same entry in the legacy CSV, and broken files.

use std::collections::BTreeSet;

use proscribe_import::{ofac_xml::OfacXml, Error};
use proscribe_model::{Entity, IdKind, NameKind};

use crate::common::{check_golden, fixture, job, parse_job, parse_paths, pretty, single_job, temp_file};

#[test]
fn fixture_counts_match_the_file() {
    let path = fixture("ofac/sdn.xml");
    let job = single_job(std::slice::from_ref(&path));
    assert_eq!(job.format.name(), "ofac-xml");
    assert_eq!(job.source_id, "us-ofac-sdn");
    let (report, entities) = parse_paths(std::slice::from_ref(&path)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let entries = text.matches("<sdnEntry>").count();
    let akas = text.matches("<aka>").count();
    assert_eq!(report.entities, entries);
    assert_eq!(report.designations, entries);
    assert_eq!(report.names, entries + akas);
    assert_eq!(report.source.published.as_deref(), Some("2025-01-15"));
    assert_eq!(report.source.format, "ofac-xml");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ofac-90001", "ofac-90002", "ofac-90003", "ofac-90004"]);
    let refs: Vec<&str> = entities.iter().map(|e| e.designations[0].reference.as_deref().unwrap()).collect();
    assert_eq!(refs, ["90001", "90002", "90003", "90004"]);
}

#[test]
fn entries_start_on_their_lines() {
    let path = fixture("ofac/sdn.xml");
    let (_, entities) = parse_job(&job(&OfacXml, &path)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let expected: Vec<u64> =
        text.lines().enumerate().filter(|(_, l)| l.trim() == "<sdnEntry>").map(|(i, _)| i as u64 + 1).collect();
    let got: Vec<u64> = entities.iter().map(|(_, line)| *line).collect();
    assert_eq!(got, expected);
}

#[test]
fn golden_records() {
    let (_, entities) = parse_paths(&[fixture("ofac/sdn.xml")]).unwrap();
    // A person with a passport, two birth dates, a weak alias and a link in the remarks.
    check_golden("ofac-xml-90001.json", &pretty(&entities[0]));
    // An entity with an escaped `&amp;` in an alias, a former name and two addresses.
    check_golden("ofac-xml-90002.json", &pretty(&entities[1]));
    // A vessel with its vesselInfo, IMO and MMSI.
    check_golden("ofac-xml-90003.json", &pretty(&entities[2]));
}

fn summary(e: &Entity) -> Vec<String> {
    let mut out = BTreeSet::new();
    out.insert(format!("id {}", e.id));
    out.insert(format!("schema {}", e.schema));
    for n in &e.names {
        out.insert(format!("name {:?} {} {:?}", n.kind, n.full, n.parts));
    }
    for d in &e.birth_dates {
        out.insert(format!("dob {}", d.date));
    }
    for p in &e.birth_places {
        out.insert(format!("pob {} {:?}", p.text, p.country));
    }
    for c in &e.countries {
        out.insert(format!("country {:?} {}", c.role, c.country));
    }
    for i in &e.identifiers {
        out.insert(format!("id {:?} {} {:?} {:?}", i.kind, i.number, i.country, i.note));
    }
    for a in &e.addresses {
        out.insert(format!("address {:?} {:?} {:?} {:?}", a.street, a.city, a.postal_code, a.country));
    }
    for l in &e.links {
        out.insert(format!("link {} {:?}", l.kind, l.target_name));
    }
    for r in &e.remarks {
        out.insert(format!("remark {}", r.text));
    }
    out.insert(format!("gender {:?}", e.gender));
    out.insert(format!("positions {:?}", e.positions.iter().map(|p| &p.text).collect::<Vec<_>>()));
    out.insert(format!("programs {:?} {:?}", e.designations[0].programs, e.designations[0].reference));
    out.into_iter().collect()
}

#[test]
fn xml_and_csv_are_versions_of_the_same_list() {
    let (xml_report, xml) = parse_paths(&[fixture("ofac/sdn.xml")]).unwrap();
    let (csv_report, csv) = parse_paths(&[fixture("ofac-csv")]).unwrap();
    assert_eq!(xml_report.source.id, csv_report.source.id);
    assert_eq!(summary(&xml[0]), summary(&csv[0]));
}

#[test]
fn weak_alias_and_identifier_details() {
    let (_, entities) = parse_paths(&[fixture("ofac/sdn.xml")]).unwrap();
    let person = &entities[0];
    let weak: Vec<&str> =
        person.names.iter().filter(|n| n.kind == NameKind::WeakAlias).map(|n| n.full.as_str()).collect();
    assert_eq!(weak, ["THE ENGINEER"]);
    let passport = &person.identifiers[0];
    assert_eq!(passport.kind, IdKind::Passport);
    assert_eq!(passport.country.map(|c| c.to_string()).as_deref(), Some("bg"));
    assert_eq!(passport.note.as_deref(), Some("issued 01 Mar 2015 expires 28 Feb 2025"));
    let org = &entities[1];
    assert!(org.identifiers.iter().any(|i| i.kind == IdKind::Imo && i.number == "5999999"));
    assert_eq!(org.properties["website"], ["www.northwind-maritime.example"]);
    let aircraft = &entities[3];
    assert_eq!(aircraft.properties["buildDate"], ["1990-01"]);
}

fn fixture_text() -> String {
    std::fs::read_to_string(fixture("ofac/sdn.xml")).unwrap()
}

#[test]
fn truncated_file_names_line_and_element() {
    let text = fixture_text();
    let cut = text.find("<lastName>SEA EXAMPLE").unwrap();
    let (_d, path) = temp_file("sdn.xml", &text.as_bytes()[..cut]);
    let line = text[..cut].lines().count() as u64;
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err}");
    assert_eq!(err.to_string(), format!("{}:{line} <sdnEntry>: the file ends inside this element", path.display()));
}

#[test]
fn file_cut_between_entries_is_an_error() {
    let text = fixture_text();
    let cut = text.rfind("</sdnEntry>").unwrap() + "</sdnEntry>\n".len();
    let (_d, path) = temp_file("sdn.xml", &text.as_bytes()[..cut]);
    let line = text[..cut].lines().count() as u64 + 1;
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:{line} <sdnList>: the file ends inside this element", path.display()));
}

#[test]
fn malformed_entry_names_line_and_element() {
    let text = fixture_text().replacen("</firstName>", "</lastName>", 1);
    let (_d, path) = temp_file("sdn.xml", text.as_bytes());
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}:10 <firstName>: malformed XML: ill-formed document: expected `</firstName>`, but `</lastName>` was found",
            path.display()
        )
    );
}

#[test]
fn latin1_byte_names_line() {
    let text = fixture_text().replacen("Dimitar Ivanov", "Dimitar \u{fc}", 1);
    let bytes: Vec<u8> = text.bytes().filter(|&b| b != 0xc3).map(|b| if b == 0xbc { 0xfc } else { b }).collect();
    let (_d, path) = temp_file("sdn.xml", &bytes);
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err();
    assert!(matches!(err, Error::Encoding { line: 10, .. }), "{err}");
    assert!(err.to_string().starts_with(&format!("{}: line 10: byte ", path.display())), "{err}");
}

#[test]
fn empty_and_foreign_files() {
    let (_d, path) = temp_file("sdn.xml", b"");
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err();
    assert_eq!(err.to_string(), format!("{}: the file is empty", path.display()));
    let (_d, path) = temp_file("sdn.xml", b"<?xml version=\"1.0\"?>\n<other><sdnEntry/></other>\n");
    let err = parse_job(&job(&OfacXml, &path)).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:2 <other>: the root element is not <sdnList>", path.display()));
}

#[test]
fn header_count_mismatch_is_reported() {
    let text = fixture_text().replace("<Record_Count>4</Record_Count>", "<Record_Count>5</Record_Count>");
    let (_d, path) = temp_file("sdn.xml", text.as_bytes());
    let (report, _) = parse_job(&job(&OfacXml, &path)).unwrap();
    let d: Vec<String> = report.diagnostics.iter().map(|d| d.reason.clone()).collect();
    assert_eq!(d, ["the header counts 5 entries, the file has 4"]);
}
