//! The FollowTheMoney JSON-lines importer on OpenSanctions exports: counts checked against an
//! independent reading of the JSON, golden records, and broken input.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use proscribe_import::ftm::FtmJson;
use proscribe_model::collapse_spaces;
use serde_json::Value;

use crate::common::{check_golden, parse_error, parse_paths, pretty, shared, temp_file};

const THINGS: &[&str] = &["Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"];
const LINKS: &[(&str, &str, &str)] = &[
    ("Ownership", "owner", "asset"),
    ("Directorship", "director", "organization"),
    ("Family", "person", "relative"),
    ("Associate", "person", "associate"),
    ("UnknownLink", "subject", "object"),
    ("Payment", "payer", "beneficiary"),
    ("Representation", "agent", "client"),
    ("Membership", "member", "organization"),
    ("Employment", "employee", "employer"),
];

/// Counts taken from the raw JSON, without the importer.
#[derive(Debug, PartialEq)]
struct Counts {
    entities: usize,
    names: usize,
    designations: usize,
    links: usize,
}

fn strings(v: &Value, prop: &str) -> Vec<String> {
    v["properties"][prop]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str()).map(collapse_spaces).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

fn raw_counts(path: &PathBuf) -> Counts {
    let text = std::fs::read_to_string(path).unwrap();
    let records: Vec<Value> =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    let schema = |r: &Value| r["schema"].as_str().unwrap_or_default().to_string();
    let things: HashSet<String> = records
        .iter()
        .filter(|r| THINGS.contains(&schema(r).as_str()))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut names = 0;
    for r in records.iter().filter(|r| things.contains(r["id"].as_str().unwrap())) {
        let mut set = BTreeSet::new();
        for (i, n) in strings(r, "name").into_iter().enumerate() {
            set.insert((if i == 0 { "primary" } else { "alias" }, n));
        }
        for (prop, kind) in
            [("alias", "alias"), ("abbreviation", "alias"), ("weakAlias", "weak"), ("previousName", "former")]
        {
            for n in strings(r, prop) {
                set.insert((kind, n));
            }
        }
        if set.is_empty() {
            if let Some(c) = r["caption"].as_str() {
                set.insert(("primary", c.to_string()));
            }
        }
        names += set.len();
    }
    let designations = records
        .iter()
        .filter(|r| schema(r) == "Sanction")
        .map(|r| strings(r, "entity").iter().filter(|e| things.contains(*e)).count())
        .sum();
    let mut links = 0;
    for r in &records {
        if let Some((_, a, b)) = LINKS.iter().find(|(s, ..)| *s == schema(r)) {
            for x in strings(r, a) {
                for y in strings(r, b) {
                    links += things.contains(&x) as usize + things.contains(&y) as usize;
                }
            }
        }
    }
    Counts { entities: things.len(), names, designations, links }
}

fn check_counts(rel: &str) {
    let Some(path) = shared(rel) else { return };
    let expected = raw_counts(&path);
    let (report, entities) = parse_paths(&[path]).unwrap();
    let links = entities.iter().map(|e| e.links.len()).sum();
    let got = Counts { entities: report.entities, names: report.names, designations: report.designations, links };
    assert_eq!(got, expected, "{rel}");
    assert_eq!(entities.len(), report.entities);
    let ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entities.len(), "entity ids are unique");
}

#[test]
fn counts_match_the_json() {
    check_counts("ftm/zala.entities.ftm.json");
    check_counts("ftm/t1.entities.ftm.json");
    check_counts("ftm/parteispenden.entities.ftm.json");
}

#[test]
fn zala_source_and_diagnostics() {
    let Some(path) = shared("ftm/zala.entities.ftm.json") else { return };
    let (report, entities) = parse_paths(&[path]).unwrap();
    assert_eq!(report.source.id, "ftm-zala");
    assert_eq!(report.source.format, "ftm");
    // 6 people and 11 companies; addresses, sanctions and relations are folded into them.
    assert_eq!(entities.len(), 17);
    let dfat = report.source.authorities.iter().find(|a| a.id == "department-of-foreign-affairs-and-trade").unwrap();
    assert_eq!(dfat.country.map(|c| c.to_string()).as_deref(), Some("au"));
    assert!(report.source.lists.iter().any(|l| l.id == "au-dfat-sanctions" && l.authority == dfat.id));
    // The one Passport record names its holder but gives no number.
    let reasons: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("(gb-fcdo-217caa5aa607244044b49706d04d8d6c5ec992bd)")
            && r.ends_with("identification of NK-aU5ybkbRFJucf8YMwsJvDw has no number: skipped")),
        "{reasons:#?}"
    );
}

#[test]
fn golden_records() {
    for (rel, id, golden) in [
        ("ftm/zala.entities.ftm.json", "NK-hUAjuiA3vTKXF6v2X6MYnS", "ftm-zala-lavrentiy-zakharov.json"),
        ("ftm/zala.entities.ftm.json", "NK-aU5ybkbRFJucf8YMwsJvDw", "ftm-zala-alexander-zakharov.json"),
        ("ftm/t1.entities.ftm.json", "NK-2GdmHtZTeNXjNVrBGEXZNj", "ftm-t1-inter-tobacco.json"),
    ] {
        let Some(path) = shared(rel) else { return };
        let (_, entities) = parse_paths(&[path]).unwrap();
        let e = entities.iter().find(|e| e.id == id).unwrap();
        check_golden(golden, &pretty(e));
    }
}

const PERSON: &str = r#"{"id":"p1","schema":"Person","properties":{"name":["Jane Roe"],"firstName":["Jane"],"lastName":["Roe"],"nationality":["zz-unknown"]}}"#;
const SANCTION: &str = r#"{"id":"s1","schema":"Sanction","properties":{"entity":["p1"],"authority":["Ministry of Examples"],"listingDate":["2020-02-01"],"startDate":["2020-01-15"],"program":["EX"]},"datasets":["ex_list"]}"#;

#[test]
fn sanction_before_its_entity_is_joined() {
    let content = format!("{SANCTION}\n\n{PERSON}\n");
    let (_d, path) = temp_file("small.entities.ftm.json", content.as_bytes());
    let (report, entities) = parse_paths(&[path]).unwrap();
    assert_eq!(report.source.id, "ftm-small");
    assert_eq!(entities.len(), 1);
    let d = &entities[0].designations[0];
    assert_eq!((d.authority.as_str(), d.list.as_str()), ("ministry-of-examples", "ex-list"));
    assert_eq!(d.listed_on.as_ref().unwrap().to_string(), "2020-01-15");
    assert_eq!(d.programs, ["EX"]);
    assert_eq!(entities[0].names[0].parts.len(), 2);
    // The nationality that is no country is kept and reported.
    assert_eq!(entities[0].properties["nationality"], ["zz-unknown"]);
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    assert!(report.diagnostics[0].reason.contains("nationality \"zz-unknown\" is no known country"));
}

#[test]
fn unknown_schema_is_skipped_with_a_diagnostic() {
    let content = format!("{PERSON}\n{{\"id\":\"ev1\",\"schema\":\"Event\",\"properties\":{{}}}}\n");
    let (_d, path) = temp_file("x.ftm.json", content.as_bytes());
    let (report, entities) = parse_paths(std::slice::from_ref(&path)).unwrap();
    assert_eq!(entities.len(), 1);
    let d = report.diagnostics.iter().find(|d| d.record.as_deref() == Some("ev1")).unwrap();
    assert_eq!(d.to_string(), format!("{}:2 (ev1): schema Event is not imported: record skipped", path.display()));
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    // A malformed second line.
    let content = format!("{PERSON}\n{{\"id\": \"x\", \"schema\": \n{SANCTION}\n");
    let (_d, path) = temp_file("bad.ftm.json", content.as_bytes());
    let err = parse_paths(std::slice::from_ref(&path)).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:2: not a FollowTheMoney entity (a JSON object): ", path.display())), "{err}");

    // A file cut off in the middle of its last line.
    let content = format!("{PERSON}\n{}", &SANCTION[..60]);
    let (_d, path) = temp_file("cut.ftm.json", content.as_bytes());
    let err = parse_paths(std::slice::from_ref(&path)).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:2: not a FollowTheMoney entity", path.display())), "{err}");
    assert!(err.contains("EOF while parsing"), "{err}");

    // A Latin-1 byte in a name on line 2.
    let mut bytes = format!("{PERSON}\n").into_bytes();
    let line2: &[u8] = b"{\"id\":\"p2\",\"schema\":\"Person\",\"properties\":{\"name\":[\"M\xfcller\"]}}\n";
    let bad_at = bytes.len() + line2.iter().position(|&b| b == 0xfc).unwrap();
    bytes.extend_from_slice(line2);
    let (_d, path) = temp_file("latin1.ftm.json", &bytes);
    let err = parse_paths(std::slice::from_ref(&path)).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{}: line 2: byte {bad_at} is not valid UTF-8 (the file must be UTF-8 encoded)", path.display())
    );

    // Only blank lines: recognised as nothing, so planning fails before parsing.
    let (_d, blank) = temp_file("blank.ftm.json", b"\n\n");
    assert_eq!(parse_error(&FtmJson, &blank), format!("{}: the file is empty", blank.display()));
}

/// Records of every kind the importer joins: things, a duplicate, an address, an occupancy
/// with its position, a passport, a relation, sanctions before and after their entity, and a
/// reference to an id that is no thing. `pad` bytes of notes go on each thing.
fn joined_records(things: usize, pad: usize) -> String {
    let notes = "n".repeat(pad);
    let mut lines = vec![
        serde_json::json!({"id": "s-0", "schema": "Sanction", "properties": {"entity": ["t-0"], "authority": ["Ministry of Examples"], "authorityId": ["EX-0"]}, "datasets": ["ex_list"]}),
        serde_json::json!({"id": "addr", "schema": "Address", "properties": {"full": ["1 Example Street, Valletta"], "country": ["mt"]}}),
        serde_json::json!({"id": "pos", "schema": "Position", "properties": {"name": ["Minister of Examples"]}}),
    ];
    for i in 0..things {
        let mut props = serde_json::json!({"name": [format!("Thing Number {i}")], "notes": [notes]});
        if i % 3 == 0 {
            props["addressEntity"] = serde_json::json!(["addr"]);
        }
        lines.push(serde_json::json!({"id": format!("t-{i}"), "schema": "Person", "properties": props}));
        if i % 2 == 1 {
            lines.push(serde_json::json!({"id": format!("s-{i}"), "schema": "Sanction", "properties": {"entity": [format!("t-{i}")], "authority": ["Ministry of Examples"], "startDate": [format!("2020-01-0{}", i % 9 + 1)]}, "datasets": ["ex_list"]}));
        }
    }
    lines.extend([
        serde_json::json!({"id": "t-1", "schema": "Company", "properties": {"name": ["A Duplicate"]}}),
        serde_json::json!({"id": "occ", "schema": "Occupancy", "properties": {"holder": ["t-2"], "post": ["pos"], "startDate": ["2019"]}}),
        serde_json::json!({"id": "pp", "schema": "Passport", "properties": {"holder": ["t-4"], "number": ["P123"], "country": ["mt"]}}),
        serde_json::json!({"id": "fam", "schema": "Family", "properties": {"person": ["t-4"], "relative": ["t-5"], "relationship": ["sibling"]}}),
        serde_json::json!({"id": "own", "schema": "Ownership", "properties": {"owner": ["nobody"], "asset": ["t-6"]}}),
    ]);
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn joins_are_the_same_in_memory_and_on_disk() {
    // A small file keeps its scratch database in memory; one over 4 MiB writes it to disk.
    let (_d, small) = temp_file("small.ftm.json", joined_records(400, 0).as_bytes());
    let big_text = joined_records(400, 12 * 1024);
    assert!(big_text.len() > 4 << 20);
    let (_e, big) = temp_file("small.ftm.json", big_text.as_bytes());
    let (small_report, small_entities) = parse_paths(std::slice::from_ref(&small)).unwrap();
    let (big_report, mut big_entities) = parse_paths(std::slice::from_ref(&big)).unwrap();
    for e in &mut big_entities {
        e.remarks.clear();
    }
    assert_eq!(small_entities, big_entities);
    let reasons =
        |r: &proscribe_import::Report| r.diagnostics.iter().map(|d| (d.line, d.reason.clone())).collect::<Vec<_>>();
    assert_eq!(reasons(&small_report), reasons(&big_report));

    let by_id = |id: &str| small_entities.iter().find(|e| e.id == id).unwrap();
    assert_eq!(small_entities.len(), 400);
    assert_eq!(by_id("t-0").designations[0].reference.as_deref(), Some("EX-0"), "a sanction before its entity");
    assert_eq!(by_id("t-3").designations.len(), 1);
    assert_eq!(by_id("t-3").addresses[0].full, "1 Example Street, Valletta");
    assert_eq!(by_id("t-2").positions[0].text, "Minister of Examples (startDate: 2019)");
    assert_eq!(by_id("t-4").identifiers[0].number, "P123");
    assert_eq!(by_id("t-4").links[0].target_name.as_deref(), Some("Thing Number 5"));
    assert_eq!(by_id("t-5").links[0].target_name.as_deref(), Some("Thing Number 4"));
    assert_eq!(by_id("t-1").schema, proscribe_model::Schema::Person, "the first record of an id wins");
    let reasons: Vec<String> = small_report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
    assert!(reasons[0].ends_with("(t-1): duplicate id: this record is skipped"), "{reasons:#?}");
    assert!(
        reasons[1].ends_with(
            "(Ownership:own): refers to nobody, which is no person, organisation, vessel or aircraft in the file: ignored"
        ),
        "{reasons:#?}"
    );
}
