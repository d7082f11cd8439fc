//! The registry YAML format: the example registry of the repository imports, its designations
//! tell the story of the Taliban's listings day by day, and mistakes in a registry are errors
//! that say where they are.

use std::path::{Path, PathBuf};

use proscribe_model::{Entity, MeasureKind, NameKind, Schema};

use crate::common::{parse_paths, single_job, temp_file};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/registry/taliban.yaml")
}

fn entities() -> (proscribe_import::Report, Vec<Entity>) {
    parse_paths(&[example()]).unwrap()
}

/// The status of `entity`'s entry on `list` at the end of `day`, as `status certainty`.
fn status(entity: &Entity, list: &str, day: &str) -> String {
    let d = entity.designations.iter().find(|d| d.list == list).unwrap();
    let s = d.status_on(&day.parse().unwrap());
    format!("{} {:?}", s.status.as_str(), s.certainty).to_lowercase()
}

/// One of the example's national lists.
fn national(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/registry").join(file)
}

#[test]
fn example_registry_imports() {
    let job = single_job(&[example()]);
    assert_eq!(job.format.name(), "registry-yaml");
    assert_eq!(job.source_id, "example-taliban");
    let (report, entities) = entities();
    assert_eq!(report.source.id, "example-taliban");
    assert_eq!(report.source.published.as_deref(), Some("2025-07-04"));
    assert_eq!(report.source.authorities.len(), 5);
    assert_eq!(report.source.lists.len(), 1);
    let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["taliban", "amir-khan-motaqi", "abdul-salam-hanafi"]);
    assert_eq!((report.entities, report.names, report.designations), (3, 10, 2));
    assert!(report.diagnostics.is_empty());

    let taliban = &entities[0];
    assert_eq!(taliban.schema, Schema::Organization);
    assert_eq!(taliban.caption(), "Taliban");
    assert!(taliban.designations.is_empty(), "the national lists are kept apart");
    let acts: Vec<(MeasureKind, &str, String)> =
        taliban.acts.iter().map(|m| (m.kind, m.authority.as_str(), m.date.to_string())).collect();
    assert_eq!(
        acts,
        [
            (MeasureKind::Accreditation, "cn-government", "2024-01-30".to_string()),
            (MeasureKind::Statement, "kz-president", "2024-06-03".to_string()),
            (MeasureKind::Statement, "kg-mfa", "2024-09-06".to_string()),
            (MeasureKind::Accreditation, "ru-government", "2025-07-03".to_string()),
            (MeasureKind::Recognition, "ru-government", "2025-07-03".to_string()),
        ]
    );
    assert_eq!(taliban.acts[2].citations, ["RFE/RL", "kun.uz, 2024-09-06"]);

    let motaqi = &entities[1];
    assert_eq!(motaqi.same_as, ["un-tai-026"]);
    assert_eq!(motaqi.names.iter().filter(|n| n.kind == NameKind::Original).count(), 1);
    let un = &motaqi.designations[0];
    assert_eq!((un.authority.as_str(), un.reference.as_deref()), ("un-sc", Some("TAi.026")));
    assert_eq!(un.programs, ["Taliban"]);
    assert_eq!(entities[2].designations[0].reference.as_deref(), Some("TAi.027"));
    assert_eq!(entities[2].same_as, ["un-tai-027"]);
}

/// The national lists as they stood before the changes the example replays through the
/// workflow: one entry each, the same movement as the registry's.
#[test]
fn national_lists_import_as_they_stood() {
    for (file, source, published, list, authority, listed) in [
        (
            "ru-terrorist-organisations.yaml",
            "example-ru-terrorist-organisations",
            "2024-05-01",
            "ru-terrorist-organisations",
            "ru-fsb",
            "2003-02-14",
        ),
        (
            "kz-banned-terrorist-organisations.yaml",
            "example-kz-banned-terrorist-organisations",
            "2023-12-01",
            "kz-banned-terrorist-organisations",
            "kz-supreme-court",
            "2005-03-15|2015",
        ),
        (
            "kg-banned-organisations.yaml",
            "example-kg-banned-organisations",
            "2024-08-01",
            "kg-banned-organisations",
            "kg-prosecutor-general",
            "2006-09-15",
        ),
    ] {
        let (report, entities) = parse_paths(&[national(file)]).unwrap();
        assert_eq!(report.source.id, source);
        assert_eq!(report.source.published.as_deref(), Some(published));
        assert!(report.diagnostics.is_empty(), "{file}");
        let [entry] = &entities[..] else { panic!("{file}: one entry: {entities:?}") };
        assert_eq!(entry.same_as, ["taliban"]);
        let d = &entry.designations[0];
        assert_eq!((d.authority.as_str(), d.list.as_str()), (authority, list));
        // Without `listed_on`, the first listing measure gives it.
        assert_eq!(d.listed_on.as_ref().unwrap().to_string(), listed, "{file}");
        assert_eq!(d.ended_on, None);
    }
    let (_, ru) = parse_paths(&[national("ru-terrorist-organisations.yaml")]).unwrap();
    assert_eq!(ru[0].designations[0].measures[0].citations, ["TASS", "RBC", "asiaplustj.info, 2025-04-18 (summary)"]);
}

#[test]
fn status_on_tells_the_story() {
    let (_, entities) = entities();
    let entry = |file: &str| parse_paths(&[national(file)]).unwrap().1.remove(0);
    let ru = entry("ru-terrorist-organisations.yaml");
    let list = "ru-terrorist-organisations";
    assert_eq!(status(&ru, list, "2003-02-20"), "not listed certain", "decided, not yet in force");
    assert_eq!(status(&ru, list, "2003-03-15"), "listed possible", "in force from some day in March 2003");
    assert_eq!(status(&ru, list, "2003-04-01"), "listed certain");
    assert_eq!(status(&ru, list, "2024-06-01"), "listed certain");

    let kz = entry("kz-banned-terrorist-organisations.yaml");
    let list = "kz-banned-terrorist-organisations";
    assert_eq!(status(&kz, list, "2005-01-01"), "not listed certain");
    assert_eq!(status(&kz, list, "2010-01-01"), "listed possible", "2005 or 2015");
    assert_eq!(status(&kz, list, "2016-01-01"), "listed certain");

    let kg = entry("kg-banned-organisations.yaml");
    let list = "kg-banned-organisations";
    assert_eq!(status(&kg, list, "2006-09-14"), "not listed certain");
    assert_eq!(status(&kg, list, "2020-01-01"), "listed certain");

    for person in &entities[1..] {
        assert_eq!(status(person, "un-sc-consolidated", "2000-12-31"), "not listed certain");
        assert_eq!(status(person, "un-sc-consolidated", "2024-01-01"), "listed certain");
    }
}

/// A measure made jointly by several bodies names each.
#[test]
fn joint_measures_name_every_body() {
    let text = std::fs::read_to_string(national("ru-terrorist-organisations.yaml")).unwrap();
    let from = "authority: ru-supreme-court\n            date: 2003-02-14";
    assert!(text.contains(from));
    let to =
        "authority: ru-supreme-court\n            joint_with: [ru-prosecutor-general]\n            date: 2003-02-14";
    let (_dir, path) = temp_file("registry.yaml", text.replacen(from, to, 1).as_bytes());
    let (_, entities) = parse_paths(&[path]).unwrap();
    assert_eq!(entities[0].designations[0].measures[0].joint_with, ["ru-prosecutor-general"]);
}

/// The example with `from` replaced by `to` (which must occur), parsed.
fn edited(from: &str, to: &str) -> (tempfile::TempDir, PathBuf, String) {
    let text = std::fs::read_to_string(example()).unwrap();
    assert!(text.contains(from), "{from}");
    let (dir, path) = temp_file("registry.yaml", text.replacen(from, to, 1).as_bytes());
    let err = parse_paths(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    (dir, path, err)
}

/// The 1-based line of the first line of the example that contains `needle`.
fn line_of(needle: &str) -> usize {
    let text = std::fs::read_to_string(example()).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn mistakes_are_errors_naming_entity_and_field() {
    let taliban = line_of("- id: taliban");
    let motaqi = line_of("- id: amir-khan-motaqi");

    let (_d, path, err) = edited("authority: kz-president", "authority: kz-procurator");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].acts[1].authority>: authority \"kz-procurator\" is not defined under `authorities`",
            path.display()
        )
    );

    let (_d, path, err) = edited("- list: un-sc-consolidated", "- list: un-sc-list");
    assert_eq!(
        err,
        format!("{}:{motaqi} <entities[amir-khan-motaqi].designations[0].list>: list \"un-sc-list\" is not defined under `lists`", path.display())
    );

    let (_d, path, err) = edited("date: 2024-09-06", "date: 2024-09-31");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].acts[2].date>: \"2024-09-31\" is no date in the registry's form (2005-03-15, 2024-12, ~1965, 1960/1963, 2005-03-15|2015): invalid date: day 31 does not exist in 2024-09",
            path.display()
        )
    );

    let (_d, path, err) = edited("kind: recognition", "kind: recognised");
    assert!(err.starts_with(&format!("{}:{taliban} <entities[taliban].acts[4].kind>: unknown kind \"recognised\"; one of: recognition, accreditation", path.display())), "{err}");

    // A list measure among the acts, and an act among a list's measures.
    let (_d, path, err) = edited("kind: statement", "kind: suspension");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].acts[1].kind>: \"suspension\" is a measure on a list entry: put it under the designation's `measures`",
            path.display()
        )
    );
    let ru = national("ru-terrorist-organisations.yaml");
    let text = std::fs::read_to_string(&ru).unwrap().replacen("kind: listing", "kind: recognition", 1);
    let (_d, path) = temp_file("registry.yaml", text.as_bytes());
    let err = parse_paths(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    let entry = text.lines().position(|l| l.contains("- id: taliban-ru")).unwrap() + 1;
    assert_eq!(
        err,
        format!(
            "{}:{entry} <entities[taliban-ru].designations[0].measures[0].kind>: \"recognition\" is an act outside any list: put it under the entity's `acts`",
            path.display()
        )
    );

    let kz = line_of("- id: kz-president");
    let (_d, path, err) = edited("    country: kz\n", "    country: kaz\n");
    assert_eq!(
        err,
        format!("{}:{kz} <authorities[1].country>: \"kaz\" is no ISO 3166-1 alpha-2 country code", path.display())
    );

    let (_d, path, err) = edited("id: abdul-salam-hanafi", "id: amir-khan-motaqi");
    assert_eq!(
        err,
        format!(
            "{}:{motaqi} <entities[amir-khan-motaqi]>: entity id \"amir-khan-motaqi\" is used twice",
            path.display()
        )
    );

    let (_d, path, err) = edited("proscribe-registry: 1", "proscribe-registry: 2");
    let marker = line_of("proscribe-registry: 1");
    assert_eq!(
        err,
        format!(
            "{}:{marker} <proscribe-registry>: format version 2 is not supported; this proscribe reads version 1",
            path.display()
        )
    );
}

#[test]
fn yaml_mistakes_name_the_line() {
    // A misspelt field.
    let line = line_of("        citations:");
    let (_d, path, err) = edited("        citations:", "        citation:");
    assert!(
        err.starts_with(&format!(
            "{}:{line}: entities[0].acts[1]: unknown field `citation`, expected one of",
            path.display()
        )),
        "{err}"
    );

    // A broken flow sequence.
    let line = line_of("same_as: [un-tai-027]");
    let (_d, path, err) = edited("same_as: [un-tai-027]", "same_as: [un-tai-027");
    assert!(err.starts_with(&format!("{}:{}: ", path.display(), line + 1)), "{err}");

    // Not UTF-8.
    let mut bytes = std::fs::read(example()).unwrap();
    let at = bytes.windows(7).position(|w| w == b"Taliban").unwrap();
    bytes[at + 1] = 0xe4;
    let (_d, path) = temp_file("registry.yaml", &bytes);
    let err = parse_paths(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: line ", path.display())) && err.contains("is not valid UTF-8"), "{err}");

    // Only the marker.
    let (_d, path) = temp_file("registry.yaml", b"proscribe-registry: 1\n");
    let err = parse_paths(std::slice::from_ref(&path)).map(|_| ()).unwrap_err().to_string();
    assert_eq!(err, format!("{}:1: missing field `id`", path.display()));
}
