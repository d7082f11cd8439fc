//! Burmese (Myanmar script) to Latin, syllable by syllable after the conventions Burmese
//! names and company names are written in (the customary spellings rather than MLCTS):
//! `ရွှေ` Shwe, `ကျော်` Kyaw, `ထွန်း` Htun, `အောင်` Aung, `မြတ်` Myat. A syllable is an initial
//! consonant (or the vowel carrier `အ`), medials (`ျ` `ြ` y, `ွ` w, `ှ` h), a vowel and a
//! final consonant killed by `်`; tone marks vanish, stacked consonants (`္`) close the
//! syllable before them. Burmese digits are digits, and the words of company names
//! (`ကုမ္ပဏီလီမိတက်` company limited, `ကုန်သွယ်ရေး` trading) are given in English.

use proscribe_model::Script;

use super::{marked_pieces, replace_words, Transliterator};

/// Burmese.
pub struct Myanmar;

/// Legal forms, always given in English.
const FORMS: &[(&str, &str)] =
    &[("ကုမ္ပဏီလီမိတက်", "co ltd"), ("ကုမ္ပဏီများအုပ်စု", "group of companies"), ("ကုမ္ပဏီ", "co"), ("လီမိတက်", "ltd")];

/// Common words of company names, for the translated rendering.
const VOCABULARY: &[(&str, &str)] = &[
    ("ကုန်သွယ်ရေး", "trading"),
    ("စက်မှုလုပ်ငန်း", "industries"),
    ("လုပ်ငန်း", "business"),
    ("ဆောက်လုပ်ရေး", "construction"),
    ("ရေကြောင်းပို့ဆောင်ရေး", "shipping"),
    ("ပို့ဆောင်ရေး", "logistics"),
    ("ရေကြောင်း", "marine"),
    ("ဝန်ဆောင်မှု", "services"),
    ("စိုက်ပျိုးရေး", "agriculture"),
    ("ဆေးဝါး", "pharmaceutical"),
    ("ဘိလပ်မြေ", "cement"),
    ("သစ်", "timber"),
    ("ငါး", "fishery"),
    ("ဆန်စက်", "rice mill"),
    ("ဆီစက်", "oil mill"),
    ("စားသောက်ကုန်", "foodstuff"),
    ("ပုံနှိပ်တိုက်", "printing house"),
    ("သောက်ရေသန့်", "purified drinking water"),
    ("ကြွေပြား", "ceramic tiles"),
    ("အထည်ချုပ်", "garment"),
    ("ပလတ်စတစ်", "plastic"),
    ("သံမဏိ", "steel"),
    ("ဟိုတယ်", "hotel"),
    ("ကော်ဖီ", "coffee"),
    ("ရော်ဘာ", "rubber"),
    ("လျှပ်စစ်ပစ္စည်း", "electrical"),
    ("စက်ပစ္စည်း", "machinery"),
    ("သင်္ဘောကျင်း", "shipyard"),
    ("ဓာတ်မြေဩဇာ", "fertilizer"),
    ("ဓာတ်ငွေ့", "gas"),
    ("ရေနံ", "oil"),
    ("ဆန်စပါး", "rice and paddy"),
    ("နှမ်းဆီ", "sesame oil"),
];

fn consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'က' => "k",
        'ခ' => "kh",
        'ဂ' | 'ဃ' => "g",
        'င' => "ng",
        'စ' => "s",
        'ဆ' => "hs",
        'ဇ' | 'ဈ' => "z",
        'ဉ' | 'ည' => "ny",
        'ဋ' | 'တ' => "t",
        'ဌ' | 'ထ' => "ht",
        'ဍ' | 'ဎ' | 'ဒ' | 'ဓ' => "d",
        'ဏ' | 'န' => "n",
        'ပ' => "p",
        'ဖ' => "ph",
        'ဗ' | 'ဘ' => "b",
        'မ' => "m",
        'ယ' => "y",
        'ရ' => "y",
        'လ' | 'ဠ' => "l",
        'ဝ' => "w",
        'သ' => "th",
        'ဟ' => "h",
        'အ' => "",
        _ => return None,
    })
}

/// Independent vowels.
fn independent_vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'ဣ' | 'ဤ' => "i",
        'ဥ' | 'ဦ' => "u",
        'ဧ' => "ay",
        'ဩ' | 'ဪ' => "aw",
        _ => return None,
    })
}

/// One syllable's parts, as read from the text.
#[derive(Default)]
struct Syllable {
    initial: Option<char>,
    ya: bool,
    ra: bool,
    wa: bool,
    ha: bool,
    vowels: Vec<char>,
    fin: Option<char>,
}

impl Syllable {
    fn render(&self, out: &mut String) {
        let Some(init) = self.initial else { return };
        space_before_syllable(out);
        let mut onset = String::from(consonant(init).unwrap_or(""));
        if self.ya || self.ra {
            onset = match init {
                'က' => "ky".into(),
                'ခ' => "ch".into(),
                'ဂ' => "gy".into(),
                'လ' => "ly".into(),
                'မ' => "my".into(),
                'ပ' => "py".into(),
                'ဖ' => "phy".into(),
                'ဗ' | 'ဘ' => "by".into(),
                'န' => "ny".into(),
                _ => onset + "y",
            };
        }
        if self.ha {
            onset = match init {
                'ရ' | 'ယ' => "sh".into(),
                'လ' if self.ya => "sh".into(),
                'လ' | 'မ' | 'န' | 'ည' | 'င' => format!("h{onset}"),
                'ဝ' => "wh".into(),
                _ => onset,
            };
        }
        // With a final, `ွ` is part of the rhyme (`ွန်` un, `ွတ်` ut).
        if self.wa && self.fin.is_none() {
            onset.push('w');
        }
        out.push_str(&onset);
        out.push_str(self.rhyme());
    }

    fn rhyme(&self) -> &'static str {
        let v = |c: char| self.vowels.contains(&c);
        let e = v('ေ');
        let aa = v('ာ') || v('ါ');
        let i = v('ိ');
        let ii = v('ီ');
        let u = v('ု');
        let uu = v('ူ');
        let ai = v('ဲ');
        let an = v('ံ');
        match self.fin {
            None => {
                if e && aa {
                    "aw"
                } else if i && u {
                    "o"
                } else if e {
                    "e"
                } else if aa {
                    "ar"
                } else if i || ii {
                    "i"
                } else if u || uu {
                    "u"
                } else if ai {
                    "e"
                } else if an {
                    if u {
                        "on"
                    } else {
                        "an"
                    }
                } else if self.wa {
                    ""
                } else {
                    "a"
                }
            }
            Some(f) => {
                let nasal = matches!(f, 'င' | 'ဉ' | 'ည' | 'ဏ' | 'န' | 'မ' | 'ံ');
                match f {
                    'က' if e && aa => "auk",
                    'က' if i && u => "aik",
                    'က' => "et",
                    'င' if e && aa => "aung",
                    'င' if i && u => "aing",
                    'င' if i => "ein",
                    'င' => "in",
                    'စ' => "it",
                    'ည' | 'ဉ' => "e",
                    'ယ' => "e",
                    'တ' | 'ပ' | 'ဋ' if u => "ok",
                    'တ' | 'ပ' | 'ဋ' if i => "eik",
                    'တ' | 'ပ' | 'ဋ' if self.wa => "ut",
                    'တ' | 'ပ' | 'ဋ' => "at",
                    _ if nasal && u => "on",
                    _ if nasal && i => "ein",
                    _ if nasal && self.wa => "un",
                    _ if nasal => "an",
                    _ => "",
                }
            }
        }
    }
}

/// Syllables are kept apart: lists write Burmese names syllable by syllable (`Kyaw Zaw Htun`)
/// and the matcher joins them where the other name has them as one word (`Shwepyithar`).
fn space_before_syllable(out: &mut String) {
    if out.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        out.push(' ');
    }
}

fn render_word(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    let mut syl = Syllable::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let killed = next == Some('်') || (next == Some('့') && chars.get(i + 2) == Some(&'်'));
        if let Some(d) = c.to_digit(10) {
            syl.render(out);
            syl = Syllable::default();
            if out.ends_with(|c: char| c.is_ascii_alphabetic()) {
                out.push(' ');
            }
            out.push(char::from(b'0' + d as u8));
            i += 1;
            continue;
        }
        if let Some(v) = independent_vowel(c) {
            syl.render(out);
            syl = Syllable::default();
            space_before_syllable(out);
            out.push_str(v);
            i += 1;
            continue;
        }
        if consonant(c).is_some() {
            // Kinzi: `င်္` before a consonant closes the syllable with -n.
            if c == 'င' && next == Some('်') && chars.get(i + 2) == Some(&'္') {
                if syl.initial.is_some() {
                    syl.fin = Some('င');
                }
                i += 3;
                continue;
            }
            if syl.initial.is_some() && (killed || next == Some('္')) && syl.fin.is_none() {
                // The final of the current syllable (killed by asat, or stacked).
                syl.fin = Some(c);
                i += if next == Some('္') { 2 } else { 1 };
                continue;
            }
            syl.render(out);
            syl = Syllable { initial: Some(c), ..Syllable::default() };
            i += 1;
            continue;
        }
        match c {
            'ျ' => syl.ya = true,
            'ြ' => syl.ra = true,
            'ွ' => syl.wa = true,
            'ှ' => syl.ha = true,
            'ာ' | 'ါ' | 'ိ' | 'ီ' | 'ု' | 'ူ' | 'ေ' | 'ဲ' => syl.vowels.push(c),
            'ံ' => {
                syl.vowels.push(c);
                if syl.fin.is_none() {
                    syl.fin = Some('ံ');
                }
            }
            '်' | '့' | 'း' | '္' => {}
            _ => {
                syl.render(out);
                syl = Syllable::default();
                out.push(c);
            }
        }
        i += 1;
    }
    syl.render(out);
}

impl Transliterator for Myanmar {
    fn name(&self) -> &'static str {
        "myanmar"
    }

    fn applies(&self, script: Script) -> bool {
        script == Script::Myanmar
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        let translated: Vec<(&str, &str)> = FORMS.iter().chain(VOCABULARY).copied().collect();
        let a = render(run, &translated);
        let b = render(run, FORMS);
        if a == b {
            vec![a]
        } else {
            vec![a, b]
        }
    }
}

/// Renders a run with the words of `dict` in English.
fn render(run: &str, dict: &[(&str, &str)]) -> String {
    {
        let marked = replace_words(run, dict);
        let mut out = String::with_capacity(run.len() * 2);
        for (latin, piece) in marked_pieces(&marked) {
            if latin {
                out.push(' ');
                out.push_str(piece);
                out.push(' ');
                continue;
            }
            for (i, word) in piece.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                render_word(word, &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Myanmar,
        scripts: [Script::Myanmar],
        cases: [
            ("ရွှေပုလဲ ကုန်သွယ်ရေး ကုမ္ပဏီလီမိတက်", "shwe pu le trading co ltd"),
            ("ဦးကျော်ဇော်ထွန်း ကုန်သွယ်ရေး", "u kyaw zaw htun trading"),
            ("အောင်ကြယ်", "aung kye"),
            ("ငွေဟင်္သာ ၁၂", "ngwe hin thar 12"),
            ("မြတ်သုခ ၇", "myat thu kha 7"),
            ("မင်္ဂလာဝင်း", "min ga lar win"),
        ]
    );
}
