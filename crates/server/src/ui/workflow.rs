//! `/workflow`: the proposals awaiting each body in the role it plays, and a proposal's page
//! with its deliberation, decision and publication, and the actions the signed-in key may take
//! for the bodies it acts for.

use std::collections::BTreeSet;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use proscribe_model::workflow::{Action, BodyRole, Decision, Document, Opinion, OpinionKind, Proposal, Roles};
use proscribe_model::PartialDate;
use proscribe_store::{ApiKey, Role, StoredProposal};
use serde::Deserialize;

use super::{error_page, form_day, given, render, Page, SignedIn};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// The actions the pages offer, with their labels and, for the queue, the role they take.
const STEPS: [(&str, &str, &str); 7] = [
    ("submit", "Submit", "proposer"),
    ("open", "Open deliberation", "decider"),
    ("opine", "Give an opinion", "consulted"),
    ("decide", "Decide", "decider"),
    ("publish", "Publish", "publisher"),
    ("withdraw", "Withdraw", "proposer"),
    ("attach", "Attach a document", ""),
];

/// Which of [`STEPS`] `body` may take on `p` now: each is tried on a copy with the workflow's
/// own rules (dated no earlier than the last step), so the pages offer exactly what would be
/// accepted.
fn possible(p: &Proposal, roles: &Roles, body: &str, today: PartialDate) -> Vec<usize> {
    let on = p.actions.last().map(|a| a.on().latest()).filter(|d| *d > today).unwrap_or(today);
    let (by, x) = (body.to_string(), "-".to_string());
    let trial = |step: &str| match step {
        "submit" => Action::Submit { by: by.clone(), on },
        "open" => Action::Open { by: by.clone(), on },
        "opine" => Action::Opine(Opinion { body: by.clone(), kind: OpinionKind::Concur, text: x.clone(), on }),
        "decide" => Action::Decide(Decision {
            body: by.clone(),
            adopted: true,
            legal_act: x.clone(),
            decided_on: on,
            effective_on: on,
        }),
        "publish" => Action::Publish { by: by.clone(), on },
        "withdraw" => Action::Withdraw { by: by.clone(), on },
        _ => Action::Attach(Document { body: by.clone(), title: x.clone(), reference: x.clone(), on }),
    };
    (0..STEPS.len()).filter(|&i| p.clone().apply(trial(STEPS[i].0), roles).is_ok()).collect()
}

/// A proposal in the queue.
pub(crate) struct QueueRow {
    pub id: i64,
    pub kind: String,
    pub entity: String,
    pub list: String,
    pub proposers: String,
    pub state: &'static str,
    pub last: String,
    pub awaits: String,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    page: Page,
    bodies: Vec<(String, bool)>,
    body: String,
    rows: Vec<QueueRow>,
    /// The lists the signed-in key may propose on, with the bodies it proposes for.
    proposable: Vec<(String, Vec<String>)>,
    error: Option<String>,
    today: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct QueueParams {
    body: Option<String>,
}

/// Who may move `p` on now (not counting withdrawing or attaching), with the role it acts in.
fn waiting_bodies(p: &StoredProposal, roles: &Roles, today: PartialDate) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for body in roles.0.keys() {
        for i in possible(&p.proposal, roles, body, today) {
            let (step, _, role) = STEPS[i];
            if !matches!(step, "withdraw" | "attach") && !out.iter().any(|(b, r)| b == body && *r == role) {
                out.push((body.clone(), role));
            }
        }
    }
    out
}

/// `GET /workflow?body=`: the proposals, or those awaiting one body.
pub(crate) async fn queue(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    params: Result<Query<QueueParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let body = params.ok().and_then(|Query(p)| given(&p.body).map(str::to_string)).unwrap_or_default();
    show_queue(&state, &who, body, None).await
}

async fn show_queue(
    state: &Arc<AppState>,
    who: &SignedIn,
    body: String,
    error: Option<(StatusCode, String)>,
) -> Response {
    let found = state
        .run_store(|s| {
            let proposals = s.proposals(None)?;
            let lists: BTreeSet<String> = s.lists()?.into_keys().collect();
            let mut roles = Vec::new();
            for l in lists {
                roles.push((l.clone(), s.roles(&l)?));
            }
            Ok((proposals, roles))
        })
        .await;
    let (proposals, roles) = match found {
        Ok(f) => f,
        Err(e) => return error_page(who, e),
    };
    let editor = who.0.as_ref().filter(|k| k.role >= Role::Editor);
    let proposable = roles
        .iter()
        .filter_map(|(list, r)| {
            let bodies: Vec<String> = editor?.bodies.iter().filter(|b| r.has(b, BodyRole::Proposer)).cloned().collect();
            (!bodies.is_empty()).then(|| (list.clone(), bodies))
        })
        .collect();
    let mut bodies: BTreeSet<String> = BTreeSet::new();
    let mut rows = Vec::new();
    for (_, r) in &roles {
        bodies.extend(r.0.keys().cloned());
    }
    for p in &proposals {
        let empty = Roles::default();
        let list_roles = roles.iter().find(|(l, _)| *l == p.proposal.list).map_or(&empty, |(_, r)| r);
        let waiting = waiting_bodies(p, list_roles, state.today());
        if !body.is_empty() && !waiting.iter().any(|(b, _)| *b == body) && !p.proposal.proposers.contains(&body) {
            continue;
        }
        rows.push(QueueRow {
            id: p.id,
            kind: p.proposal.kind.verb().to_string(),
            entity: p.proposal.entity_id.clone(),
            list: p.proposal.list.clone(),
            proposers: p.proposal.proposers.join(", "),
            state: p.proposal.state.as_str(),
            last: p.proposal.actions.last().map(|a| a.on().to_string()).unwrap_or_default(),
            awaits: waiting.iter().map(|(b, r)| format!("{b} ({r})")).collect::<Vec<_>>().join(", "),
        });
    }
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let page = QueuePage {
        page: Page::new(who, "workflow", "Workflow"),
        bodies: bodies.into_iter().map(|b| (b.clone(), b == body)).collect(),
        body,
        rows,
        proposable,
        error,
        today: state.today().to_string(),
    };
    render(status, &page)
}

/// A new proposal as the queue page's form sends it.
#[derive(Debug, Deserialize)]
pub(crate) struct ProposalFields {
    list: String,
    kind: String,
    entity: String,
    by: String,
    statement: String,
    on: Option<String>,
}

/// `POST /workflow`: a proposal made and submitted for a body the signed-in editor key acts
/// for; the browser goes to its page.
pub(crate) async fn propose(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    form: Result<Form<ProposalFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return show_queue(
            &state,
            &who,
            String::new(),
            Some((StatusCode::BAD_REQUEST, "the form is incomplete".into())),
        )
        .await;
    };
    let Some(key) = who.0.clone().filter(|k| k.role >= Role::Editor) else {
        let e = "proposing needs an editor key: sign in with one".to_string();
        return show_queue(&state, &who, String::new(), Some((StatusCode::FORBIDDEN, e))).await;
    };
    let n = crate::workflow::NewProposal {
        list: f.list,
        kind: f.kind,
        entity: f.entity.trim().to_string(),
        by: vec![f.by],
        statement: f.statement,
        name: None,
        schema: None,
        draft: false,
        on: given(&f.on).map(str::to_string),
    };
    match crate::workflow::propose(&state, Some(&Caller(key)), n).await {
        Ok(p) => Redirect::to(&format!("/workflow/{}", p.id)).into_response(),
        Err(e) => show_queue(&state, &who, String::new(), Some((e.status, e.message))).await,
    }
}

/// An action the signed-in key may take, as a form.
pub(crate) struct ActionForm {
    pub action: &'static str,
    pub label: &'static str,
    pub body: String,
}

/// A step of the proposal, for its history.
pub(crate) struct Step {
    pub on: String,
    pub what: String,
    pub by: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    page: Page,
    p: StoredProposal,
    kind: String,
    state: &'static str,
    source: String,
    steps: Vec<Step>,
    forms: Vec<ActionForm>,
    signed_in: bool,
    acts_for: String,
    error: Option<String>,
    today: String,
}

fn steps_of(p: &StoredProposal) -> Vec<Step> {
    p.proposal
        .actions
        .iter()
        .map(|a| {
            let text = match a {
                Action::Opine(o) => format!("{}: {}", o.kind.verb(), o.text),
                Action::Decide(d) => format!(
                    "{} ({}), effective {}",
                    if d.adopted { "adopted" } else { "rejected" },
                    d.legal_act,
                    d.effective_on
                ),
                Action::Publish { .. } => p.published_number.map(|v| format!("as version {v}")).unwrap_or_default(),
                _ => String::new(),
            };
            Step { on: a.on().to_string(), what: a.name().to_string(), by: a.body().to_string(), text }
        })
        .collect()
}

/// The actions `key` may take on `p` now, for each body it acts for.
fn forms_for(p: &StoredProposal, roles: &Roles, key: Option<&ApiKey>, today: PartialDate) -> Vec<ActionForm> {
    let Some(key) = key.filter(|k| k.role >= Role::Editor) else { return Vec::new() };
    let mut out = Vec::new();
    for body in &key.bodies {
        for i in possible(&p.proposal, roles, body, today) {
            let (action, label, _) = STEPS[i];
            out.push(ActionForm { action, label, body: body.clone() });
        }
    }
    out
}

async fn show(state: &Arc<AppState>, who: &SignedIn, id: i64, error: Option<(StatusCode, String)>) -> Response {
    let found = state
        .run_store(move |s| {
            let p = s.proposal(id)?;
            let roles = s.roles(&p.proposal.list)?;
            let source = s.lists()?.get(&p.proposal.list).map(|(src, _)| src.clone()).unwrap_or_default();
            Ok((p, roles, source))
        })
        .await;
    let (p, roles, source) = match found {
        Ok(f) => f,
        Err(e) => return error_page(who, e),
    };
    let forms = forms_for(&p, &roles, who.0.as_ref(), state.today());
    let (status, message) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let page = ProposalPage {
        page: Page::new(who, "workflow", format!("Proposal {id}")),
        kind: p.proposal.kind.verb().to_string(),
        state: p.proposal.state.as_str(),
        source,
        steps: steps_of(&p),
        forms,
        signed_in: who.0.is_some(),
        acts_for: who.0.as_ref().map(|k| k.bodies.join(", ")).unwrap_or_default(),
        error: message,
        today: state.today().to_string(),
        p,
    };
    render(status, &page)
}

/// `GET /workflow/{id}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    match crate::error::number(&id, "proposal") {
        Ok(id) => show(&state, &who, id, None).await,
        Err(e) => error_page(&who, e),
    }
}

/// An action as the proposal page's forms send it.
#[derive(Debug, Deserialize)]
pub(crate) struct ActionFields {
    action: String,
    by: String,
    on: Option<String>,
    opinion: Option<String>,
    text: Option<String>,
    outcome: Option<String>,
    legal_act: Option<String>,
    effective_on: Option<String>,
    title: Option<String>,
    reference: Option<String>,
}

fn action_of(f: &ActionFields, today: proscribe_model::PartialDate) -> Result<Action, ApiError> {
    let on = form_day(&f.on, "date")?.unwrap_or(today);
    let by = f.by.clone();
    Ok(match f.action.as_str() {
        "submit" => Action::Submit { by, on },
        "open" => Action::Open { by, on },
        "publish" => Action::Publish { by, on },
        "withdraw" => Action::Withdraw { by, on },
        "opine" => {
            let kind = match given(&f.opinion) {
                Some("concur") => OpinionKind::Concur,
                Some("object") => OpinionKind::Object,
                Some("abstain") => OpinionKind::Abstain,
                _ => return Err(ApiError::bad_request("invalid_form", "choose concur, object or abstain")),
            };
            let text =
                given(&f.text).ok_or_else(|| ApiError::bad_request("invalid_form", "an opinion gives its reasons"))?;
            Action::Opine(Opinion { body: by, kind, text: text.to_string(), on })
        }
        "decide" => {
            let adopted = match given(&f.outcome) {
                Some("adopt") => true,
                Some("reject") => false,
                _ => return Err(ApiError::bad_request("invalid_form", "choose adopt or reject")),
            };
            let legal_act = given(&f.legal_act).unwrap_or("").to_string();
            let effective_on = form_day(&f.effective_on, "effective date")?.unwrap_or(on);
            Action::Decide(Decision { body: by, adopted, legal_act, decided_on: on, effective_on })
        }
        "attach" => Action::Attach(Document {
            body: by,
            title: given(&f.title).unwrap_or("").to_string(),
            reference: given(&f.reference).unwrap_or("").to_string(),
            on,
        }),
        other => return Err(ApiError::bad_request("invalid_form", format!("unknown action {other:?}"))),
    })
}

/// `POST /workflow/{id}`: applies an action for a body the signed-in editor key acts for, then
/// shows the proposal (with the reason when the workflow refused it).
pub(crate) async fn act(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    form: Result<Form<ActionFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    let id = match crate::error::number(&id, "proposal") {
        Ok(id) => id,
        Err(e) => return error_page(&who, e),
    };
    let Ok(Form(fields)) = form else {
        return show(&state, &who, id, Some((StatusCode::BAD_REQUEST, "the form is incomplete".into()))).await;
    };
    let key = match who.0.clone().filter(|k| k.role >= Role::Editor) {
        Some(k) => k,
        None => {
            let e = "acting on a proposal needs an editor key: sign in with one".to_string();
            return show(&state, &who, id, Some((StatusCode::FORBIDDEN, e))).await;
        }
    };
    let action = match action_of(&fields, state.today()) {
        Ok(a) => a,
        Err(e) => return show(&state, &who, id, Some((e.status, e.message))).await,
    };
    match crate::workflow::apply(&state, Some(&Caller(key)), id, action).await {
        Ok(_) => Redirect::to(&format!("/workflow/{id}")).into_response(),
        Err(e) => show(&state, &who, id, Some((e.status, e.message))).await,
    }
}
