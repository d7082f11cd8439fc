//! The tuning constants of the comparison of two names, in one struct: what each stage of the
//! alignment (candidate links, weighting, score, adjustments) reads, with today's values as
//! [`CompareParams::DEFAULT`]. Benchmarks and `proscribe eval` vary them by name.

use proscribe_text::TokenClass;

/// The tuning constants of the comparison, by the stage that reads them. The defaults are the
/// values the scores in BENCHMARKS.md were measured with; changing one changes scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareParams {
    // Candidate links.
    /// Similarity below which two words of people's names earn nothing and stay unmatched;
    /// a link's credit is measured from it. Names of people are spelled many ways
    /// (`Motaqi`, `Muttaqi`), so the floor is lower than for organisations.
    pub floor_person: f64,
    /// The same floor for organisations, vessels and aircraft: their words are mostly words
    /// of a language, and a word a few letters off is more often another word (`Trans`,
    /// `Trade`) than a spelling of it.
    pub floor_org: f64,
    /// The same floor when one side was transliterated from another script and the other was
    /// not: a rendering is a guess, and a fair likeness across scripts is already evidence.
    pub floor_cross: f64,
    /// Factor on the similarity of a person's own name (before a filial `bin`) against an
    /// ancestor's (after it), when both names have one: `Ahmad bin Hasan` is not `Hasan bin
    /// Ahmad`.
    pub filial: f64,
    /// Similarity of an acronym to the words it stands for (`CJNG`, `Cartel de Jalisco Nueva
    /// Generacion`): high enough to beat near spellings, below an exact word.
    pub acronym: f64,
    /// Least similarity of a word to a run of two to four words written together (`Abdul
    /// Salam` / `Abdulsalam`); the edit distance of the two gives up below it.
    pub joined: f64,
    /// Highest similarity of two different syllables when one name was read from a syllabic
    /// script (Han, kana, Hangul): a syllable is the same syllable, in one romanisation or
    /// another (`similarity::same_syllable`), or another one (`yang` is not `yeong`, `qiang`
    /// not `kuang`), however alike the letters. None by default: `Hong Wei` shares half its
    /// name with `Wang Wei` and is not him.
    pub syllable: f64,
    /// Highest similarity of a person's name word and its form for the other gender
    /// (`similarity::other_gender`: `Michael`/`Michaela`, `Orlov`/`Orlova`): Romance,
    /// Slavic and Germanic given names, and Slavic surnames, mark a woman's name with an
    /// ending on the man's, so the two name different people, however alike their letters.
    pub gender: f64,

    // Weighting: what a token weighs is its weight from `TokenWeights` times its class's
    // factor (a plain word 1) times the factors below that apply to it.
    /// Factor of a number: it tells apart vessels and companies of one name (`No. 8`).
    pub number: f64,
    /// Factor of an initial: it supports a match of words, says little alone.
    pub initial: f64,
    /// Factor of a particle (`al`, `bin`, `van`) or honorific (`haji`, `sheikh`).
    pub particle: f64,
    /// Factor of a legal form (`ltd`, `oao`): it tells the kind of company, not which.
    pub legal_form: f64,
    /// Factor of a prefix (`M.V.` of a vessel).
    pub prefix: f64,
    /// Factor of a patronymic in a person's name that the other name has none of: left out
    /// more often than not; two different ones conflict at full weight.
    pub patronymic: f64,
    /// Factor of a country word in an organisation's name (`Bank Melli Iran`, `Iran`): the
    /// country tells two branches or companies of one name apart.
    pub country: f64,
    /// Factor of an annotation (a vessel's port or flag, a company's branch or address),
    /// whose absence on the other side costs little.
    pub optional: f64,
    /// Weight, relative to a matched word's, of a word of an organisation's name the other
    /// name does not have: extra words make another company (`Trucking`, `Trucking
    /// Holdings`).
    pub extra_org: f64,
    /// Weight, relative to a matched word's, of an extra word of a person's name when the
    /// other name is wholly and closely matched (middle names).
    pub lenient: f64,
    /// Weight, relative to a matched word's, of the words of a person's name left over
    /// against a name of one word that one of them matches: a given name or a surname
    /// alone is a word two names share, not the name.
    pub one_word: f64,
    /// Weight of the first word of a name left over where one side is written in Arabic
    /// script: the rest is a father's name (0: as a middle name).
    pub chain_head: f64,
    /// Weight of a person's first word left over while the other name's first word matched
    /// its initial: two given names (`George R. Mitchell`, `Robert Mitchell`).
    pub given_initial: f64,
    /// Weight of a surname left over.
    pub surname: f64,
    /// Weight, relative to a matched word's, of the head of a person's name written as one
    /// (`Rodriguez` of `Rodriguez-Diaz`) that the other name leaves out while it has the
    /// later part: the other name is known by another name. 0 leaves the head to the rules
    /// of other words.
    pub compound_head: f64,
    /// Similarity from which a matched word counts as covered for that leniency.
    pub cover_sim: f64,
    /// Least number of words (but for weak words and initials) a name must have for its
    /// cover to allow the leniency: a name of one word says too little to be the whole of
    /// another (`Abu Ghazzy`, `Naseruddin`).
    pub cover_words: usize,

    // Score.
    /// Exponent bending the credit of a link across scripts (below 1: a fair likeness counts
    /// for more, since a rendering is a guess).
    pub bend_cross: f64,

    // Adjustments: factors on the score.
    /// Factor when initials matched words and no word matched a word: initials alone are no
    /// match (`K.A.S.` and `Kafi Ataallah Salman`).
    pub initials_only: f64,
    /// Factor when both names have a number left unmatched: `No. 8` is not `No. 6`.
    pub numbers_both: f64,
    /// Factor when one organisation's name has a number left unmatched: `Gulf Sunbird II` is
    /// the second of its name, not `Gulf Sunbird`.
    pub number_one_side: f64,
    /// Exponent of the conflict rule: when neither name is covered, the score is multiplied
    /// by (1 − share)^conflict, share being the smaller part of either name's weight left
    /// unmatched. A word against another word (`Al-Tikriti`, `Al-Rawi`) says more against a
    /// match than a word one name leaves out.
    pub conflict: i32,
    /// Factor when both organisations' names have a legal form of one jurisdiction left
    /// unmatched: two companies of one group (`GmbH`, `Sdn. Bhd.`).
    pub form_conflict: f64,
}

impl CompareParams {
    /// Today's values, usable where a `const` is wanted.
    pub const DEFAULT: CompareParams = CompareParams {
        floor_person: 0.6,
        floor_org: 0.66,
        floor_cross: 0.5,
        filial: 0.7,
        acronym: 0.93,
        joined: 0.85,
        syllable: 0.0,
        gender: 0.0,
        number: 1.3,
        initial: 0.35,
        particle: 0.15,
        legal_form: 0.25,
        prefix: 0.1,
        patronymic: 0.5,
        country: 2.0,
        optional: 0.1,
        extra_org: 2.0,
        lenient: 0.5,
        one_word: 2.0,
        surname: 1.5,
        chain_head: 2.0,
        given_initial: 2.0,
        compound_head: 2.0,
        cover_sim: 0.85,
        cover_words: 2,
        bend_cross: 0.7,
        initials_only: 0.5,
        numbers_both: 0.5,
        number_one_side: 0.8,
        conflict: 4,
        form_conflict: 0.8,
    };

    /// What a token's class is worth, times the weight of the token itself.
    pub(crate) fn class_factor(&self, class: TokenClass) -> f64 {
        match class {
            TokenClass::Word => 1.0,
            TokenClass::Number => self.number,
            TokenClass::Initial => self.initial,
            TokenClass::Particle | TokenClass::Honorific => self.particle,
            TokenClass::LegalForm(_) => self.legal_form,
            TokenClass::Prefix => self.prefix,
        }
    }
}

impl Default for CompareParams {
    fn default() -> CompareParams {
        CompareParams::DEFAULT
    }
}

/// Why a parameter could not be set by name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// No field of [`CompareParams`] has this name.
    #[error("unknown comparison parameter `{0}` (known: {known})", known = CompareParams::NAMES.join(", "))]
    Unknown(String),
    /// The value is not a finite number of the field's type.
    #[error("bad value `{value}` for comparison parameter `{name}`")]
    BadValue {
        /// The parameter.
        name: String,
        /// The value given.
        value: String,
    },
}

/// A field's type as written in text.
trait Value: std::str::FromStr {
    fn valid(&self) -> bool {
        true
    }
}

impl Value for f64 {
    fn valid(&self) -> bool {
        self.is_finite()
    }
}

impl Value for i32 {}

impl Value for usize {}

fn parse_into<T: Value>(field: &mut T, name: &str, value: &str) -> Result<(), ParamError> {
    match value.trim().parse::<T>() {
        Ok(v) if v.valid() => {
            *field = v;
            Ok(())
        }
        _ => Err(ParamError::BadValue { name: name.to_string(), value: value.to_string() }),
    }
}

/// [`CompareParams::NAMES`] and [`CompareParams::set`] from one list of the fields.
macro_rules! by_name {
    ($($field:ident),* $(,)?) => {
        impl CompareParams {
            /// The fields' names, as [`CompareParams::set`] takes them.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Sets the field named `name` to `value` written as text (`0.65`, `4`).
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), ParamError> {
                match name {
                    $(stringify!($field) => parse_into(&mut self.$field, name, value),)*
                    _ => Err(ParamError::Unknown(name.to_string())),
                }
            }
        }
    };
}

by_name!(
    floor_person,
    floor_org,
    floor_cross,
    filial,
    acronym,
    joined,
    syllable,
    gender,
    number,
    initial,
    particle,
    legal_form,
    prefix,
    patronymic,
    country,
    optional,
    extra_org,
    lenient,
    one_word,
    chain_head,
    given_initial,
    surname,
    compound_head,
    cover_sim,
    cover_words,
    bend_cross,
    initials_only,
    numbers_both,
    number_one_side,
    conflict,
    form_conflict,
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field can be set by name: the names are the fields of the struct's `Debug`.
    #[test]
    fn every_field_has_a_name() {
        let debug = format!("{:?}", CompareParams::DEFAULT);
        let fields: Vec<&str> =
            debug.split(['{', ',', '}']).filter_map(|part| part.split_once(':').map(|(name, _)| name.trim())).collect();
        assert_eq!(fields, CompareParams::NAMES);
    }

    #[test]
    fn set_by_name() {
        let mut p = CompareParams::default();
        p.set("floor_org", "0.7").unwrap();
        p.set("conflict", " 3").unwrap();
        assert_eq!((p.floor_org, p.conflict), (0.7, 3));
        assert_eq!(p.set("floor", "0.7"), Err(ParamError::Unknown("floor".into())));
        for (name, value) in [("conflict", "2.5"), ("lenient", "x"), ("lenient", "NaN"), ("cover_words", "-1")] {
            let err = ParamError::BadValue { name: name.into(), value: value.into() };
            assert_eq!(p.set(name, value), Err(err));
        }
        assert_eq!(p, CompareParams { floor_org: 0.7, conflict: 3, ..CompareParams::DEFAULT });
    }
}
