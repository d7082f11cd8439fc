//! Thai to Latin after the Royal Thai General System (RTGS). Thai writes vowels before, above,
//! below and after consonants and leaves the short `o` of closed syllables unwritten, so the
//! rendering reads syllables: a preposed vowel (`เ`, `แ`, `โ`, `ใ`, `ไ`) follows the consonant
//! it precedes, a consonant that closes a syllable takes its final value (`ย` i, `ว` o, `ร` n,
//! stops k/t/p), an unwritten vowel is `o` in a closed syllable and `a` in an open one, tone
//! marks vanish, and a consonant under the silencer `์` is dropped (`สมชาย` → `somchai`).

use proscribe_model::Script;

use super::Transliterator;

/// Thai.
pub struct Thai;

/// (initial, final) values of a consonant.
fn consonant(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        'ก' => ("k", "k"),
        'ข' | 'ฃ' | 'ค' | 'ฅ' | 'ฆ' => ("kh", "k"),
        'ง' => ("ng", "ng"),
        'จ' | 'ฉ' | 'ช' | 'ฌ' => ("ch", "t"),
        'ซ' | 'ศ' | 'ษ' | 'ส' => ("s", "t"),
        'ญ' => ("y", "n"),
        'ฎ' | 'ด' => ("d", "t"),
        'ฏ' | 'ต' => ("t", "t"),
        'ฐ' | 'ฑ' | 'ฒ' | 'ถ' | 'ท' | 'ธ' => ("th", "t"),
        'ณ' | 'น' => ("n", "n"),
        'บ' => ("b", "p"),
        'ป' => ("p", "p"),
        'ผ' | 'พ' | 'ภ' => ("ph", "p"),
        'ฝ' | 'ฟ' => ("f", "p"),
        'ม' => ("m", "m"),
        'ย' => ("y", "i"),
        'ร' => ("r", "n"),
        'ล' | 'ฬ' => ("l", "n"),
        'ว' => ("w", "o"),
        'ห' | 'ฮ' => ("h", ""),
        'อ' => ("", "o"),
        _ => return None,
    })
}

fn following_vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'ะ' | 'ั' | 'า' | 'ๅ' => "a",
        'ำ' => "am",
        'ิ' | 'ี' => "i",
        'ึ' | 'ื' => "ue",
        'ุ' | 'ู' => "u",
        _ => return None,
    })
}

fn preposed_vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'เ' => "e",
        'แ' => "ae",
        'โ' => "o",
        'ใ' | 'ไ' => "ai",
        _ => return None,
    })
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0E47}'..='\u{0E4B}' | '\u{0E4D}' | '\u{0E4E}')
}

fn render_word(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().filter(|c| !is_mark(*c)).collect();
    let mut pending_initial = false;
    let mut had_vowel = false;
    let mut preposed: Option<&str> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if next == Some('\u{0E4C}') {
            // Under the silencer: not pronounced.
            i += 2;
            continue;
        }
        if let Some(v) = preposed_vowel(c) {
            preposed = Some(v);
            i += 1;
            continue;
        }
        if let Some(v) = following_vowel(c) {
            out.push_str(v);
            had_vowel = true;
            pending_initial = false;
            i += 1;
            continue;
        }
        let Some((initial, fin)) = consonant(c) else {
            match c.to_digit(10) {
                Some(d) => out.push(char::from(b'0' + d as u8)),
                None => out.push(c),
            }
            i += 1;
            continue;
        };
        let next_is_vowel = next.is_some_and(|n| following_vowel(n).is_some());
        // `อ` after a consonant without a vowel is the vowel `o` (`ทอง` thong).
        if c == 'อ' && pending_initial {
            out.push('o');
            pending_initial = false;
            had_vowel = true;
            i += 1;
            continue;
        }
        if (pending_initial || had_vowel) && !next_is_vowel && preposed.is_none() {
            if pending_initial {
                out.push('o');
            }
            out.push_str(fin);
            pending_initial = false;
            had_vowel = false;
        } else {
            let cluster = pending_initial && matches!(c, 'ร' | 'ล' | 'ว');
            if pending_initial && !cluster {
                out.push('a');
            }
            out.push_str(initial);
            pending_initial = true;
            had_vowel = false;
            if let Some(v) = preposed.take() {
                out.push_str(v);
                pending_initial = false;
                had_vowel = true;
            }
        }
        i += 1;
    }
    if pending_initial && out.ends_with(|c: char| c.is_ascii_alphabetic()) {
        out.push('a');
    }
}

impl Transliterator for Thai {
    fn name(&self) -> &'static str {
        "thai"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Thai
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let mut out = String::with_capacity(run.len());
        for (i, word) in run.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            render_word(word, &mut out);
        }
        vec![out]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Thai,
        scripts: [Script::Thai],
        cases: [("สมชาย", "somchai"), ("ทองนาวา", "thongnawa"), ("๑๒", "12")]
    );
}
