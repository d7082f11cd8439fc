//! Entity-level screening: a [`Query`] (a name, and optionally the kind of entity, a birth
//! date, countries and identifying numbers) against the entities of an [`Index`]. The best
//! name comparison of each candidate entity is the base score; each other piece of evidence
//! raises or lowers it by a fixed, documented amount, and every change is listed in the
//! hit's explanation. The result is a score in [0, 1]; a hit is a match at
//! [`DEFAULT_THRESHOLD`] unless the caller sets another threshold.
//!
//! | evidence | effect on the score |
//! |---|---|
//! | best name is a weak alias (too general to screen on alone) | [`WEAK_ALIAS`] |
//! | kinds incompatible (a person queried, a vessel listed) | [`SCHEMA_MISMATCH`] |
//! | birth date equal to the day | [`BIRTH_DATE_EXACT`] |
//! | birth date compatible (same year, or inside a listed span of at most two years) | [`BIRTH_DATE_YEAR`] |
//! | birth date inside a listed span of more years (`circa 1963`, `1960-1970`) | none |
//! | birth date at most a year off | none (listed as close) |
//! | birth date more than a year from every listed date | [`BIRTH_DATE_CONFLICT`] |
//! | a queried country among the entity's countries | [`COUNTRY_MATCH`] |
//! | no queried country among listed nationalities or citizenships | [`COUNTRY_CONFLICT`] |
//! | an identifying number equal to a listed one (passport, IMO, ...) | [`IDENTIFIER_MATCH`], and at least up to [`IDENTIFIER_FLOOR`] |
//!
//! Evidence the query or the entity lacks changes nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use proscribe_model::{Country, CountryRole, DateValue, Entity, NameKind, PartialDate, Schema};
use proscribe_segment::Column;
use serde::Serialize;

use crate::compare::{score_later, Memo, Scored};
use crate::index::{normalise_identifier, Index, MIN_IDENTIFIER_LEN};
use crate::{NameMatch, PreparedName};

pub use crate::compare::DEFAULT_THRESHOLD;

/// Effect of the best name being a weak alias.
pub const WEAK_ALIAS: f64 = -0.2;
/// Effect of incompatible kinds of entity (person and vessel, vessel and aircraft, ...).
pub const SCHEMA_MISMATCH: f64 = -0.4;
/// Effect of a birth date equal to a listed one to the day.
pub const BIRTH_DATE_EXACT: f64 = 0.15;
/// Effect of a birth date compatible with a listed one (same year, or within a listed span of
/// at most two years: a wider one says little of who was born in it).
pub const BIRTH_DATE_YEAR: f64 = 0.1;
/// Effect of a birth date more than a year from every listed one.
pub const BIRTH_DATE_CONFLICT: f64 = -0.35;
/// Effect of a queried country among the entity's countries.
pub const COUNTRY_MATCH: f64 = 0.06;
/// Effect of no queried country among the entity's listed nationalities or citizenships.
pub const COUNTRY_CONFLICT: f64 = -0.15;
/// Effect of an identifying number equal to a listed one (at least).
pub const IDENTIFIER_MATCH: f64 = 0.5;
/// Score that an identifying number equal to a listed one lifts a hit to, whatever the name:
/// an IMO number stays with a renamed vessel, a passport number with a new alias.
pub const IDENTIFIER_FLOOR: f64 = 0.9;
/// Candidates whose retrieval score is below this share of the best candidate's are not
/// compared: measured on OFAC's aliases, brute force's matches are almost never among them.
pub const CANDIDATE_RATIO: f32 = 0.4;
/// Names longer than this (in characters) are refused: no listed name comes near, and
/// comparing them would only cost time.
pub const MAX_NAME_CHARS: usize = 1000;

/// What to screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// The name, in any script.
    pub name: String,
    /// The kind of entity, when known.
    pub schema: Option<Schema>,
    /// The birth (or incorporation) date, when known.
    pub birth_date: Option<DateValue>,
    /// Countries (nationality, residence, jurisdiction), when known.
    pub countries: Vec<Country>,
    /// Identifying numbers (passport, national id, IMO, registration), when known.
    pub identifiers: Vec<String>,
}

impl Query {
    /// A query by name alone.
    pub fn name(name: impl Into<String>) -> Query {
        Query { name: name.into(), ..Query::default() }
    }
}

/// Why a query cannot be screened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The name has no letter or digit in any script (empty, punctuation, emoji).
    #[error("the name has no letters or digits")]
    NoLetters,
    /// The name is longer than [`MAX_NAME_CHARS`].
    #[error("the name is {0} characters long; at most {MAX_NAME_CHARS} are screened")]
    TooLong(usize),
}

/// How many results to return and from which score they match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenOptions {
    /// Most hits returned (best first).
    pub limit: usize,
    /// Score from which a hit is a match.
    pub threshold: f64,
    /// Names the index proposes for scoring.
    pub candidates: usize,
    /// Whether hits carry their explanation (aligned words, evidence in words); without it a
    /// hit has its score, name and the effects of the evidence only.
    pub explain: bool,
    /// Whether only matches (hits scoring at least `threshold`) are wanted: names of entities
    /// whose other evidence keeps them below the threshold however alike the names are
    /// (another kind of entity, a conflicting birth date) are then not compared, and hits
    /// below the threshold may be missing from the result.
    pub matches_only: bool,
}

impl Default for ScreenOptions {
    fn default() -> ScreenOptions {
        ScreenOptions {
            limit: 10,
            threshold: DEFAULT_THRESHOLD,
            candidates: crate::index::DEFAULT_CANDIDATES,
            explain: true,
            matches_only: false,
        }
    }
}

/// A piece of evidence besides the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// What kind of name matched (weak alias).
    NameKind,
    /// Compatibility of the kinds of entity.
    Schema,
    /// Birth or incorporation date.
    BirthDate,
    /// Nationality, residence, jurisdiction.
    Country,
    /// Identifying numbers.
    Identifier,
}

/// One piece of evidence and what it did to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    /// Which evidence.
    pub feature: FeatureKind,
    /// Added to the score (negative lowers it; zero: noted, no effect).
    pub effect: f64,
    /// What was compared, for a person to check.
    pub detail: String,
}

/// A listed entity that may be the one queried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Position of the entity in [`Index::entities`].
    pub entity: u32,
    /// The score in [0, 1].
    pub score: f64,
    /// Whether the score reaches the threshold.
    pub is_match: bool,
    /// The listed name that matched best (position in [`Index::names`]), if any was compared.
    pub name: Option<u32>,
    /// The comparison of the queried name with that name: aligned words and how well.
    pub name_match: NameMatch,
    /// The evidence besides the name, in the order applied.
    pub features: Vec<Feature>,
}

/// Prepares a query name, refusing names that cannot be screened.
pub fn prepare_query(name: &str, schema: Option<Schema>) -> Result<PreparedName, QueryError> {
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(QueryError::TooLong(chars));
    }
    let prepared = PreparedName::new(name, schema);
    if prepared.variants.iter().all(|v| v.is_empty()) {
        return Err(QueryError::NoLetters);
    }
    Ok(prepared)
}

/// Screens `query` against the candidates the index proposes (and entities carrying a
/// queried identifying number): at most `options.limit` hits, best first.
pub fn screen(index: &Index, query: &Query, options: &ScreenOptions) -> Result<Vec<Hit>, QueryError> {
    let prepared = prepare_query(&query.name, query.schema)?;
    let candidates = index.candidates(&prepared, options.candidates);
    // Names far behind the best in retrieval are not worth a comparison.
    let floor = candidates.first().map_or(0.0, |c| c.score * CANDIDATE_RATIO);
    let forms: Vec<u32> = candidates.iter().filter(|c| c.score >= floor).map(|c| c.form).collect();
    Ok(score_forms(index, query, &prepared, &forms, options, Order::Retrieval))
}

/// Screens `query` by comparing it with every indexed name: what the index must not miss.
/// Slow; for measuring the index's recall.
pub fn screen_brute_force(index: &Index, query: &Query, options: &ScreenOptions) -> Result<Vec<Hit>, QueryError> {
    let prepared = prepare_query(&query.name, query.schema)?;
    let forms: Vec<u32> = (0..index.form_count() as u32).collect();
    Ok(score_forms(index, query, &prepared, &forms, options, Order::Unranked))
}

/// Most forms compared with a memo of token similarities.
const MEMO_MAX_FORMS: usize = 4 * crate::index::DEFAULT_CANDIDATES;

thread_local! {
    /// The thread's memo of token similarities, kept across its queries (see `Memo`).
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// The best name of an entity found so far.
struct Best {
    entity: u32,
    /// Position in [`Index::names`].
    name: u32,
    /// Position of the comparison of the queried name with it among the query's
    /// comparisons, explained only if the entity is returned.
    compared: u32,
    /// Its score, a weak alias ranking lower.
    rank: f64,
}

/// How the forms to score are ordered.
#[derive(Clone, Copy, PartialEq)]
enum Order {
    /// Best first by retrieval: past the first [`FIRST_FORMS`], the rest are compared only
    /// for a query among a crowd of alike names.
    Retrieval,
    /// In no order that says anything (brute force): every form is compared.
    Unranked,
}

/// Candidates compared before screening decides whether the query is among a crowd of alike
/// names: if fewer than [`CROWD`] of them that may be matches (see `reachable_forms`) score
/// within [`CROWD_MARGIN`] of the threshold or more, those retrieval ranks lower, which share
/// less with the query still, are not compared. Among a crowd (a common name, or one person
/// listed under many spellings) every candidate may still displace one of the best ten, and
/// all are compared. Screening for matches only decides alike on the same names, and finds
/// the matches that ranking does. Measured on OFAC's aliases, the UN's screening records and
/// OFAC's aliases against all lists: the index returns as many of brute force's matches as
/// when it compared every candidate, and the best ten are better, with half the names
/// compared (BENCHMARKS.md).
const FIRST_FORMS: usize = 20;
const CROWD: usize = 3;
const CROWD_MARGIN: f64 = 0.1;

/// Scores the entities bearing the name `forms` (and those found by identifier) against the
/// query: each form is compared once, the best name of each entity weighed with the other
/// evidence, and only the hits returned get their name comparison and evidence explained.
fn score_forms(
    index: &Index,
    query: &Query,
    prepared: &PreparedName,
    forms: &[u32],
    options: &ScreenOptions,
    order: Order,
) -> Vec<Hit> {
    // The candidates of a query share words, and their comparisons token pairs; compared
    // with every listed name (brute force), a memo would only cost.
    let mut memo = (forms.len() <= MEMO_MAX_FORMS).then(|| MEMO.with(|m| m.take()));
    if let Some(memo) = &mut memo {
        memo.begin(index.stamp());
    }
    // Every comparison made, each kept once; `entities` holds the entity of each of `best`,
    // for a quick search (a map when every form is compared: a linear search of up to every
    // entity for each form would be quadratic).
    let mut compared: Vec<Scored> = Vec::with_capacity(forms.len());
    let (mut best, mut entities): (Vec<Best>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut positions: Option<HashMap<u32, usize>> = (order == Order::Unranked).then(HashMap::new);
    let mut take = |name_id: u32, at: u32, score: f64, best: &mut Vec<Best>| {
        let name = &index.names()[name_id as usize];
        let rank = score + if name.kind() == NameKind::WeakAlias { WEAK_ALIAS } else { 0.0 };
        let found = Best { entity: name.entity, name: name_id, compared: at, rank };
        let position = match &positions {
            Some(map) => map.get(&name.entity).copied(),
            None => entities.iter().position(|&e| e == name.entity),
        };
        match position {
            Some(i) if rank > best[i].rank => best[i] = found,
            Some(_) => {}
            None => {
                if let Some(map) = &mut positions {
                    map.insert(name.entity, best.len());
                }
                best.push(found);
                entities.push(name.entity);
            }
        }
    };
    // With only matches wanted, names of entities that the other evidence keeps below the
    // threshold however alike they are (a name scores 1 at most) are not compared. `head`
    // is how many of the forms compared come from the first `FIRST_FORMS` candidates.
    let reachable;
    let first = &forms[..forms.len().min(FIRST_FORMS)];
    let (forms, head) = if options.matches_only {
        reachable = reachable_forms(index, query, forms, options.threshold);
        // The order is kept: the first candidates' come first.
        let head = reachable.iter().take_while(|f| first.contains(f)).count();
        (reachable.as_slice(), head)
    } else {
        (forms, first.len())
    };
    let staged = order == Order::Retrieval && head < forms.len();
    let with_memo = memo.is_some();
    let warm = |forms: &[u32]| {
        if with_memo {
            std::hint::black_box(forms.iter().map(|&f| index.form_prepared(f).warm()).sum::<usize>());
        }
    };
    warm(if staged { &forms[..head] } else { forms });
    for (i, &f) in forms.iter().enumerate() {
        if staged && i == head {
            // Only names that may be matches count, whether only matches are wanted or not
            // (with only matches wanted, the others were never compared): both decide alike.
            let in_reach =
                (!options.matches_only).then(|| reachable_forms(index, query, &forms[..head], options.threshold));
            let may_match = |f: &u32| in_reach.as_ref().is_none_or(|r| r.contains(f));
            let near = options.threshold - CROWD_MARGIN;
            let crowd = forms[..head].iter().zip(&compared).filter(|(f, c)| c.score() >= near && may_match(f)).count();
            if crowd < CROWD {
                break;
            }
            warm(&forms[head..]);
        }
        let scored = score_later(prepared, index.form_prepared(f), index, memo.as_mut());
        let (at, score) = (compared.len() as u32, scored.score());
        compared.push(scored);
        for &n in index.form_names(f) {
            take(n, at, score, &mut best);
        }
    }
    for number in &query.identifiers {
        for &e in index.entities_with_identifier(number) {
            if !best.iter().any(|b| b.entity == e) {
                for n in index.names_of(e) {
                    let scored = score_later(prepared, index.prepared(n), index, memo.as_mut());
                    let (at, score) = (compared.len() as u32, scored.score());
                    compared.push(scored);
                    take(n, at, score, &mut best);
                }
            }
        }
    }
    if let Some(memo) = memo {
        MEMO.with(|m| m.replace(memo));
    }
    // With only matches wanted, a name too far below the threshold for any evidence to lift
    // it is not weighed (identifiers lift a name to a match whatever its score).
    let lift = BIRTH_DATE_EXACT + COUNTRY_MATCH;
    let weighed = |b: &Best| {
        !options.matches_only
            || !query.identifiers.is_empty()
            || compared[b.compared as usize].score() + lift >= options.threshold - 1e-9
    };
    // (score, name score, entity, position in `best`): sorting moves these, not the
    // comparisons.
    let mut ranked: Vec<(f64, f64, u32, usize)> = best
        .iter()
        .enumerate()
        .filter(|(_, b)| weighed(b))
        .map(|(i, b)| {
            let name_score = compared[b.compared as usize].score();
            let kind = index.names()[b.name as usize].kind();
            // Identifiers need the entity; the rest is in the index's facts.
            let effect = if query.identifiers.is_empty() {
                effect(query, index, b.entity, kind == NameKind::WeakAlias)
            } else {
                let effects = weigh(query, index.entity(b.entity), kind, name_score, false);
                effects.iter().map(|f| f.effect).sum::<f64>()
            };
            let score = (name_score + effect).clamp(0.0, 1.0);
            (score, name_score, b.entity, i)
        })
        .collect();
    // Entities are distinct: the order is total.
    ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked.truncate(options.limit);
    ranked
        .into_iter()
        .map(|(score, name_score, _, i)| {
            let b = &best[i];
            let entity = index.entity(b.entity);
            let kind = index.names()[b.name as usize].kind();
            Hit {
                entity: b.entity,
                score,
                is_match: score >= options.threshold,
                name: Some(b.name),
                name_match: if options.explain {
                    compared[b.compared as usize].explain(prepared, index.prepared(b.name), index)
                } else {
                    NameMatch::score_only(name_score)
                },
                features: weigh(query, entity, kind, name_score, options.explain),
            }
        })
        .collect()
}

/// The evidence of each entity besides its names, in brief and in a few dense arrays: deciding
/// whether an entity may reach the threshold reads these rather than the entity (entities are
/// large and scattered in memory, and most of those met are ruled out).
/// They are columns, read in place from an index file.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub(crate) entities: Column<EntityFacts>,
    /// The countries of every entity (ISO codes, upper case), each entity's in one run.
    pub(crate) countries: Column<[u8; 2]>,
}

/// What screening reads of an entity before its names are compared.
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct EntityFacts {
    /// Its kind, by position in [`Schema::ALL`].
    schema: u8,
    /// 1 when it has a nationality or citizenship.
    nationality: u8,
    /// 1 when it has birth dates, whose first and last possible years follow.
    has_birth_years: u8,
    _pad: u8,
    first_birth_year: i32,
    last_birth_year: i32,
    /// Its run in [`Facts::countries`]: every country it is tied to (see [`country`]).
    pub(crate) countries_start: u32,
    pub(crate) countries_end: u32,
}

impl EntityFacts {
    fn schema(&self) -> Schema {
        Schema::ALL.get(self.schema as usize).copied().unwrap_or(Schema::LegalEntity)
    }

    /// The first and the last year its birth dates may stand for, if it has any.
    fn birth_years(&self) -> Option<(i32, i32)> {
        (self.has_birth_years != 0).then_some((self.first_birth_year, self.last_birth_year))
    }
}

impl Facts {
    pub(crate) fn of_all(entities: &[Entity]) -> Facts {
        let (mut all, mut countries) = (Vec::with_capacity(entities.len()), Vec::new());
        for e in entities {
            let start = countries.len() as u32;
            countries.extend(entity_countries(e).into_iter().map(|(c, _)| country_bytes(&c)));
            let years = e.birth_dates.iter().map(|d| (d.date.earliest().get_year(), d.date.latest().get_year()));
            let years = years.reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
            all.push(EntityFacts {
                schema: Schema::ALL.iter().position(|&s| s == e.schema).unwrap_or(0) as u8,
                nationality: u8::from(
                    e.countries.iter().any(|f| matches!(f.role, CountryRole::Nationality | CountryRole::Citizenship)),
                ),
                has_birth_years: u8::from(years.is_some()),
                _pad: 0,
                first_birth_year: years.map_or(0, |y| y.0),
                last_birth_year: years.map_or(0, |y| y.1),
                countries_start: start,
                countries_end: countries.len() as u32,
            });
        }
        Facts { entities: all.into(), countries: countries.into() }
    }
}

/// A country's code as two bytes, as [`Facts`] keeps it.
fn country_bytes(c: &Country) -> [u8; 2] {
    let code = c.code().as_bytes();
    [code.first().copied().unwrap_or(0), code.get(1).copied().unwrap_or(0)]
}

/// Those of `forms` that bear a name of an entity that may score `threshold`: one found by an
/// identifier, or one whose evidence besides the name leaves room for the threshold.
fn reachable_forms(index: &Index, query: &Query, forms: &[u32], threshold: f64) -> Vec<u32> {
    let by_identifier: Vec<u32> =
        query.identifiers.iter().flat_map(|n| index.entities_with_identifier(n)).copied().collect();
    // In steps, each reading what the one before found for every form at once: the forms,
    // their names and their entities' facts lie scattered in memory, and reads that do not
    // wait for one another are served together.
    let members: Vec<&[u32]> = forms.iter().map(|&f| index.form_names(f)).collect();
    let names: Vec<(u32, bool)> = members
        .iter()
        .flat_map(|m| m.iter())
        .map(|&n| {
            let name = &index.names()[n as usize];
            (name.entity, name.kind() == NameKind::WeakAlias)
        })
        .collect();
    let reachable: Vec<bool> = names
        .iter()
        .map(|&(e, weak)| by_identifier.contains(&e) || may_reach(query, index, e, weak, threshold))
        .collect();
    let mut at = 0;
    let mut out = Vec::with_capacity(forms.len());
    for (&f, m) in forms.iter().zip(&members) {
        if reachable[at..at + m.len()].iter().any(|&r| r) {
            out.push(f);
        }
        at += m.len();
    }
    out
}

/// Whether a name of entity `e` (a weak alias or not) that the query's name matched fully may
/// score `threshold` with the evidence besides the name and identifiers.
fn may_reach(query: &Query, index: &Index, e: u32, weak: bool, threshold: f64) -> bool {
    // With room for rounding: the score adds the same effects in another order.
    let threshold = threshold - 1e-9;
    let sure = 1.0 + weak_effect(weak) + schema_effect(query, index, e) + country_effect(query, index, e);
    // The birth date, the only piece that may need the entity itself, last.
    if query.birth_date.is_none() || sure + BIRTH_DATE_EXACT < threshold {
        return sure >= threshold;
    }
    sure + BIRTH_DATE_CONFLICT >= threshold || sure + date_effect(query, index, e) >= threshold
}

/// The effect of the evidence besides the name and identifiers on the score of a name of
/// entity `e`, as [`weigh`] adds it up.
fn effect(query: &Query, index: &Index, e: u32, weak: bool) -> f64 {
    weak_effect(weak) + schema_effect(query, index, e) + date_effect(query, index, e) + country_effect(query, index, e)
}

fn weak_effect(weak: bool) -> f64 {
    if weak {
        WEAK_ALIAS
    } else {
        0.0
    }
}

fn schema_effect(query: &Query, index: &Index, e: u32) -> f64 {
    match query.schema {
        Some(s) if !compatible(s, index.facts().entities[e as usize].schema()) => SCHEMA_MISMATCH,
        _ => 0.0,
    }
}

/// What [`country`] finds, from the index's facts.
fn country_effect(query: &Query, index: &Index, e: u32) -> f64 {
    if query.countries.is_empty() {
        return 0.0;
    }
    let facts = &index.facts().entities[e as usize];
    let tied = &index.facts().countries[facts.countries_start as usize..facts.countries_end as usize];
    if tied.iter().any(|c| query.countries.iter().any(|q| country_bytes(q) == *c)) {
        COUNTRY_MATCH
    } else if facts.nationality != 0 {
        COUNTRY_CONFLICT
    } else {
        0.0
    }
}

/// What [`birth_date`] finds: from the index's facts when the queried date is two years or more
/// from every listed birth date (a conflict, see `date_fit`) or the entity has none, else from
/// the entity.
fn date_effect(query: &Query, index: &Index, e: u32) -> f64 {
    let (Some(date), Some((first, last))) = (&query.birth_date, index.facts().entities[e as usize].birth_years())
    else {
        return 0.0;
    };
    let (qa, qb) = (date.earliest().get_year(), date.latest().get_year());
    if qb + 2 <= first || qa >= last + 2 {
        return BIRTH_DATE_CONFLICT;
    }
    birth_date(date, index.entity(e), false).map_or(0.0, |f| f.effect)
}

/// The evidence besides the name's similarity.
pub fn evidence(query: &Query, entity: &Entity, name_kind: NameKind, name_score: f64) -> Vec<Feature> {
    weigh(query, entity, name_kind, name_score, true)
}

/// The evidence besides the name's similarity, with the details for a person to check only
/// when `explain` (ranking needs the effects alone, of many more entities than are returned).
fn weigh(query: &Query, entity: &Entity, name_kind: NameKind, name_score: f64, explain: bool) -> Vec<Feature> {
    let detail = |text: &dyn Fn() -> String| if explain { text() } else { String::new() };
    let mut out = Vec::new();
    if name_kind == NameKind::WeakAlias {
        out.push(Feature {
            feature: FeatureKind::NameKind,
            effect: WEAK_ALIAS,
            detail: detail(&|| "the matching name is a weak alias, too general to screen on alone".into()),
        });
    }
    if let Some(schema) = query.schema {
        if !compatible(schema, entity.schema) {
            out.push(Feature {
                feature: FeatureKind::Schema,
                effect: SCHEMA_MISMATCH,
                detail: detail(&|| format!("a {schema} was queried; the listed entity is a {}", entity.schema)),
            });
        }
    }
    if let Some(date) = &query.birth_date {
        out.extend(birth_date(date, entity, explain));
    }
    if !query.countries.is_empty() {
        out.extend(country(&query.countries, entity, explain));
    }
    if !query.identifiers.is_empty() {
        let so_far = name_score + out.iter().map(|f| f.effect).sum::<f64>();
        out.extend(identifier(&query.identifiers, entity, so_far, explain));
    }
    out
}

/// Whether a queried kind of entity can be a listed one. A legal entity may be a person or an
/// organisation; organisations and companies are often listed as one another.
pub fn compatible(query: Schema, listed: Schema) -> bool {
    use Schema::*;
    let group = |s: Schema| match s {
        Person => 0,
        Organization | Company => 1,
        LegalEntity => 2,
        Vessel => 3,
        Aircraft => 4,
    };
    let (a, b) = (group(query), group(listed));
    a == b || (a == 2 && b <= 1) || (b == 2 && a <= 1)
}

/// How a queried date relates to a listed one, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DateFit {
    Exact,
    Compatible,
    /// Inside a listed span of several years (`circa 1963`, `1960-1970`): as likely for
    /// anyone born then, so it neither raises nor lowers.
    Within,
    Close,
    Conflict,
}

fn day_dates(value: &DateValue) -> &[PartialDate] {
    match value {
        DateValue::On(d) => std::slice::from_ref(d),
        DateValue::Reported(ds) => ds,
        _ => &[],
    }
}

fn date_fit(query: &DateValue, listed: &DateValue) -> DateFit {
    let full = |d: &PartialDate| d.get_day().is_some();
    let q_days = day_dates(query);
    if day_dates(listed).iter().any(|l| full(l) && q_days.iter().any(|q| q == l)) {
        return DateFit::Exact;
    }
    // Several reported dates are several dates, not the years between them.
    if let DateValue::Reported(dates) = listed {
        return dates.iter().map(|d| date_fit(query, &DateValue::On(*d))).min().unwrap_or(DateFit::Within);
    }
    let (qa, qb, la, lb) = (query.earliest(), query.latest(), listed.earliest(), listed.latest());
    if qa <= lb && la <= qb {
        return match listed {
            // `~1963` is 1963 most likely, a year either side possibly.
            DateValue::Circa(d) => {
                let own = DateValue::On(*d);
                if qa <= own.latest() && own.earliest() <= qb {
                    DateFit::Compatible
                } else {
                    DateFit::Close
                }
            }
            _ if lb.get_year() - la.get_year() >= 2 => DateFit::Within,
            _ => DateFit::Compatible,
        };
    }
    let gap = if qb < la { la.get_year() - qb.get_year() } else { qa.get_year() - lb.get_year() };
    if gap <= 1 {
        DateFit::Close
    } else {
        DateFit::Conflict
    }
}

fn birth_date(query: &DateValue, entity: &Entity, explain: bool) -> Option<Feature> {
    let listed = entity.birth_dates.iter().map(|d| &d.date);
    let (fit, nearest) = listed.clone().map(|l| (date_fit(query, l), l)).min_by_key(|(fit, _)| *fit)?;
    let effect = match fit {
        DateFit::Exact => BIRTH_DATE_EXACT,
        DateFit::Compatible => BIRTH_DATE_YEAR,
        DateFit::Within | DateFit::Close => 0.0,
        DateFit::Conflict => BIRTH_DATE_CONFLICT,
    };
    let detail = if !explain {
        String::new()
    } else {
        match fit {
            DateFit::Exact => format!("birth date {query} equals listed {nearest}"),
            DateFit::Compatible => format!("birth date {query} is compatible with listed {nearest}"),
            DateFit::Within => format!("birth date {query} lies in listed {nearest}, a span of years"),
            DateFit::Close => format!("birth date {query} is within a year of listed {nearest}"),
            DateFit::Conflict => {
                let all = listed.map(|d| d.to_string()).collect::<Vec<_>>().join(", ");
                format!("birth date {query} conflicts with listed {all}")
            }
        }
    };
    Some(Feature { feature: FeatureKind::BirthDate, effect, detail })
}

/// Every country the entity is tied to, with the role of the first mention.
fn entity_countries(entity: &Entity) -> Vec<(Country, &'static str)> {
    let mut out: Vec<(Country, &'static str)> = Vec::new();
    let mut push = |c: Country, role: &'static str| {
        if !out.iter().any(|(o, _)| *o == c) {
            out.push((c, role));
        }
    };
    for f in &entity.countries {
        let role = match f.role {
            CountryRole::Nationality => "nationality",
            CountryRole::Citizenship => "citizenship",
            CountryRole::Residence => "residence",
            CountryRole::Jurisdiction => "jurisdiction",
            CountryRole::Flag => "flag",
            CountryRole::Linked => "country",
        };
        push(f.country, role);
    }
    for p in &entity.birth_places {
        if let Some(c) = p.country {
            push(c, "birth place");
        }
    }
    for a in &entity.addresses {
        if let Some(c) = a.country {
            push(c, "address");
        }
    }
    for i in &entity.identifiers {
        if let Some(c) = i.country {
            push(c, "document");
        }
    }
    out
}

fn country(query: &[Country], entity: &Entity, explain: bool) -> Option<Feature> {
    let listed = entity_countries(entity);
    if let Some((c, role)) = listed.iter().find(|(c, _)| query.contains(c)) {
        return Some(Feature {
            feature: FeatureKind::Country,
            effect: COUNTRY_MATCH,
            detail: if explain { format!("country {c} matches the listed {role}") } else { String::new() },
        });
    }
    let citizenship =
        entity.countries.iter().filter(|f| matches!(f.role, CountryRole::Nationality | CountryRole::Citizenship));
    // No nationality or citizenship listed: nothing to conflict with.
    citizenship.clone().next()?;
    let detail = if explain {
        let listed: Vec<String> = citizenship.map(|f| f.country.to_string()).collect();
        let asked: Vec<String> = query.iter().map(|c| c.to_string()).collect();
        format!("country {} is not among the listed nationalities {}", asked.join(", "), listed.join(", "))
    } else {
        String::new()
    };
    Some(Feature { feature: FeatureKind::Country, effect: COUNTRY_CONFLICT, detail })
}

/// An equal identifying number raises the score by [`IDENTIFIER_MATCH`], and at least to
/// [`IDENTIFIER_FLOOR`]: a vessel renamed keeps its IMO number.
fn identifier(query: &[String], entity: &Entity, so_far: f64, explain: bool) -> Option<Feature> {
    for q in query {
        let key = normalise_identifier(q);
        if key.len() < MIN_IDENTIFIER_LEN {
            continue;
        }
        if let Some(id) = entity.identifiers.iter().find(|i| normalise_identifier(&i.number) == key) {
            let detail = if explain {
                let kind = id.label.clone().unwrap_or_else(|| format!("{:?}", id.kind).to_lowercase());
                format!("identifier {q} equals the listed {kind} {}", id.number)
            } else {
                String::new()
            };
            let effect = IDENTIFIER_MATCH.max(IDENTIFIER_FLOOR - so_far);
            return Some(Feature { feature: FeatureKind::Identifier, effect, detail });
        }
    }
    None
}

impl Index {
    /// Positions in [`Index::names`] of the names of entity `entity`.
    pub fn names_of(&self, entity: u32) -> Range<u32> {
        let names = self.names();
        let start = names.partition_point(|n| n.entity < entity);
        let end = names.partition_point(|n| n.entity <= entity);
        start as u32..end as u32
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::{CountryFact, DateFact, IdKind, Identifier, Name};

    use super::*;

    fn person() -> Entity {
        let mut e = Entity::new("p1", Schema::Person);
        e.add_name(Name::new("AMIR KHAN MOTAQI", NameKind::Primary));
        e.add_name(Name::new("Mullah Amir", NameKind::WeakAlias));
        e.birth_dates.push(DateFact { date: "1968-03-02".parse().unwrap(), src: None });
        e.birth_dates.push(DateFact { date: "1970".parse().unwrap(), src: None });
        e.countries.push(CountryFact {
            country: Country::from_code("af").unwrap(),
            role: CountryRole::Nationality,
            src: None,
        });
        e.identifiers.push(Identifier {
            kind: IdKind::Passport,
            number: "OA 123456".into(),
            label: None,
            country: None,
            note: None,
            src: None,
        });
        e
    }

    fn query(schema: Option<&str>, birth: Option<&str>, country: Option<&str>, id: Option<&str>) -> Query {
        Query {
            name: "Amir Khan Motaqi".into(),
            schema: schema.and_then(Schema::parse),
            birth_date: birth.map(|b| b.parse().unwrap()),
            countries: country.map(|c| Country::from_code(c).unwrap()).into_iter().collect(),
            identifiers: id.map(String::from).into_iter().collect(),
        }
    }

    /// The effects of the evidence besides the name, by feature.
    fn check(q: Query, kind: NameKind, expected: &[(FeatureKind, f64)]) {
        let got: Vec<(FeatureKind, f64)> =
            evidence(&q, &person(), kind, 0.8).iter().map(|f| (f.feature, f.effect)).collect();
        assert_eq!(got, expected, "{q:?}");
    }

    #[test]
    fn evidence_raises_and_lowers() {
        use FeatureKind as F;
        let (primary, weak) = (NameKind::Primary, NameKind::WeakAlias);
        type Case = (Query, NameKind, Vec<(F, f64)>);
        let cases: Vec<Case> = vec![
            (query(None, None, None, None), primary, vec![]),
            (query(None, None, None, None), weak, vec![(F::NameKind, WEAK_ALIAS)]),
            (query(Some("Person"), None, None, None), primary, vec![]),
            (query(Some("LegalEntity"), None, None, None), primary, vec![]),
            (query(Some("Vessel"), None, None, None), primary, vec![(F::Schema, SCHEMA_MISMATCH)]),
            (query(None, Some("1968-03-02"), None, None), primary, vec![(F::BirthDate, BIRTH_DATE_EXACT)]),
            (query(None, Some("1968"), None, None), primary, vec![(F::BirthDate, BIRTH_DATE_YEAR)]),
            (query(None, Some("1970-07-01"), None, None), primary, vec![(F::BirthDate, BIRTH_DATE_YEAR)]),
            (query(None, Some("1971-01-05"), None, None), primary, vec![(F::BirthDate, 0.0)]),
            (query(None, Some("1985-01-05"), None, None), primary, vec![(F::BirthDate, BIRTH_DATE_CONFLICT)]),
            (query(None, None, Some("af"), None), primary, vec![(F::Country, COUNTRY_MATCH)]),
            (query(None, None, Some("fr"), None), primary, vec![(F::Country, COUNTRY_CONFLICT)]),
            (query(None, None, None, Some("oa-123456")), primary, vec![(F::Identifier, IDENTIFIER_MATCH)]),
            (query(None, None, None, Some("999999")), primary, vec![]),
        ];
        for (q, kind, expected) in cases {
            check(q, kind, &expected);
        }
    }

    /// A listed date of several years says as much as it narrows: `circa 1963` is 1963 most
    /// likely, a span of years anyone born then falls in, reported dates are each a date.
    #[test]
    fn listed_dates_of_every_form() {
        let fit = |q: &str, listed: &str| {
            date_fit(&DateValue::parse_lenient(q, true).unwrap(), &DateValue::parse_lenient(listed, true).unwrap())
        };
        let cases = [
            ("1963-05-02", "circa 1963", DateFit::Compatible),
            ("1964-02-15", "circa 1963", DateFit::Close),
            ("1966", "circa 1963", DateFit::Conflict),
            ("1964", "1963/1964", DateFit::Compatible),
            ("1965", "1960/1970", DateFit::Within),
            ("1975", "1960/1970", DateFit::Conflict),
            ("1965", "1960|1970", DateFit::Conflict),
            ("1970-02-01", "1960|1970", DateFit::Compatible),
            ("1960-03-04", "1960-03-04|1970", DateFit::Exact),
            ("1961", "1960|1970", DateFit::Close),
        ];
        for (q, listed, want) in cases {
            assert_eq!(fit(q, listed), want, "{q} against {listed}");
        }
    }

    /// The effect read from the index's facts is the one `weigh` adds up from the entity, and
    /// an entity may reach a threshold exactly when a full name match with it would.
    #[test]
    fn facts_give_the_effects_of_the_evidence() {
        let mut circa = Entity::new("p2", Schema::Person);
        circa.add_name(Name::new("Amir Khan", NameKind::Primary));
        circa.birth_dates.push(DateFact { date: DateValue::parse_lenient("circa 1960", true).unwrap(), src: None });
        circa.birth_dates.push(DateFact { date: "1975-06".parse().unwrap(), src: None });
        circa.birth_places.push(proscribe_model::Place {
            text: "Peshawar".into(),
            country: Country::from_code("pk").ok(),
            src: None,
        });
        let mut org = Entity::new("o1", Schema::Organization);
        org.add_name(Name::new("Amir Khan Trading", NameKind::Primary));
        let index = Index::build([person(), circa, org]);
        let years = ["1955", "1958", "1959", "1961", "1962", "1964", "1966-05-01", "1968-03-02", "1969", "1971-01-05"];
        let years = years.into_iter().chain(["1972", "1973", "1974-12-31", "1975-06-15", "1976", "1977", "1990"]);
        let mut checked = 0;
        for birth in years.map(Some).chain([None]) {
            for country in [None, Some("af"), Some("pk"), Some("fr")] {
                for schema in [None, Some("Person"), Some("Company")] {
                    let q = query(schema, birth, country, None);
                    for e in 0..3u32 {
                        for kind in [NameKind::Primary, NameKind::WeakAlias] {
                            let entity = index.entity(e);
                            let want: f64 = weigh(&q, entity, kind, 1.0, false).iter().map(|f| f.effect).sum();
                            let weak = kind == NameKind::WeakAlias;
                            assert_eq!(effect(&q, &index, e, weak), want, "{q:?} {}", entity.id);
                            for threshold in [0.5, 0.6, 0.7, 0.8, 0.9] {
                                let reach = 1.0 + want >= threshold - 1e-9;
                                assert_eq!(may_reach(&q, &index, e, weak, threshold), reach, "{q:?} {}", entity.id);
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 18 * 4 * 3 * 3 * 2);
    }

    /// A thread's memo of token similarities, shared across every name of an index and every
    /// query, and kept for the explanation, gives what comparing each pair afresh gives; moved
    /// to another index, it forgets the first one's tokens.
    #[test]
    fn memo_gives_what_comparing_afresh_gives() {
        use crate::compare::{compare_names, score_later, Memo};
        let listed: &[(&str, Schema)] = &[
            ("HAQQANI, Sirajuddin", Schema::Person),
            ("Abd al-Rahman Mustafa al-Qaduli", Schema::Person),
            ("Abdul Rahman Yasin", Schema::Person),
            ("Muhammad Abdallah Hasan al-Sharif", Schema::Person),
            ("Khalil Ahmed Haqqani", Schema::Person),
            ("محمد عبد الله", Schema::Person),
            ("Мохаммад Абдулла", Schema::Person),
            ("Vladimir Vladimirovich Putin", Schema::Person),
            ("Bin Laden, Usama bin Muhammad bin Awad", Schema::Person),
            ("AL-QAIDA", Schema::Organization),
            ("Islamic Revolutionary Guard Corps (IRGC)", Schema::Organization),
            ("Bank Melli Iran", Schema::Company),
            ("Sepehr Energy Jahan Nama Pars Company", Schema::Company),
            ("Gulf Sunbird II", Schema::Vessel),
            ("Ocean Pioneer (ex-Cape Diamond)", Schema::Vessel),
        ];
        let entities: Vec<Entity> = listed
            .iter()
            .enumerate()
            .map(|(i, (name, schema))| {
                let mut e = Entity::new(format!("e{i}"), *schema);
                e.add_name(Name::new(*name, NameKind::Primary));
                e
            })
            .collect();
        let index = Index::build(entities);
        let queries = [
            ("Sirajuddin Haqani", Some(Schema::Person)),
            ("Abdulrahman al Qaduli", None),
            ("Mohamed Abdullah", Some(Schema::Person)),
            ("محمد حسن", None),
            ("Usama bin Ladin", None),
            ("Al Qaeda", Some(Schema::Organization)),
            ("IRGC", None),
            ("Bank Meli", Some(Schema::Company)),
            ("Cape Diamond", Some(Schema::Vessel)),
            ("Putin Vladimir", None),
        ];
        let mut memo = Memo::default();
        for (query, schema) in queries {
            let q = PreparedName::new(query, schema);
            memo.begin(index.stamp());
            // Twice over every name, so that the second round is answered from the memo.
            for _ in 0..2 {
                for f in 0..index.form_count() as u32 {
                    let form = index.form_prepared(f);
                    let fresh = compare_names(&q, form, &index);
                    let scored = score_later(&q, form, &index, Some(&mut memo));
                    assert_eq!(scored.score(), fresh.score, "{query} / {}", form.original);
                    assert_eq!(scored.explain(&q, form, &index), fresh, "{query} / {}", form.original);
                }
            }
        }
        // Another index interns its tokens in another order.
        let reversed = Index::build((0..index.entity_count() as u32).rev().map(|e| index.entity(e).clone()));
        for (query, schema) in queries {
            let q = PreparedName::new(query, schema);
            memo.begin(reversed.stamp());
            for f in 0..reversed.form_count() as u32 {
                let form = reversed.form_prepared(f);
                let fresh = compare_names(&q, form, &reversed);
                let scored = score_later(&q, form, &reversed, Some(&mut memo));
                assert_eq!(scored.score(), fresh.score, "{query} / {}", form.original);
            }
        }
    }

    #[test]
    fn bad_names_are_refused() {
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let cases: &[(&str, Option<QueryError>)] = &[
            ("", Some(QueryError::NoLetters)),
            ("  ,;!? ", Some(QueryError::NoLetters)),
            ("😀🎉", Some(QueryError::NoLetters)),
            (&long, Some(QueryError::TooLong(MAX_NAME_CHARS + 1))),
            ("Amir", None),
        ];
        for (name, expected) in cases {
            assert_eq!(prepare_query(name, None).err(), *expected, "{name:?}");
        }
    }

    #[test]
    fn screening_ranks_and_explains() {
        let mut vessel = Entity::new("v1", Schema::Vessel);
        vessel.add_name(Name::new("AMIR KHAN", NameKind::Primary));
        let index = Index::build(vec![person(), vessel]);
        let options = ScreenOptions::default();
        let hits = screen(&index, &query(Some("Person"), Some("1968-03-02"), Some("af"), None), &options).unwrap();
        assert_eq!(index.entity(hits[0].entity).id, "p1");
        assert!(hits[0].is_match);
        let features: Vec<FeatureKind> = hits[0].features.iter().map(|f| f.feature).collect();
        assert_eq!(features, [FeatureKind::BirthDate, FeatureKind::Country]);
        let vessel_hit = hits.iter().find(|h| index.entity(h.entity).id == "v1").unwrap();
        assert!(!vessel_hit.is_match);
        assert!(vessel_hit.features.iter().any(|f| f.feature == FeatureKind::Schema));
        // A passport number finds the entity even under a name no list gives.
        let q = Query { identifiers: vec!["OA123456".into()], ..Query::name("Ahmad Rahimi") };
        let hits = screen(&index, &q, &options).unwrap();
        assert_eq!(index.entity(hits[0].entity).id, "p1");
        assert!(hits[0].is_match && hits[0].score >= IDENTIFIER_FLOOR);
    }

    /// Past the first candidates, the rest are compared only for a query among a crowd of
    /// names like it.
    #[test]
    fn only_a_crowd_of_alike_names_has_every_candidate_compared() {
        // Thirty people named `Karim Yusuf`, each with a middle name of their own.
        let people = (0..30u8).map(|i| {
            let mut e = Entity::new(format!("p{i}"), Schema::Person);
            let middle: String = ['z', char::from(b'a' + i % 26), char::from(b'a' + i / 26), 'o', 'v'].iter().collect();
            e.add_name(Name::new(format!("KARIM {middle} YUSUF"), NameKind::Primary));
            e
        });
        let index = Index::build(people);
        let ranked = ScreenOptions { limit: 50, ..ScreenOptions::default() };
        // Every name is alike: every one is compared.
        let crowd = screen(&index, &Query::name("Karim Yusuf"), &ranked).unwrap();
        assert_eq!(crowd.len(), 30);
        assert!(crowd.iter().all(|h| h.score >= DEFAULT_THRESHOLD - CROWD_MARGIN));
        // One common word in common: none near a match among the first, no more compared.
        let alone = screen(&index, &Query::name("Karim Qwerty Asdfgh"), &ranked).unwrap();
        assert_eq!(alone.len(), FIRST_FORMS);
        assert!(alone.iter().all(|h| h.score < DEFAULT_THRESHOLD - CROWD_MARGIN));
        let only = ScreenOptions { matches_only: true, ..ranked };
        assert!(screen(&index, &Query::name("Karim Qwerty Asdfgh"), &only).unwrap().is_empty());
    }
}
