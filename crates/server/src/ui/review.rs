//! `/review`: the pairs of entities of different lists the cross-reference queued, and a pair's
//! page with both entities side by side (what they share plain, what only one says marked),
//! where an editor decides them as one, different or unsure with the reason. The keyboard
//! does it all (`s`, `d`, `u` decide, `r` goes to the reason, `n` skips; see `app.js`); the
//! forms work without the script. After a decision the next pair of the queue opens.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use proscribe_app::resolve::{CrossReference, Link, Pair};
use proscribe_matching::index::normalise_identifier;
use proscribe_matching::resolve::words;
use proscribe_model::Entity;
use proscribe_store::{Role, Store};
use serde::Deserialize;

use super::{encode, error_page, given, render, Page, SignedIn};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::resolve::{cross_reference, NewDecision};
use crate::AppState;

/// Pairs the queue page shows.
const SHOWN: usize = 100;

/// Decisions the queue page shows, newest first.
const RECENT: usize = 20;

/// A pair in the queue.
pub(crate) struct Row {
    pub score: String,
    pub a: String,
    pub a_caption: String,
    pub a_source: String,
    pub b: String,
    pub b_caption: String,
    pub b_source: String,
    pub href: String,
    pub unsure: bool,
}

impl Row {
    fn of(p: &Pair) -> Row {
        Row {
            score: format!("{:.3}", p.score),
            a: p.a.clone(),
            a_caption: p.a_caption.clone(),
            a_source: p.a_source.clone(),
            b: p.b.clone(),
            b_caption: p.b_caption.clone(),
            b_source: p.b_source.clone(),
            href: pair_href(&p.a, &p.b),
            unsure: p.decision.is_some(),
        }
    }
}

/// A decision in force, with its pair.
pub(crate) struct DecisionRow {
    pub id: i64,
    pub verdict: &'static str,
    pub a: String,
    pub b: String,
    pub reason: String,
    pub actor: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct QueuePage {
    page: Page,
    source: String,
    sources: Vec<(String, bool)>,
    linked: usize,
    queued: usize,
    apart: usize,
    rows: Vec<Row>,
    decisions: Vec<DecisionRow>,
    editor: bool,
    error: Option<String>,
}

fn pair_href(a: &str, b: &str) -> String {
    format!("/review/pair?a={}&b={}", encode(a), encode(b))
}

/// The query of the queue page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct QueueParams {
    source: Option<String>,
}

/// The pairs for review, best first, of `source` when given.
fn queue<'a>(cross: &'a CrossReference, source: Option<&'a str>) -> impl Iterator<Item = &'a Pair> {
    cross
        .pairs
        .iter()
        .filter(|p| p.link == Link::Review)
        .filter(move |p| source.is_none_or(|s| p.a_source == s || p.b_source == s))
}

async fn cross(state: &Arc<AppState>) -> Result<CrossReference, ApiError> {
    let loaded = state.loaded()?;
    let s = state.clone();
    state.run_store(move |store| cross_reference(&s, store, &loaded)).await
}

/// `GET /review?source=`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    params: Result<Query<QueueParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    show_queue(&state, &who, params.source, None).await
}

async fn show_queue(
    state: &Arc<AppState>,
    who: &SignedIn,
    source: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let cross = match cross(state).await {
        Ok(c) => c,
        Err(e) => return error_page(who, e),
    };
    let decisions = match state.run_store(|s| Ok(s.decisions(false)?)).await {
        Ok(d) => d,
        Err(e) => return error_page(who, e),
    };
    let source = given(&source).map(str::to_string);
    let mut sources: Vec<String> = cross.pairs.iter().flat_map(|p| [p.a_source.clone(), p.b_source.clone()]).collect();
    sources.sort();
    sources.dedup();
    let count = |l: Link| cross.pairs.iter().filter(|p| p.link == l).count();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = QueuePage {
        page: Page::new(who, "review", "Review"),
        sources: sources.into_iter().map(|s| (s.clone(), Some(&s) == source.as_ref())).collect(),
        linked: count(Link::Auto),
        queued: count(Link::Review),
        apart: count(Link::Apart),
        rows: queue(&cross, source.as_deref()).take(SHOWN).map(Row::of).collect(),
        decisions: decisions
            .iter()
            .rev()
            .take(RECENT)
            .map(|d| DecisionRow {
                id: d.id,
                verdict: d.verdict.as_str(),
                a: d.a.clone(),
                b: d.b.clone(),
                reason: d.reason.clone(),
                actor: d.actor.clone(),
                at: d.decided_at.get(..16).unwrap_or(&d.decided_at).replace('T', " "),
            })
            .collect(),
        editor: who.0.as_ref().is_some_and(|k| k.role >= Role::Editor),
        source: source.unwrap_or_default(),
        error,
    };
    render(status, &page)
}

/// One value of one side of the comparison.
pub(crate) struct Cell {
    pub text: String,
    /// Whether the other side says it too.
    pub shared: bool,
}

/// A row of the comparison: one kind of fact, both sides' values.
pub(crate) struct Compared {
    pub label: &'static str,
    pub a: Vec<Cell>,
    pub b: Vec<Cell>,
    /// Whether the row is compared at all (list references are each list's own).
    pub compared: bool,
}

impl Compared {
    /// Each side's values, with the key they are compared by.
    fn of(label: &'static str, a: Vec<(String, String)>, b: Vec<(String, String)>) -> Compared {
        let cells = |mine: &[(String, String)], theirs: &[(String, String)]| {
            mine.iter()
                .map(|(text, key)| Cell { text: text.clone(), shared: theirs.iter().any(|(_, k)| k == key) })
                .collect()
        };
        Compared { label, a: cells(&a, &b), b: cells(&b, &a), compared: true }
    }
}

/// The facts of an entity the comparison shows, each with its key: names by their words,
/// dates as stated, countries by code, identifiers by kind and number.
fn facts(e: &Entity) -> Vec<(&'static str, Vec<(String, String)>)> {
    let names = e.names.iter().map(|n| (n.full.clone(), words(&n.full).join(" "))).collect();
    let born = e.birth_dates.iter().map(|d| (d.date.to_string(), d.date.to_string())).collect();
    let places = e.birth_places.iter().map(|p| (p.text.clone(), words(&p.text).join(" "))).collect();
    let countries = e
        .countries
        .iter()
        .map(|c| {
            let role = format!("{:?}", c.role).to_lowercase();
            (format!("{} ({role})", c.country.name()), c.country.to_string())
        })
        .collect();
    let ids = e
        .identifiers
        .iter()
        .map(|i| {
            let country = i.country.map(|c| format!(", {c}")).unwrap_or_default();
            (
                format!("{} ({:?}{country})", i.number, i.kind),
                format!("{:?} {}", i.kind, normalise_identifier(&i.number)),
            )
        })
        .collect();
    let addresses = e.addresses.iter().map(|a| (a.full.clone(), words(&a.full).join(" "))).collect();
    let kind = vec![(e.schema.to_string(), e.schema.to_string())];
    vec![
        ("Kind", kind),
        ("Names", names),
        ("Born", born),
        ("Place of birth", places),
        ("Countries", countries),
        ("Identifiers", ids),
        ("Addresses", addresses),
    ]
}

/// An entity of the pair, as the page heads its column.
pub(crate) struct Side {
    pub id: String,
    pub caption: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "review_pair.html")]
struct PairPage {
    page: Page,
    a: Side,
    b: Side,
    rows: Vec<Compared>,
    score: String,
    why: String,
    decision: Option<String>,
    position: String,
    skip: Option<String>,
    editor: bool,
    reason: String,
    error: Option<String>,
}

/// The query of a pair's page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PairParams {
    a: Option<String>,
    b: Option<String>,
}

/// `GET /review/pair?a=&b=`.
pub(crate) async fn pair(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    params: Result<Query<PairParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let (Some(a), Some(b)) = (given(&params.a), given(&params.b)) else {
        return error_page(&who, ApiError::bad_request("invalid_query", "a pair needs two entity ids: a and b"));
    };
    show_pair(&state, &who, a.to_string(), b.to_string(), None).await
}

/// Whether `p` is the pair of `a` and `b`, in either order.
fn is_pair(p: &Pair, a: &str, b: &str) -> bool {
    (p.a == a && p.b == b) || (p.a == b && p.b == a)
}

/// The pair after (`a`, `b`) in the review queue (the first, when the pair is not queued).
fn next_after<'a>(cross: &'a CrossReference, a: &str, b: &str) -> Option<&'a Pair> {
    let queue: Vec<&Pair> = queue(cross, None).collect();
    let rest = match queue.iter().position(|p| is_pair(p, a, b)) {
        Some(i) => &queue[i + 1..],
        None => &queue[..],
    };
    rest.iter().find(|p| !is_pair(p, a, b)).copied()
}

async fn show_pair(
    state: &Arc<AppState>,
    who: &SignedIn,
    a: String,
    b: String,
    error: Option<(StatusCode, String, String)>,
) -> Response {
    let cross = match cross(state).await {
        Ok(c) => c,
        Err(e) => return error_page(who, e),
    };
    let (ka, kb) = (a.clone(), b.clone());
    let views = state.run_store(move |s: &Store| Ok((s.entity(&ka)?, s.entity(&kb)?))).await;
    let (va, vb) = match views {
        Ok((Some(va), Some(vb))) => (va, vb),
        Ok((x, _)) => {
            let missing = if x.is_none() { &a } else { &b };
            return error_page(who, ApiError::not_found("not_found", format!("no entity {missing:?}")));
        }
        Err(e) => return error_page(who, e),
    };
    let found = cross.pairs.iter().find(|p| is_pair(p, &a, &b));
    let queued: Vec<&Pair> = queue(&cross, None).collect();
    let position = match queued.iter().position(|p| is_pair(p, &a, &b)) {
        Some(i) => format!("pair {} of {} for review", i + 1, queued.len()),
        None => format!("not in the review queue ({} pairs)", queued.len()),
    };
    let (fa, fb) = (facts(&va.entity), facts(&vb.entity));
    let mut rows: Vec<Compared> =
        fa.into_iter().zip(fb).map(|((label, x), (_, y))| Compared::of(label, x, y)).collect();
    rows.retain(|r| !(r.a.is_empty() && r.b.is_empty()));
    let lists = |e: &Entity| -> Vec<Cell> {
        e.designations
            .iter()
            .map(|d| Cell {
                text: format!("{}{}", d.list, d.reference.as_deref().map(|r| format!(" {r}")).unwrap_or_default()),
                shared: true,
            })
            .collect()
    };
    rows.push(Compared { label: "Lists", a: lists(&va.entity), b: lists(&vb.entity), compared: false });
    let why = match found {
        Some(p) => match (&p.evidence, &p.names) {
            (Some(ev), _) => ev.to_string(),
            (None, Some((q, Some(m)))) => format!("screening {q:?} finds {m:?}"),
            _ => "an analyst's decision".to_string(),
        },
        None => "not proposed by the cross-reference".to_string(),
    };
    let decision = found.and_then(|p| p.decision.as_ref()).map(|d| {
        format!("{} by {} on {}: {}", d.verdict.as_str(), d.actor, d.decided_at.get(..10).unwrap_or(""), d.reason)
    });
    let (status, error, reason) = match error {
        Some((status, message, reason)) => (status, Some(message), reason),
        None => (StatusCode::OK, None, String::new()),
    };
    let page = PairPage {
        page: Page::new(who, "review", format!("{} ~ {}", va.entity.caption(), vb.entity.caption())),
        a: Side { id: a.clone(), caption: va.entity.caption().to_string(), source: va.version.source_id.clone() },
        b: Side { id: b.clone(), caption: vb.entity.caption().to_string(), source: vb.version.source_id.clone() },
        rows,
        score: found.map_or_else(|| "-".to_string(), |p| format!("{:.3}", p.score)),
        why,
        decision,
        position,
        skip: next_after(&cross, &a, &b).map(|p| pair_href(&p.a, &p.b)),
        editor: who.0.as_ref().is_some_and(|k| k.role >= Role::Editor),
        reason,
        error,
    };
    render(status, &page)
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub(crate) struct DecideFields {
    a: String,
    b: String,
    verdict: String,
    reason: Option<String>,
}

/// `POST /review/pair`: decides the pair as the signed-in editor and opens the next pair.
pub(crate) async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    form: Result<Form<DecideFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return error_page(&who, ApiError::bad_request("invalid_form", "the form is incomplete"));
    };
    let reason = f.reason.clone().unwrap_or_default();
    let Some(key) = who.0.clone().filter(|k| k.role >= Role::Editor) else {
        let e = "deciding a pair needs an editor key: sign in with one".to_string();
        return show_pair(&state, &who, f.a, f.b, Some((StatusCode::FORBIDDEN, e, reason))).await;
    };
    // The next pair is the one after this in the queue as it was.
    let next = match cross(&state).await {
        Ok(c) => next_after(&c, &f.a, &f.b).map(|p| pair_href(&p.a, &p.b)),
        Err(e) => return error_page(&who, e),
    };
    let d = NewDecision { a: f.a.clone(), b: f.b.clone(), verdict: f.verdict, reason: reason.clone() };
    match crate::resolve::decide(&state, Some(&Caller(key)), d).await {
        Ok(_) => Redirect::to(&next.unwrap_or_else(|| "/review".to_string())).into_response(),
        Err(e) => show_pair(&state, &who, f.a, f.b, Some((e.status, e.message, reason))).await,
    }
}

/// The undo form.
#[derive(Debug, Deserialize)]
pub(crate) struct UndoFields {
    id: String,
}

/// `POST /review/undo`: undoes a decision as the signed-in editor.
pub(crate) async fn undo(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    form: Result<Form<UndoFields>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return error_page(&who, ApiError::bad_request("invalid_form", "the form is incomplete"));
    };
    let Some(key) = who.0.clone().filter(|k| k.role >= Role::Editor) else {
        let e = "undoing a decision needs an editor key: sign in with one".to_string();
        return show_queue(&state, &who, None, Some((StatusCode::FORBIDDEN, e))).await;
    };
    let id = match crate::error::number(&f.id, "decision") {
        Ok(id) => id,
        Err(e) => return error_page(&who, e),
    };
    match crate::resolve::undo(&state, Some(&Caller(key)), id).await {
        Ok(_) => Redirect::to("/review").into_response(),
        Err(e) => show_queue(&state, &who, None, Some((e.status, e.message))).await,
    }
}
