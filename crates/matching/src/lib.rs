//! Screening, with no I/O of its own (an [`index::Index`] is written to and opened from its
//! file through `proscribe-segment`): [`PreparedName`] (a name normalised once, split into its current
//! and former names, romanised and tokenised), [`compare_names`] (an explainable similarity
//! of two names: which token matched which and how well, what was left over) with
//! [`score_names`] as its fast path (both with `_with` variants taking the tuning constants,
//! [`CompareParams`]), [`TokenWeights`] (how informative a token is; the
//! default [`FrequencyWeights`] are learned from the real lists) and the [`metrics`] used to
//! evaluate scorers on labelled pairs.
//!
//! ```
//! use proscribe_matching::{compare_names, FrequencyWeights, PreparedName, DEFAULT_THRESHOLD};
//! use proscribe_model::Schema;
//!
//! let weights = FrequencyWeights::default_table();
//! let q = PreparedName::new("Abdul Salam Hanafi", Some(Schema::Person));
//! let c = PreparedName::new("HANAFI, Abdulsalam", Some(Schema::Person));
//! let m = compare_names(&q, &c, weights);
//! assert!(m.score >= DEFAULT_THRESHOLD);
//! assert!(m.unmatched_query.is_empty());
//!
//! let q = PreparedName::new("Hoshikaze Maru No. 8", Some(Schema::Vessel));
//! let c = PreparedName::new("Hoshikaze Maru No. 6", Some(Schema::Vessel));
//! assert!(compare_names(&q, &c, weights).score < DEFAULT_THRESHOLD);
//! ```
#![deny(missing_docs)]

mod compare;
pub mod entity;
pub mod index;
pub mod metrics;
mod prepare;
pub mod resolve;
pub mod scan;
mod similarity;
mod weights;

pub use compare::{
    compare_names, compare_names_with, score_names, score_names_with, score_pair, CompareParams, NameMatch, ParamError,
    TokenPair, DEFAULT_THRESHOLD,
};
pub use prepare::PreparedName;
pub use weights::{FrequencyWeights, TokenWeights, Uniform};
