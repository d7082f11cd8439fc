//! The analyst web UI: server-rendered HTML (askama templates in `templates/`, one stylesheet
//! and a little JavaScript in `assets/`) on the same store and index as the API. Every page
//! works without JavaScript; the script only refreshes a batch's progress in place.
//!
//! Pages need a reader key unless the service runs with open reads: the key is entered once at
//! `/login`, which starts a session whose random id is kept in an HTTP-only, same-site cookie
//! (the key itself never leaves the form). Workflow actions need an editor key made for the
//! body acting. Every form carries a CSRF token and is refused from another origin (see
//! [`guard`]).

mod batch;
mod entity;
mod guard;
mod lists;
mod review;
mod screen;
mod workflow;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Form, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use proscribe_store::{key_hash, ApiKey, Role};
use serde::Deserialize;

use crate::error::ApiError;
use crate::AppState;

/// Most bytes of an uploaded file (a batch's CSV, an article).
pub(crate) const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Whether `path` is a page that takes an uploaded file (and so a body up to
/// [`MAX_UPLOAD_BYTES`]).
pub(crate) fn takes_uploads(path: &str) -> bool {
    matches!(path, "/batch" | "/scan/article")
}

/// The pages, with their own sign-in check (a redirect to `/login`, not a JSON 401).
pub(crate) fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let pages = Router::new()
        .route("/", get(home))
        .route("/screen", get(screen::page))
        .route("/batch", get(batch::page).post(batch::upload))
        .route("/batch/{job}", get(batch::job))
        .route("/batch/{job}/progress", get(batch::progress))
        .route("/batch/{job}/results.csv", get(batch::results))
        .route("/scan", get(screen::scan_page))
        .route("/scan/article", post(screen::scan_article))
        .route("/entity/{id}", get(entity::page))
        .route("/lists", get(lists::sources))
        .route("/lists/{source}", get(lists::source))
        .route("/lists/{source}/diff", get(lists::diff))
        .route("/workflow", get(workflow::queue).post(workflow::propose))
        .route("/workflow/{id}", get(workflow::page).post(workflow::act))
        .route("/review", get(review::page))
        .route("/review/pair", get(review::pair).post(review::decide))
        .route("/review/undo", post(review::undo))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), signed_in));
    Router::new()
        .merge(pages)
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .layer(axum::middleware::from_fn_with_state(state, guard::guard))
}

/// The key of the session a request's cookie names, if it is one in force.
pub(crate) fn cookie_key(state: &AppState, headers: &HeaderMap) -> Option<ApiKey> {
    let id = guard::browser_id(headers)?;
    state.ui.sessions.key(id, &state.keys.load())
}

/// Who is signed in, for the pages: the key, the registry, and the CSRF token for the forms.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn(pub Option<ApiKey>, pub Registry, pub String);

impl SignedIn {
    /// Who sent `request` (which went through [`guard::guard`]).
    fn of(state: &AppState, request: &Request) -> SignedIn {
        let csrf = request.extensions().get::<guard::Browser>().map(|b| state.ui.sessions.csrf(&b.id));
        SignedIn(cookie_key(state, request.headers()), Registry::of(state), csrf.unwrap_or_default())
    }
}

/// Whether the service reads a database of lists or the built-in example registry (every
/// page says so in a banner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registry {
    /// A database of lists.
    Database,
    /// The built-in example registry.
    Example,
}

impl Registry {
    fn of(state: &AppState) -> Registry {
        if state.config.example {
            Registry::Example
        } else {
            Registry::Database
        }
    }
}

/// Lets a page through with a reader key in the cookie (or any, with open reads); otherwise
/// sends the browser to sign in and come back.
async fn signed_in(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let who = SignedIn::of(&state, &request);
    let allowed = state.config.open_reads || who.0.as_ref().is_some_and(|k| k.role >= Role::Reader);
    if !allowed {
        let back = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let target = format!("/login?next={}", encode(back));
        return Redirect::to(&target).into_response();
    }
    request.extensions_mut().insert(who);
    next.run(request).await
}

/// Percent-encodes a query value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What every page shows around its content.
pub(crate) struct Page {
    /// The page's title.
    pub title: String,
    /// The navigation entry it belongs to.
    pub nav: &'static str,
    /// The signed-in key's name and role, if any.
    pub user: Option<String>,
    /// Whether the service reads the built-in example registry.
    pub example: bool,
    /// The CSRF token every form of the page carries.
    pub csrf: String,
}

impl Page {
    pub(crate) fn new(who: &SignedIn, nav: &'static str, title: impl Into<String>) -> Page {
        Page {
            title: title.into(),
            nav,
            user: who.0.as_ref().map(|k| format!("{} ({})", k.name, k.role.as_str())),
            example: who.1 == Registry::Example,
            csrf: who.2.clone(),
        }
    }
}

/// A rendered page with `status`.
pub(crate) fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::internal(&anyhow::anyhow!("template: {e}")).into_response(),
    }
}

/// An error shown as a page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    page: Page,
    message: String,
}

/// `e` as a page.
pub(crate) fn error_page(who: &SignedIn, e: ApiError) -> Response {
    let page = Page::new(who, "", format!("{} {}", e.status.as_u16(), e.status.canonical_reason().unwrap_or("")));
    render(e.status, &ErrorPage { page, message: e.message })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    sources: Vec<lists::SourceRow>,
    entities: usize,
    ready: bool,
}

async fn home(State(state): State<Arc<AppState>>, axum::Extension(who): axum::Extension<SignedIn>) -> Response {
    let sources = match state.run_store(|s| Ok(s.sources()?)).await {
        Ok(s) => s,
        Err(e) => return error_page(&who, e),
    };
    let loaded = state.loaded().ok();
    let page = HomePage {
        page: Page::new(&who, "home", "proscribe"),
        entities: loaded.as_ref().map_or(0, |l| l.index.entity_count()),
        ready: loaded.is_some(),
        sources: sources.iter().map(lists::SourceRow::from).collect(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    next: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LoginParams {
    next: Option<String>,
}

async fn login_page(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let who = SignedIn::of(&state, &request);
    let next = match Query::<LoginParams>::try_from_uri(request.uri()) {
        Ok(Query(p)) => guard::safe_next(p.next.as_deref()),
        Err(e) => Err(ApiError::bad_request("invalid_query", e.body_text())),
    };
    let next = match next {
        Ok(n) => n,
        Err(e) => return error_page(&who, e),
    };
    render(StatusCode::OK, &LoginPage { page: Page::new(&who, "login", "Sign in"), next, error: None })
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    key: String,
    next: Option<String>,
}

/// Starts a session for a key in force, under a new id, and sends the browser on.
async fn login(
    State(state): State<Arc<AppState>>,
    axum::Extension(browser): axum::Extension<guard::Browser>,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let who = SignedIn(None, Registry::of(&state), state.ui.sessions.csrf(&browser.id));
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return error_page(&who, ApiError::bad_request("invalid_form", e.body_text())),
    };
    let next = match guard::safe_next(form.next.as_deref()) {
        Ok(n) => n,
        Err(e) => return error_page(&who, e),
    };
    let Some(key) = state.keys.load().get(&key_hash(form.key.trim())).cloned() else {
        let page = LoginPage {
            page: Page::new(&who, "login", "Sign in"),
            next,
            error: Some("This key is not known or was revoked.".into()),
        };
        return render(StatusCode::UNAUTHORIZED, &page);
    };
    let id = match state.ui.sessions.start(key.id) {
        Ok(id) => id,
        Err(e) => return error_page(&who, e.into()),
    };
    tracing::info!(key = key.id, "signed in to the web UI");
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(header::SET_COOKIE, browser.cookie(Some(&id)));
    response
}

/// Ends the session and forgets the browser's id.
async fn logout(
    State(state): State<Arc<AppState>>,
    axum::Extension(browser): axum::Extension<guard::Browser>,
) -> Response {
    state.ui.sessions.end(&browser.id);
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, browser.cookie(None));
    response
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../assets/style.css"))
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../../assets/app.js"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "max-age=3600")], body).into_response()
}

/// Empty form fields count as absent.
pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A day read from a form, with what it is for in the message.
pub(crate) fn form_day(v: &Option<String>, what: &str) -> Result<Option<proscribe_model::PartialDate>, ApiError> {
    given(v).map(|d| crate::registry::parse_day(d, what)).transpose()
}

/// Jobs, sessions and other per-process UI state.
pub(crate) struct UiState {
    /// Batch screening jobs, by id.
    pub jobs: Mutex<HashMap<String, Arc<batch::Job>>>,
    /// Signed-in sessions.
    pub sessions: guard::Sessions,
}

impl UiState {
    pub(crate) fn new() -> proscribe_app::Result<UiState> {
        Ok(UiState { jobs: Mutex::default(), sessions: guard::Sessions::new()? })
    }
}
