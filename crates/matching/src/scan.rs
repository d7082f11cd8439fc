//! Free-text scanning: mentions of listed names in running text (news in any language), with
//! their byte spans. Text is cut into words (possessive endings dropped, words hyphenated
//! across a line break joined) and into stretches that a name does not cross (sentence ends,
//! blank lines); every run of up to [`ScanOptions::max_words`] words that starts and ends with
//! a word some listed name uses is screened like a name, and the best non-overlapping runs
//! that match are kept, each with every entity whose name it matches. A name split across lines is a name, and an inflected or other-script
//! form is found by the same spelling tolerance and transliteration as screening.
//!
//! Precision comes first, because a text holds many words that some list uses as an alias:
//! weak aliases ("the Base", "Patty") are never matched; in scripts with capitals a mention
//! begins and ends with a capitalised word; a one-word mention must be an entity's main name
//! of at least [`MIN_SINGLE_WORD_LEN`] letters, not at the start of a sentence (`al-Qaida` is
//! two words); every word of a mention must be matched; a mention needs a word that few
//! names use, and a mention of a person words that together say enough ("Abdul Salam" alone
//! is no mention); and the name score must reach [`ScanOptions::threshold`], higher than
//! screening's. Cyrillic words are also tried without their case endings (`Талибана`,
//! `Амиром Ханом`), since lists give names in the nominative.

use proscribe_model::{NameKind, Schema, Script};

use crate::index::{Index, IndexedName};
use crate::{compare_names, NameMatch, PreparedName};

/// Default score from which a run of words is a mention: higher than screening's threshold,
/// because nothing but the name is known.
pub const SCAN_THRESHOLD: f64 = 0.88;

/// A one-word mention needs at least this many letters.
pub const MIN_SINGLE_WORD_LEN: usize = 5;

/// A mention of a person needs words at least this informative together (the sum of their
/// [`Index::word_weight`]s): two given names common in the lists ("Abdul Salam") are no
/// mention, a given name and a rare surname are.
pub const MIN_PERSON_WEIGHT: f64 = 1.5;

/// Names proposed by the index for each run of words.
const CANDIDATES: usize = 16;

/// A mention needs a word at least this informative (as [`Index::word_weight`] weighs it: a
/// word used by at most a couple of hundred names of all lists).
pub const MIN_DISTINCTIVE_WEIGHT: f64 = 0.6;

/// How to scan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanOptions {
    /// Name score from which a run of words is a mention.
    pub threshold: f64,
    /// Longest run of words tried as a name.
    pub max_words: usize,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions { threshold: SCAN_THRESHOLD, max_words: 6 }
    }
}

/// A mention of listed names in a text: a span and the entities it may name.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte offset of the first byte of the mention.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
    /// The entities whose names match, best first (the same person or group is often on
    /// several lists).
    pub hits: Vec<MentionHit>,
}

/// An entity a mention may name.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionHit {
    /// Position of the entity in [`Index::entities`].
    pub entity: u32,
    /// Position of the listed name in [`Index::names`].
    pub name: u32,
    /// The name score.
    pub score: f64,
    /// The comparison of the mention with the listed name.
    pub name_match: NameMatch,
}

impl Mention {
    /// The best score of the mention.
    pub fn score(&self) -> f64 {
        self.hits.first().map_or(0.0, |h| h.score)
    }
}

/// A word of the text.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    /// The word as compared: possessive ending dropped, a hyphenated line break joined.
    text: String,
    /// Begins with a capital letter, or is written in a script without capitals.
    capital: bool,
    /// A sentence end or a blank line follows it.
    ends_stretch: bool,
    /// Whether it may begin a sentence (the first word of a stretch), where a capital says
    /// nothing.
    first: bool,
    /// Written in a script without capitals.
    caseless: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_mark(c)
}

/// Combining marks (Arabic vowel signs, Devanagari matras) belong to the word they are in.
fn unicode_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x102B..=0x103E)
}

/// Scripts whose names run together without spaces: each character is a word.
fn one_char_words(c: char) -> bool {
    matches!(Script::detect(c.encode_utf8(&mut [0; 4])), Script::Han | Script::Japanese)
}

/// Cuts `text` into words.
fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !is_word_char(c) {
            // What separates words may end a stretch: a sentence end, a blank line.
            if let Some(last) = out.last_mut() {
                let ends = match c {
                    '.' => {
                        // "A." and "Dr." end no sentence; a full stop after a longer word does.
                        let letters = last.text.chars().count();
                        letters > 3 && last.end == start
                    }
                    '!' | '?' | ';' | ':' | '(' | ')' | '"' | '“' | '”' | '«' | '»' | '|' | '。' | '、' => true,
                    '\n' => text[last.end..start].contains('\n'),
                    _ => false,
                };
                last.ends_stretch |= ends;
            }
            i += 1;
            continue;
        }
        if one_char_words(c) {
            let first = out.last().is_none_or(|w| w.ends_stretch);
            let text = c.to_string();
            out.push(Word {
                start,
                end: start + c.len_utf8(),
                text,
                capital: true,
                ends_stretch: false,
                first,
                caseless: true,
            });
            i += 1;
            continue;
        }
        // A word: letters and digits, with apostrophes and hyphens inside it.
        let mut j = i;
        let mut joined = String::new();
        loop {
            while j < chars.len() && is_word_char(chars[j].1) && !one_char_words(chars[j].1) {
                joined.push(chars[j].1);
                j += 1;
            }
            let inner = |k: usize| k + 1 < chars.len() && is_word_char(chars[k + 1].1);
            if j < chars.len() && matches!(chars[j].1, '\'' | '’' | '-' | '‐') && inner(j) {
                joined.push(chars[j].1);
                j += 1;
                continue;
            }
            // A hyphen at the end of a line joins the word to its rest on the next line.
            if j < chars.len() && chars[j].1 == '-' {
                let mut k = j + 1;
                while k < chars.len() && matches!(chars[k].1, ' ' | '\t' | '\r') {
                    k += 1;
                }
                if k < chars.len() && chars[k].1 == '\n' {
                    k += 1;
                    while k < chars.len() && matches!(chars[k].1, ' ' | '\t' | '\r') {
                        k += 1;
                    }
                    if k < chars.len() && chars[k].1.is_lowercase() {
                        j = k;
                        continue;
                    }
                }
            }
            break;
        }
        let mut end = if j < chars.len() { chars[j].0 } else { text.len() };
        let mut word = joined;
        // Possessives (Motaqi's, Motaqi’s) are left out of the word and of the mention.
        for suffix in ["'s", "’s", "'S", "’S"] {
            if word.len() > suffix.len() + 1 && word.ends_with(suffix) && text[..end].ends_with(suffix) {
                word.truncate(word.len() - suffix.len());
                end -= suffix.len();
            }
        }
        // Capitalised, or a lower-case particle joined to a capitalised name (al-Qaida), or
        // in a script without capitals.
        let capital = word.split(['-', '‐', '\'', '’']).any(|part| {
            let first = part.chars().next().unwrap_or(' ');
            first.is_uppercase() || (first.is_alphabetic() && !first.is_lowercase())
        });
        let caseless = word.chars().all(|c| !c.is_lowercase() && !c.is_uppercase());
        let first = out.last().is_none_or(|w| w.ends_stretch);
        out.push(Word { start, end, text: word, capital, ends_stretch: false, first, caseless });
        i = j;
    }
    out
}

/// Finds the mentions of listed names in `text`, in text order.
pub fn scan(index: &Index, text: &str, options: &ScanOptions) -> Vec<Mention> {
    scan_until(index, text, options, &|| false).expect("a scan never asked to stop ends")
}

/// [`scan`], asking `stop` between words and giving up (`None`) as soon as it answers yes: a
/// long text is not scanned on for a caller that has gone.
pub fn scan_until(index: &Index, text: &str, options: &ScanOptions, stop: &dyn Fn() -> bool) -> Option<Vec<Mention>> {
    let words = words(text);
    // Which words some listed name uses (allowing for spelling): a mention starts and ends
    // with one.
    let mut known: Vec<bool> = Vec::with_capacity(words.len());
    for w in &words {
        if stop() {
            return None;
        }
        let stem = without_case_endings(&[w.text.as_str()]);
        let knows = |form: &str| {
            let p = PreparedName::new(form, None);
            p.variants.iter().flatten().any(|t| index.knows_word(&t.text))
        };
        known.push(knows(&w.text) || stem.as_deref().is_some_and(knows));
    }
    let mut found: Vec<Mention> = Vec::new();
    for i in 0..words.len() {
        if stop() {
            return None;
        }
        if !known[i] || !words[i].capital {
            continue;
        }
        for j in i..words.len().min(i + options.max_words.max(1)) {
            if j > i && words[j - 1].ends_stretch {
                break;
            }
            if !known[j] || !words[j].capital {
                continue;
            }
            let run: Vec<&str> = words[i..=j].iter().map(|w| w.text.as_str()).collect();
            // A capital at the start of a sentence says nothing: one word there is no mention.
            let single_ok = !words[i].first || words[i].caseless;
            let mut hits = matches(index, &run.join(" "), single_ok, options);
            if hits.is_empty() {
                if let Some(stemmed) = without_case_endings(&run) {
                    hits = matches(index, &stemmed, single_ok, options);
                }
            }
            if !hits.is_empty() {
                found.push(Mention { start: words[i].start, end: words[j].end, hits });
            }
        }
    }
    // The best mentions that do not overlap, longer ones first among equals.
    found.sort_by(|a, b| {
        b.score().total_cmp(&a.score()).then((b.end - b.start).cmp(&(a.end - a.start))).then(a.start.cmp(&b.start))
    });
    // A shorter run inside a kept one stays when it names other entities ("The Taliban" on
    // one list, "Taliban" on others).
    let mut kept: Vec<Mention> = Vec::new();
    for mut m in found {
        let apart = |k: &Mention| m.end <= k.start || m.start >= k.end;
        let inside = |k: &Mention| m.start >= k.start && m.end <= k.end;
        if kept.iter().all(|k| apart(k) || inside(k)) {
            m.hits.retain(|h| !kept.iter().filter(|k| !apart(k)).any(|k| k.hits.iter().any(|o| o.entity == h.entity)));
            if !m.hits.is_empty() {
                kept.push(m);
            }
        }
    }
    kept.sort_by_key(|m| m.start);
    Some(kept)
}

/// The entities a run of words may name, best first (empty when it is no mention).
fn matches(index: &Index, run: &str, single_ok: bool, options: &ScanOptions) -> Vec<MentionHit> {
    let prepared = PreparedName::new(run, None);
    let count = prepared.variants.iter().map(Vec::len).max().unwrap_or(0);
    // Common words are no mention without a word few names use.
    let distinctive = prepared.variants.iter().flatten().any(|t| index.word_weight(&t.text) >= MIN_DISTINCTIVE_WEIGHT);
    if count == 0 || !distinctive || (count == 1 && !single_ok) {
        return Vec::new();
    }
    let weight: f64 =
        prepared.variants.iter().map(|v| v.iter().map(|t| index.word_weight(&t.text)).sum::<f64>()).fold(0.0, f64::max);
    let mut hits: Vec<MentionHit> = Vec::new();
    for c in index.candidates(&prepared, CANDIDATES) {
        let form = index.form_prepared(c.form);
        let mut m: Option<NameMatch> = None;
        for &n in index.form_names(c.form) {
            let listed = &index.names()[n as usize];
            if listed.kind() == NameKind::WeakAlias {
                continue;
            }
            let schema = index.entity(listed.entity).schema;
            if count == 1 && !distinctive_single_word(listed, schema, form, run) {
                continue;
            }
            if weight < MIN_PERSON_WEIGHT && index.entity(listed.entity).schema == Schema::Person {
                continue;
            }
            let m = m.get_or_insert_with(|| compare_names(&prepared, form, index));
            if m.score < options.threshold || !m.unmatched_query.is_empty() {
                break;
            }
            let hit = MentionHit { entity: listed.entity, name: n, score: m.score, name_match: m.clone() };
            match hits.iter_mut().find(|h| h.entity == listed.entity) {
                Some(h) if hit.score > h.score => *h = hit,
                Some(_) => {}
                None => hits.push(hit),
            }
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entity.cmp(&b.entity)));
    hits
}

/// Whether a one-word mention may stand for a listed name: the name is that one word, long
/// enough, and the entity's main name (or its original-script form), or an alias of an
/// organisation, vessel or aircraft written exactly so (`Hezbollah`). A person's one-word
/// aliases are too often first names or common words ("Patricio", "Lucas").
fn distinctive_single_word(listed: &IndexedName, schema: Schema, prepared: &PreparedName, word: &str) -> bool {
    let Some(tokens) = prepared.variants.first() else { return false };
    let exact = || proscribe_text::fold(word) == proscribe_text::fold(&prepared.original);
    let name_ok = match listed.kind() {
        NameKind::Primary | NameKind::Original => true,
        NameKind::Alias => schema != Schema::Person && exact(),
        NameKind::WeakAlias | NameKind::Former => false,
    };
    name_ok && tokens.len() == 1 && word.chars().filter(|c| c.is_alphabetic()).count() >= MIN_SINGLE_WORD_LEN
}

/// Case endings of Russian, Ukrainian and Belarusian nouns and names, longest first: the
/// instrumental of surnames in `-ин`/`-ов` (`Путиным`, `Лавровым`) and of given names
/// (`Сергеем`), the Ukrainian dative and instrumental (`Зеленському`, `Петрові`, `Юлією`).
const CYRILLIC_ENDINGS: &[&str] = &[
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ові", "еві", "ою", "ею", "ым", "им", "ом", "ем", "ой",
    "ей", "ам", "ям", "ах", "ях", "а", "я", "у", "ю", "е", "ы", "и", "і",
];

/// Arabic words that attach to the next word (`و` and, `ب` by, `ل` for, `ف` then, `ك` as),
/// taken off when the rest is a word of three letters or more (`وحزب الله` → `حزب الله`),
/// longest first; before the article, `لل` is `ل` + `ال`.
const ARABIC_PROCLITICS: &[(&str, &str)] = &[
    ("وال", "ال"),
    ("بال", "ال"),
    ("فال", "ال"),
    ("كال", "ال"),
    ("لل", "ال"),
    ("و", ""),
    ("ب", ""),
    ("ل", ""),
    ("ف", ""),
];

/// The run with the inflections of its words taken off, when there is any: names are
/// listed in the nominative and standing alone. Cyrillic words lose a case ending
/// (`Амиром Ханом` → `Амир Хан`), Arabic words the conjunction or preposition written onto
/// them (`وطالبان` → `طالبان`).
fn without_case_endings(run: &[&str]) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = run
        .iter()
        .map(|w| {
            match Script::detect(w) {
                Script::Cyrillic => {
                    for ending in CYRILLIC_ENDINGS {
                        if let Some(stem) = w.strip_suffix(ending) {
                            if stem.chars().count() >= 3 {
                                changed = true;
                                return stem.to_string();
                            }
                        }
                    }
                }
                Script::Arabic => {
                    for (proclitic, kept) in ARABIC_PROCLITICS {
                        if let Some(rest) = w.strip_prefix(proclitic) {
                            if rest.chars().count() + kept.chars().count() >= 3 {
                                changed = true;
                                return format!("{kept}{rest}");
                            }
                        }
                    }
                }
                _ => {}
            }
            w.to_string()
        })
        .collect();
    changed.then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use proscribe_model::{Entity, Name, Schema};

    use super::*;

    fn index() -> Index {
        let entity = |id: &str, schema: Schema, names: &[(&str, NameKind)]| {
            let mut e = Entity::new(id, schema);
            for (n, k) in names {
                e.add_name(Name::new(*n, *k));
            }
            e
        };
        Index::build(vec![
            entity(
                "motaqi",
                Schema::Person,
                &[
                    ("AMIR KHAN MOTAQI", NameKind::Primary),
                    ("Amir Khan Muttaqi", NameKind::Alias),
                    ("Амир Хан Муттаки", NameKind::Original),
                ],
            ),
            entity(
                "taliban",
                Schema::Organization,
                &[("TALIBAN", NameKind::Primary), ("Талибан", NameKind::Original), ("طالبان", NameKind::Original)],
            ),
            entity(
                "lavrov",
                Schema::Person,
                &[("LAVROV, Sergei Viktorovich", NameKind::Primary), ("Сергей Лавров", NameKind::Original)],
            ),
            entity(
                "hezbollah",
                Schema::Organization,
                &[("HIZBALLAH", NameKind::Primary), ("Hezbollah", NameKind::Alias)],
            ),
            entity(
                "qaida",
                Schema::Organization,
                &[("AL-QAIDA", NameKind::Primary), ("The Base", NameKind::WeakAlias)],
            ),
            entity(
                "patty",
                Schema::Person,
                &[("RODRIGUEZ OREJUELA, Miguel", NameKind::Primary), ("PATTY", NameKind::WeakAlias)],
            ),
        ])
    }

    /// The mentions found in `text`: (text as written, entity id).
    fn check(text: &str, expected: &[(&str, &str)]) {
        let index = index();
        let got: Vec<(String, String)> = scan(&index, text, &ScanOptions::default())
            .iter()
            .map(|m| (text[m.start..m.end].to_string(), index.entity(m.hits[0].entity).id.clone()))
            .collect();
        let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(got, expected, "{text:?}");
    }

    #[test]
    fn mentions_are_found_with_their_spans() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("Talks with Amir Khan Muttaqi ended.", &[("Amir Khan Muttaqi", "motaqi")]),
            ("Amir Khan Motaqi's visit", &[("Amir Khan Motaqi", "motaqi")]),
            ("the minister, Amir Khan\nMuttaqi, said", &[("Amir Khan\nMuttaqi", "motaqi")]),
            ("the minister Amir Khan Mut-\ntaqi said", &[("Amir Khan Mut-\ntaqi", "motaqi")]),
            ("Министр Амир Хан Муттаки заявил", &[("Амир Хан Муттаки", "motaqi")]),
            ("Представители Талибана прибыли", &[("Талибана", "taliban")]),
            ("встреча с Амиром Ханом Муттаки", &[("Амиром Ханом Муттаки", "motaqi")]),
            ("переговоры с Сергеем Лавровым", &[("Сергеем Лавровым", "lavrov")]),
            ("лист Лавровим і Муттаки", &[]),
            ("التقى وفد وطالبان", &[("وطالبان", "taliban")]),
            ("Officials of Hezbollah said", &[("Hezbollah", "hezbollah")]),
            ("Officials of Hizbullah said", &[]),
            ("The Taliban and al-Qaida", &[("Taliban", "taliban"), ("al-Qaida", "qaida")]),
            ("the base of the hill; Patty said", &[]),
            ("Taliban leaders met. Talks went on", &[]),
            ("Leaders of the Taliban met", &[("Taliban", "taliban")]),
            ("The Base is a weak alias", &[]),
            ("He met Amir. Khan was there", &[]),
            ("", &[]),
        ];
        for (text, expected) in cases {
            check(text, expected);
        }
    }
}

#[cfg(test)]
mod stop_tests {
    use super::*;

    #[test]
    fn a_scan_asked_to_stop_gives_up() {
        let index = Index::build(Vec::new());
        let asked = std::cell::Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() > 3
        };
        let text = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta";
        assert_eq!(scan_until(&index, text, &ScanOptions::default(), &stop), None);
        assert_eq!(asked.get(), 4, "it stops as soon as it is told");
        assert!(scan_until(&index, text, &ScanOptions::default(), &|| false).is_some());
    }
}
