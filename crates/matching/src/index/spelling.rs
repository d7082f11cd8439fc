//! Spelling keys: how the index finds a word spelled differently. Each vocabulary term is
//! filed under its spelling key (`attiyah` and `atia` share `atia`, see `proscribe_text::key`),
//! its one-letter deletion keys (one edit apart) and its voicing-blind consonant skeleton
//! (`gaddafi`, `ghathafi`; an `abd` compound with the article or without); a query word is
//! looked up under each, and every term found gets a likeness that retrieval weighs it by.

use rustc_hash::FxHashMap;

use super::retrieval::{candidate_of, rank_key, Marks};
use super::table::hash_bytes;
use super::vocabulary::Term;
use super::{Candidate, Index};

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

/// A term as the spelling maps hold it: what the lookup needs without touching the term,
/// laid out to be read in place from an index file.
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(super) struct Spelling {
    term: u32,
    /// Length of the term in bytes (at most 255 counted).
    len: u8,
    /// 1 for several words written together.
    joined: u8,
    /// 1 when written without vowels (a romanised Arabic or Hebrew name: `mhmd`, `wly`), so
    /// that its consonants are all there is to match.
    vowelless: u8,
    _pad: u8,
    /// Hash of the exact consonant skeleton.
    skeleton: u64,
}

fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
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

/// The word after the Arabic article when a spelling writes them together, the article
/// assimilated to the sun letter the word starts with (`essabar`, `assabar`, `ettaher`:
/// `sabar`, `taher`); the word keeps five letters or more (`Assad` is a name, `Essaid` may be).
fn article_joined(word: &str) -> Option<&str> {
    let b = word.as_bytes();
    let sun = |c: u8| matches!(c, b't' | b'd' | b'r' | b'z' | b's' | b'n');
    (b.len() >= 7 && matches!(b[0], b'a' | b'e') && b[1] == b[2] && sun(b[1]) && word.is_ascii()).then(|| &word[2..])
}

/// Words whose consonant skeleton is worth looking up.
pub(super) fn fuzzy_by_skeleton(word: &str) -> bool {
    word.len() >= 3 && word.bytes().all(|b| b.is_ascii_alphabetic())
}

/// The terms by spelling: what [`Index::spellings`] looks a word up in.
pub(super) struct SpellingMaps {
    /// Words (and words written together) by voicing-blind consonant skeleton.
    pub(super) by_skeleton: FxHashMap<Box<str>, Vec<Spelling>>,
    /// Words by deletion key.
    pub(super) by_deletion: FxHashMap<u64, Vec<Spelling>>,
    /// Words by spelling key.
    pub(super) by_key: FxHashMap<Box<str>, Vec<u32>>,
}

impl SpellingMaps {
    /// Files every term under its spellings: words and words written together (`sa-id` and
    /// `sayid`, `xu bin` and `shubin`).
    pub(super) fn build(terms: &[Term]) -> SpellingMaps {
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
                joined: u8::from(t.joined),
                vowelless: u8::from(
                    t.text.len() > 2 && !t.text.bytes().skip(1).any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')),
                ),
                _pad: 0,
                skeleton: hash_str(&t.skeleton),
            };
            if !t.skeleton.is_empty() {
                by_skeleton.entry(coarse(&t.skeleton).into()).or_default().push(spelling);
            }
            if let Some(rest) = (!t.joined && !t.acronym).then(|| article_joined(&t.text)).flatten() {
                let skeleton = proscribe_text::skeleton_of_key(&proscribe_text::key(rest));
                let spelling = Spelling { len: rest.len().min(255) as u8, skeleton: hash_str(&skeleton), ..spelling };
                by_skeleton.entry(coarse(&skeleton).into()).or_default().push(spelling);
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
        SpellingMaps { by_skeleton, by_deletion, by_key }
    }
}

impl Index {
    /// Terms that `word` may be a spelling of, each with its likeness (1.0 for the word
    /// itself), best first. A query word may be listed words written together; query words
    /// written together (`joined`) are only looked up as a listed word, so that no pair of
    /// words is counted twice.
    pub(super) fn spellings(
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
        if let Some(id) = self.vocab.get_one(word) {
            push(id, 1.0, out);
        }
        if !joined {
            if let Some(id) = self.joins.get_one(word) {
                push(id, 1.0, out);
            }
        }
        // The spelling key, for itself and for the skeleton.
        let by_skeleton = fuzzy_by_skeleton(word);
        let word_key =
            if (!joined && word.len() > 2) || by_skeleton { proscribe_text::key(word) } else { String::new() };
        // Words spelt alike by the spelling rules of the comparison.
        if !joined && word.len() > 2 {
            for &id in self.by_key.get(word_key.as_str()) {
                push(id, KEY_LIKENESS, out);
            }
        }
        // Spellings of one word differ little in length; anything else a shared key brings
        // in is noise. A word written without vowels (from a script that writes none: `mtmn`
        // for `Motmaen`) is spelt with up to a vowel after each consonant.
        let len = word.len().min(255) as u8;
        let vowelless = len > 2 && !word.bytes().skip(1).any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'));
        let near = |sp: &Spelling| {
            let close = sp.len.abs_diff(len) <= 2 || (vowelless && sp.len > len && sp.len <= len.saturating_mul(2));
            close && !(joined && sp.joined != 0)
        };
        if fuzzy_by_deletion(word) {
            deletion_keys(word, &mut work.deletion, |k| {
                for sp in self.by_deletion.get(k) {
                    if near(sp) {
                        push(sp.term, deletion_likeness(len.min(sp.len) as usize), out);
                    }
                }
            });
        }
        if by_skeleton {
            let key = proscribe_text::skeleton_of_key(&word_key);
            coarse_into(&key, buf);
            let list = self.by_skeleton.get(buf.as_str());
            if !list.is_empty() {
                let likeness = skeleton_likeness(&key);
                let exact = hash_str(&key);
                for sp in list {
                    if near(sp) {
                        // Consonants that differ in voicing only count for a little less; a word
                        // written without vowels matches by its consonants.
                        let likeness = if sp.vowelless != 0 { VOWELLESS_LIKENESS } else { likeness };
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
}

/// Buffers of `Index::spellings`.
#[derive(Default)]
pub(super) struct SpellingWork {
    /// A coarse skeleton.
    buf: String,
    /// A word with a letter left out.
    deletion: Vec<u8>,
    /// The spellings found, as `rank_key`s to be sorted.
    keys: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A word written with the assimilated article is found from the word alone.
    #[test]
    fn the_article_written_with_a_word_is_left_out() {
        assert_eq!(article_joined("essabar"), Some("sabar"));
        assert_eq!(article_joined("ettaher"), Some("taher"));
        assert_eq!(article_joined("arrahman"), Some("rahman"));
        // A name of its own, too short a word, or no sun letter.
        assert_eq!(article_joined("assad"), None);
        assert_eq!(article_joined("abbasov"), None);
        assert_eq!(article_joined("ammaroff"), None);
    }

    /// An `abd` compound spelt with the article reads as one without it.
    #[test]
    fn coarse_skeletons_drop_the_article_of_abd() {
        assert_eq!(coarse("abdlrbh"), "abdrbh");
        assert_eq!(coarse("abdl"), "abdl");
    }
}
