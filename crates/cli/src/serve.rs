//! `proscribe serve`: the HTTP service over the store (see the `proscribe-server` crate).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use proscribe_server::{AppState, Config, ServeOptions};
use proscribe_store::Store;

use crate::{example, Cli};

/// Arguments of `proscribe serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Most queries in one /match request.
    #[arg(long, default_value_t = 100)]
    max_queries: usize,
    /// Most bytes of a request body.
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    max_body_bytes: usize,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Seconds between checks of the store for new data (a new index is then built and swapped in).
    #[arg(long, default_value_t = 10)]
    reload_interval: u64,
    /// Let requests without an API key read and screen (writes always need a key).
    #[arg(long)]
    open_reads: bool,
    /// An origin allowed to call the API from a browser (CORS); repeat for several.
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// Seconds a client may take to send a request's head; slower ones are cut off.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Most connections open at once; the next waits to be accepted.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
}

/// Runs `proscribe serve`.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<()> {
    let (path, _) = crate::database(cli);
    let config = Config {
        max_queries: args.max_queries.max(1),
        max_body_bytes: args.max_body_bytes.max(1024),
        max_batch_bytes: Config::default().max_batch_bytes,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        reload_interval: Duration::from_secs(args.reload_interval.max(1)),
        open_reads: args.open_reads,
        cors_origins: args.cors_origins.clone(),
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        max_connections: args.max_connections.max(1),
        example: cli.example,
        index_dir: cli.index_dir.clone(),
    };
    let state = if cli.example {
        eprintln!("{}", crate::EXAMPLE_HEADER);
        let mut store = Store::open_in_memory()?;
        example::import_example(&mut store)?;
        AppState::new(config.clone(), vec![store])?
    } else {
        // The service answers from a database of lists, never silently from the example.
        if !crate::database_exists(&path) {
            bail!(
                "no database at {path}: import lists into it (`proscribe --db {path} import PATH`), or serve the built-in example registry with --example"
            );
        }
        let store = Store::open_at(&path).with_context(|| format!("cannot open database {path}"))?;
        if store.is_empty()? {
            bail!(
                "the database {path} holds no lists: import lists into it (`proscribe import PATH`), or serve the built-in example registry with --example"
            );
        }
        let example = example::holds_example(&store)?;
        if example {
            eprintln!("{}", crate::EXAMPLE_HEADER);
        }
        AppState::open(Config { example, ..config.clone() }, &path)?
    };
    proscribe_server::run(ServeOptions { listen: args.listen, db: path, config }, state).context("serve")
}
