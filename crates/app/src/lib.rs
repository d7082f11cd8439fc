//! proscribe's application layer: the use cases every interface shares, written once.
//!
//! The command line, the HTTP API and the web UI are adapters over this crate: they read
//! their transport's input (arguments, JSON bodies, form fields), call one function here and
//! format what it returns. A policy that two interfaces would otherwise each decide lives
//! here, in one place:
//!
//! - [`import`]: plan list files, hash them (a version's identity), stream each list into one
//!   store transaction, report what changed;
//! - [`loaded`]: read the entities in force from the store and build the screening index
//!   ([`Loaded`]); [`Indexes`] keeps the one in use, swaps a new one in atomically and keeps
//!   indexes as of past days;
//! - [`query`]: one query read from raw fields ([`query::parse_query`]), with one policy for
//!   names, kinds of entity, birth dates, countries and identifiers;
//! - [`batch`]: one reader of batch rows (CSV with a header row, JSON lines) and one writer of
//!   results (the same columns, row errors and reference separator everywhere);
//! - [`views`]: a hit as every interface shows it, and its explanation in words;
//! - [`registry`]: the registry's questions where a default is a policy (what a diff compares);
//! - [`spreadsheet`]: CSV cells no spreadsheet reads as a formula;
//! - [`webhooks`]: delivering the change feed, signed; [`secrets`]: new key and webhook secrets.
//!
//! This crate knows no HTTP server, no terminal and no argument parser.
//!
//! ```
//! use proscribe_app::query::{parse_query, QueryFields};
//!
//! let fields = QueryFields {
//!     name: Some("Amir Khan Muttaqi".into()),
//!     schema: Some("Person".into()),
//!     birth_dates: vec!["1970".into()],
//!     countries: vec!["Atlantis".into()],
//!     ..QueryFields::default()
//! };
//! let parsed = parse_query(fields).unwrap();
//! assert_eq!(parsed.query.name, "Amir Khan Muttaqi");
//! assert!(parsed.query.birth_date.is_some());
//! // An unknown country is left out of the query, and said so.
//! assert_eq!(parsed.left_out[0].to_string(), "country: unknown \"Atlantis\"");
//! ```

#![deny(missing_docs)]

pub mod batch;
pub mod clusters;
pub mod decisions;
mod error;
pub mod import;
pub mod loaded;
pub mod query;
pub mod registry;
pub mod resolve;
pub mod secrets;
pub mod spreadsheet;
pub mod views;
pub mod webhooks;

pub use error::{Error, Result};
pub use loaded::{load_index, Indexes, Loaded, Sources};

/// Today (UTC): the day designation statuses are given for when no other is asked.
pub fn today() -> proscribe_model::PartialDate {
    chrono::Utc::now().format("%Y-%m-%d").to_string().parse().expect("a formatted day parses")
}
