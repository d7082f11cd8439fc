//! `/batch`: a CSV of names uploaded, screened in the background on all cores while the page
//! shows progress, and the results offered for download as CSV (the columns of
//! `proscribe screen --input`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use proscribe_matching::entity::{screen, Query as ScreenQuery, ScreenOptions};
use proscribe_matching::DEFAULT_THRESHOLD;
use proscribe_model::{Country, DateValue};
use rayon::prelude::*;
use serde_json::json;

use super::{error_page, render, Page, SignedIn};
use crate::error::ApiError;
use crate::loaded::Loaded;
use crate::AppState;

/// Jobs kept at once; the oldest finished one goes first.
const MAX_JOBS: usize = 16;
/// Matches written per row, best first.
const HITS_PER_ROW: usize = 5;
/// The columns of the results.
const HEADER: [&str; 10] =
    ["row", "key", "name", "score", "match", "entity_id", "reference", "caption", "matched_name", "error"];

/// A batch being screened, or screened.
pub(crate) struct Job {
    pub id: String,
    pub file: String,
    pub total: usize,
    pub done: AtomicUsize,
    pub matched_rows: AtomicUsize,
    pub errors: AtomicUsize,
    started: Instant,
    /// The results as CSV once finished, and the seconds it took.
    output: OnceLock<(Vec<u8>, f64)>,
}

impl Job {
    fn finished(&self) -> Option<&(Vec<u8>, f64)> {
        self.output.get()
    }
}

/// One input row, read.
struct Row {
    key: Option<String>,
    query: Result<ScreenQuery, String>,
}

fn read_rows(data: &[u8]) -> Result<Vec<Row>, ApiError> {
    let bad = |m: String| ApiError::bad_request("invalid_csv", m);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(data);
    let headers = reader.headers().map_err(|e| bad(format!("the header row: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let name_col = col("name").ok_or_else(|| {
        bad(format!("no `name` column (the columns are: {})", headers.iter().collect::<Vec<_>>().join(", ")))
    })?;
    let (birth, country, id, schema, key) = (col("birth_date"), col("country"), col("id"), col("schema"), col("key"));
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| bad(format!("line {line}: {e}")))?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|v| !v.is_empty());
        let query = (|| -> Result<ScreenQuery, String> {
            let name = get(Some(name_col)).ok_or("name: missing")?;
            let birth_date = get(birth)
                .map(|d| d.parse::<DateValue>().map_err(|e| format!("birth_date: {d:?}: {e}")))
                .transpose()?;
            let countries = get(country)
                .map(|c| Country::from_name(c).map(|c| vec![c]).map_err(|_| format!("country: unknown {c:?}")))
                .transpose()?
                .unwrap_or_default();
            let schema = get(schema)
                .map(|s| crate::yente::query_schema(s).map_err(|e| format!("schema: {}", e.message)))
                .transpose()?
                .flatten();
            let identifiers = get(id).map(|i| vec![i.to_string()]).unwrap_or_default();
            Ok(ScreenQuery { name: name.to_string(), schema, birth_date, countries, identifiers })
        })();
        rows.push(Row { key: get(key).map(str::to_string), query });
    }
    Ok(rows)
}

/// Screens every row (on rayon's pool), counting progress on `job`, and writes the results.
fn run(job: &Job, loaded: &Loaded, rows: &[Row]) -> Vec<u8> {
    let options = ScreenOptions {
        limit: HITS_PER_ROW,
        threshold: DEFAULT_THRESHOLD,
        matches_only: true,
        ..ScreenOptions::default()
    };
    let outcomes: Vec<Result<Vec<proscribe_matching::entity::Hit>, String>> = rows
        .par_iter()
        .map(|row| {
            let out = match &row.query {
                Ok(q) => screen(&loaded.index, q, &options)
                    .map(|hits| hits.into_iter().filter(|h| h.is_match).collect::<Vec<_>>())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            match &out {
                Ok(hits) if !hits.is_empty() => {
                    job.matched_rows.fetch_add(1, Ordering::Relaxed);
                }
                Err(_) => {
                    job.errors.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
            job.done.fetch_add(1, Ordering::Relaxed);
            out
        })
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |fields: [String; 10]| {
        // Writing to memory cannot fail.
        let _ = w.write_record(fields);
    };
    write(HEADER.map(String::from));
    for (i, (row, outcome)) in rows.iter().zip(&outcomes).enumerate() {
        let name = row.query.as_ref().map(|q| q.name.clone()).unwrap_or_default();
        let key = row.key.clone().unwrap_or_default();
        match outcome {
            Ok(hits) => {
                for h in hits {
                    let e = &loaded.index.entities()[h.entity as usize];
                    let refs: Vec<String> = e.designations.iter().filter_map(|d| d.reference.clone()).collect();
                    write([
                        (i + 1).to_string(),
                        key.clone(),
                        name.clone(),
                        format!("{:.4}", h.score),
                        h.is_match.to_string(),
                        e.id.clone(),
                        refs.join(" "),
                        e.caption().to_string(),
                        h.name.map(|n| loaded.index.name_text(n).to_string()).unwrap_or_default(),
                        String::new(),
                    ]);
                }
            }
            Err(e) => write([
                (i + 1).to_string(),
                key,
                name,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                e.clone(),
            ]),
        }
    }
    w.into_inner().unwrap_or_default()
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    page: Page,
    error: Option<String>,
    job: Option<JobView>,
}

/// A job as the page shows it.
pub(crate) struct JobView {
    pub id: String,
    pub file: String,
    pub total: usize,
    pub done: usize,
    pub matched_rows: usize,
    pub errors: usize,
    pub finished: bool,
    pub seconds: String,
}

fn view(job: &Job) -> JobView {
    let finished = job.finished();
    JobView {
        id: job.id.clone(),
        file: job.file.clone(),
        total: job.total,
        done: job.done.load(Ordering::Relaxed),
        matched_rows: job.matched_rows.load(Ordering::Relaxed),
        errors: job.errors.load(Ordering::Relaxed),
        finished: finished.is_some(),
        seconds: format!("{:.1}", finished.map_or_else(|| job.started.elapsed().as_secs_f64(), |f| f.1)),
    }
}

/// `GET /batch`: the upload form.
pub(crate) async fn page(Extension(who): Extension<SignedIn>) -> Response {
    render(StatusCode::OK, &BatchPage { page: Page::new(&who, "batch", "Screen a file"), error: None, job: None })
}

/// `POST /batch`: starts a job on the uploaded CSV and sends the browser to its page.
pub(crate) async fn upload(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    mut form: Multipart,
) -> Response {
    let refuse = |e: ApiError| {
        let page = BatchPage { page: Page::new(&who, "batch", "Screen a file"), error: Some(e.message), job: None };
        render(StatusCode::BAD_REQUEST, &page)
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => return refuse(ApiError::bad_request("invalid_form", format!("the file: {e}"))),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return refuse(ApiError::bad_request("invalid_form", format!("the form: {e}"))),
        }
    }
    let Some((name, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return refuse(ApiError::bad_request("no_file", "choose a CSV file with a `name` column"));
    };
    let rows = match read_rows(&data) {
        Ok(r) => r,
        Err(e) => return refuse(ApiError { message: format!("{name}: {}", e.message), ..e }),
    };
    let loaded = match state.loaded() {
        Ok(l) => l,
        Err(e) => return error_page(&who, e),
    };
    let id = match crate::auth::new_secret() {
        Ok(s) => s.trim_start_matches("psk_")[..24].to_string(),
        Err(e) => return error_page(&who, ApiError::internal(&e)),
    };
    let job = Arc::new(Job {
        id: id.clone(),
        file: name,
        total: rows.len(),
        done: AtomicUsize::new(0),
        matched_rows: AtomicUsize::new(0),
        errors: AtomicUsize::new(0),
        started: Instant::now(),
        output: OnceLock::new(),
    });
    {
        let mut jobs = state.ui.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if jobs.len() >= MAX_JOBS {
            let oldest =
                jobs.values().filter(|j| j.finished().is_some()).min_by_key(|j| j.started).map(|j| j.id.clone());
            match oldest {
                Some(o) => {
                    jobs.remove(&o);
                }
                None => {
                    drop(jobs);
                    return refuse(ApiError::bad_request("busy", "too many batches are running; try again shortly"));
                }
            }
        }
        jobs.insert(id.clone(), job.clone());
    }
    tracing::info!(job = %id, rows = rows.len(), "batch started");
    tokio::task::spawn_blocking(move || {
        let out = run(&job, &loaded, &rows);
        let secs = job.started.elapsed().as_secs_f64();
        tracing::info!(job = %job.id, rows = job.total, secs, "batch finished");
        let _ = job.output.set((out, secs));
    });
    Redirect::to(&format!("/batch/{id}")).into_response()
}

fn find(state: &AppState, id: &str) -> Result<Arc<Job>, ApiError> {
    let jobs = state.ui.jobs.lock().unwrap_or_else(|p| p.into_inner());
    jobs.get(id).cloned().ok_or_else(|| {
        ApiError::not_found(
            "not_found",
            format!("no batch {id:?} (batches are kept until the service restarts, {MAX_JOBS} at most)"),
        )
    })
}

/// `GET /batch/{job}`: progress, then the summary and the download.
pub(crate) async fn job(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    match find(&state, &id) {
        Ok(job) => render(
            StatusCode::OK,
            &BatchPage {
                page: Page::new(&who, "batch", format!("Batch: {}", job.file)),
                error: None,
                job: Some(view(&job)),
            },
        ),
        Err(e) => error_page(&who, e),
    }
}

/// `GET /batch/{job}/progress`: how far the job is, for the page's script.
pub(crate) async fn progress(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Ok(job) => {
            let v = view(&job);
            Json(json!({
                "total": v.total, "done": v.done, "matched_rows": v.matched_rows, "errors": v.errors,
                "finished": v.finished, "seconds": v.seconds,
            }))
            .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /batch/{job}/results.csv`: the results, once finished.
pub(crate) async fn results(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    let job = match find(&state, &id) {
        Ok(j) => j,
        Err(e) => return error_page(&who, e),
    };
    let Some((csv, _)) = job.finished() else {
        return error_page(
            &who,
            ApiError {
                status: StatusCode::CONFLICT,
                code: "not_finished",
                message: "the batch is still being screened".into(),
            },
        );
    };
    let stem = job.file.trim_end_matches(".csv").replace(['"', '\\', '/'], "_");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}-screened.csv\"")),
        ],
        csv.clone(),
    )
        .into_response()
}
