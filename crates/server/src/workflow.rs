//! The designation workflow over HTTP: proposals read by readers, and made and acted on by
//! editor keys for the bodies the key may act for (`proscribe keys add --body`): a key acts
//! only for its own bodies. A refused action is answered with the reason and changes nothing:
//! 409 when the proposal's or the list's state does not allow it, 403 when the body does not
//! play the part it needs, 422 when its content is not valid (`error::ApiError` maps them).
//!
//! | endpoint | |
//! |---|---|
//! | `GET /proposals?list=`, `GET /proposals/{id}` | proposals and where each stands |
//! | `POST /proposals` | a new proposal (submitted unless `draft`) |
//! | `POST /proposals/{id}/actions` | `{"action": "submit" \| "open" \| "opine" \| "attach" \| "decide" \| "publish" \| "withdraw", ...}` |

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use axum_extra::extract::{Query, QueryRejection};
use proscribe_model::workflow::{Action, Proposal, ProposalKind};
use proscribe_model::{Entity, Name, NameKind, PartialDate, Schema};
use proscribe_store::Store;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// Query of `GET /proposals`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalsParams {
    /// Only this list's.
    list: Option<String>,
}

/// Body of `POST /proposals`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewProposal {
    /// The list.
    pub(crate) list: String,
    /// list, delist, amend, suspend or lift_suspension.
    pub(crate) kind: String,
    /// The entity (for a listing of a new one, the id it will have).
    pub(crate) entity: String,
    /// The proposing bodies (several: a joint proposal); the key must act for each.
    pub(crate) by: Vec<String>,
    /// The reasoned statement.
    pub(crate) statement: String,
    /// For a listing of a new entity (or an amendment): its name.
    pub(crate) name: Option<String>,
    /// For a listing of a new entity: its kind (default Organization).
    pub(crate) schema: Option<String>,
    /// Keep it as a draft.
    #[serde(default)]
    pub(crate) draft: bool,
    /// The day it is submitted (default today).
    pub(crate) on: Option<String>,
}

/// Refuses a key that may not act for `body`.
fn acts_for(caller: Option<&Caller>, body: &str) -> Result<(), ApiError> {
    match caller {
        Some(c) if c.0.bodies.iter().any(|b| b == body) => Ok(()),
        Some(c) => Err(ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: format!("key {} may not act for {body} (it acts for: {})", c.0.id, c.0.bodies.join(", ")),
        }),
        None => {
            Err(ApiError { status: StatusCode::FORBIDDEN, code: "forbidden", message: "a key is needed to act".into() })
        }
    }
}

fn view(p: &proscribe_store::StoredProposal) -> Value {
    json!({ "id": p.id, "proposal": p.proposal, "new_entity": p.new_entity, "published_version": p.published_version })
}

/// `GET /proposals`.
#[utoipa::path(get, path = "/proposals", tag = "workflow", params(ProposalsParams),
    responses((status = 200, description = "Proposals, newest first", body = Object),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    p: Result<Query<ProposalsParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = p.map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))?;
    let all = state.run_store(move |s: &Store| Ok(s.proposals(p.list.as_deref())?)).await?;
    Ok(Json(json!({ "proposals": all.iter().map(view).collect::<Vec<_>>() })))
}

/// `GET /proposals/{id}`.
#[utoipa::path(get, path = "/proposals/{id}", tag = "workflow", params(("id" = String, Path, description = "Proposal number")),
    responses((status = 200, description = "The proposal", body = Object),
        (status = 400, description = "Bad input", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown proposal", body = crate::error::ErrorBody)))]
pub async fn one(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id = crate::error::number(&id, "proposal")?;
    let p = state.run_store(move |s: &Store| Ok(s.proposal(id)?)).await?;
    Ok(Json(view(&p)))
}

fn parse_day(on: Option<&str>) -> Result<PartialDate, ApiError> {
    match on {
        Some(d) => crate::registry::parse_day(d, "on"),
        None => Ok(crate::today()),
    }
}

/// `POST /proposals`.
#[utoipa::path(post, path = "/proposals", tag = "workflow", request_body = NewProposal,
    responses((status = 201, description = "The proposal", body = Object),
        (status = 400, description = "Bad input", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "The key may not act for a proposing body, or a body is no proposer of the list", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown list or entity", body = crate::error::ErrorBody),
        (status = 409, description = "Refused: the proposal's or the list's state does not allow it", body = crate::error::ErrorBody),
        (status = 422, description = "JSON of the wrong shape, or content the workflow refuses", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Option<Extension<Caller>>,
    body: Result<Json<NewProposal>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(n) = body.map_err(crate::yente::body_error)?;
    let p = propose(&state, caller.as_deref(), n).await?;
    Ok((StatusCode::CREATED, Json(view(&p))))
}

/// Makes proposal `n` for `caller` (which must act for each proposing body), submitted unless
/// it is a draft.
pub(crate) async fn propose(
    state: &Arc<AppState>,
    caller: Option<&Caller>,
    n: NewProposal,
) -> Result<proscribe_store::StoredProposal, ApiError> {
    let kind = match n.kind.as_str() {
        "list" => ProposalKind::List,
        "delist" => ProposalKind::Delist,
        "amend" => ProposalKind::Amend,
        "suspend" => ProposalKind::Suspend,
        "lift_suspension" => ProposalKind::LiftSuspension,
        other => {
            return Err(ApiError::bad_request(
                "invalid_kind",
                format!("unknown kind {other:?} (list, delist, amend, suspend, lift_suspension)"),
            ))
        }
    };
    if n.by.is_empty() {
        return Err(ApiError::bad_request("invalid_request", "by: at least one proposing body"));
    }
    for b in &n.by {
        acts_for(caller, b)?;
    }
    let on = parse_day(n.on.as_deref())?;
    let new_entity = match &n.name {
        Some(name) => {
            let schema = match n.schema.as_deref() {
                Some(s) => Schema::parse(s)
                    .ok_or_else(|| ApiError::bad_request("unknown_schema", format!("unknown schema {s:?}")))?,
                None => Schema::Organization,
            };
            let mut e = Entity::new(&n.entity, schema);
            e.add_name(Name::new(name, NameKind::Primary));
            Some(e)
        }
        None => None,
    };
    let actor = Caller::actor(caller);
    state
        .run_store_mut(move |s: &mut Store| {
            let roles = s.roles(&n.list)?;
            let by: Vec<&str> = n.by.iter().map(String::as_str).collect();
            let proposal = Proposal::draft(kind, &n.list, &n.entity, &by, &n.statement, &roles)?;
            let id = s.create_proposal(&actor, proposal, new_entity)?;
            if n.draft {
                Ok(s.proposal(id)?)
            } else {
                Ok(s.act(&actor, id, Action::Submit { by: n.by[0].clone(), on })?)
            }
        })
        .await
}

/// `POST /proposals/{id}/actions`.
#[utoipa::path(post, path = "/proposals/{id}/actions", tag = "workflow", params(("id" = String, Path, description = "Proposal number")),
    request_body(content = Object, description = "An action: {\"action\": \"submit\"|\"open\"|\"publish\"|\"withdraw\", \"by\", \"on\"}, {\"action\": \"opine\", \"body\", \"kind\": \"concur\"|\"object\"|\"abstain\", \"text\", \"on\"}, {\"action\": \"attach\", \"body\", \"title\", \"reference\", \"on\"} or {\"action\": \"decide\", \"body\", \"adopted\", \"legal_act\", \"decided_on\", \"effective_on\"}"),
    responses((status = 200, description = "The proposal after the action", body = Object),
        (status = 400, description = "Bad input", body = crate::error::ErrorBody),
        (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "The key may not act for the body, or the body does not play the part the action needs", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown proposal", body = crate::error::ErrorBody),
        (status = 409, description = "Refused: the proposal's or the list's state does not allow it", body = crate::error::ErrorBody),
        (status = 422, description = "JSON of the wrong shape, or content the workflow refuses", body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<Arc<AppState>>,
    caller: Option<Extension<Caller>>,
    Path(id): Path<String>,
    body: Result<Json<Action>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = crate::error::number(&id, "proposal")?;
    let Json(action) = body.map_err(crate::yente::body_error)?;
    let p = apply(&state, caller.as_deref(), id, action).await?;
    Ok(Json(view(&p)))
}

/// Applies `action` to proposal `id` for `caller`, which must act for the acting body.
pub(crate) async fn apply(
    state: &Arc<AppState>,
    caller: Option<&Caller>,
    id: i64,
    action: Action,
) -> Result<proscribe_store::StoredProposal, ApiError> {
    acts_for(caller, action.body())?;
    let actor = Caller::actor(caller);
    state.run_store_mut(move |s: &mut Store| Ok(s.act(&actor, id, action)?)).await
}
