//! What every store does, whichever database keeps it: the designation workflow from a draft
//! to a published version, keys, webhooks, the audit trail over the data, and several
//! connections (processes) writing to one store at once.

use proscribe_model::workflow::{Action, BodyRole, Decision, Proposal, ProposalKind, RefusalKind};
use proscribe_model::{
    Authority, AuthorityKind, Designation, Entity, ListInfo, ListKind, Name, NameKind, Schema, SourceInfo, Status,
};
use proscribe_store::{ChangeKind, Delivery, DeliveryStatus, Error, Role, Store, Tampering, VersionMeta};

use crate::backend::{on_both, Backend};

on_both!(
    a_proposal_goes_from_draft_to_a_published_version,
    keys_and_webhooks_are_kept_and_audited,
    an_edit_behind_the_stores_back_is_found,
    two_connections_share_one_store,
    a_decision_made_twice_at_once_is_taken_once,
    concurrent_writes_keep_one_chain,
    the_schema_is_made_once,
    a_registry_moves_with_its_audit_trail,
);

const LIST: &str = "ru-terrorist-organisations";

fn organisation(id: &str, name: &str, reference: &str) -> Entity {
    let mut e = Entity::new(id, Schema::Organization);
    e.add_name(Name::new(name, NameKind::Primary));
    let mut d = Designation::new("ru-supreme-court", LIST);
    d.reference = Some(reference.into());
    d.listed_on = Some("2003-02-14".parse().unwrap());
    e.designations.push(d);
    e
}

/// Imports a national list of two organisations, with its authority and list described.
fn import_list(store: &mut Store) {
    let info = SourceInfo {
        id: "ru".into(),
        title: "Russia: terrorist organisations".into(),
        format: "test".into(),
        published: Some("2025-01-10".into()),
        authorities: vec![Authority {
            id: "ru-supreme-court".into(),
            name: "Supreme Court of Russia".into(),
            country: None,
            kind: AuthorityKind::Court,
        }],
        lists: vec![ListInfo {
            id: LIST.into(),
            title: "Terrorist organisations".into(),
            authority: "ru-supreme-court".into(),
            kind: ListKind::Terrorist,
            url: None,
        }],
    };
    let mut tx = store.begin_import_as("importer").unwrap();
    let mut staging = tx.stage("ru").unwrap();
    staging.put(&organisation("ru-taliban", "Taliban", "12"), 1).unwrap();
    staging.put(&organisation("ru-other", "Other Movement", "13"), 2).unwrap();
    let mut meta = VersionMeta::new(info, "v1", vec![]);
    meta.names = 2;
    meta.designations = 2;
    staging.finish(meta).unwrap();
    tx.commit().unwrap();
}

/// Grants the workflow's roles on the list and drafts a delisting of the Taliban.
fn draft(store: &mut Store) -> i64 {
    for (body, role) in [
        ("ru-mfa", BodyRole::Proposer),
        ("ru-minjust", BodyRole::Consulted),
        ("ru-supreme-court", BodyRole::Decider),
        ("ru-minjust", BodyRole::Publisher),
    ] {
        store.grant_role("admin", LIST, body, role).unwrap();
    }
    let roles = store.roles(LIST).unwrap();
    let p =
        Proposal::draft(ProposalKind::Delist, LIST, "ru-taliban", &["ru-mfa"], "Reasons of state.", &roles).unwrap();
    store.create_proposal("ana", p, None).unwrap()
}

fn day(s: &str) -> proscribe_model::PartialDate {
    s.parse().unwrap()
}

fn decide(by: &str) -> Action {
    Action::Decide(Decision {
        body: by.into(),
        adopted: true,
        legal_act: "AKPI25-1".into(),
        decided_on: day("2025-04-17"),
        effective_on: day("2025-04-17"),
    })
}

/// Submits and opens proposal `id`.
fn to_deliberation(store: &mut Store, id: i64) {
    store.act("ana", id, Action::Submit { by: "ru-mfa".into(), on: day("2025-03-01") }).unwrap();
    store.act("bo", id, Action::Open { by: "ru-supreme-court".into(), on: day("2025-03-02") }).unwrap();
}

fn a_proposal_goes_from_draft_to_a_published_version(db: &Backend) {
    let mut store = db.open();
    import_list(&mut store);
    let id = draft(&mut store);
    to_deliberation(&mut store, id);
    store.act("bo", id, decide("ru-supreme-court")).unwrap();
    // Only a publisher publishes.
    let refused = store.act("cy", id, Action::Publish { by: "ru-mfa".into(), on: day("2025-04-18") }).unwrap_err();
    assert!(matches!(&refused, Error::Refused(r) if r.kind() == RefusalKind::Role), "{refused}");
    let published = store.act("cy", id, Action::Publish { by: "ru-minjust".into(), on: day("2025-04-18") }).unwrap();
    let version = published.published_version.expect("a new version");
    assert_eq!(published.published_number, Some(2));

    let versions = store.versions("ru").unwrap();
    assert_eq!(versions.iter().map(|v| v.id).collect::<Vec<_>>().last(), Some(&version));
    let diff = store.diff(Some(versions[0].id), version).unwrap();
    assert_eq!(diff.changes.len(), 1);
    assert_eq!((diff.changes[0].entity_id.as_str(), diff.changes[0].kind), ("ru-taliban", ChangeKind::Amended));
    let feed = store.changes_since(0, 100).unwrap();
    assert_eq!(feed.len(), 3, "two added, then one amended");
    assert!(feed.windows(2).all(|w| w[0].cursor < w[1].cursor));

    // As of a day before the decision the ban stands; after it, it is lifted.
    let before = store.status_on("ru-taliban", &day("2025-04-01")).unwrap();
    assert_eq!(before.designations[0].status, Status::Listed);
    let after = store.status_on("ru-taliban", &day("2025-05-01")).unwrap();
    assert_eq!(after.designations[0].status, Status::Delisted, "{after:?}");
    let history = store.history("ru-taliban").unwrap();
    assert!(history.iter().any(|e| e.kind.as_str() == "decision"), "{history:?}");
    assert_eq!(store.proposals(Some(LIST)).unwrap().len(), 1);
    assert_eq!(store.proposals(None).unwrap().len(), 1);

    let check = store.verify_audit().unwrap();
    assert!(check.intact(), "{check:?}");
    let actions: Vec<String> = store.audit_log(1, 100).unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions.first().map(String::as_str), Some("import"));
    assert!(actions.contains(&"proposal.publish".to_string()), "{actions:?}");
}

fn keys_and_webhooks_are_kept_and_audited(db: &Backend) {
    let mut store = db.open();
    import_list(&mut store);
    let key = store.add_key("admin", "ana", Role::Editor, &"s".repeat(40)).unwrap();
    assert_eq!(store.active_keys().unwrap().len(), 1);
    assert_eq!(store.active_keys().unwrap()[0].0, proscribe_store::key_hash(&"s".repeat(40)));
    store.grant_role("admin", LIST, "ru-mfa", BodyRole::Proposer).unwrap();
    let with_body = store.set_key_bodies("admin", key.id, &["ru-mfa".to_string()]).unwrap();
    assert_eq!(with_body.bodies, ["ru-mfa"]);
    assert!(store.revoke_key("admin", key.id).unwrap());
    assert!(!store.revoke_key("admin", key.id).unwrap(), "revoked once");
    assert!(store.active_keys().unwrap().is_empty());
    assert_eq!(store.keys().unwrap().len(), 1);

    let hook = store.add_webhook("admin", "http://127.0.0.1:9/hook", &["ru".to_string()], &"w".repeat(40)).unwrap();
    assert_eq!(hook.cursor, store.data_changes_max().unwrap(), "a new webhook starts after the changes so far");
    assert!(matches!(
        store.add_webhook("admin", "http://127.0.0.1:9/x", &["nowhere".to_string()], &"w".repeat(40)),
        Err(Error::NotFound(_))
    ));
    store.advance_webhook(hook.id, hook.cursor + 5).unwrap();
    store.advance_webhook(hook.id, hook.cursor + 2).unwrap();
    assert_eq!(store.webhook(hook.id).unwrap().unwrap().cursor, hook.cursor + 5, "a cursor only moves on");
    let delivery = Delivery {
        webhook_id: hook.id,
        change_id: 1,
        attempt: 1,
        at: "2026-01-01T00:00:00Z".into(),
        status: DeliveryStatus::Failed,
        http_status: Some(503),
        error: Some("busy".into()),
    };
    store.log_delivery(&delivery).unwrap();
    assert_eq!(store.deliveries(hook.id).unwrap(), vec![delivery]);
    store.remove_webhook("admin", hook.id).unwrap();
    assert!(store.webhooks().unwrap().is_empty());

    let check = store.verify_audit().unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.records, 7, "import, key added, role, bodies, revoked, webhook added and removed");
}

fn an_edit_behind_the_stores_back_is_found(db: &Backend) {
    let mut store = db.open();
    import_list(&mut store);
    assert!(store.verify_audit().unwrap().intact());
    db.sql("UPDATE source SET title = 'Another title' WHERE id = 'ru'");
    db.sql("DELETE FROM entity_ref WHERE key = '13'");
    let check = db.open().verify_audit().unwrap();
    assert!(!check.intact());
    let found: Vec<(&str, Tampering)> = check.findings.iter().map(|f| (f.table.as_str(), f.tampering)).collect();
    assert!(found.contains(&("source", Tampering::Edited)), "{found:?}");
    assert!(found.contains(&("entity_ref", Tampering::Deleted)), "{found:?}");
}

fn two_connections_share_one_store(db: &Backend) {
    let mut one = db.open();
    let two = db.open();
    assert!(two.is_empty().unwrap());
    import_list(&mut one);
    assert!(!two.is_empty().unwrap());
    assert_eq!(two.data_version().unwrap(), one.data_version().unwrap());
    assert_eq!(two.entity("ru-taliban").unwrap().unwrap().entity.caption(), "Taliban");
    let key = one.add_key("admin", "ana", Role::Reader, &"k".repeat(40)).unwrap();
    assert_eq!(two.key(key.id).unwrap().unwrap().name, "ana");
    one.revoke_key("admin", key.id).unwrap();
    assert!(two.active_keys().unwrap().is_empty());
}

fn a_decision_made_twice_at_once_is_taken_once(db: &Backend) {
    let mut store = db.open();
    import_list(&mut store);
    let id = draft(&mut store);
    to_deliberation(&mut store, id);
    let results: Vec<Result<_, Error>> = std::thread::scope(|s| {
        let both: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut store = db.open();
                    store.act("bo", id, decide("ru-supreme-court"))
                })
            })
            .collect();
        both.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let taken = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(taken, 1, "{results:?}");
    let refused = results.into_iter().find_map(Result::err).unwrap();
    assert!(matches!(&refused, Error::Refused(r) if r.kind() == RefusalKind::State), "{refused}");
    assert!(db.open().verify_audit().unwrap().intact());
}

fn concurrent_writes_keep_one_chain(db: &Backend) {
    let mut store = db.open();
    import_list(&mut store);
    // Four connections grant and revoke roles at once, 25 times each: 200 writes.
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                let store = db.open();
                for i in 0..25 {
                    let body = format!("body-{t}-{i}");
                    store.grant_role("admin", LIST, &body, BodyRole::Consulted).unwrap();
                    store.revoke_role("admin", LIST, &body, BodyRole::Consulted).unwrap();
                }
            });
        }
    });
    let check = db.open().verify_audit().unwrap();
    assert!(check.intact(), "{check:?}");
    assert_eq!(check.records, 201);
    let log = store.audit_log(1, 1000).unwrap();
    assert!(log.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[1].prev == w[0].hash));
}

fn the_schema_is_made_once(db: &Backend) {
    // Connections opened together each bring the schema up to date; one makes it.
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| db.open());
        }
    });
    let mut store = db.open();
    import_list(&mut store);
    let again = db.open();
    assert_eq!(again.sources().unwrap().len(), 1);
    let read_only = Store::open_at_read_only(&db.location()).unwrap();
    assert_eq!(read_only.sources().unwrap().len(), 1);
    let refused = read_only.add_key("admin", "x", Role::Reader, &"r".repeat(40));
    assert!(refused.is_err(), "a store opened to read takes no write");
}

fn a_registry_moves_with_its_audit_trail(db: &Backend) {
    // The registry to move: an SQLite file with a list, its workflow, a key, a decision.
    let from = Backend::sqlite();
    let mut old = from.open();
    import_list(&mut old);
    let id = draft(&mut old);
    to_deliberation(&mut old, id);
    old.act("bo", id, decide("ru-supreme-court")).unwrap();
    old.act("cy", id, Action::Publish { by: "ru-minjust".into(), on: day("2025-04-18") }).unwrap();
    old.add_key("admin", "ana", Role::Editor, &"k".repeat(40)).unwrap();
    old.decide("ana", "ru-taliban", "ru-other", proscribe_model::resolution::Verdict::Different, "two groups").unwrap();
    let before = old.verify_audit().unwrap();
    assert!(before.intact());

    let mut new = db.open();
    let counts = old.copy_to(&mut new, |_, _| {}).unwrap();
    let count = |t: &str| counts.iter().find(|(name, _)| *name == t).unwrap().1;
    assert_eq!((count("version"), count("member"), count("audit")), (2, 4, before.records as u64));
    let after = new.verify_audit().unwrap();
    assert!(after.intact(), "{after:?}");
    assert_eq!((after.head.as_str(), after.records), (before.head.as_str(), before.records));
    assert_eq!(new.proposal(id).unwrap().published_number, Some(2));
    assert_eq!(new.status_on("ru-taliban", &day("2025-05-01")).unwrap().designations[0].status, Status::Delisted);
    assert_eq!(new.decisions(false).unwrap(), old.decisions(false).unwrap());
    // The copy numbers new rows after the copied ones and extends the same chain.
    let key = new.add_key("admin", "bo", Role::Reader, &"b".repeat(40)).unwrap();
    assert_eq!(key.id, 2);
    let check = new.verify_audit().unwrap();
    assert!(check.intact() && check.records == before.records + 1, "{check:?}");
    // A store that holds anything is not copied into.
    let refused = old.copy_to(&mut new, |_, _| {}).unwrap_err();
    assert!(refused.to_string().contains("not empty"), "{refused}");
}
