//! Comparing two prepared names: an alignment of query tokens to candidate tokens and a score
//! with its explanation.
//!
//! Every pair of token lists (renderings, former names) is aligned, and the best alignment
//! wins; a former name may match a current name but two former names alone do not (two
//! vessels once called alike are two vessels). The alignment is greedy on similarity over
//! single tokens and over runs of two or three tokens on one side against one token on the
//! other (`Abdul Salam` / `Abdulsalam`, `Shwe Pyi Thar` / `Shwepyithar`), so order does not
//! matter. Each token weighs what [`TokenWeights`] says times what its class is worth (a
//! particle, title, legal form or prefix little, a number more), annotations a tenth. The
//! score is the weighted share of tokens matched, each match counted by its similarity above a
//! floor; unmatched tokens count against it by their weight. For people, the extra tokens of
//! the longer name count half when the shorter one, of two words or more, is wholly and
//! closely matched (middle names); numbers left unmatched on both sides halve the score
//! (`No. 8` is not `No. 6`).
//!
//! `align` runs in named stages: candidate links, assignment, weighting, the score's parts
//! and adjustments; every constant they read is a field of [`CompareParams`].

mod params;

use arrayvec::ArrayVec;
use proscribe_model::{Schema, Script};
use proscribe_text::{Token, TokenClass};
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use self::params::{CompareParams, ParamError};
use crate::prepare::{Form, PreparedName, Run};
use crate::similarity::{
    abjad_likeness, consonant_count, e_vowels, masks_may_reach, other_gender, same_syllable, token_similarity,
    word_key_similarity, Abjad, Mode, TokenRef,
};
use crate::weights::TokenWeights;

/// The score at or above which two names are taken to be the same name, and from which a
/// screening hit counts as a match when the caller sets no threshold (so that a name alone
/// matches where it would as a pair). Chosen on the shared labelled pairs; the effects of the
/// other evidence in screening were chosen on the UN screening records (see BENCHMARKS.md).
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// The most tokens of one token list that are aligned; a longer name is cut.
pub(crate) const MAX_TOKENS: usize = 24;

/// How one query token matched a candidate token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenPair {
    /// The query token (tokens joined by a space when several matched one).
    pub query: String,
    /// The candidate token (likewise).
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
    /// The Latin rendering of the query that matched best.
    pub query_rendering: String,
    /// The Latin rendering of the candidate that matched best.
    pub candidate_rendering: String,
}

impl NameMatch {
    /// A comparison's score without its explanation.
    pub fn score_only(score: f64) -> NameMatch {
        NameMatch { score, ..NameMatch::empty() }
    }

    fn empty() -> NameMatch {
        NameMatch {
            score: 0.0,
            pairs: vec![],
            unmatched_query: vec![],
            unmatched_candidate: vec![],
            query_rendering: String::new(),
            candidate_rendering: String::new(),
        }
    }
}

/// One aligned match: a run of query tokens against a run of candidate tokens.
#[derive(Debug, Clone, Copy)]
struct Link {
    q: (u8, u8),
    c: (u8, u8),
    sim: f64,
}

impl Link {
    /// A link from a run `one` of one name to a run `other` of the other name; `flip` when
    /// `one` is the candidate's.
    fn oriented(flip: bool, one: (u8, u8), other: (u8, u8), sim: f64) -> Link {
        if flip {
            Link { q: other, c: one, sim }
        } else {
            Link { q: one, c: other, sim }
        }
    }
}

/// A fixed-capacity list of links on the stack: an alignment allocates nothing, and an empty
/// list costs nothing to make.
struct Links<const N: usize = MAX_LINKS> {
    items: ArrayVec<Link, N>,
}

/// The most candidate links considered for one pair of token lists.
const MAX_LINKS: usize = 192;

impl<const N: usize> Links<N> {
    fn new() -> Links<N> {
        Links { items: ArrayVec::new() }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push(&mut self, l: Link) {
        // Past the capacity only links better than the worst kept are worth keeping.
        if !self.items.is_full() {
            self.items.push(l);
        } else if let Some((k, _)) =
            self.items.iter().enumerate().min_by(|a, b| a.1.sim.total_cmp(&b.1.sim)).filter(|(_, w)| w.sim < l.sim)
        {
            self.items[k] = l;
        }
    }

    fn as_slice(&self) -> &[Link] {
        &self.items
    }

    fn as_mut_slice(&mut self) -> &mut [Link] {
        &mut self.items
    }
}

/// The best alignment of two names: its score and the pair of token lists aligned, whose
/// links are found again if the comparison is explained.
#[derive(Clone, Copy)]
struct Alignment {
    score: f64,
    qform: usize,
    cform: usize,
}

/// Compares two prepared names, weighting tokens by `weights`.
pub fn compare_names(q: &PreparedName, c: &PreparedName, weights: &dyn TokenWeights) -> NameMatch {
    compare_names_with(q, c, weights, &CompareParams::DEFAULT)
}

/// [`compare_names`] with other constants than the defaults (for tuning and benchmarks).
pub fn compare_names_with(
    q: &PreparedName,
    c: &PreparedName,
    weights: &dyn TokenWeights,
    params: &CompareParams,
) -> NameMatch {
    let Some(best) = best_alignment(q, c, weights, params, None) else {
        return NameMatch::empty();
    };
    explain(q, c, &best, weights, params)
}

/// The score of [`compare_names`] without its explanation, for ranking many candidates.
pub fn score_names(q: &PreparedName, c: &PreparedName, weights: &dyn TokenWeights) -> f64 {
    score_names_with(q, c, weights, &CompareParams::DEFAULT)
}

/// How alike two names are, as written, for a kind of entity (`None`: any kind): both are
/// prepared and compared with the default word weights. The one pair score of the command
/// line (`score-pairs`) and the Python package.
pub fn score_pair(name1: &str, name2: &str, schema: Option<Schema>) -> f64 {
    let weights = crate::weights::FrequencyWeights::default_table();
    score_names(&PreparedName::new(name1, schema), &PreparedName::new(name2, schema), weights)
}

/// [`score_names`] with other constants than the defaults (for tuning and benchmarks).
pub fn score_names_with(q: &PreparedName, c: &PreparedName, weights: &dyn TokenWeights, params: &CompareParams) -> f64 {
    best_alignment(q, c, weights, params, None).map_or(0.0, |a| a.score)
}

/// A comparison scored now and explained later, if at all: screening ranks many comparisons
/// by score and explains only the few hits it returns. Screening compares with the default
/// constants.
#[derive(Clone, Copy)]
pub(crate) struct Scored {
    best: Option<Alignment>,
}

impl Scored {
    /// The score of [`compare_names`].
    pub(crate) fn score(&self) -> f64 {
        self.best.as_ref().map_or(0.0, |a| a.score)
    }

    /// What [`compare_names`] returns for the names that were compared (with the same
    /// `weights`).
    pub(crate) fn explain(&self, q: &PreparedName, c: &PreparedName, weights: &dyn TokenWeights) -> NameMatch {
        match &self.best {
            Some(best) => explain(q, c, best, weights, &CompareParams::DEFAULT),
            None => NameMatch::empty(),
        }
    }
}

/// [`compare_names`] with the explanation left for later. `memo` holds the token
/// similarities of earlier comparisons of the same query `q` with names whose tokens the
/// index interned (see [`Memo`]).
pub(crate) fn score_later(
    q: &PreparedName,
    c: &PreparedName,
    weights: &dyn TokenWeights,
    memo: Option<&mut Memo>,
) -> Scored {
    Scored { best: best_alignment(q, c, weights, &CompareParams::DEFAULT, memo) }
}

/// Token similarities already computed, by query token, interned candidate token and
/// [`Context`]: the candidates of a query share many words (they were found by them), the same
/// pair of tokens recurs across them and across their renderings, and the queries of a batch
/// share words too (common given names and surnames, `trading`, `company`). A thread keeps one
/// memo across its queries against one index; it forgets everything when it grows past
/// [`MEMO_CAPACITY`] pairs or is used with another index. Only screening uses a memo, always
/// with [`CompareParams::DEFAULT`], whose floors the similarities it holds were computed with.
#[derive(Default)]
pub(crate) struct Memo {
    similarities: FxHashMap<u64, f64>,
    /// Query tokens met since the memo last forgot, by everything the comparison reads of
    /// them, numbered.
    query_tokens: FxHashMap<Box<str>, u32>,
    /// The number in `query_tokens` of each token of the current query, by its position among
    /// all the query's token lists (`u32::MAX`: not asked yet).
    slots: Vec<u32>,
    /// The weights of the current query's tokens, likewise (NaN: not asked yet).
    weights: Vec<f64>,
    /// [`crate::Index::stamp`] of the index whose interned tokens the memo holds.
    index: Option<u64>,
    /// Scratch space for a query token's identity.
    buf: String,
}

/// Most token pairs a memo holds before it forgets them all: about 300 kB, which stays in a
/// core's cache (a larger memo saves more computing but waits longer for memory).
const MEMO_CAPACITY: usize = 1 << 14;

impl Memo {
    /// Prepares for another query against the index stamped `index`: what is known of the
    /// tokens of earlier queries is kept.
    pub(crate) fn begin(&mut self, index: u64) {
        if self.index != Some(index)
            || self.similarities.len() > MEMO_CAPACITY
            || self.query_tokens.len() > MEMO_CAPACITY
        {
            self.similarities.clear();
            self.query_tokens.clear();
            self.index = Some(index);
        }
        self.slots.clear();
        self.weights.clear();
    }

    /// The weight of query token `q` (its position among all the query's token lists),
    /// computed by `weight` the first time.
    fn weight(&mut self, q: usize, weight: impl FnOnce() -> f64) -> f64 {
        if self.weights.len() <= q {
            self.weights.resize(q + 1, f64::NAN);
        }
        if self.weights[q].is_nan() {
            self.weights[q] = weight();
        }
        self.weights[q]
    }

    /// The number of query token `t` at position `q` among all the query's token lists.
    fn query_token(&mut self, q: usize, t: &Token) -> u32 {
        if self.slots.len() <= q {
            self.slots.resize(q + 1, u32::MAX);
        }
        if self.slots[q] == u32::MAX {
            // Everything `token_similarity` reads of a token (its consonant mask follows from
            // its key), unambiguously joined.
            use std::fmt::Write;
            self.buf.clear();
            let written = t.written.as_deref().unwrap_or("");
            let _ = write!(self.buf, "{}\0{written}\0{}\0{}\0{:?}", t.text, t.key, t.skeleton, t.class);
            let next = self.query_tokens.len() as u32;
            self.slots[q] = match self.query_tokens.get(self.buf.as_str()) {
                Some(&id) => id,
                None => {
                    self.query_tokens.insert(self.buf.as_str().into(), next);
                    next
                }
            };
        }
        self.slots[q]
    }

    /// The similarity of query token number `qt` (see [`Memo::query_token`]) and interned
    /// candidate token `c` compared in `context`, computed by `similarity` the first time.
    fn get(&mut self, qt: u32, c: u32, context: Context, similarity: impl FnOnce() -> f64) -> f64 {
        let key = u64::from(c) << 32 | u64::from(qt) << 7 | u64::from(context.0);
        *self.similarities.entry(key).or_insert_with(similarity)
    }
}

/// What decides how two tokens are compared besides the tokens: the [`Mode`], and the floor,
/// which follows from the kind of name and whether the two sides come from different scripts.
#[derive(Clone, Copy)]
struct Context(u8);

impl Context {
    fn new(mode: Mode, person: bool, cross_script: bool) -> Context {
        Context(
            mode.abjad as u8
                | u8::from(mode.abbreviations) << 2
                | u8::from(person) << 3
                | u8::from(cross_script) << 4
                | u8::from(mode.latin.0) << 5
                | u8::from(mode.latin.1) << 6,
        )
    }
}

/// The best alignment over the pairs of token lists of two names. A `memo` is only given with
/// the default `params`: the similarities it holds were computed with their floors.
fn best_alignment(
    q: &PreparedName,
    c: &PreparedName,
    weights: &dyn TokenWeights,
    params: &CompareParams,
    memo: Option<&mut Memo>,
) -> Option<Alignment> {
    let mut best = best_rendering_alignment(q, c, weights, params, memo)?;
    // Han names sound alike far more often than they are alike: `高石` and `高市` are read
    // the same. Two names in Han characters are also compared character by character.
    let ideographic = |s: Script| matches!(s, Script::Han | Script::Japanese);
    if ideographic(q.script) && ideographic(c.script) {
        best.score = best.score.min(char_similarity(&q.original, &c.original));
    }
    Some(best)
}

/// 1 minus the edit distance of the letters of two texts over the longer length.
fn char_similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().filter(|c| c.is_alphanumeric()).take(64).collect();
    let b: Vec<char> = b.chars().filter(|c| c.is_alphanumeric()).take(64).collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 0.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

fn best_rendering_alignment(
    q: &PreparedName,
    c: &PreparedName,
    weights: &dyn TokenWeights,
    params: &CompareParams,
    mut memo: Option<&mut Memo>,
) -> Option<Alignment> {
    let schema = pair_schema(q, c);
    let mut best: Option<Alignment> = None;
    let mut links = Links::new();
    for (qi, qf) in q.forms.iter().enumerate() {
        for (ci, cf) in c.forms.iter().enumerate() {
            if qf.alternative && cf.alternative {
                continue;
            }
            let memo = memo.as_deref_mut().filter(|_| !cf.ids.is_empty());
            let pair = Pair::new((&q.variants[qf.variant], qf, qi), (&c.variants[cf.variant], cf), schema, params);
            let score = align(&pair, params, weights, memo, &mut links);
            if best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Alignment { score, qform: qi, cform: ci });
            }
        }
    }
    best
}

fn token_ref<'a>(t: &'a Token, form: &Form, i: usize) -> TokenRef<'a> {
    TokenRef::new(t, form.flags[i].mask)
}

/// One pair of token lists being aligned, with what every stage reads of the pair.
#[derive(Clone, Copy)]
struct Pair<'a> {
    qt: &'a [Token],
    qf: &'a Form,
    ct: &'a [Token],
    cf: &'a Form,
    /// Position of the query's token list among its lists (where a memo keeps its tokens).
    qform: usize,
    /// Compared as people's names (also when neither kind is known).
    person: bool,
    mode: Mode,
    /// One side was transliterated from another script, the other not.
    cross_script: bool,
    /// One side was read from a syllabic script (Han, kana, Hangul).
    syllabic: bool,
    /// Similarities below it earn nothing; tokens that do not reach it stay unmatched.
    floor: f64,
}

impl<'a> Pair<'a> {
    /// The query's tokens, list and its position, the candidate's tokens and list, compared
    /// as names of `schema`; longer lists than [`MAX_TOKENS`] are cut.
    fn new(
        (qt, qf, qform): (&'a [Token], &'a Form, usize),
        (ct, cf): (&'a [Token], &'a Form),
        schema: Option<Schema>,
        p: &CompareParams,
    ) -> Pair<'a> {
        let qt = &qt[..qt.len().min(MAX_TOKENS)];
        let ct = &ct[..ct.len().min(MAX_TOKENS)];
        let person = matches!(schema, Some(Schema::Person) | None);
        // Abbreviations stand for words among others (`Delancourt Bros. Mfg.`); a name of one
        // word is a name of its own, not a cut of another (`Inter`, `Interexpress`).
        let abbreviations = !person && qt.len() > 1 && ct.len() > 1;
        let latin = (!qf.transliterated, !cf.transliterated);
        // (Of two names both in an abjad, whether both are in Arabic script.)
        let arabic = if qf.abjad && cf.abjad {
            qf.arabic && cf.arabic
        } else {
            (qf.abjad && qf.arabic) || (cf.abjad && cf.arabic)
        };
        let mode = Mode { abjad: Abjad::of(qf.abjad, cf.abjad), arabic, abbreviations, latin };
        let cross_script = qf.transliterated != cf.transliterated;
        let floor = if cross_script {
            p.floor_cross
        } else if person {
            p.floor_person
        } else {
            p.floor_org
        };
        let syllabic = qf.syllabic || cf.syllabic;
        Pair { qt, qf, ct, cf, qform, person, mode, cross_script, syllabic, floor }
    }

    /// Whether the token span `at` of `toks` is one initial.
    fn initial(toks: &[Token], at: (u8, u8)) -> bool {
        at.1 - at.0 == 1 && toks[at.0 as usize].class == TokenClass::Initial
    }
}

/// A value for each side of a pair: the query's and the candidate's.
#[derive(Clone, Copy)]
struct Sides<T> {
    q: T,
    c: T,
}

/// Aligns one pair of token lists in stages: the candidate links (every pair of tokens or
/// runs alike enough), their assignment (greedy, best first, each token used once), the
/// weighting of the tokens, the score (the weighted share matched) and the adjustments
/// (initials alone, numbers, conflicting words, legal forms). `links` gets the links kept.
fn align(
    pair: &Pair,
    p: &CompareParams,
    weights: &dyn TokenWeights,
    mut memo: Option<&mut Memo>,
    links: &mut Links<MAX_TOKENS>,
) -> f64 {
    let mut candidates: Links = Links::new();
    candidate_links(pair, p, memo.as_deref_mut(), &mut candidates);
    // Nothing alike: nothing matched, whatever the weights (a quarter of the comparisons that
    // screening makes).
    if candidates.is_empty() {
        links.items.clear();
        return 0.0;
    }
    let used = assign(candidates.as_mut_slice(), links);
    let mut weighed = weigh(pair, p, weights, memo);
    by_initials(pair, links.as_slice(), &mut weighed);
    let (covered, words) = coverage(pair, p, links.as_slice());
    let aligned = Aligned { links: links.as_slice(), used, weights: weighed, covered, words };
    let tally = tally(pair, p, &aligned);
    let score = if tally.total > 0.0 { tally.matched / tally.total } else { 0.0 };
    adjust(score, pair, p, &aligned, tally.unmatched_numbers).clamp(0.0, 1.0)
}

/// Stage 1, candidate links: token against token above the floor, acronyms against the words
/// they stand for (organisations), runs of tokens against one word, in this order.
fn candidate_links(pair: &Pair, p: &CompareParams, memo: Option<&mut Memo>, out: &mut Links) {
    token_links(pair, p, memo, out);
    if !pair.person {
        acronym_links(pair, p, out);
    }
    joined_links(pair, p, out);
}

/// Every query token against every candidate token, kept above the floor.
fn token_links(pair: &Pair, p: &CompareParams, mut memo: Option<&mut Memo>, out: &mut Links) {
    let Pair { qt, qf, ct, cf, mode, floor, .. } = *pair;
    // `Ahmad bin Hasan` is not `Hasan bin Ahmad`: words on either side of `bin` stay there.
    let filial = qf.flags.iter().any(|f| f.filial) && cf.flags.iter().any(|f| f.filial);
    let context = Context::new(mode, pair.person, pair.cross_script);
    // (Lists are cut at `MAX_TOKENS`, see `Pair::new`.)
    let mut c_vowels = [0; MAX_TOKENS];
    if pair.syllabic {
        ct.iter().zip(&mut c_vowels).for_each(|(b, v)| *v = e_vowels(&b.text));
    }
    for (i, a) in qt.iter().enumerate() {
        let ar = token_ref(a, qf, i);
        let a_vowels = if pair.syllabic { e_vowels(&a.text) } else { 0 };
        let number = memo.as_deref_mut().map(|memo| memo.query_token(pair.qform * MAX_TOKENS + i, a));
        for (j, b) in ct.iter().enumerate() {
            let similarity = || token_similarity(&ar, &token_ref(b, cf, j), mode, floor);
            let mut s = match (memo.as_deref_mut(), number) {
                (Some(memo), Some(number)) => memo.get(number, cf.ids[j], context, similarity),
                _ => similarity(),
            };
            // The person's own names (before any `bin`) against ancestors' names.
            if filial && (qf.flags[i].segment == 0) != (cf.flags[j].segment == 0) {
                s *= p.filial;
            }
            // A syllable is the same syllable, spelled by one romanisation or another, or
            // another syllable.
            if pair.syllabic && !same_syllable((&a.key, qf.syllabic, a_vowels), (&b.key, cf.syllabic, c_vowels[j])) {
                s = s.min(p.syllable);
            }
            // A woman's form of a man's name is another name (not when an abjad, which
            // writes no short vowels, leaves the ending to the romanisation).
            if pair.person && pair.mode.abjad == Abjad::Neither && other_gender(&a.key, &b.key) {
                s = s.min(p.gender);
            }
            if s > floor {
                out.push(Link { q: (i as u8, i as u8 + 1), c: (j as u8, j as u8 + 1), sim: s });
            }
        }
    }
}

/// An acronym against the words it abbreviates (`PLA`, `People's Liberation Army`). Three
/// letters or fewer stand for too much to be taken from inside a name (`Coal Tar Company` is
/// no acronym of `Tschatajev Ahmed Radschapovitsch`): so short an acronym must be all its name
/// says, but for weak words and countries.
fn acronym_links(pair: &Pair, p: &CompareParams, out: &mut Links) {
    // Other words than weak ones and countries (`PLA China`).
    let alone = |toks: &[Token], form: &Form, at: usize| {
        toks.iter().enumerate().all(|(i, t)| i == at || t.class.is_weak() || form.flags[i].country)
    };
    for (one, one_form, other_form, flip) in [(pair.qt, pair.qf, pair.cf, false), (pair.ct, pair.cf, pair.qf, true)] {
        for (i, a) in one.iter().enumerate() {
            // Two letters are initials, not an acronym (`LJ` and `Lee John`).
            if !matches!(a.class, TokenClass::Word) || !(3..=6).contains(&a.text.len()) {
                continue;
            }
            for (letters, s0, s1) in &other_form.acronyms {
                if *letters == a.text && (letters.len() > 3 || alone(one, one_form, i)) {
                    out.push(Link::oriented(flip, (i as u8, i as u8 + 1), (*s0, *s1), p.acronym));
                }
            }
        }
    }
}

/// Runs of two to four tokens against one word, both ways (`Abdul Salam` / `Abdulsalam`).
fn joined_links(pair: &Pair, p: &CompareParams, out: &mut Links) {
    for (one, many_form, many, flip) in [(pair.qt, pair.cf, pair.ct, false), (pair.ct, pair.qf, pair.qt, true)] {
        let many_len = many.len();
        for (i, a) in one.iter().enumerate() {
            let ak = a.key.as_bytes();
            if a.class != TokenClass::Word || ak.len() < 2 {
                continue;
            }
            let amask = if flip { pair.cf.flags[i].mask } else { pair.qf.flags[i].mask };
            for run in &many_form.runs {
                if run.start as usize + run.len as usize > many_len || !may_join(ak, run) {
                    continue;
                }
                if !masks_may_reach(amask, run.mask, ak.len().max(run.key.len()), p.joined) {
                    continue;
                }
                // Syllables read from a syllabic script spell one word only as themselves
                // (`yu lan`, `Yulan`): `mei ying` is not `Ming`, nor `wan ting` `Wentong`.
                let one_syllabic = if flip { pair.cf.syllabic } else { pair.qf.syllabic };
                if many_form.syllabic {
                    let words = &many[run.start as usize..(run.start + run.len) as usize];
                    let run_vowels = words.iter().map(|t| e_vowels(&t.text)).sum();
                    if !same_syllable((&a.key, one_syllabic, e_vowels(&a.text)), (&run.key, true, run_vowels)) {
                        continue;
                    }
                }
                let mut s = word_key_similarity(&a.key, &run.key, p.joined);
                // Words of an abjad written together are compared by their consonants too, as
                // single words are (`حزب الله`, read `hzb allah`, is `Hizballah`).
                // Each word of the run must say consonants of its own: a preposition (`في`,
                // `fi`) written beside a name is no part of it.
                let words = &many[run.start as usize..(run.start + run.len) as usize];
                // Written together, the words' consonants must be the same ones, as many: a
                // near skeleton of several words joined says little, and a skeleton merges a
                // consonant that ends one word with the same one starting the next.
                if pair.mode.abjad != Abjad::Neither && s < 0.95 && words.iter().all(|t| t.skeleton.len() >= 2) {
                    let abjad = if flip { pair.mode.abjad.swapped() } else { pair.mode.abjad };
                    let run_skeleton = proscribe_text::skeleton_of_key(&run.key);
                    if run_skeleton == a.skeleton && consonant_count(&run.key) == consonant_count(&a.key) {
                        s = s.max(abjad_likeness((&a.key, &a.skeleton), (&run.key, &run_skeleton), abjad, false));
                    }
                }
                if s >= p.joined {
                    out.push(Link::oriented(flip, (i as u8, i as u8 + 1), (run.start, run.start + run.len), s));
                }
            }
        }
    }
}

/// Whether a word of spelling key `ak` (two bytes or more) may be run `run` written together:
/// joined words start alike (or one has a letter too many at the start: `Iabd al-Ghafur`) and
/// are about as long; anything else cannot reach the similarity asked for, and is not worth
/// the edit distance. Short words join only initials (`ABC` and `A.B.C.`).
fn may_join(ak: &[u8], run: &Run) -> bool {
    // Keys hold no 0.
    let [r0, r1] = run.head;
    let alike_start = r0 == ak[0] || r1 == ak[0] || ak[1] == r0;
    let rk = run.key.as_bytes();
    alike_start && rk.len().abs_diff(ak.len()) * 3 <= rk.len().max(ak.len()) && (ak.len() >= 4 || run.initials)
}

/// Stage 2, assignment: the candidate links best first (most similar, then longest), each
/// kept when none of its tokens is used yet. Returns which tokens are used.
fn assign(candidates: &mut [Link], links: &mut Links<MAX_TOKENS>) -> Sides<[bool; MAX_TOKENS]> {
    candidates.sort_unstable_by(|x, y| y.sim.total_cmp(&x.sim).then_with(|| span(y).cmp(&span(x))));
    let mut used = Sides { q: [false; MAX_TOKENS], c: [false; MAX_TOKENS] };
    links.items.clear();
    for &l in candidates.iter() {
        let (q0, q1, c0, c1) = (l.q.0 as usize, l.q.1 as usize, l.c.0 as usize, l.c.1 as usize);
        if used.q[q0..q1].iter().any(|u| *u) || used.c[c0..c1].iter().any(|u| *u) {
            continue;
        }
        used.q[q0..q1].iter_mut().for_each(|u| *u = true);
        used.c[c0..c1].iter_mut().for_each(|u| *u = true);
        links.push(l);
    }
    used
}

fn span(l: &Link) -> u8 {
    (l.q.1 - l.q.0) + (l.c.1 - l.c.0)
}

/// Stage 3, weighting: what each token weighs in the score.
fn weigh(
    pair: &Pair,
    p: &CompareParams,
    weights: &dyn TokenWeights,
    memo: Option<&mut Memo>,
) -> Sides<[f64; MAX_TOKENS]> {
    let base = base_weights(pair, weights, memo);
    let q_patronymic = pair.person && pair.qf.flags.iter().any(|f| f.patronymic);
    let c_patronymic = pair.person && pair.cf.flags.iter().any(|f| f.patronymic);
    // Against a name read from a syllabic script, the other name's `bin` or `an` is a
    // syllable of a Chinese or Korean name (`Bin Yang`, `An Chang-ho`), not a particle.
    let syllabic = pair.syllabic;
    Sides {
        q: weigh_side(pair.qt, &base.q, pair.qf, pair.person, c_patronymic, syllabic, p),
        c: weigh_side(pair.ct, &base.c, pair.cf, pair.person, q_patronymic, syllabic, p),
    }
}

/// A word matched by an initial weighs what the initial does: the initial tells its first
/// letter, not the word (`Amy` is one of the names `A.` may stand for, and `Amy Johnson` is
/// no nearer `Edward A. Johnson` for it).
fn by_initials(pair: &Pair, links: &[Link], w: &mut Sides<[f64; MAX_TOKENS]>) {
    for l in links {
        let (qi, ci) = (Pair::initial(pair.qt, l.q), Pair::initial(pair.ct, l.c));
        if qi && !ci {
            let cap = w.q[l.q.0 as usize];
            w.c[l.c.0 as usize..l.c.1 as usize].iter_mut().for_each(|x| *x = x.min(cap));
        } else if ci && !qi {
            let cap = w.c[l.c.0 as usize];
            w.q[l.q.0 as usize..l.q.1 as usize].iter_mut().for_each(|x| *x = x.min(cap));
        }
    }
}

/// What `weights` says of each token: the query's asked once per query, the candidate's
/// kept by the index that interned it (a memo is only given with that index as `weights`).
fn base_weights(pair: &Pair, weights: &dyn TokenWeights, mut memo: Option<&mut Memo>) -> Sides<[f64; MAX_TOKENS]> {
    let mut base = Sides { q: [0f64; MAX_TOKENS], c: [0f64; MAX_TOKENS] };
    // Syllables count as syllables: a common surname (`wang`, `kim`) is half of a Chinese or
    // Korean name however many names share it, so its being left over costs in full.
    if pair.syllabic {
        base.q[..pair.qt.len()].fill(1.0);
        base.c[..pair.ct.len()].fill(1.0);
        return base;
    }
    for (i, t) in pair.qt.iter().enumerate() {
        base.q[i] = match memo.as_deref_mut() {
            Some(memo) => memo.weight(pair.qform * MAX_TOKENS + i, || weights.weight(t)),
            None => weights.weight(t),
        };
    }
    for (j, t) in pair.ct.iter().enumerate() {
        base.c[j] = match pair.cf.weights.get(j) {
            Some(&w) if memo.is_some() => f64::from(w),
            _ => weights.weight(t),
        };
    }
    base
}

/// The weights of one side's tokens: the base weight times the class's factor, a patronymic
/// the other name leaves out, a country word of an organisation's name, an annotation.
fn weigh_side(
    toks: &[Token],
    base: &[f64; MAX_TOKENS],
    form: &Form,
    person: bool,
    other_has_patronymic: bool,
    syllabic: bool,
    p: &CompareParams,
) -> [f64; MAX_TOKENS] {
    let mut out = [0f64; MAX_TOKENS];
    for (i, t) in toks.iter().enumerate() {
        let class = if syllabic && t.class == TokenClass::Particle { TokenClass::Word } else { t.class };
        let mut w = base[i] * p.class_factor(class);
        // A patronymic the other name leaves out counts half; two different ones conflict.
        if person && !other_has_patronymic && form.flags[i].patronymic {
            w *= p.patronymic;
        }
        if !person && form.flags[i].country {
            w *= p.country;
        }
        if form.optional[i] {
            w *= p.optional;
        }
        out[i] = w;
    }
    out
}

/// Whether each side's name is wholly and closely matched, so that the other name's extra
/// words are taken for middle names, and how many words (but for weak words, initials and
/// annotations) each side has. Only good matches cover a token; an initial says too little
/// of a word to cover it (`A` for `Alwakie`).
fn coverage(pair: &Pair, p: &CompareParams, links: &[Link]) -> (Sides<bool>, Sides<usize>) {
    let Pair { qt, qf, ct, cf, .. } = *pair;
    let (mut q_good, mut c_good) = ([false; MAX_TOKENS], [false; MAX_TOKENS]);
    let initial = Pair::initial;
    for l in links.iter().filter(|l| l.sim >= p.cover_sim && initial(qt, l.q) == initial(ct, l.c)) {
        q_good[l.q.0 as usize..l.q.1 as usize].iter_mut().for_each(|u| *u = true);
        c_good[l.c.0 as usize..l.c.1 as usize].iter_mut().for_each(|u| *u = true);
    }
    let strong = |t: &Token, optional: bool| !optional && !t.class.is_weak() && t.class != TokenClass::Initial;
    let strong_unmatched = |used: &[bool], toks: &[Token], opt: &[bool]| {
        toks.iter().enumerate().any(|(i, t)| !used[i] && strong(t, opt[i]))
    };
    // A name of one word (`Abu Ghazzy`, `Naseruddin`) says too little to be the whole of
    // another one: the other's extra words are not taken for middle names. Words that matched
    // one word of the other name together are one word (`Sa-id` for `Saeed`).
    let strong_words = |toks: &[Token], opt: &[bool], span: fn(&Link) -> (u8, u8)| {
        let words = toks.iter().zip(opt).filter(|(t, o)| strong(t, **o)).count();
        let joined: usize = links
            .iter()
            .map(span)
            .filter(|s| s.1 - s.0 > 1)
            .map(|s| (s.0..s.1).filter(|&i| strong(&toks[i as usize], opt[i as usize])).count().saturating_sub(1))
            .sum();
        words - joined
    };
    let words = Sides { q: strong_words(qt, &qf.optional, |l| l.q), c: strong_words(ct, &cf.optional, |l| l.c) };
    let covered = Sides {
        q: !strong_unmatched(&q_good, qt, &qf.optional) && words.q >= p.cover_words,
        c: !strong_unmatched(&c_good, ct, &cf.optional) && words.c >= p.cover_words,
    };
    (covered, words)
}

/// The links kept for a pair with what the later stages read of them.
struct Aligned<'a> {
    links: &'a [Link],
    used: Sides<[bool; MAX_TOKENS]>,
    weights: Sides<[f64; MAX_TOKENS]>,
    covered: Sides<bool>,
    /// Each side's words but for weak words, initials and annotations.
    words: Sides<usize>,
}

impl Aligned<'_> {
    /// The weight of the tokens of both sides of a link.
    fn mass(&self, l: &Link) -> f64 {
        self.weights.q[l.q.0 as usize..l.q.1 as usize].iter().sum::<f64>()
            + self.weights.c[l.c.0 as usize..l.c.1 as usize].iter().sum::<f64>()
    }
}

/// The weight matched (each link by its credit) and the total weight of a pair, and whether
/// each side has a number (not an annotation) left unmatched.
struct Tally {
    matched: f64,
    total: f64,
    unmatched_numbers: (bool, bool),
}

/// Stage 4, the score's parts: each link earns its tokens' weight times its credit (its
/// similarity above the floor; across scripts bent upwards, since a rendering is a guess and a
/// fair likeness is good evidence); unmatched tokens count against it by their weight, the
/// extra words of a person's name covered by the other at the leniency's weight, of an
/// organisation's name more.
fn tally(pair: &Pair, p: &CompareParams, a: &Aligned) -> Tally {
    // One loop each way, so that no comparison within a script pays for the bend.
    if pair.cross_script {
        tally_by(pair, p, a, |c| c.powf(p.bend_cross))
    } else {
        tally_by(pair, p, a, |c| c)
    }
}

/// [`tally`] with the credit's share above the floor bent by `bend`.
fn tally_by(pair: &Pair, p: &CompareParams, a: &Aligned, bend: impl Fn(f64) -> f64) -> Tally {
    let floor = pair.floor;
    let credit = |s: f64| bend(((s - floor) / (1.0 - floor)).clamp(0.0, 1.0));
    let mut matched = 0.0;
    for l in a.links {
        matched += credit(l.sim) * a.mass(l);
    }
    // Extra words make another company (`Trucking` and `Trucking Holdings`): they count
    // more in names of organisations than in people's.
    // A syllable left over in a name read from a syllabic script makes another name as well:
    // such names are two to four syllables, each of the surname or the given name.
    let extra = if pair.person && !pair.syllabic { 1.0 } else { p.extra_org };
    // A person's name of one word is a given name, a surname or a by-name alone: matched by
    // one word of a longer name it is a word they share, not the name, and the longer
    // name's other words weigh more (`Jose Martin` is not `Martin`, `Farid Lopez` not
    // `Farid`).
    let one_word = |form: &Form| form.optional.iter().filter(|o| !**o).count() == 1;
    let extra_q = if pair.person && one_word(pair.cf) && a.words.q >= 2 { p.one_word.max(extra) } else { extra };
    let extra_c = if pair.person && one_word(pair.qf) && a.words.c >= 2 { p.one_word.max(extra) } else { extra };
    let mut total = matched;
    let mut unmatched_numbers = (false, false);
    // A middle name lies before the name's last matched word. In a name of two or three
    // words (given names and a surname), a word after it is where the surname is written
    // (`Robert Joseph Stevenson` is not `Robert Joseph`, `Michael Scott` not `Scott Michael
    // Miller`), unless it is a patronymic, which follows the given name. Longer names are
    // chains whose last words are routinely left out: an Arabic or Pashtun name's father's and
    // tribe's names (`Dost Mohammad Khan Haqqani`), a second surname (`Maria Luisa
    // Sanchez-Lopez`).
    let last = |used: &[bool], len: usize| if len <= 3 { used[..len].iter().rposition(|&u| u) } else { Some(len) };
    let (last_q, last_c) = (last(&a.used.q, pair.qt.len()), last(&a.used.c, pair.ct.len()));
    let middle =
        |at: usize, last: Option<usize>, form: &Form| last.is_some_and(|l| at < l) || form.flags[at].patronymic;
    // An Arabic name is a chain: a person's own name, then the father's, the grandfather's
    // (`Uday Saddam Hussein`). Its first word left over leaves the father's name: another
    // person (`Saddam Hussein al-Tikriti` is not `Uday Saddam Hussein al-Tikriti`). Told where
    // one side is written in Arabic script.
    let abjad = pair.qf.abjad || pair.cf.abjad;
    let chain_head = |at: usize, form: &Form| {
        abjad && p.chain_head > 0.0 && form.optional.iter().take(at).all(|o| *o) && !form.flags[at].filial
    };
    // The head of a name written as one (`Rodriguez` of `Rodriguez-Diaz`, see
    // `prepare::compounds_of`) left over while its later part is matched: the other name
    // is known by another name (`Joaquin Diaz` is not `Joaquin Rodriguez-Diaz`).
    let head_left = |at: usize, used: &[bool], form: &Form| {
        pair.person
            && p.compound_head > 0.0
            && form.flags.get(at + 1).is_some_and(|f| f.compound_tail)
            && used.get(at + 1) == Some(&true)
    };
    // What a word left over weighs, relative to a matched word's. A syllable left over is
    // part of another name, not a middle name.
    // The given name written in full is the one a person goes by: a first word left over
    // while the other name's first word, written in full, matched this name's initial
    // (`George R. Mitchell` against `Robert Mitchell`) or, in two names written in Latin
    // letters, its second word (`William Michael Johnson` against `Michael Johnson`) is
    // another given name, not a middle name. (People known by a middle name are the price:
    // `Alexandre Boris de Pfeffel Johnson` is no longer a match for `Boris Johnson`. Where a
    // name was written in Arabic script, the chain's head says the same, and names read from
    // other scripts are compounds and chains whose parts this cannot tell.)
    let latin = !pair.qf.transliterated && !pair.cf.transliterated;
    let given_by_initial = |at: usize, query_side: bool| {
        let (toks, other) = if query_side { (pair.qt, pair.ct) } else { (pair.ct, pair.qt) };
        pair.person
            && at == 0
            && toks[0].class == TokenClass::Word
            && other.first().is_some_and(|t| t.class == TokenClass::Word)
            && a.links.iter().any(|l| {
                let (mine, theirs) = if query_side { (l.q, l.c) } else { (l.c, l.q) };
                let second_given = latin && mine.0 == 1 && toks[1].class == TokenClass::Word;
                theirs.0 == 0
                    && mine.1 == mine.0 + 1
                    && (toks[mine.0 as usize].class == TokenClass::Initial || second_given)
            })
    };
    // A chain's head is the person's own name, another person's however common the name
    // (`Ali`, `Muhammad`): left over, it weighs at least what the name's words weigh on
    // average.
    let mean = |w: &[f64], n: usize| if n == 0 { 0.0 } else { w[..n].iter().sum::<f64>() / n as f64 };
    let (mean_q, mean_c) = (mean(&a.weights.q, pair.qt.len()), mean(&a.weights.c, pair.ct.len()));
    let left_over = |query_side: bool, at: usize, last: Option<usize>, other_covered: bool, extra: f64| {
        let (used, form, weights, mean, toks) = if query_side {
            (&a.used.q[..], pair.qf, &a.weights.q, mean_q, pair.qt)
        } else {
            (&a.used.c[..], pair.cf, &a.weights.c, mean_c, pair.ct)
        };
        let lenient = pair.person && !pair.syllabic && other_covered && !a.links.is_empty() && middle(at, last, form);
        let weight = weights[at];
        if head_left(at, used, form) {
            weight * p.compound_head
        } else if given_by_initial(at, query_side) {
            weight * p.given_initial
        } else if lenient && chain_head(at, form) {
            // (A particle before the name, `al`, is no name of the person's.)
            let own = if toks[at].class == TokenClass::Word { weight.max(mean) } else { weight };
            own * p.chain_head
        } else if lenient {
            weight * p.lenient
        } else if pair.person && !pair.syllabic && last.is_some_and(|l| at > l) && !form.flags[at].patronymic {
            weight * p.surname.max(extra)
        } else {
            weight * extra
        }
    };
    for (i, t) in pair.qt.iter().enumerate() {
        if !a.used.q[i] {
            total += left_over(true, i, last_q, a.covered.c, extra_q);
            unmatched_numbers.0 |= t.class == TokenClass::Number && !pair.qf.optional[i];
        }
    }
    for (j, t) in pair.ct.iter().enumerate() {
        if !a.used.c[j] {
            total += left_over(false, j, last_c, a.covered.q, extra_c);
            unmatched_numbers.1 |= t.class == TokenClass::Number && !pair.cf.optional[j];
        }
    }
    // Matched tokens that were not fully similar count in the total at their full weight.
    for l in a.links {
        total += (1.0 - credit(l.sim)) * a.mass(l);
    }
    Tally { matched, total, unmatched_numbers }
}

/// Stage 5, adjustments of the score: initials alone, numbers left unmatched, a word against
/// another word, legal forms of two jurisdictions.
fn adjust(mut score: f64, pair: &Pair, p: &CompareParams, a: &Aligned, unmatched_numbers: (bool, bool)) -> f64 {
    let Pair { qt, ct, person, .. } = *pair;
    // Initials support a match of words; alone they are none (`K.A.S.` is not `Kafi Ataallah
    // Salman`, nor the company `K` with the form `A.S.` the company `Krimtets AO`).
    let strong_span = |toks: &[Token], at: (u8, u8)| {
        toks[at.0 as usize..at.1 as usize].iter().any(|t| !t.class.is_weak() && t.class != TokenClass::Initial)
    };
    let strong_link = |l: &Link| strong_span(qt, l.q) && strong_span(ct, l.c);
    let by_initial = |l: &Link| Pair::initial(qt, l.q) != Pair::initial(ct, l.c);
    if a.links.iter().any(by_initial) && !a.links.iter().any(strong_link) {
        score *= p.initials_only;
    }
    if unmatched_numbers.0 && unmatched_numbers.1 {
        score *= p.numbers_both;
    } else if !person && (unmatched_numbers.0 || unmatched_numbers.1) {
        // `Gulf Sunbird II` is the second of its name, not `Gulf Sunbird`.
        score *= p.number_one_side;
    }
    // A word of one name against another word of the other (`Al-Tikriti` against `Al-Rawi`)
    // says more against a match than a word the other name leaves out.
    if !a.covered.q && !a.covered.c {
        score *= (1.0 - conflicting_share(pair, a)).powi(p.conflict);
    }
    // Legal forms of two jurisdictions left unmatched: two companies of one group.
    let form_left = |used: &[bool], toks: &[Token]| {
        toks.iter().enumerate().any(|(i, t)| !used[i] && matches!(t.class, TokenClass::LegalForm(f) if !f.generic))
    };
    if !person && form_left(&a.used.q, qt) && form_left(&a.used.c, ct) {
        score *= p.form_conflict;
    }
    score
}

/// How much of each name is left over, but for weak words, as a share of its weight; the
/// smaller share is the conflicting part.
fn conflicting_share(pair: &Pair, a: &Aligned) -> f64 {
    let left = |used: &[bool], w: &[f64], toks: &[Token]| {
        let total: f64 = w[..toks.len()].iter().sum();
        let left: f64 =
            toks.iter().enumerate().filter(|(i, t)| !used[*i] && !t.class.is_weak()).map(|(i, _)| w[i]).sum();
        if total > 0.0 {
            left / total
        } else {
            0.0
        }
    };
    left(&a.used.q, &a.weights.q, pair.qt).min(left(&a.used.c, &a.weights.c, pair.ct))
}

/// The kind of entity two names are compared as: the query's, else the candidate's; a name of
/// unknown kind with a legal form is an organisation's, whatever the other name is, so that a
/// person's leniency towards extra words does not apply (`Rah Ahan Sharghi Co.`).
fn pair_schema(q: &PreparedName, c: &PreparedName) -> Option<Schema> {
    let company = |n: &PreparedName| {
        n.schema.is_none() && n.variants.iter().flatten().any(|t| matches!(t.class, TokenClass::LegalForm(_)))
    };
    match q.schema.or(c.schema) {
        Some(Schema::Person) | None if company(q) || company(c) => Some(Schema::Organization),
        schema => schema,
    }
}

fn explain(
    q: &PreparedName,
    c: &PreparedName,
    a: &Alignment,
    weights: &dyn TokenWeights,
    params: &CompareParams,
) -> NameMatch {
    let (qf, cf) = (&q.forms[a.qform], &c.forms[a.cform]);
    let qt = &q.variants[qf.variant];
    let ct = &c.variants[cf.variant];
    // The links of the best pair of token lists, found again as they were when scored.
    let mut links = Links::new();
    let pair = Pair::new((qt, qf, a.qform), (ct, cf), pair_schema(q, c), params);
    align(&pair, params, weights, None, &mut links);
    // Words as written (`limited`, not the canonical `ltd`), for a person to recognise.
    let shown = |t: &Token| t.written.as_deref().unwrap_or(&t.text).to_string();
    let join = |toks: &[Token]| toks.iter().map(shown).collect::<Vec<_>>().join(" ");
    let mut pairs: Vec<(u8, TokenPair)> = links
        .as_slice()
        .iter()
        .map(|l| {
            (
                l.q.0,
                TokenPair {
                    query: join(&qt[l.q.0 as usize..l.q.1 as usize]),
                    candidate: join(&ct[l.c.0 as usize..l.c.1 as usize]),
                    similarity: (l.sim * 1000.0).round() / 1000.0,
                },
            )
        })
        .collect();
    pairs.sort_by_key(|p| p.0);
    let used = |n: usize, side: fn(&Link) -> (u8, u8)| {
        let mut u = vec![false; n];
        for l in links.as_slice() {
            let (x, y) = side(l);
            u.iter_mut().take((y as usize).min(n)).skip(x as usize).for_each(|v| *v = true);
        }
        u
    };
    let qu = used(qt.len(), |l| l.q);
    let cu = used(ct.len(), |l| l.c);
    NameMatch {
        score: a.score,
        pairs: pairs.into_iter().map(|p| p.1).collect(),
        unmatched_query: qt.iter().zip(&qu).filter(|(_, u)| !**u).map(|(t, _)| shown(t)).collect(),
        unmatched_candidate: ct.iter().zip(&cu).filter(|(_, u)| !**u).map(|(t, _)| shown(t)).collect(),
        query_rendering: join(qt),
        candidate_rendering: join(ct),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::FrequencyWeights;

    fn check(query: &str, candidate: &str, schema: Schema, expect_match: bool) {
        let q = PreparedName::new(query, Some(schema));
        let c = PreparedName::new(candidate, Some(schema));
        let m = compare_names(&q, &c, FrequencyWeights::default_table());
        assert_eq!(m.score >= DEFAULT_THRESHOLD, expect_match, "{query} / {candidate}: {m:?}");
        assert!((0.0..=1.0).contains(&m.score));
        assert!((m.score - score_names(&q, &c, FrequencyWeights::default_table())).abs() < 1e-12);
    }

    /// A word left over after a name's last matched word is its surname, not a middle name.
    #[test]
    fn a_word_after_the_last_matched_one_is_a_surname() {
        let score = |q: &str, c: &str| {
            let (q, c) = (PreparedName::new(q, Some(Schema::Person)), PreparedName::new(c, Some(Schema::Person)));
            score_names(&q, &c, FrequencyWeights::default_table())
        };
        // In a name of two or three words: a middle name left over costs less than a surname.
        assert!(
            score("Robert Stevenson", "Robert Joseph Stevenson")
                > score("Robert Joseph", "Robert Joseph Stevenson") + 0.05
        );
        assert!(score("Scott Miller", "Scott Michael Miller") > score("Scott Michael", "Scott Michael Miller") + 0.05);
        // A patronymic follows the given name, and longer names drop their last words alike.
        assert!(score("Ivan Petrov", "Petrov Ivan Sergeyevich") >= DEFAULT_THRESHOLD);
        let chain = score("Dost Mohammad", "Dost Mohammad Khan Haqqani");
        assert!(
            (chain - score("Dost Haqqani", "Dost Mohammad Khan Haqqani")).abs() < 0.1 && chain >= DEFAULT_THRESHOLD
        );
    }

    /// Where a word left over sits in its name tells what it is: the head of a name written as
    /// one, a one-word name's partner, the first link of an Arabic chain, a given name the
    /// other name writes as an initial.
    #[test]
    fn what_a_word_left_over_is() {
        let score = |q: &str, c: &str| {
            let (q, c) = (PreparedName::new(q, Some(Schema::Person)), PreparedName::new(c, Some(Schema::Person)));
            score_names(&q, &c, FrequencyWeights::default_table())
        };
        // A name written as one is known by its first part, whether hyphenated or two
        // surnames before the comma.
        assert!(score("Joaquin Diaz", "Joaquin Rodriguez-Diaz") < score("Joaquin Rodriguez", "Joaquin Rodriguez-Diaz"));
        assert!(score("Joaquin Diaz", "Joaquin Rodriguez-Diaz") < 0.75);
        assert!(score("Martha Rodriguez", "GARCIA RODRIGUEZ, Martha") < DEFAULT_THRESHOLD);
        assert!(score("Martha Garcia", "GARCIA RODRIGUEZ, Martha") >= DEFAULT_THRESHOLD);
        // ... or the surnames in capitals after the given names.
        assert!(score("Jesus Gomez", "Jorge Jesús RODRÍGUEZ GÓMEZ") < DEFAULT_THRESHOLD);
        assert!(score("Jorge Rodriguez", "Jorge Jesús RODRÍGUEZ GÓMEZ") >= DEFAULT_THRESHOLD);
        assert!(
            score("Jesus Gomez", "Jorge Jesús Rodríguez Gómez") > score("Jesus Gomez", "Jorge Jesús RODRÍGUEZ GÓMEZ")
        );
        // A Persian surname's ending written apart ends the word before it.
        assert!(score("علی رضا زاده", "Ali Haji Zadeh") < DEFAULT_THRESHOLD);
        assert!(score("علی رضا زاده", "Ali Reza Zadeh") >= 0.9);
        // A particle or a short word is no head.
        assert!(score("Bashar xal-Assad", "Bashar al-Assad") == score("Bashar xal Assad", "Bashar al-Assad"));
        // A one-word name is a word of a longer one, not the name.
        assert!(score("Jose Martin", "Martin") < 0.65);
        assert!(score("N. Nazarbayev", "Nursultan Nazarbayev") > score("Jose Martin", "Martin"));
        // An Arabic name's first word left over leaves the father's name.
        assert!(score("صدام حسين التكريتي", "Uday Saddam Hussein Al-Tikriti") < DEFAULT_THRESHOLD);
        assert!(score("صدام حسين التكريتي", "Saddam Hussein Al-Tikriti") >= 0.9);
        // ... however common that first word (`Ali`, `Muhammad`).
        let (common, rare) = (
            score("صدام حسين التكريتي", "Ali Saddam Hussein Al-Tikriti"),
            score("صدام حسين التكريتي", "Uday Saddam Hussein Al-Tikriti"),
        );
        assert!(common < 0.77 && common - rare < 0.12, "{common} {rare}");
        assert!(score("مطيع الله", "Mohammad Ullah Mati") < DEFAULT_THRESHOLD);
        // A given name written in full is the one a person goes by.
        assert!(score("Robert Mitchell", "George R. Mitchell") < DEFAULT_THRESHOLD);
        assert!(score("R. Mitchell", "George R. Mitchell") > score("Robert Mitchell", "George R. Mitchell"));
        assert!(score("Michael Johnson", "William Michael Johnson") < DEFAULT_THRESHOLD);
        assert!(score("Kevin John Chan", "John Chan") < DEFAULT_THRESHOLD);
        assert!(score("William Johnson", "William Michael Johnson") >= DEFAULT_THRESHOLD);
        // A title is no given name.
        assert!(score("President Barack Obama", "Barack Obama") >= 0.9);
    }

    /// (query, candidate, schema, same name?).
    #[test]
    fn decisions() {
        use Schema::*;
        let cases = [
            // Spelling, order, spacing, particles and titles.
            ("Abdul Salam Hanafi", "HANAFI, Abdulsalam", Person, true),
            ("Abd al-Salam Hanafi", "Abdussalam Hanafi", Person, true),
            ("Mohammed Omar", "Muhammad Umar", Person, true),
            ("Haji Mohammad Ashraf", "Mohammad Ashraf", Person, true),
            ("Vladimir Putin", "Putin Vladimir Vladimirovich", Person, true),
            ("Bashar al-Assad", "Hafez al-Assad", Person, false),
            ("Ahmad bin Hasan al-Ubaidi", "Hasan bin Ahmad al-Ubaidi", Person, false),
            ("Olaf Scholz", "Angela Merkel", Person, false),
            // A one-word name is no full name that the other extends by middle names.
            ("Nasserddine Ghazi", "Abu Ghazzy", Person, false),
            ("Khan Shaykh Hafidh Said", "Khan Hafiz Saeed", Person, true),
            ("Rashid Kamal Yusuf", "Ra-shid", Person, false),
            // An initial does not cover a word: the other name's extra words still count.
            ("Karwani, Rashad", "Ozturi, Rashad K A M", Person, false),
            // Initials support a match of words, they make none alone, and a word matched by
            // one weighs what the initial does.
            ("J. Harlowe", "Jonas Harlowe", Person, true),
            ("Amy Johnson", "Edward A. Johnson", Person, false),
            ("J.-C. Juncker", "Jean-Claude Juncker", Person, true),
            // A middle name lies before the last matched word; after it, in a name of two or
            // three words, lies the surname. Longer names drop their last words.
            ("Scott Miller", "Scott Michael Miller", Person, true),
            // The first given name is the one a person goes by.
            ("Michael Miller", "Scott Michael Miller", Person, false),
            ("Ivan Petrov", "Petrov Ivan Sergeyevich", Person, true),
            ("Dost Mohammad", "Dost Mohammad Khan Haqqani", Person, true),
            // A woman's form of a man's name is another name.
            ("Michaela Miller", "Scott Michael Miller", Person, false),
            ("Yevgeniya Orlova", "Yevgeniy Orlov", Person, false),
            ("Kovrin Adaleth Serov", "K.A.S.", Organization, false),
            ("Trembeck AO", "T.A.S.", Company, false),
            // Other scripts.
            ("Мария Осетрова", "Maria Osetrova", Person, true),
            ("محمد علي", "Mohamed Ali", Person, true),
            ("金正恩", "Kim Jong Un", Person, true),
            ("習近平", "Kim Jong Un", Person, false),
            // A name read from a syllabic script: every syllable is itself or another one, none
            // is a particle, and one left over is part of another name, not a middle name.
            ("习近平", "Xi Jinping", Person, true),
            ("최룡해", "CHOE, Ryong Hae", Person, true),
            ("김영철", "Kim Yong Chol", Person, true),
            ("红 魏", "Wang Wei", Person, false),
            ("平 许", "Bing Xu", Person, false),
            // A Latin word without a vowel is a code, not a name's spelling.
            ("Kayla Smith", "SMT?K", Person, false),
            ("燕 杨", "Bin Yang", Person, false),
            ("英 樊", "Bin Yang", Person, false),
            ("强 迟", "Kuang-Chi", Person, false),
            ("翼 岡田", "Tian Yi", Person, false),
            ("斌 李", "RI, Myong Hun", Person, false),
            ("洁 王", "DJI", Organization, false),
            // Words written together are compared by their letters: romanisations of one
            // syllable differ (`Ji Sung` and `jiseong`, `Yamada` and `yamata`).
            ("박지성", "Park Ji Sung", Person, true),
            ("山田太郎", "Yamada Taro", Person, true),
            // A foreign name transcribed into Chinese, its parts between dots, is read as words.
            ("阿米尔·汗·穆塔基", "AMIR KHAN MOTAQI", Person, true),
            ("阿卜杜勒·萨拉姆·哈纳菲", "Abdussalam Hanifi", Person, true),
            // Companies: legal forms, abbreviations, other words.
            ("Harrowfield Bearings Limited", "HARROWFIELD BEARINGS LTD.", Company, true),
            ("OAO Gazprom", "Open Joint Stock Company Gazprom", Company, true),
            ("Delancourt Brothers Manufacturing Co.", "Delancourt Bros. Mfg. Co.", Company, true),
            ("Korvessa Industrial GmbH", "Korvessa Industrial Sdn. Bhd.", Company, false),
            // Acronyms, and three letters inside a name that are none.
            ("CJNG", "Cartel de Jalisco Nueva Generacion", Organization, true),
            ("Tschatajev Ahmed Radschapovitsch", "Coal Tar Company", Organization, false),
            ("Tan S.A.", "Taliban", Organization, false),
            // An abbreviation stands for a word among others; alone it is a name of its own.
            ("Norv", "Norvellion", Organization, false),
            ("Tovarro Industries Inc.", "Tovarro Industries de Mexico, S.A. de C.V.", Company, false),
            ("Kibaha Cement Traders Ltd", "Kisumu Lakeside Motors Ltd", Company, false),
            // Vessels: numbers, prefixes, former names.
            ("Hoshikaze Maru No. 8", "Hoshikaze Maru No. 6", Vessel, false),
            ("M.V. Pelgarra Glory", "PELGARRA GLORY", Vessel, true),
            ("Ocean Pioneer (ex-Cape Diamond)", "Cape Diamond", Vessel, true),
            ("MV Apapa Falcon (ex Warri Osprey)", "MV Onne Pelican (ex Warri Osprey)", Vessel, false),
            // Nothing to compare.
            ("", "Cape Diamond", Vessel, false),
            ("-- ()", "--", Person, false),
        ];
        for (q, c, schema, expect) in cases {
            check(q, c, schema, expect);
        }
    }

    /// Only an organisation's name is written as its initials: a query of unknown kind that is
    /// an acronym finds the organisation, and one of several words meets no listed acronym.
    #[test]
    fn acronyms_stand_for_organisations_only() {
        let weights = FrequencyWeights::default_table();
        let listed_full = PreparedName::new("Allied Democratic Forces", Some(Schema::Organization));
        let listed_acronym = PreparedName::new("ADF", Some(Schema::Organization));
        let acronym = PreparedName::new("ADF", None);
        let person = PreparedName::new("Anne Derek Franklin", None);
        assert!(score_names(&acronym, &listed_full, weights) >= DEFAULT_THRESHOLD);
        assert!(score_names(&person, &listed_acronym, weights) < 0.5);
        let full = PreparedName::new("Allied Democratic Forces", Some(Schema::Organization));
        assert!(score_names(&full, &listed_acronym, weights) >= DEFAULT_THRESHOLD);
    }

    /// A letter in a vessel's or an aircraft's name is part of the name, no initial of a
    /// person's: `M-VITO` is not `Vito Modugno`, but is `M Vito`.
    #[test]
    fn vessels_have_no_initials() {
        let weights = FrequencyWeights::default_table();
        let vessel = PreparedName::new("M-VITO", Some(Schema::Vessel));
        for (query, at_least) in [("Vito Modugno", false), ("M VITO", true), ("M-Vito", true)] {
            let s = score_names(&PreparedName::new(query, None), &vessel, weights);
            assert_eq!(s >= DEFAULT_THRESHOLD, at_least, "{query}: {s:.3}");
        }
        // A person's initial still stands for a word.
        let person = PreparedName::new("M. Vito", Some(Schema::Person));
        assert!(score_names(&PreparedName::new("Modugno Vito", None), &person, weights) >= DEFAULT_THRESHOLD);
    }

    /// A name of unknown kind with a legal form is compared as an organisation's, also with a
    /// person's name: the words the person's name lacks count in full.
    #[test]
    fn unknown_kind_with_legal_form_is_an_organisation() {
        let weights = FrequencyWeights::default_table();
        let person = PreparedName::new("SOLUN, Varek", Some(Schema::Person));
        let company = PreparedName::new("Varek Solun Trading Holdings Ltd", None);
        let plain = PreparedName::new("Varek Solun Trading Holdings", None);
        let (with_form, without) = (score_names(&company, &person, weights), score_names(&plain, &person, weights));
        assert!(with_form < DEFAULT_THRESHOLD, "{with_form}");
        assert!(without >= DEFAULT_THRESHOLD, "{without}");
    }

    #[test]
    fn explanation_lists_pairs_and_leftovers() {
        let q = PreparedName::new("Haji Abdul Salam Hanafi", Some(Schema::Person));
        let c = PreparedName::new("Abdulsalam Hanafi Ali Mardan Qul", Some(Schema::Person));
        let m = compare_names(&q, &c, FrequencyWeights::default_table());
        let pairs: Vec<(&str, &str)> = m.pairs.iter().map(|p| (p.query.as_str(), p.candidate.as_str())).collect();
        assert_eq!(pairs, [("abdul salam", "abdulsalam"), ("hanafi", "hanafi")]);
        assert_eq!(m.unmatched_query, ["haji"]);
        assert_eq!(m.unmatched_candidate, ["ali", "mardan", "qul"]);
        // Legal forms are shown as written, and a person's name keeps a word that is also one.
        let q = PreparedName::new("Harrowfield Bearings Limited", Some(Schema::Company));
        let c = PreparedName::new("HARROWFIELD BEARINGS LTD.", Some(Schema::Company));
        let m = compare_names(&q, &c, FrequencyWeights::default_table());
        assert!(m.pairs.iter().any(|p| p.query == "limited" && p.candidate == "ltd"), "{m:?}");
        let q = PreparedName::new("Wei Chao", None);
        let c = PreparedName::new("WEI, Chao", Some(Schema::Person));
        let m = compare_names(&q, &c, FrequencyWeights::default_table());
        assert!(m.pairs.iter().any(|p| p.query == "chao" && p.candidate == "chao"), "{m:?}");
    }

    #[test]
    fn long_and_odd_names_do_not_break() {
        let long = "Abdul ".repeat(2000);
        let q = PreparedName::new(&long, Some(Schema::Person));
        let c = PreparedName::new("Abdul Salam", Some(Schema::Person));
        let s = score_names(&q, &c, FrequencyWeights::default_table());
        assert!((0.0..=1.0).contains(&s));
        let emoji = PreparedName::new("😀😀", None);
        assert!(emoji.is_empty());
        assert_eq!(score_names(&emoji, &c, FrequencyWeights::default_table()), 0.0);
    }
}
