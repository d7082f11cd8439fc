//! Retrieval: the candidate names of a query, ranked by the IDF-weighted share of terms they
//! have in common with it (spellings found through [`super::spelling`] counting by their
//! likeness; each rendering of the query apart, see [`GROUPS`]), rare terms walked first,
//! long inverted lists only checked against the names already found once they can no longer
//! change the top ranks, and names sharing a rare word exactly always proposed. Ranks are
//! integer keys in a bounded heap; the work buffers are kept per thread ([`Scratch`]) and
//! reused across queries.

use std::cell::RefCell;

use proscribe_text::TokenClass;

use super::spelling::SpellingWork;
use super::vocabulary::{acronyms, is_weak, letter_bit, TermEntry, WEAK_FACTOR};
use super::{Candidate, FormRank, Index};
use crate::PreparedName;

/// How many name forms the index hands over for scoring when the caller does not say (those
/// far behind the best are then dropped, see `entity::CANDIDATE_RATIO`): with these, the index
/// returns all but about 0.5% of brute force's top-10 matches on OFAC's aliases (BENCHMARKS.md).
pub const DEFAULT_CANDIDATES: usize = 80;

/// Names that share with the query a word found in at most this many distinct names are
/// always proposed, whatever their rank: a rare surname matched exactly is worth a comparison.
const ANCHOR_MAX_FORMS: u32 = 8;

/// Query words beyond this many are ignored by retrieval (a name has a handful of words;
/// this bounds the work on pathological input).
const MAX_QUERY_TERMS: usize = 48;

/// Inverted lists shorter than this are always walked: checking whether walking them can
/// still change the ranking costs more.
const MEMBERSHIP_MIN_POSTINGS: usize = 256;

impl Index {
    /// Whether some listed name uses `word` or a spelling of it (as the index finds spellings).
    pub fn knows_word(&self, word: &str) -> bool {
        if self.vocab.contains(word) || self.joins.contains(word) {
            return true;
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.form_count(), self.terms.len());
            let (mut out, mut work) = (Vec::new(), SpellingWork::default());
            self.spellings(word, false, &mut out, &mut s.terms, &mut work);
            !out.is_empty()
        })
    }

    /// The `limit` names most like `query` by the weighted share of words they have in
    /// common (allowing for spelling variants and words written together), best first, then
    /// any other name that shares a rare word with the query exactly.
    pub fn candidates(&self, query: &PreparedName, limit: usize) -> Vec<Candidate> {
        SCRATCH.with(|s| self.candidates_with(query, limit, &mut s.borrow_mut()))
    }

    fn candidates_with(&self, query: &PreparedName, limit: usize, s: &mut Scratch) -> Vec<Candidate> {
        if limit == 0 || self.form_count() == 0 {
            return Vec::new();
        }
        s.begin(self.form_count(), self.terms.len());

        // Query terms: each word of each rendering, and each pair of adjacent words joined.
        let mut qterms: Vec<QueryTerm> = Vec::new();
        s.texts.clear();
        let mut work = std::mem::take(&mut s.spelling);
        let mut matches = std::mem::take(&mut s.matches);
        // Adds a term of the renderings `group`, or `group` to the term of the same text;
        // gives the term's position.
        let mut add = |text: &str,
                       joined: bool,
                       cap: f32,
                       own: f32,
                       word: u32,
                       group: u8,
                       qterms: &mut Vec<QueryTerm>|
         -> Option<usize> {
            // A word two renderings share is one term, of both.
            if let Some(at) = s.texts.position(text) {
                let i = qterms.iter().position(|q| q.text == at)?;
                qterms[i].groups |= group;
                qterms[i].word |= word;
                return Some(i);
            }
            if qterms.len() >= MAX_QUERY_TERMS {
                return None;
            }
            // Two initials written together are no word worth looking up.
            if joined && text.len() < 3 {
                return None;
            }
            let at = s.texts.push(text);
            self.spellings(text, joined, &mut matches, &mut s.terms, &mut work);
            if matches.is_empty() {
                return None;
            }
            let postings = matches.iter().map(|&(id, _)| self.terms[id as usize].len as usize).sum();
            let mut kept = s.spare.pop().unwrap_or_default();
            kept.extend_from_slice(&matches);
            // A listed word's spellings count for no more than the word itself.
            let listed = if joined { None } else { self.vocab.get_one(text) };
            let most = listed.map_or(f32::INFINITY, |id| self.terms[id as usize].rank_weight);
            qterms.push(QueryTerm {
                matches: kept,
                postings,
                cap,
                own,
                limit: most,
                alone: false,
                word,
                joined,
                groups: group,
                text: at,
            });
            Some(qterms.len() - 1)
        };
        let mut totals = [0.0f32; GROUPS];
        let mut group_words = [0u32; GROUPS];
        let mut joined = String::new();
        let mut bits = 0u32;
        let mut initials = std::mem::take(&mut s.initials);
        initials.clear();
        for (v, variant) in query.variants.iter().enumerate() {
            let mut variant_total = 0.0;
            let g = v.min(GROUPS - 1);
            let group = 1u8 << g;
            for (i, t) in variant.iter().enumerate() {
                // Each word of each rendering has a bit (the first 32), so that its initial
                // only counts where the word did not.
                let bit = if bits < 32 { 1u32 << bits } else { 0 };
                bits += 1;
                group_words[g] |= bit;
                let own = self.word_weight(&t.text) as f32;
                let term = add(&t.text, false, f32::INFINITY, own, bit, group, &mut qterms);
                // A word's share of the query: its own weight if it is a listed word, or that
                // of what it most likely is.
                let share = match term {
                    Some(q) if !self.vocab.contains(&t.text) => qterms[q].best_weight(self),
                    _ => own,
                };
                variant_total += if is_weak(t) { share * WEAK_FACTOR } else { share };
                // A listed initial may stand for the word (`D. Hernandez` for `Derrick
                // Hernandez`): it is worth what the initial weighs, as in the comparison, and
                // adds nothing to what the query weighs.
                if t.class == TokenClass::Word && t.text.len() > 1 && bit != 0 {
                    // (`letter_bit` is of an ASCII letter only: the slice is of one character.)
                    let term = letter_bit(&t.text).and_then(|l| Some(l).zip(self.vocab.get_one(&t.text[..1])));
                    if let Some((letter, id)) = term {
                        match initials.iter_mut().find(|i| i.letter == letter) {
                            Some(i) => i.words |= bit,
                            None => {
                                let gain = self.terms[id as usize].rank_weight;
                                initials.push(Initial { letter, words: bit, gain });
                            }
                        }
                    }
                }
                // A legal form of one word may be a word of a person's name (`Wei Chao`).
                if let (TokenClass::LegalForm(_), Some(w)) = (t.class, t.written.as_deref()) {
                    if !w.contains(' ') {
                        add(w, false, f32::INFINITY, self.word_weight(w) as f32, 0, group, &mut qterms);
                    }
                }
                // Two and three words written together may be one listed word; it stands for
                // those words (their bits).
                joined.clear();
                joined.push_str(&t.text);
                let mut cap = self.word_weight(&t.text) as f32;
                let mut covers = bit;
                for (k, next) in variant.iter().skip(i + 1).take(2).enumerate() {
                    joined.push_str(&next.text);
                    cap += self.word_weight(&next.text) as f32;
                    covers |= bit << (k + 1);
                    add(&joined, true, cap, f32::INFINITY, covers, group, &mut qterms);
                }
            }
            totals[g] = totals[g].max(variant_total);
        }
        // The query's acronyms as listed words (`Islamic State of Iraq and the Levant` and
        // `ISIL`): a listed word found so counts for the query words it stands for.
        for (variant, letters, s0, s1) in acronyms(query) {
            if qterms.len() >= MAX_QUERY_TERMS || s.texts.contains(letters) {
                continue;
            }
            let Some(id) = self.vocab.get_one(letters) else { continue };
            let term = &self.terms[id as usize];
            // Comparison links acronyms to plain words only: `S.A.S.` is no `Sial Abdul Samad`.
            if term.weak() {
                continue;
            }
            let text = s.texts.push(letters);
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
                    limit: f32::INFINITY,
                    alone: letters.len() <= 3,
                    word: 0,
                    joined: false,
                    groups: 1 << variant.min(GROUPS - 1),
                    text,
                });
            }
        }
        s.spelling = work;
        s.matches = matches;
        s.initials = initials;
        s.totals = totals;
        s.group_words = group_words;
        s.groups = query.variants.len().clamp(1, GROUPS);
        s.letters = s.initials.iter().fold(0, |bits, i| bits | i.letter);
        s.initial_gains = s.initials.iter().map(|i| i.gain).sum();
        s.least_total = totals[..s.groups].iter().copied().filter(|&t| t > 0.0).fold(f32::INFINITY, f32::min);
        if qterms.is_empty() || totals.iter().all(|&t| t <= 0.0) {
            s.keep(qterms);
            return Vec::new();
        }

        // Rarest first. Once the words left can no longer lift a name that none of the rarer
        // words found above the names already ranked `limit`-th, the common words' long
        // lists are not walked: they are only checked against the names found (the ranking
        // is the same, for much less work).
        // The query's initials find no name: they add to the names found (see `Initial`), as
        // much as `initial_gains` at most.
        // Words written together come after the words: they add nothing to a name that has
        // one of their words apart (see `QueryTerm::joined`).
        qterms.sort_by_key(|q| (q.joined, q.postings));
        // Per rendering: what the terms left and the initials may add to a name.
        let mut rest: [f32; GROUPS] =
            group_words.map(|words| s.initials.iter().filter(|i| i.words & words != 0).map(|i| i.gain).sum());
        let gains: Vec<f32> = qterms.iter().map(|q| q.max_gain(self)).collect();
        for (q, &gain) in qterms.iter().zip(&gains) {
            for (g, r) in rest.iter_mut().enumerate() {
                if q.groups & 1 << g != 0 {
                    *r += gain;
                }
            }
        }
        let mut closed = false;
        for ((qi, q), &gain) in qterms.iter().enumerate().zip(&gains) {
            let key = s.key(qi);
            if !closed && q.postings > MEMBERSHIP_MIN_POSTINGS && s.touched.len() >= limit {
                // A name found by the remaining words alone scores at most this, in the
                // rendering where they weigh most.
                let bound =
                    (0..GROUPS).filter(|&g| totals[g] > 0.0).map(|g| 2.0 * rest[g] / totals[g]).fold(0.0, f32::max);
                // Above 1, only names whose renderings add up could be above it: too few to be
                // worth counting.
                closed = bound <= 1.0 && s.more_than(limit, bound, &self.form_ranks);
            }
            for (g, r) in rest.iter_mut().enumerate() {
                if q.groups & 1 << g != 0 {
                    *r -= gain;
                }
            }
            if closed && s.touched.len() * q.matches.len() * 4 < q.postings {
                // Few names found: look the term up in each of them.
                self.look_up(q, key, s);
            } else {
                self.walk(q, key, !closed, s);
            }
        }

        let mut ranked = self.best_forms(limit, s);
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
                        let score = s.found(form).map_or(0.0, |slot| s.score(slot, self.form_ranks[form as usize]));
                        let score = score.min(1.0);
                        anchors.push(Candidate { form, score });
                    }
                }
            }
        }
        ranked.sort_unstable();
        let mut scored: Vec<Candidate> = Vec::with_capacity(ranked.len() + anchors.len());
        scored.extend(ranked.iter().map(|&k| candidate_of(k)).map(|c| Candidate { score: c.score.min(1.0), ..c }));
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
            if q.alone && self.form_alone[name as usize] == 0 {
                continue;
            }
            let terms = self.form_terms.of(name as usize);
            if let Some(&(id, sim)) = q.matches.iter().find(|(id, _)| terms.binary_search(id).is_ok()) {
                let w = q.gain(&self.terms[id as usize], sim);
                let slot = &mut s.slots[name as usize];
                if q.joined && slot.words & q.word != 0 {
                    continue;
                }
                slot.gain(w, q.groups);
                slot.stamp = key;
                slot.words |= q.word;
            }
        }
    }

    /// Adds a query term to the names on the inverted lists of its spellings; names not
    /// found before are taken in only when `open`.
    #[inline(never)]
    fn walk(&self, q: &QueryTerm, key: u32, open: bool, s: &mut Scratch) {
        let sets = q.word;
        let apart = if q.joined { q.word } else { 0 };
        for &(id, sim) in &q.matches {
            let t = &self.terms[id as usize];
            let w = q.gain(t, sim);
            let postings = &self.postings[t.start as usize..(t.start + t.len) as usize];
            if q.alone {
                for &name in postings.iter().filter(|&&name| self.form_alone[name as usize] != 0) {
                    s.add(name, key, w, open, sets, apart, q.groups);
                }
            } else {
                for &name in postings {
                    s.add(name, key, w, open, sets, apart, q.groups);
                }
            }
        }
    }

    /// The `limit` best names found, as `rank_key`s in no order. They are kept in a heap whose
    /// top is the worst of them: most names found rank below it and cost one comparison.
    #[inline(never)]
    fn best_forms(&self, limit: usize, s: &mut Scratch) -> Vec<u64> {
        let mut best = std::mem::take(&mut s.ranked);
        best.clear();
        let mut best = std::collections::BinaryHeap::from(best);
        // The score of the worst form kept once `limit` are: a form scoring less is passed over
        // without making its key (one scoring the same may still go first, by its number).
        let mut worst_score = f32::NEG_INFINITY;
        for &n in &s.touched {
            // A touched form's slot is of this query.
            let (slot, rank) = (&s.slots[n as usize], self.form_ranks[n as usize]);
            if s.groups > 1 && s.upper(slot, rank) < worst_score {
                continue;
            }
            let score = s.score(slot, rank);
            if score < worst_score {
                continue;
            }
            let key = rank_key(Candidate { form: n, score });
            if best.len() < limit {
                best.push(key);
            } else if best.peek().is_some_and(|&worst| key < worst) {
                if let Some(mut worst) = best.peek_mut() {
                    *worst = key;
                }
            } else {
                continue;
            }
            if best.len() == limit {
                worst_score = best.peek().map_or(worst_score, |&worst| candidate_of(worst).score);
            }
        }
        best.into_vec()
    }
}

/// The retrieval score of a form weighing `weight` (its lightest rendering) that has `acc` in
/// common with a query weighing `total`: twice what they share over what both weigh (a Dice
/// coefficient), above 1 only where a name's renderings add up.
#[inline]
fn share(acc: f32, total: f32, weight: f32) -> f32 {
    2.0 * acc / (total + weight)
}

/// A candidate as an integer that sorts best first: a higher score, then (for one score) a
/// lower form. The score's bits are laid out so that unsigned order is `f32::total_cmp`.
pub(super) fn rank_key(c: Candidate) -> u64 {
    let bits = c.score.to_bits();
    let ordered = if bits >> 31 == 1 { !bits } else { bits | 0x8000_0000 };
    !(u64::from(ordered) << 32 | u64::from(!c.form))
}

/// The candidate of a [`rank_key`].
pub(super) fn candidate_of(key: u64) -> Candidate {
    let key = !key;
    let ordered = (key >> 32) as u32;
    let bits = if ordered >> 31 == 1 { ordered & 0x7fff_ffff } else { !ordered };
    Candidate { form: !(key as u32), score: f32::from_bits(bits) }
}

/// A letter with which a query word starts, which a listed name may write as an initial
/// standing for the word: it counts for a name found that does not have one of these words
/// (one initial for however many words), as much as a listed initial weighs (`gain`).
#[derive(Clone, Copy)]
struct Initial {
    /// The letter's bit, as in `FormRank::initials`.
    letter: u32,
    /// The query words that start with it (see `QueryTerm::word`).
    words: u32,
    gain: f32,
}

/// A word of a query with the vocabulary words it may be.
struct QueryTerm {
    matches: Vec<(u32, f32)>,
    postings: usize,
    /// Most a joined pair may add: the two words it stands for.
    cap: f32,
    /// The weight of the query word itself (infinite for joined words and acronyms).
    own: f32,
    /// The retrieval weight of the query word when it is a listed word (infinite for a word
    /// no name uses, joined words and acronyms): the most a spelling of it counts for before
    /// its likeness. Among a million names every common word has rare misspellings, each
    /// weighing more than the word; a name holding them must not outrank the name that has
    /// the words themselves.
    limit: f32,
    /// An acronym of the query of three letters or fewer: it stands for the query's words
    /// only in a name that says nothing else (see `Index::form_alone`), as in the comparison.
    alone: bool,
    /// The bits of the query words the term stands for (the word itself or a spelling of it;
    /// words written together; 0 for anything else), which a name it adds to takes
    /// (`Slot::words`).
    word: u32,
    /// Whether it is query words written together. It stands for those words in a name that
    /// writes them as one (`abdulsalam` for `Abdul Salam`), and adds nothing to a name that
    /// has one of them apart: `jia jiang` (`佳. 蔣`, with `yang` found as its Korean reading
    /// `jang`) would otherwise count its words twice, `jiang` again for `jiayang`, and
    /// outrank the `佳 杨` asked for.
    joined: bool,
    /// The renderings of the query that have the term, by bit (see [`GROUPS`]).
    groups: u8,
    /// Its position among the query's texts (`Scratch::texts`).
    text: usize,
}

impl QueryTerm {
    /// What matching term `t` with likeness `sim` adds to a name's retrieval score. A word
    /// found as a listed acronym counts for the words the acronym stands for only as much as
    /// the word is worth itself: a common word (`Air` in `Yas Air`) is no acronym (`AIR` of
    /// `The Airline of the Islamic Republic of Iran`), a word like no other (`CJNG`) is.
    fn gain(&self, t: &TermEntry, sim: f32) -> f32 {
        let w = (t.rank_weight.min(self.limit) * sim).min(self.cap);
        if t.acronym() {
            w.min(self.own * t.text_len() as f32)
        } else {
            w
        }
    }

    /// The most this term adds to a name's retrieval score.
    fn max_gain(&self, index: &Index) -> f32 {
        self.matches.iter().map(|&(id, sim)| self.gain(&index.terms[id as usize], sim)).fold(0.0, f32::max)
    }

    /// The weight of the word the query word most likely is: itself when it is a listed word,
    /// else the weightiest of its likeliest spellings. (Not the weightiest of all: among a
    /// large collection's names every common word has rare misspellings, and the query
    /// would seem to weigh more than any name that has its words exactly.)
    fn best_weight(&self, index: &Index) -> f32 {
        let likeliest = self.matches.iter().map(|m| m.1).fold(0.0, f32::max);
        self.matches
            .iter()
            .filter(|m| m.1 >= likeliest)
            .map(|&(id, _)| index.terms[id as usize].weight)
            .fold(0.0, f32::max)
    }
}

/// Marks over vocabulary ids, cleared in constant time by moving to the next generation.
#[derive(Default)]
pub(super) struct Marks {
    stamp: Vec<u32>,
    generation: u32,
}

impl Marks {
    pub(super) fn next(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Marks `i`; false when it was already marked in this generation.
    pub(super) fn mark(&mut self, i: usize) -> bool {
        if self.stamp[i] == self.generation {
            return false;
        }
        self.stamp[i] = self.generation;
        true
    }
}

/// What retrieval keeps per name form during a query: one 24-byte slot, so that adding to a
/// form touches one cache line (mostly).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// What the form has in common with each of the query's renderings (see [`GROUPS`]).
    acc: [f32; GROUPS],
    /// `generation << 8 | query term` of the last term that added to the form.
    stamp: u32,
    /// The query words (by bit, see `QueryTerm::word`) some term has added to the form for.
    words: u32,
}

impl Slot {
    /// Adds `w` to what the form has in common with the renderings `groups`.
    #[inline]
    fn gain(&mut self, w: f32, groups: u8) {
        if groups == 1 {
            self.acc[0] += w;
            return;
        }
        for (g, acc) in self.acc.iter_mut().enumerate() {
            if groups & 1 << g != 0 {
                *acc += w;
            }
        }
    }
}

/// A query's renderings (its Latin readings: an Arabic name read two ways, a Han name read in
/// Mandarin, Korean and Japanese) are each weighed against a name apart, and a name scores
/// as the rendering it shares most with: a word read two ways is one word, and a name that
/// has both readings of it counts it once. Renderings past the fourth are taken together
/// with the fourth.
const GROUPS: usize = 4;

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
    /// The query's initials (see `Initial`).
    initials: Vec<Initial>,
    /// Emptied spelling lists of earlier query terms, kept for their capacity.
    spare: Vec<Vec<(u32, f32)>>,
    /// What each rendering of the query weighs (see [`GROUPS`]; 0 for none).
    totals: [f32; GROUPS],
    /// The bits of the words of each rendering of the query (see `QueryTerm::word`).
    group_words: [u32; GROUPS],
    /// How many of `totals` are the query's.
    groups: usize,
    /// The letters of the query's initials, as in `FormRank::initials`.
    letters: u32,
    /// What all the query's initials weigh.
    initial_gains: f32,
    /// The least of `totals` above 0.
    least_total: f32,
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

    /// The slot of a form this query has found.
    fn found(&self, form: u32) -> Option<&Slot> {
        let slot = &self.slots[form as usize];
        (slot.stamp >> 8 == self.generation).then_some(slot)
    }

    /// The retrieval score of a form found, of rank `rank`: its share of the rendering of the
    /// query it shares most with, the query's initials that its own initials may stand for
    /// included. Not capped at 1.
    #[inline(always)]
    fn score(&self, slot: &Slot, rank: FormRank) -> f32 {
        let initials = rank.initials & self.letters != 0;
        if self.groups == 1 {
            let mut acc = slot.acc[0];
            if initials {
                acc += self.initials_gain(slot, rank, 0);
            }
            return share(acc, self.totals[0], rank.weight);
        }
        let mut best = 0.0f32;
        for g in 0..self.groups {
            let total = self.totals[g];
            if total <= 0.0 {
                continue;
            }
            let mut acc = slot.acc[g];
            if initials {
                acc += self.initials_gain(slot, rank, g);
            }
            best = best.max(share(acc, total, rank.weight));
        }
        best
    }

    /// At least [`Scratch::score`], for less work when the query has several renderings.
    #[inline]
    fn upper(&self, slot: &Slot, rank: FormRank) -> f32 {
        let [a, b, c, d] = slot.acc;
        let most = if a > b { a } else { b };
        let most = if c > most { c } else { most };
        let most = if d > most { d } else { most };
        let initials = if rank.initials & self.letters != 0 { self.initial_gains } else { 0.0 };
        share(most + initials, self.least_total, rank.weight)
    }

    /// What the query's initials add to a form found, for the query's rendering `g`: each
    /// that the form writes, standing for words of the rendering it lacks.
    /// (Cold: most forms found write no initial of the query's, and the loops over forms
    /// keep to the common path.)
    #[cold]
    fn initials_gain(&self, slot: &Slot, rank: FormRank, g: usize) -> f32 {
        let mut gain = 0.0;
        for i in &self.initials {
            let words = i.words & self.group_words[g];
            if rank.initials & i.letter != 0 && words != 0 && slot.words & words != words {
                gain += i.gain;
            }
        }
        gain
    }

    /// Whether at least `k` of the forms found so far have a retrieval score (what they have
    /// so far, without initials) above `bound`: whether the `k`-th best is above it.
    fn more_than(&self, k: usize, bound: f32, ranks: &[FormRank]) -> bool {
        // A form's weight only lowers its score: one whose share without it is not above the
        // bound (with a margin for rounding) in any rendering is not, and its weight is not
        // read.
        let mut need = [f32::INFINITY; GROUPS];
        for (need, &total) in need.iter_mut().zip(&self.totals[..self.groups]) {
            if total > 0.0 {
                *need = bound * total * 0.5 * (1.0 - 1e-5);
            }
        }
        let mut above = 0;
        for &n in &self.touched {
            let acc = &self.slots[n as usize].acc;
            // (Past the query's renderings, `need` is infinite.)
            let may = if self.groups == 1 {
                acc[0] > need[0]
            } else {
                acc[0] > need[0] || acc[1] > need[1] || acc[2] > need[2] || acc[3] > need[3]
            };
            if !may {
                continue;
            }
            let weight = ranks[n as usize].weight;
            let above_bound =
                (0..self.groups).any(|g| self.totals[g] > 0.0 && share(acc[g], self.totals[g], weight) > bound);
            if above_bound {
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
    /// found before is only taken in when `open`, one that has any of the query words `apart`
    /// is left as it is.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn add(&mut self, form: u32, key: u32, w: f32, open: bool, sets: u32, apart: u32, groups: u8) {
        let slot = &mut self.slots[form as usize];
        if slot.stamp == key {
            return;
        }
        if slot.stamp >> 8 != self.generation {
            if !open {
                return;
            }
            slot.acc = [0.0; GROUPS];
            slot.words = 0;
            self.touched.push(form);
        } else if slot.words & apart != 0 {
            return;
        }
        slot.gain(w, groups);
        slot.stamp = key;
        slot.words |= sets;
    }
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
        self.position(text).is_some()
    }

    /// Where `text` is among the texts.
    fn position(&self, text: &str) -> Option<usize> {
        let mut start = 0;
        self.ends.iter().position(|&end| {
            let found = &self.all[start..end] == text;
            start = end;
            found
        })
    }

    /// Adds `text`; gives its position.
    fn push(&mut self, text: &str) -> usize {
        self.all.push_str(text);
        self.ends.push(self.all.len());
        self.ends.len() - 1
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[cfg(test)]
mod tests {
    use super::super::vocabulary::{Term, TermKind};
    use super::*;

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
        let term = |text: &str, rank_weight: f32, acronym: bool| {
            let mut t = Term::new(text, if acronym { TermKind::Acronym } else { TermKind::Word { weak: false } });
            t.rank_weight = rank_weight;
            TermEntry::of(&t)
        };
        let acronym = |text: &str, rank_weight: f32| term(text, rank_weight, true);
        let word = |own: f32| QueryTerm {
            matches: vec![],
            postings: 0,
            cap: f32::INFINITY,
            own,
            limit: f32::INFINITY,
            alone: false,
            word: 0,
            joined: false,
            groups: 1,
            text: 0,
        };
        // `air` is a common word: it adds what three words like it would, not the acronym's 3.3.
        assert!((word(0.2).gain(&acronym("air", 3.3), 1.0) - 0.6).abs() < 1e-6);
        // A word no name uses stands for all the words of its acronym.
        assert_eq!(word(1.2).gain(&acronym("cjng", 4.4), 1.0), 4.4);
        // Other terms are not capped by the word's own weight.
        let plain = term("air", 3.3, false);
        assert_eq!(word(0.2).gain(&plain, 1.0), 3.3);
    }
}
