//! Versions of a source: changes between them, no-op re-imports, backfilled versions, as-of
//! status and the atomicity of an import.

use proscribe_model::{Designation, Entity, Name, NameKind, Schema, SourceInfo, Status};
use proscribe_store::{ChangeKind, Outcome, Store, VersionMeta};

fn person(id: &str, name: &str, reference: &str, listed: &str) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    e.add_name(Name::new(name, NameKind::Primary));
    let mut d = Designation::new("un-sc", "un-sc-consolidated");
    d.reference = Some(reference.into());
    d.listed_on = Some(listed.parse().unwrap());
    e.designations.push(d);
    e
}

fn info(published: &str) -> SourceInfo {
    SourceInfo {
        id: "un-sc".into(),
        title: "UN".into(),
        format: "test".into(),
        published: Some(published.into()),
        authorities: vec![],
        lists: vec![],
    }
}

/// Imports one version and returns (version id, outcome).
fn import(store: &mut Store, published: &str, sha: &str, entities: &[Entity]) -> proscribe_store::ImportOutcome {
    let mut tx = store.begin_import().unwrap();
    if let Some(existing) = tx.existing("un-sc", sha).unwrap() {
        return existing;
    }
    let mut staging = tx.stage("un-sc").unwrap();
    for (i, e) in entities.iter().enumerate() {
        staging.put(e, i as u64 + 1).unwrap();
    }
    let outcome = staging.finish(VersionMeta::new(info(published), sha, vec![])).unwrap();
    tx.commit().unwrap();
    outcome
}

fn v1() -> Vec<Entity> {
    vec![
        person("un-tai-026", "AMIR KHAN MOTAQI", "TAi.026", "2001-01-25"),
        person("un-tai-027", "ABDUL SALAM HANAFI", "TAi.027", "2001-02-23"),
        person("un-qdi-001", "SOMEONE ELSE", "QDi.001", "2001-01-25"),
    ]
}

crate::backend::on_both!(
    changes_between_versions_and_as_of,
    older_version_imported_later_is_a_backfill,
    import_not_committed_leaves_nothing,
);

fn changes_between_versions_and_as_of(db: &crate::backend::Backend) {
    let mut store = db.open();
    let first = import(&mut store, "2024-11-30T00:00:00Z", "a", &v1());
    assert_eq!((first.outcome, first.added, first.removed, first.amended), (Outcome::New, 3, 0, 0));
    assert_eq!(first.designations_started, 3);

    // Same files again: nothing happens.
    let again = import(&mut store, "2024-11-30T00:00:00Z", "a", &v1());
    assert_eq!(again.outcome, Outcome::Unchanged);
    assert_eq!(store.versions("un-sc").unwrap().len(), 1);

    // Next version: one removed, one renamed, one added.
    let mut v2 = v1();
    v2.remove(2);
    v2[1].names[0].full = "ABDUL SALAM HANAFI ALI MARDAN QUL".into();
    v2.push(person("un-tai-999", "NEW PERSON", "TAi.999", "2025-06-01"));
    let second = import(&mut store, "2026-02-27", "b", &v2);
    assert_eq!((second.added, second.removed, second.amended), (1, 1, 1));
    assert_eq!((second.designations_started, second.designations_ended), (1, 1));

    let diff = store.diff(Some(first.version_id), second.version_id).unwrap();
    let got: Vec<String> = diff
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.kind, c.reference.as_deref().unwrap_or("-"), c.caption))
        .collect();
    assert_eq!(
        got,
        [
            "added TAi.999 NEW PERSON",
            "removed QDi.001 SOMEONE ELSE",
            "amended TAi.027 ABDUL SALAM HANAFI ALI MARDAN QUL"
        ]
    );
    let amended = &diff.changes[2].detail.fields[0];
    assert_eq!(amended.field, "names");
    assert_eq!(amended.removed, ["ABDUL SALAM HANAFI (primary)"]);

    // The feed has first import's 3 additions then the 3 changes, in order, with cursors.
    let feed = store.changes_since(0, 100).unwrap();
    assert_eq!(feed.len(), 6);
    let after = store.changes_since(feed[2].cursor.unwrap(), 100).unwrap();
    assert_eq!(after.len(), 3);
    assert!(after.iter().all(|c| c.version_id == second.version_id));

    // As of a day between the versions, the removed person was still listed; after, not.
    let day = |s: &str| s.parse().unwrap();
    let before = store.status_on("un-qdi-001", &day("2025-01-01")).unwrap();
    assert_eq!(before.designations[0].status, Status::Listed);
    let later = store.status_on("un-qdi-001", &day("2026-03-01")).unwrap();
    assert_eq!(later.designations[0].status, Status::Delisted);
    assert!(later.designations[0].basis.starts_with("absent from un-sc version"), "{}", later.designations[0].basis);
    // Before the first stored version, the listing date decides.
    let early = store.status_on("un-tai-999", &day("2025-05-31")).unwrap();
    assert_eq!(early.designations[0].status, Status::NotListed);
    let listed = store.designations_on(Some("un-sc-consolidated"), None, &day("2025-01-01")).unwrap();
    assert_eq!(listed.len(), 3);

    let history = store.history("un-tai-027").unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(kinds, ["listed", "added", "amended"]);
    assert_eq!(store.resolve("tai.027").unwrap(), ["un-tai-027"]);
}

fn older_version_imported_later_is_a_backfill(db: &crate::backend::Backend) {
    let mut store = db.open();
    let mut v2 = v1();
    v2.pop();
    let newer = import(&mut store, "2026-02-27", "b", &v2);
    let older = import(&mut store, "2024-11-30", "a", &v1());
    assert_eq!(older.outcome, Outcome::Backfill);
    assert_eq!(store.changes_since(0, 100).unwrap().len(), 2, "a backfill adds nothing to the feed");
    let versions: Vec<i64> = store.versions("un-sc").unwrap().iter().map(|v| v.id).collect();
    assert_eq!(versions, [older.version_id, newer.version_id]);
    let diff = store.diff(Some(older.version_id), newer.version_id).unwrap();
    assert_eq!(diff.changes.len(), 1);
    assert_eq!(diff.changes[0].kind, ChangeKind::Removed);
}

fn import_not_committed_leaves_nothing(db: &crate::backend::Backend) {
    let mut store = db.open();
    import(&mut store, "2024-11-30", "a", &v1());
    {
        let mut tx = store.begin_import().unwrap();
        let mut staging = tx.stage("un-sc").unwrap();
        staging.put(&person("un-x", "X", "X.1", "2020-01-01"), 1).unwrap();
        // An error in the middle of the file: the transaction is dropped, not committed.
        let dup = staging.put(&person("un-x", "X", "X.1", "2020-01-01"), 9).unwrap_err();
        assert_eq!(dup.to_string(), "entity id un-x occurs twice in one version of un-sc (lines 1 and 9)");
    }
    assert_eq!(store.versions("un-sc").unwrap().len(), 1);
    assert!(store.entity("un-x").unwrap().is_none());
    assert_eq!(store.changes_since(0, 100).unwrap().len(), 3);
}

#[test]
fn database_of_schema_v1_opens_and_reads() {
    // Written by the first release's schema from the example registry; never regenerate it:
    // it stands for databases that exist in the field.
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.db");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("old.db");
    std::fs::copy(&fixture, &copy).unwrap();
    let store = Store::open(&copy).unwrap();
    store.integrity_check().unwrap();
    let sources = store.sources().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].id, "example-taliban");
    let taliban = store.entity("taliban").unwrap().unwrap();
    assert_eq!(taliban.entity.caption(), "Taliban");
    let status = store.status_on("taliban", &"2025-05-01".parse().unwrap()).unwrap();
    assert!(status.designations.iter().any(|d| d.status == Status::Suspended));

    // The upgrade put its data under the audit trail: one baseline record commits to it.
    let log = store.audit_log(1, 100).unwrap();
    assert_eq!(log.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), [proscribe_store::BASELINE]);
    assert!(store.verify_audit().unwrap().intact());
    drop(store);
    rusqlite::Connection::open(&copy).unwrap().execute_batch("UPDATE source SET title = 'Other'").unwrap();
    let store = Store::open(&copy).unwrap();
    let check = store.verify_audit().unwrap();
    assert_eq!(check.first_bad, None);
    assert_eq!(check.findings.len(), 1, "{check:#?}");
    assert_eq!((check.findings[0].table.as_str(), check.findings[0].key.as_str()), ("source", "example-taliban"));
    assert_eq!(store.audit_log(1, 100).unwrap().len(), 1, "a baseline is written once");
}

#[test]
fn read_only_open_reads_without_writing_and_refuses_other_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    {
        let mut store = Store::open(&path).unwrap();
        import(&mut store, "2024-01-01", "a", &v1());
    }
    let before = std::fs::read(&path).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    assert!(!store.is_empty().unwrap());
    assert_eq!(store.sources().unwrap().len(), 1);
    // A read-only connection refuses writes instead of making them.
    assert!(store.add_key("local:test", "reader", proscribe_store::Role::Reader, "secret").is_err());
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before, "opening read-only changed the file");

    // The first release's schema is not migrated by a reader: it says which version it found.
    let old = dir.path().join("old.db");
    std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.db"), &old).unwrap();
    let err = Store::open_read_only(&old).err().expect("an older schema is refused");
    assert!(matches!(err, proscribe_store::Error::SchemaTooOld { found: 1, .. }), "{err}");
    assert!(err.to_string().contains("schema version 1, older"), "{err}");

    let newer = dir.path().join("newer.db");
    std::fs::copy(&path, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", proscribe_store::SCHEMA_VERSION + 1)
        .unwrap();
    let err = Store::open_read_only(&newer).err().expect("a newer schema is refused");
    assert!(matches!(err, proscribe_store::Error::SchemaTooNew { .. }), "{err}");

    // An empty file reads as an empty store.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(Store::open_read_only(&empty).unwrap().is_empty().unwrap());
}
