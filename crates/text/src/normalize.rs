//! The two normalisation steps every name goes through, kept apart because they differ in
//! what they lose. [`normalize`] is lossless for matching purposes: it only unifies code
//! points that mean the same (compatibility forms, case, the many dashes, quotes and spaces),
//! so a name in any script keeps all its letters. [`fold`] is lossy: it drops diacritics,
//! apostrophes and punctuation and spells the Latin letters that do not decompose (ß, ø, ł)
//! in plain ASCII, which is what two spellings of one Latin name have in common.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lossless normalisation: NFKC, lower case, every kind of space and dash unified, `&` spelt
/// `and`, and runs of spaces collapsed. Letters of every script are kept as they are.
pub fn normalize(text: &str) -> String {
    // ASCII text is its own NFKC form: most names skip the decomposition tables.
    if text.is_ascii() {
        normalize_chars(text.chars(), text.len())
    } else {
        normalize_chars(text.nfkc(), text.len())
    }
}

/// [`normalize`] of text already in NFKC form.
fn normalize_chars(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    for c in chars {
        let c = match c {
            // Dashes and hyphens of all kinds are one hyphen.
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            // Typographic quotes become ASCII ones, so that later steps see one apostrophe.
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{02BB}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => '"',
            c if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' => ' ',
            // An ASCII digit is its own value.
            c if c.is_ascii() => c,
            c => digit_value(c).map_or(c, |d| char::from(b'0' + d)),
        };
        if c == '&' {
            push_spaced(&mut out, "and");
            continue;
        }
        if c == ' ' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// The value of a decimal digit of any of the scripts names are written in.
pub(crate) fn digit_value(c: char) -> Option<u8> {
    const ZEROS: [u32; 14] =
        [0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0E50, 0x0ED0, 0x1040, 0x17E0];
    let code = c as u32;
    ZEROS.iter().find(|&&z| (z..z + 10).contains(&code)).map(|z| (code - z) as u8)
}

fn push_spaced(out: &mut String, word: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(word);
    out.push(' ');
}

/// Lossy folding to plain words: diacritics removed, lower case, apostrophes dropped
/// (`O'Brien` → `obrien`), every other non-alphanumeric character a word break, runs of spaces
/// collapsed. Latin letters that do not decompose are spelt in ASCII (`ß` → `ss`, `ł` → `l`);
/// letters of other scripts are kept (transliteration is a separate step).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`] written into `out`, which is cleared first: for callers that fold many words.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    // ASCII text is its own NFKD form and has no combining marks.
    if text.is_ascii() {
        fold_chars(text.chars(), out);
    } else {
        fold_chars(text.nfkd(), out);
    }
}

/// [`fold`] of text already in NFKD form.
fn fold_chars(chars: impl Iterator<Item = char> + Clone, out: &mut String) {
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if !c.is_ascii() && is_combining_mark(c) {
            continue;
        }
        if is_apostrophe(c) {
            // The possessive `'s` is no part of the name (`Deutsche Bank's`).
            if chars.peek() == Some(&'s') && out.ends_with(|p: char| p.is_alphanumeric()) {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek().is_none_or(|n| !n.is_alphanumeric()) {
                    chars.next();
                }
            }
            continue;
        }
        if c.is_alphanumeric() {
            if let Some(s) = latin_special(c) {
                out.push_str(s);
            } else {
                out.extend(c.to_lowercase());
            }
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
}

/// Characters that join the parts of one word rather than separate words.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{02BC}' | '\u{02BB}' | '\u{02B9}' | '\u{00B4}')
}

/// ASCII spellings of Latin letters that have no canonical decomposition.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        'ħ' | 'Ħ' => "h",
        'ŧ' | 'Ŧ' => "t",
        'ŋ' | 'Ŋ' => "ng",
        'ĸ' => "k",
        'ſ' => "s",
        'ə' | 'Ə' => "a",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, input: &str, expect: &str) {
        assert_eq!(f(input), expect, "{input:?}");
    }

    /// Names in plain ASCII skip the Unicode tables: they must come out as the general path
    /// makes them.
    #[test]
    fn ascii_takes_the_general_path_s_result() {
        let names = [
            "AL-QAIDA",
            "  Mwangi  &  Sons Ltd. ",
            "O'Brien's Trading (No. 8)",
            "Deutsche Bank's",
            "`Abd al-Salam, Mullah",
            "\tTAB\tand\nNEWLINE",
            "1234 5678-90",
            "!@#$%^*()_+=[]{};:\"<>,./?|~",
        ];
        for name in names {
            assert_eq!(normalize(name), normalize_chars(name.nfkc(), name.len()), "{name:?}");
            let mut general = String::new();
            fold_chars(name.nfkd(), &mut general);
            assert_eq!(fold(name), general, "{name:?}");
        }
        // The shortcut for ASCII letters and digits in `fold_chars` is what the general branch
        // does with them.
        for c in (0u8..128).map(char::from).filter(char::is_ascii_alphanumeric) {
            assert_eq!(latin_special(c), None, "{c:?}");
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_ascii_lowercase().to_string());
        }
    }

    #[test]
    fn normalize_keeps_letters_and_unifies_marks() {
        let cases = [
            ("  Mwangi  &  Sons\u{00A0}Ltd ", "mwangi and sons ltd"),
            ("ＡＢＣ　Ｃｏ", "abc co"),
            ("Ramzi bin al\u{2011}Shibh", "ramzi bin al-shibh"),
            ("Мария Осетрова", "мария осетрова"),
            ("O\u{2019}Brien", "o'brien"),
            ("ငွေ ၁၂ ٣", "ငွေ 12 3"),
            ("", ""),
        ];
        for (input, expect) in cases {
            check(normalize, input, expect);
        }
    }

    #[test]
    fn fold_drops_diacritics_and_punctuation() {
        let cases = [
            ("Société Camerounaise de Cacao", "societe camerounaise de cacao"),
            ("O'Brien", "obrien"),
            ("Deutsche Bank's AG", "deutsche bank ag"),
            ("Qa'ida", "qaida"),
            ("Łączyńska Wytwórnia Łodzi Sp. j.", "laczynska wytwornia lodzi sp j"),
            ("Straße", "strasse"),
            ("Hacı Şükrü", "haci sukru"),
            ("N.K. Bansal & Co.", "n k bansal co"),
            ("Мария", "мария"),
            ("--", ""),
        ];
        for (input, expect) in cases {
            check(fold, input, expect);
        }
    }
}
