//! The candidate index: every name of every listed entity, prepared once, with inverted lists
//! from words to names and three ways to find a word spelled differently (its consonant
//! skeleton, its one-letter deletions, and adjacent words written together). A query gets a
//! small set of candidate names ranked by the weighted share of words they have in common,
//! and only those are scored with [`compare_names`](crate::compare_names). Word weights come
//! from how many names use each word (inverse document frequency), so the index is also the
//! [`TokenWeights`](crate::TokenWeights) of the comparison. The index is immutable once built:
//! a caller that rebuilds it shares it behind an `Arc` and swaps that.
//!
//! `vocabulary` interns the terms of the names and weighs them, `spelling` files them by
//! spelling keys, `retrieval` ranks the candidates of a query, and `facts` holds what the
//! index knows of the entities besides their names.

mod facts;
mod file;
mod retrieval;
mod spelling;
mod table;
mod vocabulary;

use std::sync::OnceLock;

use proscribe_model::{Entity, NameKind, Schema};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use self::facts::{normalise_identifier, MIN_IDENTIFIER_LEN};
pub use self::file::{IndexFileError, Reading, FINGERPRINT};
pub use self::retrieval::DEFAULT_CANDIDATES;
use self::spelling::{Spelling, SpellingMaps};
use self::table::{Runs, StrTable, U64Table};
use self::vocabulary::{initials_of, says_one_word, Interned, TermEntry};
use crate::PreparedName;
use proscribe_segment::Column;

/// A name of an indexed entity: four numbers, laid out to be read in place from an index
/// file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct IndexedName {
    /// Position of its entity in [`Index::entities`].
    pub entity: u32,
    /// Position of the name in its entity's `names`.
    pub position: u32,
    /// Its form: the name as written, prepared once for every entity of the same kind that
    /// bears it (the same person is often on several lists under the same names).
    pub form: u32,
    /// Primary, alias, weak alias, ... (see [`IndexedName::kind`]).
    kind: u32,
}

/// Name kinds by their number in an [`IndexedName`].
const NAME_KINDS: [NameKind; 5] =
    [NameKind::Primary, NameKind::Alias, NameKind::WeakAlias, NameKind::Former, NameKind::Original];

impl IndexedName {
    fn new(entity: u32, position: u32, kind: NameKind, form: u32) -> IndexedName {
        let kind = NAME_KINDS.iter().position(|&k| k == kind).unwrap_or(0) as u32;
        IndexedName { entity, position, form, kind }
    }

    /// Primary, alias, weak alias, ...
    pub fn kind(&self) -> NameKind {
        NAME_KINDS.get(self.kind as usize).copied().unwrap_or(NameKind::Alias)
    }
}

/// What retrieval's ranking reads of a name form it found.
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct FormRank {
    /// The sum of its word weights (the lightest rendering), never negative.
    pub weight: f32,
    /// The letters it writes as initials, in any rendering (bit 0 for `a`), which a query word
    /// may stand for in retrieval (`D. Hernandez` for `Derrick Hernandez`).
    pub initials: u32,
}

/// A name form that retrieval proposes for scoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Position in the index's forms (see [`Index::form_count`]).
    pub form: u32,
    /// Retrieval score in [0, 1]: the weighted share of words the names have in common.
    pub score: f32,
}

/// Figures about an index, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Entities indexed.
    pub entities: usize,
    /// Names indexed (names that normalise to nothing are left out).
    pub names: usize,
    /// Distinct names (text and kind of entity).
    pub forms: usize,
    /// Distinct words and joined word pairs.
    pub terms: usize,
    /// Entries in the inverted lists.
    pub postings: usize,
}

/// The candidate index over all names of a set of entities. Apart from the entities and the
/// prepared names, it is made of flat columns and tables of them ([`Column`], [`StrTable`],
/// [`U64Table`]), which an index just built owns and an index opened from its file reads in
/// place.
pub struct Index {
    entities: Entities,
    /// What screening asks of each entity before comparing its names, apart for locality.
    facts: crate::entity::Facts,
    names: Column<IndexedName>,
    /// Per form: the name prepared for comparison.
    forms: Forms,
    /// Per form: positions in `names` of the names of this form.
    form_names: Runs<u32>,
    /// Per form: vocabulary ids of its words and joined words, sorted, distinct.
    form_terms: Runs<u32>,
    /// Per form: what ranking a form found reads of it (its weight and initials), side by
    /// side so that it is one read.
    form_ranks: Column<FormRank>,
    /// Per form: 1 when it says one word alone, but for weak words and countries (`PLA`,
    /// `PLA China`), the only names that a query's acronym of three letters or fewer may be.
    form_alone: Column<u8>,
    /// Words of names, to their term.
    vocab: StrTable<u32>,
    /// Adjacent words of names written together (`abdul salam` → `abdulsalam`), runs of
    /// initials and acronyms, to their term.
    joins: StrTable<u32>,
    terms: Column<TermEntry>,
    postings: Column<u32>,
    /// Words (and words written together) by voicing-blind consonant skeleton.
    by_skeleton: StrTable<Spelling>,
    /// Words by deletion key.
    by_deletion: U64Table<Spelling>,
    /// Words by spelling key (`attiyah` and `atia` share `atia`; see `proscribe_text::key`).
    by_key: StrTable<u32>,
    by_identifier: StrTable<u32>,
    /// Weight of a word no listed name uses.
    unseen_weight: f32,
    /// The file the index was opened from, kept mapped (none for an index built here).
    segment: Option<std::sync::Arc<proscribe_segment::Segment>>,
    /// Tells this index from every other built by the process (see [`Index::stamp`]).
    stamp: u64,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("stats", &self.stats()).finish()
    }
}

impl Index {
    /// Builds the index over `entities`: every name of every kind is indexed (the scoring
    /// decides what a weak alias is worth). Names are prepared on all cores.
    pub fn build(entities: impl IntoIterator<Item = Entity>) -> Index {
        let entities: Vec<Entity> = entities.into_iter().collect();
        let (prepared, members) = distinct_forms(&entities);
        let Interned { vocab, joins, mut terms, names, mut forms } = vocabulary::intern(prepared, members, &entities);
        let unseen_weight = vocabulary::weigh_terms(&mut terms, names.len());
        let postings = vocabulary::inverted_lists(&mut terms, &forms);
        vocabulary::weigh_forms(&mut forms, &vocab, &terms);
        vocabulary::intern_tokens(&mut forms, &vocab, &terms, unseen_weight);
        let SpellingMaps { by_skeleton, by_deletion, by_key } = SpellingMaps::build(&terms);
        let by_identifier = facts::by_identifier(&entities);
        let form_ranks: Vec<FormRank> =
            forms.iter().map(|f| FormRank { weight: f.weight, initials: initials_of(&f.prepared) }).collect();
        let form_alone: Vec<u8> = forms.iter().map(|f| u8::from(says_one_word(&f.prepared))).collect();
        let facts = crate::entity::Facts::of_all(&entities);
        let form_names = Runs::build(forms.iter_mut().map(|f| std::mem::take(&mut f.names)));
        let form_terms = Runs::build(forms.iter_mut().map(|f| std::mem::take(&mut f.terms).into_vec()));
        let terms: Vec<TermEntry> = terms.iter().map(TermEntry::of).collect();
        Index {
            entities: Entities::Built(entities),
            facts,
            names: names.into(),
            forms: Forms::Built(forms.into_iter().map(|f| f.prepared).collect()),
            form_names,
            form_terms,
            form_ranks: form_ranks.into(),
            form_alone: form_alone.into(),
            vocab: StrTable::build(vocab.into_iter().map(|(k, v)| (k, vec![v]))),
            joins: StrTable::build(joins.into_iter().map(|(k, v)| (k, vec![v]))),
            terms: terms.into(),
            postings: postings.into(),
            by_skeleton: StrTable::build(by_skeleton),
            by_deletion: U64Table::build(by_deletion),
            by_key: StrTable::build(by_key),
            by_identifier: StrTable::build(by_identifier),
            unseen_weight,
            segment: None,
            stamp: next_stamp(),
        }
    }

    /// A number no other index built by the process has: what is known of this index's
    /// interned tokens (a thread's memo of their similarities) holds for it alone.
    pub(crate) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The indexed names.
    pub fn names(&self) -> &[IndexedName] {
        &self.names
    }

    /// How many distinct names (text and kind of entity) the index has: its forms.
    pub fn form_count(&self) -> usize {
        match &self.forms {
            Forms::Built(p) => p.len(),
            Forms::Stored { prepared, .. } => prepared.len(),
        }
    }

    /// Form `form` prepared for comparison (in an index opened from its file, decoded the
    /// first time it is asked for, and kept).
    pub fn form_prepared(&self, form: u32) -> &PreparedName {
        match &self.forms {
            Forms::Built(p) => &p[form as usize],
            Forms::Stored { prepared, .. } => prepared[form as usize].get_or_init(|| Box::new(self.forms.read(form))),
        }
    }

    /// How many entities the index has.
    pub fn entity_count(&self) -> usize {
        match &self.entities {
            Entities::Built(e) => e.len(),
            Entities::Stored { decoded, .. } => decoded.len(),
        }
    }

    /// The id of entity `entity` (without reading the entity from an index file).
    pub fn entity_id(&self, entity: u32) -> &str {
        match &self.entities {
            Entities::Built(e) => &e[entity as usize].id,
            // The ids were checked to be UTF-8 when the file was opened.
            Entities::Stored { ids, .. } => std::str::from_utf8(ids.of(entity as usize)).unwrap_or_default(),
        }
    }

    /// Entity `entity` (in an index opened from its file, read the first time it is asked
    /// for, and kept).
    pub fn entity(&self, entity: u32) -> &Entity {
        match &self.entities {
            Entities::Built(e) => &e[entity as usize],
            Entities::Stored { decoded, .. } => {
                decoded[entity as usize].get_or_init(|| Box::new(self.entities.read(entity)))
            }
        }
    }

    /// Positions in [`Index::names`] of the names of form `form`, in entity order.
    pub fn form_names(&self, form: u32) -> &[u32] {
        self.form_names.of(form as usize)
    }

    /// Name `name` as its entity's list writes it (its form may be another name's writing).
    pub fn name_text(&self, name: u32) -> &str {
        let n = &self.names[name as usize];
        &self.entity(n.entity).names[n.position as usize].full
    }

    /// The prepared form of name `name`.
    pub fn prepared(&self, name: u32) -> &PreparedName {
        self.form_prepared(self.names[name as usize].form)
    }

    /// Figures about the index.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            entities: self.entity_count(),
            names: self.names.len(),
            forms: self.form_count(),
            terms: self.terms.len(),
            postings: self.postings.len(),
        }
    }
}

/// The entities of an index: given to it, or read from its file as they are asked for.
enum Entities {
    Built(Vec<Entity>),
    Stored {
        /// The entities' ids.
        ids: Runs<u8>,
        /// The entities as JSON, one after another.
        json: Column<u8>,
        /// Where each entity's JSON ends.
        ends: Column<u64>,
        decoded: Vec<OnceLock<Box<Entity>>>,
    },
}

/// The prepared names of an index's forms: prepared when it was built, or prepared again from
/// their text as they are asked for (see [`file`]). One per index: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Forms {
    Built(Vec<PreparedName>),
    Stored {
        /// Each form prepared, encoded (see `file::encode_form`).
        encoded: Runs<u8>,
        prepared: Vec<OnceLock<Box<PreparedName>>>,
    },
}

impl Entities {
    /// Entity `entity` read from an index file (a built index has it already).
    fn read(&self, entity: u32) -> Entity {
        match self {
            Entities::Built(e) => e[entity as usize].clone(),
            Entities::Stored { json, ends, .. } => {
                let e = entity as usize;
                let start = if e == 0 { 0 } else { ends[e - 1] as usize };
                let read = file::decode_entity(&json[start..ends[e] as usize]);
                // The file was checked when it was opened and names this build.
                read.unwrap_or_else(|err| panic!("index file, entity {entity}: {err}"))
            }
        }
    }
}

impl Forms {
    /// Form `form` decoded from an index file (a built index has it).
    fn read(&self, form: u32) -> PreparedName {
        match self {
            Forms::Built(p) => p[form as usize].clone(),
            Forms::Stored { encoded, .. } => {
                let p = file::decode_form(encoded.of(form as usize));
                // The file was checked when it was opened and names this build.
                p.unwrap_or_else(|e| panic!("index file, form {form}: {e}"))
            }
        }
    }
}

/// The next [`Index::stamp`].
fn next_stamp() -> u64 {
    static BUILT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The distinct names of `entities`, one per name of each kind of entity, prepared on all
/// cores, with their members (entity and name positions). Names written differently but
/// prepared alike (`Samir DA'BUL`, `DABUL, Samir`, as several lists write one person) are one
/// form: found and compared once.
fn distinct_forms(entities: &[Entity]) -> (Vec<PreparedName>, Vec<Vec<(u32, u32)>>) {
    let mut form_of: FxHashMap<(Schema, &str), u32> = FxHashMap::default();
    let mut keys: Vec<(Schema, &str)> = Vec::new();
    let mut members: Vec<Vec<(u32, u32)>> = Vec::new();
    for (ei, e) in entities.iter().enumerate() {
        for (ni, n) in e.names.iter().enumerate() {
            let key = (e.schema, n.full.as_str());
            let f = *form_of.entry(key).or_insert_with(|| {
                keys.push(key);
                members.push(Vec::new());
                (keys.len() - 1) as u32
            });
            members[f as usize].push((ei as u32, ni as u32));
        }
    }
    let prepared: Vec<PreparedName> =
        keys.par_iter().map(|&(schema, full)| PreparedName::new(full, Some(schema))).collect();
    merge_alike(prepared, members)
}

/// Merges the prepared names that every comparison treats alike, with their members: the
/// first of them stands for all.
fn merge_alike(
    prepared: Vec<PreparedName>,
    mut members: Vec<Vec<(u32, u32)>>,
) -> (Vec<PreparedName>, Vec<Vec<(u32, u32)>>) {
    use std::fmt::Write;
    let mut first: FxHashMap<String, usize> = FxHashMap::default();
    let mut keep = vec![true; prepared.len()];
    let mut key = String::new();
    for (i, p) in prepared.iter().enumerate() {
        key.clear();
        // Everything a comparison reads of a prepared name: its renderings and their facts,
        // and for names in Han characters, which are also compared as written, the text.
        let _ = write!(key, "{:?}|{:?}|{:?}|{:?}", p.schema, p.script, p.variants, p.forms);
        if matches!(p.script, proscribe_model::Script::Han | proscribe_model::Script::Japanese) {
            key.push_str(&p.original);
        }
        match first.get(key.as_str()) {
            Some(&f) => {
                let moved = std::mem::take(&mut members[i]);
                members[f].extend(moved);
                keep[i] = false;
            }
            None => {
                first.insert(key.clone(), i);
            }
        }
    }
    let mut kept = keep.iter();
    let prepared = prepared.into_iter().filter(|_| *kept.next().unwrap_or(&false)).collect();
    let mut kept = keep.iter();
    let members = members.into_iter().filter(|_| *kept.next().unwrap_or(&false)).collect();
    (prepared, members)
}

#[cfg(test)]
mod tests {
    use proscribe_model::{IdKind, Identifier, Name, Schema};

    use super::*;

    pub(super) fn entity(id: &str, schema: Schema, names: &[(&str, NameKind)]) -> Entity {
        let mut e = Entity::new(id, schema);
        for (n, k) in names {
            e.add_name(Name::new(*n, *k));
        }
        e
    }

    pub(super) fn sample() -> Index {
        let mut vessel = entity("v1", Schema::Vessel, &[("OCEAN STAR NO. 8", NameKind::Primary)]);
        vessel.identifiers.push(Identifier {
            kind: IdKind::Imo,
            number: "IMO 9123456".into(),
            label: None,
            country: None,
            note: None,
            src: None,
        });
        Index::build(vec![
            entity(
                "p1",
                Schema::Person,
                &[("AMIR KHAN MOTAQI", NameKind::Primary), ("Amir Khan Muttaqi", NameKind::Alias)],
            ),
            entity("p2", Schema::Person, &[("ABDUL SALAM HANAFI", NameKind::Primary)]),
            entity("p3", Schema::Person, &[("MOHAMMED KHAN", NameKind::Primary)]),
            entity("o1", Schema::Organization, &[("AL-QAIDA", NameKind::Primary), ("The Base", NameKind::WeakAlias)]),
            entity("c1", Schema::Company, &[("OCEAN TRADING LLC", NameKind::Primary)]),
            vessel,
            entity("v2", Schema::Vessel, &[("OCEAN STAR NO. 6", NameKind::Primary)]),
            entity("o2", Schema::Organization, &[("CARTEL DE JALISCO NUEVA GENERACION", NameKind::Primary)]),
            entity("o3", Schema::Organization, &[("ISIL-YEMEN", NameKind::Primary)]),
            entity("o4", Schema::Organization, &[("YEMEN TRADING HOUSE", NameKind::Primary)]),
            entity("p4", Schema::Person, &[("ATIA, Hachim", NameKind::Primary)]),
        ])
    }

    /// The entity ids of the candidates for `query`, best first, one per entity.
    fn top_entities(index: &Index, query: &str) -> Vec<String> {
        top_entities_as(index, query, None)
    }

    /// [`top_entities`] for a query of a kind.
    fn top_entities_as(index: &Index, query: &str, schema: Option<Schema>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in index.candidates(&PreparedName::new(query, schema), 10) {
            for &n in index.form_names(c.form) {
                let id = index.entity(index.names()[n as usize].entity).id.clone();
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }

    fn check(index: &Index, query: &str, expected_first: Option<&str>) {
        let got = top_entities(index, query);
        assert_eq!(got.first().map(String::as_str), expected_first, "query {query:?}: candidates {got:?}");
    }

    #[test]
    fn retrieval_finds_spelling_variants() {
        let index = sample();
        let cases: &[(&str, Option<&str>)] = &[
            ("Amir Khan Motaqi", Some("p1")),
            ("MUTAKI, Amir Khan", Some("p1")),
            ("Abdulsalam Hanafi", Some("p2")),
            ("abdul salam hanafy", Some("p2")),
            ("Al Qaeda", Some("o1")),
            ("alqaida", Some("o1")),
            ("Mohamed Khan", Some("p3")),
            ("Ocean Star No 6", Some("v2")),
            ("ocean star no 8", Some("v1")),
            // Acronyms both ways: a query word for a listed name's initials, a query's initials
            // for a listed word.
            ("CJNG", Some("o2")),
            ("Islamic State of Iraq and the Levant in Yemen", Some("o3")),
            ("JNG", None),
            // One spelling key: a letter doubled, a final -ah.
            ("Attiyah", Some("p4")),
            ("zzzz qqqq", None),
            ("", None),
            ("!!!", None),
        ];
        for &(query, expected) in cases {
            check(&index, query, expected);
        }
    }

    /// An `abd` compound spelt with the article finds the compound written without it, even
    /// when the query's other words are commoner in shorter names.
    #[test]
    fn compounds_of_abd_find_each_other() {
        let index = Index::build(vec![
            entity("p1", Schema::Person, &[("SALIH, Muhammad Ali", NameKind::Primary)]),
            entity("p2", Schema::Person, &[("SALIH, Muhammad Hasan", NameKind::Primary)]),
            entity("p3", Schema::Person, &[("AL-HADI, Muhammad Salih Abd-Rabbuh", NameKind::Primary)]),
        ]);
        check(&index, "ABDULRABOH, Muhammad Salih", Some("p3"));
    }

    /// A query's acronym of three letters stands for its words only in a name that says
    /// nothing else: `ISIS in Saudi Arabia` is not the person `Isa Khidr`, `People's
    /// Liberation Army` is the organisation `PLA`.
    #[test]
    fn short_query_acronyms_find_names_of_one_word() {
        let index = Index::build(vec![
            entity("p1", Schema::Person, &[("KHIDR, Isa", NameKind::Primary)]),
            entity("p2", Schema::Person, &[("NASR, Isa", NameKind::Primary)]),
            entity("o1", Schema::Organization, &[("ISIS IN SAUDI ARABIA", NameKind::Primary)]),
            entity("o2", Schema::Organization, &[("PLA", NameKind::Primary)]),
            entity("o3", Schema::Organization, &[("PLA TRADING COMPANY", NameKind::Primary)]),
        ]);
        check(&index, "ISIS IN SAUDI ARABIA", Some("o1"));
        let org = top_entities_as(&index, "People's Liberation Army", Some(Schema::Organization));
        assert_eq!(org.first().map(String::as_str), Some("o2"), "{org:?}");
        assert!(!org.contains(&"o3".to_string()));
        // Of unknown kind, the words may be a person's name, which is not written as initials.
        assert!(!top_entities(&index, "People's Liberation Army").contains(&"o2".to_string()));
    }

    /// A listed initial stands for a query word that the name does not have, as much as the
    /// initial weighs: `D. Hernandez` goes before the names that share only `Hernandez`. An
    /// initial alone finds no name.
    #[test]
    fn listed_initials_stand_for_query_words() {
        let given = [
            "Maria", "Jose", "Carlos", "Lucia", "Pedro", "Elena", "Jorge", "Rosa", "Miguel", "Ana", "Luis", "Sofia",
            "Pablo", "Carmen", "Raul", "Ines", "Tomas", "Julia", "Hugo", "Marta",
        ];
        // Each given name is more common than the initial `D.`, so that a name with one of
        // them weighs less and would rank first on the shared `Hernandez` alone.
        let mut entities: Vec<Entity> = Vec::new();
        for (i, g) in given.iter().enumerate() {
            entities.push(entity(&format!("p{i}"), Schema::Person, &[(&format!("{g} Hernandez"), NameKind::Primary)]));
            for surname in ["Lopez", "Brown", "Silva"] {
                entities.push(entity(
                    &format!("{surname}{i}"),
                    Schema::Person,
                    &[(&format!("{g} {surname}"), NameKind::Primary)],
                ));
            }
        }
        entities.push(entity("d", Schema::Person, &[("D. Hernandez", NameKind::Primary)]));
        entities.push(entity("s", Schema::Person, &[("D. Smithers", NameKind::Primary)]));
        let index = Index::build(entities);
        check(&index, "Derrick Hernandez", Some("d"));
        check(&index, "Hernandez, Derrick", Some("d"));
        // No word of the query starts with the initial.
        check(&index, "Maria Hernandez", Some("p0"));
        assert!(!top_entities(&index, "Derrick Jones").contains(&"s".to_string()));
    }

    /// A name in Han characters is read several ways (Mandarin, Korean, Japanese), and a name
    /// sharing two of its three characters shares its words in every reading: the name with
    /// all three still comes first, rather than tying with those at the highest score.
    #[test]
    fn names_sharing_every_reading_come_first() {
        let chars = ["文", "明", "華", "志", "國", "英", "玉", "秀", "德", "春", "金", "光"];
        let mut entities: Vec<Entity> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            entities.push(entity(&format!("a{i}"), Schema::Person, &[(&format!("美惠 {c} 陳"), NameKind::Primary)]));
            entities.push(entity(&format!("b{i}"), Schema::Person, &[(&format!("{c} 子翔 陳"), NameKind::Primary)]));
            entities.push(entity(&format!("c{i}"), Schema::Person, &[(&format!("美惠 子翔 {c}"), NameKind::Primary)]));
        }
        entities.push(entity("exact", Schema::Person, &[("美惠 子翔 陳", NameKind::Primary)]));
        let index = Index::build(entities);
        check(&index, "美惠 子翔 陳", Some("exact"));
    }

    /// Words written together stand for their words only in a name that does not have one of
    /// them apart: `佳. 蔣` (`jia jiang`, read `ga jang` in Korean) has the query's `jia`, has
    /// `yang` as the Korean `jang`, and must not count `jiang` again for `jiayang`, which would
    /// lift it and its like above the `佳 杨` asked for.
    #[test]
    fn joined_words_do_not_count_a_name_twice() {
        let mut entities: Vec<Entity> = Vec::new();
        for (i, name) in ["佳. 蔣", "家. 蔣", "佳 江", "江 佳", "家豪 蔣", "嘉宏 江", "佳玲 江"].iter().enumerate()
        {
            for j in 0..3 {
                entities.push(entity(&format!("d{i}-{j}"), Schema::Person, &[(name, NameKind::Primary)]));
            }
        }
        for (i, name) in ["俊雄 楊", "洋介 中村", "志 張", "家 張"].iter().enumerate() {
            entities.push(entity(&format!("o{i}"), Schema::Person, &[(name, NameKind::Primary)]));
        }
        entities.push(entity("exact", Schema::Person, &[("佳 杨", NameKind::Primary)]));
        let index = Index::build(entities);
        check(&index, "佳 杨", Some("exact"));
    }

    /// A query read two ways (`امیررضا` is `amirrza` and `amirrda`) is weighed against a name
    /// one reading at a time: a name that has both readings of one word counts it once, and
    /// does not outrank the name that has the query's two other words.
    #[test]
    fn a_word_read_two_ways_counts_once() {
        let mut entities: Vec<Entity> = Vec::new();
        for (i, surname) in ["Brown", "Silva", "Rossi", "Novak"].iter().enumerate() {
            entities.push(entity(
                &format!("a{i}"),
                Schema::Person,
                &[(&format!("امیررضا {surname}"), NameKind::Primary)],
            ));
        }
        for i in 0..12 {
            let surname = ["Brown", "Silva", "Rossi", "Novak"][i % 4];
            entities.push(entity(&format!("w{i}"), Schema::Person, &[(&format!("آوا {surname}"), NameKind::Primary)]));
            entities.push(entity(
                &format!("p{i}"),
                Schema::Person,
                &[(&format!("{surname} پویان"), NameKind::Primary)],
            ));
            entities.push(entity(
                &format!("o{i}"),
                Schema::Person,
                &[(&format!("Maria {surname}"), NameKind::Primary)],
            ));
        }
        entities.push(entity("exact", Schema::Person, &[("آوا پویان", NameKind::Primary)]));
        let index = Index::build(entities);
        check(&index, "آوا امیررضا پویان", Some("exact"));
    }

    /// A spelling of a listed query word counts for no more than the word: among many names
    /// with `Marco`, the one rare `Marcco` would otherwise weigh more than the name asked for.
    #[test]
    fn a_spelling_counts_no_more_than_the_word() {
        let mut entities: Vec<Entity> = (0..30)
            .map(|i| {
                let surname = ["Rossi", "Bianchi", "Ferrari", "Romano", "Colombo"][i % 5];
                entity(&format!("m{i}"), Schema::Person, &[(&format!("Marco {surname} {i}"), NameKind::Primary)])
            })
            .collect();
        entities.push(entity("rare", Schema::Person, &[("Marcco Aguirre", NameKind::Primary)]));
        entities.push(entity("exact", Schema::Person, &[("Marco Aguirre", NameKind::Primary)]));
        let index = Index::build(entities);
        check(&index, "Marco Aguirre", Some("exact"));
    }

    /// A query's initials are no legal form: `Sial Abdul Samad` is not looked up as `S.A.S.`,
    /// which the comparison would never link to it, so the companies with that form do not
    /// crowd out the names sharing the query's words.
    #[test]
    fn query_initials_are_no_legal_form() {
        let mut entities: Vec<Entity> = (0..12)
            .map(|i| {
                let name = format!("{} S.A.S.", ["VORTELA", "QUINMAR", "BRESOLA", "TALVERNO"][i % 4]);
                entity(&format!("c{i}"), Schema::Company, &[(&format!("{name} {i}"), NameKind::Primary)])
            })
            .collect();
        entities.push(entity("p1", Schema::Person, &[("Abdul Samad", NameKind::Primary)]));
        let index = Index::build(entities);
        let got = index.candidates(&PreparedName::new("SORVAL, Abdul Samad", None), 3);
        let first = got.first().map(|c| index.form_prepared(c.form).original.as_str());
        assert_eq!(first, Some("Abdul Samad"), "{got:?}");
    }

    /// Names written differently but prepared alike are one form, compared once; each name
    /// keeps its own writing.
    #[test]
    fn names_prepared_alike_are_one_form() {
        let index = Index::build(vec![
            entity("a", Schema::Person, &[("Samir DA'BUL", NameKind::Primary)]),
            entity("b", Schema::Person, &[("Samir Dabul", NameKind::Primary), ("DABUL, Samir", NameKind::Alias)]),
            entity("c", Schema::Organization, &[("Samir Dabul", NameKind::Primary)]),
        ]);
        // One form for the person's three writings, one for the organisation's name.
        assert_eq!(
            index.form_count(),
            2,
            "{:?}",
            (0..index.form_count() as u32).map(|f| &index.form_prepared(f).original).collect::<Vec<_>>()
        );
        let texts: Vec<&str> = (0..index.names().len() as u32).map(|n| index.name_text(n)).collect();
        assert_eq!(texts, ["Samir DA'BUL", "Samir Dabul", "DABUL, Samir", "Samir Dabul"]);
    }

    #[test]
    fn weights_follow_frequency() {
        let index = sample();
        // "ocean" is in three names, "hanafi" in one; a word no name uses weighs most.
        assert!(index.word_weight("ocean") < index.word_weight("hanafi"));
        assert!(index.word_weight("hanafi") <= index.word_weight("nowhere"));
        assert_eq!(index.word_frequency("khan"), 3);
    }

    /// Callers share an index between threads behind an `Arc` (and swap the `Arc` when they
    /// rebuild it); readers keep the one they took.
    #[test]
    fn an_arc_of_the_index_is_shared_and_replaced() {
        fn shared<T: Send + Sync>(_: &T) {}
        let mut current = std::sync::Arc::new(sample());
        shared(&current);
        let before = std::sync::Arc::clone(&current);
        current = std::sync::Arc::new(Index::build(Vec::new()));
        assert_eq!(before.stats().entities, 11);
        assert_eq!(current.stats().entities, 0);
    }
}
