//! Operations: liveness and readiness, Prometheus metrics, request tracking, fallbacks and
//! graceful shutdown.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use serde_json::json;

use crate::error::ApiError;
use crate::{AppState, Loaded};

/// The service's metrics, exposed at `/metrics`.
pub(crate) struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    entities: IntGauge,
    names: IntGauge,
    builds: IntCounter,
    build_millis: IntGauge,
}

impl Metrics {
    pub(crate) fn new() -> anyhow::Result<Metrics> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("proscribe_http_requests_total", "HTTP requests answered, by route, method and status"),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("proscribe_http_request_duration_seconds", "Time to answer a request, by route")
                .buckets(vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route"],
        )?;
        let entities = IntGauge::new("proscribe_index_entities", "Entities in the screening index")?;
        let names = IntGauge::new("proscribe_index_names", "Names in the screening index")?;
        let builds = IntCounter::new("proscribe_index_builds_total", "Screening indexes built and swapped in")?;
        let build_millis =
            IntGauge::new("proscribe_index_build_milliseconds", "Time the last index took to read and build")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(entities.clone()))?;
        registry.register(Box::new(names.clone()))?;
        registry.register(Box::new(builds.clone()))?;
        registry.register(Box::new(build_millis.clone()))?;
        Ok(Metrics { registry, requests, latency, entities, names, builds, build_millis })
    }

    pub(crate) fn index_loaded(&self, loaded: &Loaded) {
        let stats = loaded.index.stats();
        self.entities.set(stats.entities as i64);
        self.names.set(stats.names as i64);
        self.builds.inc();
        self.build_millis.set(((loaded.read_secs + loaded.build_secs) * 1000.0) as i64);
    }
}

/// `GET /healthz`: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive", body = Object)))]
pub(crate) async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the index is loaded and the database answers (503 until then, or while
/// the database cannot be reached, with the reason).
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, description = "Ready", body = Object),
    (status = 503, description = "The index is still being built, or the database cannot be reached", body = crate::error::ErrorBody)))]
pub(crate) async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let loaded = match state.loaded() {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = state.run_store(|store| Ok(store.ping()?)).await {
        return e.into_response();
    }
    Json(json!({ "status": "ready", "entities": loaded.index.entity_count(), "data_version": loaded.data_version }))
        .into_response()
}

/// `GET /metrics`: Prometheus text, with each source's data age read from the store.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text", content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let ages = state
        .run_store(|store| {
            let now = chrono::Utc::now();
            Ok(store
                .sources()?
                .into_iter()
                .map(|s| {
                    let age = chrono::DateTime::parse_from_rfc3339(&s.latest.imported_at)
                        .map(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds())
                        .unwrap_or(-1);
                    (s.id, age)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let mut families = state.metrics.registry.gather();
    families.extend(data_age_families(&ages));
    let mut out = Vec::new();
    TextEncoder::new().encode(&families, &mut out).map_err(|e| ApiError::internal(&e.into()))?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response())
}

/// The data age gauge, built at each scrape from the store.
fn data_age_families(ages: &[(String, i64)]) -> Vec<prometheus::proto::MetricFamily> {
    let Ok(vec) = prometheus::IntGaugeVec::new(
        Opts::new("proscribe_source_data_age_seconds", "Seconds since each source's newest version was imported"),
        &["source"],
    ) else {
        return Vec::new();
    };
    for (source, age) in ages {
        vec.with_label_values(&[source.as_str()]).set(*age);
    }
    let registry = Registry::new();
    if registry.register(Box::new(vec)).is_err() {
        return Vec::new();
    }
    registry.gather()
}

/// Counts and times every request by its route (the pattern, not the path: ids stay out of
/// the labels).
pub(crate) async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let method = request.method().as_str().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    let m = &state.metrics;
    m.requests.with_label_values(&[route.as_str(), method.as_str(), response.status().as_str()]).inc();
    m.latency.with_label_values(&[route.as_str()]).observe(start.elapsed().as_secs_f64());
    response
}

/// Refuses a body announced larger than the limit before reading any of it (a body sent
/// without a length is cut at the limit as it is read).
pub(crate) async fn limit_body(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let max = if path == "/screen/batch" {
        state.config.max_batch_bytes
    } else if crate::ui::takes_uploads(path) {
        crate::ui::MAX_UPLOAD_BYTES as u64
    } else {
        state.config.max_body_bytes as u64
    };
    let announced =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max) {
        return ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "body_too_large",
            message: format!("the body is {} bytes; at most {max} are read", announced.unwrap_or_default()),
        }
        .into_response();
    }
    next.run(request).await
}

/// A request with a body answered with a client error may have been refused before its body
/// was read (no key, too large, no such endpoint): the connection cannot carry another
/// request, and the client is told so.
pub(crate) async fn close_after_refusal(request: Request, next: Next) -> Response {
    let with_body = has_body(&request);
    let mut response = next.run(request).await;
    if with_body && response.status().is_client_error() {
        response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    }
    response
}

/// Whether a request comes with a body (which an early answer leaves unread).
pub(crate) fn has_body(request: &Request) -> bool {
    let h = request.headers();
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0")
}

/// The span of a request: method, path and request id.
pub(crate) fn span(request: &axum::http::Request<Body>) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
}

/// Set when the request it belongs to ends (answered, timed out or abandoned by its client):
/// work on a blocking thread asks the flag and stops, rather than computing for nobody.
pub(crate) struct Cancel(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for Cancel {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A guard to hold for as long as the request's handler runs, and the flag it sets when
/// dropped.
pub(crate) fn cancellation() -> (Cancel, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    (Cancel(flag.clone()), flag)
}

/// A request that takes longer than the configured time is answered 408 with the usual error
/// body; its handler is dropped, which cancels the work it started (see [`cancellation`]).
pub(crate) async fn time_limit(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let limit = state.config.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError {
            status: StatusCode::REQUEST_TIMEOUT,
            code: "timeout",
            message: format!("the request took longer than {} s and was stopped", limit.as_secs_f64()),
        }
        .into_response(),
    }
}

/// A panic becomes a 500 with the usual error body; the panic is logged, not answered.
pub(crate) fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    ApiError::internal(&anyhow::anyhow!("panic: {what}")).into_response()
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such endpoint; see GET /catalog and the README")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: "this endpoint does not take this method".into(),
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
