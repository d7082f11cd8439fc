//! Korean Hangul to Latin. Syllables are romanised after the Revised Romanisation (`김정은`
//! → `gim jeong eun`), with the usual spellings of family names in front (`김` Kim, `이` Lee,
//! `박` Park), because lists and passports spell those by custom, not by the standard. A name
//! word of two to four syllables that starts with a family name is split into family name and
//! given name (`kim jeongeun`); the spelling keys then bring McCune–Reischauer forms (`Kim
//! Jong Un`) close. Common words of company names (`주식회사`, `물류`) are given in English.

use proscribe_model::Script;

use super::{marked_pieces, replace_words, Transliterator};

/// Hangul.
pub struct Hangul;

const INITIALS: [&str; 19] =
    ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
    "ui", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t",
    "t", "k", "t", "p", "t",
];

/// Family names and their customary spellings.
const SURNAMES: &[(char, &str)] = &[
    ('김', "kim"),
    ('이', "lee"),
    ('리', "ri"),
    ('박', "park"),
    ('최', "choi"),
    ('정', "jung"),
    ('강', "kang"),
    ('조', "cho"),
    ('윤', "yoon"),
    ('장', "jang"),
    ('임', "lim"),
    ('한', "han"),
    ('오', "oh"),
    ('서', "seo"),
    ('신', "shin"),
    ('권', "kwon"),
    ('황', "hwang"),
    ('안', "ahn"),
    ('송', "song"),
    ('류', "ryu"),
    ('유', "yoo"),
    ('홍', "hong"),
    ('전', "jeon"),
    ('고', "ko"),
    ('문', "moon"),
    ('양', "yang"),
    ('손', "son"),
    ('배', "bae"),
    ('백', "baek"),
    ('허', "heo"),
    ('노', "noh"),
    ('남', "nam"),
    ('심', "shim"),
    ('하', "ha"),
    ('곽', "kwak"),
    ('성', "sung"),
    ('차', "cha"),
    ('주', "joo"),
    ('우', "woo"),
    ('구', "koo"),
    ('민', "min"),
    ('진', "jin"),
    ('지', "ji"),
    ('엄', "um"),
    ('채', "chae"),
    ('원', "won"),
    ('천', "chun"),
    ('방', "bang"),
    ('공', "kong"),
    ('현', "hyun"),
    ('함', "ham"),
    ('변', "byun"),
    ('염', "yeom"),
    ('여', "yeo"),
    ('추', "choo"),
    ('도', "do"),
    ('석', "seok"),
    ('선', "sun"),
    ('설', "seol"),
    ('마', "ma"),
    ('길', "gil"),
    ('연', "yeon"),
    ('위', "wi"),
    ('표', "pyo"),
    ('명', "myung"),
    ('기', "ki"),
    ('반', "ban"),
    ('왕', "wang"),
    ('금', "keum"),
    ('옥', "ok"),
    ('육', "yook"),
    ('인', "in"),
    ('맹', "maeng"),
    ('제', "je"),
    ('모', "mo"),
    ('탁', "tak"),
    ('국', "kook"),
    ('편', "pyun"),
    ('용', "yong"),
];

/// Words of company names with an English equivalent.
const WORDS: &[(&str, &str)] = &[
    ("주식회사", " co ltd "),
    ("유한회사", " llc "),
    ("(주)", " co ltd "),
    ("㈜", " co ltd "),
    ("중공업", " heavy industries "),
    ("홀딩스", " holdings "),
    ("물류", " logistics "),
    ("해운", " shipping "),
    ("무역", " trading "),
    ("상사", " trading "),
    ("전자", " electronics "),
    ("산업", " industrial "),
    ("건설", " construction "),
    ("은행", " bank "),
];

fn syllable(c: char) -> Option<(usize, usize, usize)> {
    let code = c as u32;
    if !(0xAC00..=0xD7A3).contains(&code) {
        return None;
    }
    let idx = (code - 0xAC00) as usize;
    Some((idx / 588, (idx % 588) / 28, idx % 28))
}

/// The Revised Romanisation of one word, syllable by syllable; `ㄹ` is `l` after a final
/// `ㄹ` or `n` (`물류` → `mullyu`).
pub(crate) fn romanize_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut prev_final = 0usize;
    for c in word.chars() {
        match syllable(c) {
            Some((l, v, t)) => {
                let initial = if l == 5 && (prev_final == 8 || prev_final == 4) { "l" } else { INITIALS[l] };
                out.push_str(initial);
                out.push_str(VOWELS[v]);
                out.push_str(FINALS[t]);
                prev_final = t;
            }
            None => {
                out.push(c);
                prev_final = 0;
            }
        }
    }
    out
}

/// A name word: family name spelt by custom, given name syllables joined.
fn person_word(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    if !(2..=4).contains(&chars.len()) || !chars.iter().all(|c| syllable(*c).is_some()) {
        return None;
    }
    let family = SURNAMES.iter().find(|(s, _)| *s == chars[0])?.1;
    let given: String = chars[1..].iter().collect();
    Some(format!("{family} {}", romanize_word(&given)))
}

impl Transliterator for Hangul {
    fn name(&self) -> &'static str {
        "hangul"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Hangul
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let marked = replace_words(run, WORDS);
        let mut out = String::with_capacity(run.len() * 2);
        for (latin, piece) in marked_pieces(&marked) {
            if latin {
                out.push_str(piece);
                continue;
            }
            for (i, word) in piece.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                match person_word(word) {
                    Some(p) => out.push_str(&p),
                    None => out.push_str(&romanize_word(word)),
                }
            }
        }
        vec![out]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Hangul,
        scripts: [Script::Hangul],
        cases: [
            ("김정은", "kim jeongeun"),
            ("박지성", "park jiseong"),
            ("새벽별물류 주식회사", "saebyeokbyeol logistics co ltd"),
            ("대륜중공업 주식회사", "daeryun heavy industries co ltd"),
        ]
    );
}
