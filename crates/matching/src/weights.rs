//! How informative a token is. [`TokenWeights`] is the extension point; [`Uniform`] weighs
//! every token alike, [`FrequencyWeights`] by how rare the token is among listed names: a
//! token found in few names ("Gazprom", a rare surname) weighs more than one found in many
//! ("trading", "international", "mohammad"). The default table
//! (`data/token_frequencies.tsv`) counts, for each token, the names of the real lists in
//! `shared/data/lists` it occurs in (see [`FrequencyWeights::default_table`] for the method);
//! the weight is an inverse document frequency scaled to about 1 for a token seen in a few
//! names.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use proscribe_text::Token;

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

/// FNV-1a: the keys are short words looked up for every token of every comparison, where
/// the default hasher's resistance to crafted keys costs more than it protects.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Weights from the number of names each token occurs in.
#[derive(Debug, Clone)]
pub struct FrequencyWeights {
    counts: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    names: u32,
}

/// The committed table: a header line `names<TAB>N`, then `token<TAB>count` lines.
const DEFAULT_TABLE: &str = include_str!("../data/token_frequencies.tsv");

impl FrequencyWeights {
    /// Weights from counts of tokens (by spelling key) over `names` names.
    pub fn new(counts: HashMap<String, u32>, names: u32) -> FrequencyWeights {
        FrequencyWeights { counts: counts.into_iter().collect(), names: names.max(1) }
    }

    /// Reads a table in the format of the committed one: `names<TAB>N`, then
    /// `key<TAB>count` lines. Bad lines are skipped.
    pub fn from_table(text: &str) -> FrequencyWeights {
        let mut names = 1;
        let mut counts = HashMap::new();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('\t') else { continue };
            let Ok(n) = v.trim().parse::<u32>() else { continue };
            if k == "names" {
                names = n;
            } else {
                counts.insert(k.to_string(), n);
            }
        }
        FrequencyWeights::new(counts, names)
    }

    /// The table shipped with proscribe, counted over every name (primary names and aliases)
    /// of every list in `shared/data/lists`, by the token's spelling key, only tokens found in
    /// at least three names kept. The count of a token is the number of names it occurs in.
    /// It is written by the test `token_frequencies` of the CLI's integration tests (run with
    /// `UPDATE_TOKEN_FREQUENCIES=1`), which checks it is up to date otherwise.
    pub fn default_table() -> &'static FrequencyWeights {
        static T: OnceLock<FrequencyWeights> = OnceLock::new();
        T.get_or_init(|| FrequencyWeights::from_table(DEFAULT_TABLE))
    }

    /// The number of names the token's key occurs in.
    pub fn count(&self, key: &str) -> u32 {
        self.counts.get(key).copied().unwrap_or(0)
    }
}

impl TokenWeights for FrequencyWeights {
    fn weight(&self, token: &Token) -> f64 {
        let df = f64::from(self.count(&token.key));
        let n = f64::from(self.names);
        // Inverse document frequency relative to a token seen in three names: about 1 for
        // rare tokens, down to a floor for the commonest words.
        let idf = (n / (df + 1.0)).ln();
        let reference = (n / 4.0).ln().max(1.0);
        (idf / reference).clamp(0.25, 1.2)
    }
}
