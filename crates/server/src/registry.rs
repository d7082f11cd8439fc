//! The registry's own API, beyond yente's: sources and their versions, what changed between
//! two versions, an entity's timeline and status on a day, and the change feed.
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /sources` | every source with its newest version |
//! | `GET /sources/{id}/versions` | the stored versions of a source, oldest first |
//! | `GET /versions/{id}/diff?from=ID` | what changed from version `from` (none: everything added) |
//! | `GET /entities/{id}/timeline` | the entity's events across versions and lists |
//! | `GET /entities/{id}/status?as_of=DATE` | the status of each designation on a day |
//! | `GET /changes?since=CURSOR&limit=N` | the change feed after a cursor, oldest first |

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use axum_extra::extract::{Query, QueryRejection};
use proscribe_app::registry::Against;
use proscribe_model::PartialDate;
use proscribe_store::Store;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::AppState;

/// Most changes in one page of the feed.
pub const MAX_PAGE: usize = 1000;

pub(crate) fn params<T>(p: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    p.map(|Query(p)| p).map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))
}

fn check_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 200 {
        return Err(ApiError::bad_request("invalid_parameter", "ids are 1 to 200 characters"));
    }
    Ok(())
}

/// Refuses an id that is no stored entity's.
fn known_entity(s: &Store, id: &str) -> Result<(), ApiError> {
    match s.entity(id)? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found("not_found", "no entity with this id")),
    }
}

/// `GET /sources`.
#[utoipa::path(get, path = "/sources", tag = "registry", responses((status = 200, description = "Sources", body = Object), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn sources(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let sources = state.run_store(|s: &Store| Ok(s.sources()?)).await?;
    Ok(Json(json!({ "sources": sources })))
}

/// `GET /sources/{id}/versions`.
#[utoipa::path(get, path = "/sources/{id}/versions", tag = "registry", params(("id" = String, Path, description = "Source id")),
    responses((status = 200, description = "Versions, oldest first", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown source", body = crate::error::ErrorBody)))]
pub async fn versions(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    let versions = state
        .run_store(move |s: &Store| {
            let v = s.versions(&id)?;
            if v.is_empty() {
                return Err(ApiError::not_found("not_found", format!("no source {id:?}; see GET /sources")));
            }
            Ok(v)
        })
        .await?;
    Ok(Json(json!({ "versions": versions })))
}

/// Query of `/versions/{id}/diff`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The version to compare with: a version id of the same source, or `none` (everything is
    /// added). Default: the version of the same source before it.
    from: Option<String>,
}

/// `GET /versions/{id}/diff?from=ID`.
#[utoipa::path(get, path = "/versions/{id}/diff", tag = "registry", params(("id" = String, Path, description = "Version id"), DiffParams),
    responses((status = 200, description = "Changes", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown version", body = crate::error::ErrorBody)))]
pub async fn diff(
    State(state): State<Arc<AppState>>,
    Path(to): Path<String>,
    p: Result<Query<DiffParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let against = match params(p)?.from.as_deref() {
        None => Against::Previous,
        Some("none") => Against::Nothing,
        Some(f) => Against::Version(crate::error::number(f, "from")?),
    };
    let to = crate::error::number(&to, "version")?;
    let diff = state.run_store(move |s: &Store| Ok(proscribe_app::registry::diff(s, to, against)?)).await?;
    let mut v = serde_json::to_value(&diff.changes).map_err(|e| ApiError::internal(&e.into()))?;
    if let Value::Object(o) = &mut v {
        o.insert("from_version".into(), json!(diff.from.as_ref().map(|f| f.id)));
    }
    Ok(Json(v))
}

/// `GET /entities/{id}/timeline`.
#[utoipa::path(get, path = "/entities/{id}/timeline", tag = "registry", params(("id" = String, Path, description = "Entity id")),
    responses((status = 200, description = "Events of the entity and of its other entries (its cluster)", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown entity", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn timeline(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    let loaded = state.loaded()?;
    let events = state
        .run_store(move |s: &Store| {
            known_entity(s, &id)?;
            Ok(proscribe_app::clusters::history(s, &loaded, &id)?)
        })
        .await?;
    Ok(Json(json!({ "events": events })))
}

/// Query of `/entities/{id}/status`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParams {
    /// The day (YYYY-MM-DD; default today).
    as_of: Option<String>,
}

/// Reads a day (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), naming the parameter when it is not one.
pub fn parse_day(text: &str, what: &str) -> Result<PartialDate, ApiError> {
    text.trim()
        .parse::<PartialDate>()
        .map_err(|e| ApiError::bad_request("invalid_date", format!("{what}: {text:?} is not a date ({e})")))
}

/// `GET /entities/{id}/status?as_of=DATE`.
#[utoipa::path(get, path = "/entities/{id}/status", tag = "registry", params(("id" = String, Path, description = "Entity id"), StatusParams),
    responses((status = 200, description = "Designations of the entity and of its other entries with their status, and listed_by: one row per list and reference", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown entity", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    p: Result<Query<StatusParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    check_id(&id)?;
    let day = match params(p)?.as_of {
        Some(d) => parse_day(&d, "as_of")?,
        None => crate::today(),
    };
    let loaded = state.loaded()?;
    let report = state
        .run_store(move |s: &Store| {
            known_entity(s, &id)?;
            Ok(proscribe_app::clusters::status(s, &loaded, &id, &day)?)
        })
        .await?;
    Ok(Json(serde_json::to_value(report).map_err(|e| ApiError::internal(&e.into()))?))
}

/// Query of `/changes`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// The cursor after which to read (`next` of the previous page; none: from the start).
    since: Option<String>,
    /// Most changes in the page (1 to 1000; default 100).
    limit: Option<usize>,
}

/// `GET /changes?since=CURSOR&limit=N`: changes after the cursor, oldest first, and the cursor
/// to ask from next (the same when there is nothing new). Cursors are stable: a change keeps
/// its cursor forever.
#[utoipa::path(get, path = "/changes", tag = "registry", params(ChangesParams),
    responses((status = 200, description = "A page of changes", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn changes(
    State(state): State<Arc<AppState>>,
    p: Result<Query<ChangesParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = params(p)?;
    let since = match p.since.as_deref() {
        None | Some("") => 0,
        Some(c) => c.parse::<i64>().ok().filter(|c| *c >= 0).ok_or_else(|| {
            ApiError::bad_request("invalid_cursor", format!("cursor {c:?} is not one this feed gave (a number from 0)"))
        })?,
    };
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_request("invalid_parameter", format!("limit must be between 1 and {MAX_PAGE}")));
    }
    let changes = state.run_store(move |s: &Store| Ok(s.changes_since(since, limit)?)).await?;
    let next = changes.last().and_then(|c| c.cursor).unwrap_or(since);
    Ok(Json(json!({ "changes": changes, "next": next.to_string(), "more": changes.len() == limit })))
}
