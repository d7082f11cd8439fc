//! One real-world entity across lists: the cross-reference's pairs and the analysts'
//! decisions on them.
//!
//! | route | what |
//! |---|---|
//! | `GET /resolve/pairs?link=review` | pairs of entities of different lists: linked, for review, or kept apart |
//! | `GET /resolve/decisions` | the decisions in force (`all=true`: with those undone or replaced) |
//! | `POST /resolve/decisions` | decide a pair: same, different or unsure, with the reason (editor) |
//! | `DELETE /resolve/decisions/{id}` | undo a decision (editor) |
//!
//! The cross-reference screens every entity against the others once per data version and is
//! kept ([`cross_reference`]); decisions apply to it at once. A decision made here is
//! audited under the caller's key, and the clusters screening answers with are rebuilt before
//! the answer returns: the next `/match` sees it.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use axum_extra::extract::{Query, QueryRejection};
use proscribe_app::resolve::{find, pairs, CrossReference, Link, Options};
use proscribe_app::Loaded;
use proscribe_model::resolution::{Decision, Verdict};
use proscribe_store::Store;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::registry::params;
use crate::AppState;

/// Most pairs in one answer.
pub const MAX_PAIRS: usize = 500;

/// The cross-reference of `loaded` with the decisions in force: screening every entity
/// against the others is done once per data version and kept in `state`.
pub(crate) fn cross_reference(state: &AppState, store: &Store, loaded: &Loaded) -> Result<CrossReference, ApiError> {
    let mut kept = state.found.lock().unwrap_or_else(|p| p.into_inner());
    let found = match kept.as_ref().filter(|f| f.data_version == loaded.data_version) {
        Some(found) => found.clone(),
        None => {
            let found = Arc::new(find(store, loaded, Options::default())?);
            tracing::info!(secs = found.secs, data_version = found.data_version, "cross-reference found");
            *kept = Some(found.clone());
            found
        }
    };
    drop(kept);
    Ok(pairs(store, loaded, &found)?)
}

/// Reads a link kind: `auto`, `review` or `apart`.
pub(crate) fn link_kind(text: &str) -> Result<Link, ApiError> {
    match text {
        "auto" => Ok(Link::Auto),
        "review" => Ok(Link::Review),
        "apart" => Ok(Link::Apart),
        other => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("link: unknown kind {other:?} (auto, review or apart)"),
        )),
    }
}

/// Query of `/resolve/pairs`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PairsParams {
    /// `review` (default): for a person to decide; `auto`: linked by a list, by evidence or
    /// by a decision; `apart`: kept apart by a decision.
    link: Option<String>,
    /// Only pairs with an entity of this source.
    source: Option<String>,
    /// Most pairs (default 50, at most 500).
    limit: Option<usize>,
    /// Pairs skipped (default 0).
    offset: Option<usize>,
}

/// `GET /resolve/pairs`: the cross-reference's pairs of one kind, best first.
#[utoipa::path(get, path = "/resolve/pairs", tag = "resolve", params(PairsParams),
    responses((status = 200, description = "total: pairs of the kind; pairs: the page asked for, each with both entities, the score, the evidence and the decision in force", body = Object),
        (status = 400, description = "Bad input", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn list_pairs(
    State(state): State<Arc<AppState>>,
    p: Result<Query<PairsParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = params(p)?;
    let link = link_kind(p.link.as_deref().unwrap_or("review"))?;
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAIRS {
        return Err(ApiError::bad_request("invalid_parameter", format!("limit: 1 to {MAX_PAIRS}")));
    }
    let offset = p.offset.unwrap_or(0);
    let loaded = state.loaded()?;
    let s = state.clone();
    let cross = state.run_store(move |store| cross_reference(&s, store, &loaded)).await?;
    let kind: Vec<_> = cross
        .pairs
        .into_iter()
        .filter(|x| x.link == link)
        .filter(|x| p.source.as_ref().is_none_or(|s| &x.a_source == s || &x.b_source == s))
        .collect();
    let page: Vec<_> = kind.iter().skip(offset).take(limit).collect();
    Ok(Json(json!({ "total": kind.len(), "offset": offset, "pairs": page })))
}

/// Query of `GET /resolve/decisions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionsParams {
    /// With the decisions undone or replaced (default false).
    all: Option<bool>,
}

/// `GET /resolve/decisions`.
#[utoipa::path(get, path = "/resolve/decisions", tag = "resolve", params(DecisionsParams),
    responses((status = 200, description = "The decisions, oldest first", body = Object),
        (status = 400, description = "Bad input", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn list_decisions(
    State(state): State<Arc<AppState>>,
    p: Result<Query<DecisionsParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let all = params(p)?.all.unwrap_or(false);
    let decisions = state.run_store(move |s| Ok(s.decisions(all)?)).await?;
    Ok(Json(json!({ "decisions": decisions })))
}

/// Body of `POST /resolve/decisions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewDecision {
    /// One entity's id.
    pub(crate) a: String,
    /// The other's.
    pub(crate) b: String,
    /// same, different or unsure.
    pub(crate) verdict: String,
    /// Why (1 to 2,000 characters).
    pub(crate) reason: String,
}

/// Decides a pair as `caller` and rebuilds the clusters screening answers with.
pub(crate) async fn decide(
    state: &Arc<AppState>,
    caller: Option<&Caller>,
    d: NewDecision,
) -> Result<Decision, ApiError> {
    let verdict: Verdict =
        d.verdict.parse().map_err(|m: String| ApiError::bad_request("invalid_verdict", format!("verdict: {m}")))?;
    let actor = Caller::actor(caller);
    let decision = state.run_store(move |s| Ok(s.decide(&actor, &d.a, &d.b, verdict, &d.reason)?)).await?;
    reload(state).await?;
    Ok(decision)
}

/// Undoes decision `id` as `caller` and rebuilds the clusters.
pub(crate) async fn undo(state: &Arc<AppState>, caller: Option<&Caller>, id: i64) -> Result<Decision, ApiError> {
    let actor = Caller::actor(caller);
    let decision = state.run_store(move |s| Ok(s.undo_decision(&actor, id)?)).await?;
    reload(state).await?;
    Ok(decision)
}

async fn reload(state: &Arc<AppState>) -> Result<(), ApiError> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || s.reload())
        .await
        .map_err(|e| ApiError::internal(&anyhow::anyhow!("reload task failed: {e}")))??;
    Ok(())
}

/// `POST /resolve/decisions`.
#[utoipa::path(post, path = "/resolve/decisions", tag = "resolve", request_body = NewDecision,
    responses((status = 201, description = "The decision, in force; the one it replaces is undone", body = Object),
        (status = 400, description = "Bad input: an unknown verdict, no reason, one entity twice", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "Not an editor key", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown entity", body = crate::error::ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = crate::error::ErrorBody)))]
pub async fn create_decision(
    State(state): State<Arc<AppState>>,
    caller: Option<Extension<Caller>>,
    body: Result<Json<NewDecision>, JsonRejection>,
) -> Result<(StatusCode, Json<Decision>), ApiError> {
    let Json(d) = body.map_err(crate::yente::body_error)?;
    Ok((StatusCode::CREATED, Json(decide(&state, caller.as_deref(), d).await?)))
}

/// `DELETE /resolve/decisions/{id}`.
#[utoipa::path(delete, path = "/resolve/decisions/{id}", tag = "resolve", params(("id" = i64, Path, description = "The decision's number")),
    responses((status = 200, description = "The decision, undone", body = Object),
        (status = 400, description = "Bad input, or a decision already undone", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "Not an editor key", body = crate::error::ErrorBody),
        (status = 404, description = "No decision with that number", body = crate::error::ErrorBody)))]
pub async fn delete_decision(
    State(state): State<Arc<AppState>>,
    caller: Option<Extension<Caller>>,
    Path(id): Path<String>,
) -> Result<Json<Decision>, ApiError> {
    let id = crate::error::number(&id, "decision")?;
    Ok(Json(undo(&state, caller.as_deref(), id).await?))
}
