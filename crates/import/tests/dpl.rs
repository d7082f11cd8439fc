//! The BIS Denied Persons List: the real tab-separated file, rows of one name merged, golden
//! records and broken files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use proscribe_import::dpl::BisDpl;

use crate::common::{
    check_golden, entity, job, parse_error, parse_job, parse_paths, pretty, shared, single_job, temp_file,
};

const HEADER: &str = "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"";

fn dpl_file() -> Option<PathBuf> {
    shared("lists/other/us_bis_dpl/dpl.txt")
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::ReaderBuilder::new().delimiter(b'\t').from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// The key of a name: its letters and digits in lower case, in runs.
fn key(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn counts_match_the_file() {
    let Some(path) = dpl_file() else { return };
    let job = single_job(std::slice::from_ref(&path));
    assert_eq!((job.format.name(), job.source_id.as_str()), ("bis-dpl", "us-bis-dpl"));
    let (report, entities) = parse_paths(std::slice::from_ref(&path)).unwrap();
    let rows = rows(&path);
    assert_eq!(rows.len(), 581, "the manifest's row count");
    let names: HashSet<Vec<String>> = rows.iter().map(|r| key(&r["Name"])).collect();
    assert_eq!(report.entities, names.len());
    assert_eq!(entities.len(), names.len());
    let spellings: HashSet<(Vec<String>, String)> =
        rows.iter().map(|r| (key(&r["Name"]), r["Name"].split_whitespace().collect::<Vec<_>>().join(" "))).collect();
    assert_eq!(report.names, spellings.len());
    let orders: HashSet<(Vec<String>, &str, &str)> =
        rows.iter().map(|r| (key(&r["Name"]), r["Effective_Date"].as_str(), r["Expiration_Date"].as_str())).collect();
    assert_eq!(report.designations, orders.len());
    let columns = ["Street_Address", "City", "State", "Country", "Postal_Code"];
    let addresses: HashSet<(Vec<String>, Vec<&str>)> = rows
        .iter()
        .map(|r| (key(&r["Name"]), columns.iter().map(|c| r[*c].trim()).collect::<Vec<_>>()))
        .filter(|(_, a)| a.iter().any(|v| !v.is_empty()))
        .collect();
    assert_eq!(entities.iter().map(|e| e.addresses.len()).sum::<usize>(), addresses.len());
    assert_eq!(report.source.lists[0].id, "us-bis-dpl");
    assert_eq!(report.source.authorities[0].id, "us-bis");
}

#[test]
fn golden_records() {
    let Some(path) = dpl_file() else { return };
    let (_, entities) = parse_paths(&[path]).unwrap();
    // One row: an address, an order, its last update.
    check_golden("us-bis-dpl-aaron-abraham-villa.json", &pretty(entity(&entities, "us-bis-dpl-aaron-abraham-villa")));
    // Two rows of one order at two addresses, their citations differing.
    check_golden("us-bis-dpl-abdulah-al-nasser.json", &pretty(entity(&entities, "us-bis-dpl-abdulah-al-nasser")));
    // Rows far apart (` I. ASH` sorts first) under two orders.
    check_golden("us-bis-dpl-i-ash.json", &pretty(entity(&entities, "us-bis-dpl-i-ash")));
}

fn row(name: &str) -> String {
    format!("\"{name}\"\t\"1 MAIN ST\"\t\"EL PASO\"\t\"TX\"\t\"US\"\t\"79905\"\t\"08/24/2022\"\t\"01/14/2026\"\t\"Y\"\t\"2022-08-29\"\t\"F.R. NOTICE ADDED\"\t\"87 F.R. 52741 8/29/2022\"")
}

#[test]
fn missing_header_column_names_it() {
    let header = HEADER.replace("\t\"FR_Citation\"", "");
    let (_d, path) = temp_file("dpl.txt", format!("{header}\n{}\n", row("JOHN DOE")).as_bytes());
    let err = parse_job(&single_job(std::slice::from_ref(&path))).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:1: the header lacks the column(s) FR_Citation", path.display()));
}

#[test]
fn wrong_column_count_names_file_and_line() {
    let text = format!("{HEADER}\n{}\n\"JANE DOE\"\t\"2 MAIN ST\"\n", row("JOHN DOE"));
    let (_d, path) = temp_file("dpl.txt", text.as_bytes());
    assert_eq!(parse_error(&BisDpl, &path), format!("{}:3: expected 12 columns, found 2", path.display()));
}

#[test]
fn latin1_byte_names_file_and_line() {
    let mut bytes = format!("{HEADER}\n{}\n", row("JOHN DOE")).into_bytes();
    let at = bytes.len() + 3;
    bytes.extend_from_slice(row("M#LLER").as_bytes());
    bytes[at] = 0xdc;
    let (_d, path) = temp_file("dpl.txt", &bytes);
    assert_eq!(
        parse_error(&BisDpl, &path),
        format!("{}: line 3: byte {at} is not valid UTF-8 (the file must be UTF-8 encoded)", path.display())
    );
}

#[test]
fn header_only_is_empty_and_a_file_cut_inside_quotes_is_truncated() {
    let (_d, path) = temp_file("dpl.txt", format!("{HEADER}\n").as_bytes());
    assert_eq!(parse_error(&BisDpl, &path), format!("{}: the file is empty", path.display()));
    let text = format!("{HEADER}\n{}", &row("JOHN DOE")[..40]);
    let (_d, path) = temp_file("dpl.txt", text.as_bytes());
    assert_eq!(
        parse_error(&BisDpl, &path),
        format!("{}:2: the quoted field opened on line 2 is never closed: the file is truncated", path.display())
    );
}

#[test]
fn same_name_rows_merge_into_one_entity() {
    let second = row("JOHN  DOE").replace("1 MAIN ST", "9 SIDE ST");
    let text = format!("{HEADER}\n{}\n{}\n{second}\n", row("JOHN DOE"), row("ACME CORP"));
    let (_d, path) = temp_file("dpl.txt", text.as_bytes());
    let (report, entities) = parse_job(&job(&BisDpl, &path)).unwrap();
    let got: Vec<(&str, u64, usize, usize)> =
        entities.iter().map(|(e, l)| (e.id.as_str(), *l, e.addresses.len(), e.designations.len())).collect();
    assert_eq!(got, [("us-bis-dpl-acme-corp", 3, 1, 1), ("us-bis-dpl-john-doe", 2, 2, 1)]);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let order = &entities[1].0.designations[0];
    assert_eq!(order.listed_on.as_ref().map(|d| d.to_string()).as_deref(), Some("2022-08-24"));
    assert_eq!(order.ended_on.as_ref().map(|d| d.to_string()).as_deref(), Some("2026-01-14"));
    assert_eq!(order.legal_basis.as_deref(), Some("87 F.R. 52741 8/29/2022"));
    assert_eq!(order.measures.len(), 1);
}
