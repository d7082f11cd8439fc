//! Han characters to Latin. A name in Han characters alone may be Chinese, Korean or
//! Japanese, and each language reads the characters differently (`金正恩` is `Jin Zhengen` in
//! Mandarin and `Kim Jong Un` in Korean), so this module returns one rendering per reading:
//! Mandarin pinyin (syllables apart, tones dropped), Korean (the Hangul reading, family names
//! by custom; see the Hangul module) and Japanese (kun readings, on readings, and kun for the
//! family name with on for the given name, long vowels short). The readings come from the
//! Unihan database (`data/han_readings.tsv`, written by `data/make_han_readings.py`; behind the
//! default `han-readings` feature; without it, Mandarin comes from the generic table). Common
//! words of company names are translated (`有限公司` → `co ltd`, `株式会社` → `kk`).

use std::collections::HashMap;
use std::sync::OnceLock;

use proscribe_model::Script;

use super::{hangul, kana, marked_pieces, replace_words, Transliterator};

/// Han characters without kana or Hangul.
pub struct Han;

/// The readings of one Han character.
#[derive(Debug, Clone, Default)]
pub struct HanReadings {
    /// Mandarin pinyin without tones.
    pub mandarin: &'static str,
    /// Korean readings in Hangul, the one used in names first.
    pub korean: Vec<char>,
    /// Japanese kun readings.
    pub kun: Vec<&'static str>,
    /// Japanese on readings.
    pub on: Vec<&'static str>,
}

impl HanReadings {
    /// The readings of a character, if the table has it.
    pub fn of(c: char) -> Option<&'static HanReadings> {
        table().get(&c)
    }
}

#[cfg(feature = "han-readings")]
const TABLE: &str = include_str!("../../data/han_readings.tsv");
#[cfg(not(feature = "han-readings"))]
const TABLE: &str = "";

fn table() -> &'static HashMap<char, HanReadings> {
    static T: OnceLock<HashMap<char, HanReadings>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map = HashMap::new();
        for line in TABLE.lines() {
            let mut cols = line.split('\t');
            let Some(c) = cols.next().and_then(|s| s.chars().next()) else { continue };
            let mandarin = cols.next().unwrap_or("");
            let korean = cols.next().unwrap_or("").split(' ').filter_map(|s| s.chars().next()).collect();
            let kun = cols.next().unwrap_or("").split(' ').filter(|s| !s.is_empty()).collect();
            let on = cols.next().unwrap_or("").split(' ').filter(|s| !s.is_empty()).collect();
            map.insert(c, HanReadings { mandarin, korean, kun, on });
        }
        map
    })
}

/// Chinese words of company names and their English equivalents (simplified and traditional).
const CHINESE_WORDS: &[(&str, &str)] = &[
    ("股份有限公司", "co ltd"),
    ("有限责任公司", "llc"),
    ("有限責任公司", "llc"),
    ("有限公司", "co ltd"),
    ("公司", "co"),
    ("集团", "group"),
    ("集團", "group"),
    ("航运", "shipping"),
    ("航運", "shipping"),
    ("海运", "shipping"),
    ("海運", "shipping"),
    ("船务", "shipping"),
    ("船務", "shipping"),
    ("远洋", "ocean"),
    ("遠洋", "ocean"),
    ("精密", "precision"),
    ("机械", "machinery"),
    ("機械", "machinery"),
    ("贸易", "trading"),
    ("貿易", "trading"),
    ("国际", "international"),
    ("國際", "international"),
    ("科技", "technology"),
    ("实业", "industrial"),
    ("實業", "industrial"),
    ("工业", "industrial"),
    ("工業", "industrial"),
    ("化工", "chemical"),
    ("物流", "logistics"),
    ("投资", "investment"),
    ("投資", "investment"),
    ("控股", "holdings"),
    ("电子", "electronics"),
    ("電子", "electronics"),
    ("能源", "energy"),
    ("石油", "petroleum"),
    ("矿业", "mining"),
    ("礦業", "mining"),
    ("建设", "construction"),
    ("建設", "construction"),
    ("制药", "pharmaceutical"),
    ("製藥", "pharmaceutical"),
    ("食品", "food"),
    ("进出口", "import export"),
    ("進出口", "import export"),
    ("银行", "bank"),
    ("銀行", "bank"),
];

/// Japanese words of company names, in their usual romanisation or English form.
const JAPANESE_WORDS: &[(&str, &str)] = &[
    ("株式会社", "kk"),
    ("有限会社", "yk"),
    ("合同会社", "llc"),
    ("水産", "suisan"),
    ("工業", "kogyo"),
    ("商事", "shoji"),
    ("物産", "bussan"),
    ("産業", "sangyo"),
    ("海運", "kaiun"),
    ("汽船", "kisen"),
    ("興業", "kogyo"),
    ("化学", "kagaku"),
    ("製作所", "seisakusho"),
    ("商会", "shokai"),
    ("重工業", "jukogyo"),
    ("銀行", "ginko"),
    ("繊維", "seni"),
    ("丸", "maru"),
];

/// Korean words written in Han characters.
const KOREAN_WORDS: &[(&str, &str)] = &[("株式會社", "co ltd"), ("株式会社", "co ltd")];

fn is_han(c: char) -> bool {
    Script::detect(c.encode_utf8(&mut [0u8; 4])) == Script::Han
}

/// Mandarin: one syllable per character, words apart.
fn mandarin(text: &str) -> String {
    let marked = replace_words(text, CHINESE_WORDS);
    let mut out = String::with_capacity(text.len() * 2);
    for (latin, piece) in marked_pieces(&marked) {
        if latin {
            push_word(&mut out, piece);
            continue;
        }
        for c in piece.chars() {
            match HanReadings::of(c) {
                Some(r) if !r.mandarin.is_empty() => push_word(&mut out, r.mandarin),
                _ if is_han(c) => push_word(&mut out, &any_ascii::any_ascii(&c.to_string()).to_lowercase()),
                _ => out.push(c),
            }
        }
    }
    out
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(word);
    out.push(' ');
}

/// Korean: the Hangul reading of each character, then romanised as Hangul.
fn korean(text: &str) -> Option<String> {
    let marked = replace_words(text, KOREAN_WORDS);
    let mut hangul_text = String::with_capacity(text.len());
    let mut any = false;
    for (latin, piece) in marked_pieces(&marked) {
        if latin {
            hangul_text.push(' ');
            hangul_text.push_str(piece);
            hangul_text.push(' ');
            continue;
        }
        for c in piece.chars() {
            match HanReadings::of(c).and_then(|r| r.korean.first()) {
                Some(&h) => {
                    hangul_text.push(h);
                    any = true;
                }
                // A character Korean does not use (a simplified form): not a Korean name.
                None if is_han(c) => return None,
                None => hangul_text.push(c),
            }
        }
    }
    let collapsed = crate::normalize(&hangul_text);
    any.then(|| hangul::Hangul.renderings(&collapsed).into_iter().next().unwrap_or_default())
}

#[derive(Clone, Copy, PartialEq)]
enum JapaneseStyle {
    Kun,
    On,
    FamilyKun,
}

fn japanese_reading(r: &HanReadings, kun: bool) -> Option<&'static str> {
    let k = r.kun.first().copied().filter(|k| k.len() <= 6);
    let o = r.on.first().copied();
    if kun {
        k.or(o)
    } else {
        o.or(k)
    }
}

fn japanese_style(text: &str, style: JapaneseStyle) -> String {
    let marked = replace_words(text, JAPANESE_WORDS);
    let mut out = String::with_capacity(text.len() * 3);
    for (latin, piece) in marked_pieces(&marked) {
        if latin {
            push_word(&mut out, piece);
            continue;
        }
        let mut han_index = 0;
        for c in piece.chars() {
            match HanReadings::of(c) {
                Some(r) if !r.kun.is_empty() || !r.on.is_empty() => {
                    let kun = match style {
                        JapaneseStyle::Kun => true,
                        JapaneseStyle::On => false,
                        JapaneseStyle::FamilyKun => han_index < 2,
                    };
                    out.push_str(japanese_reading(r, kun).unwrap_or(""));
                    han_index += 1;
                }
                Some(r) if !r.mandarin.is_empty() => {
                    out.push_str(r.mandarin);
                    han_index += 1;
                }
                _ if is_han(c) => out.push_str(&any_ascii::any_ascii(&c.to_string()).to_lowercase()),
                _ => {
                    out.push(c);
                    if !is_han(c) {
                        han_index = 0;
                    }
                }
            }
        }
    }
    kana::long_vowels(&out)
}

/// The preferred Japanese reading of Han characters in `text` (kun readings), other
/// characters copied; used by the kana module for Han characters in Japanese text.
pub(crate) fn japanese(text: &str) -> String {
    japanese_style(text, JapaneseStyle::Kun)
}

/// The dots Chinese and Japanese write between the parts of a foreign name (`阿米尔·汗`).
pub const NAME_DOTS: &[char] = &['\u{00B7}', '\u{30FB}', '\u{2027}', '\u{2022}', '\u{FF65}'];

/// Characters that transcriptions of foreign names into Chinese use for a consonant without
/// its vowel (Xinhua's tables: `尔` for a final `r`, `勒` for `l`, `斯` for `s`), with that
/// consonant.
const LONE_CONSONANTS: &[(char, &str)] = &[
    ('尔', "r"),
    ('爾', "r"),
    ('勒', "l"),
    ('斯', "s"),
    ('德', "d"),
    ('特', "t"),
    ('克', "k"),
    ('夫', "f"),
    ('姆', "m"),
    ('普', "p"),
    ('布', "b"),
    ('卜', "b"),
    ('格', "g"),
    ('兹', "z"),
    ('茨', "ts"),
];

/// Syllables that transcriptions of foreign names into Chinese write with a character whose
/// Mandarin reading spells the sound otherwise in Latin letters (Xinhua's tables): pinyin `x`
/// is an `s` or `h` there (`西` si, `希` hi), `zh` a `z` (`扎` za), `j` and `q` a `g`, `j`
/// or `k` (`加` ga, `基` ki), and `-ng` a plain `n` (`丁` din).
const FOREIGN_SYLLABLES: &[(char, &str)] = &[
    ('西', "si"),
    ('希', "hi"),
    ('谢', "she"),
    ('扎', "za"),
    ('杰', "je"),
    ('贾', "ja"),
    ('加', "ga"),
    ('吉', "gi"),
    ('基', "ki"),
    ('奇', "ki"),
    ('齐', "ki"),
    ('丁', "din"),
    ('伊', "i"),
    ('乌', "u"),
    ('奥', "o"),
    ('约', "yo"),
    ('尤', "yu"),
];

/// A foreign name transcribed into Chinese characters, its parts between [`NAME_DOTS`]: each
/// part is read as one word (`阿米尔` → `amir`), not as syllables of a Chinese name. A
/// character standing for a lone consonant gives the consonant when it is not the part's
/// first and ends it or comes before another consonant.
fn transcription(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for part in text.split(|c: char| NAME_DOTS.contains(&c) || c == ' ') {
        let chars: Vec<char> = part.chars().collect();
        if chars.is_empty() {
            continue;
        }
        let reading = |c: char| HanReadings::of(c).map(|r| r.mandarin).filter(|m| !m.is_empty());
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let Some(m) = reading(c) else {
                word.push_str(&any_ascii::any_ascii(&c.to_string()).to_lowercase());
                continue;
            };
            let lone = LONE_CONSONANTS.iter().find(|(l, _)| *l == c).map(|(_, v)| *v);
            let next_consonant = chars
                .get(i + 1)
                .and_then(|&n| reading(n))
                .is_none_or(|n| !n.starts_with(['a', 'e', 'i', 'o', 'u', 'y', 'w']));
            let foreign = FOREIGN_SYLLABLES.iter().find(|(f, _)| *f == c).map(|(_, v)| *v);
            match (lone, foreign) {
                (Some(consonant), _) if i > 0 && next_consonant => word.push_str(consonant),
                (_, Some(syllable)) => word.push_str(syllable),
                _ => word.push_str(m),
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

impl Transliterator for Han {
    fn name(&self) -> &'static str {
        "han"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Han
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        if run.contains(NAME_DOTS) {
            return vec![crate::normalize(&transcription(run))];
        }
        let mut out = vec![mandarin(run)];
        if let Some(k) = korean(run) {
            out.push(k);
        }
        // A character Japanese does not write (a simplified form such as `伟`, `陈`) makes the
        // name Chinese: a Japanese reading of the others would be no one's reading of it.
        let japanese_chars = run
            .chars()
            .filter(|&c| is_han(c))
            .all(|c| HanReadings::of(c).is_some_and(|r| !r.kun.is_empty() || !r.on.is_empty()));
        if !table().is_empty() && japanese_chars {
            for style in [JapaneseStyle::Kun, JapaneseStyle::On, JapaneseStyle::FamilyKun] {
                out.push(japanese_style(run, style));
            }
        }
        let mut unique: Vec<String> = Vec::with_capacity(out.len());
        for r in out {
            let r = crate::normalize(&r);
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        unique
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Han,
        scripts: [Script::Han],
        cases: [
            ("习近平", "xi jin ping"),
            ("王伟", "wang wei"),
            ("金正恩", "kim jeongeun"),
            ("山田太郎", "yamatataro"),
            // Simplified characters: Chinese only, no Korean or Japanese reading.
            ("伟 王", "wei wang"),
            ("田中花子", "tanakahanako"),
            ("沧澜远洋航运有限公司", "cang lan ocean shipping co ltd"),
            ("株式会社霜月水産", "kk shimotsuki suisan"),
            // Foreign names transcribed, their parts between dots.
            ("阿米尔·汗·穆塔基", "amir han mutaki"),
            ("艾曼·扎瓦希里", "aiman zawahili"),
            ("西拉杰丁·哈卡尼", "silajedin hakani"),
            ("阿卜杜勒·萨拉姆·哈纳菲", "abdul salam hanafei"),
        ]
    );

    /// A simplified character is written only in Chinese: such a name has its Mandarin reading
    /// alone; characters all three languages write keep every reading.
    #[test]
    fn simplified_characters_are_read_in_mandarin_only() {
        use super::super::Transliterator;
        let readings = |s: &str| super::Han.renderings(&crate::normalize(s));
        assert_eq!(readings("伟 王"), ["wei wang"]);
        assert_eq!(readings("丽华 陈"), ["li hua chen"]);
        let all = readings("金正恩");
        assert!(all.len() >= 3, "{all:?}");
    }
}
