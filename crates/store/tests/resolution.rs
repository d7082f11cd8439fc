//! Analysts' decisions on pairs of entities: kept, replaced, undone, audited, and refused
//! when they name no entity, one entity twice, or give no reason.

use proscribe_model::resolution::Verdict;
use proscribe_model::{Entity, Name, NameKind, Schema, SourceInfo};
use proscribe_store::{Error, Store, VersionMeta};

/// Imports one version of a source `test` with an entity of each (id, name).
fn import(store: &mut Store, entities: &[(&str, &str)]) {
    let mut tx = store.begin_import().unwrap();
    let mut staging = tx.stage("test").unwrap();
    for (i, (id, name)) in entities.iter().enumerate() {
        let mut e = Entity::new(*id, Schema::Organization);
        e.add_name(Name::new(*name, NameKind::Primary));
        staging.put(&e, i as u64 + 1).unwrap();
    }
    let info = SourceInfo {
        id: "test".into(),
        title: "test".into(),
        format: "test".into(),
        published: Some("2026-01-01".into()),
        authorities: vec![],
        lists: vec![],
    };
    staging.finish(VersionMeta::new(info, "sha", vec![])).unwrap();
    tx.commit().unwrap();
}

fn store(db: &crate::backend::Backend) -> Store {
    let mut store = db.open();
    import(&mut store, &[("un-qde-004", "AL-QAIDA"), ("ofac-6366", "AL QA'IDA")]);
    store
}

crate::backend::on_both!(
    a_decision_is_kept_audited_replaced_and_undone,
    a_decision_needs_two_known_entities_and_a_reason
);

fn a_decision_is_kept_audited_replaced_and_undone(db: &crate::backend::Backend) {
    let store = store(db);
    let d =
        store.decide("ana", "un-qde-004", "ofac-6366", Verdict::Same, "the UN and OFAC entries of Al-Qaida").unwrap();
    assert_eq!((d.a.as_str(), d.b.as_str(), d.verdict), ("ofac-6366", "un-qde-004", Verdict::Same));
    assert!(d.in_force());
    let again = store.decide("bo", "ofac-6366", "un-qde-004", Verdict::Unsure, "checking the aliases").unwrap();
    let first = store.decision(d.id).unwrap().unwrap();
    assert_eq!((first.undone_by.as_deref(), again.in_force()), (Some("bo"), true));
    assert_eq!(store.decisions(false).unwrap(), vec![again.clone()]);
    assert_eq!(store.decisions(true).unwrap().len(), 2);
    let undone = store.undo_decision("cy", again.id).unwrap();
    assert!(!undone.in_force());
    assert!(store.decisions(false).unwrap().is_empty());
    assert!(matches!(store.undo_decision("cy", again.id), Err(Error::Invalid(_))));
    let log = store.audit_log(1, 100).unwrap();
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).filter(|a| a.starts_with("resolve.")).collect();
    assert_eq!(actions, ["resolve.decide", "resolve.decide", "resolve.undo"]);
    assert!(log.iter().any(|r| r.subject == "pair:ofac-6366~un-qde-004" && r.actor == "ana"));
    assert!(store.verify_audit().unwrap().intact());
}

fn a_decision_needs_two_known_entities_and_a_reason(db: &crate::backend::Backend) {
    let store = store(db);
    for (x, y, reason) in
        [("un-qde-004", "un-qde-004", "same"), ("un-qde-004", "ofac-6366", "  "), ("un-qde-004", "nobody", "why")]
    {
        assert!(store.decide("ana", x, y, Verdict::Same, reason).is_err(), "{x} {y} {reason:?}");
    }
    assert!(store.decisions(true).unwrap().is_empty());
}

#[test]
fn a_decision_edited_outside_proscribe_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lists.db");
    {
        let mut file = Store::open(&path).unwrap();
        import(&mut file, &[("a-1", "Ivan Petrov"), ("b-1", "Ivan Petrov")]);
        file.decide("ana", "a-1", "b-1", Verdict::Different, "two people").unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE resolve_decision SET verdict = 'same'", []).unwrap();
    drop(conn);
    let check = Store::open(&path).unwrap().verify_audit().unwrap();
    assert!(!check.intact());
    assert!(check.findings.iter().any(|f| format!("{f:?}").contains("resolve_decision")), "{:?}", check.findings);
}
