//! Screening, with no I/O: [`PreparedName`] (a name normalised once), [`compare_names`] (an
//! explainable similarity of two names) and, later, the candidate index and entity scoring.
#![deny(missing_docs)]

pub mod entity;
pub mod index;
pub mod scan;

use proscribe_model::Schema;
use proscribe_text::{romanize, tokens, Token};
use serde::Serialize;

/// A name prepared for comparison: its Latin renderings as token lists.
#[derive(Debug, Clone)]
pub struct PreparedName {
    /// The name as given.
    pub original: String,
    /// One token list per Latin rendering.
    pub variants: Vec<Vec<Token>>,
}

impl PreparedName {
    /// Prepares a name of an entity of `schema` (if known).
    pub fn new(name: &str, _schema: Option<Schema>) -> PreparedName {
        let variants = romanize(name).iter().map(|v| tokens(v)).collect();
        PreparedName { original: name.to_string(), variants }
    }
}

/// How one query token matched a candidate token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenPair {
    /// The query token.
    pub query: String,
    /// The candidate token.
    pub candidate: String,
    /// Their similarity in [0, 1].
    pub similarity: f64,
}

/// The result of comparing two names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameMatch {
    /// Similarity in [0, 1].
    pub score: f64,
    /// Aligned token pairs.
    pub pairs: Vec<TokenPair>,
    /// Query tokens left unmatched.
    pub unmatched_query: Vec<String>,
    /// Candidate tokens left unmatched.
    pub unmatched_candidate: Vec<String>,
}

/// How informative a token is: a rare surname weighs more than "trading" or "ltd". The
/// candidate index implements it from the frequencies of tokens over all listed names.
pub trait TokenWeights {
    /// The weight of a token, about 1.0 for an ordinary word.
    fn weight(&self, token: &Token) -> f64;
}

/// Every token weighs 1.0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uniform;

impl TokenWeights for Uniform {
    fn weight(&self, _token: &Token) -> f64 {
        1.0
    }
}

/// Compares two prepared names, weighting tokens by `weights`.
pub fn compare_names(q: &PreparedName, c: &PreparedName, _weights: &dyn TokenWeights) -> NameMatch {
    let mut best = NameMatch { score: 0.0, pairs: vec![], unmatched_query: vec![], unmatched_candidate: vec![] };
    for qv in &q.variants {
        for cv in &c.variants {
            let a: Vec<&str> = qv.iter().map(|t| t.text.as_str()).collect();
            let b: Vec<&str> = cv.iter().map(|t| t.text.as_str()).collect();
            let score = strsim::jaro_winkler(&a.join(" "), &b.join(" "));
            if score > best.score {
                best.score = score;
            }
        }
    }
    best
}
