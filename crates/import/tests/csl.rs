//! The trade.gov Consolidated Screening List: the real gzipped file, rows of one `_id` merged,
//! golden records and broken files.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use proscribe_import::csl::UsCsl;

use crate::common::{
    check_golden, entity, job, parse_error, parse_job, parse_paths, pretty, shared, single_job, temp_file,
};

const HEADER: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids";

fn csl_file() -> Option<PathBuf> {
    shared("lists/other/us_csl/consolidated.csv.gz")
}

/// The rows as maps from column to value, read with flate2 and the csv crate alone.
fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

fn squash(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn counts_match_the_file() {
    let Some(path) = csl_file() else { return };
    let job = single_job(std::slice::from_ref(&path));
    assert_eq!(job.format.name(), "us-csl");
    assert_eq!(job.source_id, "us-csl");
    let (report, entities) = parse_paths(std::slice::from_ref(&path)).unwrap();
    let rows = rows(&path);
    assert_eq!(rows.len(), 14160, "the manifest's row count");
    let ids: HashSet<&str> = rows.iter().map(|r| r["_id"].as_str()).collect();
    assert_eq!(report.entities, ids.len());
    assert_eq!(entities.len(), ids.len());
    let got: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got.len(), entities.len(), "entity ids are unique");
    // One designation per distinct list entry of an _id (a row repeated whole counts once).
    let designations: HashSet<Vec<&str>> = rows
        .iter()
        .map(|r| {
            ["_id", "source", "programs", "entity_number", "start_date", "end_date", "federal_register_notice"]
                .iter()
                .map(|c| r[*c].as_str())
                .collect()
        })
        .collect();
    assert_eq!(report.designations, designations.len());
    // Names: the name, each alt name, and the issuer names of listed securities in `ids`.
    let mut names: HashSet<(String, &str, String)> = HashSet::new();
    for r in &rows {
        let id = r["_id"].clone();
        if !r["name"].trim().is_empty() {
            names.insert((id.clone(), "primary", squash(&r["name"])));
        }
        for alt in r["alt_names"].split(';').map(squash).filter(|a| !a.is_empty()) {
            names.insert((id.clone(), "alias", alt));
        }
        for entry in r["ids"].split("; ") {
            if let Some(name) = entry.strip_suffix(", Issuer Name") {
                names.insert((id.clone(), "alias", squash(name)));
            }
        }
    }
    assert_eq!(report.names, names.len());
    assert_eq!(entities.iter().map(|e| e.names.len()).sum::<usize>(), names.len());
}

#[test]
fn rows_of_one_id_merge_with_a_designation_per_list() {
    let Some(path) = csl_file() else { return };
    let (report, entities) = parse_paths(&[path]).unwrap();
    let e = entity(&entities, "us-csl-18291");
    let lists: Vec<&str> = e.designations.iter().map(|d| d.list.as_str()).collect();
    assert_eq!(lists, ["us-ofac-capta", "us-ofac-sdn", "us-ofac-ssi"]);
    assert_eq!(e.same_as, ["ofac-cons-18291", "ofac-18291"]);
    // Two identical CAPTA rows of 15268 give one designation.
    assert_eq!(entity(&entities, "us-csl-15268").designations.len(), 1);
    let lists: Vec<&str> = report.source.lists.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        lists,
        [
            "us-bis-dpl",
            "us-bis-entity-list",
            "us-bis-meu",
            "us-bis-uvl",
            "us-ddtc-debarred",
            "us-isn-nonproliferation",
            "us-ofac-capta",
            "us-ofac-cmic",
            "us-ofac-fse",
            "us-ofac-nsmbs",
            "us-ofac-plc",
            "us-ofac-sdn",
            "us-ofac-ssi",
        ]
    );
    let authorities: Vec<&str> = report.source.authorities.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(authorities, ["us-bis", "us-ddtc", "us-isn", "us-ofac"]);
}

#[test]
fn golden_records() {
    let Some(path) = csl_file() else { return };
    let (_, entities) = parse_paths(&[path]).unwrap();
    // On three OFAC lists, with OFAC's labelled details in `ids`.
    check_golden("us-csl-18291.json", &pretty(entity(&entities, "us-csl-18291")));
    // A person whose passport has issue and expiry dates.
    check_golden("us-csl-7252.json", &pretty(entity(&entities, "us-csl-7252")));
    // A BIS Entity List entry: no type, license terms, a Federal Register citation.
    check_golden(
        "us-csl-entity-list.json",
        &pretty(entity(&entities, "us-csl-c97bf3fc920c661cd4d67f5e63863e2481823af5")),
    );
}

fn row(id: &str, name: &str) -> String {
    let mut cells = vec![""; 29];
    cells[0] = id;
    cells[1] = "Entity List (EL) - Bureau of Industry and Security";
    cells[5] = name;
    cells.join(",")
}

#[test]
fn missing_header_column_names_it() {
    let header = HEADER.replace(",alt_names", "");
    let text = format!("{header}\n{}\n", row("a1", "ACME"));
    let (_d, path) = temp_file("consolidated.csv", text.as_bytes());
    let err = parse_job(&single_job(std::slice::from_ref(&path))).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:1: the header lacks the column(s) alt_names", path.display()));
}

#[test]
fn wrong_column_count_names_file_and_line() {
    let text =
        format!("{HEADER}\n{}\na2,Entity List (EL) - Bureau of Industry and Security,,,,SHORT\n", row("a1", "ACME"));
    let (_d, path) = temp_file("consolidated.csv", text.as_bytes());
    assert_eq!(parse_error(&UsCsl, &path), format!("{}:3: expected 29 columns, found 6", path.display()));
}

#[test]
fn latin1_byte_names_file_and_line() {
    let mut bytes = format!("{HEADER}\n{}\n", row("a1", "ACME")).into_bytes();
    bytes.extend_from_slice(row("a2", "M\u{1}LLER").replace('\u{1}', "#").as_bytes());
    let at = bytes.iter().rposition(|&b| b == b'#').unwrap();
    bytes[at] = 0xdc;
    let (_d, path) = temp_file("consolidated.csv", &bytes);
    assert_eq!(
        parse_error(&UsCsl, &path),
        format!("{}: line 3: byte {at} is not valid UTF-8 (the file must be UTF-8 encoded)", path.display())
    );
}

#[test]
fn header_only_is_empty() {
    let (_d, path) = temp_file("consolidated.csv", format!("{HEADER}\n").as_bytes());
    assert_eq!(parse_error(&UsCsl, &path), format!("{}: the file is empty", path.display()));
}

#[test]
fn rows_of_an_id_merge_even_when_apart() {
    let second = row("a1", "ACME").replacen(
        "Entity List (EL) - Bureau of Industry and Security",
        "Unverified List (UVL) - Bureau of Industry and Security",
        1,
    );
    let text = format!("{HEADER}\n{}\n{}\n{second}\n", row("a1", "ACME"), row("b2", "OTHER"));
    let (_d, path) = temp_file("consolidated.csv", text.as_bytes());
    let (report, entities) = parse_job(&job(&UsCsl, &path)).unwrap();
    let got: Vec<(&str, u64, usize)> =
        entities.iter().map(|(e, l)| (e.id.as_str(), *l, e.designations.len())).collect();
    // a1 waits for its second row; it keeps the line of its first.
    assert_eq!(got, [("us-csl-b2", 3, 1), ("us-csl-a1", 2, 2)]);
    assert_eq!(report.entities, 2);
}
