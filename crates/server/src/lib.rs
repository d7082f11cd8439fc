//! The proscribe HTTP service: screening in yente's shapes (`/match`, `/search`, `/entities`,
//! `/catalog`, `/algorithms`) and operations (`/healthz`, `/readyz`, `/metrics`).
//!
//! The service reads one store. It builds the screening index in the background (`/readyz`
//! answers 503 until it is loaded), watches the store for new versions and for a new day,
//! and then builds a new index beside the one in use and swaps it in atomically: a request
//! holds the index it started with to its end, so none fails or sees half an index.
//!
//! Store reads go through a small pool of connections on blocking threads; screening runs on
//! rayon's pool. Errors are JSON with a stable `code` and a `message` (see [`error`]).

pub mod auth;
pub mod error;
mod openapi;
mod ops;
pub mod registry;
pub mod resolve;
mod screening;
mod ui;
pub mod workflow;
pub mod yente;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use arc_swap::ArcSwap;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use proscribe_model::PartialDate;
use proscribe_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;
use proscribe_app::Indexes;
pub use proscribe_app::Loaded;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Most queries in one `/match` request.
    pub max_queries: usize,
    /// Most bytes of a request body.
    pub max_body_bytes: usize,
    /// Most bytes of a streamed batch (`/screen/batch`).
    pub max_batch_bytes: u64,
    /// Longest a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// How often the store is checked for new data (and keys for revocations).
    pub reload_interval: Duration,
    /// Whether reads and screening are open to requests without a key.
    pub open_reads: bool,
    /// Origins allowed to call the API from a browser (CORS); none: no CORS headers.
    pub cors_origins: Vec<String>,
    /// Longest a client may take to send a request's head; slower ones are cut off.
    pub header_timeout: Duration,
    /// Most connections open at once; the next waits to be accepted.
    pub max_connections: usize,
    /// Whether the store is the built-in example registry: every page shows a banner and
    /// every answer carries `X-Proscribe-Registry: example`.
    pub example: bool,
    /// Where the screening index files are kept (see [`Store::set_index_dir`]); servers of one
    /// PostgreSQL database given the same folder build each index once.
    pub index_dir: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_queries: 100,
            max_body_bytes: 2 * 1024 * 1024,
            max_batch_bytes: 1 << 30,
            request_timeout: Duration::from_secs(30),
            reload_interval: Duration::from_secs(10),
            open_reads: false,
            cors_origins: Vec::new(),
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            example: false,
            index_dir: None,
        }
    }
}

/// Connections to the store, each used by one blocking task at a time.
struct Pool {
    stores: Vec<Mutex<Store>>,
    next: AtomicUsize,
}

impl Pool {
    fn with<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        self.with_mut(|s| f(s))
    }

    fn with_mut<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        // A free connection if there is one, else wait for one in turn.
        for s in &self.stores {
            if let Ok(mut store) = s.try_lock() {
                return f(&mut store);
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.stores.len();
        let mut store = self.stores[i].lock().unwrap_or_else(|p| p.into_inner());
        f(&mut store)
    }
}

/// What every request shares.
pub struct AppState {
    /// Limits and intervals.
    pub config: Config,
    pool: Pool,
    indexes: Indexes,
    keys: ArcSwap<auth::Keys>,
    metrics: ops::Metrics,
    ui: ui::UiState,
    /// The cross-reference of the index in use ([`resolve::cross_reference`]), once found.
    found: Mutex<Option<Arc<proscribe_app::resolve::Found>>>,
}

impl AppState {
    /// A state over `stores` (connections to one store; an in-memory store has one).
    pub fn new(config: Config, stores: Vec<Store>) -> Result<Arc<AppState>> {
        anyhow::ensure!(!stores.is_empty(), "the service needs a connection to the store");
        let keys = auth::load_keys(&stores[0])?;
        Ok(Arc::new(AppState {
            config,
            pool: Pool { stores: stores.into_iter().map(Mutex::new).collect(), next: AtomicUsize::new(0) },
            indexes: Indexes::default(),
            keys: ArcSwap::from_pointee(keys),
            metrics: ops::Metrics::new()?,
            ui: ui::UiState::new()?,
            found: Mutex::new(None),
        }))
    }

    /// A state over the store at `location`, with a few connections.
    pub fn open(config: Config, location: &proscribe_store::Location) -> Result<Arc<AppState>> {
        let stores = (0..4)
            .map(|_| {
                let mut store = Store::open_at(location).with_context(|| format!("cannot open database {location}"))?;
                store.set_index_dir(config.index_dir.clone());
                Ok(store)
            })
            .collect::<Result<Vec<_>>>()?;
        AppState::new(config, stores)
    }

    /// The index in use, or 503 while none is loaded.
    pub fn loaded(&self) -> Result<Arc<Loaded>, ApiError> {
        self.indexes.current().ok_or_else(ApiError::not_ready)
    }

    /// The index as of `day` (the one in use when `None`): the entities of each source's
    /// version in force that day, with statuses on that day. Built on first use (on this
    /// blocking thread) and kept for the next requests about the same day.
    pub fn loaded_as_of(&self, day: Option<PartialDate>) -> Result<Arc<Loaded>, ApiError> {
        let Some(day) = day else { return self.loaded() };
        Ok(self.pool.with(|store| self.indexes.as_of(store, day))?)
    }

    fn loaded_version(&self) -> Option<i64> {
        self.indexes.current().map(|l| l.data_version)
    }

    /// Runs `f` with a store connection on this (blocking) thread.
    fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, ApiError>) -> Result<T, ApiError> {
        self.pool.with(f)
    }

    /// Runs `f` with a store connection on a blocking thread.
    async fn run_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.with_store(f))
            .await
            .map_err(|e| ApiError::internal(&anyhow::anyhow!("store task failed: {e}")))?
    }

    /// Reads the keys in force again.
    async fn refresh_keys(self: &Arc<Self>) -> Result<(), ApiError> {
        let keys = self.run_store(|s| Ok(auth::load_keys(s)?)).await?;
        self.ui.sessions.retain(&keys);
        self.keys.store(Arc::new(keys));
        Ok(())
    }

    /// Runs `f` with a store connection it may write with, on a blocking thread.
    async fn run_store_mut<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.pool.with_mut(f))
            .await
            .map_err(|e| ApiError::internal(&anyhow::anyhow!("store task failed: {e}")))?
    }

    /// Today (UTC), the day statuses are given for.
    fn today(&self) -> PartialDate {
        today()
    }

    /// Builds the index from the store now and swaps it in.
    pub fn reload(&self) -> Result<()> {
        let loaded = self.pool.with(|store| self.indexes.reload(store, today()))?;
        self.metrics.index_loaded(&loaded);
        Ok(())
    }

    /// Whether the store has data or a day the index does not.
    fn stale(&self) -> Result<bool> {
        Ok(self.pool.with(|store| self.indexes.stale(store, today()))?)
    }
}

fn today() -> PartialDate {
    proscribe_app::today()
}

/// The routes, with limits, keys, request ids, logging and metrics.
pub fn router(state: Arc<AppState>) -> Router {
    let config = state.config.clone();
    let reads = Router::new()
        .route("/match/{dataset}", post(yente::match_entities))
        .route("/search/{dataset}", get(yente::search))
        .route("/entities/{id}", get(yente::entity))
        .route("/catalog", get(yente::catalog))
        .route("/algorithms", get(yente::algorithms))
        .route("/sources", get(registry::sources))
        .route("/sources/{id}/versions", get(registry::versions))
        .route("/versions/{id}/diff", get(registry::diff))
        .route("/entities/{id}/timeline", get(registry::timeline))
        .route("/entities/{id}/status", get(registry::status))
        .route("/changes", get(registry::changes))
        .route("/screen/batch", post(screening::batch))
        .route("/scan", post(screening::scan))
        .route("/proposals", get(workflow::list))
        .route("/proposals/{id}", get(workflow::one))
        .route("/resolve/pairs", get(resolve::list_pairs))
        .route("/resolve/decisions", get(resolve::list_decisions))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::reader));
    let writes = Router::new()
        .route("/admin/reload", post(reload))
        .route("/proposals", post(workflow::create))
        .route("/proposals/{id}/actions", post(workflow::act))
        .route("/resolve/decisions", post(resolve::create_decision))
        .route("/resolve/decisions/{id}", axum::routing::delete(resolve::delete_decision))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::editor));
    let admin = Router::new()
        .route("/admin/keys", get(auth::list_keys).post(auth::add_key))
        .route("/admin/keys/{id}", axum::routing::delete(auth::revoke_key))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::admin));
    let open = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(openapi::document));
    let mut router = Router::new()
        .merge(ui::routes(state.clone()))
        .merge(reads)
        .merge(writes)
        .merge(admin)
        .merge(open)
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ops::limit_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(axum::middleware::from_fn(ops::close_after_refusal))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ops::time_limit))
        .layer(CatchPanicLayer::custom(ops::panic_response));
    if config.example {
        router = router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("x-proscribe-registry"),
            axum::http::HeaderValue::from_static("example"),
        ));
    }
    if !config.cors_origins.is_empty() {
        let origins: Vec<axum::http::HeaderValue> = config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
        router = router.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origins)
                .allow_methods([axum::http::Method::GET, axum::http::Method::POST, axum::http::Method::DELETE])
                .allow_headers([axum::http::header::AUTHORIZATION, axum::http::header::CONTENT_TYPE]),
        );
    }
    router
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(ops::span).on_response(
                tower_http::trace::DefaultOnResponse::new()
                    .level(tracing::Level::INFO)
                    .latency_unit(tower_http::LatencyUnit::Micros),
            ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// `POST /admin/reload`: builds the index from the store now and swaps it in.
#[utoipa::path(post, path = "/admin/reload", tag = "admin", responses((status = 200, description = "The new index", body = Object), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
    (status = 403, description = "Not an editor key", body = crate::error::ErrorBody)))]
async fn reload(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || s.reload())
        .await
        .map_err(|e| ApiError::internal(&anyhow::anyhow!("reload task failed: {e}")))??;
    let loaded = state.loaded()?;
    Ok(axum::Json(serde_json::json!({ "entities": loaded.index.entity_count(), "data_version": loaded.data_version })))
}

/// Watches the store and swaps in a new index when it changes (or the day does), until the
/// process ends. The first index is built at once.
pub fn spawn_reloader(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let s = state.clone();
            let outcome = tokio::task::spawn_blocking(move || -> Result<()> {
                // Revocations take effect within one tick.
                let keys = s.pool.with(auth::load_keys)?;
                s.ui.sessions.retain(&keys);
                s.keys.store(Arc::new(keys));
                if s.stale()? {
                    s.reload()?;
                }
                Ok(())
            })
            .await;
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::error!(error = %format!("{e:#}"), "cannot build the index; the previous one stays")
                }
                Err(e) => tracing::error!(error = %e, "the index build failed"),
            }
            tokio::time::sleep(state.config.reload_interval).await;
        }
    })
}

/// Delivers the change feed to webhooks every reload interval, until the process ends (see
/// [`webhooks`]): subscribers get the changes of what was imported or published.
pub fn spawn_deliverer(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let s = state.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                s.pool.with(|store| {
                    proscribe_app::webhooks::deliver_pending(
                        store,
                        &proscribe_app::webhooks::DeliveryOptions::default(),
                    )
                })
            })
            .await;
            match outcome {
                Ok(Ok(r)) if r.delivered > 0 || !r.stalled.is_empty() => {
                    tracing::info!(delivered = r.delivered, stalled = ?r.stalled, "webhook deliveries")
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %format!("{e:#}"), "webhook deliveries failed"),
                Err(e) => tracing::error!(error = %e, "the webhook task failed"),
            }
            tokio::time::sleep(state.config.reload_interval).await;
        }
    })
}

/// Serves on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let reloader = spawn_reloader(state.clone());
    let deliverer = spawn_deliverer(state.clone());
    let result = accept(listener, state, shutdown).await;
    reloader.abort();
    deliverer.abort();
    result.context("the server stopped")
}

/// Accepts connections until `shutdown` completes, then waits for the requests in flight.
/// A client has [`Config::header_timeout`] to send a request's head (slow or stalled headers
/// are cut off), and at most [`Config::max_connections`] connections are open at once (the
/// next waits to be accepted).
async fn accept(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    let app = router(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(config.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A connection that failed before it was accepted is that client's problem.
                Err(e) => {
                    tracing::debug!(error = %e, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Where and what `proscribe serve` serves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The database file.
    pub db: proscribe_store::Location,
    /// Limits and intervals.
    pub config: Config,
}

/// Runs the service until Ctrl-C or SIGTERM.
pub fn run(options: ServeOptions, state: Arc<AppState>) -> Result<()> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        tracing::info!(listen = %listener.local_addr()?, db = %options.db, "serving");
        eprintln!("proscribe serves on http://{}", listener.local_addr()?);
        serve(listener, state, ops::shutdown_signal()).await
    })
}
