//! The candidate index: every name of every listed entity, prepared once, with inverted lists
//! from words to names and three ways to find a word spelled differently (its consonant
//! skeleton, its one-letter deletions, and adjacent words written together). A query gets a
//! small set of candidate names ranked by the weighted share of words they have in common,
//! and only those are scored with [`compare_names`](crate::compare_names). Word weights come
//! from how many names use each word (inverse document frequency), so the index is also the
//! [`TokenWeights`] of the comparison. [`SharedIndex`] holds the index behind an `Arc` that a
//! rebuild replaces atomically while queries go on with the one they started with.

use std::cell::RefCell;
use std::hash::Hasher;
use std::sync::Arc;

use arc_swap::ArcSwap;
use proscribe_model::{Entity, NameKind, Schema};
use proscribe_text::{skeleton, Token, TokenClass};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use crate::{PreparedName, TokenWeights};

/// How many name forms the index hands over for scoring when the caller does not say (those
/// far behind the best are then dropped, see `entity::CANDIDATE_RATIO`): with these, the index
/// returns all but about 0.5% of brute force's top-10 matches on OFAC's aliases (BENCHMARKS.md).
pub const DEFAULT_CANDIDATES: usize = 80;

/// Likeness of two words with one spelling key (what the comparison gives them).
const KEY_LIKENESS: f32 = 0.97;

/// How much a word found through a shared deletion key (one edit apart, or two edits at the
/// same place) counts in retrieval, against 1 for the word itself: an edit in a short word
/// changes more of it. Retrieval only ranks candidates; the comparison of names decides how
/// alike they are.
fn deletion_likeness(shorter: usize) -> f32 {
    (1.0 - 1.2 / shorter.max(1) as f32).max(0.5)
}

/// How much a word with the same consonant skeleton counts in retrieval, by the number of
/// consonants: two (`vl` of `wole` and `valle`) say little, four say much.
fn skeleton_likeness(skeleton: &str) -> f32 {
    match skeleton.len() {
        0..=2 => 0.6,
        3 => 0.75,
        _ => 0.85,
    }
}

/// How much a word written without vowels counts when its consonants are the query word's.
const VOWELLESS_LIKENESS: f32 = 0.9;

/// Names that share with the query a word found in at most this many distinct names are
/// always proposed, whatever their rank: a rare surname matched exactly is worth a comparison.
const ANCHOR_MAX_FORMS: u32 = 8;

/// Weight of the commonest words, and of the rarest; a word in three names weighs about 1.
const MIN_WEIGHT: f64 = 0.25;
const MAX_WEIGHT: f64 = 1.2;

/// What a weak word (particle, honorific, legal form) counts for in retrieval, against an
/// ordinary word of the same frequency.
const WEAK_FACTOR: f32 = 0.3;

/// Query words beyond this many are ignored by retrieval (a name has a handful of words;
/// this bounds the work on pathological input).
const MAX_QUERY_TERMS: usize = 48;

/// Inverted lists shorter than this are always walked: checking whether walking them can
/// still change the ranking costs more.
const MEMBERSHIP_MIN_POSTINGS: usize = 256;

/// A name of an indexed entity.
#[derive(Debug, Clone)]
pub struct IndexedName {
    /// Position of its entity in [`Index::entities`].
    pub entity: u32,
    /// Position of the name in its entity's `names`.
    pub position: u32,
    /// Primary, alias, weak alias, ...
    pub kind: NameKind,
    /// Its form: the name as written, prepared once for every entity of the same kind that
    /// bears it (the same person is often on several lists under the same names).
    pub form: u32,
}

/// A distinct name (its text and the kind of entity it names), prepared once: what retrieval
/// finds and what is compared.
#[derive(Debug, Clone)]
pub struct NameForm {
    /// The name normalised for comparison.
    pub prepared: PreparedName,
    /// Positions in [`Index::names`] of the names of this form.
    pub names: Vec<u32>,
    /// Vocabulary ids of its words and joined words, sorted, distinct.
    terms: Box<[u32]>,
    /// Sum of its word weights (the lightest rendering), for the retrieval score.
    weight: f32,
}

/// A word of the vocabulary.
#[derive(Debug, Clone)]
struct Term {
    text: Box<str>,
    /// Two or more words of a name written together, not a word of its own.
    joined: bool,
    /// An acronym of a name (matched only as it is, by a query word).
    acronym: bool,
    /// A weak word (a legal form, particle or title), which no acronym stands for.
    weak: bool,
    /// Its consonant skeleton (empty for words not looked up by skeleton).
    skeleton: Box<str>,
    /// What it counts for in retrieval: its weight, less for a weak word.
    rank_weight: f32,
    /// Names that contain the word.
    df: u32,
    /// Name forms that contain the word: the length of its inverted list.
    forms: u32,
    /// Informativeness: about 1.0 for a word found in a few names, less for common words.
    weight: f32,
    /// Its slice of `Index::postings`.
    start: u32,
    len: u32,
}

/// A term as the spelling maps hold it: what the lookup needs without touching the term.
#[derive(Debug, Clone, Copy)]
struct Spelling {
    term: u32,
    /// Length of the term in bytes (at most 255 counted).
    len: u8,
    /// Several words written together.
    joined: bool,
    /// Written without vowels (a romanised Arabic or Hebrew name: `mhmd`, `wly`), so that its
    /// consonants are all there is to match.
    vowelless: bool,
    /// Hash of the exact consonant skeleton.
    skeleton: u64,
}

/// A name form that retrieval proposes for scoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Position in [`Index::forms`].
    pub form: u32,
    /// Retrieval score in [0, 1]: the weighted share of words the names have in common.
    pub score: f32,
}

/// Figures about an index, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Entities indexed.
    pub entities: usize,
    /// Names indexed (names that normalise to nothing are left out).
    pub names: usize,
    /// Distinct names (text and kind of entity).
    pub forms: usize,
    /// Distinct words and joined word pairs.
    pub terms: usize,
    /// Entries in the inverted lists.
    pub postings: usize,
}

/// The in-memory candidate index over all names of a set of entities.
pub struct Index {
    entities: Vec<Entity>,
    /// What screening asks of each entity before comparing its names, apart for locality.
    facts: crate::entity::Facts,
    names: Vec<IndexedName>,
    forms: Vec<NameForm>,
    /// The forms' weights, apart for locality: retrieval reads one per form found.
    form_weights: Vec<f32>,
    /// Per form: it says one word alone, but for weak words and countries (`PLA`, `PLA
    /// China`), the only names that a query's acronym of three letters or fewer may be.
    form_alone: Vec<bool>,
    /// Words of names.
    vocab: FxHashMap<Box<str>, u32>,
    /// Adjacent words of names written together (`abdul salam` → `abdulsalam`).
    joins: FxHashMap<Box<str>, u32>,
    terms: Vec<Term>,
    postings: Vec<u32>,
    /// Words (and words written together) by voicing-blind consonant skeleton.
    by_skeleton: FxHashMap<Box<str>, Vec<Spelling>>,
    /// Words by deletion key.
    by_deletion: FxHashMap<u64, Vec<Spelling>>,
    /// Words by spelling key (`attiyah` and `atia` share `atia`; see `proscribe_text::key`).
    by_key: FxHashMap<Box<str>, Vec<u32>>,
    by_identifier: FxHashMap<String, Vec<u32>>,
    /// Weight of a word no listed name uses.
    unseen_weight: f32,
    /// Tells this index from every other built by the process (see [`Index::stamp`]).
    stamp: u64,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("stats", &self.stats()).finish()
    }
}

/// Folds an identifying number for exact comparison: letters and digits only, upper case,
/// and an `IMO` prefix dropped (`IMO 9123456`, `9123456` and `9 123 456` are one number).
pub fn normalise_identifier(number: &str) -> String {
    let out: String = number.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_uppercase()).collect();
    match out.strip_prefix("IMO") {
        Some(rest) if rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
        _ => out,
    }
}

/// Identifiers shorter than this (after [`normalise_identifier`]) are too likely to repeat by
/// chance to count as evidence.
pub const MIN_IDENTIFIER_LEN: usize = 5;

fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(b);
    h.finish()
}

/// Calls `f` with the hash of `word` and of every string made by deleting one character of it.
/// Two words share such a key when they are at most one deletion each from a common string,
/// which covers one substitution, insertion, deletion or swap of neighbours.
fn deletion_keys(word: &str, buf: &mut Vec<u8>, mut f: impl FnMut(u64)) {
    f(hash_str(word));
    let w = word.as_bytes();
    if word.is_ascii() && !w.is_empty() {
        // Deleting letter `i` rather than letter `i - 1` changes one letter of what is left.
        buf.clear();
        buf.extend_from_slice(&w[1..]);
        f(hash_bytes(buf));
        for i in 1..w.len() {
            buf[i - 1] = w[i - 1];
            // Deleting either letter of a double gives the same string.
            if w[i] != w[i - 1] {
                f(hash_bytes(buf));
            }
        }
        return;
    }
    let mut prev: Option<char> = None;
    for (i, c) in word.char_indices() {
        // Deleting either letter of a double gives the same string.
        if prev == Some(c) {
            continue;
        }
        prev = Some(c);
        buf.clear();
        buf.extend_from_slice(&w[..i]);
        buf.extend_from_slice(&w[i + c.len_utf8()..]);
        f(hash_bytes(buf));
    }
}

/// Words that may have spelling variants found by deletion keys: letters only, long enough
/// that one edit leaves something distinctive.
fn fuzzy_by_deletion(word: &str) -> bool {
    word.len() >= 4 && word.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A consonant skeleton with voiced and unvoiced consonants merged (`gtf` of `ghathafi` and
/// `gdf` of `gaddafi` both become `gdb`): transcriptions swap them freely. The article of an
/// `abd` compound is dropped (see [`coarse_into`]).
fn coarse(skeleton: &str) -> String {
    let mut out = String::with_capacity(skeleton.len());
    coarse_into(skeleton, &mut out);
    out
}

/// [`coarse`] written into `out`, which is cleared first.
fn coarse_into(skeleton: &str, out: &mut String) {
    out.clear();
    if skeleton.is_ascii() {
        let mut last = None;
        for b in skeleton.bytes() {
            let b = match b {
                b'p' | b'f' | b'v' => b'b',
                b't' => b'd',
                b'k' | b'q' => b'g',
                b'z' => b's',
                b => b,
            };
            if last != Some(b) {
                out.push(char::from(b));
                last = Some(b);
            }
        }
    } else {
        for c in skeleton.chars() {
            let c = match c {
                'p' | 'f' | 'v' => 'b',
                't' => 'd',
                'k' | 'q' => 'g',
                'z' => 's',
                c => c,
            };
            if !out.ends_with(c) {
                out.push(c);
            }
        }
    }
    // Arabic compounds of `abd` are written with the article or without (`Abdul Rahman`,
    // `Abd-Rabbuh`, `Abdel`): `abdl…` reads as `abd…`, so that `Abdulraboh` finds `Abd Rabbuh`
    // written together.
    if out.len() > 4 && out.starts_with("abdl") {
        out.remove(3);
    }
}

/// Words whose consonant skeleton is worth looking up.
fn fuzzy_by_skeleton(word: &str) -> bool {
    word.len() >= 3 && word.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Whether a word says little about who is named: a particle (al, bin, van), an honorific
/// (haji, sheikh, dr) or a legal form (ltd, llc). Such words count for less in retrieval.
fn is_weak(token: &Token) -> bool {
    matches!(token.class, TokenClass::Particle | TokenClass::Honorific | TokenClass::LegalForm(..))
}

/// What a term of a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermKind {
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
fn says_one_word(prepared: &PreparedName) -> bool {
    prepared.forms.iter().any(|form| {
        let tokens = &prepared.variants[form.variant];
        tokens.iter().zip(&form.flags).filter(|(t, f)| !t.class.is_weak() && !f.country).count() == 1
    })
}

/// The shortest acronym looked up: two letters stand for too many names.
const MIN_ACRONYM: usize = 3;

/// Acronyms of a prepared name's forms that start at the form's first word, with the
/// positions of the words they stand for.
fn acronyms(prepared: &PreparedName) -> impl Iterator<Item = (usize, &str, u8, u8)> {
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

impl Index {
    /// Builds the index over `entities`: every name of every kind is indexed (the scoring
    /// decides what a weak alias is worth). Names are prepared on all cores.
    pub fn build(entities: impl IntoIterator<Item = Entity>) -> Index {
        let entities: Vec<Entity> = entities.into_iter().collect();
        // One form per distinct name of each kind of entity, prepared on all cores.
        let mut form_of: FxHashMap<(Schema, &str), u32> = FxHashMap::default();
        let mut keys: Vec<(Schema, &str)> = Vec::new();
        let mut members: Vec<Vec<(u32, u32)>> = Vec::new();
        for (ei, e) in entities.iter().enumerate() {
            for (ni, n) in e.names.iter().enumerate() {
                let key = (e.schema, n.full.as_str());
                let f = *form_of.entry(key).or_insert_with(|| {
                    keys.push(key);
                    members.push(Vec::new());
                    (keys.len() - 1) as u32
                });
                members[f as usize].push((ei as u32, ni as u32));
            }
        }
        let prepared: Vec<PreparedName> =
            keys.par_iter().map(|&(schema, full)| PreparedName::new(full, Some(schema))).collect();
        // Names written differently but prepared alike (`Samir DA'BUL`, `DABUL, Samir`, as
        // several lists write one person) are one form: found and compared once.
        let (prepared, members) = merge_alike(prepared, members);

        // Vocabulary and the terms of each form.
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
                let joined = !matches!(kind, TermKind::Word { .. });
                let map = if joined { &mut joins } else { &mut vocab };
                let id = match map.get(text) {
                    Some(&id) => id,
                    None => {
                        let id = terms.len() as u32;
                        map.insert(text.into(), id);
                        let acronym = kind == TermKind::Acronym;
                        let rank_weight = match kind {
                            TermKind::Word { weak: true } => WEAK_FACTOR,
                            // An acronym counts for the words it stands for.
                            TermKind::Acronym => text.len() as f32,
                            _ => 1.0,
                        };
                        terms.push(Term {
                            text: text.into(),
                            joined,
                            acronym,
                            weak: kind == TermKind::Word { weak: true },
                            skeleton: if fuzzy_by_skeleton(text) && !acronym {
                                skeleton(text).into()
                            } else {
                                "".into()
                            },
                            rank_weight,
                            df: 0,
                            forms: 0,
                            weight: 0.0,
                            start: 0,
                            len: 0,
                        });
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
                names.push(IndexedName { entity: ei, position: ni, kind, form });
            }
            forms.push(NameForm { prepared: p, names: Vec::new(), terms: ids.into_boxed_slice(), weight: 0.0 });
        }
        // Names in entity order, so that an entity's names are one run.
        names.sort_by_key(|n| (n.entity, n.position));
        for (i, n) in names.iter().enumerate() {
            forms[n.form as usize].names.push(i as u32);
        }

        // Weights: inverse document frequency over names, relative to a word found in three
        // names (about 1), down to a floor for the commonest words.
        let n = names.len().max(4) as f64;
        let reference = (n / 4.0).ln().max(1.0);
        let weight_of = |df: u32| ((n / (df as f64 + 1.0)).ln() / reference).clamp(MIN_WEIGHT, MAX_WEIGHT) as f32;
        for t in &mut terms {
            t.weight = weight_of(t.df);
            t.rank_weight *= t.weight;
        }
        let unseen_weight = weight_of(0);

        // Inverted lists (of forms), laid out one after another.
        let mut start = 0u32;
        for t in &mut terms {
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

        // Form weights: the lightest rendering's words (joined words are alternatives).
        for form in &mut forms {
            form.weight = form
                .prepared
                .variants
                .iter()
                .map(|v| {
                    v.iter().map(|t| vocab.get(t.text.as_str()).map_or(0.0, |&id| terms[id as usize].rank_weight)).sum()
                })
                .fold(f32::INFINITY, f32::min);
        }

        // Every distinct token of the names gets an id, by which a query remembers its
        // similarity to a token of its own across the candidates that share it.
        let mut token_ids: FxHashMap<&Token, u32> = FxHashMap::default();
        // Their weights are kept beside them, which spares a comparison looking them up.
        let weight = |word: &str| vocab.get(word).map_or(unseen_weight, |&id| terms[id as usize].weight);
        let mut ids: Vec<Vec<(Vec<u32>, Vec<f32>)>> = Vec::with_capacity(forms.len());
        for f in &forms {
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

        // Spelling variants of words and of words written together (`sa-id` and `sayid`,
        // `xu bin` and `shubin`).
        let mut by_skeleton: FxHashMap<Box<str>, Vec<Spelling>> = FxHashMap::default();
        let mut by_deletion: FxHashMap<u64, Vec<Spelling>> = FxHashMap::default();
        let mut by_key: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut buf = Vec::new();
        for (id, t) in terms.iter().enumerate() {
            if !t.joined && !t.acronym && t.text.len() > 2 {
                by_key.entry(proscribe_text::key(&t.text).into()).or_default().push(id as u32);
            }
            let spelling = Spelling {
                term: id as u32,
                len: t.text.len().min(255) as u8,
                joined: t.joined,
                vowelless: t.text.len() > 2
                    && !t.text.bytes().skip(1).any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')),
                skeleton: hash_str(&t.skeleton),
            };
            if !t.skeleton.is_empty() {
                by_skeleton.entry(coarse(&t.skeleton).into()).or_default().push(spelling);
            }
            if fuzzy_by_deletion(&t.text) && !t.acronym {
                deletion_keys(&t.text, &mut buf, |k| {
                    let list = by_deletion.entry(k).or_default();
                    if list.last().is_none_or(|l| l.term != id as u32) {
                        list.push(spelling);
                    }
                });
            }
        }

        let mut by_identifier: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (ei, e) in entities.iter().enumerate() {
            for id in &e.identifiers {
                let key = normalise_identifier(&id.number);
                if key.len() >= MIN_IDENTIFIER_LEN {
                    let list = by_identifier.entry(key).or_default();
                    if list.last() != Some(&(ei as u32)) {
                        list.push(ei as u32);
                    }
                }
            }
        }

        let form_weights = forms.iter().map(|f| f.weight).collect();
        let form_alone = forms.iter().map(|f| says_one_word(&f.prepared)).collect();
        let facts = crate::entity::Facts::of_all(&entities);
        Index {
            entities,
            facts,
            names,
            forms,
            form_weights,
            form_alone,
            vocab,
            joins,
            terms,
            postings,
            by_skeleton,
            by_deletion,
            by_key,
            by_identifier,
            unseen_weight,
            stamp: {
                static BUILT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }

    /// A number no other index built by the process has: what is known of this index's
    /// interned tokens (a thread's memo of their similarities) holds for it alone.
    pub(crate) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The indexed entities, in the order they were given.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entities' evidence besides names, in brief.
    pub(crate) fn facts(&self) -> &crate::entity::Facts {
        &self.facts
    }

    /// The indexed names.
    pub fn names(&self) -> &[IndexedName] {
        &self.names
    }

    /// The distinct names (text and kind of entity) of the index.
    pub fn forms(&self) -> &[NameForm] {
        &self.forms
    }

    /// Name `name` as its entity's list writes it (its form may be another name's writing).
    pub fn name_text(&self, name: u32) -> &str {
        let n = &self.names[name as usize];
        &self.entities[n.entity as usize].names[n.position as usize].full
    }

    /// The prepared form of name `name`.
    pub fn prepared(&self, name: u32) -> &PreparedName {
        &self.forms[self.names[name as usize].form as usize].prepared
    }

    /// Figures about the index.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            entities: self.entities.len(),
            names: self.names.len(),
            forms: self.forms.len(),
            terms: self.terms.len(),
            postings: self.postings.len(),
        }
    }

    /// The entities that carry an identifying number equal to `number` (after
    /// [`normalise_identifier`]); none for numbers shorter than [`MIN_IDENTIFIER_LEN`].
    pub fn entities_with_identifier(&self, number: &str) -> &[u32] {
        let key = normalise_identifier(number);
        if key.len() < MIN_IDENTIFIER_LEN {
            return &[];
        }
        self.by_identifier.get(&key).map_or(&[], |v| v.as_slice())
    }

    /// The weight of a word given as text: [`TokenWeights::weight`] without a [`Token`].
    pub fn word_weight(&self, word: &str) -> f64 {
        self.vocab.get(word).map_or(self.unseen_weight, |&id| self.terms[id as usize].weight) as f64
    }

    /// Whether some listed name uses `word` or a spelling of it (as the index finds spellings).
    pub fn knows_word(&self, word: &str) -> bool {
        if self.vocab.contains_key(word) || self.joins.contains_key(word) {
            return true;
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.forms.len(), self.terms.len());
            let (mut out, mut work) = (Vec::new(), SpellingWork::default());
            self.spellings(word, false, &mut out, &mut s.terms, &mut work);
            !out.is_empty()
        })
    }

    /// How many names contain `word` (0 for a word no name uses).
    pub fn word_frequency(&self, word: &str) -> usize {
        self.vocab.get(word).map_or(0, |&id| self.terms[id as usize].df as usize)
    }

    /// Terms that `word` may be a spelling of, each with its likeness (1.0 for the word
    /// itself), best first. A query word may be listed words written together; query words
    /// written together (`joined`) are only looked up as a listed word, so that no pair of
    /// words is counted twice.
    fn spellings(
        &self,
        word: &str,
        joined: bool,
        out: &mut Vec<(u32, f32)>,
        seen: &mut Marks,
        work: &mut SpellingWork,
    ) {
        let buf = &mut work.buf;
        out.clear();
        seen.next();
        let mut push = |id: u32, likeness: f32, out: &mut Vec<(u32, f32)>| {
            if seen.mark(id as usize) {
                out.push((id, likeness));
            }
        };
        if let Some(&id) = self.vocab.get(word) {
            push(id, 1.0, out);
        }
        if !joined {
            if let Some(&id) = self.joins.get(word) {
                push(id, 1.0, out);
            }
        }
        // The spelling key, for itself and for the skeleton.
        let by_skeleton = fuzzy_by_skeleton(word);
        let word_key =
            if (!joined && word.len() > 2) || by_skeleton { proscribe_text::key(word) } else { String::new() };
        // Words spelt alike by the spelling rules of the comparison.
        if !joined && word.len() > 2 {
            for &id in self.by_key.get(word_key.as_str()).map_or(&[][..], |v| v.as_slice()) {
                push(id, KEY_LIKENESS, out);
            }
        }
        // Spellings of one word differ little in length; anything else a shared key brings
        // in is noise.
        let len = word.len().min(255) as u8;
        let near = |sp: &Spelling| sp.len.abs_diff(len) <= 2 && !(joined && sp.joined);
        if fuzzy_by_deletion(word) {
            deletion_keys(word, &mut work.deletion, |k| {
                for sp in self.by_deletion.get(&k).map_or(&[][..], |v| v.as_slice()) {
                    if near(sp) {
                        push(sp.term, deletion_likeness(len.min(sp.len) as usize), out);
                    }
                }
            });
        }
        if by_skeleton {
            let key = proscribe_text::skeleton_of_key(&word_key);
            coarse_into(&key, buf);
            if let Some(list) = self.by_skeleton.get(buf.as_str()) {
                let likeness = skeleton_likeness(&key);
                let exact = hash_str(&key);
                for sp in list {
                    if near(sp) {
                        // Consonants that differ in voicing only count for a little less; a word
                        // written without vowels matches by its consonants.
                        let likeness = if sp.vowelless { VOWELLESS_LIKENESS } else { likeness };
                        push(sp.term, if sp.skeleton == exact { likeness } else { likeness * 0.9 }, out);
                    }
                }
            }
        }
        // Terms are distinct: the order is total, and a sort of plain integers gives it.
        let keys = &mut work.keys;
        keys.clear();
        keys.extend(out.iter().map(|&(term, likeness)| rank_key(Candidate { form: term, score: likeness })));
        if !keys.is_sorted() {
            keys.sort_unstable();
            out.clear();
            out.extend(keys.iter().map(|&k| {
                let c = candidate_of(k);
                (c.form, c.score)
            }));
        }
    }

    /// The `limit` names most like `query` by the weighted share of words they have in
    /// common (allowing for spelling variants and words written together), best first, then
    /// any other name that shares a rare word with the query exactly.
    pub fn candidates(&self, query: &PreparedName, limit: usize) -> Vec<Candidate> {
        SCRATCH.with(|s| self.candidates_with(query, limit, &mut s.borrow_mut()))
    }

    fn candidates_with(&self, query: &PreparedName, limit: usize, s: &mut Scratch) -> Vec<Candidate> {
        if limit == 0 || self.forms.is_empty() {
            return Vec::new();
        }
        s.begin(self.forms.len(), self.terms.len());

        // Query terms: each word of each rendering, and each pair of adjacent words joined.
        let mut qterms: Vec<QueryTerm> = Vec::new();
        s.texts.clear();
        let mut work = std::mem::take(&mut s.spelling);
        let mut matches = std::mem::take(&mut s.matches);
        let mut add = |text: &str, joined: bool, cap: f32, own: f32, qterms: &mut Vec<QueryTerm>| {
            if qterms.len() >= MAX_QUERY_TERMS || s.texts.contains(text) {
                return;
            }
            // Two initials written together are no word worth looking up.
            if joined && text.len() < 3 {
                return;
            }
            s.texts.push(text);
            self.spellings(text, joined, &mut matches, &mut s.terms, &mut work);
            if matches.is_empty() {
                return;
            }
            let postings = matches.iter().map(|&(id, _)| self.terms[id as usize].len as usize).sum();
            let mut kept = s.spare.pop().unwrap_or_default();
            kept.extend_from_slice(&matches);
            qterms.push(QueryTerm { matches: kept, postings, cap, own, alone: false });
        };
        let mut total: f32 = 0.0;
        let mut joined = String::new();
        for variant in &query.variants {
            let mut variant_total = 0.0;
            for (i, t) in variant.iter().enumerate() {
                let before = qterms.len();
                add(&t.text, false, f32::INFINITY, self.word_weight(&t.text) as f32, &mut qterms);
                // A word's share of the query: its own weight, or that of what it resembles.
                let share = match qterms.get(before) {
                    Some(q) if before < qterms.len() => q.best_weight(self),
                    _ => self.word_weight(&t.text) as f32,
                };
                variant_total += if is_weak(t) { share * WEAK_FACTOR } else { share };
                // A legal form of one word may be a word of a person's name (`Wei Chao`).
                if let (TokenClass::LegalForm(_), Some(w)) = (t.class, t.written.as_deref()) {
                    if !w.contains(' ') {
                        add(w, false, f32::INFINITY, self.word_weight(w) as f32, &mut qterms);
                    }
                }
                // Two and three words written together may be one listed word.
                joined.clear();
                joined.push_str(&t.text);
                let mut cap = self.word_weight(&t.text) as f32;
                for next in variant.iter().skip(i + 1).take(2) {
                    joined.push_str(&next.text);
                    cap += self.word_weight(&next.text) as f32;
                    add(&joined, true, cap, f32::INFINITY, &mut qterms);
                }
            }
            total = total.max(variant_total);
        }
        // The query's acronyms as listed words (`Islamic State of Iraq and the Levant` and
        // `ISIL`): a listed word found so counts for the query words it stands for.
        for (variant, letters, s0, s1) in acronyms(query) {
            if qterms.len() >= MAX_QUERY_TERMS || s.texts.contains(letters) {
                continue;
            }
            let Some(&id) = self.vocab.get(letters) else { continue };
            let term = &self.terms[id as usize];
            // Comparison links acronyms to plain words only: `S.A.S.` is no `Sial Abdul Samad`.
            if term.weak {
                continue;
            }
            s.texts.push(letters);
            let words = &query.variants[variant][s0 as usize..s1 as usize];
            let cap: f32 = words.iter().filter(|t| !is_weak(t)).map(|t| self.word_weight(&t.text) as f32).sum();
            // The likeness is the share of the listed word's weight the query words are worth,
            // so that the term adds `cap`: it may exceed 1.
            if cap > 0.0 && term.rank_weight > 0.0 {
                qterms.push(QueryTerm {
                    matches: vec![(id, cap / term.rank_weight)],
                    postings: term.len as usize,
                    cap,
                    own: f32::INFINITY,
                    alone: letters.len() <= 3,
                });
            }
        }
        s.spelling = work;
        s.matches = matches;
        if qterms.is_empty() || total <= 0.0 {
            s.keep(qterms);
            return Vec::new();
        }

        // Rarest first. Once the words left can no longer lift a name that none of the rarer
        // words found above the names already ranked `limit`-th, the common words' long
        // lists are not walked: they are only checked against the names found (the ranking
        // is the same, for much less work).
        qterms.sort_by_key(|q| q.postings);
        let mut rest: f32 = qterms.iter().map(|q| q.max_gain(self)).sum();
        let mut closed = false;
        for (qi, q) in qterms.iter().enumerate() {
            let key = s.key(qi);
            if !closed && q.postings > MEMBERSHIP_MIN_POSTINGS && s.touched.len() >= limit {
                // A name found by the remaining words alone scores at most this.
                let bound = 2.0 * rest / total;
                closed = s.more_than(limit, bound, total, &self.form_weights);
            }
            rest -= q.max_gain(self);
            if closed && s.touched.len() * q.matches.len() * 4 < q.postings {
                // Few names found: look the term up in each of them.
                self.look_up(q, key, s);
            } else {
                self.walk(q, key, !closed, s);
            }
        }

        let mut ranked = self.best_forms(total, limit, s);
        let mut anchors: Vec<Candidate> = Vec::new();
        if s.touched.len() > limit {
            // Forms holding a rare query word exactly stay, whatever their rank.
            let rare = qterms
                .iter()
                .filter(|q| !q.alone)
                .filter_map(|q| q.matches.first().filter(|m| m.1 >= 1.0).map(|m| &self.terms[m.0 as usize]))
                .filter(|t| t.len <= ANCHOR_MAX_FORMS);
            for t in rare {
                for &form in &self.postings[t.start as usize..(t.start + t.len) as usize] {
                    if !ranked.iter().any(|&k| candidate_of(k).form == form) && !anchors.iter().any(|c| c.form == form)
                    {
                        let score = (2.0 * s.acc(form) / (total + self.form_weights[form as usize])).min(1.0);
                        anchors.push(Candidate { form, score });
                    }
                }
            }
        }
        ranked.sort_unstable();
        let mut scored: Vec<Candidate> = Vec::with_capacity(ranked.len() + anchors.len());
        scored.extend(ranked.iter().map(|&k| candidate_of(k)));
        s.ranked = ranked;
        s.keep(qterms);
        anchors.sort_unstable_by_key(|&c| rank_key(c));
        scored.extend(anchors);
        scored
    }
}

// The loops over names below are kept out of `candidates_with`: compiled apart, they take
// fewer instructions (measured: about a tenth of retrieval's on all lists).
impl Index {
    /// Adds a query term to the names whose term lists hold it.
    #[inline(never)]
    fn look_up(&self, q: &QueryTerm, key: u32, s: &mut Scratch) {
        for &name in &s.touched {
            if q.alone && !self.form_alone[name as usize] {
                continue;
            }
            let terms = &self.forms[name as usize].terms;
            if let Some(&(id, sim)) = q.matches.iter().find(|(id, _)| terms.binary_search(id).is_ok()) {
                let w = q.gain(&self.terms[id as usize], sim);
                let slot = &mut s.slots[name as usize];
                slot.acc += w;
                slot.stamp = key;
            }
        }
    }

    /// Adds a query term to the names on the inverted lists of its spellings; names not
    /// found before are taken in only when `open`.
    #[inline(never)]
    fn walk(&self, q: &QueryTerm, key: u32, open: bool, s: &mut Scratch) {
        for &(id, sim) in &q.matches {
            let t = &self.terms[id as usize];
            let w = q.gain(t, sim);
            let postings = &self.postings[t.start as usize..(t.start + t.len) as usize];
            if q.alone {
                for &name in postings.iter().filter(|&&name| self.form_alone[name as usize]) {
                    s.add(name, key, w, open);
                }
            } else {
                for &name in postings {
                    s.add(name, key, w, open);
                }
            }
        }
    }

    /// The `limit` best names found, as `rank_key`s in no order. They are kept in a heap whose
    /// top is the worst of them: most names found rank below it and cost one comparison.
    #[inline(never)]
    fn best_forms(&self, total: f32, limit: usize, s: &mut Scratch) -> Vec<u64> {
        let mut best = std::mem::take(&mut s.ranked);
        best.clear();
        let mut best = std::collections::BinaryHeap::from(best);
        for &n in &s.touched {
            // A touched form's slot is of this query.
            let acc = s.slots[n as usize].acc;
            let score = (2.0 * acc / (total + self.form_weights[n as usize])).min(1.0);
            let key = rank_key(Candidate { form: n, score });
            if best.len() < limit {
                best.push(key);
            } else if let Some(mut worst) = best.peek_mut() {
                if key < *worst {
                    *worst = key;
                }
            }
        }
        best.into_vec()
    }
}

/// Merges the prepared names that every comparison treats alike, with their members: the
/// first of them stands for all.
fn merge_alike(
    prepared: Vec<PreparedName>,
    mut members: Vec<Vec<(u32, u32)>>,
) -> (Vec<PreparedName>, Vec<Vec<(u32, u32)>>) {
    use std::fmt::Write;
    let mut first: FxHashMap<String, usize> = FxHashMap::default();
    let mut keep = vec![true; prepared.len()];
    let mut key = String::new();
    for (i, p) in prepared.iter().enumerate() {
        key.clear();
        // Everything a comparison reads of a prepared name: its renderings and their facts,
        // and for names in Han characters, which are also compared as written, the text.
        let _ = write!(key, "{:?}|{:?}|{:?}|{:?}", p.schema, p.script, p.variants, p.forms);
        if matches!(p.script, proscribe_model::Script::Han | proscribe_model::Script::Japanese) {
            key.push_str(&p.original);
        }
        match first.get(key.as_str()) {
            Some(&f) => {
                let moved = std::mem::take(&mut members[i]);
                members[f].extend(moved);
                keep[i] = false;
            }
            None => {
                first.insert(key.clone(), i);
            }
        }
    }
    let mut kept = keep.iter();
    let prepared = prepared.into_iter().filter(|_| *kept.next().unwrap_or(&false)).collect();
    let mut kept = keep.iter();
    let members = members.into_iter().filter(|_| *kept.next().unwrap_or(&false)).collect();
    (prepared, members)
}

/// A candidate as an integer that sorts best first: a higher score, then (for one score) a
/// lower form. The score's bits are laid out so that unsigned order is `f32::total_cmp`.
fn rank_key(c: Candidate) -> u64 {
    let bits = c.score.to_bits();
    let ordered = if bits >> 31 == 1 { !bits } else { bits | 0x8000_0000 };
    !(u64::from(ordered) << 32 | u64::from(!c.form))
}

/// The candidate of a [`rank_key`].
fn candidate_of(key: u64) -> Candidate {
    let key = !key;
    let ordered = (key >> 32) as u32;
    let bits = if ordered >> 31 == 1 { ordered & 0x7fff_ffff } else { !ordered };
    Candidate { form: !(key as u32), score: f32::from_bits(bits) }
}

impl TokenWeights for Index {
    fn weight(&self, token: &Token) -> f64 {
        self.word_weight(&token.text)
    }
}

/// A word of a query with the vocabulary words it may be.
struct QueryTerm {
    matches: Vec<(u32, f32)>,
    postings: usize,
    /// Most a joined pair may add: the two words it stands for.
    cap: f32,
    /// The weight of the query word itself (infinite for joined words and acronyms).
    own: f32,
    /// An acronym of the query of three letters or fewer: it stands for the query's words
    /// only in a name that says nothing else (see `Index::form_alone`), as in the comparison.
    alone: bool,
}

impl QueryTerm {
    /// What matching term `t` with likeness `sim` adds to a name's retrieval score. A word
    /// found as a listed acronym counts for the words the acronym stands for only as much as
    /// the word is worth itself: a common word (`Air` in `Yas Air`) is no acronym (`AIR` of
    /// `The Airline of the Islamic Republic of Iran`), a word like no other (`CJNG`) is.
    fn gain(&self, t: &Term, sim: f32) -> f32 {
        let w = (t.rank_weight * sim).min(self.cap);
        if t.acronym {
            w.min(self.own * t.text.len() as f32)
        } else {
            w
        }
    }

    /// The most this term adds to a name's retrieval score.
    fn max_gain(&self, index: &Index) -> f32 {
        self.matches.iter().map(|&(id, sim)| self.gain(&index.terms[id as usize], sim)).fold(0.0, f32::max)
    }

    fn best_weight(&self, index: &Index) -> f32 {
        self.matches.iter().map(|&(id, _)| index.terms[id as usize].weight).fold(0.0, f32::max)
    }
}

/// Marks over vocabulary ids, cleared in constant time by moving to the next generation.
#[derive(Default)]
struct Marks {
    stamp: Vec<u32>,
    generation: u32,
}

impl Marks {
    fn next(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Marks `i`; false when it was already marked in this generation.
    fn mark(&mut self, i: usize) -> bool {
        if self.stamp[i] == self.generation {
            return false;
        }
        self.stamp[i] = self.generation;
        true
    }
}

/// What retrieval keeps per name form during a query: one 8-byte slot, so that adding to a
/// form touches one cache line.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    acc: f32,
    /// `generation << 8 | query term` of the last term that added to the form.
    stamp: u32,
}

/// Per-thread work space of retrieval, sized to the number of name forms and reused across
/// queries (clearing only what a query touched).
#[derive(Default)]
struct Scratch {
    terms: Marks,
    slots: Vec<Slot>,
    touched: Vec<u32>,
    /// The best forms of a query as `rank_key`s (see `Index::best_forms`), kept for its
    /// capacity.
    ranked: Vec<u64>,
    /// The texts of a query's terms, to look each up once.
    texts: QueryTexts,
    /// Work space of `Index::spellings`.
    spelling: SpellingWork,
    /// The spellings of the word looked up last.
    matches: Vec<(u32, f32)>,
    /// Emptied spelling lists of earlier query terms, kept for their capacity.
    spare: Vec<Vec<(u32, f32)>>,
    /// Query count, 24 bits, never 0 (0 marks a slot no query touched).
    generation: u32,
}

impl Scratch {
    fn begin(&mut self, forms: usize, terms: usize) {
        if self.slots.len() < forms {
            self.slots.resize(forms, Slot::default());
        }
        if self.terms.stamp.len() < terms {
            self.terms.stamp.resize(terms, 0);
        }
        self.touched.clear();
        self.generation = (self.generation + 1) & 0x00ff_ffff;
        if self.generation == 0 {
            self.slots.iter_mut().for_each(|s| *s = Slot::default());
            self.generation = 1;
        }
    }

    /// What the form has gathered in this query (nothing if this query has not touched it).
    fn acc(&self, form: u32) -> f32 {
        let slot = &self.slots[form as usize];
        if slot.stamp >> 8 == self.generation {
            slot.acc
        } else {
            0.0
        }
    }

    /// Whether at least `k` of the forms found so far have a retrieval score (what they have
    /// so far) above `bound`: whether the `k`-th best is above it.
    fn more_than(&self, k: usize, bound: f32, total: f32, weights: &[f32]) -> bool {
        let mut above = 0;
        for &n in &self.touched {
            if 2.0 * self.slots[n as usize].acc / (total + weights[n as usize]) > bound {
                above += 1;
                if above >= k {
                    return true;
                }
            }
        }
        false
    }

    /// Keeps the spelling lists of a query's terms for the next query.
    fn keep(&mut self, qterms: Vec<QueryTerm>) {
        self.spare.extend(qterms.into_iter().map(|mut q| {
            q.matches.clear();
            q.matches
        }));
    }

    fn key(&self, term: usize) -> u32 {
        self.generation << 8 | term.min(255) as u32
    }

    /// Adds `w` to a form once per query term (the first, best spelling wins); a form not
    /// found before is only taken in when `open`.
    #[inline]
    fn add(&mut self, form: u32, key: u32, w: f32, open: bool) {
        let slot = &mut self.slots[form as usize];
        if slot.stamp == key {
            return;
        }
        if slot.stamp >> 8 != self.generation {
            if !open {
                return;
            }
            slot.acc = 0.0;
            self.touched.push(form);
        }
        slot.acc += w;
        slot.stamp = key;
    }
}

/// Buffers of `Index::spellings`.
#[derive(Default)]
struct SpellingWork {
    /// A coarse skeleton.
    buf: String,
    /// A word with a letter left out.
    deletion: Vec<u8>,
    /// The spellings found, as `rank_key`s to be sorted.
    keys: Vec<u64>,
}

/// Distinct texts, written one after another in one string.
#[derive(Default)]
struct QueryTexts {
    all: String,
    ends: Vec<usize>,
}

impl QueryTexts {
    fn clear(&mut self) {
        self.all.clear();
        self.ends.clear();
    }

    fn contains(&self, text: &str) -> bool {
        let mut start = 0;
        self.ends.iter().any(|&end| {
            let found = &self.all[start..end] == text;
            start = end;
            found
        })
    }

    fn push(&mut self, text: &str) {
        self.all.push_str(text);
        self.ends.push(self.all.len());
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// An index shared between threads and replaced atomically: readers take the current index
/// with [`SharedIndex::load`] and keep it for as long as they need; [`SharedIndex::replace`]
/// swaps in a rebuilt one without blocking them. The old index is freed when its last reader
/// lets go.
#[derive(Debug)]
pub struct SharedIndex {
    current: ArcSwap<Index>,
}

impl SharedIndex {
    /// Holds `index`.
    pub fn new(index: Index) -> SharedIndex {
        SharedIndex { current: ArcSwap::from_pointee(index) }
    }

    /// The current index.
    pub fn load(&self) -> Arc<Index> {
        self.current.load_full()
    }

    /// Replaces the current index; returns the previous one.
    pub fn replace(&self, index: Index) -> Arc<Index> {
        self.current.swap(Arc::new(index))
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::{IdKind, Identifier, Name, Schema};

    use super::*;

    fn entity(id: &str, schema: Schema, names: &[(&str, NameKind)]) -> Entity {
        let mut e = Entity::new(id, schema);
        for (n, k) in names {
            e.add_name(Name::new(*n, *k));
        }
        e
    }

    fn sample() -> Index {
        let mut vessel = entity("v1", Schema::Vessel, &[("OCEAN STAR NO. 8", NameKind::Primary)]);
        vessel.identifiers.push(Identifier {
            kind: IdKind::Imo,
            number: "IMO 9123456".into(),
            label: None,
            country: None,
            note: None,
            src: None,
        });
        Index::build(vec![
            entity(
                "p1",
                Schema::Person,
                &[("AMIR KHAN MOTAQI", NameKind::Primary), ("Amir Khan Muttaqi", NameKind::Alias)],
            ),
            entity("p2", Schema::Person, &[("ABDUL SALAM HANAFI", NameKind::Primary)]),
            entity("p3", Schema::Person, &[("MOHAMMED KHAN", NameKind::Primary)]),
            entity("o1", Schema::Organization, &[("AL-QAIDA", NameKind::Primary), ("The Base", NameKind::WeakAlias)]),
            entity("c1", Schema::Company, &[("OCEAN TRADING LLC", NameKind::Primary)]),
            vessel,
            entity("v2", Schema::Vessel, &[("OCEAN STAR NO. 6", NameKind::Primary)]),
            entity("o2", Schema::Organization, &[("CARTEL DE JALISCO NUEVA GENERACION", NameKind::Primary)]),
            entity("o3", Schema::Organization, &[("ISIL-YEMEN", NameKind::Primary)]),
            entity("o4", Schema::Organization, &[("YEMEN TRADING HOUSE", NameKind::Primary)]),
            entity("p4", Schema::Person, &[("ATIA, Hachim", NameKind::Primary)]),
        ])
    }

    /// The entity ids of the candidates for `query`, best first, one per entity.
    fn top_entities(index: &Index, query: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in index.candidates(&PreparedName::new(query, None), 10) {
            for &n in &index.forms()[c.form as usize].names {
                let id = index.entities()[index.names()[n as usize].entity as usize].id.clone();
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    fn check(index: &Index, query: &str, expected_first: Option<&str>) {
        let got = top_entities(index, query);
        assert_eq!(got.first().map(String::as_str), expected_first, "query {query:?}: candidates {got:?}");
    }

    #[test]
    fn retrieval_finds_spelling_variants() {
        let index = sample();
        let cases: &[(&str, Option<&str>)] = &[
            ("Amir Khan Motaqi", Some("p1")),
            ("MUTAKI, Amir Khan", Some("p1")),
            ("Abdulsalam Hanafi", Some("p2")),
            ("abdul salam hanafy", Some("p2")),
            ("Al Qaeda", Some("o1")),
            ("alqaida", Some("o1")),
            ("Mohamed Khan", Some("p3")),
            ("Ocean Star No 6", Some("v2")),
            ("ocean star no 8", Some("v1")),
            // Acronyms both ways: a query word for a listed name's initials, a query's initials
            // for a listed word.
            ("CJNG", Some("o2")),
            ("Islamic State of Iraq and the Levant in Yemen", Some("o3")),
            ("JNG", None),
            // One spelling key: a letter doubled, a final -ah.
            ("Attiyah", Some("p4")),
            ("zzzz qqqq", None),
            ("", None),
            ("!!!", None),
        ];
        for &(query, expected) in cases {
            check(&index, query, expected);
        }
    }

    /// An `abd` compound spelt with the article finds the compound written without it, even
    /// when the query's other words are commoner in shorter names.
    #[test]
    fn compounds_of_abd_find_each_other() {
        let index = Index::build(vec![
            entity("p1", Schema::Person, &[("SALIH, Muhammad Ali", NameKind::Primary)]),
            entity("p2", Schema::Person, &[("SALIH, Muhammad Hasan", NameKind::Primary)]),
            entity("p3", Schema::Person, &[("AL-HADI, Muhammad Salih Abd-Rabbuh", NameKind::Primary)]),
        ]);
        check(&index, "ABDULRABOH, Muhammad Salih", Some("p3"));
        assert_eq!(coarse("abdlrbh"), "abdrbh");
        assert_eq!(coarse("abdl"), "abdl");
    }

    /// A query's acronym of three letters stands for its words only in a name that says
    /// nothing else: `ISIS in Saudi Arabia` is not the person `Isa Khidr`, `People's
    /// Liberation Army` is the organisation `PLA`.
    #[test]
    fn short_query_acronyms_find_names_of_one_word() {
        let index = Index::build(vec![
            entity("p1", Schema::Person, &[("KHIDR, Isa", NameKind::Primary)]),
            entity("p2", Schema::Person, &[("NASR, Isa", NameKind::Primary)]),
            entity("o1", Schema::Organization, &[("ISIS IN SAUDI ARABIA", NameKind::Primary)]),
            entity("o2", Schema::Organization, &[("PLA", NameKind::Primary)]),
            entity("o3", Schema::Organization, &[("PLA TRADING COMPANY", NameKind::Primary)]),
        ]);
        check(&index, "ISIS IN SAUDI ARABIA", Some("o1"));
        check(&index, "People's Liberation Army", Some("o2"));
        assert!(!top_entities(&index, "People's Liberation Army").contains(&"o3".to_string()));
    }

    /// A query's initials are no legal form: `Sial Abdul Samad` is not looked up as `S.A.S.`,
    /// which the comparison would never link to it, so the companies with that form do not
    /// crowd out the names sharing the query's words.
    #[test]
    fn query_initials_are_no_legal_form() {
        let mut entities: Vec<Entity> = (0..12)
            .map(|i| {
                let name = format!("{} S.A.S.", ["VORTELA", "QUINMAR", "BRESOLA", "TALVERNO"][i % 4]);
                entity(&format!("c{i}"), Schema::Company, &[(&format!("{name} {i}"), NameKind::Primary)])
            })
            .collect();
        entities.push(entity("p1", Schema::Person, &[("Abdul Samad", NameKind::Primary)]));
        let index = Index::build(entities);
        let got = index.candidates(&PreparedName::new("SORVAL, Abdul Samad", None), 3);
        let first = got.first().map(|c| index.forms()[c.form as usize].prepared.original.as_str());
        assert_eq!(first, Some("Abdul Samad"), "{got:?}");
    }

    /// Names written differently but prepared alike are one form, compared once; each name
    /// keeps its own writing.
    #[test]
    fn names_prepared_alike_are_one_form() {
        let index = Index::build(vec![
            entity("a", Schema::Person, &[("Samir DA'BUL", NameKind::Primary)]),
            entity("b", Schema::Person, &[("Samir Dabul", NameKind::Primary), ("DABUL, Samir", NameKind::Alias)]),
            entity("c", Schema::Organization, &[("Samir Dabul", NameKind::Primary)]),
        ]);
        // One form for the person's three writings, one for the organisation's name.
        assert_eq!(
            index.forms().len(),
            2,
            "{:?}",
            index.forms().iter().map(|f| &f.prepared.original).collect::<Vec<_>>()
        );
        let texts: Vec<&str> = (0..index.names().len() as u32).map(|n| index.name_text(n)).collect();
        assert_eq!(texts, ["Samir DA'BUL", "Samir Dabul", "DABUL, Samir", "Samir Dabul"]);
    }

    /// The shortcuts for ASCII words give what the general paths give.
    #[test]
    fn ascii_shortcuts_agree_with_the_general_paths() {
        for word in ["mohammed", "aa", "a", "abba", "attiyah", "x1y2", "hafidh", "zzz"] {
            let mut fast = Vec::new();
            deletion_keys(word, &mut Vec::new(), |k| fast.push(k));
            // Every string one character shorter, each once, and the word itself.
            let mut expected = vec![hash_str(word)];
            for i in 0..word.len() {
                let k = hash_str(&format!("{}{}", &word[..i], &word[i + 1..]));
                if !expected.contains(&k) {
                    expected.push(k);
                }
            }
            fast.sort_unstable();
            expected.sort_unstable();
            assert_eq!(fast, expected, "{word}");
            let general: String = word
                .chars()
                .map(|c| match c {
                    'p' | 'f' | 'v' => 'b',
                    't' => 'd',
                    'k' | 'q' => 'g',
                    'z' => 's',
                    c => c,
                })
                .fold(String::new(), |mut out, c| {
                    if !out.ends_with(c) {
                        out.push(c);
                    }
                    out
                });
            assert_eq!(coarse(word), general, "{word}");
        }
    }

    /// Candidates as integers sort best first (higher score, then lower form) and come back
    /// as they were.
    #[test]
    fn rank_keys_sort_best_first() {
        let candidates = [(0.9, 7), (0.9, 3), (1.0, 9), (0.0, 1), (0.5, 0), (0.25, u32::MAX)];
        let mut keys: Vec<u64> = candidates.iter().map(|&(score, form)| rank_key(Candidate { form, score })).collect();
        keys.sort_unstable();
        let back: Vec<(f32, u32)> = keys.iter().map(|&k| candidate_of(k)).map(|c| (c.score, c.form)).collect();
        assert_eq!(back, [(1.0, 9), (0.9, 3), (0.9, 7), (0.5, 0), (0.25, u32::MAX), (0.0, 1)]);
    }

    /// A query word found as a listed acronym counts for the words the acronym stands for only
    /// as much as the word is worth itself.
    #[test]
    fn common_words_are_no_acronyms() {
        let acronym = |text: &str, rank_weight: f32| Term {
            text: text.into(),
            joined: false,
            acronym: true,
            weak: false,
            skeleton: "".into(),
            rank_weight,
            df: 1,
            forms: 1,
            weight: 1.0,
            start: 0,
            len: 0,
        };
        let word = |own: f32| QueryTerm { matches: vec![], postings: 0, cap: f32::INFINITY, own, alone: false };
        // `air` is a common word: it adds what three words like it would, not the acronym's 3.3.
        assert!((word(0.2).gain(&acronym("air", 3.3), 1.0) - 0.6).abs() < 1e-6);
        // A word no name uses stands for all the words of its acronym.
        assert_eq!(word(1.2).gain(&acronym("cjng", 4.4), 1.0), 4.4);
        // Other terms are not capped by the word's own weight.
        let plain = Term { acronym: false, ..acronym("air", 3.3) };
        assert_eq!(word(0.2).gain(&plain, 1.0), 3.3);
    }

    #[test]
    fn weights_follow_frequency() {
        let index = sample();
        // "ocean" is in three names, "hanafi" in one; a word no name uses weighs most.
        assert!(index.word_weight("ocean") < index.word_weight("hanafi"));
        assert!(index.word_weight("hanafi") <= index.word_weight("nowhere"));
        assert_eq!(index.word_frequency("khan"), 3);
    }

    #[test]
    fn identifiers_are_found_normalised() {
        let index = sample();
        let cases: &[(&str, usize)] = &[("9123456", 1), ("IMO 9123456", 1), ("9 123 456", 1), ("123", 0), ("", 0)];
        for &(number, expected) in cases {
            assert_eq!(index.entities_with_identifier(number).len(), expected, "{number:?}");
        }
    }

    #[test]
    fn shared_index_swaps_while_readers_keep_theirs() {
        let shared = SharedIndex::new(sample());
        let before = shared.load();
        shared.replace(Index::build(Vec::new()));
        assert_eq!(before.stats().entities, 11);
        assert_eq!(shared.load().stats().entities, 0);
    }
}
