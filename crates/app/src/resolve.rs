//! Cross-reference of the screened entities across sources: which pairs are one real-world
//! entity by evidence strong enough to link them without a person ([`Link::Auto`], with its
//! [`Evidence`]), and which a person should review ([`Link::Review`], scoring at least the
//! review threshold), best first. Links the lists state themselves (the store's `same_as`:
//! a UN reference in another list, the CSL's copy of an OFAC entry, FollowTheMoney
//! `referents`) link automatically; [`evaluate`] hides them and measures how many the
//! cross-reference finds again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use proscribe_matching::resolve::{cross_reference as candidates, strong_evidence, CrossOptions, Evidence, Shared};
use proscribe_model::resolution::{Decision, Verdict};
use proscribe_store::Store;
use serde::Serialize;

use crate::{Loaded, Result};

/// The score from which a pair without strong evidence is queued for review.
pub const REVIEW_THRESHOLD: f64 = 0.7;

/// Candidates of one entity an analyst sees at once: "the first page" of its queue.
pub const PAGE: usize = 10;

/// What the cross-reference says of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// One entity: by the evidence given, or as an analyst decided.
    Auto,
    /// For a person to decide (an analyst may have said "unsure").
    Review,
    /// Two entities, as an analyst decided, whatever the evidence.
    Apart,
}

/// A pair of entities of different sources.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The one entity's id (the lower).
    pub a: String,
    /// Its source.
    pub a_source: String,
    /// Its caption.
    pub a_caption: String,
    /// The other entity's id.
    pub b: String,
    /// Its source.
    pub b_source: String,
    /// Its caption.
    pub b_caption: String,
    /// Screening's score for the pair (0 for a stated link screening did not find).
    pub score: f64,
    /// Linked or for review.
    pub link: Link,
    /// Why it is linked (for [`Link::Auto`]).
    pub evidence: Option<Evidence>,
    /// The name screened and the name it matched.
    pub names: Option<(String, Option<String>)>,
    /// The analyst's decision in force on the pair, which goes before the evidence.
    pub decision: Option<Decision>,
}

/// Options of [`cross_reference`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The score from which a pair is queued.
    pub review_threshold: f64,
    /// Whether the lists' own links are left out (to measure what is found without them).
    pub hide_stated: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { review_threshold: REVIEW_THRESHOLD, hide_stated: false }
    }
}

/// What a cross-reference found.
#[derive(Debug, Clone, Serialize)]
pub struct CrossReference {
    /// The pairs: links first, then the review queue, then the pairs kept apart, each best
    /// first.
    pub pairs: Vec<Pair>,
    /// Entities cross-referenced.
    pub entities: usize,
    /// Seconds taken.
    pub secs: f64,
}

/// What screening every entity against the others found, before the analysts' decisions are
/// applied: the costly part of a cross-reference, the same while the index is
/// ([`Found::data_version`]), so that a process can keep it while analysts decide.
#[derive(Debug)]
pub struct Found {
    /// The index's data version ([`Loaded::data_version`]).
    pub data_version: i64,
    candidates: Vec<proscribe_matching::resolve::Candidate>,
    stated: HashSet<(u32, u32)>,
    shared: Shared,
    /// Seconds taken.
    pub secs: f64,
}

/// Screens every entity of `loaded` against the others (see the module's documentation).
pub fn find(store: &Store, loaded: &Loaded, options: Options) -> Result<Found> {
    let start = Instant::now();
    let index = &loaded.index;
    let position = positions(loaded);
    let stated: HashSet<(u32, u32)> =
        if options.hide_stated { HashSet::new() } else { stated_pairs(store, loaded, &position)? };
    let source_ids: HashMap<&str, u32> = {
        let mut m = HashMap::new();
        for e in 0..index.entity_count() as u32 {
            let next = m.len() as u32;
            m.entry(loaded.sources.of(e)).or_insert(next);
        }
        m
    };
    let source_of = |e: u32| source_ids[loaded.sources.of(e)];
    let candidates = candidates(index, &source_of, CrossOptions { floor: options.review_threshold });
    let shared = Shared::of(index, &source_of);
    Ok(Found { data_version: loaded.data_version, candidates, stated, shared, secs: start.elapsed().as_secs_f64() })
}

fn positions(loaded: &Loaded) -> HashMap<&str, u32> {
    let index = &loaded.index;
    (0..index.entity_count() as u32).map(|e| (index.entity_id(e), e)).collect()
}

/// Cross-references the entities of `loaded` (see the module's documentation).
pub fn cross_reference(store: &Store, loaded: &Loaded, options: Options) -> Result<CrossReference> {
    let found = find(store, loaded, options)?;
    pairs(store, loaded, &found)
}

/// The pairs of a cross-reference ([`find`]) with the analysts' decisions in force applied.
pub fn pairs(store: &Store, loaded: &Loaded, found: &Found) -> Result<CrossReference> {
    let start = Instant::now();
    if found.data_version != loaded.data_version {
        return Err(crate::Error::Input(format!(
            "a cross-reference of data version {} does not fit the index of version {}",
            found.data_version, loaded.data_version
        )));
    }
    let index = &loaded.index;
    let position = positions(loaded);
    let (stated, shared) = (&found.stated, &found.shared);
    let mut decisions: HashMap<(u32, u32), Decision> = HashMap::new();
    for d in store.decisions(false)? {
        if let (Some(&x), Some(&y)) = (position.get(d.a.as_str()), position.get(d.b.as_str())) {
            decisions.insert((x.min(y), x.max(y)), d);
        }
    }
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    let pair = |a: u32, b: u32, score, link, evidence, names| {
        let decision = decisions.get(&(a, b)).cloned();
        let link = match decision.as_ref().map(|d| d.verdict) {
            Some(Verdict::Same) => Link::Auto,
            Some(Verdict::Different) => Link::Apart,
            Some(Verdict::Unsure) => Link::Review,
            None => link,
        };
        Pair {
            a: index.entity_id(a).to_string(),
            a_source: loaded.sources.of(a).to_string(),
            a_caption: index.entity(a).caption().to_string(),
            b: index.entity_id(b).to_string(),
            b_source: loaded.sources.of(b).to_string(),
            b_caption: index.entity(b).caption().to_string(),
            score,
            link,
            evidence,
            names,
            decision,
        }
    };
    for c in &found.candidates {
        seen.insert((c.a, c.b));
        let names = Some((c.query_name.clone(), c.matched_name.clone()));
        let evidence = if stated.contains(&(c.a, c.b)) {
            Some(Evidence::Stated)
        } else {
            strong_evidence(index.entity(c.a), index.entity(c.b), shared)
        };
        let link = if evidence.is_some() { Link::Auto } else { Link::Review };
        pairs.push(pair(c.a, c.b, c.score, link, evidence, names));
    }
    let mut unfound: Vec<(u32, u32)> = stated.iter().filter(|p| !seen.contains(*p)).copied().collect();
    unfound.sort_unstable();
    for (a, b) in unfound {
        seen.insert((a, b));
        pairs.push(pair(a, b, 0.0, Link::Auto, Some(Evidence::Stated), None));
    }
    // Decided pairs that screening did not propose.
    for &(a, b) in decisions.keys().filter(|p| !seen.contains(p)) {
        pairs.push(pair(a, b, 0.0, Link::Review, None, None));
    }
    let order = |l: Link| match l {
        Link::Auto => 0,
        Link::Review => 1,
        Link::Apart => 2,
    };
    pairs.sort_by(|x, y| {
        order(x.link)
            .cmp(&order(y.link))
            .then(y.score.total_cmp(&x.score))
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    let secs = found.secs + start.elapsed().as_secs_f64();
    Ok(CrossReference { pairs, entities: index.entity_count(), secs })
}

/// The links the lists state between entities of the index, of different sources, as
/// positions (lower first).
fn stated_pairs(store: &Store, loaded: &Loaded, position: &HashMap<&str, u32>) -> Result<HashSet<(u32, u32)>> {
    Ok(store
        .stated_links()?
        .iter()
        .filter_map(|(a, b)| {
            let (a, b) = (*position.get(a.as_str())?, *position.get(b.as_str())?);
            (loaded.sources.of(a) != loaded.sources.of(b)).then_some((a.min(b), a.max(b)))
        })
        .collect())
}

/// How the cross-reference does against the links the lists state (see [`evaluate`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    /// Stated links between entities of the index, of different sources.
    pub stated: usize,
    /// Of those, linked automatically.
    pub found_auto: usize,
    /// Of those, queued within the first [`PAGE`] candidates of either entity.
    pub found_queued: usize,
    /// Of those, queued further down.
    pub queued_later: usize,
    /// Of those, not found.
    pub missed: usize,
    /// Automatic links between two entities of one stated cluster.
    pub auto_right: usize,
    /// Automatic links between entities of two different stated clusters.
    pub auto_wrong: usize,
    /// Automatic links where at least one entity has no stated link: nothing to check against.
    pub auto_unknown: usize,
    /// Pairs queued for review.
    pub queued: usize,
    /// Automatic links by their evidence.
    pub auto_by_evidence: BTreeMap<String, usize>,
    /// A few of the stated links missed, and of the wrong links, for a person to look at.
    pub examples: Vec<String>,
    /// Seconds the cross-reference took.
    pub secs: f64,
}

/// Cross-references with the stated links hidden and measures, against them, how many are
/// found again (linked, or queued in the first page of either entity's candidates) and how
/// precise the automatic links are: right when both entities are of one stated cluster
/// (stated links followed transitively), wrong when each has stated links but the clusters
/// differ, unknown otherwise.
pub fn evaluate(store: &Store, loaded: &Loaded, options: Options) -> Result<Evaluation> {
    let index = &loaded.index;
    let position: HashMap<&str, u32> = (0..index.entity_count() as u32).map(|e| (index.entity_id(e), e)).collect();
    let stated = stated_pairs(store, loaded, &position)?;
    let found = cross_reference(store, loaded, Options { hide_stated: true, ..options })?;
    // Stated clusters, by union-find over positions.
    let mut parent: Vec<u32> = (0..index.entity_count() as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut linked = vec![false; index.entity_count()];
    for &(a, b) in &stated {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra as usize] = rb;
        linked[a as usize] = true;
        linked[b as usize] = true;
    }
    // Each entity's review queue, best first: the rank of each pair in it.
    let mut queue: HashMap<u32, Vec<(f64, u32)>> = HashMap::new();
    let mut result: HashMap<(u32, u32), Link> = HashMap::new();
    let mut ev = Evaluation { stated: stated.len(), secs: found.secs, ..Evaluation::default() };
    for p in &found.pairs {
        let (a, b) = (position[p.a.as_str()], position[p.b.as_str()]);
        result.insert((a, b), p.link);
        match p.link {
            Link::Review => {
                ev.queued += 1;
                queue.entry(a).or_default().push((p.score, b));
                queue.entry(b).or_default().push((p.score, a));
            }
            Link::Apart => {}
            Link::Auto => {
                let kind = match &p.evidence {
                    Some(Evidence::Identifier { .. }) => "identifier",
                    Some(Evidence::NameBirthDateNationality { .. }) => "name, birth date and nationality",
                    Some(Evidence::NameBirthPlace { .. }) => "name, birth date, place of birth and nationality",
                    Some(Evidence::Stated) => "stated",
                    None => "an analyst's decision",
                };
                *ev.auto_by_evidence.entry(kind.to_string()).or_default() += 1;
                if !(linked[a as usize] && linked[b as usize]) {
                    ev.auto_unknown += 1;
                } else if root(&mut parent, a) == root(&mut parent, b) {
                    ev.auto_right += 1;
                } else {
                    ev.auto_wrong += 1;
                    if ev.examples.len() < 40 {
                        ev.examples.push(format!(
                            "wrong link {} ~ {} ({})",
                            p.a,
                            p.b,
                            p.evidence.as_ref().map(|e| e.to_string()).unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    for q in queue.values_mut() {
        q.sort_by(|x, y| y.0.total_cmp(&x.0));
    }
    let rank = |queue: &HashMap<u32, Vec<(f64, u32)>>, of: u32, other: u32| {
        queue.get(&of).and_then(|q| q.iter().position(|&(_, o)| o == other))
    };
    let mut stated: Vec<(u32, u32)> = stated.into_iter().collect();
    stated.sort_unstable();
    for (a, b) in stated {
        match result.get(&(a, b)) {
            Some(Link::Auto) => ev.found_auto += 1,
            Some(Link::Apart) => ev.missed += 1,
            Some(Link::Review) => {
                let best = [rank(&queue, a, b), rank(&queue, b, a)].into_iter().flatten().min();
                if best.is_some_and(|r| r < PAGE) {
                    ev.found_queued += 1;
                } else {
                    ev.queued_later += 1;
                }
            }
            None => {
                ev.missed += 1;
                if ev.examples.len() < 40 {
                    let (x, y) = (index.entity(a), index.entity(b));
                    ev.examples.push(format!("missed {} {:?} ~ {} {:?}", x.id, x.caption(), y.id, y.caption()));
                }
            }
        }
    }
    Ok(ev)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::import::{import_paths, ImportOptions, Quiet};

    /// The UN extract and a FollowTheMoney file of ours: one person with the UN entry's name,
    /// birth date and nationality, one organisation that names its UN entry as a referent.
    pub(crate) fn store(dir: &std::path::Path) -> Store {
        let ftm = dir.join("watch.ftm.json");
        std::fs::write(
            &ftm,
            concat!(
                r#"{"id":"w-yun","schema":"Person","properties":{"name":["Ho-Jin Yun"],"birthDate":["1944-10-13"],"nationality":["kp"],"topics":["sanction"]}}"#,
                "\n",
                r#"{"id":"w-aq","schema":"Organization","referents":["un-qde-004"],"properties":{"name":["Al Qaeda"],"topics":["sanction"]}}"#,
                "\n",
            ),
        )
        .unwrap();
        let mut store = Store::open(&dir.join("lists.db")).unwrap();
        let paths =
            [proscribe_testkit::fixture("un/consolidated.xml"), proscribe_testkit::fixture("ofac/sdn.csv"), ftm];
        import_paths(&mut store, &paths, &ImportOptions::default(), &Quiet).unwrap();
        store
    }

    #[test]
    fn pairs_are_linked_by_their_evidence_or_queued() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let loaded = crate::load_index(&store, None, crate::today()).unwrap();
        let found = cross_reference(&store, &loaded, Options::default()).unwrap();
        let find =
            |a: &str, b: &str| found.pairs.iter().find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a)).cloned();
        let yun = find("un-kpi-001", "w-yun").expect("the same person");
        assert_eq!(yun.link, Link::Auto);
        assert!(matches!(yun.evidence, Some(Evidence::NameBirthDateNationality { .. })), "{yun:?}");
        let stated = find("un-qde-004", "w-aq").expect("a stated link");
        assert_eq!((stated.link, stated.evidence), (Link::Auto, Some(Evidence::Stated)));
        let review = find("un-qde-004", "ofac-6366").expect("AL-QAIDA and AL QA'IDA");
        assert_eq!(review.link, Link::Review);
        assert!(review.score >= REVIEW_THRESHOLD);
        // Links first, then the queue, each best first.
        let first_review = found.pairs.iter().position(|p| p.link == Link::Review).unwrap();
        assert!(found.pairs[first_review..].iter().all(|p| p.link == Link::Review));
        assert!(found.pairs[first_review..].windows(2).all(|w| w[0].score >= w[1].score));
        // No pair of one source.
        assert!(found.pairs.iter().all(|p| p.a_source != p.b_source));
    }

    #[test]
    fn an_analyst_s_decision_goes_before_the_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        store.decide("ana", "w-yun", "un-kpi-001", Verdict::Different, "another Yun Ho-jin").unwrap();
        store.decide("ana", "ofac-6366", "un-qde-004", Verdict::Same, "one organisation").unwrap();
        let loaded = crate::load_index(&store, None, crate::today()).unwrap();
        let found = cross_reference(&store, &loaded, Options::default()).unwrap();
        let find = |a: &str, b: &str| {
            found.pairs.iter().find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a)).cloned().unwrap()
        };
        let yun = find("un-kpi-001", "w-yun");
        assert_eq!(yun.link, Link::Apart);
        assert!(yun.evidence.is_some(), "the evidence is still shown");
        let aq = find("ofac-6366", "un-qde-004");
        assert_eq!((aq.link, aq.decision.map(|d| d.actor)), (Link::Auto, Some("ana".to_string())));
        assert_eq!(found.pairs.last().unwrap().link, Link::Apart);
    }

    #[test]
    fn the_evaluation_hides_the_stated_links_and_finds_them_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let loaded = crate::load_index(&store, None, crate::today()).unwrap();
        let ev = evaluate(&store, &loaded, Options::default()).unwrap();
        assert_eq!(ev.stated, 1);
        // Al Qaeda is queued against its UN entry once the referent is hidden.
        assert_eq!((ev.found_auto, ev.found_queued, ev.missed), (0, 1, 0), "{ev:?}");
        // Yun's link has no stated link to check against.
        assert_eq!((ev.auto_right, ev.auto_wrong), (0, 0));
        assert!(ev.auto_unknown >= 1);
        assert!(!ev.auto_by_evidence.contains_key("stated"));
    }
}
