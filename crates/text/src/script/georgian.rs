//! Georgian to Latin, after the national romanisation of 2002 without its ejective marks
//! (`კ` and `ქ` are both `k`, as lists write them), with the legal form `შპს` (limited
//! liability company) given as `llc` and `სს` (joint-stock company) as `jsc`.

use proscribe_model::Script;

use super::{by_words, push_letters, Transliterator};

/// Georgian.
pub struct Georgian;

const WORDS: &[(&str, &str)] = &[("შპს", "llc"), ("სს", "jsc"), ("ი/მ", "ie")];

fn letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ა' => "a",
        'ბ' => "b",
        'გ' => "g",
        'დ' => "d",
        'ე' => "e",
        'ვ' => "v",
        'ზ' => "z",
        'თ' | 'ტ' => "t",
        'ი' => "i",
        'კ' | 'ქ' => "k",
        'ლ' => "l",
        'მ' => "m",
        'ნ' => "n",
        'ო' => "o",
        'პ' | 'ფ' => "p",
        'ჟ' => "zh",
        'რ' => "r",
        'ს' => "s",
        'უ' => "u",
        'ღ' => "gh",
        'ყ' => "q",
        'შ' => "sh",
        'ჩ' | 'ჭ' => "ch",
        'ც' | 'წ' => "ts",
        'ძ' => "dz",
        'ხ' => "kh",
        'ჯ' => "j",
        'ჰ' => "h",
        _ => return None,
    })
}

impl Transliterator for Georgian {
    fn name(&self) -> &'static str {
        "georgian"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Georgian
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        vec![by_words(run, WORDS, |word, out| push_letters(word, letter, out))]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Georgian,
        scripts: [Script::Georgian],
        cases: [
            ("შპს კვინიკაძე მეტალი", "llc kvinikadze metali"),
            ("ხობი ლედი", "khobi ledi"),
            ("გურია სპირიტი", "guria spiriti"),
        ]
    );
}
