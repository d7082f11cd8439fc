//! Errors as the API returns them: a status, a stable machine-readable `code` and a message
//! for people. Nothing internal (no SQL, no backtrace) reaches the body; server-side failures
//! are logged with the request id and answered with a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use proscribe_model::workflow::{Refusal, RefusalKind};
use serde::Serialize;

/// An error answered to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code (`bad_request`, `unknown_schema`, `not_found`, ...).
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable code (`bad_request`, `unknown_schema`, `not_found`, ...).
    code: String,
    /// What went wrong, for a person.
    message: String,
}

impl ApiError {
    /// A 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, code, message: message.into() }
    }

    /// A 404 with `code`.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, code, message: message.into() }
    }

    /// A 503: the index is not loaded yet.
    pub fn not_ready() -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "not_ready",
            message: "the screening index is still being built; retry shortly".into(),
        }
    }

    /// A 503 while the database cannot be reached; the cause is logged, and the request may
    /// be tried again.
    pub fn database_unavailable(cause: &anyhow::Error) -> ApiError {
        tracing::warn!(error = %format!("{cause:#}"), "the database is unavailable");
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "database_unavailable",
            message: "the database cannot be reached; screening goes on from the loaded index, retry writes shortly"
                .into(),
        }
    }

    /// A 500 for a failure on the server's side; the cause is logged, not answered.
    pub fn internal(cause: &anyhow::Error) -> ApiError {
        tracing::error!(error = %format!("{cause:#}"), "request failed");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the server could not answer this request; it has been logged".into(),
        }
    }
}

/// Reads a number in a path (`what`: what it numbers, for the message).
pub(crate) fn number(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::bad_request("invalid_parameter", format!("{what} {text:?} is not a number")))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { code: self.code.to_string(), message: self.message })).into_response()
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> ApiError {
        ApiError::internal(&e)
    }
}

/// The workflow's refusals, by kind: a conflict with the state of the proposal or the list
/// (409), a body that does not play the part the action needs (403), content that is not valid
/// (422). The code is `refused` for each, the message the refusal's reason.
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        let status = match r.kind() {
            RefusalKind::State => StatusCode::CONFLICT,
            RefusalKind::Role => StatusCode::FORBIDDEN,
            RefusalKind::Content => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError { status, code: "refused", message: r.to_string() }
    }
}

impl From<proscribe_store::Error> for ApiError {
    fn from(e: proscribe_store::Error) -> ApiError {
        match e {
            proscribe_store::Error::NotFound(m) => ApiError::not_found("not_found", m),
            proscribe_store::Error::Invalid(m) => ApiError::bad_request("invalid_request", m),
            proscribe_store::Error::Refused(r) => r.into(),
            e if proscribe_store::Store::is_unavailable(&e) => ApiError::database_unavailable(&anyhow::Error::new(e)),
            e => ApiError::internal(&anyhow::Error::new(e)),
        }
    }
}

impl From<proscribe_app::Error> for ApiError {
    fn from(e: proscribe_app::Error) -> ApiError {
        match e {
            proscribe_app::Error::Store(e) => e.into(),
            proscribe_app::Error::Input(m) => ApiError::bad_request("invalid_request", m),
            e @ proscribe_app::Error::MassRemoval { .. } => ApiError::bad_request("mass_change", e.to_string()),
            e => ApiError::internal(&anyhow::Error::new(e)),
        }
    }
}
