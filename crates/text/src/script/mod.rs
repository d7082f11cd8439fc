//! Transliteration to Latin, one module per script behind the [`Transliterator`] trait. Each
//! module has a gate ([`Transliterator::applies`]: does it handle text of this script?) and
//! returns one or more Latin renderings of a run of text in its script, preferred first:
//! real romanisations differ (GOST, ICAO and BGN forms of one Russian name; Mandarin, Korean
//! and Japanese readings of one Han name), and a name matches when any rendering does.
//! Modules translate the few words whose romanisation says nothing to a Latin reader (legal
//! forms such as `ООО` or `株式会社`, common business words) into their English equivalents.
//! Scripts without a module of their own go through `any_ascii`, the generic table.

use proscribe_model::Script;

mod arabic;
mod armenian;
mod cyrillic;
mod generic;
mod georgian;
mod greek;
mod han;
mod hangul;
mod hebrew;
mod kana;
mod myanmar;
mod thai;

pub use arabic::conventional_spelling;
pub use han::{HanReadings, NAME_DOTS};

/// A transliterator for one script (or a family of scripts).
pub trait Transliterator: Send + Sync {
    /// A short name, for diagnostics and tests.
    fn name(&self) -> &'static str;
    /// The gate: whether this transliterator handles text of `script`.
    fn applies(&self, script: Script) -> bool;
    /// Latin renderings of `run`, normalised text in this script (words separated by single
    /// spaces; digits and punctuation may occur). The first rendering is the preferred one;
    /// renderings are lower case but need not be folded.
    fn renderings(&self, run: &str) -> Vec<String>;
}

/// Every transliterator, most specific first; the generic table comes last and takes all.
pub fn transliterators() -> &'static [&'static dyn Transliterator] {
    &[
        &cyrillic::Cyrillic,
        &arabic::Arabic,
        &hebrew::Hebrew,
        &greek::Greek,
        &armenian::Armenian,
        &georgian::Georgian,
        &hangul::Hangul,
        &kana::Kana,
        &han::Han,
        &myanmar::Myanmar,
        &thai::Thai,
        &generic::Generic,
    ]
}

/// The transliterator that handles `script`, if the script is not Latin.
pub fn transliterator_for(script: Script) -> Option<&'static dyn Transliterator> {
    if matches!(script, Script::Latin | Script::None) {
        return None;
    }
    transliterators().iter().copied().find(|t| t.applies(script))
}

/// The script of one character, without allocating.
pub(crate) fn char_script(c: char) -> Script {
    let mut buf = [0u8; 4];
    Script::detect(c.encode_utf8(&mut buf))
}

/// Splits normalised text into runs of one script. Characters of no script (spaces, digits,
/// punctuation) join the run they are in; Han, kana and Hangul form one run (a Japanese name
/// mixes Han and kana).
pub(crate) fn script_runs(text: &str) -> Vec<(Script, &str)> {
    let family = |s: Script| match s {
        Script::Han | Script::Japanese | Script::Hangul => Script::Han,
        s => s,
    };
    let mut runs: Vec<(Script, usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let s = char_script(c);
        let end = i + c.len_utf8();
        match runs.last_mut() {
            Some(last) if s == Script::None || family(s) == family(last.0) => last.2 = end,
            Some(last) if last.0 == Script::None => {
                last.0 = s;
                last.2 = end;
            }
            _ => runs.push((s, i, end)),
        }
    }
    runs.into_iter()
        .map(|(s, a, b)| {
            let run = &text[a..b];
            let s = if family(s) == Script::Han { Script::detect(run) } else { s };
            (s, run)
        })
        .collect()
}

/// Romanises a run word by word: a word of `words` (compared without punctuation) becomes its
/// Latin equivalent, any other word goes through `word`, which writes its Latin into `out`.
/// Words stay separated by single spaces.
pub(crate) fn by_words(run: &str, words: &[(&str, &str)], mut word: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(run.len() * 2);
    for (i, w) in run.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let bare: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        match words.iter().find(|(native, _)| *native == bare) {
            Some((_, latin)) => out.push_str(latin),
            None => word(w, &mut out),
        }
    }
    out
}

/// Writes each letter of `word` through `letter`, keeping what it does not know as it is.
pub(crate) fn push_letters(word: &str, letter: fn(char) -> Option<&'static str>, out: &mut String) {
    for c in word.chars() {
        match letter(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
}

/// Looks words of a dictionary up in `run` and replaces them by their Latin equivalents,
/// longest first, marking the replacements as words of their own. Used for scripts written
/// without spaces (Han, kana, Burmese) and for legal forms. Returns the text with the
/// equivalents spelt `\u{1}latin\u{1}`, so that the caller can keep them apart.
pub(crate) fn replace_words(run: &str, dict: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(run.len());
    let mut i = 0;
    'outer: while i < run.len() {
        let rest = &run[i..];
        let mut best: Option<(usize, &str)> = None;
        for (native, latin) in dict {
            if rest.starts_with(native) && best.is_none_or(|(n, _)| native.len() > n) {
                best = Some((native.len(), latin));
            }
        }
        if let Some((n, latin)) = best {
            out.push(MARK);
            out.push_str(latin);
            out.push(MARK);
            i += n;
            continue 'outer;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Marks the Latin words that [`replace_words`] put into a run.
pub(crate) const MARK: char = '\u{1}';

/// Splits a marked run into pieces: `(true, latin)` for dictionary words, `(false, native)`
/// for the text between them.
pub(crate) fn marked_pieces(text: &str) -> Vec<(bool, &str)> {
    text.split(MARK).enumerate().filter(|(_, p)| !p.is_empty()).map(|(i, p)| (i % 2 == 1, p)).collect()
}

/// The same table of tests for every transliterator: the gate accepts its script and refuses
/// Latin, every rendering of every case is Latin, the expected rendering is among them, and
/// empty or punctuation-only input yields no letters.
#[cfg(test)]
macro_rules! transliterator_tests {
    ($t:expr, scripts: [$($script:expr),* $(,)?], cases: [$(($input:expr, $expect:expr)),* $(,)?]) => {
        use crate::script::Transliterator;

        fn check(input: &str, expect: &str) {
            let t = $t;
            let got: Vec<String> = t.renderings(&crate::normalize(input)).iter().map(|r| crate::fold(r)).collect();
            for r in &got {
                assert!(r.is_ascii(), "{}: rendering {r:?} of {input:?} is not Latin", t.name());
            }
            assert!(got.iter().any(|r| r == expect), "{}: {input:?} gave {got:?}, expected {expect:?}", t.name());
        }

        #[test]
        fn gate() {
            let t = $t;
            $(assert!(t.applies($script), "{} refuses {:?}", t.name(), $script);)*
            assert!(!t.applies(proscribe_model::Script::Latin), "{} takes Latin", t.name());
        }

        #[test]
        fn renders() {
            $(check($input, $expect);)*
        }

        #[test]
        fn empty_and_punctuation() {
            let t = $t;
            for input in ["", " ", "-", "()", "«»"] {
                for r in t.renderings(input) {
                    assert!(crate::fold(&r).chars().all(|c| !c.is_alphabetic()), "{}: {input:?} gave {r:?}", t.name());
                }
            }
        }
    };
}
#[cfg(test)]
pub(crate) use transliterator_tests;
