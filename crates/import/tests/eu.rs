//! The EU Financial Sanctions Files XML importer on `fixtures/eu/fsf-sample.xml`, four invented
//! entries written in the official export format (schema 1.1): a person with Latin, Cyrillic
//! and weak names, a company with contact details, a person with a range of birth years and a
//! UN reference, and a delisted organisation. Checked field by field, and on broken input.

use std::path::PathBuf;

use crate::common::{
    diagnostics, entity_with_line, fixture, job, line_at, parse_error, parse_job, single_job, temp_file,
};
use proscribe_import::eu::EuFsf;
use proscribe_model::{CountryRole, Entity, Gender, IdKind, NameKind, PartKind, Schema, Script, Status};

fn sample() -> PathBuf {
    fixture("eu/fsf-sample.xml")
}

fn parsed() -> (proscribe_import::Report, Vec<(Entity, u64)>) {
    parse_job(&single_job(&[sample()])).unwrap()
}

/// The 1-based line of the `sanctionEntity` with `logicalId`, found by text search.
fn line_of(logical_id: &str) -> u64 {
    let text = std::fs::read_to_string(sample()).unwrap();
    let at = text.find(&format!("logicalId=\"{logical_id}\">")).unwrap();
    let start = text[..at].rfind("<sanctionEntity ").unwrap();
    text[..start].matches('\n').count() as u64 + 1
}

#[test]
fn report_and_source() {
    let (report, all) = parsed();
    let text = std::fs::read_to_string(sample()).unwrap();
    assert_eq!(all.len(), text.matches("<sanctionEntity ").count());
    assert_eq!(report.entities, 4);
    assert_eq!(report.designations, 4);
    // 3 + 2 + 3 + 2: the repeated English name of the foundation is read once.
    assert_eq!(report.names, 10);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.source.id, "eu-fsf");
    assert_eq!(report.source.format, "eu-fsf-xml");
    assert_eq!(report.source.published.as_deref(), Some("2026-03-02T17:04:11.203+01:00"));
    assert_eq!(report.source.authorities[0].id, "eu-council");
    assert_eq!(report.source.lists[0].id, "eu-fsf");
}

#[test]
fn person_with_latin_cyrillic_and_weak_names() {
    let (_, all) = parsed();
    let (p, line) = entity_with_line(&all, "eu-fsf-990011");
    assert_eq!(*line, line_of("990011"));
    assert_eq!(p.schema, Schema::Person);
    assert_eq!(p.gender, Some(Gender::Male));

    let names: Vec<(NameKind, &str, Script, Option<&str>)> =
        p.names.iter().map(|n| (n.kind, n.full.as_str(), n.script, n.lang.as_deref())).collect();
    assert_eq!(
        names,
        [
            (NameKind::Primary, "Ivan Petrovich Sidorenko", Script::Latin, None),
            (NameKind::Alias, "Иван Петрович Сидоренко", Script::Cyrillic, Some("ru")),
            (NameKind::WeakAlias, "Vanya Sidorenko", Script::Latin, None),
        ]
    );
    let parts: Vec<(PartKind, &str)> = p.names[0].parts.iter().map(|x| (x.kind, x.value.as_str())).collect();
    assert_eq!(parts, [(PartKind::Given, "Ivan"), (PartKind::Middle, "Petrovich"), (PartKind::Family, "Sidorenko")]);
    assert_eq!(p.names[0].src.as_deref(), Some("nameAlias@logicalId=290011"));
    assert_eq!(p.names[1].parts.len(), 3);

    assert_eq!(p.positions.len(), 1);
    assert_eq!(p.positions[0].text, "Deputy Director of Northwind Logistics");

    assert_eq!(p.birth_dates.len(), 1);
    assert_eq!(p.birth_dates[0].date.to_string(), "1970-05-17");
    assert_eq!(p.birth_places.len(), 1);
    assert_eq!(p.birth_places[0].text, "Tula, Russia");
    assert_eq!(p.birth_places[0].country.map(|c| c.code().to_string()).as_deref(), Some("ru"));

    let countries: Vec<(&str, CountryRole)> = p.countries.iter().map(|c| (c.country.code(), c.role)).collect();
    assert_eq!(countries, [("ru", CountryRole::Citizenship), ("ru", CountryRole::Residence)]);

    let ids: Vec<(IdKind, &str, Option<&str>, Option<&str>)> =
        p.identifiers.iter().map(|i| (i.kind, i.number.as_str(), i.label.as_deref(), i.note.as_deref())).collect();
    assert_eq!(
        ids,
        [
            (IdKind::Passport, "7500 000001", Some("National passport"), Some("internal passport")),
            (
                IdKind::Passport,
                "720000001",
                Some("National passport"),
                Some("issued by Ministry of Foreign Affairs; known to be expired")
            ),
            (IdKind::Tax, "710000000001", Some("Tax identification number (INN)"), None),
        ]
    );
    assert!(p.identifiers.iter().all(|i| i.country.map(|c| c.code() == "ru") == Some(true)));

    assert_eq!(p.addresses.len(), 1);
    let a = &p.addresses[0];
    assert_eq!(a.full, "Example Street 12, Tula, 300000, Tula Oblast, Russia");
    assert_eq!(
        (a.street.as_deref(), a.city.as_deref(), a.postal_code.as_deref(), a.region.as_deref()),
        (Some("Example Street 12"), Some("Tula"), Some("300000"), Some("Tula Oblast"))
    );

    let remarks: Vec<&str> = p.remarks.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        remarks,
        [
            "Name Vanya Sidorenko: nickname used in the network",
            "Deputy head of the Northwind logistics network, which supplies materiel to the armed forces.",
        ]
    );

    let d = &p.designations[0];
    assert_eq!((d.authority.as_str(), d.list.as_str()), ("eu-council", "eu-fsf"));
    assert_eq!(d.programs, ["UKR"]);
    assert_eq!(d.reference.as_deref(), Some("EU.9901.11"));
    assert_eq!(d.legal_basis.as_deref(), Some("2024/745 (OJ L 2024/745)"));
    assert_eq!(d.listed_on, None, "the entry states no designationDate");
    assert_eq!(d.measures.len(), 1);
    let m = &d.measures[0];
    assert_eq!(m.date.to_string(), "2024-02-23");
    assert_eq!(m.effective, None);
    assert_eq!(m.act.as_deref(), Some("2024/745 (OJ L 2024/745)"));
    assert_eq!(m.citations, ["https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202400745&qid=1"]);
    assert_eq!(m.src.as_deref(), Some("regulation@logicalId=199001"));
}

#[test]
fn company_with_contact_details() {
    let (_, all) = parsed();
    let (c, line) = entity_with_line(&all, "eu-fsf-990012");
    assert_eq!(*line, line_of("990012"));
    assert_eq!(c.schema, Schema::Company, "LLC is a legal form");
    let names: Vec<(NameKind, &str, Option<&str>)> =
        c.names.iter().map(|n| (n.kind, n.full.as_str(), n.lang.as_deref())).collect();
    assert_eq!(
        names,
        [
            (NameKind::Primary, "Northwind Logistics LLC", Some("en")),
            (NameKind::Alias, "ООО «Нордвинд Логистика»", Some("ru"))
        ]
    );
    assert!(c.names.iter().all(|n| n.parts.is_empty()));
    assert_eq!(c.gender, None);
    assert_eq!(c.properties["phone"], ["+7 495 000 00 00"]);
    assert_eq!(c.properties["email"], ["office@northwind.example"]);
    assert_eq!(c.properties["website"], ["www.northwind.example"]);
    assert_eq!(c.addresses[0].full, "Example Embankment 5, office 301, Moscow, 115000, Russia");
    assert_eq!(c.addresses[0].note.as_deref(), Some("as at the time of listing"));
    assert_eq!(c.identifiers.len(), 1);
    assert_eq!(c.identifiers[0].kind, IdKind::Registration);
    assert_eq!(c.identifiers[0].number, "1207700000001");
}

#[test]
fn person_with_birth_year_range_and_un_reference() {
    let (_, all) = parsed();
    let (p, _) = entity_with_line(&all, "eu-fsf-990021");
    assert_eq!(p.caption(), "Abdul Karim Al-Example");
    let kinds: Vec<(NameKind, Script, Option<&str>)> =
        p.names.iter().map(|n| (n.kind, n.script, n.lang.as_deref())).collect();
    assert_eq!(
        kinds,
        [
            (NameKind::Primary, Script::Latin, None),
            (NameKind::Alias, Script::Arabic, Some("ar")),
            (NameKind::WeakAlias, Script::Latin, None)
        ]
    );
    assert_eq!(p.positions[0].text, "Mullah");
    let dates: Vec<String> = p.birth_dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["1953/1958", "~1960", "1961-03"]);
    assert_eq!(p.birth_places.len(), 1, "UNKNOWN (00) places are no places");
    assert_eq!(p.birth_places[0].text, "Example District, Uruzgan Province, Afghanistan");
    assert!(p.countries.is_empty(), "citizenship 00 is unknown");
    assert_eq!(p.addresses[0].full, "Afghanistan/Pakistan border region");
    assert_eq!(p.addresses[0].country, None);
    assert!(p.remarks.iter().any(|r| r.text == "Date of birth 1961-03: date from a false passport"));
    assert_eq!(p.same_as, ["un-qdi-998"]);
    let m = &p.designations[0].measures[0];
    assert_eq!(
        (m.date.to_string(), m.effective.as_ref().map(|d| d.to_string())),
        ("2011-09-15".into(), Some("2011-09-16".into()))
    );
    assert_eq!(m.note.as_deref(), Some("commission, regulation"));
}

#[test]
fn delisted_organisation() {
    let (_, all) = parsed();
    let (o, _) = entity_with_line(&all, "eu-fsf-990031");
    assert_eq!(o.schema, Schema::Organization);
    let names: Vec<(NameKind, &str)> = o.names.iter().map(|n| (n.kind, n.full.as_str())).collect();
    assert_eq!(
        names,
        [(NameKind::Primary, "Example Relief Foundation"), (NameKind::Alias, "Fondation de secours exemple")]
    );
    assert_eq!(o.addresses[0].full, "P.O. Box 12, Brussels, 1000, Belgium");
    assert_eq!(o.addresses[0].country.map(|c| c.code().to_string()).as_deref(), Some("be"));
    let d = &o.designations[0];
    assert_eq!(d.programs, ["TERR"]);
    assert_eq!(d.reason.as_deref(), Some("Supported the Example Front financially."));
    assert_eq!(d.legal_basis.as_deref(), Some("2019/900 (OJ L 147); 2025/100 (OJ L 2025/100)"));
    assert_eq!(d.measures.len(), 2);
    let on = |day: &str| d.status_on(&day.parse().unwrap()).status;
    assert_eq!(on("2019-06-02"), Status::NotListed);
    assert_eq!(on("2020-01-01"), Status::Listed);
    assert_eq!(on("2025-01-20"), Status::Delisted);
}

fn text_position(bytes: &[u8], needle: &str) -> usize {
    bytes.windows(needle.len()).position(|w| w == needle.as_bytes()).unwrap()
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    let bytes = std::fs::read(sample()).unwrap();
    // Cut inside the start tag of the Cyrillic name: the file ends inside markup.
    let cut = text_position(&bytes, "wholeName=\"Иван");
    let (_d1, truncated) = temp_file("eu.xml", &bytes[..cut]);
    let lines = line_at(&bytes, cut);
    let err = parse_error(&EuFsf, &truncated);
    assert!(err.starts_with(&format!("{}:{lines} <", truncated.display())), "{err}");
    assert!(err.ends_with("(tag not closed: `>` not found before end of input): it is truncated"), "{err}");

    let mut latin1 = bytes.clone();
    let at = latin1.windows(2).position(|w| w == "И".as_bytes()).unwrap();
    latin1[at] = 0xC8; // "È" in Latin-1, followed by a byte that cannot continue it
    latin1[at + 1] = b'v';
    let line = line_at(&latin1, at);
    let (_d2, latin1_path) = temp_file("eu.xml", &latin1);
    assert_eq!(
        parse_error(&EuFsf, &latin1_path),
        format!(
            "{}: line {line}: byte {at} is not valid UTF-8 (the file must be UTF-8 encoded)",
            latin1_path.display()
        )
    );

    let nested = "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\">\n  <sanctionEntity logicalId=\"1\">\n    <regulation programme=\"UKR\">\n  </sanctionEntity>\n</export>\n";
    let (_d3, nested_path) = temp_file("eu.xml", nested.as_bytes());
    assert_eq!(
        parse_error(&EuFsf, &nested_path),
        format!(
            "{}:4 <regulation>: malformed XML: ill-formed document: expected `</regulation>`, but `</sanctionEntity>` was found",
            nested_path.display()
        )
    );

    let (_d4, empty) = temp_file("eu.xml", b"");
    assert_eq!(parse_error(&EuFsf, &empty), format!("{}: the file is empty", empty.display()));
}

#[test]
fn entries_without_id_or_name_and_unknown_values_are_reported() {
    let xml = "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\" generationDate=\"2026-01-01\">\n<sanctionEntity euReferenceNumber=\"EU.1.1\">\n<nameAlias wholeName=\"No Id\"/>\n</sanctionEntity>\n<sanctionEntity euReferenceNumber=\"EU.1.2\" logicalId=\"2\">\n<subjectType code=\"person\" classificationCode=\"P\"/>\n</sanctionEntity>\n<sanctionEntity euReferenceNumber=\"EU.1.3\" logicalId=\"3\">\n<subjectType code=\"person\" classificationCode=\"P\"/>\n<nameAlias wholeName=\"Jane Example\" strong=\"true\"/>\n<citizenship countryIso2Code=\"QQ\" countryDescription=\"ATLANTIS\"/>\n<birthdate calendarType=\"ISLAMIC\" year=\"1390\"/>\n<birthdate yearRangeTo=\"1980\"/>\n<vesselDetails/>\n</sanctionEntity>\n</export>\n";
    let (_dir, path) = temp_file("eu.xml", xml.as_bytes());
    let (report, entities) = parse_job(&job(&EuFsf, &path)).unwrap();
    assert_eq!(entities.len(), 1);
    let (jane, line) = &entities[0];
    assert_eq!((jane.id.as_str(), *line), ("eu-fsf-3", 8));
    assert!(jane.birth_dates.is_empty() && jane.countries.is_empty());
    let remarks: Vec<&str> = jane.remarks.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        remarks,
        [
            "citizenship: country QQ",
            "Date of birth (ISLAMIC calendar): 1390",
            "Date of birth: a range of birth years up to 1980 without a start"
        ]
    );
    assert_eq!(
        diagnostics(&report, &path),
        [
            "F:2 (EU.1.1): sanctionEntity without logicalId: skipped, as it has no stable id",
            "F:5 (EU.1.2): sanctionEntity without any name: skipped",
            "F:8 (EU.1.3): element <vesselDetails> is not read by this importer (reported once per file)",
            "F:8 (EU.1.3): citizenship[1]: country \"QQ\" is not in the country table: kept as a remark",
            "F:8 (EU.1.3): birthdate[1]: date of birth in the ISLAMIC calendar: kept as a remark",
            "F:8 (EU.1.3): birthdate[2]: a range of birth years up to 1980 without a start: kept as a remark",
        ]
    );
}

#[test]
fn recognised_by_content_not_name() {
    let (_d1, renamed) = temp_file("consolidated.xml", &std::fs::read(sample()).unwrap());
    let job = single_job(&[renamed]);
    assert_eq!(job.format.name(), "eu-fsf-xml");
    assert_eq!(job.source_id, "eu-fsf");
    // An `export` document of another kind is not taken for this list.
    let (_d2, other) = temp_file("eu.xml", b"<?xml version=\"1.0\"?>\n<export><invoice id=\"1\"/></export>\n");
    assert!(proscribe_import::plan(&[other]).is_err());
}
