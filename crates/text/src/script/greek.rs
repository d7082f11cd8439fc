//! Greek to Latin, after ELOT 743 / UN romanisation (`Αλέξανδρος` → `alexandros`) with the
//! digraphs names use (`ου` → `ou`, `μπ` → `b` at the start of a word, `ντ` → `d` at the
//! start, `γκ` → `g` at the start), and a second rendering with the older `ch`/`y` spellings
//! many lists keep (`Χρήστος` → `christos`, `Γιάννης` → `giannis`).

use proscribe_model::Script;

use super::Transliterator;

/// Greek.
pub struct Greek;

fn letter(c: char, classic: bool) -> Option<&'static str> {
    Some(match c {
        'α' | 'ά' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' | 'έ' => "e",
        'ζ' => "z",
        'η' | 'ή' => "i",
        'θ' => "th",
        'ι' | 'ί' | 'ϊ' | 'ΐ' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' | 'ό' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' | 'ύ' | 'ϋ' | 'ΰ' if classic => "y",
        'υ' | 'ύ' | 'ϋ' | 'ΰ' => "i",
        'φ' => "f",
        'χ' if classic => "ch",
        'χ' => "kh",
        'ψ' => "ps",
        'ω' | 'ώ' => "o",
        _ => return None,
    })
}

fn render(run: &str, classic: bool) -> String {
    let mut out = String::with_capacity(run.len() * 2);
    let chars: Vec<char> = run.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let initial = i == 0 || !chars[i - 1].is_alphabetic();
        let pair = match (c, next) {
            ('ο', Some('υ' | 'ύ')) => Some("ou"),
            ('μ', Some('π')) if initial => Some("b"),
            ('ν', Some('τ')) if initial => Some("d"),
            ('γ', Some('κ')) if initial => Some("g"),
            ('γ', Some('γ')) => Some("ng"),
            ('α', Some('υ' | 'ύ')) => Some("av"),
            ('ε', Some('υ' | 'ύ')) => Some("ev"),
            _ => None,
        };
        if let Some(p) = pair {
            out.push_str(p);
            i += 2;
            continue;
        }
        match letter(c, classic) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
        i += 1;
    }
    out
}

impl Transliterator for Greek {
    fn name(&self) -> &'static str {
        "greek"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Greek
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let a = render(run, false);
        let b = render(run, true);
        if a == b {
            vec![a]
        } else {
            vec![a, b]
        }
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Greek,
        scripts: [Script::Greek],
        cases: [
            ("Αλέξανδρος", "alexandros"),
            ("Νικόλαος", "nikolaos"),
            ("Κυριάκος Μητσοτάκης", "kiriakos mitsotakis"),
            ("Χρήστος", "christos"),
            ("Μπακογιάννη", "bakogianni"),
        ]
    );
}
