//! Japanese to Latin (modified Hepburn): kana syllable by syllable with the contracted sounds
//! (`きょ` kyo, `しゃ` sha), the small `っ` doubling the next consonant and long vowels written
//! short as names are (`とうきょう` → `tokyo`, `ホールディングス` → `horudingusu`). Han characters
//! inside Japanese text take their Japanese readings (see the Han module); common words of
//! company names (`ホールディングス` holdings) are given in English.

use proscribe_model::Script;

use super::{han, Transliterator};

/// Japanese kana (with any Han characters among them).
pub struct Kana;

const WORDS: &[(&str, &str)] =
    &[("ホールディングス", "holdings"), ("グループ", "group"), ("トレーディング", "trading")];

fn is_small_y(c: char) -> bool {
    matches!(c, 'ゃ' | 'ゅ' | 'ょ' | 'ャ' | 'ュ' | 'ョ')
}

fn is_small_tsu(c: char) -> bool {
    matches!(c, 'っ' | 'ッ')
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Romanises kana; other characters are copied.
pub(crate) fn romanize_kana(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut double_next = false;
    for c in text.chars() {
        if c == 'ー' {
            continue;
        }
        if is_small_tsu(c) {
            double_next = true;
            continue;
        }
        if !is_kana(c) {
            out.push(c);
            double_next = false;
            continue;
        }
        let mut buf = [0u8; 4];
        let r = any_ascii::any_ascii(c.encode_utf8(&mut buf)).to_lowercase();
        if is_small_y(c) && out.ends_with('i') {
            out.pop();
            // `shi` + `ya` is `sha`, `ji` + `yu` is `ju`; elsewhere the y stays (`kyo`).
            let vowel = &r[1..];
            if out.ends_with("sh") || out.ends_with("ch") || out.ends_with('j') {
                out.push_str(vowel);
            } else {
                out.push_str(&r);
            }
            continue;
        }
        if double_next {
            if let Some(first) = r.chars().next().filter(|f| f.is_ascii_alphabetic() && !"aeiou".contains(*f)) {
                out.push(if r.starts_with("ch") { 't' } else { first });
            }
            double_next = false;
        }
        out.push_str(&r);
    }
    long_vowels(&out)
}

/// Names are written with long vowels short: `ou`, `oo` and `uu` as one vowel.
pub(crate) fn long_vowels(text: &str) -> String {
    text.replace("ou", "o").replace("oo", "o").replace("uu", "u")
}

impl Transliterator for Kana {
    fn name(&self) -> &'static str {
        "kana"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Japanese
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let marked = super::replace_words(run, WORDS);
        let mut out = String::with_capacity(run.len() * 3);
        for (latin, piece) in super::marked_pieces(&marked) {
            if latin {
                out.push(' ');
                out.push_str(piece);
                out.push(' ');
            } else {
                out.push_str(&romanize_kana(&han::japanese(piece)));
            }
        }
        vec![out]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Kana,
        scripts: [Script::Japanese],
        cases: [
            ("きょうと", "kyoto"),
            ("がっこう", "gakko"),
            ("トヨタ", "toyota"),
            ("しゃちょう", "shacho"),
            ("株式会社トヨタ", "kk toyota"),
            ("株式会社風松ホールディングス", "kk kazematsu holdings"),
        ]
    );
}
