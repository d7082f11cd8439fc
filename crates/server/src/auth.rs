//! API keys and roles. A request presents its key as `Authorization: Bearer KEY` (or
//! `ApiKey KEY`, or an `X-API-Key` header); the key's hash is looked up among the keys in
//! force, which the service keeps in memory and refreshes from the store at every reload
//! tick and after every change it makes itself.
//!
//! Reads and screening need a `reader` key unless the service runs with open reads; writes
//! need `editor`; keys and settings need `admin`. `/healthz`, `/readyz` and `/metrics` are open.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use proscribe_store::{key_hash, ApiKey, Role, Store};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::AppState;

/// Keys in force by the hash of their secret.
pub(crate) type Keys = HashMap<[u8; 32], ApiKey>;

/// The key a request presents, if any.
fn presented(request: &Request) -> Option<&str> {
    if let Some(v) = request.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(v.trim());
    }
    let auth = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = auth.trim().split_once(' ')?;
    matches!(scheme.to_ascii_lowercase().as_str(), "bearer" | "apikey").then_some(key.trim())
}

fn unauthorized(message: &str) -> Response {
    let mut r =
        ApiError { status: StatusCode::UNAUTHORIZED, code: "unauthorized", message: message.into() }.into_response();
    r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    r
}

/// The key a request was let through with, for handlers that record who acted.
#[derive(Debug, Clone)]
pub struct Caller(pub ApiKey);

impl Caller {
    /// The actor the audit trail names: the key's number and name.
    pub fn actor(caller: Option<&Caller>) -> String {
        caller.map_or_else(|| "anonymous".to_string(), |c| format!("key:{}:{}", c.0.id, c.0.name))
    }
}

async fn require(state: &AppState, mut request: Request, next: Next, role: Role) -> Response {
    if role == Role::Reader && state.config.open_reads {
        return next.run(request).await;
    }
    match check(state, &request, role) {
        Ok(key) => {
            request.extensions_mut().insert(Caller(key));
            next.run(request).await
        }
        Err(r) => *r,
    }
}

/// The key of `request` when it has `role` or more, else the answer refusing it.
fn check(state: &AppState, request: &Request, role: Role) -> Result<ApiKey, Box<Response>> {
    let Some(secret) = presented(request) else {
        return Err(Box::new(unauthorized("this endpoint needs an API key (Authorization: Bearer KEY)")));
    };
    let key = state.keys.load().get(&key_hash(secret)).cloned();
    match key {
        None => Err(Box::new(unauthorized("this API key is not known or was revoked"))),
        Some(k) if k.role < role => Err(Box::new(
            ApiError {
                status: StatusCode::FORBIDDEN,
                code: "forbidden",
                message: format!(
                    "this endpoint needs a key with the {} role; this key is {}",
                    role.as_str(),
                    k.role.as_str()
                ),
            }
            .into_response(),
        )),
        Some(k) => {
            tracing::debug!(key = k.id, role = k.role.as_str(), "authorised");
            Ok(k)
        }
    }
}

/// Lets through requests with a `reader` key (or any, with open reads).
pub(crate) async fn reader(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    require(&state, request, next, Role::Reader).await
}

/// Lets through requests with an `editor` key.
pub(crate) async fn editor(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    require(&state, request, next, Role::Editor).await
}

/// Lets through requests with an `admin` key.
pub(crate) async fn admin(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    require(&state, request, next, Role::Admin).await
}

/// Reads the keys in force from the store.
pub(crate) fn load_keys(store: &Store) -> anyhow::Result<Keys> {
    Ok(store.active_keys()?.into_iter().collect())
}

/// Body of `POST /admin/keys`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewKey {
    /// Who or what the key is for.
    name: String,
    /// reader, editor or admin.
    role: String,
}

/// `GET /admin/keys`: every key, without secrets.
#[utoipa::path(get, path = "/admin/keys", tag = "admin", responses((status = 200, description = "Keys", body = Object), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
    (status = 403, description = "Not an admin key", body = crate::error::ErrorBody)))]
pub async fn list_keys(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let keys = state.run_store(|s: &Store| Ok(s.keys()?)).await?;
    Ok(Json(json!({ "keys": keys })))
}

/// `POST /admin/keys`: makes a key; its secret is in this answer and nowhere else.
#[utoipa::path(post, path = "/admin/keys", tag = "admin", request_body = NewKey,
    responses((status = 201, description = "The key and its secret", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin key", body = crate::error::ErrorBody)))]
pub async fn add_key(
    State(state): State<Arc<AppState>>,
    caller: Option<axum::Extension<Caller>>,
    body: Result<Json<NewKey>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(new) = body.map_err(crate::yente::body_error)?;
    let role = Role::parse(&new.role).ok_or_else(|| {
        ApiError::bad_request("invalid_role", format!("unknown role {:?} (reader, editor or admin)", new.role))
    })?;
    let secret = proscribe_app::secrets::new_secret()?;
    let s2 = secret.clone();
    let actor = Caller::actor(caller.as_deref());
    let key = state.run_store(move |s: &Store| Ok(s.add_key(&actor, &new.name, role, &s2)?)).await?;
    state.refresh_keys().await?;
    tracing::info!(key = key.id, role = role.as_str(), "key made");
    Ok((StatusCode::CREATED, Json(json!({ "key": key, "secret": secret }))))
}

/// `DELETE /admin/keys/{id}`: revokes a key at once.
#[utoipa::path(delete, path = "/admin/keys/{id}", tag = "admin", params(("id" = String, Path, description = "Key number")),
    responses((status = 200, description = "Revoked", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin key", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown key", body = crate::error::ErrorBody)))]
pub async fn revoke_key(
    State(state): State<Arc<AppState>>,
    caller: Option<axum::Extension<Caller>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = crate::error::number(&id, "key")?;
    let actor = Caller::actor(caller.as_deref());
    let revoked = state.run_store(move |s: &Store| Ok(s.revoke_key(&actor, id)?)).await?;
    state.refresh_keys().await?;
    tracing::info!(key = id, "key revoked");
    Ok(Json(json!({ "id": id, "revoked": revoked })))
}
