//! Cyrillic to Latin. Russian names reach lists in several romanisations at once: BGN/PCGN
//! (`Mariya`, `Yuriy`), the ICAO passport standard of 2013 (`Mariia`, `Iurii`) and older
//! passport forms; Ukrainian names in Ukrainian romanisation (`Vasyl`, `Hennadiy`) and in a
//! Russian-based one (`Vasiliy`, `Gennadiy`). This module returns the BGN/PCGN and ICAO
//! renderings, and for Ukrainian text (recognised by `і`, `ї`, `є`, `ґ`) the Ukrainian and the
//! Russian-based ones. Serbian, Macedonian, Belarusian and Central Asian letters are covered;
//! anything else falls back to the generic table.

use proscribe_model::Script;

use super::Transliterator;

/// Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Kazakh, ...).
pub struct Cyrillic;

#[derive(Clone, Copy, PartialEq)]
enum System {
    Bgn,
    Icao,
    Ukrainian,
}

fn letter(c: char, sys: System) -> Option<&'static str> {
    use System::*;
    Some(match (c, sys) {
        ('а', _) => "a",
        ('б', _) => "b",
        ('в', _) => "v",
        ('г', Ukrainian) => "h",
        ('г', _) => "g",
        ('ґ', _) => "g",
        ('д', _) => "d",
        ('е', _) => "e",
        ('ё', Bgn) => "yo",
        ('ё', _) => "e",
        ('є', Icao) => "ie",
        ('є', _) => "ye",
        ('ж', _) => "zh",
        ('з', _) => "z",
        ('и', Ukrainian) => "y",
        ('и', _) => "i",
        ('і', _) => "i",
        ('ї', Icao) => "i",
        ('ї', _) => "yi",
        ('й', Icao) => "i",
        ('й', _) => "y",
        ('к', _) => "k",
        ('л', _) => "l",
        ('м', _) => "m",
        ('н', _) => "n",
        ('о', _) => "o",
        ('п', _) => "p",
        ('р', _) => "r",
        ('с', _) => "s",
        ('т', _) => "t",
        ('у', _) => "u",
        ('ў', _) => "u",
        ('ф', _) => "f",
        ('х', _) => "kh",
        ('ц', _) => "ts",
        ('ч', _) => "ch",
        ('ш', _) => "sh",
        ('щ', _) => "shch",
        ('ъ', Icao) => "ie",
        ('ъ', _) => "",
        ('ы', _) => "y",
        ('ь', _) => "",
        ('э', _) => "e",
        ('ю', Icao) => "iu",
        ('ю', _) => "yu",
        ('я', Icao) => "ia",
        ('я', _) => "ya",
        // Serbian and Macedonian.
        ('ђ', _) => "dj",
        ('ј', _) => "j",
        ('љ', _) => "lj",
        ('њ', _) => "nj",
        ('ћ', _) => "c",
        ('џ', _) => "dz",
        ('ѓ', _) => "gj",
        ('ќ', _) => "kj",
        ('ѕ', _) => "dz",
        // Kazakh, Kyrgyz, Tajik, Uzbek, Bashkir, Tatar, Mongolian.
        ('ә', _) => "a",
        ('ғ', _) => "gh",
        ('қ', _) => "q",
        ('ң', _) => "ng",
        ('ө', _) => "o",
        ('ұ', _) => "u",
        ('ү', _) => "u",
        ('һ', _) => "h",
        ('ҳ', _) => "h",
        ('ҷ', _) => "j",
        ('ӣ', _) => "i",
        ('ӯ', _) => "u",
        ('ҡ', _) => "q",
        ('ҙ', _) => "z",
        ('ҫ', _) => "s",
        _ => return None,
    })
}

fn render(run: &str, sys: System) -> String {
    let mut out = String::with_capacity(run.len() * 2);
    for c in run.chars() {
        match letter(c, sys) {
            Some(s) => out.push_str(s),
            None if c.is_alphabetic() && !c.is_ascii() => {
                let mut buf = [0u8; 4];
                out.push_str(&any_ascii::any_ascii(c.encode_utf8(&mut buf)).to_lowercase());
            }
            None => out.push(c),
        }
    }
    out
}

impl Transliterator for Cyrillic {
    fn name(&self) -> &'static str {
        "cyrillic"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Cyrillic
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let ukrainian = run.chars().any(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ'));
        let systems: &[System] =
            if ukrainian { &[System::Ukrainian, System::Bgn, System::Icao] } else { &[System::Bgn, System::Icao] };
        let mut out: Vec<String> = Vec::with_capacity(systems.len());
        for &sys in systems {
            let r = render(run, sys);
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Cyrillic,
        scripts: [Script::Cyrillic],
        cases: [
            ("Мария Осетрова", "mariya osetrova"),
            ("Мария Осетрова", "mariia osetrova"),
            ("Дмитрий Медведев", "dmitriy medvedev"),
            ("Иван Иванов", "ivan ivanov"),
            ("Александр Петров", "aleksandr petrov"),
            ("ФОП Мороз Василь Іванович", "fop moroz vasyl ivanovych"),
            ("ФОП Мороз Василь Іванович", "fop moroz vasil ivanovich"),
            ("Сергей Викторович Лавров", "sergey viktorovich lavrov"),
            ("Хотинцев", "khotintsev"),
            ("Ђоковић", "djokovic"),
            ("Қасым-Жомарт Тоқаев", "qasym zhomart toqaev"),
            ("ООО «Ромашка»", "ooo romashka"),
        ]
    );
}
