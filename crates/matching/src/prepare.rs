//! Preparing a name once for many comparisons: the name is split into its current name, the
//! former or other names it mentions (`Ocean Pioneer (ex-Cape Diamond)`, `... f.k.a. ...`,
//! `formerly ...`) and annotations that do not name it (a vessel's port or flag after a
//! comma or in parentheses, a company's branch or address); each part is romanised (one or
//! more Latin renderings) and tokenised. Token classes are adjusted to the schema: legal forms
//! are ordinary words in a person's name, titles are words in a vessel's (`Kapitan
//! Guseynov`).

use proscribe_model::{Schema, Script};
use proscribe_text::{fold, normalize, romanize, tokens, Token, TokenClass};

/// The most token lists kept for one name.
const MAX_VARIANTS: usize = 8;

/// One token list of a prepared name, with what the comparison needs to know about it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Form {
    /// Index into `PreparedName::variants`.
    pub variant: usize,
    /// Per token: an annotation, whose absence on the other side costs little.
    pub optional: Vec<bool>,
    /// Whether this list is a former or other name rather than the current one.
    pub alternative: bool,
    /// Whether the tokens were transliterated from another script.
    pub transliterated: bool,
    /// Whether the source script writes no short vowels (Arabic, Hebrew).
    pub abjad: bool,
    /// Whether that script is Arabic, whose renderings write every consonant and the long
    /// vowels as they were written (see `similarity::abjad_first_sounds_differ`).
    pub arabic: bool,
    /// Whether the tokens are readings of a syllabic script (Han, kana, Hangul): each is a
    /// syllable or a given name of syllables, never a particle (`bin`, `an`, `do` are
    /// Chinese, Korean and Japanese syllables).
    pub syllabic: bool,
    /// Runs of two to four adjacent tokens that may be written as one word elsewhere, with the
    /// spelling key of their joined text.
    pub runs: Vec<Run>,
    /// Per token: facts about it that the comparison needs, found once here.
    pub flags: Vec<TokenFlags>,
    /// Acronyms the name may be written as: the first letters of runs of two to six words
    /// (`people s liberation army` → `pla`, particles and legal forms skipped), with the run.
    pub acronyms: Vec<(String, u8, u8)>,
    /// Per token: its id among the distinct tokens of an index's names, which identifies it
    /// in a query's memo of token similarities; empty outside an index.
    pub ids: Vec<u32>,
    /// Per token: its weight in that index; empty outside an index.
    pub weights: Vec<f32>,
}

fn acronyms_of(toks: &[Token]) -> Vec<(String, u8, u8)> {
    let mut out = Vec::new();
    let n = toks.len().min(crate::compare::MAX_TOKENS);
    for start in 0..n {
        if toks[start].class != TokenClass::Word {
            continue;
        }
        let mut letters = String::new();
        let mut count = 0;
        for (end, t) in toks.iter().enumerate().take(n).skip(start) {
            // An initial among the words is a person's name (`Alessawi, Khamis F Ali`), not
            // one an acronym stands for. A word's first letter is a character, not a byte:
            // letters no table romanises stay as written (`ʇǝɯɐ`).
            match t.class {
                TokenClass::Word => {
                    letters.extend(t.text.chars().next());
                    count += 1;
                }
                TokenClass::Particle | TokenClass::LegalForm(_) => {}
                _ => break,
            }
            if count > 6 {
                break;
            }
            if count >= 2 && t.class == TokenClass::Word {
                out.push((letters.clone(), start as u8, end as u8 + 1));
            }
        }
    }
    out
}

/// Facts about one token, found when the name is prepared.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct TokenFlags {
    /// It names a country (`Chile`, `Thailand`).
    pub country: bool,
    /// It is a patronymic (`Viktorovich`).
    pub patronymic: bool,
    /// How many filial particles (`bin`, `ibn`) precede it.
    pub segment: u8,
    /// It is itself a filial particle.
    pub filial: bool,
    /// The consonants of its key as a bit set.
    pub mask: u32,
    /// It is a later part of a name written as one with the word before it (see
    /// [`compounds_of`]): that word is its head.
    pub compound_tail: bool,
}

/// Russian, Ukrainian, Belarusian and other patronymics, often left out of Latin renderings;
/// Belarusian `-avich`, `-auna`/`-euna` also as Polish-style renderings write them (`-ewna`).
fn is_patronymic(text: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ovich", "evich", "avich", "ovych", "evych", "ovna", "evna", "ivna", "auna", "euna", "ewna", "ogly", "oglu",
        "kyzy", "qizi",
    ];
    text.len() > 6 && ENDINGS.iter().any(|s| text.ends_with(s))
}

/// Persian words that end a surname made of the word before them, written apart or not
/// (`Reza Zadeh` is Rezazadeh, `Ahmadi Nejad` Ahmadinejad, `Mohammad Pour`), as spelling keys:
/// such a word is the tail of a name written as one, known by its head (see
/// [`compounds_of`]).
const SURNAME_ENDINGS: &[&str] = &["zade", "zada", "nejad", "pur"];

fn flags_of(toks: &[Token], compounds: &[(String, String)]) -> Vec<TokenFlags> {
    let mut segment = 0u8;
    let word = |t: &Token| t.class == TokenClass::Word;
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            let filial = matches!(t.text.as_str(), "bin" | "ibn" | "ben" | "bint" | "binti" | "ould");
            if filial {
                segment = segment.saturating_add(1);
            }
            TokenFlags {
                country: t.class == TokenClass::Word
                    && t.text.len() >= 4
                    && proscribe_model::Country::find_name(&t.text).is_some(),
                patronymic: is_patronymic(&t.text),
                segment,
                filial,
                mask: crate::similarity::consonant_mask(&t.key),
                compound_tail: i > 0
                    && word(t)
                    && word(&toks[i - 1])
                    && (compounds.iter().any(|(h, w)| *h == toks[i - 1].text && *w == t.text)
                        || SURNAME_ENDINGS.contains(&t.key.as_str())),
            }
        })
        .collect()
}

/// Pairs of Latin words written as one name, head first: the parts of a hyphenated word
/// (`Rodriguez-Diaz`, `Pridmore-Smith`, `Jean-Pierre`, `Yong-chol`) and, in a person's name
/// written `SURNAMES, Given`, each surname with the one before it (`GARCIA RODRIGUEZ,
/// Martha`). Such a name is one name: a person is known by its first part (a Spanish
/// father's surname, the whole of a double-barrelled one), never by a later part alone, so
/// that `Joaquin Diaz` is not `Joaquin Rodriguez-Diaz`. A particle is no head
/// (`al-Tikriti`, `Abu-Bakr`), nor is a word of fewer than four letters, which may be one
/// misspelt (`xal-Assad`). Lists that write a person's given names in small letters write the
/// surnames in capitals after them (`Jorge Jesús RODRÍGUEZ GÓMEZ`): those are surnames too.
fn compounds_of(name: &str, norm: &str, person: bool) -> Vec<(String, String)> {
    let latin = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() && (c as u32) < 0x250);
    let mut out = Vec::new();
    let mut push = |h: &str, t: &str| {
        let (h, t) = (fold(h), fold(t));
        if h.len() >= 4 && t.len() >= 2 && !proscribe_text::is_particle(&h) && !proscribe_text::is_particle(&t) {
            out.push((h, t));
        }
    };
    for word in norm.split(|c: char| c.is_whitespace() || c == ',') {
        let parts: Vec<&str> = word.split('-').collect();
        if parts.len() >= 2 && parts.iter().all(|p| latin(p)) {
            for w in parts.windows(2) {
                push(w[0], w[1]);
            }
        }
    }
    if let Some((family, given)) = norm.split_once(',') {
        let words: Vec<&str> = family.split_whitespace().collect();
        if person && !given.contains(',') && (2..=3).contains(&words.len()) && words.iter().all(|w| latin(w)) {
            for w in words.windows(2) {
                push(w[0], w[1]);
            }
        }
    } else if person {
        let words: Vec<&str> = name.split_whitespace().collect();
        let capitals = |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
        let family = words.iter().rev().take_while(|w| capitals(w)).count();
        let given = words.len() - family;
        if given >= 1 && words[..given].iter().all(|w| w.chars().any(char::is_lowercase)) && (2..=3).contains(&family) {
            let family = &words[given..];
            if family.iter().all(|w| latin(w)) {
                for w in family.windows(2) {
                    push(w[0], w[1]);
                }
            }
        }
    }
    out
}

/// Adjacent tokens joined: `abdul salam` → `abdulsalam`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Run {
    /// Index of the first token.
    pub start: u8,
    /// Number of tokens.
    pub len: u8,
    /// The spelling key of the joined text.
    pub key: String,
    /// The key's first two bytes (0 past its end), read without following `key`: most runs
    /// are ruled out by them.
    pub head: [u8; 2],
    /// Whether all the tokens are initials (`a b c`).
    pub initials: bool,
    /// The consonants of the key as a bit set.
    pub mask: u32,
}

/// The longest run of tokens joined into one word.
pub(crate) const MAX_RUN: usize = 4;

/// Whether a token may be part of a run joined against one word (`SiemensAG` is `Siemens
/// AG`, `ABC` is `A.B.C.`).
fn joinable(t: &Token) -> bool {
    !matches!(t.class, TokenClass::Number | TokenClass::Prefix)
}

/// The runs of `toks` that may be joined, none across the written words of `parts` (the
/// word each token was read from, when known).
fn runs_of(toks: &[Token], parts: Option<&[usize]>) -> Vec<Run> {
    let mut out = Vec::new();
    let mut text = String::new();
    let same_part = |a: usize, b: usize| parts.is_none_or(|p| p.get(a) == p.get(b));
    for start in 0..toks.len().min(crate::compare::MAX_TOKENS) {
        text.clear();
        for n in 1..=MAX_RUN {
            if !same_part(start, start + n - 1) {
                break;
            }
            let Some(t) = toks.get(start + n - 1).filter(|t| joinable(t)) else { break };
            text.push_str(&t.text);
            if n >= 2 {
                let initials = toks[start..start + n].iter().all(|t| t.class == TokenClass::Initial);
                let key = proscribe_text::key(&text);
                let mask = crate::similarity::consonant_mask(&key);
                let head = [key.as_bytes().first().copied().unwrap_or(0), key.as_bytes().get(1).copied().unwrap_or(0)];
                out.push(Run { start: start as u8, len: n as u8, key, head, initials, mask });
            }
        }
    }
    out
}

/// For a name in a syllabic script, the written word each of `count` tokens of a reading was
/// read from: readings give a token per character (Mandarin syllables) or per written word
/// (a Korean or Japanese given name read as one word). `None` when the count fits neither.
fn written_words(pieces: &[(String, bool)], count: usize) -> Option<Vec<usize>> {
    let words: Vec<&str> = pieces.iter().flat_map(|(t, _)| t.split_whitespace()).collect();
    if words.len() < 2 {
        return None;
    }
    if count == words.len() {
        return Some((0..count).collect());
    }
    let by_char: Vec<usize> = words
        .iter()
        .enumerate()
        .flat_map(|(w, text)| std::iter::repeat_n(w, text.chars().filter(|c| c.is_alphabetic()).count()))
        .collect();
    (by_char.len() == count).then_some(by_char)
}

/// A name prepared for comparison: its Latin renderings as token lists.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PreparedName {
    /// The name as given.
    pub original: String,
    /// One token list per Latin rendering of the name and of each former name it mentions.
    pub variants: Vec<Vec<Token>>,
    /// The schema the name was prepared for.
    pub schema: Option<Schema>,
    /// The script of the name as given.
    pub script: Script,
    pub(crate) forms: Vec<Form>,
}

/// Words that introduce another name of the same thing.
const ALIAS_MARKERS: &[&str] = &[
    "ex",
    "fka",
    "f k a",
    "f/k/a",
    "formerly",
    "formerly known as",
    "previously",
    "aka",
    "a k a",
    "a/k/a",
    "also known as",
    "nka",
    "n k a",
    "former name",
    "former names",
    "renamed from",
];

/// An alias marker as [`split_aliases`] looks for it.
struct AliasMarker {
    /// Its words.
    parts: Vec<&'static str>,
    /// Its words written together.
    joined: String,
    /// Its words written together without slashes.
    bare: String,
}

/// The [`ALIAS_MARKERS`], split once.
fn alias_markers() -> &'static [AliasMarker] {
    static MARKERS: std::sync::OnceLock<Vec<AliasMarker>> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        ALIAS_MARKERS
            .iter()
            .map(|m| {
                let parts: Vec<&'static str> = m.split(' ').collect();
                AliasMarker { joined: parts.concat(), bare: m.replace(['/', ' '], ""), parts }
            })
            .collect()
    })
}

/// The folded words an alias marker may start with: its first word, or all its words
/// written together (with or without slashes).
fn marker_starts() -> &'static rustc_hash::FxHashSet<&'static str> {
    static STARTS: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> = std::sync::OnceLock::new();
    STARTS
        .get_or_init(|| alias_markers().iter().flat_map(|m| [m.parts[0], m.joined.as_str(), m.bare.as_str()]).collect())
}

/// Words that make a parenthesised or trailing part an annotation rather than a name.
const ANNOTATION_WORDS: &[&str] = &["branch", "flag", "office", "division", "registered", "port"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Main,
    Annotation,
    Alias,
}

impl PreparedName {
    /// Prepares a name of an entity of `schema` (if known).
    pub fn new(name: &str, schema: Option<Schema>) -> PreparedName {
        let script = proscribe_text::script_of(name);
        let norm = normalize(name);
        let parts = split_parts(&norm, schema);
        let compounds = compounds_of(name, &norm, schema == Some(Schema::Person));
        let abjad = matches!(script, Script::Arabic | Script::Hebrew)
            || (script == Script::Mixed && name.chars().any(|c| matches!(c, '\u{0590}'..='\u{06FF}')));
        let arabic = script == Script::Arabic
            || (script == Script::Mixed && name.chars().any(|c| matches!(c, '\u{0600}'..='\u{06FF}')));
        let transliterated = !matches!(script, Script::Latin | Script::None);
        // A foreign name transcribed into Han or kana (its parts between dots) is read as
        // words, not syllables of a Chinese, Japanese or Korean name.
        let syllabic = matches!(script, Script::Han | Script::Japanese | Script::Hangul)
            && !name.contains(proscribe_text::NAME_DOTS);

        // The current name: main parts plus annotations; each alias a name of its own.
        let mut names: Vec<(bool, Vec<(String, bool)>)> = vec![(false, Vec::new())];
        for (kind, text) in parts {
            match kind {
                Part::Main => names[0].1.push((text, false)),
                Part::Annotation => names[0].1.push((text, true)),
                Part::Alias => names.push((true, vec![(text, false)])),
            }
        }

        let mut variants: Vec<Vec<Token>> = Vec::new();
        let mut forms: Vec<Form> = Vec::new();
        for (alternative, pieces) in names {
            if pieces.iter().all(|(t, _)| t.trim().is_empty()) {
                continue;
            }
            let renderings: Vec<Vec<String>> = pieces.iter().map(|(t, _)| romanize(t)).collect();
            let count = renderings.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..count {
                if variants.len() >= MAX_VARIANTS {
                    break;
                }
                let mut toks: Vec<Token> = Vec::new();
                let mut optional: Vec<bool> = Vec::new();
                for ((_, opt), r) in pieces.iter().zip(&renderings) {
                    let text = &r[k.min(r.len() - 1)];
                    let mut t = tokens(text);
                    if alternative {
                        drop_years(&mut t);
                    }
                    optional.extend(std::iter::repeat_n(*opt, t.len()));
                    toks.extend(t);
                }
                adjust_classes(&mut toks, schema, syllabic);
                if toks.is_empty() || variants.contains(&toks) {
                    continue;
                }
                // Syllables are written together in Latin (`Jin Ping`, `Jinping`) within a
                // given name, never across the words the name was written in: `燕 黄` is a
                // given name and a surname, never one word `Enki`.
                let parts = if syllabic { written_words(&pieces, toks.len()) } else { None };
                let runs = runs_of(&toks, parts.as_deref());
                let flags = flags_of(&toks, &compounds);
                // Only an organisation's name is written as its initials: a name of unknown kind
                // may be a person's, and `Anne Derek Franklin` is not the `ADF`.
                let acronyms = match schema {
                    None | Some(Schema::Person) => Vec::new(),
                    Some(_) => acronyms_of(&toks),
                };
                forms.push(Form {
                    variant: variants.len(),
                    optional,
                    alternative,
                    transliterated,
                    abjad,
                    arabic,
                    syllabic,
                    runs,
                    flags,
                    acronyms,
                    ids: Vec::new(),
                    weights: Vec::new(),
                });
                variants.push(toks);
            }
        }
        PreparedName { original: name.to_string(), variants, schema, script, forms }
    }

    /// Reads a little of every part of the name that a comparison reads and returns a
    /// meaningless sum of it. Listed names lie scattered in memory; reading the parts of all
    /// of a query's candidates at once, before comparing them, waits for memory once for all
    /// of them instead of once per part per comparison.
    pub(crate) fn warm(&self) -> usize {
        let mut sum = usize::from(self.schema.is_some());
        for f in &self.forms {
            sum += f.optional.len() + f.acronyms.len();
            sum += f.ids.first().map_or(0, |&i| i as usize) + f.weights.first().map_or(0, |&w| w as usize);
            sum += f.flags.first().map_or(0, |x| x.mask as usize);
            sum += f.runs.iter().map(|r| usize::from(r.key.as_bytes().first().copied().unwrap_or(0))).sum::<usize>();
        }
        for t in self.variants.iter().flatten() {
            let first = |s: &str| usize::from(s.as_bytes().first().copied().unwrap_or(0));
            sum += first(&t.text) + first(&t.key) + first(&t.skeleton);
        }
        sum
    }

    /// Whether the name has no tokens at all (empty, or only punctuation or symbols).
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }
}

/// Token classes that depend on what is named.
fn adjust_classes(toks: &mut [Token], schema: Option<Schema>, syllabic: bool) {
    for t in toks.iter_mut() {
        // A word as `tokens` made it has the key of its text already.
        let mut changed = t.class != TokenClass::Word;
        // A person's name takes back a one-word legal form as written (`Wei Chao`).
        if let (Some(Schema::Person), TokenClass::LegalForm(_), Some(w)) = (schema, t.class, &t.written) {
            if !w.contains(' ') {
                t.text = w.to_string();
                changed = true;
            }
        }
        t.class = match (schema, t.class) {
            // A reading of a syllabic script has no particles, titles or initials: `an`,
            // `bin`, `do`, `o` are syllables of names there.
            (_, TokenClass::Particle | TokenClass::Honorific | TokenClass::Initial) if syllabic => TokenClass::Word,
            (Some(Schema::Person), TokenClass::LegalForm(_)) => TokenClass::Word,
            (Some(Schema::Person), TokenClass::Prefix) => TokenClass::Honorific,
            (Some(Schema::Vessel | Schema::Aircraft), TokenClass::Honorific) => TokenClass::Word,
            // A vessel's or an aircraft's name has no initials: a letter in it is a letter of
            // the name (`M-VITO` is not `Modugno, Vito`).
            (Some(Schema::Vessel | Schema::Aircraft), TokenClass::Initial) => TokenClass::Word,
            (_, c) => c,
        };
        if changed
            && t.class == TokenClass::Word
            && t.key != proscribe_text::key(&t.text)
            && !t.text.starts_with("abdul")
        {
            t.key = proscribe_text::key(&t.text);
            t.skeleton = proscribe_text::skeleton(&t.text);
        }
    }
}

/// Years in a former name say when it was used (`ex Lindos Harrier until 2019`), not what it
/// was.
fn drop_years(toks: &mut Vec<Token>) {
    let is_year = |t: &Token| {
        t.class == TokenClass::Number && t.text.len() == 4 && (t.text.starts_with("19") || t.text.starts_with("20"))
    };
    let mut i = 0;
    while i < toks.len() {
        if is_year(&toks[i]) {
            toks.remove(i);
            if i > 0 && matches!(toks[i - 1].text.as_str(), "until" | "till" | "since" | "to" | "from" | "in") {
                toks.remove(i - 1);
                i -= 1;
            }
        } else {
            i += 1;
        }
    }
}

/// Splits normalised text into its parts: the name, annotations, and other names.
fn split_parts(norm: &str, schema: Option<Schema>) -> Vec<(Part, String)> {
    let person = schema == Some(Schema::Person);
    let vessel = matches!(schema, Some(Schema::Vessel | Schema::Aircraft));
    let mut out: Vec<(Part, String)> = Vec::new();
    // Lists write people `SURNAME, Given`: read it in the order of the other names.
    let rotated;
    let norm = match norm.split_once(',') {
        Some((family, given)) if person && !given.contains(',') && !given.trim().is_empty() => {
            rotated = format!("{} {}", given.trim(), family.trim());
            rotated.as_str()
        }
        _ => norm,
    };
    // Parenthesised groups first.
    let mut main = String::with_capacity(norm.len());
    let mut groups: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut group = String::new();
    for c in norm.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth == 1 {
                    group.clear();
                    main.push(' ');
                    continue;
                }
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    groups.push(std::mem::take(&mut group));
                    main.push(' ');
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            group.push(c);
        } else {
            main.push(c);
        }
    }
    if depth > 0 {
        groups.push(group);
    }

    // Alias markers in the main text: `A f.k.a. B`, `A, formerly B`, `A ex B`.
    let (main_name, mut main_aliases) = split_aliases(&main, false);
    // `Al-Qa'ida/Islamic Army`: a slash between words (not `A/S`, `M/V`, `f/k/a`) separates
    // names.
    let main_name = match slash_names(&main_name) {
        Some((first, rest)) => {
            main_aliases.extend(rest);
            first
        }
        None => main_name,
    };
    // Trailing parts of the main text after a comma or a spaced dash.
    let mut segments = split_trailing(&main_name);
    let first = segments.remove(0);
    // Whether a part ends with a legal form only matters for trailing parts of names of
    // organisations: a person's trailing part is never an annotation, a vessel's always.
    let forms_matter = !person && !vessel && !segments.is_empty();
    let mut prev_ends_with_form = forms_matter && ends_with_legal_form(&first);
    out.push((Part::Main, first));
    for seg in segments {
        // `Co., Ltd.`, `Inc, ...`: a part that is only a legal form belongs to the name.
        if only_legal_forms(&seg) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(&seg);
                prev_ends_with_form = true;
                continue;
            }
        }
        let annotation = !person && (vessel || prev_ends_with_form || has_annotation_word(&seg));
        prev_ends_with_form = forms_matter && ends_with_legal_form(&seg);
        out.push((if annotation { Part::Annotation } else { Part::Main }, seg));
    }
    for a in main_aliases {
        out.push((Part::Alias, a));
    }
    for g in groups {
        let (before, aliases) = split_aliases(&g, true);
        if !before.trim().is_empty() {
            let annotation = !person && (vessel || has_annotation_word(&before));
            out.push((if annotation { Part::Annotation } else { Part::Main }, before));
        }
        for a in aliases {
            out.push((Part::Alias, a));
        }
    }
    out
}

fn slash_names(text: &str) -> Option<(String, Vec<String>)> {
    if !text.contains('/') {
        return None;
    }
    let parts: Vec<&str> = text.split('/').collect();
    if parts.len() < 2 {
        return None;
    }
    // Every cut must be between two words of three letters or more.
    for w in parts.windows(2) {
        let left = w[0].rsplit(|c: char| !c.is_alphanumeric() && c != '\'').next().unwrap_or("");
        let right = w[1].split(|c: char| !c.is_alphanumeric() && c != '\'').next().unwrap_or("");
        if left.chars().filter(|c| c.is_alphabetic()).count() < 3
            || right.chars().filter(|c| c.is_alphabetic()).count() < 3
        {
            return None;
        }
    }
    Some((parts[0].to_string(), parts[1..].iter().map(|p| p.to_string()).collect()))
}

fn has_annotation_word(text: &str) -> bool {
    proscribe_text::fold(text).split(' ').any(|w| ANNOTATION_WORDS.contains(&w))
}

fn only_legal_forms(text: &str) -> bool {
    let folded = romanize(text).into_iter().next().unwrap_or_default();
    if !last_word_may_end_legal_form(&folded) {
        return false;
    }
    let t = tokens(&folded);
    !t.is_empty() && t.iter().all(|t| matches!(t.class, TokenClass::LegalForm(_)))
}

fn ends_with_legal_form(text: &str) -> bool {
    let folded = romanize(text).into_iter().next().unwrap_or_default();
    if !last_word_may_end_legal_form(&folded) {
        return false;
    }
    tokens(&folded).last().is_some_and(|t| matches!(t.class, TokenClass::LegalForm(_)))
}

/// Whether the last word of folded text may end a legal form: the last token is one only if
/// it does, which spares most parts their tokens.
fn last_word_may_end_legal_form(folded: &str) -> bool {
    folded.rsplit(' ').next().is_some_and(proscribe_text::may_end_legal_form)
}

/// Splits text at the commas and spaced dashes after its first part.
fn split_trailing(text: &str) -> Vec<String> {
    let mut pieces = text.split(',');
    let first = pieces.next().unwrap_or_default();
    // A part with no letters or digits of its own is no part.
    let mut kept: Vec<String> = Vec::new();
    for p in first.split(" - ").chain(pieces) {
        if p.chars().any(char::is_alphanumeric) || kept.is_empty() {
            kept.push(p.to_string());
        }
    }
    kept
}

/// Splits `A ex B ex C` into `A` and `[B, C]` at alias markers, which are recognised as
/// folded words (`f.k.a.`, `f/k/a` and `fka` alike).
fn split_aliases(text: &str, in_group: bool) -> (String, Vec<String>) {
    // Work on words separated by spaces, keeping each word's original text.
    let fold_word = |w: &str, f: &mut String| {
        proscribe_text::fold_into(w, f);
        f.retain(|c| c != ' ');
    };
    // A marker starts with a word that is one of its first words, or `ex-` glued to a name:
    // most names have none, and are left whole without more work.
    let starts = marker_starts();
    let mut f = String::new();
    let may_have_marker = text.split(' ').any(|w| {
        fold_word(w, &mut f);
        starts.contains(f.as_str()) || w.starts_with("ex-")
    });
    if !may_have_marker {
        return (text.to_string(), Vec::new());
    }
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let folded: Vec<String> = words
        .iter()
        .map(|w| {
            let mut f = String::new();
            fold_word(w, &mut f);
            f
        })
        .collect();
    let mut cuts: Vec<(usize, usize)> = Vec::new(); // (start of marker, words in marker)
    let mut i = 0;
    while i < words.len() {
        let mut matched = 0;
        for m in alias_markers() {
            // A marker spelt with dots or slashes is one word once folded (`f.k.a.` → `fka`).
            if folded[i] == m.joined || folded[i] == m.bare {
                matched = matched.max(1);
            } else if i + m.parts.len() <= words.len() && m.parts.iter().enumerate().all(|(k, p)| folded[i + k] == *p) {
                matched = matched.max(m.parts.len());
            }
        }
        // `ex-` glued to the name: `ex-cape` is the marker `ex` and the word `cape`.
        let glued = words[i].starts_with("ex-") && words[i].len() > 3;
        // The marker must follow something (a name does not start with `ex`) and `ex` must not
        // be an ordinary word of the name; it is when nothing follows it.
        let may_start = i > 0 || in_group;
        if glued && may_start {
            cuts.push((i, 0));
            i += 1;
            continue;
        }
        if matched > 0 && may_start && i + matched < words.len() {
            cuts.push((i, matched));
            i += matched;
            continue;
        }
        i += 1;
    }
    if cuts.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let mut names: Vec<String> = Vec::new();
    let main = words[..cuts[0].0].join(" ");
    for (k, &(start, len)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(words.len(), |c| c.0);
        let mut alias_words: Vec<&str> = words[start + len..end].to_vec();
        if len == 0 {
            if let Some(first) = alias_words.first_mut() {
                *first = &first[3..];
            }
        }
        let alias = alias_words.join(" ");
        let alias = alias.trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace()).to_string();
        if !alias.is_empty() {
            names.push(alias);
        }
    }
    let main = main.trim_end_matches(|c: char| c == ',' || c == ';' || c.is_whitespace()).to_string();
    (main, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, schema: Schema, expect: &[&str]) {
        let p = PreparedName::new(name, Some(schema));
        let got: Vec<String> = p
            .forms
            .iter()
            .map(|f| {
                let words: Vec<String> = p.variants[f.variant]
                    .iter()
                    .zip(&f.optional)
                    .map(|(t, o)| if *o { format!("({})", t.text) } else { t.text.clone() })
                    .collect();
                format!("{}{}", if f.alternative { "alt: " } else { "" }, words.join(" "))
            })
            .collect();
        assert_eq!(got, expect, "{name:?}");
    }

    /// Acronyms take a word's first character, whatever its script: letters no table
    /// romanises (upside-down Latin, IPA) are kept as written, several bytes long.
    #[test]
    fn acronyms_of_letters_left_as_written() {
        let p = PreparedName::new("ʇǝɯɐ ʇᴉs ɹolop ɯnsdᴉ", Some(Schema::Organization));
        let acronyms: Vec<&str> = p.forms.iter().flat_map(|f| f.acronyms.iter().map(|a| a.0.as_str())).collect();
        assert!(acronyms.contains(&"ʇʇɹɯ"), "{acronyms:?}");
        let p = PreparedName::new("People's Liberation Army", Some(Schema::Organization));
        assert!(p.forms[0].acronyms.iter().any(|a| a.0 == "pla"));
        // Of a name of unknown kind or a person's, none.
        for schema in [None, Some(Schema::Person)] {
            assert!(PreparedName::new("People's Liberation Army", schema).forms[0].acronyms.is_empty());
        }
    }

    #[test]
    fn patronymics() {
        for word in ["vladimirovich", "leanidavich", "mykolaiovych", "ivanovna", "iureuna", "jurjewna", "aliyevna"] {
            assert!(is_patronymic(word), "{word}");
        }
        for word in ["ivan", "rakhmanava", "fortuna", "abramovic", "horvath"] {
            assert!(!is_patronymic(word), "{word}");
        }
    }

    #[test]
    fn parts_of_names() {
        use Schema::*;
        let cases: &[(&str, Schema, &[&str])] = &[
            ("Ocean Pioneer (ex-Cape Diamond)", Vessel, &["ocean pioneer", "alt: cape diamond"]),
            (
                "MV Karachi Crescent (ex Mandvi Bay, ex Wanshan Pearl)",
                Vessel,
                &["mv karachi crescent", "alt: mandvi bay", "alt: wanshan pearl"],
            ),
            ("Theodosia K (ex-Lindos Harrier until 2019)", Vessel, &["theodosia k", "alt: lindos harrier"]),
            ("MV Soja Paranaense, Santos", Vessel, &["mv soja paranaense (santos)"]),
            ("Kalliopi Dawn ex Orion Tanager", Vessel, &["kalliopi dawn", "alt: orion tanager"]),
            (
                "Olmsbury Grain Corporation f/k/a Olmsbury Milling Corporation",
                Company,
                &["olmsbury grain corp", "alt: olmsbury milling corp"],
            ),
            ("Muheza Sisal Estates Ltd (Korogwe Branch)", Company, &["muheza sisal estates ltd (korogwe) (branch)"]),
            ("Marrowby Chemicals (Thailand) Co., Ltd.", Company, &["marrowby chemicals ltd thailand"]),
            (
                "Sindh Agro Chemicals (Pvt) Ltd, Sukkur Branch",
                Company,
                &["sindh agro chemicals ltd (sukkur) (branch) ltd"],
            ),
            ("Frost, William W.", Person, &["william w frost"]),
            ("Ex Nihilo Ltd", Company, &["ex nihilo ltd"]),
            ("Al-Qa'ida/Islamic Army", Organization, &["al qaida", "alt: islamic army"]),
            ("Bowne Denmark A/S", Company, &["bowne denmark as"]),
            ("", Person, &[]),
            ("()", Person, &[]),
        ];
        for (name, schema, expect) in cases {
            check(name, *schema, expect);
        }
    }
}
