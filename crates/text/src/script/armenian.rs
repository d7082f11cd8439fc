//! Armenian to Latin, after the common passport and BGN romanisation (`ու` → `u`,
//! `ց` → `ts`, `ղ` → `gh`, `խ` → `kh`), with the legal form `ՍՊԸ` (limited liability company)
//! given as `llc`.

use proscribe_model::Script;

use super::Transliterator;

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
        let mut out = String::with_capacity(run.len() * 2);
        for (i, word) in run.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let bare: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
            if let Some((_, latin)) = WORDS.iter().find(|(w, _)| *w == bare) {
                out.push_str(latin);
                continue;
            }
            // `ու` is one vowel, u; `ո` at the start of a word is `vo`.
            let word = word.replace("ու", "u");
            for (j, c) in word.chars().enumerate() {
                match (c, j) {
                    ('ո', 0) => out.push_str("vo"),
                    ('ե', 0) => out.push_str("ye"),
                    _ => match letter(c) {
                        Some(s) => out.push_str(s),
                        None => out.push(c),
                    },
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
        super::Armenian,
        scripts: [Script::Armenian],
        cases: [
            ("«Ծատուրյան Շին» ՍՊԸ", "tsaturyan shin llc"),
            ("Երևան", "yerevan"),
            ("Հովհաննիսյան", "hovhannisyan"),
        ]
    );
}
