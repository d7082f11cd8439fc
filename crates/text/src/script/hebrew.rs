//! Hebrew to Latin. Hebrew writes few vowels: `ו` and `י` are consonants (v, y) at the start of
//! a word or doubled, and vowels (o/u, i/e) inside it; `א` and `ע` are silent or vowels; `ב`,
//! `כ`, `פ` are b/v, k/kh, p/f depending on pointing that names rarely carry. The rendering
//! follows the common Israeli romanisation (`ח` ch, `צ` tz, `ש` sh), and names are compared on
//! consonant skeletons across scripts. Acronym marks (`בע"מ`, `ב׳`) are dropped inside words,
//! the legal form `בע"מ` is `Ltd`, and the common business words of company names are given
//! their English equivalents.

use proscribe_model::Script;

use super::Transliterator;

/// Hebrew.
pub struct Hebrew;

/// Legal forms, always given in English: their romanisation says nothing.
const FORMS: &[(&str, &str)] = &[("בעמ", "ltd"), ("חברה", "co")];

/// Common words of company names and their English equivalents, for the translated
/// rendering (company names are translated as often as they are transliterated).
const VOCABULARY: &[(&str, &str)] = &[
    ("תעשיות", "industries"),
    ("תעשייה", "industry"),
    ("סחר", "trading"),
    ("שיווק", "marketing"),
    ("ספנות", "shipping"),
    ("הובלה", "transport"),
    ("הובלות", "transport"),
    ("תחבורה", "transport"),
    ("לוגיסטיקה", "logistics"),
    ("מתכת", "metal"),
    ("שירותי", "services"),
    ("שירותים", "services"),
    ("החזקות", "holdings"),
    ("מערכות", "systems"),
    ("חשמל", "electric"),
    ("בניין", "building"),
    ("בנייה", "construction"),
    ("הנדסה", "engineering"),
    ("פיתוח", "development"),
    ("מזון", "food"),
    ("ובניו", "and sons"),
    ("בניו", "sons"),
    ("האחים", "brothers"),
    ("אחים", "brothers"),
    ("נכסים", "properties"),
    ("השקעות", "investments"),
    ("סוכנויות", "agencies"),
    ("טכנולוגיות", "technologies"),
    ("תקשורת", "communications"),
    ("ביטוח", "insurance"),
    ("בנק", "bank"),
    ("יבוא", "import"),
    ("יצוא", "export"),
    ("טקסטיל", "textile"),
    ("פלסטיק", "plastics"),
    ("כימיקלים", "chemicals"),
    ("חקלאות", "agriculture"),
    ("חומרי", "materials"),
    ("עבודות", "works"),
    ("מפעלי", "works"),
    ("ימית", "marine"),
    ("ים", "sea"),
    ("תוצרת", "produce"),
    ("טרייה", "fresh"),
    ("חלקים", "parts"),
    ("מדויקים", "precision"),
    ("בקרה", "control"),
    ("ייעוץ", "consulting"),
    ("אנרגיה", "energy"),
    ("נפט", "oil"),
    ("קבוצת", "group"),
    ("קבוצה", "group"),
    ("מסחר", "commerce"),
    ("אריזה", "packing"),
    ("משקאות", "beverages"),
];

fn letter(c: char, initial: bool, prev: Option<char>, next: Option<char>) -> Option<&'static str> {
    let doubled = next == Some(c) || prev == Some(c);
    let last = next.is_none();
    Some(match c {
        'א' | 'ע' if initial || last => "a",
        'א' | 'ע' => "",
        'ב' if initial => "b",
        'ב' => "v",
        'ג' => "g",
        'ד' => "d",
        'ה' if last => "a",
        'ה' => "h",
        'ו' if doubled => "v",
        'ו' if initial => "v",
        'ו' => "o",
        'ז' => "z",
        'ח' => "ch",
        'ט' => "t",
        'י' if doubled || initial => "y",
        'י' => "i",
        'כ' if initial => "k",
        'כ' | 'ך' => "kh",
        'ל' => "l",
        'מ' | 'ם' => "m",
        'נ' | 'ן' => "n",
        'ס' => "s",
        'פ' if initial => "p",
        'פ' | 'ף' => "f",
        'צ' | 'ץ' => "tz",
        'ק' => "k",
        'ר' => "r",
        'ש' => "sh",
        'ת' => "t",
        // Points and cantillation marks.
        '\u{0591}'..='\u{05C7}' => "",
        _ => return None,
    })
}

fn render_word(word: &str, out: &mut String, vav_consonant: bool, translate: bool) {
    // Acronym marks inside a word (`בע"מ`, `מ.ח.ק.`) and a final geresh (`ב׳`) join letters.
    let clean: String = word.chars().filter(|c| !matches!(c, '"' | '\'' | '׳' | '״' | '.')).collect();
    let dict: &[&[(&str, &str)]] = if translate { &[FORMS, VOCABULARY] } else { &[FORMS] };
    if let Some((_, latin)) = dict.iter().flat_map(|d| d.iter()).find(|(w, _)| *w == clean) {
        out.push_str(latin);
        return;
    }
    let chars: Vec<char> = clean.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars.get(i - 1).copied() } else { None };
        let next = chars.get(i + 1).copied();
        if vav_consonant && c == 'ו' && i > 0 && next.is_some() {
            if prev != Some(c) {
                out.push('v');
            }
            continue;
        }
        match letter(c, i == 0, prev, next) {
            // A doubled `וו` or `יי` is one consonant.
            Some(s) if prev == Some(c) && matches!(c, 'ו' | 'י') => {
                let _ = s;
            }
            Some(s) => {
                // Hebrew writes no short vowel, and between a consonant and `ה` there was one
                // (`כהן` Kohen, `מהדי` Mehdi): without it the two letters would read as one
                // sound (`kh`, `sh`, `th`, ... `כה` is not `ח`). It is written `e`, the vowel
                // of a `shva` spoken and of `segol`, which least turns a Hebrew name into a
                // word of another language (`כהן` as `kahn` would be `Khan`).
                if s == "h" && i > 0 && out.ends_with(['c', 'd', 'g', 'k', 'p', 's', 't', 'z']) {
                    out.push('e');
                }
                out.push_str(s)
            }
            None => out.push(c),
        }
    }
}

impl Transliterator for Hebrew {
    fn name(&self) -> &'static str {
        "hebrew"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Hebrew
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let render = |vav_consonant: bool, translate: bool| {
            let mut out = String::with_capacity(run.len() * 2);
            for (i, word) in run.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                render_word(word, &mut out, vav_consonant, translate);
            }
            out
        };
        // Company names are translated (`Haddad Brothers`) or transliterated (`Shaltiel
        // Hovalot`); a `ו` inside a word is a vowel more often than not (`הובלות` hovalot), but a
        // consonant in many names spelt without vowel letters (`דוד` David): all readings.
        let mut renderings = vec![render(false, true)];
        for (vav, translate) in [(false, false), (true, true)] {
            if vav && !run.split(' ').any(|w| w.chars().skip(1).any(|c| c == 'ו')) {
                continue;
            }
            let r = render(vav, translate);
            if !renderings.contains(&r) {
                renderings.push(r);
            }
        }
        renderings
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Hebrew,
        scripts: [Script::Hebrew],
        cases: [
            ("דוד", "dod"),
            ("דוד", "dvd"),
            ("שאלתיאל הובלות בע\"מ", "shltil transport ltd"),
            ("שאלתיאל הובלות בע\"מ", "shltil hovlot ltd"),
            ("בנימין נתניהו", "bnimin ntniho"),
            ("צפרירים קירור ומיזוג בע״מ", "tzfririm kiror vmizog ltd"),
            ("נחשול 3", "nchshol 3"),
            // `כה` is two letters, not the sound of `ח`.
            ("כהן", "kehn"),
            ("משה", "msha"),
        ]
    );
}
