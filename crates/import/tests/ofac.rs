//! The OFAC legacy CSV set: the real SDN and non-SDN files, companions that are optional or
//! orphaned, golden records and broken files. Tests about particular entries read the
//! committed extract of the SDN set (38 entries with their address, alias and comment rows,
//! byte for byte), so that they run in every clone; the counts over the whole files read
//! `../shared/data`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use csv::StringRecord;
use proscribe_import::{ofac::OfacCsv, plan, Entry, Error};
use proscribe_model::{CountryRole, Entity, IdKind, NameKind, Schema};

use crate::common::{
    check_golden, entity, extract, parse_error, parse_job, parse_paths, parse_snapshot, pretty, shared, single_job,
    temp_file,
};

/// All rows of a CSV file read with the csv crate alone (0x1A end byte dropped).
fn rows(path: &Path) -> Vec<StringRecord> {
    let bytes: Vec<u8> = std::fs::read(path).unwrap().into_iter().filter(|&b| b != 0x1a).collect();
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
    r.records().map(|x| x.unwrap()).filter(|x| x.len() > 1).collect()
}

fn empty(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || v == "-0-"
}

fn squash(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counts taken from the raw files, independently of the importer.
struct Expected {
    entities: usize,
    names: usize,
    addresses: usize,
    weak_aliases: usize,
}

/// Names are counted as distinct (entry, kind, name) triples: the primary name, alt rows of
/// existing entries, and the quoted names OFAC puts in the remarks (`a.k.a. 'X'` is a weak
/// alias, `f.k.a. 'X'` a former name), plus `Issuer Name X` of listed securities.
fn expected(main: &Path, alt: Option<&Path>, add: Option<&Path>, comments: Option<&Path>) -> Expected {
    let main_rows: Vec<StringRecord> = rows(main).into_iter().filter(|r| r.len() == 12).collect();
    let ents: HashSet<String> = main_rows.iter().map(|r| r[0].trim().to_string()).collect();
    let mut more: HashMap<String, String> = HashMap::new();
    for r in comments.map(rows).unwrap_or_default() {
        more.entry(r[0].to_string()).or_default().push_str(r[1].trim_end());
    }
    let mut names: HashSet<(String, &str, String)> = HashSet::new();
    let mut weak = 0;
    for r in &main_rows {
        let ent = r[0].trim().to_string();
        names.insert((ent.clone(), "primary", squash(&r[1])));
        let mut remarks = if empty(&r[11]) { String::new() } else { r[11].trim_start().to_string() };
        remarks.push_str(more.get(&ent).map(String::as_str).unwrap_or(""));
        for seg in remarks.split("; ") {
            let seg = seg.trim().trim_end_matches('.');
            for (prefix, kind) in [
                ("a.k.a. '", "weak"),
                ("f.k.a. '", "former"),
                ("Issuer Name ", "alias"),
                ("alt. Issuer Name ", "alias"),
            ] {
                if let Some(name) = seg.strip_prefix(prefix) {
                    let name = squash(name.trim_end_matches('\''));
                    if names.insert((ent.clone(), kind, name)) && kind == "weak" {
                        weak += 1;
                    }
                }
            }
        }
    }
    for r in alt.map(rows).unwrap_or_default() {
        let kind = if r[2].trim() == "fka" { "former" } else { "alias" };
        if ents.contains(r[0].trim()) {
            names.insert((r[0].trim().to_string(), kind, squash(&r[3])));
        }
    }
    let addresses = add
        .map(rows)
        .unwrap_or_default()
        .iter()
        .filter(|r| ents.contains(r[0].trim()) && (2..6).any(|i| !empty(&r[i])))
        .count();
    Expected { entities: main_rows.len(), names: names.len(), addresses, weak_aliases: weak }
}

fn check_counts(entities: &[Entity], report: &proscribe_import::Report, exp: &Expected) {
    assert_eq!(report.entities, exp.entities);
    assert_eq!(entities.len(), exp.entities);
    assert_eq!(report.designations, exp.entities, "one designation per entry");
    assert_eq!(report.names, exp.names);
    assert_eq!(entities.iter().map(|e| e.addresses.len()).sum::<usize>(), exp.addresses);
    let weak = entities.iter().flat_map(|e| &e.names).filter(|n| n.kind == NameKind::WeakAlias).count();
    assert_eq!(weak, exp.weak_aliases);
    let ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entities.len(), "entity ids are unique");
}

fn sdn_files(dir: &Path) -> Vec<PathBuf> {
    ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"].iter().map(|f| dir.join(f)).collect()
}

fn ofac_dir() -> Option<PathBuf> {
    shared("lists/ofac")
}

/// The committed extract of the SDN set, parsed.
fn extract_entities() -> Vec<Entity> {
    parse_paths(&sdn_files(&extract("ofac"))).unwrap().1
}

/// An entity's names as (kind, name).
fn names(e: &Entity) -> Vec<(NameKind, &str)> {
    e.names.iter().map(|n| (n.kind, n.full.as_str())).collect()
}

/// The values of one of an entity's properties, joined with `|`.
fn property(e: &Entity, key: &str) -> Option<String> {
    e.properties.get(key).map(|v| v.join("|"))
}

#[test]
fn extract_counts_match_the_files() {
    let files = sdn_files(&extract("ofac"));
    let job = single_job(&files);
    assert_eq!((job.format.name(), job.source_id.as_str()), ("ofac-csv", "us-ofac-sdn"));
    assert_eq!(job.companions.len(), 3);
    let (report, entities) = parse_paths(&files).unwrap();
    let exp = expected(&files[0], Some(&files[2]), Some(&files[1]), Some(&files[3]));
    assert_eq!(exp.entities, 38);
    check_counts(&entities, &report, &exp);
    // SDN_Type: individual, `-0-` (an entity), vessel, aircraft.
    let schemas = |s: Schema| entities.iter().filter(|e| e.schema == s).count();
    assert_eq!([Schema::Person, Schema::Organization, Schema::Vessel, Schema::Aircraft].map(schemas), [17, 13, 5, 3]);
}

#[test]
fn extract_matches_its_golden_file() {
    check_golden("extract-ofac.json", &parse_snapshot(&sdn_files(&extract("ofac"))));
}

/// The Taliban (ent_num 6636): an entity (`-0-` type) with five alt rows and an address row.
#[test]
fn taliban_with_aliases_and_address() {
    let entities = extract_entities();
    let taliban = entity(&entities, "ofac-6636");
    assert_eq!(taliban.schema, Schema::Organization);
    assert_eq!(
        names(taliban),
        [
            (NameKind::Primary, "TALIBAN"),
            (NameKind::Alias, "ISLAMIC MOVEMENT OF TALIBAN"),
            (NameKind::Alias, "TAHRIKE ISLAMI'A TALIBAN"),
            (NameKind::Alias, "TALEBAN"),
            (NameKind::Alias, "TALIBAN ISLAMIC MOVEMENT"),
            (NameKind::Alias, "TALIBANO ISLAMI TAHRIK"),
        ]
    );
    assert_eq!(taliban.addresses.len(), 1);
    assert_eq!(taliban.addresses[0].country.as_ref().map(|c| c.code()), Some("af"));
    let d = &taliban.designations[0];
    assert_eq!((d.list.as_str(), d.reference.as_deref()), ("us-ofac-sdn", Some("6636")));
    assert_eq!(d.programs, ["SDGT"]);
    // Entries linked to the Taliban name it in their remarks.
    let linked: Vec<&str> = entities
        .iter()
        .filter(|e| e.links.iter().any(|l| l.target_name.as_deref() == Some("TALIBAN")))
        .filter_map(|e| e.designations[0].reference.as_deref())
        .collect();
    assert_eq!(
        linked,
        [
            "11355", "15005", "15006", "15007", "15008", "18688", "19671", "21390", "21392", "23629", "23631", "23634",
            "23635"
        ]
    );
}

#[test]
fn vessel_columns() {
    let entities = extract_entities();
    let swan = entity(&entities, "ofac-4243");
    assert_eq!(swan.schema, Schema::Vessel);
    assert_eq!(names(swan), [(NameKind::Primary, "SAND SWAN"), (NameKind::Former, "ANA I")]);
    let columns = ["callSign", "type", "tonnage", "grossRegisteredTonnage"].map(|k| property(swan, k));
    assert_eq!(
        columns.each_ref().map(|v| v.as_deref()),
        [Some("P3QG3"), Some("General Cargo"), Some("2595"), Some("1116")]
    );
    assert!(swan.countries.iter().any(|c| c.role == CountryRole::Flag && c.country.code() == "cy"));
}

#[test]
fn aircraft_from_the_remarks() {
    let entities = extract_entities();
    let plane = entity(&entities, "ofac-15431");
    assert_eq!(plane.schema, Schema::Aircraft);
    assert_eq!(names(plane), [(NameKind::Primary, "EP-GOM")]);
    assert_eq!(plane.designations[0].programs, ["SDGT"]);
    // The remarks' aircraft facts become properties.
    let facts = ["model", "serialNumber", "buildDate"].map(|k| property(plane, k));
    assert_eq!(facts.each_ref().map(|v| v.as_deref()), [Some("IL76-TD"), Some("1023409321"), Some("1992")]);
    let links: Vec<(&str, &str)> =
        plane.links.iter().map(|l| (l.kind.as_str(), l.target_name.as_deref().unwrap_or("-"))).collect();
    assert_eq!(links, [("operator", "YAS AIR"), ("linked_to", "POUYA AIR")]);
}

#[test]
fn sdn_set_counts_match_the_files() {
    let Some(dir) = ofac_dir() else { return };
    let files = sdn_files(&dir);
    let job = single_job(&files);
    assert_eq!(job.format.name(), "ofac-csv");
    assert_eq!(job.source_id, "us-ofac-sdn");
    let mut roles: Vec<&str> = job.companions.iter().map(|(r, _)| r.as_str()).collect();
    roles.sort();
    assert_eq!(roles, ["add", "alt", "comments"]);
    let (report, entities) = parse_paths(&files).unwrap();
    let exp = expected(&files[0], Some(&files[2]), Some(&files[1]), Some(&files[3]));
    assert_eq!(exp.entities, 8976, "the manifest's count of SDN rows");
    check_counts(&entities, &report, &exp);
    assert_eq!(report.source.id, "us-ofac-sdn");
    assert_eq!(report.source.format, "ofac-csv");
    assert!(report.source.published.is_none(), "the CSV set states no date");
    assert!(entities.iter().all(|e| e.id.starts_with("ofac-") && !e.id.starts_with("ofac-cons-")));
    // Empty address rows are reported, not dropped silently.
    let empty_rows = report.diagnostics.iter().filter(|d| d.reason.ends_with("address row has no content")).count();
    assert_eq!(empty_rows, rows(&files[1]).iter().filter(|r| (2..6).all(|i| empty(&r[i]))).count());
}

#[test]
fn consolidated_set_counts_match_the_files() {
    let Some(dir) = ofac_dir().map(|d| d.join("cons")) else { return };
    let job = single_job(std::slice::from_ref(&dir));
    assert_eq!(job.source_id, "us-ofac-cons");
    assert_eq!(job.companions.len(), 3);
    let (report, entities) = parse_job(&job).unwrap();
    let entities: Vec<Entity> = entities.into_iter().map(|(e, _)| e).collect();
    let exp = expected(
        &dir.join("cons_prim.csv"),
        Some(&dir.join("cons_alt.csv")),
        Some(&dir.join("cons_add.csv")),
        Some(&dir.join("cons_comments.csv")),
    );
    assert_eq!(exp.entities, 442);
    check_counts(&entities, &report, &exp);
    assert!(entities.iter().all(|e| e.id.starts_with("ofac-cons-")));
    assert!(entities.iter().all(|e| e.designations[0].list == "us-ofac-cons"));
}

#[test]
fn main_file_alone_imports_without_companions() {
    let Some(dir) = ofac_dir() else { return };
    // Named alone beside its set, it is read with it.
    let job = single_job(&[dir.join("sdn.csv")]);
    assert_eq!(job.companions.len(), 3);
    // Alone in its folder, it is read alone.
    let (_d, main) = temp_file("sdn.csv", &std::fs::read(dir.join("sdn.csv")).unwrap());
    let job = single_job(std::slice::from_ref(&main));
    assert!(job.companions.is_empty());
    let (report, entities) = parse_paths(std::slice::from_ref(&main)).unwrap();
    let exp = expected(&main, None, None, None);
    check_counts(&entities, &report, &exp);
}

#[test]
fn partial_set_without_main_file_is_skipped() {
    let Some(dir) = ofac_dir().map(|d| d.join("2025-12-partial")) else { return };
    let plan = plan(&[dir]).unwrap();
    assert_eq!(plan.jobs().count(), 0);
    let skipped: Vec<(String, String)> =
        plan.skipped().map(|s| (s.path.file_name().unwrap().to_string_lossy().to_string(), s.reason.clone())).collect();
    assert_eq!(
        skipped,
        [
            (
                "add.csv".into(),
                "add file of the ofac-csv format is no list by itself: it needs sdn.csv in the same folder".into()
            ),
            (
                "alt.csv".into(),
                "alt file of the ofac-csv format is no list by itself: it needs sdn.csv in the same folder".into()
            ),
            (
                "sdn_comments.csv".into(),
                "comments file of the ofac-csv format is no list by itself: it needs sdn.csv in the same folder".into()
            ),
        ]
    );
}

#[test]
fn companion_alone_is_an_error_when_named_and_skipped_in_a_folder() {
    let alt = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n\u{1a}";
    let (dir, path) = temp_file("alt.csv", alt.as_bytes());
    let err = plan(std::slice::from_ref(&path)).unwrap_err();
    assert!(matches!(err, Error::NotAList { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: alt file of the ofac-csv format is no list by itself: it needs sdn.csv in the same folder",
            path.display()
        )
    );
    let plan = plan(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(plan.jobs().count(), 0);
    assert_eq!(plan.skipped().map(|s| s.path.clone()).collect::<Vec<_>>(), [path]);
}

#[test]
fn golden_records() {
    // The rows of the extract are the bytes of the full files': the same golden files.
    let entities = extract_entities();
    // An entity with a weak alias in the remarks and four addresses.
    check_golden("ofac-306.json", &pretty(entity(&entities, "ofac-306")));
    // A tanker with its vessel columns, IMO and MMSI numbers, former names and flags.
    check_golden("ofac-15036.json", &pretty(entity(&entities, "ofac-15036")));
    // A person with birth data, a passport, strong aliases and a weak alias with name parts.
    check_golden("ofac-12113.json", &pretty(entity(&entities, "ofac-12113")));
}

#[test]
fn comments_continue_the_remarks() {
    let entities = extract_entities();
    // sdn.csv cuts the remarks of 28263 in the middle of `snowsjohn`; sdn_comments.csv goes on.
    let e = entity(&entities, "ofac-28263");
    assert!(e.names.iter().any(|n| n.full == "snowsjohn" && n.kind == NameKind::WeakAlias));
    assert!(e.links.iter().any(|l| l.kind == "linked_to" && l.target_name.as_deref() == Some("LAZARUS GROUP")));
    let e = entity(&entities, "ofac-12300");
    assert_eq!(e.links.iter().filter(|l| l.target_name.as_deref() == Some("PROMO RAIZ S.A.S.")).count(), 1);
}

#[test]
fn remarks_facts_land_in_the_model() {
    let entities = extract_entities();
    let e = entity(&entities, "ofac-15002");
    assert_eq!(e.birth_dates[0].date.to_string(), "1964-06-09");
    assert_eq!(e.birth_places[0].country.map(|c| c.to_string()).as_deref(), Some("mx"));
    let kinds: Vec<IdKind> = e.identifiers.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [IdKind::Passport, IdKind::Tax, IdKind::NationalId]);
    assert_eq!(e.names.iter().filter(|n| n.kind == NameKind::WeakAlias).count(), 3);
}

#[test]
fn wrong_column_count_names_file_and_line() {
    let text = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- \r\n";
    let (_d, path) = temp_file("sdn.csv", text.as_bytes());
    let err = parse_job(&single_job(std::slice::from_ref(&path))).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:2: expected 12 columns, found 7", path.display()));

    let (dir, main) = temp_file("sdn.csv", text.lines().next().unwrap().as_bytes());
    std::fs::write(dir.path().join("alt.csv"), "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n36,13,\"aka\"\r\n").unwrap();
    let err = parse_job(&single_job(&[dir.path().to_path_buf()])).unwrap_err();
    assert_eq!(err.to_string(), format!("{}:2: expected 5 columns, found 3", dir.path().join("alt.csv").display()));
    drop(main);
}

#[test]
fn latin1_byte_names_file_and_line() {
    let mut bytes = b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec();
    bytes.extend_from_slice(
        b"37,\"M\xdcLLER, Hans\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
    );
    let (_d, path) = temp_file("sdn.csv", &bytes);
    let err = parse_job(&single_job(std::slice::from_ref(&path))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: line 2: byte 86 is not valid UTF-8 (the file must be UTF-8 encoded)", path.display())
    );
}

#[test]
fn empty_and_truncated_files() {
    let (_d, path) = temp_file("sdn.csv", b"\x1a");
    assert_eq!(parse_error(&OfacCsv, &path), format!("{}: the file is empty", path.display()));
    // A file cut inside a quoted field is truncated, not a short row.
    let (_d, path) = temp_file("sdn.csv", b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,\"cut he");
    assert_eq!(
        parse_error(&OfacCsv, &path),
        format!("{}:1: the quoted field opened on line 1 is never closed: the file is truncated", path.display())
    );
    // Cut after a whole field, the row is short.
    let (_d, path) = temp_file("sdn.csv", b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,\"cut\"");
    assert_eq!(parse_error(&OfacCsv, &path), format!("{}:1: expected 12 columns, found 7", path.display()));
}

#[test]
fn orphan_companion_rows_are_reported() {
    let (dir, _main) = temp_file(
        "sdn.csv",
        b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
    );
    std::fs::write(
        dir.path().join("alt.csv"),
        "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n99,13,\"aka\",\"NOBODY\",-0- \r\n",
    )
    .unwrap();
    let (report, entities) = parse_paths(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(entities[0].names.len(), 2);
    let d: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        d,
        [format!(
            "{}:2 (99 alt_num=13): no entry with this ent_num in sdn.csv; row skipped",
            dir.path().join("alt.csv").display()
        )]
    );
}

#[test]
fn alt_rows_read_type_and_weak_remark() {
    let (dir, _main) =
        temp_file("sdn.csv", b"36,\"DOE, John\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    let alt = "36,1,\"aka\",\"DOE, Johnny\",-0- \r\n36,2,\"fka\",\"ROE, John\",-0- \r\n\
               36,3,\"nka\",\"DOE-ROE, John\",-0- \r\n36,4,\"aka\",\"JD\",\"weak aka\"\r\n";
    std::fs::write(dir.path().join("alt.csv"), alt).unwrap();
    let (_, entities) = parse_paths(&[dir.path().to_path_buf()]).unwrap();
    let names: Vec<(NameKind, &str, &str)> =
        entities[0].names.iter().map(|n| (n.kind, n.full.as_str(), n.src.as_deref().unwrap())).collect();
    assert_eq!(
        names,
        [
            (NameKind::Primary, "DOE, John", "SDN_Name"),
            (NameKind::Alias, "DOE, Johnny", "alt_num=1"),
            (NameKind::Former, "ROE, John", "alt_num=2"),
            (NameKind::Alias, "DOE-ROE, John", "alt_num=3"),
            (NameKind::WeakAlias, "JD", "alt_num=4"),
        ]
    );
    // A remark that only marks the alias as weak says nothing more than its kind.
    assert!(entities[0].remarks.is_empty());
}

#[test]
fn entries_of_a_plan_are_lists_or_skipped() {
    let Some(dir) = ofac_dir() else { return };
    let plan = plan(&[dir]).unwrap();
    let lists = plan.entries.iter().filter(|e| matches!(e, Entry::List(_))).count();
    assert_eq!(lists, 2, "sdn.csv and cons_prim.csv");
}
