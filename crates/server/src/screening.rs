//! Screening beyond yente's shapes: batches streamed as JSON lines in and out, and free text.
//!
//! `POST /screen/batch` reads one JSON object per line — `name` and optionally `key`,
//! `schema`, `birth_date`, `country` and `id` (a string or a list) — and answers one line per
//! input line, in order, as soon as its chunk is screened: the row number, the key, and the
//! hits (or the row's error). Rows are screened on all cores; a bad row does not stop the rest.
//!
//! `POST /scan` takes a text (`{"text": ...}`) and answers its mentions of listed names.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::{Query, QueryRejection};
use futures_util::StreamExt;
use proscribe_app::batch::{batch_options, line_row, screen_rows, Columns, Line, LineSplitter, Row};
use proscribe_app::views::references;
use proscribe_matching::entity::{ScreenOptions, DEFAULT_THRESHOLD};
use proscribe_matching::scan::{scan_until, ScanOptions};
use proscribe_model::{ftm, Status};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::{AppState, Loaded};

/// Rows screened together: large enough to use every core, small enough to answer early.
const CHUNK_ROWS: usize = 256;
/// Longest text scanned (256 KiB: a long report; longer texts are sent in parts). Larger
/// texts are answered 413.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// Query parameters of `/screen/batch`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchParams {
    /// Score from which a hit matches (default 0.7).
    threshold: Option<f64>,
    /// Most hits per row (1 to 100; default 10).
    limit: Option<usize>,
    /// Whether rows answer their non-matching hits too (default: matches only).
    #[serde(default)]
    all: bool,
    /// Screen against the lists as they stood on this day (YYYY-MM-DD).
    as_of: Option<String>,
}

/// Screens one chunk of numbered lines into output lines. Rows are read by the batch reader
/// every interface shares ([`proscribe_app::batch::line_row`]).
fn screen_chunk(loaded: &Loaded, lines: &[Line], options: &ScreenOptions, all: bool) -> Vec<u8> {
    let columns = Columns::default();
    let mut rows: Vec<Row> = lines.iter().filter_map(|line| line_row(line, &columns)).collect();
    let outcomes = screen_rows(loaded, &mut rows, options, false);
    let mut out = Vec::new();
    for (row, outcome) in rows.iter().zip(outcomes) {
        let mut line = json!({ "row": row.number });
        if row.key.is_some() || row.query.is_ok() {
            line["key"] = json!(row.key);
        }
        if let Some(e) = row.error_text() {
            line[if row.query.is_ok() { "notes" } else { "error" }] = json!(e);
        }
        if let Some(screened) = outcome {
            let hits: Vec<Value> = screened
                .hits
                .iter()
                .filter(|h| all || h.is_match)
                .map(|h| {
                    let e = loaded.index.entity(h.entity);
                    json!({
                        "entity_id": e.id,
                        "caption": e.caption(),
                        "schema": ftm::schema_name(e.schema),
                        "score": h.score,
                        "match": h.is_match,
                        "matched_name": h.name.map(|n| loaded.index.name_text(n)),
                        "references": references(e, &loaded.day),
                    })
                })
                .collect();
            line["hits"] = json!(hits);
        }
        out.extend_from_slice(line.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

/// `POST /screen/batch`: JSON lines in, JSON lines out, streamed.
#[utoipa::path(post, path = "/screen/batch", tag = "screening", params(BatchParams),
    request_body(description = "One JSON object per line: name, and optionally key, schema, birth_date, country, id",
        content((String = "application/x-ndjson"), (String = "text/plain"))),
    responses((status = 200, description = "One JSON line per input line, in order", content_type = "application/x-ndjson", body = String), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn batch(
    State(state): State<Arc<AppState>>,
    params: Result<Query<BatchParams>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))?;
    let threshold = params.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::bad_request("invalid_parameter", "threshold must be between 0 and 1"));
    }
    let limit = params.limit.unwrap_or(10);
    if limit == 0 || limit > 100 {
        return Err(ApiError::bad_request("invalid_parameter", "limit must be between 1 and 100"));
    }
    let as_of = params.as_of.as_deref().map(|d| crate::registry::parse_day(d, "as_of")).transpose()?;
    let loaded = match as_of {
        None => state.loaded()?,
        Some(day) => {
            let s = state.clone();
            tokio::task::spawn_blocking(move || s.loaded_as_of(Some(day)))
                .await
                .map_err(|e| ApiError::internal(&anyhow::anyhow!("index task failed: {e}")))??
        }
    };
    let all = params.all;
    let options = batch_options(&ScreenOptions { limit, threshold, ..ScreenOptions::default() }, !all);
    let max_bytes = state.config.max_batch_bytes;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        // Lines keep their numbers whatever their length; a blank line is no row.
        let mut splitter = LineSplitter::default();
        let mut lines: Vec<Line> = Vec::new();
        let mut finished = false;
        let mut read: u64 = 0;
        while !finished {
            match stream.next().await {
                Some(Ok(data)) => {
                    read += data.len() as u64;
                    if read > max_bytes {
                        let line = json!({ "error": format!("the batch is over {max_bytes} bytes; send it in parts") });
                        let _ = tx.send(Ok(Bytes::from(format!("{line}\n")))).await;
                        return;
                    }
                    splitter.push(&data, &mut lines);
                }
                Some(Err(e)) => {
                    let _ = tx.send(Err(std::io::Error::other(format!("reading the body failed: {e}")))).await;
                    return;
                }
                None => {
                    finished = true;
                    splitter.finish(&mut lines);
                }
            }
            while lines.len() >= CHUNK_ROWS || (finished && !lines.is_empty()) {
                let take = lines.len().min(CHUNK_ROWS);
                let chunk: Vec<Line> = lines.drain(..take).collect();
                let loaded = loaded.clone();
                let out = tokio::task::spawn_blocking(move || screen_chunk(&loaded, &chunk, &options, all)).await;
                let sent = match out {
                    Ok(bytes) => tx.send(Ok(Bytes::from(bytes))).await,
                    Err(e) => tx.send(Err(std::io::Error::other(format!("screening failed: {e}")))).await,
                };
                if sent.is_err() {
                    return; // The client went away.
                }
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], Body::from_stream(stream)).into_response())
}

/// Body of `POST /scan`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScanRequest {
    /// The text (at most 256 KiB).
    text: String,
    /// Score from which a mention is reported.
    threshold: Option<f64>,
    /// The lists as they stood on this day (YYYY-MM-DD).
    as_of: Option<String>,
}

/// `POST /scan`: mentions of listed names in a text, with byte spans and each entity's
/// designations in force.
#[utoipa::path(post, path = "/scan", tag = "screening", request_body = ScanRequest,
    responses((status = 200, description = "Mentions", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 408, description = "The scan took longer than the request timeout and was stopped", body = crate::error::ErrorBody),
        (status = 413, description = "A text over 256 KiB", body = crate::error::ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn scan(
    State(state): State<Arc<AppState>>,
    body: Result<Json<ScanRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = body.map_err(crate::yente::body_error)?;
    if request.text.len() > MAX_TEXT_BYTES {
        return Err(ApiError {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            code: "text_too_long",
            message: format!(
                "the text is {} bytes; at most {MAX_TEXT_BYTES} (send a longer one in parts)",
                request.text.len()
            ),
        });
    }
    let mut options = ScanOptions::default();
    if let Some(t) = request.threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(ApiError::bad_request("invalid_parameter", "threshold must be between 0 and 1"));
        }
        options.threshold = t;
    }
    let as_of = request.as_of.as_deref().map(|d| crate::registry::parse_day(d, "as_of")).transpose()?;
    let current = state.loaded()?;
    let s = state.clone();
    // Held until the scan is answered: a request that times out or whose client goes away
    // stops the scan.
    let (_cancel, stopped) = crate::ops::cancellation();
    let out = tokio::task::spawn_blocking(move || -> Result<Value, ApiError> {
        let loaded = if as_of.is_some() { s.loaded_as_of(as_of)? } else { current };
        let text = &request.text;
        let stop = || stopped.load(std::sync::atomic::Ordering::Relaxed);
        let Some(found) = scan_until(&loaded.index, text, &options, &stop) else {
            return Err(ApiError::internal(&anyhow::anyhow!("the scan was stopped: its request ended")));
        };
        let mentions: Vec<Value> = found
            .iter()
            .flat_map(|m| m.hits.iter().map(move |h| (m, h)))
            .map(|(m, h)| {
                let e = loaded.index.entity(h.entity);
                let in_force: Vec<_> = references(e, &loaded.day)
                    .into_iter()
                    .filter(|r| r.status == Status::Listed.as_str() || r.status == Status::Suspended.as_str())
                    .collect();
                json!({
                    "start": m.start,
                    "end": m.end,
                    "text": &text[m.start..m.end],
                    "entity_id": e.id,
                    "caption": e.caption(),
                    "schema": ftm::schema_name(e.schema),
                    "score": h.score,
                    "name": loaded.index.name_text(h.name),
                    "designations": in_force,
                })
            })
            .collect();
        Ok(json!({ "mentions": mentions }))
    })
    .await
    .map_err(|e| ApiError::internal(&anyhow::anyhow!("scan task failed: {e}")))??;
    Ok(Json(out))
}
