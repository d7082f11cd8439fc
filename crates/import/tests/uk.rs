//! The UK OFSI ConList.csv importer on a fixture written in the official layout (three
//! invented targets whose rows are spread over the file, as OFSI sorts rows by name), checked
//! field by field, and broken input.

use std::path::PathBuf;

use proscribe_model::{CountryRole, Entity, IdKind, NameKind, PartKind, Schema};

use crate::common::{fixture, parse_paths, single_job, temp_file};

fn conlist() -> PathBuf {
    fixture("uk/ConList.csv")
}

fn parse() -> (proscribe_import::Report, Vec<Entity>) {
    parse_paths(&[conlist()]).unwrap()
}

fn names(e: &Entity) -> Vec<String> {
    e.names.iter().map(|n| format!("{:?}:{}", n.kind, n.full)).collect()
}

#[test]
fn source_and_counts() {
    let job = single_job(&[conlist()]);
    assert_eq!(job.format.name(), "uk-conlist");
    let (report, entities) = parse();
    assert_eq!(report.source.id, "uk-ofsi");
    assert_eq!(report.source.published.as_deref(), Some("2025-11-12"));
    assert_eq!(report.source.authorities[0].id, "uk-ofsi");
    assert_eq!(report.source.lists[0].id, "uk-ofsi");
    let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    // In the order of each group's first row.
    assert_eq!(ids, ["uk-ofsi-90101", "uk-ofsi-90102", "uk-ofsi-90103"]);
    assert_eq!((report.entities, report.names, report.designations), (3, 10, 3));
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn person_field_by_field() {
    let (_, entities) = parse();
    let e = &entities[0];
    assert_eq!(e.schema, Schema::Person);
    assert_eq!(
        names(e),
        [
            "Primary:Ivan Petrovich EXAMPLEV",
            "Alias:Ivan EKZAMPLEV",
            "WeakAlias:VANYA",
            "Original:Иван Петрович ЭКЗАМПЛЕВ",
        ]
    );
    let primary = &e.names[0];
    let parts: Vec<(PartKind, &str)> = primary.parts.iter().map(|p| (p.kind, p.value.as_str())).collect();
    assert_eq!(parts, [(PartKind::Given, "Ivan"), (PartKind::Middle, "Petrovich"), (PartKind::Family, "EXAMPLEV")]);
    assert_eq!(e.names[3].lang.as_deref(), Some("ru"));
    // Two DOB rows: a full date and a year.
    let dobs: Vec<String> = e.birth_dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dobs, ["1961-02-14", "1962"]);
    assert_eq!(e.birth_places.len(), 1);
    assert_eq!(e.birth_places[0].text, "Exampleton, Russia");
    assert_eq!(e.birth_places[0].country.map(|c| c.to_string()).as_deref(), Some("ru"));
    assert_eq!(e.countries.len(), 1);
    assert_eq!((e.countries[0].country.to_string().as_str(), e.countries[0].role), ("ru", CountryRole::Nationality));
    let ids: Vec<(IdKind, &str, Option<&str>, Option<String>)> = e
        .identifiers
        .iter()
        .map(|i| (i.kind, i.number.as_str(), i.note.as_deref(), i.country.map(|c| c.to_string())))
        .collect();
    assert_eq!(
        ids,
        [
            (IdKind::Passport, "7100001", Some("Russia"), Some("ru".to_string())),
            (IdKind::NationalId, "123456789012", Some("Tax identification number"), None),
        ]
    );
    let positions: Vec<&str> = e.positions.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(positions, ["Mr", "Director of Example Trading LLC", "Former deputy minister of examples"]);
    assert_eq!(e.addresses.len(), 1);
    let a = &e.addresses[0];
    assert_eq!(a.full, "12 Example Street, Moscow, 101000, Russia");
    assert_eq!((a.street.as_deref(), a.postal_code.as_deref()), (Some("12 Example Street"), Some("101000")));
    assert_eq!(a.country.map(|c| c.to_string()).as_deref(), Some("ru"));
    assert_eq!(e.remarks.len(), 1);
    assert_eq!(e.remarks[0].text, "UN Ref QDi.999. Associated with Example Trading LLC.");
    assert_eq!(e.same_as, ["un-qdi-999"]);
    assert_eq!(e.properties["dateDesignated"], ["2022-03-15"]);
    assert_eq!(e.properties["modifiedAt"], ["2024-02-01"]);
    let d = &e.designations[0];
    assert_eq!((d.authority.as_str(), d.list.as_str(), d.reference.as_deref()), ("uk-ofsi", "uk-ofsi", Some("90101")));
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on.as_ref().map(|d| d.to_string()).as_deref(), Some("2022-03-15"));
}

#[test]
fn entity_and_ship_field_by_field() {
    let (_, entities) = parse();
    let org = &entities[1];
    assert_eq!(org.schema, Schema::Organization);
    assert_eq!(
        names(org),
        [
            "Primary:EXAMPLE TRADING LLC",
            "Alias:EXTRA TRADING",
            "Former:OLD EXAMPLE LIMITED",
            "Original:شركة المثال للتجارة"
        ]
    );
    assert!(org.names.iter().all(|n| n.parts.is_empty()), "no name parts for an entity");
    assert_eq!(org.names[3].lang.as_deref(), Some("ar"));
    assert_eq!(org.addresses[0].full, "Building 5, Example Square, Damascus, Syria");
    assert_eq!(org.addresses[0].country.map(|c| c.to_string()).as_deref(), Some("sy"));
    assert_eq!(org.designations[0].programs, ["Syria"]);
    assert_eq!(org.designations[0].listed_on.as_ref().unwrap().to_string(), "2020-12-01");
    assert!(org.same_as.is_empty());

    let ship = &entities[2];
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(names(ship), ["Primary:SEA EXAMPLE", "Alias:OCEAN SAMPLE"]);
    assert_eq!(ship.identifiers.len(), 1);
    assert_eq!((ship.identifiers[0].kind, ship.identifiers[0].number.as_str()), (IdKind::Imo, "9000001"));
    assert_eq!(ship.designations[0].programs, ["Iran"]);
    assert!(ship.names.iter().any(|n| n.kind == NameKind::Alias));
}

fn fixture_text() -> String {
    std::fs::read_to_string(conlist()).unwrap()
}

type Parsed = Result<(proscribe_import::Report, Vec<Entity>), proscribe_import::Error>;

fn parse_text(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf, Parsed) {
    let (dir, path) = temp_file(name, content);
    let result = parse_paths(std::slice::from_ref(&path));
    (dir, path, result)
}

#[test]
fn recognised_by_content_under_any_name() {
    let (_d, path) = temp_file("targets.txt", fixture_text().as_bytes());
    assert_eq!(single_job(&[path]).format.name(), "uk-conlist");
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    let text = fixture_text();
    // Row 5 (line 5) loses its last field.
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    let short = lines[4].rsplit_once(',').unwrap().0.to_string();
    lines[4] = &short;
    let (_d, path, result) = parse_text("ConList.csv", lines.join("\r\n").as_bytes());
    let err = result.unwrap_err().to_string();
    assert_eq!(err, format!("{}:5: the row has 35 fields, the header has 36", path.display()));

    // Cut off inside the last row.
    let cut = &text[..text.len() - 40];
    let (_d, path, result) = parse_text("ConList.csv", cut.as_bytes());
    let err = result.unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:11: the row has ", path.display())), "{err}");

    // A Latin-1 byte in line 4.
    let mut bytes = text.clone().into_bytes();
    let line4 = text.match_indices("\r\n").nth(2).unwrap().0 + 2;
    bytes[line4 + 1] = 0xe9;
    let (_d, path, result) = parse_text("ConList.csv", &bytes);
    let err = result.unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{}: line 4: byte {} is not valid UTF-8 (the file must be UTF-8 encoded)", path.display(), line4 + 1)
    );

    // A header without Group ID is no ConList; named explicitly, it is refused.
    let no_gid = text.replace(",Group ID\r\n", ",Group\r\n");
    let (_d, path) = temp_file("ConList.csv", no_gid.as_bytes());
    let err = proscribe_import::plan(&[path]).unwrap_err().to_string();
    assert!(err.contains("not a list file proscribe can read"), "{err}");

    // Only the preamble and the header: no targets.
    let head: String = text.split("\r\n").take(2).collect::<Vec<_>>().join("\r\n") + "\r\n";
    let (_d, path, result) = parse_text("ConList.csv", head.as_bytes());
    assert_eq!(result.unwrap_err().to_string(), format!("{}: the file is empty", path.display()));

    // Empty file.
    let (_d, path) = temp_file("ConList.csv", b"");
    let err = proscribe_import::plan(std::slice::from_ref(&path)).unwrap_err().to_string();
    assert_eq!(err, format!("{}: the file is empty", path.display()));
}

#[test]
fn bad_values_are_diagnostics() {
    let text = fixture_text().replace("00/00/1962", "31/02/1962").replace(",Entity,AKA,", ",Entity,Nickname,");
    let (_d, path, result) = parse_text("ConList.csv", text.as_bytes());
    let (report, entities) = result.unwrap();
    let reasons: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        reasons,
        [
            format!("{}:6 (Group ID 90101): DOB \"31/02/1962\" is no date (invalid date: day 31 does not exist in 1962-02): kept in a remark", path.display()),
            format!("{}:7 (Group ID 90102): unknown Alias Type \"Nickname\": the name is read as an alias", path.display()),
        ]
    );
    assert!(entities[0].remarks.iter().any(|r| r.text == "DOB: 31/02/1962"));
}
