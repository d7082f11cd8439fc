//! The vocabulary of the index: the terms of every name (words, adjacent words written
//! together, runs of initials, organisations' acronyms) interned once with the inverted lists
//! of the forms that use them, their weights (inverse document frequency over names, which
//! makes the index the [`TokenWeights`] of the comparison), and every distinct token of the
//! names interned with its weight for a query's memo of token similarities.

use proscribe_model::Entity;
use proscribe_text::{skeleton, Token, TokenClass};
use rustc_hash::FxHashMap;

use super::spelling::fuzzy_by_skeleton;
use super::{Index, IndexedName};
use crate::{PreparedName, TokenWeights};

/// Weight of the commonest words, and of the rarest; a word in three names weighs about 1.
const MIN_WEIGHT: f64 = 0.25;
const MAX_WEIGHT: f64 = 1.2;

/// What a weak word (particle, honorific, legal form) counts for in retrieval, against an
/// ordinary word of the same frequency.
pub(super) const WEAK_FACTOR: f32 = 0.3;

/// A word of the vocabulary.
#[derive(Debug, Clone)]
pub(super) struct Term {
    pub(super) text: Box<str>,
    /// Two or more words of a name written together, not a word of its own.
    pub(super) joined: bool,
    /// An acronym of a name (matched only as it is, by a query word).
    pub(super) acronym: bool,
    /// A weak word (a legal form, particle or title), which no acronym stands for.
    pub(super) weak: bool,
    /// Its consonant skeleton (empty for words not looked up by skeleton).
    pub(super) skeleton: Box<str>,
    /// What it counts for in retrieval: its weight, less for a weak word.
    pub(super) rank_weight: f32,
    /// Names that contain the word.
    pub(super) df: u32,
    /// Name forms that contain the word: the length of its inverted list.
    pub(super) forms: u32,
    /// Informativeness: about 1.0 for a word found in a few names, less for common words.
    pub(super) weight: f32,
    /// Its slice of `Index::postings`.
    pub(super) start: u32,
    pub(super) len: u32,
}

impl Term {
    pub(super) fn new(text: &str, kind: TermKind) -> Term {
        let acronym = kind == TermKind::Acronym;
        let rank_weight = match kind {
            TermKind::Word { weak: true } => WEAK_FACTOR,
            // An acronym counts for the words it stands for.
            TermKind::Acronym => text.len() as f32,
            _ => 1.0,
        };
        Term {
            text: text.into(),
            joined: !matches!(kind, TermKind::Word { .. }),
            acronym,
            weak: kind == TermKind::Word { weak: true },
            skeleton: if fuzzy_by_skeleton(text) && !acronym { skeleton(text).into() } else { "".into() },
            rank_weight,
            df: 0,
            forms: 0,
            weight: 0.0,
            start: 0,
            len: 0,
        }
    }
}

/// A term as the index keeps it: what retrieval reads of it, laid out to be read in place
/// from an index file.
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(super) struct TermEntry {
    /// [`TermEntry::JOINED`], [`TermEntry::ACRONYM`], [`TermEntry::WEAK`].
    flags: u16,
    /// Length of its text in bytes.
    text_len: u16,
    /// What it counts for in retrieval: its weight, less for a weak word.
    pub(super) rank_weight: f32,
    /// Names that contain the term.
    pub(super) df: u32,
    /// Informativeness: about 1.0 for a word found in a few names, less for common words.
    pub(super) weight: f32,
    /// Its inverted list: a slice of `Index::postings`.
    pub(super) start: u32,
    pub(super) len: u32,
}

impl TermEntry {
    const JOINED: u16 = 1;
    const ACRONYM: u16 = 2;
    const WEAK: u16 = 4;

    pub(super) fn of(t: &Term) -> TermEntry {
        let flag = |on: bool, f: u16| if on { f } else { 0 };
        TermEntry {
            flags: flag(t.joined, Self::JOINED) | flag(t.acronym, Self::ACRONYM) | flag(t.weak, Self::WEAK),
            text_len: t.text.len().min(u16::MAX as usize) as u16,
            rank_weight: t.rank_weight,
            df: t.df,
            weight: t.weight,
            start: t.start,
            len: t.len,
        }
    }

    /// An acronym of a name (matched only as it is, by a query word).
    pub(super) fn acronym(&self) -> bool {
        self.flags & Self::ACRONYM != 0
    }

    /// A weak word (a legal form, particle or title), which no acronym stands for.
    pub(super) fn weak(&self) -> bool {
        self.flags & Self::WEAK != 0
    }

    /// Length of its text in bytes.
    pub(super) fn text_len(&self) -> usize {
        self.text_len as usize
    }
}

/// A distinct name while the index is built: its prepared form, its names, its terms and its
/// weight, which the index then lays out in columns.
pub(super) struct NameForm {
    pub(super) prepared: PreparedName,
    /// Positions in the index's names of the names of this form.
    pub(super) names: Vec<u32>,
    /// Vocabulary ids of its words and joined words, sorted, distinct.
    pub(super) terms: Box<[u32]>,
    /// Sum of its word weights (the lightest rendering), for the retrieval score.
    pub(super) weight: f32,
}

/// (haji, sheikh, dr) or a legal form (ltd, llc). Such words count for less in retrieval.
pub(super) fn is_weak(token: &Token) -> bool {
    matches!(token.class, TokenClass::Particle | TokenClass::Honorific | TokenClass::LegalForm(..))
}

/// What a term of a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TermKind {
    /// A word; weak (particle, honorific, legal form) or not.
    Word { weak: bool },
    /// Two adjacent words written together.
    Joined,
    /// A run of two or more initials written together (`P.P.C.` → `ppc`).
    Initials,
    /// The initials of an organisation's name from its first word (`Cartel de Jalisco Nueva
    /// Generacion` → `cjng`), which stand for the words they abbreviate.
    Acronym,
}

/// Whether a prepared name says one word alone in some rendering, but for weak words and
/// countries.
pub(super) fn says_one_word(prepared: &PreparedName) -> bool {
    prepared.forms.iter().any(|form| {
        let tokens = &prepared.variants[form.variant];
        tokens.iter().zip(&form.flags).filter(|(t, f)| !t.class.is_weak() && !f.country).count() == 1
    })
}

/// The letters a prepared name writes as initials in any rendering, as bits (bit 0 for `a`).
pub(super) fn initials_of(prepared: &PreparedName) -> u32 {
    prepared
        .variants
        .iter()
        .flatten()
        .filter(|t| t.class == TokenClass::Initial)
        .filter_map(|t| letter_bit(&t.text))
        .fold(0, |bits, bit| bits | bit)
}

/// The bit of a word's first letter (`a` to `z`) among [`initials_of`]'s.
pub(super) fn letter_bit(word: &str) -> Option<u32> {
    match word.as_bytes().first() {
        Some(&b @ b'a'..=b'z') => Some(1 << (b - b'a')),
        _ => None,
    }
}

/// The shortest acronym looked up: two letters stand for too many names.
const MIN_ACRONYM: usize = 3;

/// Acronyms of a prepared name's forms that start at the form's first word, with the
/// positions of the words they stand for.
pub(super) fn acronyms(prepared: &PreparedName) -> impl Iterator<Item = (usize, &str, u8, u8)> {
    prepared.forms.iter().flat_map(|form| {
        let first = prepared.variants[form.variant].iter().position(|t| t.class == TokenClass::Word);
        form.acronyms
            .iter()
            .filter(move |(letters, s0, _)| Some(*s0 as usize) == first && letters.len() >= MIN_ACRONYM)
            .map(move |(letters, s0, s1)| (form.variant, letters.as_str(), *s0, *s1))
    })
}

/// Calls `f` with each word of a name, each pair of adjacent words written together, and
/// each run of initials written together.
fn name_terms(prepared: &PreparedName, mut f: impl FnMut(&str, TermKind)) {
    let mut joined = String::new();
    for variant in &prepared.variants {
        let mut run = String::new();
        for (i, t) in variant.iter().enumerate() {
            f(&t.text, TermKind::Word { weak: is_weak(t) });
            if let Some(next) = variant.get(i + 1) {
                joined.clear();
                joined.push_str(&t.text);
                joined.push_str(&next.text);
                f(&joined, TermKind::Joined);
            }
            if t.class == TokenClass::Initial {
                run.push_str(&t.text);
            } else {
                if run.len() > 2 {
                    f(&run, TermKind::Initials);
                }
                run.clear();
            }
        }
        if run.len() > 2 {
            f(&run, TermKind::Initials);
        }
    }
    for (_, letters, _, _) in acronyms(prepared) {
        f(letters, TermKind::Acronym);
    }
}

/// The vocabulary of the names and the forms that use it, as [`intern`] makes them.
pub(super) struct Interned {
    /// Words of names.
    pub(super) vocab: FxHashMap<Box<str>, u32>,
    /// Adjacent words of names written together, runs of initials and acronyms.
    pub(super) joins: FxHashMap<Box<str>, u32>,
    pub(super) terms: Vec<Term>,
    pub(super) names: Vec<IndexedName>,
    pub(super) forms: Vec<NameForm>,
}

/// Interns the terms of every prepared name with its members (entity and name positions),
/// counting the names and forms that use each term; forms that normalise to nothing are left
/// out. Each form lists its names, in entity order.
pub(super) fn intern(prepared: Vec<PreparedName>, members: Vec<Vec<(u32, u32)>>, entities: &[Entity]) -> Interned {
    let mut vocab: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut joins: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut terms: Vec<Term> = Vec::new();
    let mut names: Vec<IndexedName> = Vec::new();
    let mut forms: Vec<NameForm> = Vec::with_capacity(prepared.len());
    for (p, members) in prepared.into_iter().zip(members) {
        if p.variants.iter().all(|v| v.is_empty()) {
            continue;
        }
        let mut ids: Vec<u32> = Vec::new();
        name_terms(&p, |text, kind| {
            let map = if matches!(kind, TermKind::Word { .. }) { &mut vocab } else { &mut joins };
            let id = match map.get(text) {
                Some(&id) => id,
                None => {
                    let id = terms.len() as u32;
                    map.insert(text.into(), id);
                    terms.push(Term::new(text, kind));
                    id
                }
            };
            ids.push(id);
        });
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            terms[id as usize].df += members.len() as u32;
            terms[id as usize].forms += 1;
        }
        let form = forms.len() as u32;
        for (ei, ni) in members {
            let kind = entities[ei as usize].names[ni as usize].kind;
            names.push(IndexedName::new(ei, ni, kind, form));
        }
        forms.push(NameForm { prepared: p, names: Vec::new(), terms: ids.into_boxed_slice(), weight: 0.0 });
    }
    // Names in entity order, so that an entity's names are one run.
    names.sort_by_key(|n| (n.entity, n.position));
    for (i, n) in names.iter().enumerate() {
        forms[n.form as usize].names.push(i as u32);
    }
    Interned { vocab, joins, terms, names, forms }
}

/// Weighs the terms: inverse document frequency over `names` names, relative to a word found
/// in three names (about 1), down to a floor for the commonest words. Returns the weight of a
/// word no name uses.
pub(super) fn weigh_terms(terms: &mut [Term], names: usize) -> f32 {
    let n = names.max(4) as f64;
    let reference = (n / 4.0).ln().max(1.0);
    let weight_of = |df: u32| ((n / (df as f64 + 1.0)).ln() / reference).clamp(MIN_WEIGHT, MAX_WEIGHT) as f32;
    for t in terms {
        t.weight = weight_of(t.df);
        t.rank_weight *= t.weight;
    }
    weight_of(0)
}

/// The inverted lists (of forms) of the terms, laid out one after another; each term gets its
/// slice.
pub(super) fn inverted_lists(terms: &mut [Term], forms: &[NameForm]) -> Vec<u32> {
    let mut start = 0u32;
    for t in terms.iter_mut() {
        t.start = start;
        t.len = t.forms;
        start += t.forms;
    }
    let mut postings = vec![0u32; start as usize];
    let mut fill: Vec<u32> = terms.iter().map(|t| t.start).collect();
    for (i, form) in forms.iter().enumerate() {
        for &id in form.terms.iter() {
            postings[fill[id as usize] as usize] = i as u32;
            fill[id as usize] += 1;
        }
    }
    postings
}

/// Weighs the forms for retrieval: the lightest rendering's words (joined words are
/// alternatives).
pub(super) fn weigh_forms(forms: &mut [NameForm], vocab: &FxHashMap<Box<str>, u32>, terms: &[Term]) {
    for form in forms {
        form.weight = form
            .prepared
            .variants
            .iter()
            .map(|v| {
                v.iter().map(|t| vocab.get(t.text.as_str()).map_or(0.0, |&id| terms[id as usize].rank_weight)).sum()
            })
            .fold(f32::INFINITY, f32::min);
    }
}

/// Gives every distinct token of the names an id, by which a query remembers its similarity
/// to a token of its own across the candidates that share it, and keeps each token's weight
/// beside it, which spares a comparison looking it up.
pub(super) fn intern_tokens(
    forms: &mut [NameForm],
    vocab: &FxHashMap<Box<str>, u32>,
    terms: &[Term],
    unseen_weight: f32,
) {
    let mut token_ids: FxHashMap<&Token, u32> = FxHashMap::default();
    let weight = |word: &str| vocab.get(word).map_or(unseen_weight, |&id| terms[id as usize].weight);
    let mut ids: Vec<Vec<(Vec<u32>, Vec<f32>)>> = Vec::with_capacity(forms.len());
    for f in forms.iter() {
        let p = &f.prepared;
        let mut of_form = Vec::with_capacity(p.forms.len());
        for form in &p.forms {
            let tokens = &p.variants[form.variant];
            let mut of_list = Vec::with_capacity(tokens.len());
            for t in tokens {
                let next = token_ids.len() as u32;
                of_list.push(*token_ids.entry(t).or_insert(next));
            }
            of_form.push((of_list, tokens.iter().map(|t| weight(&t.text)).collect()));
        }
        ids.push(of_form);
    }
    drop(token_ids);
    for (f, ids) in forms.iter_mut().zip(ids) {
        for (form, (ids, weights)) in f.prepared.forms.iter_mut().zip(ids) {
            form.ids = ids;
            form.weights = weights;
        }
    }
}

impl Index {
    /// The weight of a word given as text: [`TokenWeights::weight`] without a [`Token`].
    pub fn word_weight(&self, word: &str) -> f64 {
        self.vocab.get_one(word).map_or(self.unseen_weight, |id| self.terms[id as usize].weight) as f64
    }

    /// How many names contain `word` (0 for a word no name uses).
    pub fn word_frequency(&self, word: &str) -> usize {
        self.vocab.get_one(word).map_or(0, |id| self.terms[id as usize].df as usize)
    }
}

impl TokenWeights for Index {
    fn weight(&self, token: &Token) -> f64 {
        self.word_weight(&token.text)
    }
}
