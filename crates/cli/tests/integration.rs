//! End-to-end tests of the `proscribe` command on real list files and on the example
//! registry: imports, re-imports, changes, as-of queries, bad input, kills, sync, export,
//! screening and free-text scans, the token table of the name scorer, the HTTP service, the
//! workflow, the web UI in a real browser, several servers on one PostgreSQL database, and the
//! commands of README and docs/.

mod common;

mod architecture;
mod audit;
mod bad_input;
mod example;
mod export;
mod import;
mod kill;
mod readme;
mod replicas;
mod resolve;
mod screen;
mod serve;
mod sync;
mod token_frequencies;
mod ui;
mod webhooks;
mod workflow;
