//! Token classes: which words of a name are particles, honorifics, legal forms, prefixes or
//! numbers. Legal forms are phrases (`sp z o o`, `limited liability company`) and are
//! recognised on the token sequence, longest phrase first, then replaced by one token holding a
//! canonical code; [`LegalForm`] says how two codes relate (the same form, a translation of it,
//! or another jurisdiction's form).

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// What a legal form is, so that forms of different countries can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FormKind {
    /// A private company with limited liability (Ltd, LLC, GmbH, OOO, sp. z o.o.).
    Private,
    /// A joint-stock or public company (PLC, JSC, AG, S.A., K.K.).
    JointStock,
    /// A corporation or company without a precise form (Inc., Corp., Co.).
    Corporation,
    /// A partnership (L.P., KG, S.n.c., sp. k.).
    Partnership,
    /// A sole trader or an establishment (Ets, FOP).
    Sole,
    /// A cooperative or an economic interest group.
    Cooperative,
}

/// A canonical legal form; stored as its code alone, which names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LegalForm {
    /// The canonical code (`ltd`, `llc`, `gmbh`, `jsc`, ...).
    pub code: &'static str,
    /// The kind of company.
    pub kind: FormKind,
    /// Whether the form is the generic English one that translations use (Ltd, LLC, JSC)
    /// rather than the form of one jurisdiction (GmbH, OOO, Sdn Bhd).
    pub generic: bool,
}

impl serde::Serialize for LegalForm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> serde::Deserialize<'de> for LegalForm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<LegalForm, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        legal_form_by_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format_args!("{code:?} is no legal form's code")))
    }
}

use FormKind::*;

/// (code, kind, generic, phrases as folded words).
const LEGAL_FORMS: &[(&str, FormKind, bool, &[&str])] = &[
    (
        "ltd",
        Private,
        true,
        &[
            "ltd",
            "limited",
            "co ltd",
            "company ltd",
            "company limited",
            "co limited",
            "pvt ltd",
            "pvt limited",
            "private limited",
            "pvt",
            "private ltd",
            "pte ltd",
            "pte limited",
            "pty ltd",
            "pty limited",
            "pty",
            "pte",
            "ltd sti",
            "limited sirketi",
            "bm",
            "b m",
        ],
    ),
    ("llc", Private, true, &["llc", "l l c", "limited liability company", "limited liability co", "fz llc"]),
    ("gmbh", Private, false, &["gmbh", "g m b h", "gesellschaft mit beschrankter haftung"]),
    (
        "ooo",
        Private,
        false,
        &[
            "ooo",
            "o o o",
            "obshchestvo s ogranichennoy otvetstvennostyu",
            "obshchestvo s ogranichennoi otvetstvennostiu",
            "obshchestvo s ogranichennoj otvetstvennostju",
        ],
    ),
    ("tov", Private, false, &["tov", "tzov", "tovarystvo z obmezhenoyu vidpovidalnistyu"]),
    ("spzoo", Private, false, &["sp z o o", "sp zoo", "spolka z ograniczona odpowiedzialnoscia", "spolka z o o"]),
    ("doo", Private, false, &["d o o", "doo", "druzba z omejeno odgovornostjo"]),
    ("sro", Private, false, &["s r o", "sro", "spol s r o"]),
    ("kft", Private, false, &["kft", "korlatolt felelossegu tarsasag"]),
    ("sdnbhd", Private, false, &["sdn bhd", "sendirian berhad"]),
    ("ltda", Private, false, &["ltda", "limitada"]),
    (
        "sderl",
        Private,
        false,
        // `de C.V.`, of variable capital, changes no form: `S. de R.L. de C.V.` is an `S. de R.L.`
        &[
            "s de r l",
            "s de rl",
            "s de rl de cv",
            "s de r l de c v",
            "sociedad de responsabilidad limitada",
            "s p r de r l",
            "spr de rl",
        ],
    ),
    (
        "ood",
        Private,
        false,
        &[
            "ood",
            "o o d",
            "eood",
            "e o o d",
            "druzhestvo s ogranichena otgovornost",
            "ednolichno druzhestvo s ogranichena otgovornost",
        ],
    ),
    (
        "srl",
        Private,
        false,
        &["srl", "s r l", "societa a responsabilita limitata", "societatea cu raspundere limitata"],
    ),
    ("sarl", Private, false, &["sarl", "s a r l", "suarl", "eurl", "societe a responsabilite limitee"]),
    ("bv", Private, false, &["bv", "b v", "besloten vennootschap"]),
    ("ou", Private, false, &["ou", "osauhing"]),
    ("uab", Private, false, &["uab", "uzdaroji akcine bendrove"]),
    ("sia", Private, false, &["sia"]),
    ("aps", Private, false, &["aps"]),
    ("fze", Private, false, &["fze", "fzco", "fzc", "fzd"]),
    ("plc", JointStock, true, &["plc", "public limited company", "p l c"]),
    (
        "jsc",
        JointStock,
        true,
        &[
            "jsc",
            "joint stock company",
            "joint stock co",
            "ao",
            "a o",
            "aktsionernoye obshchestvo",
            "aktsionernoe obshchestvo",
            "nepublichnoe aktsionernoe obshchestvo",
        ],
    ),
    (
        "ojsc",
        JointStock,
        true,
        &["ojsc", "open joint stock company", "oao", "o a o", "otkrytoe aktsionernoe obshchestvo"],
    ),
    (
        "cjsc",
        JointStock,
        true,
        &["cjsc", "closed joint stock company", "zao", "z a o", "zakrytoe aktsionernoe obshchestvo"],
    ),
    (
        "pjsc",
        JointStock,
        true,
        &[
            "pjsc",
            "p j s c",
            "public joint stock company",
            "pao",
            "p a o",
            "prat",
            "pat",
            "chao",
            "private joint stock company",
            "publichnoe aktsionernoe obshchestvo",
        ],
    ),
    ("ag", JointStock, false, &["ag", "a g", "aktiengesellschaft"]),
    ("sa", JointStock, false, &["sa", "s a", "societe anonyme", "sociedad anonima", "sociedade anonima"]),
    ("sal", JointStock, false, &["sal", "s a l", "societe anonyme libanaise"]),
    ("sac", JointStock, false, &["sac", "s a c", "sociedad anonima cerrada"]),
    ("sadecv", JointStock, false, &["s a de c v", "sa de cv"]),
    ("spa", JointStock, false, &["spa", "s p a", "societa per azioni"]),
    ("nv", JointStock, false, &["nv", "n v", "naamloze vennootschap"]),
    ("ab", JointStock, false, &["ab", "aktiebolag"]),
    ("as", JointStock, false, &["as", "a s", "aksjeselskap", "aktsiaselts", "akciju sabiedriba", "anonim sirketi"]),
    ("oy", JointStock, false, &["oy", "oyj", "osakeyhtio"]),
    ("kk", JointStock, false, &["kk", "k k", "kabushiki kaisha", "kabushikigaisha", "kabushiki gaisha"]),
    ("yk", Private, false, &["yk", "yugen kaisha", "yugengaisha"]),
    ("pt", JointStock, false, &["pt", "pt tbk", "tbk", "perseroan terbatas"]),
    ("bhd", JointStock, false, &["bhd", "berhad"]),
    ("inc", Corporation, true, &["inc", "incorporated"]),
    ("corp", Corporation, true, &["corp", "corporation"]),
    ("co", Corporation, true, &["co", "company", "cie", "cia", "compania", "compagnie", "companhia"]),
    ("lp", Partnership, true, &["lp", "l p", "limited partnership"]),
    ("llp", Partnership, true, &["llp", "l l p", "limited liability partnership"]),
    ("snc", Partnership, false, &["snc", "s n c", "societa in nome collettivo"]),
    ("sas", Partnership, false, &["sas", "s a s", "societa in accomandita semplice"]),
    (
        "senc",
        Partnership,
        false,
        &["s en c", "s en c s", "s c s", "sociedad en comandita", "sociedad en comandita simple"],
    ),
    ("spk", Partnership, false, &["sp k", "spolka komandytowa"]),
    ("ska", Partnership, false, &["s k a", "ska", "spolka komandytowo akcyjna"]),
    ("spj", Partnership, false, &["sp j", "spolka jawna"]),
    ("kg", Partnership, false, &["kg", "kommanditgesellschaft", "gmbh and co kg"]),
    ("cv", Partnership, false, &["cv", "commanditaire vennootschap"]),
    ("ets", Sole, false, &["ets", "est", "etablissements", "etablissement", "establishment"]),
    ("eirl", Sole, false, &["eirl", "e i r l", "empresa individual de responsabilidad limitada"]),
    (
        "gup",
        JointStock,
        false,
        &[
            "gup",
            "fgup",
            "gosudarstvennoe unitarnoe predpriyatie",
            "federalnoe gosudarstvennoe unitarnoe predpriyatie",
            "state unitary enterprise",
            "federal state unitary enterprise",
        ],
    ),
    ("fop", Sole, false, &["fop", "fizychna osoba pidpryiemets"]),
    ("gie", Cooperative, false, &["gie", "g i e", "groupement d interet economique"]),
    ("coop", Cooperative, true, &["coop", "cooperative", "societa cooperativa", "cooperativa", "sacco"]),
];

/// Particles and function words: weak parts of a name.
const PARTICLES: &[&str] = &[
    "al", "el", "ul", "ud", "ur", "ad", "ar", "as", "at", "az", "an", "ash", "bin", "ben", "ibn", "bint", "binti",
    "bte", "abu", "abou", "umm", "ould", "wa", "van", "von", "der", "den", "ter", "de", "del", "della", "dello", "di",
    "da", "dos", "das", "do", "du", "des", "la", "le", "lo", "los", "las", "y", "e", "et", "and", "und", "of", "the",
    "no", "nr", "na", "ha", "en", "in", "im", "zu", "a", "i", "o",
];

/// Honorifics and titles: weak, but kept (`Haji Abdul Salam` is not `Abdul Salam` for sure).
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "doctor",
    "prof",
    "professor",
    "sir",
    "haji",
    "hajji",
    "hadji",
    "haj",
    "hajj",
    "alhaj",
    "alhaji",
    "alhajj",
    "mullah",
    "mulla",
    "molla",
    "mollah",
    "maulvi",
    "mawlawi",
    "maulavi",
    "moulvi",
    "mowlawi",
    "maulana",
    "mawlana",
    "molvi",
    "sheikh",
    "shaikh",
    "sheik",
    "shaykh",
    "cheikh",
    "qari",
    "hafiz",
    "mufti",
    "imam",
    "emir",
    "ustad",
    "ustadh",
    "general",
    "gen",
    "colonel",
    "col",
    "capt",
    "captain",
    "major",
    "lt",
    "lieutenant",
    "sgt",
    "admiral",
    "rev",
    "reverend",
    "saheb",
    "sahib",
    "u",
    "daw",
    "messrs",
    "mme",
    "mlle",
    "herr",
    "frau",
    "sr",
    "sra",
    "dott",
    "ing",
    "monsieur",
    "madame",
    "mademoiselle",
    "senor",
    "senora",
    "signor",
    "signora",
    // Titles of office written before a name (`President Barack Obama`, `Präsident`).
    "president",
    "presidente",
    "prasident",
];

/// Prefixes of vessel names (MV, M/T, SS) and of party labels in payment messages.
const PREFIXES: &[&str] = &[
    "mv",
    "m v",
    "mt",
    "m t",
    "ms",
    "m s",
    "ss",
    "s s",
    "fv",
    "f v",
    "msv",
    "tb",
    "t b",
    "nm",
    "n m",
    "mts",
    "mtb",
    "rv",
    "hms",
    "lng",
    "lpg",
    "beneficiary",
    "ordering customer",
    "ordering",
    "customer",
    "messrs",
];

/// English number words, for `Brigade Forty-Four` against `Brigade 44`.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("first", 1),
    ("second", 2),
    ("third", 3),
];

struct Tables {
    forms: FxHashMap<&'static str, LegalForm>,
    /// The first words of legal-form phrases of more than one word (`limited` of `limited
    /// liability company`, `sp z o` of `sp z o o`): a phrase that is none of these cannot grow
    /// into a longer form.
    form_starts: FxHashSet<&'static str>,
    /// The last words of legal-form phrases (`ltd`, `company`, the last `o` of `sp z o o`).
    form_ends: FxHashSet<&'static str>,
    longest_form: usize,
    particles: FxHashSet<&'static str>,
    honorifics: FxHashSet<&'static str>,
    prefixes: FxHashSet<&'static str>,
    /// The first words of prefix phrases of more than one word.
    prefix_starts: FxHashSet<&'static str>,
    longest_prefix: usize,
    number_words: FxHashMap<&'static str, u32>,
}

/// Every phrase made of the first words of a longer phrase.
fn phrase_starts<'a>(phrases: impl Iterator<Item = &'a &'static str>) -> FxHashSet<&'static str> {
    let mut starts = FxHashSet::default();
    for p in phrases {
        for (i, _) in p.match_indices(' ') {
            starts.insert(&p[..i]);
        }
    }
    starts
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut forms = FxHashMap::default();
        let mut longest_form = 1;
        for &(code, kind, generic, phrases) in LEGAL_FORMS {
            for p in phrases {
                forms.insert(*p, LegalForm { code, kind, generic });
                longest_form = longest_form.max(p.split(' ').count());
            }
        }
        let longest_prefix = PREFIXES.iter().map(|p| p.split(' ').count()).max().unwrap_or(1);
        Tables {
            form_starts: phrase_starts(LEGAL_FORMS.iter().flat_map(|f| f.3)),
            form_ends: LEGAL_FORMS.iter().flat_map(|f| f.3).filter_map(|p| p.rsplit(' ').next()).collect(),
            forms,
            longest_form,
            particles: PARTICLES.iter().copied().collect(),
            honorifics: HONORIFICS.iter().copied().collect(),
            prefixes: PREFIXES.iter().copied().collect(),
            prefix_starts: phrase_starts(PREFIXES.iter()),
            longest_prefix,
            number_words: NUMBER_WORDS.iter().rev().copied().collect(),
        }
    })
}

/// The legal form a folded phrase stands for.
pub fn legal_form(phrase: &str) -> Option<LegalForm> {
    tables().forms.get(phrase).copied()
}

/// Whether a folded word is the last word of some legal-form phrase: a name whose last word
/// is not cannot end with a legal form.
pub fn may_end_legal_form(word: &str) -> bool {
    tables().form_ends.contains(word)
}

/// The legal form of a canonical code.
pub fn legal_form_by_code(code: &str) -> Option<LegalForm> {
    LEGAL_FORMS.iter().find(|f| f.0 == code).map(|&(code, kind, generic, _)| LegalForm { code, kind, generic })
}

/// How alike two legal forms are, in [0, 1]: 1 for one form, less for a translation of it
/// (a jurisdiction's form against the generic English one of its kind), little for forms of
/// two jurisdictions (`GmbH` and `Sdn Bhd` name two companies).
pub fn legal_form_similarity(a: &LegalForm, b: &LegalForm) -> f64 {
    if a.code == b.code {
        1.0
    } else if a.kind == b.kind && (a.generic || b.generic) {
        if a.generic && b.generic {
            0.85
        } else {
            0.9
        }
    } else if a.generic && b.generic {
        // Ltd against Inc or Co.: translations and exports mix these freely.
        0.75
    } else if a.generic || b.generic {
        0.5
    } else {
        0.1
    }
}

/// The longest legal-form phrase starting at `words[at]`: its length in words and form.
pub(crate) fn match_legal_form(words: &[&str], at: usize) -> Option<(usize, LegalForm)> {
    let t = tables();
    longest_phrase(words, at, t.longest_form, &t.form_starts, |p| t.forms.get(p).copied())
}

/// The longest prefix phrase starting at `words[at]`, in words.
pub(crate) fn match_prefix(words: &[&str], at: usize) -> Option<usize> {
    let t = tables();
    longest_phrase(words, at, t.longest_prefix, &t.prefix_starts, |p| t.prefixes.contains(p).then_some(()))
        .map(|(n, ())| n)
}

/// The longest phrase of at most `longest` words starting at `words[at]` that `find` knows;
/// `starts` holds the phrases that begin a longer one, so that the search stops as soon as no
/// longer phrase can match.
fn longest_phrase<T>(
    words: &[&str],
    at: usize,
    longest: usize,
    starts: &FxHashSet<&'static str>,
    find: impl Fn(&str) -> Option<T>,
) -> Option<(usize, T)> {
    let &first = words.get(at)?;
    let mut best = find(first).map(|v| (1, v));
    let longest = longest.min(words.len() - at);
    if longest < 2 || !starts.contains(first) {
        return best;
    }
    let mut phrase = String::from(first);
    for n in 2..=longest {
        phrase.push(' ');
        phrase.push_str(words[at + n - 1]);
        if let Some(v) = find(&phrase) {
            best = Some((n, v));
        }
        if !starts.contains(phrase.as_str()) {
            break;
        }
    }
    best
}

/// Whether a folded word is a name particle or function word.
pub fn is_particle(word: &str) -> bool {
    tables().particles.contains(word)
}

/// Whether a folded word is an honorific or title.
pub fn is_honorific(word: &str) -> bool {
    tables().honorifics.contains(word)
}

/// The value of a number word or a Roman numeral of two letters or more (`ii`, `xiv`);
/// single letters stay initials.
pub fn number_word(word: &str) -> Option<u32> {
    if let Some(&n) = tables().number_words.get(word) {
        return Some(n);
    }
    roman(word)
}

fn roman(word: &str) -> Option<u32> {
    // `xi` is a Chinese surname far more often than eleven; `l` and `c` make words (`li`).
    if word.len() < 2 || word.len() > 7 || word == "xi" || !word.bytes().all(|b| matches!(b, b'i' | b'v' | b'x')) {
        return None;
    }
    let val = |b: u8| match b {
        b'i' => 1,
        b'v' => 5,
        _ => 10,
    };
    let b = word.as_bytes();
    let mut total = 0i32;
    for i in 0..b.len() {
        let v = val(b[i]);
        if b.get(i + 1).is_some_and(|&n| val(n) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    // Only canonical numerals: `iiii` or `il` are words, not numbers.
    let n = u32::try_from(total).ok()?;
    (to_roman(n) == word).then_some(n)
}

fn to_roman(mut n: u32) -> String {
    let mut s = String::new();
    for (v, r) in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_relate() {
        let f = |p: &str| legal_form(p).map(|f| f.code);
        let cases = [
            ("limited", Some("ltd")),
            ("sp z o o", Some("spzoo")),
            ("oao", Some("ojsc")),
            ("aktiengesellschaft", Some("ag")),
            ("trading", None),
        ];
        for (phrase, expect) in cases {
            assert_eq!(f(phrase), expect, "{phrase}");
        }
        let sim = |a: &str, b: &str| legal_form_similarity(&legal_form(a).unwrap(), &legal_form(b).unwrap());
        let cases = [("ltd", "limited", 1.0), ("ou", "ltd", 0.9), ("gmbh", "sdn bhd", 0.1), ("ojsc", "jsc", 0.85)];
        for (a, b, expect) in cases {
            assert_eq!(sim(a, b), expect, "{a} / {b}");
        }
    }

    #[test]
    fn numbers() {
        let cases = [
            ("ii", Some(2)),
            ("ix", Some(9)),
            ("xiv", Some(14)),
            ("i", None),
            ("iiii", None),
            ("five", Some(5)),
            ("li", None),
            ("xi", None),
            ("xxxix", Some(39)),
        ];
        for (word, expect) in cases {
            assert_eq!(number_word(word), expect, "{word}");
        }
    }
}
