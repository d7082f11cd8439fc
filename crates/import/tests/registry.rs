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

#[test]
fn example_registry_imports() {
    let job = single_job(&[example()]);
    assert_eq!(job.format.name(), "registry-yaml");
    assert_eq!(job.source_id, "example-taliban");
    let (report, entities) = entities();
    assert_eq!(report.source.id, "example-taliban");
    assert_eq!(report.source.published.as_deref(), Some("2025-07-04"));
    assert_eq!(report.source.authorities.len(), 14);
    assert_eq!(report.source.lists.len(), 4);
    let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["taliban", "amir-khan-motaqi", "abdul-salam-hanafi"]);
    assert_eq!((report.entities, report.names, report.designations), (3, 10, 5));
    assert!(report.diagnostics.is_empty());

    let taliban = &entities[0];
    assert_eq!(taliban.schema, Schema::Organization);
    assert_eq!(taliban.caption(), "Taliban");
    let ru = &taliban.designations[0];
    assert_eq!((ru.authority.as_str(), ru.list.as_str()), ("ru-fsb", "ru-terrorist-organisations"));
    // Without `listed_on`, the first listing measure gives it.
    assert_eq!(ru.listed_on.as_ref().unwrap().to_string(), "2003-02-14");
    assert_eq!(ru.ended_on, None);
    let proposal = &ru.measures[1];
    assert_eq!((proposal.kind, proposal.authority.as_str()), (MeasureKind::Proposal, "ru-mfa"));
    assert_eq!(proposal.joint_with, ["ru-moj"]);
    assert_eq!(proposal.citations, ["regnum", "1lurer.am, 2024-06-03"]);
    assert!(ru.measures[3].note.as_deref().unwrap().contains("late December 2024 (2024-12)"));
    let kz = &taliban.designations[1];
    assert_eq!(kz.listed_on.as_ref().unwrap().to_string(), "2005-03-15|2015");
    assert_eq!(kz.ended_on.as_ref().unwrap().to_string(), "2023-12-29");
    let acts: Vec<(MeasureKind, &str, String)> =
        taliban.acts.iter().map(|m| (m.kind, m.authority.as_str(), m.date.to_string())).collect();
    assert_eq!(
        acts,
        [
            (MeasureKind::Accreditation, "cn-government", "2024-01-30".to_string()),
            (MeasureKind::Accreditation, "ru-government", "2025-07-03".to_string()),
            (MeasureKind::Recognition, "ru-government", "2025-07-03".to_string()),
        ]
    );

    let motaqi = &entities[1];
    assert_eq!(motaqi.same_as, ["un-tai-026"]);
    assert_eq!(motaqi.names.iter().filter(|n| n.kind == NameKind::Original).count(), 1);
    let un = &motaqi.designations[0];
    assert_eq!((un.authority.as_str(), un.reference.as_deref()), ("un-sc", Some("TAi.026")));
    assert_eq!(un.programs, ["Taliban"]);
    assert_eq!(entities[2].designations[0].reference.as_deref(), Some("TAi.027"));
    assert_eq!(entities[2].same_as, ["un-tai-027"]);
}

#[test]
fn status_on_tells_the_story() {
    let (_, entities) = entities();
    let taliban = &entities[0];
    let ru = "ru-terrorist-organisations";
    assert_eq!(status(taliban, ru, "2003-02-20"), "not listed certain", "decided, not yet in force");
    assert_eq!(status(taliban, ru, "2003-03-15"), "listed possible", "in force from some day in March 2003");
    assert_eq!(status(taliban, ru, "2003-04-01"), "listed certain");
    assert_eq!(status(taliban, ru, "2024-06-01"), "listed certain", "a proposal changes nothing");
    assert_eq!(status(taliban, ru, "2025-04-16"), "listed certain", "the claim changes nothing");
    assert_eq!(status(taliban, ru, "2025-05-01"), "suspended certain");

    let kz = "kz-banned-terrorist-organisations";
    assert_eq!(status(taliban, kz, "2005-01-01"), "not listed certain");
    assert_eq!(status(taliban, kz, "2010-01-01"), "listed possible", "2005 or 2015");
    assert_eq!(status(taliban, kz, "2016-01-01"), "listed certain");
    assert_eq!(status(taliban, kz, "2024-01-01"), "delisted certain");

    let kg = "kg-banned-organisations";
    assert_eq!(status(taliban, kg, "2006-09-14"), "not listed certain");
    assert_eq!(status(taliban, kg, "2020-01-01"), "listed certain");
    assert_eq!(status(taliban, kg, "2024-10-01"), "delisted certain");

    for person in &entities[1..] {
        assert_eq!(status(person, "un-sc-consolidated", "2000-12-31"), "not listed certain");
        assert_eq!(status(person, "un-sc-consolidated", "2024-01-01"), "listed certain");
    }
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

    let (_d, path, err) =
        edited("authority: ru-prosecutor-general\n            date", "authority: ru-procurator\n            date");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].designations[0].measures[2].authority>: authority \"ru-procurator\" is not defined under `authorities`",
            path.display()
        )
    );

    let (_d, path, err) = edited("- list: un-sc-consolidated", "- list: un-sc-list");
    assert_eq!(
        err,
        format!("{}:{motaqi} <entities[amir-khan-motaqi].designations[0].list>: list \"un-sc-list\" is not defined under `lists`", path.display())
    );

    let (_d, path, err) = edited("date: 2024-09-02", "date: 2024-09-31");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].designations[2].measures[1].date>: \"2024-09-31\" is no date in the registry's form (2005-03-15, 2024-12, ~1965, 1960/1963, 2005-03-15|2015): invalid date: day 31 does not exist in 2024-09",
            path.display()
        )
    );

    let (_d, path, err) = edited("kind: recognition", "kind: recognised");
    assert!(err.starts_with(&format!("{}:{taliban} <entities[taliban].acts[2].kind>: unknown kind \"recognised\"; one of: recognition, accreditation", path.display())), "{err}");

    let (_d, path, err) = edited("kind: suspension", "kind: recognition");
    assert_eq!(
        err,
        format!(
            "{}:{taliban} <entities[taliban].designations[0].measures[3].kind>: \"recognition\" is an act outside any list: put it under the entity's `acts`",
            path.display()
        )
    );

    let kz = line_of("- id: kz-supreme-court");
    let (_d, path, err) = edited("    country: kz\n", "    country: kaz\n");
    assert_eq!(
        err,
        format!("{}:{kz} <authorities[6].country>: \"kaz\" is no ISO 3166-1 alpha-2 country code", path.display())
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
    let line = line_of("    joint_with: [ru-moj]");
    let (_d, path, err) = edited("joint_with: [ru-moj]", "jointly: [ru-moj]");
    assert!(
        err.starts_with(&format!(
            "{}:{line}: entities[0].designations[0].measures[1]: unknown field `jointly`, expected one of",
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
