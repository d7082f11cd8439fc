//! The audit trail covers the data: a row of any served table edited, inserted or deleted
//! directly in the database is named by `verify_audit`, with its table and key.

use std::path::{Path, PathBuf};

use proscribe_model::resolution::Verdict;
use proscribe_model::workflow::{BodyRole, Proposal, ProposalKind};
use proscribe_model::{Designation, Entity, Name, NameKind, Schema, SourceInfo};
use proscribe_store::{Role, Store, Tampering, VersionMeta};

use crate::extracts::{import_extract, CURRENT, OLDER};

/// A store with two versions of the UN extract, a source whose entities link each other,
/// keys, a webhook, workflow roles and a proposal.
fn written(path: &Path) {
    let mut store = Store::open(path).unwrap();
    import_extract(&mut store, OLDER);
    import_extract(&mut store, CURRENT);
    let mut tx = store.begin_import().unwrap();
    let mut staging = tx.stage("zz-linked").unwrap();
    for (id, other) in [("zz-1", "zz-2"), ("zz-2", "zz-1")] {
        let mut e = Entity::new(id, Schema::Organization);
        e.add_name(Name::new(format!("Orvalle {id}"), NameKind::Primary));
        let mut d = Designation::new("zz", "zz-list");
        d.reference = Some(format!("REF-{id}"));
        e.designations.push(d);
        e.same_as.push(other.into());
        staging.put(&e, 1).unwrap();
    }
    let info = SourceInfo {
        id: "zz-linked".into(),
        title: "Linked".into(),
        format: "test".into(),
        published: Some("2025-01-01".into()),
        authorities: vec![],
        lists: vec![],
    };
    staging.finish(VersionMeta::new(info, "zz", vec![])).unwrap();
    tx.commit().unwrap();
    store.add_key("test", "reader", Role::Reader, &"r".repeat(32)).unwrap();
    store.add_key("test", "old", Role::Editor, &"e".repeat(32)).unwrap();
    store.revoke_key("test", 2).unwrap();
    store.add_webhook("test", "https://example.org/hook", &["un-sc".into()], &"s".repeat(32)).unwrap();
    let list = store.lists().unwrap().into_keys().min().expect("the UN source names its lists");
    store.grant_role("test", &list, "un-sc-members", BodyRole::Proposer).unwrap();
    store.grant_role("test", &list, "un-sc", BodyRole::Decider).unwrap();
    let roles = store.roles(&list).unwrap();
    let mut entity = String::new();
    store
        .current_entities(None, |v, e| {
            if v.source_id == "un-sc" && entity.is_empty() {
                entity = e.id;
            }
            Ok(())
        })
        .unwrap();
    let p = Proposal::draft(ProposalKind::Delist, &list, &entity, &["un-sc-members"], "Deceased.", &roles).unwrap();
    store.create_proposal("test", p.clone(), None).unwrap();
    store.create_proposal("test", p, None).unwrap();
    store.decide("test", "zz-1", "zz-2", Verdict::Same, "the lists link them").unwrap();
    store.decide("test", "zz-1", &entity, Verdict::Different, "another organisation").unwrap();
}

/// A copy of the written store, a fresh one for each case.
struct Copy {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn copy_of(template: &Path) -> Copy {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.db");
    std::fs::copy(template, &path).unwrap();
    Copy { _dir: dir, path }
}

/// Runs `statements` as someone with the database file would, with the `sqlite3` shell's
/// defaults (foreign keys not enforced).
fn tamper(path: &Path, statements: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(statements).unwrap_or_else(|e| panic!("{statements}: {e}"));
}

#[test]
fn every_edit_insert_and_delete_of_served_data_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("written.db");
    written(&template);
    let check = Store::open(&template).unwrap().verify_audit().unwrap();
    assert!(check.intact(), "{check:#?}");
    let list = Store::open(&template).unwrap().lists().unwrap().into_keys().min().unwrap();

    // (table, statements, the key named, what happened to it)
    let cases: Vec<(&str, String, String, Tampering)> = vec![
        ("source", "UPDATE source SET title = 'Other' WHERE id = 'un-sc'".into(), "un-sc".into(), Tampering::Edited),
        ("source", "INSERT INTO source VALUES ('fake', 'Fake', 'test', '{}')".into(), "fake".into(), Tampering::Inserted),
        ("source", "DELETE FROM source WHERE id = 'zz-linked'".into(), "zz-linked".into(), Tampering::Deleted),
        ("version", "UPDATE version SET sha256 = 'ab' WHERE id = 1".into(), "1".into(), Tampering::Edited),
        (
            "version",
            "INSERT INTO version (id, source_id, sha256, effective, imported_at, files) VALUES (99, 'un-sc', 'x', '2030', '2030', '[]')"
                .into(),
            "99".into(),
            Tampering::Inserted,
        ),
        ("version", "DELETE FROM version WHERE id = 3".into(), "3".into(), Tampering::Deleted),
        (
            "member",
            "UPDATE member SET record = (SELECT max(record) FROM member WHERE version_id = 1) WHERE version_id = 2
               AND entity_id = (SELECT min(entity_id) FROM member WHERE version_id = 2)"
                .into(),
            "2".into(),
            Tampering::Edited,
        ),
        (
            "member",
            "INSERT INTO member SELECT 3, 'zz-9', record, 9 FROM member WHERE version_id = 3 LIMIT 1".into(),
            "3".into(),
            Tampering::Edited,
        ),
        (
            "member",
            "DELETE FROM member WHERE version_id = 3 AND entity_id = 'zz-1'; DELETE FROM member WHERE version_id = 3".into(),
            "3".into(),
            Tampering::Deleted,
        ),
        (
            "record",
            "UPDATE record SET body = replace(body, 'MOTAQI', 'DOE') WHERE body LIKE '%MOTAQI%'".into(),
            String::new(),
            Tampering::Edited,
        ),
        ("record", "INSERT INTO record (hash, body) VALUES (x'00', '{}')".into(), String::new(), Tampering::Inserted),
        (
            "record",
            "DELETE FROM record WHERE id = (SELECT record FROM member WHERE entity_id = 'zz-1')".into(),
            String::new(),
            Tampering::Deleted,
        ),
        ("change", "UPDATE change SET kind = 'removed' WHERE id = 1".into(), "1".into(), Tampering::Edited),
        (
            "change",
            "INSERT INTO change (source_id, version_id, entity_id, kind, caption, detail) VALUES ('zz-linked', 3, 'zz-1', 'removed', 'x', '{}')"
                .into(),
            "3".into(),
            Tampering::Edited,
        ),
        ("change", "DELETE FROM change WHERE version_id = 3".into(), "3".into(), Tampering::Deleted),
        ("entity_ref", "UPDATE entity_ref SET key = 'ref-zz-3' WHERE key = 'ref-zz-1'".into(), "*".into(), Tampering::Edited),
        ("entity_ref", "INSERT INTO entity_ref VALUES ('x.1', 'zz-1')".into(), "*".into(), Tampering::Edited),
        ("entity_ref", "DELETE FROM entity_ref WHERE key = 'ref-zz-1'".into(), "*".into(), Tampering::Edited),
        ("same_as", "UPDATE same_as SET other_id = 'zz-3' WHERE entity_id = 'zz-1'".into(), "*".into(), Tampering::Edited),
        ("same_as", "INSERT INTO same_as VALUES ('zz-1', 'zz-4')".into(), "*".into(), Tampering::Edited),
        ("same_as", "DELETE FROM same_as".into(), "*".into(), Tampering::Deleted),
        ("authority", "UPDATE authority SET body = '{}' WHERE id = 'un-sc'".into(), "un-sc".into(), Tampering::Edited),
        ("authority", "INSERT INTO authority VALUES ('fake', '{}')".into(), "fake".into(), Tampering::Inserted),
        ("authority", "DELETE FROM authority WHERE id = 'un-sc'".into(), "un-sc".into(), Tampering::Deleted),
        ("list", format!("UPDATE list SET body = '{{}}' WHERE id = '{list}'"), list.clone(), Tampering::Edited),
        ("list", "INSERT INTO list VALUES ('fake', 'un-sc', '{}')".into(), "fake".into(), Tampering::Inserted),
        ("list", format!("DELETE FROM list WHERE id = '{list}'"), list.clone(), Tampering::Deleted),
        ("api_key", "UPDATE api_key SET role = 'admin' WHERE id = 1".into(), "1".into(), Tampering::Edited),
        ("api_key", "UPDATE api_key SET revoked_at = NULL WHERE id = 2".into(), "2".into(), Tampering::Edited),
        (
            "api_key",
            "INSERT INTO api_key (name, role, hash, created_at) VALUES ('x', 'admin', x'01', '2025')".into(),
            "3".into(),
            Tampering::Inserted,
        ),
        ("api_key", "DELETE FROM api_key WHERE id = 2".into(), "2".into(), Tampering::Deleted),
        ("webhook", "UPDATE webhook SET url = 'https://evil.example/' WHERE id = 1".into(), "1".into(), Tampering::Edited),
        (
            "webhook",
            "INSERT INTO webhook (url, sources, secret, created_at, cursor) VALUES ('https://x/', '[]', 's', '2025', 0)".into(),
            "2".into(),
            Tampering::Inserted,
        ),
        ("webhook", "DELETE FROM webhook WHERE id = 1".into(), "1".into(), Tampering::Deleted),
        (
            "wf_role",
            "UPDATE wf_role SET role = 'publisher' WHERE body_id = 'un-sc'".into(),
            format!("{list}/un-sc/decider"),
            Tampering::Deleted,
        ),
        (
            "wf_role",
            format!("INSERT INTO wf_role VALUES ('{list}', 'evil', 'decider')"),
            format!("{list}/evil/decider"),
            Tampering::Inserted,
        ),
        (
            "wf_role",
            "DELETE FROM wf_role WHERE body_id = 'un-sc-members'".into(),
            format!("{list}/un-sc-members/proposer"),
            Tampering::Deleted,
        ),
        ("wf_proposal", "UPDATE wf_proposal SET state = 'adopted' WHERE id = 1".into(), "1".into(), Tampering::Edited),
        (
            "wf_proposal",
            "INSERT INTO wf_proposal SELECT 3, list_id, entity_id, state, body, new_entity, created_at, updated_at, NULL FROM wf_proposal WHERE id = 1"
                .into(),
            "3".into(),
            Tampering::Inserted,
        ),
        ("wf_proposal", "DELETE FROM wf_proposal WHERE id = 2".into(), "2".into(), Tampering::Deleted),
        (
            "resolve_decision",
            "UPDATE resolve_decision SET verdict = 'different' WHERE id = 1".into(),
            "1".into(),
            Tampering::Edited,
        ),
        (
            "resolve_decision",
            "INSERT INTO resolve_decision SELECT 3, a, b, verdict, reason, actor, decided_at, NULL, NULL FROM resolve_decision WHERE id = 1"
                .into(),
            "3".into(),
            Tampering::Inserted,
        ),
        ("resolve_decision", "DELETE FROM resolve_decision WHERE id = 2".into(), "2".into(), Tampering::Deleted),
    ];
    let mut tables_seen = std::collections::BTreeSet::new();
    for (table, statements, key, tampering) in &cases {
        let copy = copy_of(&template);
        tamper(&copy.path, statements);
        let check = Store::open(&copy.path).unwrap().verify_audit().unwrap();
        assert_eq!(check.first_bad, None, "{statements}");
        let named = check
            .findings
            .iter()
            .any(|f| f.table == *table && (key.is_empty() || f.key == *key) && f.tampering == *tampering);
        assert!(named, "{statements}: expected {table} {key} {tampering:?}, found {:#?}", check.findings);
        tables_seen.insert(*table);
    }
    // Every covered table has its three cases.
    let covered: std::collections::BTreeSet<&str> = check.covered.iter().map(String::as_str).collect();
    assert_eq!(tables_seen, covered);
}

#[test]
fn derived_rows_are_named_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("written.db");
    written(&template);
    let copy = copy_of(&template);
    tamper(&copy.path, "DELETE FROM entity_ref WHERE key = 'tai.026'; INSERT INTO same_as VALUES ('zz-1', 'zz-4');");
    let check = Store::open(&copy.path).unwrap().verify_audit().unwrap();
    let keys: Vec<(&str, &str, Tampering)> =
        check.findings.iter().map(|f| (f.table.as_str(), f.key.as_str(), f.tampering)).collect();
    assert!(
        keys.iter().any(|k| k.0 == "entity_ref" && k.1.starts_with("tai.026/") && k.2 == Tampering::Deleted),
        "{keys:?}"
    );
    assert!(keys.contains(&("same_as", "zz-1/zz-4", Tampering::Inserted)), "{keys:?}");
}

#[test]
fn the_write_sets_are_on_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("written.db");
    written(&template);
    for statements in [
        // A unit's digest rewritten to fit an edit of its row.
        "UPDATE audit_write SET digest = 'ab' WHERE tbl = 'api_key' AND key = '1'",
        // A write set's row dropped, or one added to a record.
        "DELETE FROM audit_write WHERE tbl = 'webhook'",
        "INSERT INTO audit_write VALUES (1, 'api_key', '9', NULL, 0)",
        // Rows for a record that does not exist.
        "INSERT INTO audit_write VALUES (999, 'api_key', '9', NULL, 0)",
    ] {
        let copy = copy_of(&template);
        tamper(&copy.path, statements);
        let check = Store::open(&copy.path).unwrap().verify_audit().unwrap();
        let (_, reason) = check.first_bad.unwrap_or_else(|| panic!("{statements}: not found"));
        assert!(reason.contains("audit_write"), "{statements}: {reason}");
    }
}
