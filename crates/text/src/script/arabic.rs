//! Arabic script (Arabic, Persian, Urdu, Pashto) to Latin. The script writes no short vowels,
//! so a rendering cannot recover `Muhammad` from `محمد` letter by letter: frequent name words
//! are looked up in a small table of their usual English spellings, the others are rendered
//! consonant by consonant with the long vowels the script does write (`ا` a, `و` u/w, `ي`
//! i/y). Names compared across scripts are then compared on their consonant skeletons (see
//! `key::skeleton`), where `mhmd`, `Mohamed` and `Muhammad` agree. The article `ال` is split
//! off as the particle `al`.

use proscribe_model::Script;

use super::{by_words, Transliterator};

/// Arabic script.
pub struct Arabic;

/// Frequent words of names and their usual English spellings.
const WORDS: &[(&str, &str)] = &[
    ("محمد", "muhammad"),
    ("احمد", "ahmad"),
    ("أحمد", "ahmad"),
    ("علي", "ali"),
    ("حسن", "hasan"),
    ("حسين", "husayn"),
    ("محمود", "mahmud"),
    ("خالد", "khalid"),
    ("عمر", "umar"),
    ("عثمان", "uthman"),
    ("يوسف", "yusuf"),
    ("ابراهيم", "ibrahim"),
    ("إبراهيم", "ibrahim"),
    ("مصطفى", "mustafa"),
    ("عيسى", "isa"),
    ("موسى", "musa"),
    ("سعيد", "said"),
    ("سالم", "salim"),
    ("صالح", "salih"),
    ("فاطمة", "fatima"),
    ("عائشة", "aisha"),
    ("مريم", "maryam"),
    ("عبد", "abd"),
    ("عبدالله", "abdullah"),
    ("الله", "allah"),
    ("بن", "bin"),
    ("ابن", "ibn"),
    ("بنت", "bint"),
    ("ابو", "abu"),
    ("أبو", "abu"),
    ("ام", "umm"),
    ("أم", "umm"),
    ("شركة", "co"),
    ("مؤسسة", "establishment"),
];

/// How the letters are read: as in Arabic, or as in Persian, Dari, Pashto and Urdu, which
/// pronounce the Arabic letters `ذ ز ض ظ` all as z, `ث س ص` as s and `ط` as t (`ذاکر`
/// Zakir, `فیض` Faiz, `ثاقب` Saqib).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Arabic,
    Persian,
}

/// Letters only Persian, Pashto and Urdu write: a name with one of them is read the Persian
/// way (Arabic itself writes `ي` and `ك`).
fn persian_marked(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, 'ی' | 'ک' | 'گ' | 'پ' | 'چ' | 'ژ' | 'ۀ' | 'ې' | 'ۍ' | 'ں' | 'ہ' | 'ھ' | 'ے')
            || matches!(c, 'ٹ' | 'ڈ' | 'ڑ' | 'ښ' | 'ږ' | 'ځ' | 'څ' | 'ټ' | 'ډ' | 'ړ' | 'ڼ')
    })
}

/// How `c` is read, given whether it starts the word, whether it follows a long `ا` (an alef
/// that does not start the word, which carries a vowel of its own: `ایمان` Iman) and the
/// letter after it.
fn letter(c: char, initial: bool, after_alef: bool, next: Option<char>, reading: Reading) -> Option<&'static str> {
    // `و` and `ي` are consonants before an alef, and between a long one and another long
    // vowel (`داوود` Dawud; `داود` is read `daud`, one letter for both).
    let by_alef = matches!(next, Some('ا' | 'أ' | 'آ')) || (after_alef && matches!(next, Some('و' | 'ي' | 'ی')));
    if reading == Reading::Persian {
        match c {
            'ذ' | 'ض' | 'ظ' => return Some("z"),
            'ث' => return Some("s"),
            _ => {}
        }
    }
    Some(match c {
        'ا' | 'أ' | 'آ' | 'ٱ' => "a",
        'إ' => "i",
        // An initial ain is written as a vowel in Latin (`عدي` Uday, `عزت` Ezat); elsewhere
        // as nothing or an apostrophe.
        'ع' if initial => "a",
        'ء' | 'ئ' | 'ؤ' | 'ع' | 'ـ' => "",
        'ى' => "a",
        'ة' | 'ۃ' => "a",
        'ب' => "b",
        'ت' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' => "dh",
        'ر' => "r",
        'ز' => "z",
        'س' => "s",
        'ش' => "sh",
        'ص' => "s",
        'ض' => "d",
        'ط' => "t",
        'ظ' => "z",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' | 'ں' => "n",
        'ه' | 'ہ' | 'ھ' | 'ە' => "h",
        'و' if initial || by_alef => "w",
        'و' => "u",
        'ي' | 'ی' | 'ې' | 'ۍ' if initial || by_alef => "y",
        'ي' | 'ی' | 'ې' | 'ۍ' => "i",
        'ے' => "e",
        'پ' => "p",
        'چ' => "ch",
        'ژ' => "zh",
        'گ' => "g",
        'ٹ' => "t",
        'ڈ' => "d",
        'ڑ' => "r",
        'ښ' => "kh",
        'ږ' => "zh",
        'ځ' => "dz",
        'څ' => "ts",
        'ټ' => "t",
        'ډ' => "d",
        'ړ' => "r",
        'ڼ' => "n",
        // Short vowels, when they are written.
        '\u{064E}' => "a",
        '\u{064F}' => "u",
        '\u{0650}' => "i",
        // Tanween, shadda, sukun and other signs carry no letter of their own.
        '\u{064B}'..='\u{065F}' | '\u{0670}' => "",
        _ => return None,
    })
}

/// A letter as the table of words writes it: Persian and Urdu write yeh and kaf with code
/// points of their own (`علی`, `علي`), a word may end in alef maksura for yeh or heh for teh
/// marbuta (`فاطمه`), and alef takes hamza or not as the writer pleases.
fn plain_letter(c: char) -> char {
    match c {
        'ی' | 'ى' | 'ې' => 'ي',
        'ک' => 'ك',
        'ة' | 'ۀ' | 'ە' => 'ه',
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        c => c,
    }
}

/// Whether `latin` is one of the usual English spellings the table gives whole words (`muhammad`
/// for `محمد`): its vowels are the custom's, not letters the script wrote, unlike those of a
/// word rendered letter by letter, whose vowels are the long vowels written.
pub fn conventional_spelling(latin: &str) -> bool {
    WORDS.iter().any(|(_, l)| *l == latin)
}

/// Whether `word` is the table's word `table`, letters read by [`plain_letter`].
fn same_word(word: &str, table: &str) -> bool {
    word.chars().map(plain_letter).eq(table.chars().map(plain_letter))
}

fn render_word(word: &str, reading: Reading, out: &mut String) {
    if let Some((_, latin)) = WORDS.iter().find(|(w, _)| same_word(word, w)) {
        out.push_str(latin);
        return;
    }
    // The article is its own particle: `الدوري` → `al duri`.
    if let Some(rest) = word.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
        out.push_str("al ");
        render_word(rest, reading, out);
        return;
    }
    // `Abd` and the name it is joined to are two words, written together or not
    // (`عبدالحی`, `عبد الحی`: `abd al hi`).
    if let Some(rest) = word.strip_prefix("عبد").filter(|r| r.chars().count() >= 2) {
        out.push_str("abd ");
        render_word(rest, reading, out);
        return;
    }
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let after_alef = i >= 2 && chars[i - 1] == 'ا';
        // A final `ه` after a consonant is the vowel a name ends with, `-ah` in Arabic and
        // `-eh` in Persian (`مائده` Maedeh, `زاده` Zadeh), not a consonant joined to the one
        // before it (`madh` would read `dh`).
        if matches!(c, 'ه' | 'ہ' | 'ە')
            && i >= 2
            && i + 1 == chars.len()
            && !matches!(chars[i - 1], 'ا' | 'و' | 'ي' | 'ی' | 'ى')
        {
            out.push_str(if reading == Reading::Persian { "eh" } else { "ah" });
            continue;
        }
        match letter(c, i == 0, after_alef, chars.get(i + 1).copied(), reading) {
            Some(s) => out.push_str(s),
            None => match c.to_digit(10) {
                Some(d) => out.push(char::from(b'0' + d as u8)),
                None if c.is_alphabetic() => {
                    let mut buf = [0u8; 4];
                    out.push_str(&any_ascii::any_ascii(c.encode_utf8(&mut buf)).to_lowercase());
                }
                None => out.push(c),
            },
        }
    }
}

impl Transliterator for Arabic {
    fn name(&self) -> &'static str {
        "arabic"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Arabic
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        // Words are looked up by `render_word`, also after the article.
        let render = |reading: Reading| {
            by_words(run, &[], |word, out| {
                // Arabic-Indic and Persian digits are digits too.
                let word: String = word
                    .chars()
                    .map(|c| match c {
                        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
                        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
                        c => c,
                    })
                    .collect();
                render_word(&word, reading, out);
            })
        };
        // A Persian-marked name is read the Persian way first; Latin renderings of it follow
        // either way (`Zakir`, `Dhakir`). Any other name is read the Arabic way first and the
        // Persian way second: Persian, Dari and Urdu names are written in the letters Arabic
        // shares with them too (`رضا` Reza, `فاضل` Fazel).
        let arabic = render(Reading::Arabic);
        let persian = render(Reading::Persian);
        if persian == arabic {
            vec![arabic]
        } else if persian_marked(run) {
            vec![persian, arabic]
        } else {
            vec![arabic, persian]
        }
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    /// A name in the letters Arabic and Persian share is read both ways, the Arabic first; a
    /// Persian-marked one the Persian way first.
    #[test]
    fn shared_letters_are_read_both_ways() {
        assert_eq!(super::Arabic.renderings("رضا"), ["rda", "rza"]);
        assert_eq!(super::Arabic.renderings("آخوند زاده"), ["akhund zadah", "akhund zadeh"]);
        assert_eq!(super::Arabic.renderings("ذاکر"), ["zakr", "dhakr"]);
        assert_eq!(super::Arabic.renderings("محمد"), ["muhammad"]);
    }

    super::super::transliterator_tests!(
        super::Arabic,
        scripts: [Script::Arabic],
        cases: [
            ("محمد علي", "muhammad ali"),
            ("أحمد حسن", "ahmad hasan"),
            ("عبد الله", "abd allah"),
            ("خالد محمود", "khalid mahmud"),
            ("عبد الفتاح السيسي", "abd al ftah al sisi"),
            ("امیر خان متقی", "amir khan mtqi"),
            // Persian letters and endings read as the table's words.
            ("علی اکبر", "ali akbr"),
            ("فاطمه", "fatima"),
            // `Abd` written together with its name.
            ("عبدالحی", "abd al hi"),
            ("عدي", "adi"),
            // Persian letters read the Persian way, Arabic ones the Arabic way.
            ("عبد الروف ذاکر", "abd al ruf zakr"),
            ("ذاكر", "dhakr"),
            ("فیض الله", "fiz allah"),
            ("١٢", "12"),
            // `و` between a long alef and a long vowel is a consonant; one `و` after the
            // alef is read as the vowel it also writes; an initial alef carries a vowel.
            ("داوود", "dawud"),
            ("داود", "daud"),
            ("ایمان", "aiman"),
            // A final `ه` after a consonant ends the name on a vowel.
            ("مائده", "madah"),
            ("زاده", "zadah"),
            ("رضا زاده", "rda zadah"),
            ("حمزه", "hmzah"),
            ("شاه", "shah"),
        ]
    );
}
