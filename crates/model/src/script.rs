//! The writing system of a name. Lists give names in Latin letters and, often, "in original
//! script" (Arabic, Cyrillic, Chinese, ...); screening needs to know which it has in hand.

use serde::{Deserialize, Serialize};
use unicode_script::{Script as U, UnicodeScript};

/// The writing system of a piece of text, by its letters (digits and punctuation don't count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Latin letters, with or without diacritics.
    Latin,
    /// Cyrillic (Russian, Ukrainian, Belarusian, Kazakh, Kyrgyz, Serbian, ...).
    Cyrillic,
    /// Arabic script (Arabic, Persian, Pashto, Urdu, ...).
    Arabic,
    /// Greek.
    Greek,
    /// Hebrew.
    Hebrew,
    /// Armenian.
    Armenian,
    /// Georgian.
    Georgian,
    /// Chinese characters (Han), also used in Japanese and Korean text.
    Han,
    /// Japanese kana (hiragana or katakana), with or without Han.
    Japanese,
    /// Korean Hangul.
    Hangul,
    /// Thai.
    Thai,
    /// Devanagari and the other Brahmic scripts of South Asia.
    Indic,
    /// Burmese (Myanmar).
    Myanmar,
    /// Ethiopic (Amharic, Tigrinya).
    Ethiopic,
    /// Another script.
    Other,
    /// Letters of more than one script.
    Mixed,
    /// No letters at all.
    None,
}

impl Script {
    /// The script of the letters of `text`. Han mixed with kana is Japanese; Han mixed with
    /// Hangul is Hangul.
    pub fn detect(text: &str) -> Script {
        let mut found: Option<Script> = None;
        let (mut kana, mut hangul) = (false, false);
        for c in text.chars() {
            let s = match c.script() {
                U::Common | U::Inherited | U::Unknown => continue,
                U::Latin => Script::Latin,
                U::Cyrillic => Script::Cyrillic,
                U::Arabic | U::Syriac | U::Thaana => Script::Arabic,
                U::Greek => Script::Greek,
                U::Hebrew => Script::Hebrew,
                U::Armenian => Script::Armenian,
                U::Georgian => Script::Georgian,
                U::Han | U::Bopomofo => Script::Han,
                U::Hiragana | U::Katakana => {
                    kana = true;
                    Script::Japanese
                }
                U::Hangul => {
                    hangul = true;
                    Script::Hangul
                }
                U::Thai => Script::Thai,
                U::Devanagari
                | U::Bengali
                | U::Gurmukhi
                | U::Gujarati
                | U::Oriya
                | U::Tamil
                | U::Telugu
                | U::Kannada
                | U::Malayalam
                | U::Sinhala => Script::Indic,
                U::Myanmar => Script::Myanmar,
                U::Ethiopic => Script::Ethiopic,
                _ => Script::Other,
            };
            found = match found {
                None => Some(s),
                Some(prev) if prev == s => Some(prev),
                Some(prev) => {
                    let cjk = |x: Script| matches!(x, Script::Han | Script::Japanese | Script::Hangul);
                    if cjk(prev) && cjk(s) {
                        Some(if hangul {
                            Script::Hangul
                        } else if kana {
                            Script::Japanese
                        } else {
                            Script::Han
                        })
                    } else {
                        return Script::Mixed;
                    }
                }
            };
        }
        found.unwrap_or(Script::None)
    }

    /// Whether text in this script is written in Latin letters.
    pub fn is_latin(self) -> bool {
        self == Script::Latin
    }
}

#[cfg(test)]
mod tests {
    use super::Script;

    #[test]
    fn detects_scripts_of_real_names() {
        let cases = [
            ("AMIR KHAN MOTAQI", Script::Latin),
            ("Müller-Lüdenscheidt", Script::Latin),
            ("Мария Александровна Осетрова", Script::Cyrillic),
            ("امیر خان متقی", Script::Arabic),
            ("金正恩", Script::Han),
            ("株式会社トヨタ", Script::Japanese),
            ("김정은", Script::Hangul),
            ("Εταιρία περιορισμένης ευθύνης", Script::Greek),
            ("ООО Inter Tobacco", Script::Mixed),
            ("1234 -.", Script::None),
        ];
        for (text, expect) in cases {
            assert_eq!(Script::detect(text), expect, "{text}");
        }
    }
}
