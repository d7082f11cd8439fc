//! The designation workflow stored: roles per list, proposals and actions each in one
//! transaction with its audit record, refusals that leave everything as it was, and a
//! publication that becomes the list's new version for history, as-of status and the feed.

use proscribe_model::workflow::{
    Action, BodyRole, Decision, Opinion, OpinionKind, Proposal, ProposalKind, ProposalState, Refusal, RefusalKind,
};
use proscribe_model::{Entity, Name, NameKind, PartialDate, Schema, Status};
use proscribe_store::{ChangeKind, Error, Store};

use crate::common::Env;

const LIST: &str = "ru-terrorist-organisations";
const SOURCE: &str = "example-ru-terrorist-organisations";

fn day(s: &str) -> PartialDate {
    s.parse().unwrap()
}

fn store_with_roles(env: &Env) -> Store {
    env.ok(&["import"]);
    let store = Store::open(&env.db).unwrap();
    for (body, role) in [
        ("ru-mfa", BodyRole::Proposer),
        ("ru-moj", BodyRole::Proposer),
        ("ru-moj", BodyRole::Publisher),
        ("ru-fsb", BodyRole::Consulted),
        ("ru-supreme-court", BodyRole::Decider),
    ] {
        store.grant_role("test", LIST, body, role).unwrap();
    }
    store
}

fn decide(adopted: bool, decided: &str, effective: &str) -> Action {
    Action::Decide(Decision {
        body: "ru-supreme-court".into(),
        adopted,
        legal_act: "AKPI-TEST-1".into(),
        decided_on: day(decided),
        effective_on: day(effective),
    })
}

#[test]
fn a_listing_is_proposed_deliberated_decided_and_published() {
    let env = Env::new();
    let mut store = store_with_roles(&env);
    let roles = store.roles(LIST).unwrap();
    // A new organisation, described in full, listed with a future effective date.
    let mut org = Entity::new("velkorra-front", Schema::Organization);
    org.add_name(Name::new("Velkorra Liberation Front", NameKind::Primary));
    let p = Proposal::draft(
        ProposalKind::List,
        LIST,
        "velkorra-front",
        &["ru-mfa", "ru-moj"],
        "Attacks claimed in 2030.",
        &roles,
    )
    .unwrap();
    let id = store.create_proposal("test", p, Some(org)).unwrap();
    let versions_before = store.versions(SOURCE).unwrap().len();

    // Refused actions change nothing, and say why.
    let refused =
        store.act("test", id, Action::Open { by: "ru-supreme-court".into(), on: day("2026-01-01") }).unwrap_err();
    assert!(
        matches!(&refused, Error::Refused(r @ Refusal::State { .. }) if r.kind() == RefusalKind::State),
        "{refused}"
    );
    assert!(refused.to_string().contains("the proposal is draft"), "{refused}");
    assert_eq!(store.proposal(id).unwrap().proposal.state, ProposalState::Draft);
    for action in [
        Action::Submit { by: "ru-mfa".into(), on: day("2026-01-02") },
        Action::Open { by: "ru-supreme-court".into(), on: day("2026-01-03") },
        Action::Opine(Opinion {
            body: "ru-fsb".into(),
            kind: OpinionKind::Concur,
            text: "Agreed.".into(),
            on: day("2026-01-10"),
        }),
    ] {
        store.act("test", id, action).unwrap();
    }
    let by_mfa = store.act(
        "test",
        id,
        Action::Decide(Decision { body: "ru-mfa".into(), ..decision_of(decide(true, "2026-02-01", "2026-03-01")) }),
    );
    let by_mfa = by_mfa.unwrap_err();
    assert!(matches!(&by_mfa, Error::Refused(r) if r.kind() == RefusalKind::Role), "{by_mfa}");
    assert!(by_mfa.to_string().contains("not a decider"));
    let backwards = store.act("test", id, decide(true, "2026-02-01", "2026-01-15")).unwrap_err();
    assert!(matches!(&backwards, Error::Refused(r) if r.kind() == RefusalKind::Content), "{backwards}");
    assert!(backwards.to_string().contains("before the decision date"), "{backwards}");
    store.act("test", id, decide(true, "2026-02-01", "2026-03-01")).unwrap();
    let published = store.act("test", id, Action::Publish { by: "ru-moj".into(), on: day("2026-02-02") }).unwrap();
    assert_eq!(published.proposal.state, ProposalState::Published);
    let twice = store.act("test", id, Action::Publish { by: "ru-moj".into(), on: day("2026-02-03") }).unwrap_err();
    assert!(twice.to_string().contains("the proposal is published"), "{twice}");

    // The publication is the list's new version: the entity is in it, the feed says so, and
    // its status follows the effective date.
    let versions = store.versions(SOURCE).unwrap();
    assert_eq!(versions.len(), versions_before + 1);
    assert_eq!(published.published_version, Some(versions.last().unwrap().id));
    let view = store.entity("velkorra-front").unwrap().expect("published");
    assert_eq!(view.entity.designations[0].list, LIST);
    let feed = store.changes_since(0, usize::MAX).unwrap();
    assert!(feed.iter().any(|c| c.entity_id == "velkorra-front" && c.kind == ChangeKind::Added));
    let status = |d: &str| store.status_on("velkorra-front", &day(d)).unwrap().designations[0].status;
    assert_eq!(status("2026-02-15"), Status::NotListed);
    assert_eq!(status("2026-03-02"), Status::Listed);

    // Every action is on the audit trail, which is intact.
    let log = store.audit_log(1, usize::MAX).unwrap();
    let subject = format!("proposal:{id}");
    let actions: Vec<&str> = log.iter().filter(|r| r.subject == subject).map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "proposal.create",
            "proposal.submit",
            "proposal.open_deliberation",
            "proposal.give_an_opinion",
            "proposal.decide",
            "proposal.publish"
        ]
    );
    assert_eq!(store.verify_audit().unwrap().first_bad, None);
}

fn decision_of(a: Action) -> Decision {
    match a {
        Action::Decide(d) => d,
        _ => unreachable!(),
    }
}

#[test]
fn proposals_about_unknown_entities_and_lists_are_refused() {
    let env = Env::new();
    let mut store = store_with_roles(&env);
    let roles = store.roles(LIST).unwrap();
    let p = |kind, entity: &str| Proposal::draft(kind, LIST, entity, &["ru-mfa"], "Reasons.", &roles).unwrap();
    let example_proposals = store.proposals(None).unwrap().len();
    assert!(matches!(store.create_proposal("test", p(ProposalKind::Delist, "nobody"), None), Err(Error::NotFound(_))));
    // A listing of an entity the source does not have must describe it: invalid content.
    assert!(matches!(
        store.create_proposal("test", p(ProposalKind::List, "nobody"), None),
        Err(Error::Refused(Refusal::Invalid(_)))
    ));
    let mut other = p(ProposalKind::Suspend, "taliban-ru");
    other.list = "no-such-list".into();
    assert!(matches!(store.create_proposal("test", other, None), Err(Error::NotFound(_))));
    assert!(store.grant_role("test", "no-such-list", "ru-mfa", BodyRole::Decider).is_err());
    // Only the example's own proposals are there.
    assert_eq!(store.proposals(None).unwrap().len(), example_proposals);
    // A suspension of the Taliban's listing is accepted as a proposal.
    let id = store.create_proposal("test", p(ProposalKind::Suspend, "taliban-ru"), None).unwrap();
    assert_eq!(store.proposals(Some(LIST)).unwrap()[0].id, id);
}

#[test]
fn the_verbs_take_a_delisting_from_proposal_to_the_timeline() {
    let env = Env::new();
    env.ok(&["import"]);
    for (body, role) in [
        ("ru-mfa", "proposer"),
        ("ru-moj", "proposer"),
        ("ru-moj", "publisher"),
        ("ru-fsb", "consulted"),
        ("ru-supreme-court", "decider"),
    ] {
        env.ok(&["roles", "grant", LIST, body, role]);
    }
    // A delisting of the Taliban, proposed by `by` (with `--by` before each body).
    let propose = |by: &[&'static str]| {
        let mut args = vec!["propose", "--list", LIST, "--kind", "delist", "--entity", "taliban-ru"];
        args.extend(by);
        args.extend(["--statement", "Relations with the authorities in Kabul.", "--on", "2026-01-01"]);
        args
    };
    // The FSB is consulted, no proposer of this list: refused.
    let err = env.fails(&propose(&["--by", "ru-fsb"]));
    assert!(err.contains("not a proposer"), "{err}");
    let made = env.json(&propose(&["--by", "ru-mfa", "--by", "ru-moj"]));
    let id = made["id"].as_i64().unwrap().to_string();
    assert_eq!(made["proposal"]["state"], "submitted");
    env.ok(&["deliberate", &id, "--by", "ru-supreme-court", "--open", "--on", "2026-01-02"]);
    env.ok(&[
        "deliberate",
        &id,
        "--by",
        "ru-fsb",
        "--opinion",
        "concur",
        "--text",
        "No objection.",
        "--on",
        "2026-01-05",
    ]);
    env.ok(&[
        "attach",
        &id,
        "--by",
        "ru-fsb",
        "--title",
        "Assessment of the movement's activity",
        "--reference",
        "FSB letter 12/2031",
        "--on",
        "2026-01-06",
    ]);
    let err = env.fails(&[
        "attach",
        &id,
        "--by",
        "ru-government",
        "--title",
        "Note",
        "--reference",
        "x",
        "--on",
        "2026-01-07",
    ]);
    assert!(err.contains("cannot attach a document"), "{err}");
    let decide = |effective: &'static str| {
        let by = [
            "--by",
            "ru-supreme-court",
            "--adopt",
            "--act",
            "AKPI31-1",
            "--on",
            "2026-02-01",
            "--effective",
            effective,
        ];
        [&["decide", id.as_str()][..], &by[..]].concat()
    };
    let err = env.fails(&decide("2026-01-20"));
    assert!(err.contains("before the decision date"), "{err}");
    env.ok(&decide("2026-03-01"));
    env.ok(&["publish", &id, "--by", "ru-moj", "--on", "2026-02-02"]);
    let err = env.fails(&["publish", &id, "--by", "ru-moj", "--on", "2026-02-03"]);
    assert!(err.contains("the proposal is published"), "{err}");
    let list = env.ok(&["proposals", "--list", LIST]);
    assert!(list.contains(&format!("proposal {id}")) && list.contains("published"), "{list}");
    // The timeline and the status as of a day after the effective date tell it.
    let timeline = env.ok(&["timeline", "taliban"]);
    assert!(
        timeline.contains("ru-fsb attaches Assessment of the movement's activity (FSB letter 12/2031)"),
        "{timeline}"
    );
    assert!(
        timeline.contains("delisting by ru-supreme-court on ru-terrorist-organisations, effective 2026-03-01"),
        "{timeline}"
    );
    let status = env.json(&["status", "taliban", "--as-of", "2026-03-02"]);
    let ru =
        status["designations"].as_array().unwrap().iter().find(|d| d["list"] == LIST).expect("Russia's entry").clone();
    assert_eq!(ru["status"], "delisted", "{ru}");
    env.ok(&["audit", "verify"]);
}

#[test]
fn roles_are_listed_as_words_and_revoked_on_the_trail() {
    let env = Env::example();
    env.ok(&["roles", "grant", LIST, "ru-moj", "publisher"]);
    let listed = env.ok(&["roles", "list", LIST]);
    let row = |body: &str| listed.lines().find(|l| l.split_whitespace().next() == Some(body)).unwrap_or("").to_string();
    assert!(listed.lines().next().unwrap().starts_with("BODY"), "{listed}");
    assert!(row("ru-moj").ends_with("proposer, publisher"), "{listed}");
    assert!(row("ru-supreme-court").ends_with("decider"), "{listed}");
    assert!(!listed.contains('{'), "{listed}");

    let said = env.ok(&["roles", "revoke", LIST, "ru-moj", "publisher"]);
    assert_eq!(said.trim(), format!("ru-moj is no longer a publisher of {LIST}"));
    let roles = env.json(&["roles", "list", LIST]);
    assert_eq!(roles["ru-moj"], serde_json::json!(["proposer"]), "{roles}");
    let log = env.json(&["audit", "log", "--limit", "10000"]);
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["subject"].as_str()),
        (Some("role.revoke"), Some(&*format!("list:{LIST}")))
    );
    assert!(env.ok(&["audit", "verify"]).contains("intact"));

    // A role the body does not have is refused, naming it; nothing is written.
    let err = env.fails(&["roles", "revoke", LIST, "ru-moj", "publisher"]);
    assert!(err.contains(&format!("ru-moj is not a publisher of {LIST} (its roles: proposer)")), "{err}");
    let err = env.fails(&["roles", "revoke", LIST, "un-sc", "decider"]);
    assert!(err.contains("un-sc is not a decider") && err.contains("it has no role on it"), "{err}");
    assert_eq!(
        env.json(&["audit", "log", "--limit", "10000"]).as_array().unwrap().len(),
        log.as_array().unwrap().len()
    );
}

#[test]
fn keys_list_shows_the_bodies_a_key_acts_for() {
    let env = Env::example();
    env.ok(&["keys", "add", "court clerk", "--role", "editor", "--body", "ru-supreme-court", "--body", "ru-fsb"]);
    env.ok(&["keys", "add", "analyst", "--role", "reader"]);
    let listed = env.ok(&["keys", "list"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert!(lines[0].contains("BODIES"), "{listed}");
    let clerk = lines.iter().find(|l| l.ends_with("court clerk")).unwrap();
    assert!(clerk.contains("ru-supreme-court, ru-fsb"), "{listed}");
    let analyst = lines.iter().find(|l| l.ends_with("analyst")).unwrap();
    let at = lines[0].find("BODIES").unwrap();
    assert_eq!(analyst.get(at..at + 1), Some("-"), "{listed}");
}

#[test]
fn status_of_an_unknown_list_or_authority_is_an_error_and_a_court_tells_its_part() {
    let env = Env::example();
    let err = env.fails(&["status", "--list", "ru-terror", "--as-of", "2025-05-01"]);
    assert!(err.contains("no list \"ru-terror\"") && err.contains(LIST), "{err}");
    let err = env.fails(&["status", "--authority", "ru-court", "--as-of", "2025-05-01"]);
    assert!(err.contains("no authority \"ru-court\"") && err.contains("ru-supreme-court"), "{err}");

    // The Supreme Court keeps no list: it decides on the FSB's.
    let text = env.ok(&["status", "--authority", "ru-supreme-court", "--as-of", "2025-05-01"]);
    assert!(text.contains("ru-supreme-court (Supreme Court of the Russian Federation) keeps no list"), "{text}");
    assert!(text.contains(&format!("It is a decider of {LIST}")), "{text}");
    assert!(text.contains("adopted by ru-supreme-court") && text.contains("listing by ru-supreme-court"), "{text}");
    assert!(!text.contains("REFERENCE"), "no empty table: {text}");
    let before = env.ok(&["status", "--authority", "ru-supreme-court", "--as-of", "2025-01-01"]);
    assert!(!before.contains("adopted by") && before.contains("listing by ru-supreme-court"), "{before}");
    let json = env.json(&["status", "--authority", "ru-supreme-court", "--as-of", "2025-05-01"]);
    assert_eq!(json["authority"]["roles"][LIST], serde_json::json!(["decider"]), "{json}");
    // An authority that keeps a list still lists its entries.
    let fsb = env.ok(&["status", "--authority", "ru-fsb", "--as-of", "2025-05-01"]);
    assert!(fsb.contains("taliban-ru") && fsb.contains("suspended"), "{fsb}");
}

#[test]
fn decisions_and_publications_cannot_be_dated_beyond_the_horizon() {
    let env = Env::new();
    env.ok(&["import"]);
    for (body, role) in [("ru-mfa", "proposer"), ("ru-moj", "publisher"), ("ru-supreme-court", "decider")] {
        env.ok(&["roles", "grant", LIST, body, role]);
    }
    let made = env.json(&[
        "propose",
        "--list",
        LIST,
        "--kind",
        "delist",
        "--entity",
        "taliban-ru",
        "--by",
        "ru-mfa",
        "--statement",
        "Relations.",
        "--on",
        "2026-01-01",
    ]);
    let id = made["id"].as_i64().unwrap().to_string();
    env.ok(&["deliberate", &id, "--by", "ru-supreme-court", "--open", "--on", "2026-01-02"]);
    let decide = |on: &'static str, effective: &'static str| {
        vec![
            "decide",
            &*id,
            "--by",
            "ru-supreme-court",
            "--adopt",
            "--act",
            "AKPI-1",
            "--on",
            on,
            "--effective",
            effective,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let args = decide("2999-12-31", "2999-12-31");
    let err = env.fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("the decision date 2999-12-31 lies beyond the horizon"), "{err}");
    // An effective date ahead is a scheduled change; the publication cannot be dated ahead.
    let args = decide("2026-02-01", "2999-12-31");
    env.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = env.fails(&["publish", &id, "--by", "ru-moj", "--on", "2999-12-31"]);
    assert!(err.contains("the publication date 2999-12-31 lies beyond the horizon"), "{err}");
    env.ok(&["publish", &id, "--by", "ru-moj", "--on", "2026-02-02"]);
}

#[test]
fn unknown_entities_bodies_and_lists_are_refused_where_named() {
    let env = Env::example();
    env.ok(&["roles", "grant", LIST, "ru-mfa", "proposer"]);
    let propose = |kind: &'static str, entity: &'static str| {
        let mut args = vec!["propose", "--list", LIST, "--kind", kind, "--entity", entity, "--by", "ru-mfa"];
        args.extend(["--statement", "Reasons.", "--on", "2026-01-01"]);
        env.fails(&args)
    };
    let err = propose("delist", "../../etc");
    assert!(err.contains("entity ../../etc is not in"), "{err}");
    let err = env.fails(&[
        "propose",
        "--list",
        LIST,
        "--kind",
        "list",
        "--entity",
        "../../etc",
        "--by",
        "ru-mfa",
        "--statement",
        "Reasons.",
        "--name",
        "Someone",
        "--on",
        "2026-01-01",
    ]);
    assert!(err.contains("\"../../etc\" is not an entity id"), "{err}");
    // A key acts for bodies with a role on some list, and only an editor's bodies mean anything.
    let err = env.fails(&["keys", "add", "clerk", "--role", "editor", "--body", "ru-nobody"]);
    assert!(err.contains("body \"ru-nobody\" has no role on any list"), "{err}");
    let err = env.fails(&["keys", "add", "analyst", "--role", "reader", "--body", "ru-mfa"]);
    assert!(err.contains("a reader key acts for no body (ru-mfa given)"), "{err}");
    assert!(env.json(&["keys", "list"]).as_array().unwrap().is_empty());
    env.ok(&["keys", "add", "clerk", "--role", "editor", "--body", "ru-mfa"]);
}
