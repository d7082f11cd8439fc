//! `/batch`: a CSV of names uploaded, screened in the background on all cores while the page
//! shows progress, and the results offered for download as CSV (the columns of
//! `proscribe screen --input`). A batch is shown only to the key that made it (and to admin
//! keys), or without a key to the browser that sent it; to anyone else it does not exist.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use proscribe_app::batch::{batch_options, screen_rows, Columns, CsvRows, OutputFormat, ResultWriter, Row, Rows};
use proscribe_matching::entity::ScreenOptions;
use proscribe_matching::DEFAULT_THRESHOLD;
use serde_json::json;

use super::guard::Browser;
use super::{error_page, render, Page, SignedIn};
use crate::error::ApiError;
use crate::AppState;
use crate::Loaded;

/// Jobs kept at once; the oldest finished one goes first.
const MAX_JOBS: usize = 16;
/// Matches written per row, best first.
const HITS_PER_ROW: usize = 5;

/// Who may read a batch.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The key that sent it.
    Key(i64),
    /// The browser that sent it without a key (open reads), by the hash of its id.
    Browser([u8; 32]),
}

impl Owner {
    fn of(who: &SignedIn, browser: &Browser) -> Owner {
        match &who.0 {
            Some(k) => Owner::Key(k.id),
            None => Owner::Browser(proscribe_store::key_hash(&browser.id)),
        }
    }
}

/// A batch being screened, or screened.
pub(crate) struct Job {
    pub id: String,
    owner: Owner,
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

/// Rows screened at a time: the page's progress advances by as many.
const CHUNK_ROWS: usize = 256;

/// Reads every row of the uploaded CSV with the batch reader every interface shares.
fn read_rows(data: Vec<u8>) -> Result<Vec<Row>, ApiError> {
    let mut reader = CsvRows::new(Box::new(std::io::Cursor::new(data)), &Columns::default())
        .map_err(|e| ApiError::bad_request("invalid_csv", e.to_string()))?;
    let mut rows = Vec::new();
    loop {
        let chunk = reader.next_chunk(CHUNK_ROWS).map_err(|e| ApiError::bad_request("invalid_csv", e.to_string()))?;
        if chunk.is_empty() {
            return Ok(rows);
        }
        rows.extend(chunk);
    }
}

/// A buffer the results are written into, read back when the job finishes.
#[derive(Clone, Default)]
struct Buffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Screens every row (on rayon's pool) a chunk at a time, counting progress on `job`, and
/// writes the results with the batch writer every interface shares.
fn run(job: &Job, loaded: &Loaded, mut rows: Vec<Row>) -> proscribe_app::Result<Vec<u8>> {
    let options = batch_options(
        &ScreenOptions { limit: HITS_PER_ROW, threshold: DEFAULT_THRESHOLD, ..ScreenOptions::default() },
        true,
    );
    let buffer = Buffer::default();
    let mut writer = ResultWriter::new(Box::new(buffer.clone()), OutputFormat::Hits, false, HITS_PER_ROW)?;
    for chunk in rows.chunks_mut(CHUNK_ROWS) {
        let outcomes = screen_rows(loaded, chunk, &options, false);
        for (row, outcome) in chunk.iter().zip(&outcomes) {
            let hits = outcome.as_ref().map(|o| o.hits.as_slice()).unwrap_or_default();
            if row.query.is_err() {
                job.errors.fetch_add(1, Ordering::Relaxed);
            } else if hits.iter().any(|h| h.is_match) {
                job.matched_rows.fetch_add(1, Ordering::Relaxed);
            }
            writer.write(loaded, row, hits)?;
        }
        job.done.fetch_add(chunk.len(), Ordering::Relaxed);
    }
    writer.flush()?;
    drop(writer);
    let out = std::mem::take(&mut *buffer.0.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(out)
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
    Extension(browser): Extension<Browser>,
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
    let rows = match read_rows(data) {
        Ok(r) => r,
        Err(e) => return refuse(ApiError { message: format!("{name}: {}", e.message), ..e }),
    };
    let loaded = match state.loaded() {
        Ok(l) => l,
        Err(e) => return error_page(&who, e),
    };
    let id = match proscribe_app::secrets::new_secret() {
        Ok(s) => s.trim_start_matches("psk_")[..24].to_string(),
        Err(e) => return error_page(&who, e.into()),
    };
    let job = Arc::new(Job {
        id: id.clone(),
        owner: Owner::of(&who, &browser),
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
        let out = match run(&job, &loaded, rows) {
            Ok(out) => out,
            Err(e) => {
                tracing::error!(job = %job.id, error = %e, "batch failed");
                format!("error\nthe batch could not be written: {e}\n").into_bytes()
            }
        };
        let secs = job.started.elapsed().as_secs_f64();
        tracing::info!(job = %job.id, rows = job.total, secs, "batch finished");
        let _ = job.output.set((out, secs));
    });
    Redirect::to(&format!("/batch/{id}")).into_response()
}

/// The batch `id` when `who` may read it.
fn find(state: &AppState, id: &str, who: &SignedIn, browser: &Browser) -> Result<Arc<Job>, ApiError> {
    let jobs = state.ui.jobs.lock().unwrap_or_else(|p| p.into_inner());
    let admin = who.0.as_ref().is_some_and(|k| k.role >= proscribe_store::Role::Admin);
    let owner = Owner::of(who, browser);
    jobs.get(id).filter(|j| admin || j.owner == owner).cloned().ok_or_else(|| {
        ApiError::not_found(
            "not_found",
            format!("no batch {id:?} (batches are kept until the service restarts, {MAX_JOBS} at most)"),
        )
    })
}

/// The batch a page's path names, when who asks may read it (else why not), and who asks.
pub(crate) struct Asked {
    job: Result<Arc<Job>, ApiError>,
    who: SignedIn,
}

impl axum::extract::FromRequestParts<Arc<AppState>> for Asked {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Asked, Response> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Extension(who) =
            Extension::<SignedIn>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Extension(browser) =
            Extension::<Browser>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(Asked { job: find(state, &id, &who, &browser), who })
    }
}

/// `GET /batch/{job}`: progress, then the summary and the download.
pub(crate) async fn job(Asked { job, who }: Asked) -> Response {
    match job {
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
pub(crate) async fn progress(Asked { job, .. }: Asked) -> Response {
    match job {
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
pub(crate) async fn results(Asked { job, who }: Asked) -> Response {
    let job = match job {
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
