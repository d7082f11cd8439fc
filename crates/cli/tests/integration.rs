//! End-to-end tests of the `proscribe` command on real list files and on the example
//! registry: imports, re-imports, changes, as-of queries, bad input, kills, sync and export; the token table of the name scorer.
//! registry: imports, re-imports, changes, as-of queries, bad input, kills, sync, export,
//! screening and free-text scans.

mod common;

mod architecture;
mod audit;
mod bad_input;
mod example;
mod export;
mod import;
mod kill;
mod screen;
mod serve;
mod sync;
mod token_frequencies;
mod webhooks;
mod workflow;
