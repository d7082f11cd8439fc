//! Similarity of two tokens in [0, 1]. Words are compared on their spelling keys with an edit
//! distance that charges vowels less than consonants (romanisations disagree on vowels far
//! more than on consonants: `Abdalla`/`Abdulla`, `Scholz`/`Scholze`, while `Mining`/`Dining`
//! are different words), on consonant skeletons when one side comes from a script that writes
//! no vowels, and as abbreviations (`Intl`, `Mgmt`) in names of organisations. Numbers match
//! only exactly; legal forms by what they are (see `proscribe_text::legal_form_similarity`).
//! Nothing here allocates.

use proscribe_text::script::conventional_spelling;
use proscribe_text::{is_vowel, legal_form_similarity, TokenClass};

/// The longest key compared by edit distance; longer keys are compared on their first bytes.
pub(crate) const MAX_KEY: usize = 32;

/// How two tokens are compared, from the context of the two names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mode {
    /// Which side was written in a script that writes no short vowels (Arabic, Hebrew):
    /// compare skeletons too.
    pub abjad: Abjad,
    /// Whether that abjad is Arabic script, rendered with every consonant and the long vowels
    /// as written (Hebrew renderings leave out more: `ח` is `ch`, `kh` or `h` in Latin); of
    /// two names both in an abjad, whether both are.
    pub arabic: bool,
    /// Abbreviations may stand for words (organisations, vessels).
    pub abbreviations: bool,
    /// Whether each side (the first token's, the second's) was written in Latin letters, not
    /// transliterated from another script.
    pub latin: (bool, bool),
}

/// Which side of a comparison was written in an abjad (a script that writes consonants and
/// long vowels only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abjad {
    /// Neither side.
    Neither,
    /// The first token compared (the query's).
    First,
    /// The second token compared (the candidate's).
    Second,
    /// Both sides.
    Both,
}

impl Abjad {
    /// The same sides with the first and the second exchanged.
    pub(crate) fn swapped(self) -> Abjad {
        match self {
            Abjad::First => Abjad::Second,
            Abjad::Second => Abjad::First,
            other => other,
        }
    }

    /// From whether each side was written in an abjad.
    pub(crate) fn of(first: bool, second: bool) -> Abjad {
        match (first, second) {
            (false, false) => Abjad::Neither,
            (true, false) => Abjad::First,
            (false, true) => Abjad::Second,
            (true, true) => Abjad::Both,
        }
    }
}

/// A token as the comparison sees it: borrowed parts of a `Token`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenRef<'a> {
    pub text: &'a str,
    /// The words as written where `text` is canonical (a legal form), else `text`.
    pub written: &'a str,
    pub key: &'a str,
    pub skeleton: &'a str,
    pub class: TokenClass,
    /// The consonants of the key as a bit set (see [`consonant_mask`]).
    pub mask: u32,
}

impl<'a> TokenRef<'a> {
    /// The parts of `t` the comparison reads, with the consonant bit set of its key.
    pub(crate) fn new(t: &'a proscribe_text::Token, mask: u32) -> TokenRef<'a> {
        TokenRef {
            text: &t.text,
            written: t.written.as_deref().unwrap_or(&t.text),
            key: &t.key,
            skeleton: &t.skeleton,
            class: t.class,
            mask,
        }
    }
}

/// Whether two spelling keys are one syllable of a Chinese, Korean or Japanese name written
/// by two romanisations; each comes with whether it is a reading of the syllabic script (from
/// its characters, in pinyin, Revised Romanisation or Hepburn) or a spelling as written. The
/// spelling key already unifies most of what romanisations disagree on (`zh`/`j`, `eo`/`o`,
/// `y`/`i`); what it keeps apart is how each marks aspiration. Pinyin and Revised
/// Romanisation write the unaspirated consonants `b`, `d`, `g`, `j`; Wade-Giles and
/// McCune-Reischauer write them `p`, `t`, `k`, `ch`, the aspirated ones with an apostrophe
/// that spellings drop. So a reading's `g` is a spelling's `k` (`Gim`/`Kim`, `Jang`/`Chang`,
/// `Deng`/`Teng`), but a reading's `p` is never a spelling's `b` (`平 ping` is not `Bing`).
/// Wade-Giles also writes pinyin's `x` as `hs` (`Hsiao`/`Xiao`) and `-ong` as `-ung`, and
/// Korean custom some vowels its own way. Any other difference is another syllable (`cheng`
/// is not `chen`, `ying` not `ling`), and so is an `e` that one spelling writes after `i` or
/// `u` and the other does not: the key drops it (`Mueller`, `Müller`), but in a syllable it
/// is a vowel of its own (`xie` is not `xi`, nor `xue` `xu`; Wade-Giles `hsieh`, `hsüeh`).
/// Each side comes as its key, whether it is a reading, and its [`e_vowels`].
pub(crate) fn same_syllable(a: (&str, bool, usize), b: (&str, bool, usize)) -> bool {
    if a.2 != b.2 {
        return false;
    }
    // A reading's consonants are what they are: `G`, `K`, `D`, `T`, `B`, `P`, `J` (unaspirated
    // `j`), `H` (aspirated `ch`). A spelling's voiced ones too; its voiceless `k`, `t`, `p` and
    // its `c` (for `ch`) may stand for either of a pair.
    fn units(key: &str, reading: bool) -> impl Iterator<Item = u8> + '_ {
        let b = key.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            let c = *b.get(i)?;
            let next = b.get(i + 1).copied();
            i += 1;
            Some(match (c, next) {
                (b'c', Some(b'h')) => {
                    i += 1;
                    if reading {
                        b'H'
                    } else {
                        b'c'
                    }
                }
                (b'h', Some(b's')) | (b's', Some(b'h')) => {
                    i += 1;
                    b'x'
                }
                // Korean `ㅚ` is `oe` in the romanisations and `oi` by custom (`Choe`, `Choi`).
                (b'o', Some(b'i')) => {
                    i += 1;
                    b'o'
                }
                // Wade-Giles writes pinyin's `-ong` as `-ung` (`Hung`, `Hong`), and Korean
                // custom `ㅓ` before `ng` as `u` (`Jung`, `Jeong`; `Sung`, `Seong`).
                (b'o', Some(b'n')) if b.get(i + 1) == Some(&b'g') => b'u',
                // Wade-Giles writes pinyin's final `-ie` and `-üe` as `-ieh` and `-üeh`: no
                // syllable ends in `h`.
                (b'h', None) if i >= 2 && matches!(b[i - 2], b'a' | b'e' | b'i' | b'o' | b'u') => return None,
                // (Not the `g` of a final `-ng`.)
                (b'g', _) if i >= 2 && b[i - 2] == b'n' => b'g',
                (b'g' | b'd' | b'b' | b'j', _) => c.to_ascii_uppercase(),
                (b'k' | b't' | b'p', _) if reading => c.to_ascii_uppercase(),
                _ => c,
            })
        })
    }
    fn alike(x: u8, y: u8) -> bool {
        let either = |spelt: u8, of: u8| match spelt {
            b'k' => matches!(of, b'G' | b'K'),
            b't' => matches!(of, b'D' | b'T'),
            b'p' => matches!(of, b'B' | b'P'),
            b'c' => matches!(of, b'J' | b'H'),
            _ => false,
        };
        x == y || either(x, y) || either(y, x)
    }
    if a.0 == b.0 {
        return true;
    }
    let (mut x, mut y) = (units(a.0, a.1), units(b.0, b.1));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if alike(p, q) => {}
            _ => return false,
        }
    }
}

/// How many times a folded word writes `ie` or `ue`, the vowels a syllable keeps apart from
/// `i` and `u` (see [`same_syllable`]).
pub(crate) fn e_vowels(text: &str) -> usize {
    text.as_bytes().windows(2).filter(|w| matches!(w, [b'i' | b'u', b'e'])).count()
}

/// Whether two spelling keys are the man's and the woman's form of one name in the languages
/// that mark the woman's with an ending: `-a` or `-ia` added (`Michael`/`Michaela`,
/// `Angel`/`Angela`, `Victor`/`Victoria`, `Orlov`/`Orlova`). The stem keeps at least three
/// letters, so that short words differing in a vowel are left to the edit distance. An
/// ending in place of another is left alone: `-o`/`-a` are genders in Spanish and Italian
/// (`Fernando`, `Fernanda`) but one surname in Russian and Belarusian (`Lukashenko`,
/// `Lukashenka`), and `-e`/`-a` one Arabic ending in two romanisations (`Haniyeh`, `Haniya`).
pub(crate) fn other_gender(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    // The man's form does not itself end in the woman's `-a` (`Poklonska` and `Poklonskaya`
    // are one woman's name in Ukrainian and Russian).
    let stem = |k: &str| k.len() >= 3 && k.bytes().all(|c| c.is_ascii_lowercase()) && !k.ends_with('a');
    long.strip_suffix('a')
        .is_some_and(|rest| stem(short) && (rest == short || rest.strip_suffix('i').is_some_and(|rest| rest == short)))
}

/// The consonants of a key as a bit set, one bit per letter, and a bit for digits.
pub(crate) fn consonant_mask(key: &str) -> u32 {
    key.bytes().fold(0, |m, b| match b {
        b'a'..=b'z' if !is_vowel(b) => m | (1 << (b - b'a')),
        b'0'..=b'9' => m | (1 << 26),
        _ => m,
    })
}

/// Whether two keys may still reach `floor` in [`key_similarity`]: every consonant of one
/// key missing from the other costs at least 0.7 of an edit. A cheap test that spares most
/// unrelated pairs the edit distance.
fn may_reach(a: &TokenRef, b: &TokenRef, floor: f64) -> bool {
    masks_may_reach(a.mask, b.mask, a.key.len().max(b.key.len()), floor)
}

/// [`may_reach`] on bare masks and the longer key's length.
pub(crate) fn masks_may_reach(a: u32, b: u32, longest: usize, floor: f64) -> bool {
    let only = (a & !b).count_ones().max((b & !a).count_ones());
    1.0 - 0.7 * f64::from(only) / longest.min(MAX_KEY) as f64 >= floor
}

/// Similarity of two tokens; a similarity below `floor` may be returned as 0 (it counts for
/// nothing, and proving it exactly would cost an edit distance).
pub(crate) fn token_similarity(a: &TokenRef, b: &TokenRef, mode: Mode, floor: f64) -> f64 {
    use TokenClass::*;
    match (a.class, b.class) {
        (Number, Number) => return if a.key == b.key { 1.0 } else { 0.0 },
        (Number, _) | (_, Number) => return 0.0,
        (LegalForm(x), LegalForm(y)) => return legal_form_similarity(&x, &y),
        // A word that is also a legal form (`Chao`, Ukrainian `ChAO`) is one in a name of unknown
        // kind and a word in a person's name: the same text on both sides is the same word.
        (LegalForm(_), _) | (_, LegalForm(_)) => return if a.written == b.written { 1.0 } else { 0.0 },
        (Initial, Initial) => return if a.text == b.text { 1.0 } else { 0.0 },
        (Initial, _) => return initial_similarity(a.text, b.text),
        (_, Initial) => return initial_similarity(b.text, a.text),
        _ => {}
    }
    if a.text == b.text {
        return 1.0;
    }
    if a.key == b.key {
        return 0.97;
    }
    // A romanisation writes a name's vowels; a word of Latin letters without any (`SMT`,
    // `TTSN`, `VTK`) is an abbreviation or a code, not a spelling of a name: it is its own
    // spelling or stands for words (organisations), never a near spelling of a word with
    // vowels (`Smith`) nor the consonants of an abjad word (`تحسینی`). (Two such codes are
    // still compared letter by letter: `CVC`, `CVS`.)
    let code = |latin: bool, t: &TokenRef, other: &TokenRef| {
        latin && vowelless(t.key) && (other.key.bytes().any(is_vowel) || mode.abjad != Abjad::Neither)
    };
    if code(mode.latin.0, a, b) || code(mode.latin.1, b, a) {
        return if mode.abbreviations { abbreviation(a.text, b.text).max(abbreviation(b.text, a.text)) } else { 0.0 };
    }
    // The word written in Arabic script when only one side was, and the other side's.
    let abjad_pair = match mode.abjad {
        Abjad::First if mode.arabic => Some((a, b)),
        Abjad::Second if mode.arabic => Some((b, a)),
        _ => None,
    };
    // Compounds of one pattern (`Abdurrahim`, `Abdurrahman`; `Hamidullah`, `Waliullah`) are
    // alike by their shared part: only the rest tells them apart, by the Arabic script's
    // first sounds where one side is written in it (`عبدالخالق` is not `Abdulmalik`).
    if let Some((x, y)) = compound_stems(a.key, b.key) {
        let arabic_differ = match abjad_pair {
            Some(_) if mode.abjad == Abjad::First => abjad_first_sounds_differ(x, y),
            Some(_) => abjad_first_sounds_differ(y, x),
            None => false,
        };
        if arabic_differ || first_sounds_differ(x, y) {
            return 0.0;
        }
        let s = key_similarity_above(x.as_bytes(), y.as_bytes(), floor);
        return if abjad_pair.is_some_and(|(abjad, latin)| suffix_differs(abjad.key, latin.key)) {
            s.min(ANOTHER_WORD)
        } else {
            s
        };
    }
    if abjad_pair.is_some_and(|(abjad, latin)| abjad_first_sounds_differ(abjad.key, latin.key)) {
        return 0.0;
    }
    let mut s = if may_reach(a, b, floor) && !first_sounds_differ(a.key, b.key) {
        key_similarity_above(a.key.as_bytes(), b.key.as_bytes(), floor)
    } else {
        0.0
    };
    // A typo can change the spelling key more than the word (`innocnet` and `innocent` key
    // as `inoknet` and `inosent`): a near pair is also compared as written.
    if s > 0.0 && s < 0.9 {
        s = s.max(key_similarity_above(a.text.as_bytes(), b.text.as_bytes(), s));
    }
    if mode.abjad != Abjad::Neither {
        // The spelling key writes a letter twice in a row once; the abjad side's rendering
        // letter by letter does not (`ענן` is `nn`, two letters), nor does a word of the name
        // table (`muhammad`, a shadda): consonants are counted only when the rendering has no
        // consonant twice in a row and is not the table's (two vowels are two letters, `داوود`
        // Dawud: not `Diaa`).
        let abjad_text = match mode.abjad {
            Abjad::First => Some(a.text),
            Abjad::Second => Some(b.text),
            _ => None,
        };
        let conventional = abjad_text.is_some_and(conventional_spelling);
        let counted = abjad_text
            .is_some_and(|t| !conventional && !t.as_bytes().windows(2).any(|w| w[0] == w[1] && !is_vowel(w[0])));
        s = s.max(abjad_likeness((a.key, a.skeleton), (b.key, b.skeleton), mode.abjad, counted));
        // A word rendered letter by letter has the vowels its script wrote (long vowels, an
        // initial alef or ain): each that the other spelling contradicts takes its share off
        // however alike the two look otherwise (`احسان` Ehsan is not `Hossein`). A word of the
        // name table has the custom's vowels, which the script did not write.
        if let Some((abjad, latin)) = abjad_pair.filter(|_| !conventional) {
            let initial = abjad.key.bytes().next().is_some_and(is_vowel)
                && latin.key.bytes().next().is_some_and(|c| !is_vowel(c));
            let conflicts = vowel_conflicts(abjad.key, latin.key) + usize::from(initial);
            if conflicts > 0 {
                s = s.min((0.95 - VOWEL_CONFLICT * conflicts as f64).max(0.0));
            }
        }
        // A final `-i` or `-u` is a suffix that makes another name of one (the nisba: `احمدی`
        // Ahmadi is not `Ahmed`, `سالم` Salim not `Salimi`); the table's words end on the
        // letter the script wrote, so this holds for them too.
        // And the script writes every consonant, a doubled one once: a spelling with more
        // than it wrote (`h` and `w` aside, which spellings add and drop) is of another word
        // (`مهدی` Mahdi is not `Mohamed`, `موحد` Movahed not `Mohammad`).
        if abjad_pair.is_some_and(|(abjad, latin)| {
            // (A rendering letter by letter writes a consonant twice where the script did,
            // `مملوك` mmluk, which its key writes once.)
            let written = if conventional { abjad.key } else { abjad.text };
            // (A compound's spelling against its first word, `rhmt` of `رحمت الله` and
            // `Rahmatullah`, has the rest's consonants too.)
            let compound = COMPOUND_SUFFIXES.iter().any(|x| latin.key.ends_with(x));
            suffix_differs(abjad.key, latin.key)
                || (!compound && counted_consonants(latin.key) > counted_consonants(written))
        }) {
            s = s.min(ANOTHER_WORD);
        }
    }
    // Two words both in Arabic script, rendered letter by letter, have the long vowels each
    // wrote: one ending on `ی` or `و` that the other does not write is another word, as
    // against a romanisation (`قاضی` Qazi is not `قائد` Qaid, `احمدی` not `احمد`).
    if mode.abjad == Abjad::Both && mode.arabic && suffix_differs(a.key, b.key) {
        s = s.min(ANOTHER_WORD);
    }
    if mode.abbreviations {
        s = s.max(abbreviation(a.text, b.text).max(abbreviation(b.text, a.text)));
    }
    s
}

/// Whether a spelling key of two letters or more has no vowel.
fn vowelless(key: &str) -> bool {
    key.len() >= 2 && key.bytes().all(|b| b.is_ascii_lowercase() && !is_vowel(b))
}

/// The likeness of two words (key and skeleton each) when one side or both were written in an
/// abjad, which writes consonants and long vowels only: their skeletons compared, less for each
/// written long vowel a romanisation contradicts (`حمیدی` Hamidi is not `Hammoud`, `ثنا` Sana
/// not `Tony`).
pub(crate) fn abjad_likeness(a: (&str, &str), b: (&str, &str), abjad: Abjad, counted: bool) -> f64 {
    let conflicts = match abjad {
        Abjad::First => vowel_conflicts(a.0, b.0),
        Abjad::Second => vowel_conflicts(b.0, a.0),
        _ => 0,
    };
    let most = (0.95 - VOWEL_CONFLICT * conflicts as f64).max(0.0);
    if a.1 == b.1 && !a.1.is_empty() {
        // The skeleton writes a consonant once on either side of a vowel; an abjad writes it
        // twice (`مملوك` Mamluk; only a doubled one, `mm` in `Muhammad`, is written once). A
        // romanisation with a consonant the abjad word does not write is another word
        // (`ملیکا` Melika is not `Mamlouk`): the consonants are compared one by one.
        let (mut x, mut y) = ([(0u8, 0u8, 0u8); MAX_KEY], [(0u8, 0u8, 0u8); MAX_KEY]);
        match (vowel_slots(a.0.as_bytes(), &mut x), vowel_slots(b.0.as_bytes(), &mut y)) {
            (Some(n), Some(m)) if counted && n != m => {
                let (mut cx, mut cy) = ([0u8; MAX_KEY], [0u8; MAX_KEY]);
                x[..n].iter().zip(&mut cx).for_each(|(slot, c)| *c = slot.0);
                y[..m].iter().zip(&mut cy).for_each(|(slot, c)| *c = slot.0);
                most * key_similarity(&cx[..n], &cy[..m])
            }
            _ => most,
        }
    } else {
        most * key_similarity(a.1.as_bytes(), b.1.as_bytes())
    }
}

/// Whether one of an Arabic-script word and a spelling of it ends on a long `i` or `u` and
/// the other on a consonant.
fn suffix_differs(abjad: &str, latin: &str) -> bool {
    let (Some(&a), Some(&l)) = (abjad.as_bytes().last(), latin.as_bytes().last()) else { return false };
    let suffix = |c: u8| matches!(c, b'i' | b'u');
    (suffix(a) && !is_vowel(l)) || (!is_vowel(a) && suffix(l))
}

/// The most an Arabic-script word and a spelling of another word (another ending, more
/// consonants) are alike.
const ANOTHER_WORD: f64 = 0.65;

/// The consonants of a word but `h`, `w` (`v`) and `y`, which spellings of one Arabic word add
/// and leave out (`Dawood` for `داود`, `Abdallah`).
fn counted_consonants(word: &str) -> usize {
    word.bytes().filter(|&c| c.is_ascii_lowercase() && !is_vowel(c) && !matches!(c, b'h' | b'v' | b'w' | b'y')).count()
}

/// What each long vowel of an abjad word that a romanisation contradicts takes off the
/// likeness of their skeletons.
const VOWEL_CONFLICT: f64 = 0.15;

/// A word's key as consonants (doubled ones as one), each with the span of the vowels that
/// follow it, written into `out`; returns how many (at most `out.len()`; `None` past that).
fn vowel_slots(key: &[u8], out: &mut [(u8, u8, u8); MAX_KEY]) -> Option<usize> {
    if key.len() > usize::from(u8::MAX) {
        return None;
    }
    let mut n: usize = 0;
    let mut i = key.iter().take_while(|&&c| is_vowel(c)).count();
    while i < key.len() {
        let c = key[i];
        let end = i + 1 + key[i + 1..].iter().take_while(|&&v| is_vowel(v)).count();
        let span = (i as u8 + 1, end as u8);
        match n.checked_sub(1).map(|last| &mut out[last]) {
            Some(last) if last.0 == c && last.1 == last.2 => (last.1, last.2) = span,
            _ => {
                *out.get_mut(n)? = (c, span.0, span.1);
                n += 1;
            }
        }
        i = end;
    }
    Some(n)
}

/// How many consonants a key spells (doubled ones as one, the same one on either side of a
/// vowel as two): what the consonant skeleton, which merges the latter, does not tell.
pub(crate) fn consonant_count(key: &str) -> Option<usize> {
    vowel_slots(key.as_bytes(), &mut [(0u8, 0u8, 0u8); MAX_KEY])
}

/// How many long vowels of a word written in an abjad (`abjad`, the key of its rendering,
/// where a vowel stands for a written alif, waw or ya) a Latin spelling of the same consonants
/// contradicts: a written long vowel the romanisation has no vowel of its kind for, and a
/// vowel the romanisation ends on that the abjad word would have written (`-i`, `-u`, `-o`).
/// Short vowels are not written, so the romanisation's other vowels say nothing. Spellings of
/// other consonants, or without any vowel (`Mhd`), are not judged here.
pub(crate) fn vowel_conflicts(abjad: &str, latin: &str) -> usize {
    let (a, l) = (abjad.as_bytes(), latin.as_bytes());
    let (mut sa, mut sl) = ([(0u8, 0u8, 0u8); MAX_KEY], [(0u8, 0u8, 0u8); MAX_KEY]);
    let (Some(na), Some(nl)) = (vowel_slots(a, &mut sa), vowel_slots(l, &mut sl)) else { return 0 };
    if na == 0 || na != nl || !l.iter().any(|&b| is_vowel(b)) {
        return 0;
    }
    // The vowels of a romanisation that may spell each written long vowel.
    let spells = |long: u8, v: u8| match long {
        b'a' => matches!(v, b'a' | b'e' | b'o'),
        b'i' | b'e' => matches!(v, b'i' | b'e'),
        _ => matches!(v, b'u' | b'o'),
    };
    let mut conflicts = 0;
    for (at, (x, y)) in sa[..na].iter().zip(&sl[..nl]).enumerate() {
        let av = &a[x.1 as usize..x.2 as usize];
        let lv = &l[y.1 as usize..y.2 as usize];
        let unspelt = av.iter().any(|&long| !lv.iter().any(|&v| spells(long, v)));
        let unwritten_end = at == na - 1 && av.is_empty() && lv.last().is_some_and(|v| matches!(v, b'i' | b'u' | b'o'));
        conflicts += usize::from(unspelt || unwritten_end);
    }
    conflicts
}

/// Whether a word written in an abjad and a spelling of it start with sounds that no
/// romanisation of the abjad puts for one another. The abjad writes every consonant and an
/// initial vowel (alef, ain), so the leniencies that hold between two spellings (a letter
/// added at the start, `h` or a vowel for anything) do not hold here:
/// - a consonant put before the written vowel is another word (`احمد` Ahmad is not `Mahmoud`
///   nor `Hamad`, `علي` Ali not `Hala`), but for the word's own first consonant (`Brahim` for
///   `ابراهيم`, the vowel left out by custom);
/// - the first consonant is left out only when it is `h` (`Usayn`) or `w`, or when the
///   article is written with the word (`Essid` for `الصيد`);
/// - `h` is written `h`, `kh`, Spanish `j` or Russian `g` (`Jalid`, `Guseyn`), and a
///   spelling's `h` is only that (`Mohsen` is not `حسين`);
/// - other consonants trade within the classes of [`first_sounds_differ`].
fn abjad_first_sounds_differ(abjad: &str, latin: &str) -> bool {
    let (Some(&a), Some(&l)) = (abjad.as_bytes().first(), latin.as_bytes().first()) else { return false };
    if a == l {
        return false;
    }
    match (is_vowel(a), is_vowel(l)) {
        (true, true) => false,
        (true, false) => abjad.bytes().find(|&c| !is_vowel(c)) != Some(l),
        // (Or the article assimilated to it and written together: `Essid`, `Elsseid`.)
        (false, true) => !matches!(a, b'h' | b'v') && !assimilated_article(latin, a),
        (false, false) if a == b'h' => !matches!(l, b'j' | b'g' | b'k'),
        (false, false) => l == b'h' || classes_differ(a, l),
    }
}

/// Whether a spelling starts with the Arabic article written together with a word that starts
/// with `first` (a vowel, then `l` or the sun letter the article is said as: `Essid`,
/// `Assabar`, `Elsaid`; keys write a doubled letter once).
fn assimilated_article(latin: &str, first: u8) -> bool {
    let b = latin.as_bytes();
    b.len() > 3 && is_vowel(b[0]) && (b[1] == first || (b[1] == b'l' && b[2] == first))
}

/// Whether two keys start with consonants that no romanisation puts for one another: a
/// name's first sound is the one its spellings keep (`Khaliq` is not `Malik`, `Jalil` not
/// `Khalil`). Romanisations trade the first consonant within a class only: voicing and
/// aspiration (`Pak`/`Bak`, `Gamal`/`Jamal`, `Qasim`/`Kasim`, `Tang`/`Dang`), sibilants
/// (`Sh`, `S`, `Z`, `Ts`, `Ch`), lips (`V`, `W`, `B`, `F`), and `L`/`R` (an East Asian
/// transcription of `R`). A vowel or `h` at the start proves nothing: scripts drop or add
/// them (`Usayn`, `Hussein`), and `h` stands for many sounds (`Kh`, Spanish `J`, Ukrainian
/// `H` for `G`: `Jalid`, `Hennadiy`).
fn first_sounds_differ(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (Some(&x), Some(&y)) = (a.first(), b.first()) else { return false };
    // A letter added or left out at the start, or two first letters swapped, is a typo of
    // one name (`Troost`, `Rost`), not another first sound.
    if x == y || a.get(1) == Some(&y) || b.get(1) == Some(&x) {
        return false;
    }
    classes_differ(x, y)
}

/// Whether two first letters belong to classes of sounds that romanisations do not trade
/// (see [`first_sounds_differ`]); a vowel, `h` or `y` belongs to none.
fn classes_differ(x: u8, y: u8) -> bool {
    fn class(c: u8) -> Option<u8> {
        Some(match c {
            b'b' | b'p' | b'f' | b'v' | b'w' => 0,
            b'd' | b't' => 1,
            b'g' | b'j' | b'k' | b'q' | b'c' => 2,
            b's' | b'z' | b'x' => 3,
            b'l' | b'r' => 4,
            b'm' => 5,
            b'n' => 6,
            _ => return None,
        })
    }
    match (class(x), class(y)) {
        (Some(p), Some(q)) => p != q && !matches!((p, q), (1, 3) | (3, 1) | (2, 3) | (3, 2)),
        _ => false,
    }
}

/// Affixes of Arabic compound names, as spelling keys.
const COMPOUND_PREFIXES: &[&str] = &["abdul", "abdel", "abdal", "abdu", "abd"];
const COMPOUND_SUFFIXES: &[&str] = &["ula", "ala", "udin", "edin", "edine", "adin", "uldin"];

/// The distinct parts of two compound names of one pattern (`abdel malik`, `abdul khaliq`: the
/// affix may be spelt differently on each side), or `None` when they are not two such
/// compounds or their distinct parts are spelt alike (then the whole words say more).
fn compound_stems<'a>(a: &'a str, b: &'a str) -> Option<(&'a str, &'a str)> {
    let strip = |w: &'a str, affixes: &[&str], prefix: bool| {
        affixes
            .iter()
            .find_map(|x| if prefix { w.strip_prefix(x) } else { w.strip_suffix(x) })
            .filter(|rest| rest.len() >= 3)
    };
    // Every prefix starts with `abd`; every suffix ends in `a`, `n` or `e`.
    let prefixed = a.starts_with("abd") && b.starts_with("abd");
    let suffixed = |w: &str| matches!(w.as_bytes().last(), Some(b'a' | b'n' | b'e'));
    let stems = if prefixed {
        strip(a, COMPOUND_PREFIXES, true).zip(strip(b, COMPOUND_PREFIXES, true))
    } else if suffixed(a) && suffixed(b) {
        strip(a, COMPOUND_SUFFIXES, false).zip(strip(b, COMPOUND_SUFFIXES, false))
    } else {
        None
    };
    stems.filter(|(x, y)| x != y)
}

/// Similarity of two keys of words (or of words written together): compounds of one pattern
/// by their distinct parts (see [`token_similarity`]), other words whole.
pub(crate) fn word_key_similarity(a: &str, b: &str, floor: f64) -> f64 {
    match compound_stems(a, b) {
        Some((x, y)) => key_similarity_above(x.as_bytes(), y.as_bytes(), floor),
        None => key_similarity_above(a.as_bytes(), b.as_bytes(), floor),
    }
}

/// An initial against a word: the word's first letter.
fn initial_similarity(initial: &str, word: &str) -> f64 {
    if word.as_bytes().first() == initial.as_bytes().first() {
        0.9
    } else {
        0.0
    }
}

/// Three-letter abbreviations of organisation words common enough to stand for the word
/// when written alone (`Ind.`, `Mfg.`); other three letters are more often names of their own
/// (`Tan` and `Taliban`, `Dan` and `Danesh`).
const SHORT_ABBREVIATIONS: &[&str] =
    &["ind", "int", "inv", "dev", "eng", "gen", "med", "nat", "org", "sys", "ent", "mfg", "grp", "svc", "mgt", "hld"];

/// `short` as an abbreviation of `long`: a cut after a consonant (`corp`, `assoc`, `tech`), or
/// a contraction keeping the first and last letters and some in between, in order (`mgmt`,
/// `svcs`, `bros`, `natl`, `intl`, `hldgs`, `engg`); of three letters only the common ones.
/// Letters in order alone are not enough: `spp` is in `Sinopa` and `Sevastopol`.
fn abbreviation(short: &str, long: &str) -> f64 {
    let (s, l) = (short.as_bytes(), long.as_bytes());
    if s.len() < 3 || s.len() > 5 || l.len() < s.len() + 3 || s[0] != l[0] {
        return 0.0;
    }
    if s.len() == 3 && !SHORT_ABBREVIATIONS.contains(&short) {
        return 0.0;
    }
    // Abbreviations are cut after a consonant (`Intl.`, `Handl.`, `Ind.`); a prefix ending in a
    // vowel is more likely a shorter name (`Bai` and `Baikal`).
    if l.starts_with(s) && !proscribe_text::is_vowel(s[s.len() - 1]) {
        return 0.95;
    }
    let mut it = l.iter();
    let in_order = s.iter().all(|c| it.any(|x| x == c));
    // Contractions drop vowels: more than one after the first letter is a word of its own
    // (`faez` is not `forwarderz`).
    let vowels = s[1..].iter().filter(|&&c| proscribe_text::is_vowel(c)).count();
    let contraction = in_order && vowels <= 1 && s[s.len() - 1] == l[l.len() - 1];
    if contraction {
        0.93
    } else {
        0.0
    }
}

/// Similarity of two keys: 1 minus a weighted edit distance (Damerau, adjacent
/// transpositions) over the longer length. Vowels cost less than consonants.
pub(crate) fn key_similarity(a: &[u8], b: &[u8]) -> f64 {
    key_similarity_above(a, b, 0.0)
}

/// [`key_similarity`], or 0 as soon as the distance shows it is below `floor`.
pub(crate) fn key_similarity_above(a: &[u8], b: &[u8], floor: f64) -> f64 {
    let a = &a[..a.len().min(MAX_KEY)];
    let b = &b[..b.len().min(MAX_KEY)];
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // The most the distance may be, in tenths, for the similarity to reach the floor; each
    // letter of length difference costs at least a vowel's insertion.
    let budget = ((1.0 - floor) * longest as f64 * 10.0).floor() as u16;
    if a.len().abs_diff(b.len()) as u16 * 5 > budget || letters_bound(a, b) > budget {
        return 0.0;
    }
    match weighted_distance(a, b, budget) {
        Some(d) => (1.0 - f64::from(d) / 10.0 / longest as f64).max(0.0),
        None => 0.0,
    }
}

/// A lower bound of [`weighted_distance`] from the letters of the keys in any order: each
/// letter one key has more of than the other must be deleted, inserted or substituted, a
/// substitution settling one such letter of each key. Pairing them cheapest first (vowel for
/// vowel, consonant for consonant, then vowel for consonant) costs at most what any edit
/// script pays; transpositions change no count. Far cheaper than the table, and most pairs of
/// different words are out of budget by their letters alone.
fn letters_bound(a: &[u8], b: &[u8]) -> u16 {
    const VOWEL_SLOTS: u32 =
        1 << (b'a' & 31) | 1 << (b'e' & 31) | 1 << (b'i' & 31) | 1 << (b'o' & 31) | 1 << (b'u' & 31);
    // Bytes by their low five bits: letters and digits sharing a slot only lower the bound
    // (their counts may cancel), and a slot counts as a vowel (the cheaper class) if a vowel
    // falls in it.
    let mut count = [0i8; 32];
    for &x in a {
        count[usize::from(x & 31)] += 1;
    }
    for &x in b {
        count[usize::from(x & 31)] -= 1;
    }
    // Without branches, so that the compiler can count all slots at once.
    let (mut va, mut vb, mut ca, mut cb) = (0u16, 0u16, 0u16, 0u16);
    for (slot, &c) in count.iter().enumerate() {
        let vowel = (VOWEL_SLOTS >> slot & 1) as u16;
        let (more, fewer) = (i16::from(c).max(0) as u16, i16::from(c).min(0).unsigned_abs());
        va += more * vowel;
        ca += more * (1 - vowel);
        vb += fewer * vowel;
        cb += fewer * (1 - vowel);
    }
    let vv = va.min(vb);
    let cc = ca.min(cb);
    let (va, vb, ca, cb) = (va - vv, vb - vv, ca - cc, cb - cc);
    let vc = va.min(cb) + ca.min(vb);
    let left_vowels = va + vb - va.min(cb) - ca.min(vb);
    let left_consonants = ca + cb - va.min(cb) - ca.min(vb);
    4 * vv + 7 * cc + 10 * vc + 5 * left_vowels + 10 * left_consonants
}

/// The vowels `a`, `e`, `i`, `o`, `u` by byte.
const fn vowel_table() -> [bool; 256] {
    let mut t = [false; 256];
    t[b'a' as usize] = true;
    t[b'e' as usize] = true;
    t[b'i' as usize] = true;
    t[b'o' as usize] = true;
    t[b'u' as usize] = true;
    t
}

/// Vowels, for tables built at compile time.
const VOWELS: [bool; 256] = vowel_table();
static VOWEL: [bool; 256] = VOWELS;

/// Costs in tenths of an edit, so that the distance is computed in integers.
#[inline]
fn indel(c: u8) -> u16 {
    if VOWEL[c as usize] {
        5
    } else {
        10
    }
}

/// Cost of substituting `y` for `x` (two different bytes), in tenths.
const fn substitution(x: u8, y: u8) -> u8 {
    if VOWELS[x as usize] && VOWELS[y as usize] {
        4
    } else if matches!(
        (x, y),
        (b'v', b'b')
            | (b'b', b'v')
            | (b'k', b'g')
            | (b'g', b'k')
            | (b't', b'd')
            | (b'd', b't')
            | (b's', b'z')
            | (b'z', b's')
            | (b'd', b'z')
            | (b'z', b'd')
            | (b'p', b'b')
            | (b'b', b'p')
    ) {
        // Voiced and unvoiced pairs, which romanisations and transcriptions swap; `d` and `z`
        // for the Arabic letters read either way (`Hafidh`, `Hafiz`).
        7
    } else {
        10
    }
}

/// Letters `a` to `z` by their place in the alphabet; every other byte is 26.
const fn letter(c: u8) -> usize {
    if c.is_ascii_lowercase() {
        (c - b'a') as usize
    } else {
        26
    }
}

/// [`substitution`] of two different bytes by their [`letter`]s; any byte but a letter costs
/// a whole edit.
static SUBSTITUTION: [[u8; 27]; 27] = {
    let mut t = [[10u8; 27]; 27];
    let mut x = 0;
    while x < 26 {
        let mut y = 0;
        while y < 26 {
            t[x][y] = substitution(b'a' + x as u8, b'a' + y as u8);
            y += 1;
        }
        x += 1;
    }
    t
};

/// Cost of swapping two adjacent letters, the commonest typo.
const TRANSPOSITION: u16 = 6;

/// Weighted Damerau–Levenshtein (optimal string alignment) in tenths of an edit, with three
/// rolling rows on the stack; `None` once every cell of a row exceeds `budget` (the distance
/// can only grow from there), or once no way on from this row or over it (a transposition
/// from the row before) can end within `budget`.
fn weighted_distance(a: &[u8], b: &[u8], budget: u16) -> Option<u16> {
    // Keys are cut to MAX_KEY before; cutting here too lets the compiler drop bounds checks.
    let a = &a[..a.len().min(MAX_KEY)];
    let b = &b[..b.len().min(MAX_KEY)];
    let (n, m) = (a.len(), b.len());
    // Whatever follows cell (i, j) costs at least a vowel's insertion per letter of
    // difference in the lengths left: the cheapest step off a diagonal.
    let rest = |i: usize, j: usize| 5 * (j as isize - (i + m) as isize + n as isize).unsigned_abs() as u16;
    // A way through cell (i, j) costs at least a vowel's insertion per step off the diagonal
    // to reach it and per step back to the end: with `t = j - i` and `d = m - n`, that is
    // 5 (|t| + |t - d|). Only cells where this is within the budget can lie on a way that
    // is; the others are never computed, and read as out of reach.
    let d = m as isize - n as isize;
    let slack = (budget / 5) as isize - d.abs();
    if slack < 0 {
        return None;
    }
    let (below, above) = (d.min(0) - slack / 2, d.max(0) + slack / 2);
    let band = |i: usize| -> (usize, usize) {
        let lo = (i as isize + below).max(0) as usize;
        let hi = (i as isize + above).min(m as isize).max(0) as usize;
        (lo, hi)
    };
    const FAR: u16 = u16::MAX / 4;
    // By position in `b`: the cost of its letter's insertion, the letter, and the letter
    // before it (0 for the first: keys hold no 0), for transpositions.
    let (mut indel_b, mut letter_b, mut before_b) = ([0u16; MAX_KEY], [0u8; MAX_KEY], [0u8; MAX_KEY + 1]);
    for (k, &x) in b.iter().enumerate() {
        indel_b[k] = indel(x);
        letter_b[k] = letter(x) as u8;
        before_b[k + 1] = x;
    }
    // Three rows, rotated by reference.
    let (mut r0, mut r1, mut r2) = ([FAR; MAX_KEY + 2], [FAR; MAX_KEY + 2], [FAR; MAX_KEY + 2]);
    let (mut p2, mut p1, mut cur) = (&mut r0, &mut r1, &mut r2);
    let (_, hi0) = band(0);
    p1[0] = 0;
    for j in 1..=hi0 {
        p1[j] = p1[j - 1] + indel_b[j - 1];
    }
    let mut previous = (0, hi0);
    for i in 1..=n {
        let ai = a[i - 1];
        let a_before = if i > 1 { a[i - 2] } else { 0 };
        let del = indel(ai);
        let substitute = &SUBSTITUTION[letter(ai)];
        let (lo, hi) = band(i);
        let mut reach = FAR;
        let first = if lo == 0 {
            cur[0] = p1[0] + del;
            reach = cur[0] + rest(i, 0);
            1
        } else {
            cur[lo - 1] = FAR;
            lo
        };
        if first <= hi {
            let mut left = cur[first - 1];
            let up = p1[first..=hi].iter().zip(&p1[first - 1..hi]);
            let letters = b[first - 1..hi].iter().zip(&letter_b[first - 1..hi]);
            let costs = indel_b[first - 1..hi].iter().zip(&before_b[first - 1..hi]);
            let cells = cur[first..=hi].iter_mut().zip(up).zip(letters).zip(costs);
            for (j, (((out, (&above, &diagonal_cell)), (&bj, &lb)), (&insert, &b_before))) in (first..).zip(cells) {
                let substitution = if ai == bj { 0 } else { u16::from(substitute[usize::from(lb)]) };
                let mut v = (above + del).min(left + insert).min(diagonal_cell + substitution);
                // `b_before` is 0 for the first letter, so `j >= 2` here.
                if ai == b_before && a_before == bj {
                    v = v.min(p2[j - 2] + TRANSPOSITION);
                }
                *out = v;
                left = v;
                reach = reach.min(v + rest(i, j));
            }
        }
        // The next row reads one cell past this row's band.
        cur[hi + 1] = FAR;
        if reach > budget {
            // No way on through this row ends within the budget; a way may still pass over
            // it, by a transposition from the row before to the row after.
            let over = if i < n && m >= 2 {
                let (plo, phi) = previous;
                (plo..=phi.min(m.saturating_sub(2)))
                    .map(|j| p1[j] + TRANSPOSITION + rest(i + 1, j + 2))
                    .min()
                    .unwrap_or(u16::MAX)
            } else {
                u16::MAX
            };
            if over > budget {
                return None;
            }
        }
        previous = (lo, hi);
        (p2, p1, cur) = (p1, cur, p2);
    }
    let d = p1[m];
    (d <= budget).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proscribe_text::tokens;

    fn check(a: &str, b: &str, mode: Mode, lo: f64, hi: f64) {
        let (ta, tb) = (&tokens(a)[0], &tokens(b)[0]);
        fn r(t: &proscribe_text::Token) -> TokenRef<'_> {
            TokenRef::new(t, consonant_mask(&t.key))
        }
        let s = token_similarity(&r(ta), &r(tb), mode, 0.0);
        assert!((lo..=hi).contains(&s), "{a} / {b}: {s:.3} not in [{lo}, {hi}]");
    }

    /// Long vowels an abjad writes against the vowels of romanisations of the same consonants.
    #[test]
    fn written_long_vowels_are_kept() {
        use proscribe_text::key;
        let cases = [
            // Agreeing: short vowels unwritten, long ones spelt any usual way.
            ("mhsn", "mohsen", 0),
            ("rvhani", "rohany", 0),
            ("hsin", "hossein", 0),
            ("shmshiri", "shamshiri", 0),
            ("misun", "maysoon", 0),
            ("mhmd", "mhd", 0),
            ("ia", "au", 0),
            ("ahmdi", "ahmadi", 0),
            // A written long vowel the romanisation has none of its kind for.
            ("hsin", "hassan", 1),
            ("hmidi", "hammoud", 2),
            ("ahmdi", "ahmed", 1),
            ("tna", "tony", 1),
            ("daud", "dada", 1),
            // A romanisation ending on a vowel the abjad word would have written.
            ("kil", "kayali", 1),
        ];
        for (abjad, latin, expected) in cases {
            assert_eq!(vowel_conflicts(&key(abjad), &key(latin)), expected, "{abjad} / {latin}");
        }
    }

    #[test]
    fn similarities() {
        let plain = Mode { abjad: Abjad::Neither, arabic: false, abbreviations: false, latin: (true, true) };
        let abjad = Mode { abjad: Abjad::First, arabic: true, abbreviations: false, latin: (false, true) };
        let org = Mode { abjad: Abjad::Neither, arabic: false, abbreviations: true, latin: (true, true) };
        let abjad_second = Mode { abjad: Abjad::Second, arabic: true, abbreviations: false, latin: (true, false) };
        let transliterated = Mode { abjad: Abjad::Neither, arabic: false, abbreviations: false, latin: (false, true) };
        let both_arabic = Mode { abjad: Abjad::Both, arabic: true, abbreviations: false, latin: (false, false) };
        let cases = [
            ("levitsky", "levitskiy", plain, 0.95, 1.0),
            ("abdalla", "abdulla", plain, 0.9, 1.0),
            ("scholze", "scholz", plain, 0.9, 0.95),
            // Another first sound is another word; the first letters of a typo are not.
            ("mining", "dining", plain, 0.0, 0.0),
            ("latif", "katif", plain, 0.0, 0.0),
            ("jalid", "khalid", plain, 0.75, 0.95),
            ("troost", "rost", plain, 0.7, 0.8),
            ("bak", "pak", plain, 0.6, 0.9),
            ("gamal", "jamal", plain, 0.75, 0.95),
            ("usama", "hussama", plain, 0.6, 0.95),
            ("hibari", "hibiki", plain, 0.0, 0.8),
            ("mhmd", "mohamed", abjad, 0.95, 1.0),
            ("mhmd", "mohamed", plain, 0.0, 0.8),
            ("intl", "international", org, 0.93, 0.95),
            ("mgmt", "management", org, 0.93, 0.93),
            ("engg", "engineering", org, 0.93, 0.93),
            ("intl", "international", plain, 0.0, 0.5),
            ("spp", "sinopa", org, 0.0, 0.65),
            ("sana", "sanibal", org, 0.0, 0.65),
            ("tan", "taliban", org, 0.0, 0.65),
            ("ind", "industries", org, 0.95, 0.95),
            ("assoc", "association", org, 0.95, 0.95),
            ("bros", "brothers", org, 0.93, 0.93),
            ("spp", "sevastopol", org, 0.0, 0.65),
            ("mfg", "manufacturing", org, 0.93, 0.93),
            ("faez", "forwarderz", org, 0.0, 0.65),
            ("8", "6", plain, 0.0, 0.0),
            ("8", "8", plain, 1.0, 1.0),
            ("w", "william", plain, 0.9, 0.9),
            ("ltd", "limited", plain, 1.0, 1.0),
            // A Latin word without vowels is a code: no near spelling of a name, nor the
            // consonants of an abjad word; two codes are still compared letter by letter.
            ("smt", "smith", plain, 0.0, 0.0),
            ("ttsn", "thsini", abjad_second, 0.0, 0.0),
            ("vtk", "vthaq", abjad_second, 0.0, 0.0),
            ("cvc", "cvs", org, 0.6, 0.9),
            ("smt", "smt", plain, 1.0, 1.0),
            // ... unless it was read from a script that leaves vowels unwritten (Khmer).
            ("mnh", "minh", transliterated, 0.6, 1.0),
            // An abjad writes a consonant twice when a vowel lies between (`مملوك`).
            ("mlika", "mamlouk", abjad, 0.0, 0.8),
            ("mmluk", "mamlouk", abjad, 0.9, 1.0),
            ("bnn", "baanan", abjad, 0.9, 1.0),
            ("mhmd", "muhammad", abjad, 0.95, 1.0),
            // The first sounds of an Arabic word: its written initial vowel, and consonants
            // the script writes, which a romanisation does not add nor drop.
            ("ahmad", "mahmoud", abjad, 0.0, 0.0),
            ("ali", "hala", abjad, 0.0, 0.0),
            ("ahsan", "hossein", abjad, 0.0, 0.8),
            ("ahsan", "ehsan", abjad, 0.9, 1.0),
            ("ibrahim", "brahim", abjad, 0.9, 1.0),
            ("mhdi", "ahdi", abjad, 0.0, 0.0),
            ("hsin", "mohsen", abjad, 0.0, 0.0),
            ("hsin", "usayn", abjad, 0.65, 1.0),
            ("khald", "jalid", abjad, 0.65, 1.0),
            ("hsin", "guseyn", abjad, 0.6, 1.0),
            ("sid", "essid", abjad, 0.8, 1.0),
            ("sbar", "essabar", abjad, 0.8, 1.0),
            ("qasm", "gasim", abjad, 0.7, 1.0),
            ("ahmad", "mahmoud", plain, 0.7, 0.9),
            // Vowels written letter by letter are the script's: a long one the romanisation
            // does not spell takes its share off the likeness, whatever the letters.
            ("dawud", "diaa", abjad, 0.0, 0.6),
            ("dawud", "dawood", abjad, 0.95, 1.0),
            ("madah", "moayyed", abjad, 0.0, 0.8),
            ("madah", "maedeh", abjad, 0.9, 1.0),
            // A final long vowel is a suffix of another name.
            ("ahmdi", "ahmed", abjad, 0.0, 0.65),
            ("ahmdi", "ahmadi", abjad, 0.9, 1.0),
            ("salim", "salimi", abjad, 0.0, 0.65),
            // So between two names in Arabic script.
            ("qadi", "qad", both_arabic, 0.0, 0.65),
            ("ahmdi", "ahmd", both_arabic, 0.0, 0.65),
            ("mhmd", "mhmd", both_arabic, 0.95, 1.0),
            ("azizi", "aziz", abjad, 0.0, 0.65),
            ("mhdi", "mahdi", abjad, 0.9, 1.0),
            ("abdulmalki", "abdulmalik", abjad, 0.0, 0.65),
            // The script writes every consonant.
            ("mhdi", "mohamed", abjad, 0.0, 0.65),
            ("muhd", "mohammad", abjad, 0.0, 0.65),
            ("daud", "dawood", abjad, 0.7, 1.0),
            ("abdallah", "abdalla", abjad, 0.9, 1.0),
            ("rhmt", "rahmatullah", abjad, 0.7, 1.0),
            ("abdulkhalq", "abdulmalik", abjad, 0.0, 0.0),
            ("abdulkhalq", "abdulkhaliq", abjad, 0.85, 1.0),
        ];
        for (a, b, mode, lo, hi) in cases {
            check(a, b, mode, lo, hi);
        }
    }

    #[test]
    fn syllables_by_romanisation() {
        use proscribe_text::key;
        // A reading (from the characters) against a spelling as written.
        let same = [
            ("gim", "kim"),
            ("jang", "chang"),
            ("deng", "teng"),
            ("shiao", "hsiao"),
            ("xie", "hsieh"),
            ("xue", "hsueh"),
            ("choe", "choi"),
            ("hong", "hung"),
            ("jeong", "jung"),
        ];
        let syllable = |text: &str, reading: bool| (key(text), reading, e_vowels(text));
        let same_one =
            |a: &(String, bool, usize), b: &(String, bool, usize)| same_syllable((&a.0, a.1, a.2), (&b.0, b.1, b.2));
        for (reading, written) in same {
            let (r, w) = (syllable(reading, true), syllable(written, false));
            assert!(same_one(&r, &w), "{reading} / {written}");
            assert!(same_one(&w, &r), "{written} / {reading}");
        }
        let other = [
            ("cheng", "chen"),
            ("ying", "ling"),
            ("hong", "wang"),
            ("jun", "zhu"),
            ("jian", "jin"),
            ("sheng", "shu"),
            ("ping", "bing"),
            ("chang", "jang"),
            ("xue", "xu"),
            ("xie", "xi"),
            ("jie", "ji"),
            ("yue", "yu"),
        ];
        for (reading, written) in other {
            let (r, w) = (syllable(reading, true), syllable(written, false));
            assert!(!same_one(&r, &w), "{reading} / {written}");
        }
    }

    #[test]
    fn a_name_and_its_form_for_the_other_gender() {
        use proscribe_text::key;
        let pairs = [
            ("michael", "michaela"),
            ("victor", "victoria"),
            ("orlov", "orlova"),
            ("daniel", "daniela"),
            ("yevgeniy", "yevgeniya"),
            ("angel", "angela"),
        ];
        for (a, b) in pairs {
            assert!(other_gender(&key(a), &key(b)) && other_gender(&key(b), &key(a)), "{a} / {b}");
        }
        let not = [
            ("maria", "mariah"),
            ("anna", "ann"),
            ("jose", "josef"),
            ("ali", "alim"),
            ("osama", "usama"),
            ("ana", "an"),
            ("poklonska", "poklonskaya"),
            ("lukashenko", "lukashenka"),
            ("haniyeh", "haniya"),
            ("fernando", "fernanda"),
        ];
        for (a, b) in not {
            assert!(!other_gender(&key(a), &key(b)), "{a} / {b}");
        }
    }

    /// The distance from the whole table, with no shortcut: what the banded, early-exiting
    /// table must give. (Giving up once a whole row exceeds the budget is not enough: a
    /// transposition can pass over such a row, as from `abc` to `acb`.)
    fn reference_distance(a: &[u8], b: &[u8], budget: u16) -> Option<u16> {
        let m = b.len();
        let mut rows = [[0u16; MAX_KEY + 1]; 3];
        let (mut p2, mut p1, mut cur) = (0usize, 1usize, 2usize);
        for j in 1..=m {
            rows[p1][j] = rows[p1][j - 1] + indel(b[j - 1]);
        }
        for i in 1..=a.len() {
            let (ai, del) = (a[i - 1], indel(a[i - 1]));
            rows[cur][0] = rows[p1][0] + del;
            for j in 1..=m {
                let bj = b[j - 1];
                let mut v = (rows[p1][j] + del).min(rows[cur][j - 1] + indel(bj));
                let sub = if ai == bj { 0 } else { u16::from(substitution(ai, bj)) };
                v = v.min(rows[p1][j - 1] + sub);
                if i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == bj {
                    v = v.min(rows[p2][j - 2] + TRANSPOSITION);
                }
                rows[cur][j] = v;
            }
            (p2, p1, cur) = (p1, cur, p2);
        }
        let d = rows[p1][m];
        (d <= budget).then_some(d)
    }

    /// Keys of names alike and unalike, short and long, for the properties of the distance.
    const TEST_KEYS: &[&str] = &[
        "mohamad",
        "muhamad",
        "ahmad",
        "ahmed",
        "hasan",
        "husain",
        "abdulah",
        "abdalah",
        "salam",
        "salim",
        "ali",
        "al",
        "omar",
        "umar",
        "hanafi",
        "hanifa",
        "abu",
        "bakr",
        "ab",
        "ba",
        "abc",
        "bac",
        "acb",
        "tsai",
        "stai",
        "ibrahim",
        "ebrahim",
        "brahim",
        "iosif",
        "josef",
        "ksenia",
        "ksenija",
        "aaaaaa",
        "eeeeee",
        "bdbdbd",
        "dbdbdb",
        "sergei",
        "sergej",
        "serge",
        "shi",
        "jinping",
        "ping",
        "pingjin",
        "kim",
        "jonun",
        "jongun",
        "vladimir",
        "vladimirovich",
        "putin",
        "pytin",
        "a",
        "z",
        "zz",
        "aeiou",
        "uoiea",
        "ptkbdg",
        "bdgptk",
        "5",
        "u5",
        "5u",
        "x9",
        "1988",
        "2005ar16",
        "ioeua",
    ];

    /// Giving up early (when no way on or over a row ends within the budget) changes no
    /// distance: every pair of these keys at every budget gets what the full table gives.
    #[test]
    fn early_exit_changes_no_distance() {
        let words = TEST_KEYS;
        for a in words {
            for b in words {
                for budget in 0..=80 {
                    let (a, b) = (a.as_bytes(), b.as_bytes());
                    assert_eq!(
                        weighted_distance(a, b, budget),
                        reference_distance(a, b, budget),
                        "{a:?} {b:?} {budget}"
                    );
                }
            }
        }
    }

    /// The bound from letters never exceeds the distance.
    #[test]
    fn letters_bound_is_a_lower_bound() {
        let words = TEST_KEYS;
        for a in words {
            for b in words {
                let (a, b) = (a.as_bytes(), b.as_bytes());
                let d = reference_distance(a, b, u16::MAX).expect("a distance within any budget");
                assert!(letters_bound(a, b) <= d, "{a:?} {b:?}: {} > {d}", letters_bound(a, b));
            }
        }
    }

    #[test]
    fn long_keys_do_not_overflow() {
        let a = "a".repeat(100);
        let b = "b".repeat(100);
        assert_eq!(key_similarity(a.as_bytes(), b.as_bytes()), 0.0);
        assert_eq!(key_similarity(a.as_bytes(), a.as_bytes()), 1.0);
        assert_eq!(key_similarity(b"", b""), 1.0);
    }
}
