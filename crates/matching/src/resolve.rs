//! Cross-reference: which entities of different sources may be one real-world entity.
//!
//! Every entity of an index is screened against the index by its own names, with its kind,
//! its first birth date, its countries and its identifying numbers ([`cross_reference`]); a
//! hit on an entity of another source is a candidate pair, scored as screening scores it
//! (the best over the entity's names, both ways). [`strong_evidence`] says when two
//! entities share what only one real-world entity has:
//! - an identifying number of the same kind (and the same issuing country, where both say
//!   one), long enough not to repeat by chance;
//! - the same name, word for word (case, punctuation and word order aside), with the same
//!   birth date to the day and a nationality in common;
//! - the same name, word for word, with a birth date stated alike (`~1968` and `~1968`), a
//!   nationality in common and the same place of birth, named below the country (a town, a
//!   district): where lists give only a year, the place of birth is what identification
//!   documents pair the name and year with.
//!
//! Links the lists state themselves (a UN reference in another list, the CSL's copy of an
//! OFAC entry, FollowTheMoney `referents`) are the store's and the application's to add.

use std::collections::{HashMap, HashSet};

use proscribe_model::{CountryRole, DateValue, Entity, IdKind, NameKind, Precision, Schema};
use rayon::prelude::*;
use serde::Serialize;

use crate::entity::{screen, Query, ScreenOptions};
use crate::index::{normalise_identifier, Index, MIN_IDENTIFIER_LEN};

/// Names of one entity screened at most: its primary names and aliases first.
pub const MAX_NAMES: usize = 8;

/// Hits looked at per screened name.
pub const HITS_PER_NAME: usize = 10;

/// Why two entities are one without a person deciding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A list says so (a reference to the other's entry).
    Stated,
    /// They share an identifying number of one kind.
    Identifier {
        /// The kind, as the model names it.
        id_kind: String,
        /// The number, normalised.
        number: String,
    },
    /// The same name, word for word, the same birth date to the day and a nationality in
    /// common.
    NameBirthDateNationality {
        /// The name (of the first entity).
        name: String,
        /// The birth date.
        birth_date: String,
        /// The nationality (ISO code, lower case).
        country: String,
    },
    /// The same name, word for word, a birth date stated alike, a nationality in common and
    /// the same place of birth.
    NameBirthPlace {
        /// The name (of the first entity).
        name: String,
        /// The birth date, as both state it.
        birth_date: String,
        /// The place of birth (of the first entity).
        place: String,
        /// The nationality (ISO code, lower case).
        country: String,
    },
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::Stated => write!(f, "a list states the link"),
            Evidence::Identifier { id_kind, number } => write!(f, "the same {id_kind} number {number}"),
            Evidence::NameBirthDateNationality { name, birth_date, country } => {
                write!(f, "the same name {name:?}, birth date {birth_date} and nationality {country}")
            }
            Evidence::NameBirthPlace { name, birth_date, place, country } => write!(
                f,
                "the same name {name:?}, birth date {birth_date}, place of birth {place:?} and nationality {country}"
            ),
        }
    }
}

/// A name's words, case, punctuation and order aside: `MOTAQI, Amir Khan` and
/// `Amir Khan Motaqi` are the same name.
pub fn words(name: &str) -> Vec<String> {
    let mut w: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
        .collect();
    w.sort_unstable();
    w
}

/// The birth dates of `e` known to the day.
fn full_birth_dates(e: &Entity) -> Vec<String> {
    e.birth_dates
        .iter()
        .filter_map(|d| match &d.date {
            DateValue::On(p) if p.precision() == Precision::Day => Some(p.to_string()),
            _ => None,
        })
        .collect()
}

/// The birth dates of `e` as stated, at a year's precision or finer (`~1968`, `1968-03`):
/// what the place rule compares.
fn stated_birth_dates(e: &Entity) -> Vec<String> {
    e.birth_dates
        .iter()
        .filter(|d| matches!(d.date, DateValue::On(_) | DateValue::Circa(_)))
        .map(|d| d.date.to_string())
        .collect()
}

/// The places of birth of `e` that name more than a country, as the words left when the
/// country's name is taken out (case, punctuation and order aside): `Zurmat District, Paktia
/// Province, Afghanistan` and `Zurmat District,  Paktia Province, Afghanistan` are one place;
/// `Afghanistan` alone is none.
fn birth_places(e: &Entity) -> Vec<(Vec<String>, &proscribe_model::Place)> {
    e.birth_places
        .iter()
        .filter_map(|p| {
            let country = p.country.map(|c| words(c.name())).unwrap_or_default();
            let mut w = words(&p.text);
            w.retain(|x| !country.contains(x));
            w.dedup();
            (!w.is_empty()).then_some((w, p))
        })
        .collect()
}

fn nationalities(e: &Entity) -> Vec<String> {
    e.countries
        .iter()
        .filter(|c| matches!(c.role, CountryRole::Nationality | CountryRole::Citizenship))
        .map(|c| c.country.to_string())
        .collect()
}

/// The identifying numbers of `e` that can single it out: of a kind, long enough.
fn numbers(e: &Entity) -> impl Iterator<Item = (IdKind, String, &proscribe_model::Identifier)> {
    e.identifiers.iter().filter(|x| x.kind != IdKind::Other).filter_map(|x| {
        let number = normalise_identifier(&x.number);
        (number.chars().count() >= MIN_IDENTIFIER_LEN).then_some((x.kind, number, x))
    })
}

/// The names of `e` that can single it out, as [`words`]: not weak aliases, two words or more.
fn strong_names(e: &Entity) -> impl Iterator<Item = (Vec<String>, &proscribe_model::Name)> {
    e.names.iter().filter(|n| n.kind != NameKind::WeakAlias).map(|n| (words(&n.full), n)).filter(|(w, _)| w.len() >= 2)
}

/// A name's words with a birth day: what the name rule compares.
type NameKey = (Vec<String>, String);

/// The entities holding a key, with their sources: (source, entity).
type Holders = HashSet<(u32, u32)>;

/// What two or more entities of one source share: numbers of one kind, and names with a
/// birth date. Evidence made of these identifies no one.
#[derive(Debug, Default)]
pub struct Shared {
    numbers: HashSet<(IdKind, String)>,
    names: HashSet<NameKey>,
    places: HashSet<PlaceKey>,
}

/// A name's words with a birth date as stated and a place of birth's words: what the place
/// rule compares.
type PlaceKey = (Vec<String>, String, Vec<String>);

/// The keys of the place rule `e` has.
fn place_keys(e: &Entity) -> Vec<PlaceKey> {
    let mut keys = Vec::new();
    for date in stated_birth_dates(e) {
        for (place, _) in birth_places(e) {
            for (w, _) in strong_names(e) {
                keys.push((w, date.clone(), place.clone()));
            }
        }
    }
    keys
}

impl Shared {
    /// What entities of one source share in `index` (`source_of`: an entity's source).
    pub fn of(index: &Index, source_of: &(dyn Fn(u32) -> u32 + Sync)) -> Shared {
        let mut numbers: HashMap<(IdKind, String), Holders> = HashMap::new();
        let mut names: HashMap<NameKey, Holders> = HashMap::new();
        let mut places: HashMap<PlaceKey, Holders> = HashMap::new();
        for e in 0..index.entity_count() as u32 {
            let entity = index.entity(e);
            let source = source_of(e);
            // One entity per source and key: a source's entity counts once however often it
            // repeats a number.
            for (kind, number) in numbers_of(entity) {
                numbers.entry((kind, number)).or_default().insert((source, e));
            }
            for date in full_birth_dates(entity) {
                for (w, _) in strong_names(entity) {
                    names.entry((w, date.clone())).or_default().insert((source, e));
                }
            }
            for key in place_keys(entity) {
                places.entry(key).or_default().insert((source, e));
            }
        }
        let shared = |holders: &Holders| {
            let mut per_source: HashMap<u32, usize> = HashMap::new();
            holders.iter().any(|(s, _)| {
                let n = per_source.entry(*s).or_default();
                *n += 1;
                *n > 1
            })
        };
        Shared {
            numbers: numbers.into_iter().filter(|(_, h)| shared(h)).map(|(k, _)| k).collect(),
            names: names.into_iter().filter(|(_, h)| shared(h)).map(|(k, _)| k).collect(),
            places: places.into_iter().filter(|(_, h)| shared(h)).map(|(k, _)| k).collect(),
        }
    }
}

fn numbers_of(e: &Entity) -> Vec<(IdKind, String)> {
    numbers(e).map(|(k, n, _)| (k, n)).collect()
}

/// What makes `a` and `b` one entity without a person deciding, if anything (see the
/// module's documentation), leaving out what `shared` says several entries of one list have.
/// Entities of incompatible kinds never are.
pub fn strong_evidence(a: &Entity, b: &Entity, shared: &Shared) -> Option<Evidence> {
    if !kinds_agree(a.schema, b.schema) {
        return None;
    }
    for (kind, number, x) in numbers(a) {
        if shared.numbers.contains(&(kind, number.clone())) {
            continue;
        }
        let same = numbers(b).any(|(k, n, y)| {
            k == kind && n == number && (x.country.is_none() || y.country.is_none() || x.country == y.country)
        });
        if same {
            return Some(Evidence::Identifier { id_kind: id_kind_name(kind), number });
        }
    }
    let dates_b = full_birth_dates(b);
    let nat_b = nationalities(b);
    let country = nationalities(a).into_iter().find(|c| nat_b.contains(c))?;
    let names_b: Vec<Vec<String>> = strong_names(b).map(|(w, _)| w).collect();
    for date in full_birth_dates(a).into_iter().filter(|d| dates_b.contains(d)) {
        for (w, name) in strong_names(a) {
            if names_b.contains(&w) && !shared.names.contains(&(w.clone(), date.clone())) {
                return Some(Evidence::NameBirthDateNationality { name: name.full.clone(), birth_date: date, country });
            }
        }
    }
    let dates_b = stated_birth_dates(b);
    let places_b: Vec<Vec<String>> = birth_places(b).into_iter().map(|(w, _)| w).collect();
    for date in stated_birth_dates(a).into_iter().filter(|d| dates_b.contains(d)) {
        for (place, p) in birth_places(a).into_iter().filter(|(w, _)| places_b.contains(w)) {
            for (w, name) in strong_names(a) {
                let key = (w, date.clone(), place.clone());
                if names_b.contains(&key.0) && !shared.places.contains(&key) {
                    return Some(Evidence::NameBirthPlace {
                        name: name.full.clone(),
                        birth_date: date,
                        place: p.text.clone(),
                        country,
                    });
                }
            }
        }
    }
    None
}

/// Every pair of entities of different sources that [`strong_evidence`] links, found by what
/// the evidence is made of (an identifying number, a name with a birth day) rather than by
/// screening: each pair once, lower position first, in order. What links a pair is what the
/// cross-reference links it by; this is the part of it cheap enough to run whenever an index
/// is built.
pub fn strong_links(index: &Index, source_of: &(dyn Fn(u32) -> u32 + Sync)) -> Vec<(u32, u32, Evidence)> {
    let shared = Shared::of(index, source_of);
    let mut by_number: HashMap<(IdKind, String), Vec<u32>> = HashMap::new();
    let mut by_name: HashMap<NameKey, Vec<u32>> = HashMap::new();
    let mut by_place: HashMap<PlaceKey, Vec<u32>> = HashMap::new();
    for e in 0..index.entity_count() as u32 {
        let entity = index.entity(e);
        for (kind, number) in numbers_of(entity) {
            if !shared.numbers.contains(&(kind, number.clone())) {
                by_number.entry((kind, number)).or_default().push(e);
            }
        }
        for date in full_birth_dates(entity) {
            for (w, _) in strong_names(entity) {
                let key = (w, date.clone());
                if !shared.names.contains(&key) {
                    by_name.entry(key).or_default().push(e);
                }
            }
        }
        for key in place_keys(entity) {
            if !shared.places.contains(&key) {
                by_place.entry(key).or_default().push(e);
            }
        }
    }
    let mut pairs: HashSet<(u32, u32)> = HashSet::new();
    for group in by_number.values().chain(by_name.values()).chain(by_place.values()) {
        for (i, &x) in group.iter().enumerate() {
            for &y in &group[i + 1..] {
                if x != y && source_of(x) != source_of(y) {
                    pairs.insert((x.min(y), x.max(y)));
                }
            }
        }
    }
    let mut out: Vec<(u32, u32, Evidence)> = pairs
        .into_par_iter()
        .filter_map(|(a, b)| strong_evidence(index.entity(a), index.entity(b), &shared).map(|ev| (a, b, ev)))
        .collect();
    out.sort_by_key(|(a, b, _)| (*a, *b));
    out
}

/// Whether two kinds can be one entity: the same, or an organisation and a company (lists
/// disagree on which a legal person is).
fn kinds_agree(a: Schema, b: Schema) -> bool {
    use Schema::*;
    let legal = |s| matches!(s, Organization | Company | LegalEntity);
    a == b || (legal(a) && legal(b))
}

fn id_kind_name(kind: proscribe_model::IdKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// A pair of entities of different sources that may be one, as screening found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The one entity, by position in the index (the lower of the two).
    pub a: u32,
    /// The other.
    pub b: u32,
    /// The best score of screening either's names against the other.
    pub score: f64,
    /// The name of `a` (or `b`) screened when the score was reached.
    pub query_name: String,
    /// The name of the other it matched.
    pub matched_name: Option<String>,
}

/// Options of [`cross_reference`].
#[derive(Debug, Clone, Copy)]
pub struct CrossOptions {
    /// Lowest score kept.
    pub floor: f64,
}

/// The queries an entity is screened with: its names (primary first, weak aliases last, at
/// most [`MAX_NAMES`]) with its kind, first birth date, countries and identifiers.
fn queries(e: &Entity) -> Vec<Query> {
    let mut names: Vec<&proscribe_model::Name> = e.names.iter().collect();
    names.sort_by_key(|n| match n.kind {
        NameKind::Primary => 0,
        NameKind::Alias | NameKind::Original => 1,
        NameKind::Former => 2,
        _ => 3,
    });
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::new();
    for n in names {
        let w = words(&n.full);
        if w.is_empty() || seen.contains(&w) {
            continue;
        }
        seen.push(w);
        out.push(Query {
            name: n.full.clone(),
            schema: Some(e.schema),
            birth_date: e.birth_dates.first().map(|d| d.date.clone()),
            countries: e.countries.iter().map(|c| c.country).collect(),
            identifiers: e.identifiers.iter().map(|i| i.number.clone()).collect(),
        });
        if out.len() == MAX_NAMES {
            break;
        }
    }
    out
}

/// Screens every entity of `index` against the index, on rayon's pool, and returns the pairs
/// of entities of different sources (`source_of`: an entity's source, by position) scoring
/// at least `options.floor`, each once, best first.
pub fn cross_reference(
    index: &Index,
    source_of: &(dyn Fn(u32) -> u32 + Sync),
    options: CrossOptions,
) -> Vec<Candidate> {
    let screen_options = ScreenOptions {
        limit: HITS_PER_NAME,
        threshold: options.floor,
        explain: false,
        matches_only: true,
        ..ScreenOptions::default()
    };
    let found: Vec<Vec<Candidate>> = (0..index.entity_count() as u32)
        .into_par_iter()
        .map(|e| {
            let entity = index.entity(e);
            let mut best: HashMap<u32, Candidate> = HashMap::new();
            for q in queries(entity) {
                let Ok(hits) = screen(index, &q, &screen_options) else { continue };
                for h in hits.into_iter().filter(|h| h.score >= options.floor) {
                    if h.entity == e || source_of(h.entity) == source_of(e) {
                        continue;
                    }
                    let better = best.get(&h.entity).is_none_or(|c| h.score > c.score);
                    if better {
                        let (a, b) = if e < h.entity { (e, h.entity) } else { (h.entity, e) };
                        best.insert(
                            h.entity,
                            Candidate {
                                a,
                                b,
                                score: h.score,
                                query_name: q.name.clone(),
                                matched_name: h.name.map(|n| index.name_text(n).to_string()),
                            },
                        );
                    }
                }
            }
            best.into_values().collect()
        })
        .collect();
    let mut pairs: HashMap<(u32, u32), Candidate> = HashMap::new();
    for c in found.into_iter().flatten() {
        match pairs.get(&(c.a, c.b)) {
            Some(have) if have.score >= c.score => {}
            _ => {
                pairs.insert((c.a, c.b), c);
            }
        }
    }
    let mut out: Vec<Candidate> = pairs.into_values().collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
    out
}

#[cfg(test)]
mod tests {
    use proscribe_model::{Country, CountryFact, DateFact, IdKind, Identifier, Name, PartialDate};

    use super::*;

    fn person(id: &str, names: &[&str], born: Option<&str>, nationality: Option<&str>) -> Entity {
        let mut e = Entity::new(id, Schema::Person);
        e.names = names.iter().map(|n| Name::new(*n, NameKind::Primary)).collect();
        if let Some(b) = born {
            e.birth_dates.push(DateFact { date: DateValue::On(b.parse::<PartialDate>().unwrap()), src: None });
        }
        if let Some(c) = nationality {
            e.countries.push(CountryFact {
                country: Country::from_code(c).unwrap(),
                role: CountryRole::Nationality,
                src: None,
            });
        }
        e
    }

    #[test]
    fn the_same_name_birth_day_and_nationality_link() {
        let a = person("a", &["Amir Khan MOTAQI"], Some("1968-03-12"), Some("AF"));
        let b = person("b", &["MOTAQI, Amir Khan"], Some("1968-03-12"), Some("AF"));
        let Some(Evidence::NameBirthDateNationality { birth_date, country, .. }) =
            strong_evidence(&a, &b, &Shared::default())
        else {
            panic!("no link")
        };
        assert_eq!((birth_date.as_str(), country.as_str()), ("1968-03-12", "af"));
        // A year alone, another day, another nationality or another name: no link.
        for other in [
            person("c", &["Amir Khan Motaqi"], Some("1968"), Some("AF")),
            person("d", &["Amir Khan Motaqi"], Some("1968-03-13"), Some("AF")),
            person("e", &["Amir Khan Motaqi"], Some("1968-03-12"), Some("PK")),
            person("f", &["Amir Khan Muttaqi"], Some("1968-03-12"), Some("AF")),
        ] {
            assert_eq!(strong_evidence(&a, &other, &Shared::default()), None, "{}", other.id);
        }
        // A nickname two people share (twins: one birth date) is no name of one of them.
        let mut twin = person("t", &[], Some("1968-03-12"), Some("AF"));
        twin.names.push(Name::new("Los Mellizos", NameKind::WeakAlias));
        let mut other_twin = twin.clone();
        other_twin.id = "u".to_string();
        assert_eq!(strong_evidence(&twin, &other_twin, &Shared::default()), None);
    }

    #[test]
    fn the_same_name_birth_year_nationality_and_town_of_birth_link() {
        let place = |text: &str| proscribe_model::Place {
            text: text.to_string(),
            country: Some(Country::from_code("AF").unwrap()),
            src: None,
        };
        let circa = |y: &str| DateFact { date: DateValue::Circa(y.parse::<PartialDate>().unwrap()), src: None };
        let mut a = person("a", &["AMIR KHAN MOTAQI"], None, Some("AF"));
        a.birth_dates.push(circa("1968"));
        a.birth_places.push(place("Zurmat District, Paktia Province, Afghanistan"));
        let mut b = person("b", &["Amir Khan Motaqi"], None, Some("AF"));
        b.birth_dates.push(circa("1968"));
        b.birth_places.push(place("Shin Kalai village, Nad-e-Ali District, Helmand Province, Afghanistan"));
        b.birth_places.push(place("Zurmat District,  Paktia Province, Afghanistan"));
        let Some(Evidence::NameBirthPlace { birth_date, place: at, .. }) = strong_evidence(&a, &b, &Shared::default())
        else {
            panic!("no link")
        };
        assert_eq!((birth_date.as_str(), at.as_str()), ("~1968", "Zurmat District, Paktia Province, Afghanistan"));
        // A country alone is no place; another year, or a year stated otherwise, no link.
        let mut c = b.clone();
        c.birth_places = vec![place("Afghanistan")];
        let mut c2 = a.clone();
        c2.birth_places = vec![place("Afghanistan")];
        assert_eq!(strong_evidence(&c2, &c, &Shared::default()), None, "a country alone");
        let mut d = b.clone();
        d.birth_dates = vec![circa("1970")];
        assert_eq!(strong_evidence(&a, &d, &Shared::default()), None, "another year");
        let mut e = b.clone();
        e.birth_dates = vec![DateFact { date: DateValue::On("1968".parse().unwrap()), src: None }];
        assert_eq!(strong_evidence(&a, &e, &Shared::default()), None, "a year stated otherwise");
        let mut f = b.clone();
        f.names = vec![Name::new("Amir Khan Muttaqi", NameKind::Primary)];
        assert_eq!(strong_evidence(&a, &f, &Shared::default()), None, "another spelling");
        // Found when an index is built, unless one list has two such entries.
        let index = crate::index::Index::build(vec![a.clone(), b.clone()]);
        assert_eq!(strong_links(&index, &|e| e).len(), 1);
        let index = crate::index::Index::build(vec![a.clone(), a.clone(), b]);
        assert!(strong_links(&index, &|e| u32::from(e == 2)).is_empty());
    }

    #[test]
    fn what_two_entries_of_one_list_share_links_no_one() {
        let index = crate::index::Index::build(vec![
            person("l1", &["Ahmed Abdi Aw-Mohamed"], Some("1977-07-10"), Some("SO")),
            person("l2", &["Ahmed Abdi Aw-Mohamed"], Some("1977-07-10"), Some("SO")),
            person("m1", &["Ahmed Abdi Aw-Mohamed"], Some("1977-07-10"), Some("SO")),
        ]);
        // l1 and l2 are of one source, m1 of another.
        let source_of = |e: u32| u32::from(e == 2);
        let shared = Shared::of(&index, &source_of);
        assert_eq!(strong_evidence(index.entity(0), index.entity(2), &shared), None);
        assert!(strong_evidence(index.entity(0), index.entity(2), &Shared::default()).is_some());
    }

    #[test]
    fn a_shared_number_of_one_kind_links_and_a_short_or_other_one_does_not() {
        let id = |kind, number: &str, country: Option<&str>| Identifier {
            kind,
            number: number.to_string(),
            label: None,
            country: country.map(|c| Country::from_code(c).unwrap()),
            note: None,
            src: None,
        };
        let mut a = Entity::new("a", Schema::Vessel);
        a.identifiers.push(id(IdKind::Imo, "IMO 9187629", None));
        let mut b = Entity::new("b", Schema::Vessel);
        b.identifiers.push(id(IdKind::Imo, "9187629", None));
        assert!(matches!(strong_evidence(&a, &b, &Shared::default()), Some(Evidence::Identifier { .. })));
        let mut person_b = Entity::new("p", Schema::Person);
        person_b.identifiers = b.identifiers.clone();
        assert_eq!(strong_evidence(&a, &person_b, &Shared::default()), None, "a vessel is no person");
        let mut c = Entity::new("c", Schema::Person);
        c.identifiers.push(id(IdKind::Passport, "A1234567", Some("IR")));
        let mut d = Entity::new("d", Schema::Person);
        d.identifiers.push(id(IdKind::Passport, "a 1234567", Some("IQ")));
        assert_eq!(strong_evidence(&c, &d, &Shared::default()), None, "another country's passport");
        d.identifiers[0].country = Some(Country::from_code("IR").unwrap());
        assert!(strong_evidence(&c, &d, &Shared::default()).is_some());
        let mut e = Entity::new("e", Schema::Person);
        e.identifiers.push(id(IdKind::Passport, "123", None));
        let f = e.clone();
        assert_eq!(strong_evidence(&e, &f, &Shared::default()), None, "too short to tell");
    }
}
