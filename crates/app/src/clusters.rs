//! Clusters: the entities of an index that are one real-world entity. A cluster is the union
//! of the links the lists state (the store's `same_as`), the links strong evidence makes
//! ([`proscribe_matching::resolve::strong_links`], found when the index is built), and the
//! analysts' "same" decisions; an analyst's "different" keeps two entities apart, whatever
//! links them (a union that would put both in one cluster is not made). Decisions come
//! first, then stated links, then evidence, so that a decision wins.
//!
//! A cluster's id is `cluster:` and its first member's entity id (in id order): it stays
//! the same while that entity stays in it.

use std::collections::{BTreeSet, HashMap, HashSet};

use proscribe_matching::index::Index;
use proscribe_model::resolution::Verdict;
use proscribe_model::PartialDate;
use proscribe_store::{HistoryEvent, StatusReport, Store};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::views::{listed_by, ListedBy};
use crate::{Loaded, Result};

/// The clusters of an index's entities.
#[derive(Debug, Clone, Default)]
pub struct Clusters {
    /// Each entity's cluster, as the position of its first member.
    of: Vec<u32>,
    /// Each cluster's members (by its first member), in id order; single entities absent.
    members: HashMap<u32, Vec<u32>>,
    /// The position of each entity of a cluster, by its id.
    clustered: HashMap<String, u32>,
    /// The decisions' version they were built with ([`Store::decisions_version`]).
    pub decisions_version: i64,
}

impl Clusters {
    /// Every entity on its own.
    pub fn singletons(entities: usize) -> Clusters {
        Clusters { of: (0..entities as u32).collect(), ..Clusters::default() }
    }

    /// Clusters read back from each entity's cluster (as [`Clusters::of`] gives it).
    pub fn from_of(index: &Index, of: Vec<u32>) -> Clusters {
        let members = groups_of(index, &of);
        let clustered = clustered(index, &members);
        Clusters { of, members, clustered, decisions_version: 0 }
    }

    /// The clusters of `index`: its strong links (`links`, by position), the store's stated
    /// links and the decisions in force.
    pub fn build(store: &Store, index: &Index, links: &[(u32, u32)]) -> Result<Clusters> {
        let n = index.entity_count();
        let decisions_version = store.decisions_version()?;
        let decisions = store.decisions(false)?;
        let stated = stated_groups(store.stated_links()?);
        // The positions of the entities the decisions and stated links name (a few, among as
        // many as millions of entities: only those are looked up).
        let mut position: FxHashMap<&str, u32> = FxHashMap::default();
        for id in decisions
            .iter()
            .flat_map(|d| [d.a.as_str(), d.b.as_str()])
            .chain(stated.iter().flatten().map(String::as_str))
        {
            position.insert(id, u32::MAX);
        }
        if !position.is_empty() {
            for e in 0..n as u32 {
                if let Some(p) = position.get_mut(index.entity_id(e)) {
                    *p = e;
                }
            }
            position.retain(|_, &mut p| p != u32::MAX);
        }
        let pos = |a: &str, b: &str| Some((*position.get(a)?, *position.get(b)?));
        let mut uf = Unions::new(n);
        for d in decisions.iter().filter(|d| d.verdict == Verdict::Different) {
            if let Some((a, b)) = pos(&d.a, &d.b) {
                uf.keep_apart(a, b);
            }
        }
        for d in decisions.iter().filter(|d| d.verdict == Verdict::Same) {
            if let Some((a, b)) = pos(&d.a, &d.b) {
                uf.join(a, b);
            }
        }
        // Stated links followed through entities the index does not hold (a registry's entry
        // of the Taliban that each list's entry names, itself on no list): the screened
        // entities of one stated group are one cluster.
        for ids in &stated {
            let screened: Vec<u32> = ids.iter().filter_map(|id| position.get(id.as_str()).copied()).collect();
            for pair in screened.windows(2) {
                uf.join(pair[0], pair[1]);
            }
        }
        for &(a, b) in links {
            uf.join(a, b);
        }
        // Each cluster by its first member in id order.
        let roots: Vec<u32> = (0..n as u32).map(|e| uf.root(e)).collect();
        let mut of: Vec<u32> = (0..n as u32).collect();
        let mut members = HashMap::new();
        for (_, group) in groups_of(index, &roots) {
            let first = group[0];
            for &m in &group {
                of[m as usize] = first;
            }
            members.insert(first, group);
        }
        let clustered = clustered(index, &members);
        Ok(Clusters { of, members, clustered, decisions_version })
    }

    /// The cluster of entity `e`, as the position of its first member.
    pub fn of(&self, e: u32) -> u32 {
        self.of.get(e as usize).copied().unwrap_or(e)
    }

    /// The members of the cluster of `e`, `e` alone when it has none other.
    pub fn members(&self, e: u32) -> Vec<u32> {
        self.members.get(&self.of(e)).cloned().unwrap_or_else(|| vec![e])
    }

    /// The id of the cluster of `e` (`cluster:` and its first member's id), when it has more
    /// than one member.
    pub fn id(&self, index: &Index, e: u32) -> Option<String> {
        let first = self.of(e);
        self.members.contains_key(&first).then(|| format!("cluster:{}", index.entity_id(first)))
    }

    /// How many clusters have more than one member.
    pub fn count(&self) -> usize {
        self.members.len()
    }

    /// The position of entity `id` when it is one of a cluster of several.
    pub fn clustered(&self, id: &str) -> Option<u32> {
        self.clustered.get(id).copied()
    }
}

/// The groups of more than one entity that `of` makes (each entity's group, as a position),
/// by group, each in id order. Single entities, most of them, are counted and left out.
fn groups_of(index: &Index, of: &[u32]) -> HashMap<u32, Vec<u32>> {
    let mut size = vec![0u32; of.len()];
    for &g in of {
        if let Some(s) = size.get_mut(g as usize) {
            *s += 1;
        }
    }
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (e, &g) in of.iter().enumerate() {
        if size.get(g as usize).is_some_and(|&s| s > 1) {
            groups.entry(g).or_default().push(e as u32);
        }
    }
    for m in groups.values_mut() {
        m.sort_by(|&x, &y| index.entity_id(x).cmp(index.entity_id(y)));
    }
    groups
}

fn clustered(index: &Index, members: &HashMap<u32, Vec<u32>>) -> HashMap<String, u32> {
    members.values().flatten().map(|&m| (index.entity_id(m).to_string(), m)).collect()
}

/// The entity ids of the real-world entity `id` is one of: its cluster in `loaded` (stated
/// links, strong evidence, decisions), with the entries the lists state are it that are not
/// screened (removed from their list, or never designated) unless an analyst keeps them
/// apart; `id` alone when it is one on its own. What entity pages, `history` and `status`
/// show.
pub fn cluster_ids(store: &Store, loaded: &Loaded, id: &str) -> Result<BTreeSet<String>> {
    let index = &loaded.index;
    let clusters = &loaded.clusters;
    let apart: HashSet<(String, String)> =
        store.decisions(false)?.into_iter().filter(|d| d.verdict == Verdict::Different).map(|d| (d.a, d.b)).collect();
    let kept_apart = |x: &str, y: &str| {
        let (a, b) = if x < y { (x, y) } else { (y, x) };
        apart.contains(&(a.to_string(), b.to_string()))
    };
    // The cluster of the index the entity is one of, once one of its entries is found in one.
    let mut here: Option<u32> = None;
    let mut ids = BTreeSet::new();
    let mut todo = vec![id.to_string()];
    while let Some(next) = todo.pop() {
        if ids.contains(&next) {
            continue;
        }
        if let Some(e) = clusters.clustered(&next) {
            // An entry of another cluster of the index is another entity's.
            if here.is_some_and(|h| h != clusters.of(e)) {
                continue;
            }
            here = Some(clusters.of(e));
            todo.extend(clusters.members(e).into_iter().map(|m| index.entity_id(m).to_string()));
        } else if ids.iter().any(|x: &String| kept_apart(x, &next)) {
            continue;
        }
        todo.extend(store.cluster(&next)?);
        ids.insert(next);
    }
    Ok(ids)
}

/// The timeline of the real-world entity `id` is one of: every entry of its cluster
/// ([`cluster_ids`]).
pub fn history(store: &Store, loaded: &Loaded, id: &str) -> Result<Vec<HistoryEvent>> {
    Ok(store.history_of(&cluster_ids(store, loaded, id)?)?)
}

/// The status on `day` of the designations of the real-world entity `id` is one of, with the
/// summary by list ([`listed_by`]).
pub fn status(store: &Store, loaded: &Loaded, id: &str, day: &PartialDate) -> Result<ClusterStatus> {
    let ids = cluster_ids(store, loaded, id)?;
    let report = store.status_of(&ids, day)?;
    let listed_by = listed_by(&report.designations);
    Ok(ClusterStatus { entities: ids.into_iter().collect(), report, listed_by })
}

/// The status of a real-world entity's entries on a day.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterStatus {
    /// The entries (entity ids) of the entity.
    pub entities: Vec<String>,
    /// Each designation of each entry, with its status.
    #[serde(flatten)]
    pub report: StatusReport,
    /// One row per list and reference.
    pub listed_by: Vec<ListedBy>,
}

/// The groups the stated links make, followed transitively: each group's ids, in order.
fn stated_groups(links: Vec<(String, String)>) -> Vec<Vec<String>> {
    let mut number: HashMap<String, u32> = HashMap::new();
    let mut ids: Vec<String> = Vec::new();
    let mut pairs = Vec::with_capacity(links.len());
    for (a, b) in links {
        let mut at = |id: String| {
            *number.entry(id.clone()).or_insert_with(|| {
                ids.push(id);
                ids.len() as u32 - 1
            })
        };
        let (x, y) = (at(a), at(b));
        pairs.push((x, y));
    }
    let mut uf = Unions::new(ids.len());
    for (x, y) in pairs {
        uf.join(x, y);
    }
    let mut groups: HashMap<u32, Vec<String>> = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        groups.entry(uf.root(i as u32)).or_default().push(id.clone());
    }
    let mut groups: Vec<Vec<String>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort();
    }
    groups.sort();
    groups
}

/// Union-find over positions, with pairs kept apart.
struct Unions {
    parent: Vec<u32>,
    /// Per root, the entities its set must not be joined with.
    apart: HashMap<u32, Vec<u32>>,
}

impl Unions {
    fn new(n: usize) -> Unions {
        Unions { parent: (0..n as u32).collect(), apart: HashMap::new() }
    }

    fn root(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }

    fn keep_apart(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.root(a), self.root(b));
        self.apart.entry(ra).or_default().push(b);
        self.apart.entry(rb).or_default().push(a);
    }

    /// Joins the sets of `a` and `b` unless one holds an entity the other must stay apart
    /// from.
    fn join(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let forbidden = |this: &mut Unions, r: u32, other: u32| {
            let partners = this.apart.get(&r).cloned().unwrap_or_default();
            partners.into_iter().any(|p| this.root(p) == other)
        };
        if forbidden(self, ra, rb) || forbidden(self, rb, ra) {
            return;
        }
        self.parent[ra as usize] = rb;
        if let Some(mut moved) = self.apart.remove(&ra) {
            self.apart.entry(rb).or_default().append(&mut moved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_kept_apart_is_never_joined_however_it_is_linked() {
        let mut uf = Unions::new(5);
        uf.keep_apart(0, 3);
        uf.join(0, 1);
        uf.join(2, 3);
        // 1 ~ 2 would put 0 and 3 together.
        uf.join(1, 2);
        assert_ne!(uf.root(0), uf.root(3));
        assert_eq!(uf.root(0), uf.root(1));
        assert_eq!(uf.root(2), uf.root(3));
        uf.join(4, 1);
        assert_eq!(uf.root(4), uf.root(0));
        uf.join(4, 2);
        assert_ne!(uf.root(4), uf.root(3));
    }
}

#[cfg(test)]
mod store_tests {
    use proscribe_matching::entity::{Query, ScreenOptions};
    use proscribe_model::resolution::Verdict;

    use crate::loaded::{open_index_file, write_index_file};
    use crate::resolve::tests::store;
    use crate::views::{screen_loaded, HitView};

    fn ids(loaded: &crate::Loaded, name: &str, members: bool) -> Vec<(String, Vec<String>)> {
        let hits = screen_loaded(loaded, &Query::name(name), &ScreenOptions::default(), members).unwrap();
        hits.iter()
            .filter(|h| h.is_match)
            .map(|h| {
                let v = HitView::new(loaded, h);
                (v.entity_id, v.members.into_iter().map(|m| m.entity_id).collect())
            })
            .collect()
    }

    #[test]
    fn screening_answers_one_hit_per_cluster_as_links_and_decisions_say() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let loaded = crate::load_index(&store, None, crate::today()).unwrap();
        // Strong evidence (name, birth day, nationality) and a stated link make clusters.
        let yun = ids(&loaded, "Yun Ho Jin", false);
        assert_eq!(yun.len(), 1, "{yun:?}");
        assert_eq!(yun[0].1.len(), 1, "{yun:?}");
        assert_eq!(ids(&loaded, "Yun Ho Jin", true).len(), 2);
        let aq = ids(&loaded, "Al Qaeda", false);
        assert!(aq.iter().any(|(e, m)| [e.as_str(), m.first().map_or("", String::as_str)].contains(&"w-aq")), "{aq:?}");
        // "Different" keeps them apart; "same" joins what only a person can tell.
        store.decide("ana", "w-yun", "un-kpi-001", Verdict::Different, "another man").unwrap();
        store.decide("ana", "un-qde-004", "ofac-6366", Verdict::Same, "Al-Qaida on both lists").unwrap();
        let loaded = crate::load_index(&store, None, crate::today()).unwrap();
        assert_eq!(ids(&loaded, "Yun Ho Jin", false).len(), 2);
        let aq = ids(&loaded, "Al-Qaida", false);
        let cluster: Vec<&(String, Vec<String>)> =
            aq.iter().filter(|(e, m)| e == "un-qde-004" || m.contains(&"un-qde-004".to_string())).collect();
        assert_eq!(cluster.len(), 1, "{aq:?}");
        assert_eq!(cluster[0].1.len(), 2, "UN, OFAC and the watch list's entry: {aq:?}");
        // An index file keeps the clusters as they were when it was written.
        let file = dir.path().join("lists.idx");
        write_index_file(&loaded, &file).unwrap();
        let opened = open_index_file(&file, proscribe_matching::index::Reading::InMemory, crate::today()).unwrap();
        for e in 0..loaded.index.entity_count() as u32 {
            assert_eq!(opened.clusters.of(e), loaded.clusters.of(e));
        }
        assert_eq!(opened.links, loaded.links);
        assert_eq!(ids(&opened, "Al-Qaida", false), aq);

        // Histories and statuses cover the cluster, each list's entry once.
        let all = |id: &str| super::cluster_ids(&store, &loaded, id).unwrap().into_iter().collect::<Vec<_>>();
        assert_eq!(all("ofac-6366"), all("un-qde-004"));
        assert!(all("un-qde-004").contains(&"ofac-6366".to_string()));
        assert!(!all("w-yun").contains(&"un-kpi-001".to_string()), "kept apart");
        let status = super::status(&store, &loaded, "un-qde-004", &crate::today()).unwrap();
        assert_eq!(status.entities, all("un-qde-004"));
        let mut lists: Vec<(&str, Option<&str>)> =
            status.listed_by.iter().map(|l| (l.list.as_str(), l.reference.as_deref())).collect();
        let n = lists.len();
        lists.sort();
        lists.dedup();
        assert_eq!(lists.len(), n, "each list's entry once: {lists:?}");
        assert!(
            lists.contains(&("un-sc-consolidated", Some("QDe.004"))) && lists.contains(&("us-ofac-sdn", Some("6366")))
        );
        let history = super::history(&store, &loaded, "ofac-6366").unwrap();
        assert!(history.iter().any(|e| e.entity_id == "un-qde-004"));
    }
}
