//! Armenian to Latin, after the common passport and BGN romanisation (`ու` → `u`,
//! `ց` → `ts`, `ղ` → `gh`, `խ` → `kh`), with the legal form `ՍՊԸ` (limited liability company)
//! given as `llc`.

use proscribe_model::Script;

use super::{by_words, push_letters, Transliterator};

/// Armenian.
pub struct Armenian;

const WORDS: &[(&str, &str)] = &[("սպը", "llc"), ("փբը", "cjsc"), ("բբը", "ojsc"), ("ընկերություն", "company")];

fn letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ա' => "a",
        'բ' => "b",
        'գ' => "g",
        'դ' => "d",
        'ե' => "e",
        'զ' => "z",
        'է' => "e",
        'ը' => "y",
        'թ' => "t",
        'ժ' => "zh",
        'ի' => "i",
        'լ' => "l",
        'խ' => "kh",
        'ծ' => "ts",
        'կ' => "k",
        'հ' => "h",
        'ձ' => "dz",
        'ղ' => "gh",
        'ճ' => "ch",
        'մ' => "m",
        'յ' => "y",
        'ն' => "n",
        'շ' => "sh",
        'ո' => "o",
        'չ' => "ch",
        'պ' => "p",
        'ջ' => "j",
        'ռ' => "r",
        'ս' => "s",
        'վ' => "v",
        'տ' => "t",
        'ր' => "r",
        'ց' => "ts",
        'ւ' => "v",
        'փ' => "p",
        'ք' => "k",
        'և' => "ev",
        'օ' => "o",
        'ֆ' => "f",
        _ => return None,
    })
}

impl Transliterator for Armenian {
    fn name(&self) -> &'static str {
        "armenian"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Armenian
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        vec![by_words(run, WORDS, |word, out| {
            // `ու` is one vowel, u; `ո` at the start of a word is `vo`, `ե` is `ye`.
            let word = word.replace("ու", "u");
            let rest = match word.chars().next() {
                Some('ո') => {
                    out.push_str("vo");
                    &word['ո'.len_utf8()..]
                }
                Some('ե') => {
                    out.push_str("ye");
                    &word['ե'.len_utf8()..]
                }
                _ => &word[..],
            };
            push_letters(rest, letter, out);
        })]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Armenian,
        scripts: [Script::Armenian],
        cases: [
            ("«Ծատուրյան Շին» ՍՊԸ", "tsaturyan shin llc"),
            ("Երևան", "yerevan"),
            ("Հովհաննիսյան", "hovhannisyan"),
        ]
    );
}
