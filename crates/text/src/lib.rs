//! Name normalisation for screening, with no I/O: [`fold`] (case, diacritics, punctuation,
//! spacing), [`romanize`] (one or more Latin renderings of a name in any script) and
//! [`tokens`] (words classified as particles, honorifics, legal forms, numbers or initials,
//! each with a consonant [`Token::skeleton`] that survives vowel spelling differences).
//!
//! ```
//! use proscribe_text::{fold, tokens, TokenClass};
//!
//! assert_eq!(fold("  O'Brien-Müller, Ltd. "), "obrien muller ltd");
//! let t = tokens("vessel no 8");
//! assert_eq!(t[2].class, TokenClass::Number);
//! ```
#![deny(missing_docs)]

use unicode_normalization::UnicodeNormalization;

/// What a token is, for weighting it in comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenClass {
    /// An ordinary word of a name.
    Word,
    /// A number ("No. 8" in a vessel name): significant, compared exactly.
    Number,
    /// A single letter standing for a name.
    Initial,
    /// A name particle (al, bin, ibn, abu, van, de): weak.
    Particle,
    /// An honorific or title (mullah, haji, sheikh, dr): weak.
    Honorific,
    /// A company legal form, canonicalised (ltd/limited/ооо → `llc`).
    LegalForm(&'static str),
}

/// A word of a folded Latin name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    /// The folded text (lower-case ASCII letters and digits).
    pub text: String,
    /// What kind of word it is.
    pub class: TokenClass,
    /// A consonant skeleton for comparing spellings (`mohammed` and `muhammad` → `mhmd`).
    pub skeleton: String,
}

/// Folds text for comparison: compatibility decomposition, diacritics removed, lower case,
/// punctuation and runs of spaces turned into one space; apostrophes vanish (`O'Brien` →
/// `obrien`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c == '\'' || c == '’' || c == '`' || c == 'ʼ' || c == 'ʻ' {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// Latin renderings of a name, folded: the name itself when it is Latin, else one or more
/// transliterations.
pub fn romanize(text: &str) -> Vec<String> {
    let folded = fold(text);
    if folded.is_ascii() {
        return vec![folded];
    }
    vec![fold(&any_ascii::any_ascii(&folded))]
}

/// Splits a folded Latin name into classified tokens.
pub fn tokens(folded: &str) -> Vec<Token> {
    folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let class = if w.bytes().all(|b| b.is_ascii_digit()) {
                TokenClass::Number
            } else if w.chars().count() == 1 {
                TokenClass::Initial
            } else {
                TokenClass::Word
            };
            Token { text: w.to_string(), class, skeleton: skeleton(w) }
        })
        .collect()
}

/// The consonant skeleton of a folded word: vowels (after the first letter) dropped and
/// doubled letters collapsed.
pub fn skeleton(word: &str) -> String {
    let mut out = String::new();
    for (i, c) in word.chars().enumerate() {
        if i > 0 && matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            continue;
        }
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}
