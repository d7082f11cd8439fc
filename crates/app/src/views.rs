//! A screening hit as every interface shows it ([`HitView`]), its designations with their
//! status on the day screened against ([`ReferenceView`]), and its explanation in words
//! ([`explanation`]).

use proscribe_matching::entity::{screen, Feature, Hit, Query, QueryError, ScreenOptions};
use proscribe_matching::index::Index;
use proscribe_matching::TokenPair;
use proscribe_model::{Entity, PartialDate, Schema};
use serde::Serialize;

use crate::Loaded;

/// Score below which a candidate is not shown when the caller sets no cutoff (as yente):
/// nothing below it is alike enough to review. A threshold set lower lowers it too.
pub const DEFAULT_CUTOFF: f64 = 0.5;

/// The hits of one query with one per cluster: each cluster's best-scoring member (hits come
/// best first), the others left out. With `members`, every entity stays on its own.
pub fn one_per_cluster(loaded: &Loaded, hits: Vec<Hit>, members: bool) -> Vec<Hit> {
    if members {
        return hits;
    }
    let mut seen = std::collections::HashSet::new();
    hits.into_iter().filter(|h| seen.insert(loaded.clusters.of(h.entity))).collect()
}

/// Screens `query` against `loaded` with one hit per cluster (see [`one_per_cluster`]), at
/// most `options.limit` of them: what every interface answers a query with.
pub fn screen_loaded(
    loaded: &Loaded,
    query: &Query,
    options: &ScreenOptions,
    members: bool,
) -> Result<Vec<Hit>, QueryError> {
    let room = if members || loaded.clusters.count() == 0 { options.limit } else { options.limit * 4 + 10 };
    let hits = screen(&loaded.index, query, &ScreenOptions { limit: room, ..*options })?;
    let mut hits = one_per_cluster(loaded, hits, members);
    hits.truncate(options.limit);
    Ok(hits)
}

/// The hits worth showing: those scoring at least `cutoff` (or the threshold, if lower).
pub fn shown(hits: Vec<Hit>, cutoff: f64, threshold: f64) -> Vec<Hit> {
    let floor = cutoff.min(threshold);
    hits.into_iter().filter(|h| h.score >= floor).collect()
}

/// How several list references are joined in one field of text output (a reference may
/// itself hold spaces and commas: `Schedule 1, Item 57`).
pub const REFERENCE_SEPARATOR: &str = ";";

/// A designation as results show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    /// The authority.
    pub authority: String,
    /// The list.
    pub list: String,
    /// The list's reference for the entry.
    pub reference: Option<String>,
    /// Status on the day screened against.
    pub status: &'static str,
}

impl std::fmt::Display for ReferenceView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reference {
            Some(r) => write!(f, "{} {r} ({})", self.list, self.status),
            None => write!(f, "{} ({})", self.list, self.status),
        }
    }
}

/// The designations of `e` with their status on `day`.
pub fn references(e: &Entity, day: &PartialDate) -> Vec<ReferenceView> {
    e.designations
        .iter()
        .map(|d| ReferenceView {
            authority: d.authority.clone(),
            list: d.list.clone(),
            reference: d.reference.clone(),
            status: d.status_on(day).status.as_str(),
        })
        .collect()
}

/// The list's reference of an entity for one-word output: its first designation's
/// reference, else its id.
pub fn main_reference(e: &Entity) -> &str {
    e.designations.iter().find_map(|d| d.reference.as_deref()).unwrap_or(&e.id)
}

/// Another member of a hit's cluster: the same real-world entity on another list.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    /// Its entity id.
    pub entity_id: String,
    /// Its caption.
    pub caption: String,
    /// Its source.
    pub source: String,
    /// Its designations.
    pub references: Vec<ReferenceView>,
}

/// The other members of the cluster of entity `e`, with their designations on the index's day.
pub fn members(loaded: &Loaded, e: u32) -> Vec<MemberView> {
    loaded
        .clusters
        .members(e)
        .into_iter()
        .filter(|&m| m != e)
        .map(|m| {
            let entity = loaded.index.entity(m);
            MemberView {
                entity_id: entity.id.clone(),
                caption: entity.caption().to_string(),
                source: loaded.sources.of(m).to_string(),
                references: references(entity, &loaded.day),
            }
        })
        .collect()
}

/// The list references of entity `e` and of the other members of its cluster, joined by
/// [`REFERENCE_SEPARATOR`], each once.
pub fn cluster_references(loaded: &Loaded, e: u32) -> String {
    let mut refs: Vec<&str> = Vec::new();
    let mut cluster = loaded.clusters.members(e);
    cluster.retain(|&m| m != e);
    cluster.insert(0, e);
    for m in cluster {
        for r in loaded.index.entity(m).designations.iter().filter_map(|d| d.reference.as_deref()) {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
    }
    refs.join(REFERENCE_SEPARATOR)
}

/// The matched name of a hit, for output.
#[derive(Debug, Clone, Serialize)]
pub struct NameView {
    /// The listed name as written.
    pub text: String,
    /// Its kind (primary, alias, weak_alias, ...).
    pub kind: String,
    /// Similarity to the queried name.
    pub score: f64,
    /// Aligned words.
    pub pairs: Vec<TokenPair>,
    /// Queried words left unmatched.
    pub unmatched_query: Vec<String>,
    /// Listed words left unmatched.
    pub unmatched_candidate: Vec<String>,
}

/// A hit, for output.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    /// Score in [0, 1].
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The entity's id.
    pub entity_id: String,
    /// Its kind.
    pub schema: Schema,
    /// Its caption.
    pub caption: String,
    /// Its designations.
    pub references: Vec<ReferenceView>,
    /// Its topics ([`Entity::topics`]: `sanction` when designated, and those its source gives,
    /// such as `role.pep` or `debarment`).
    pub topics: Vec<String>,
    /// The name that matched best.
    pub name: Option<NameView>,
    /// Evidence besides the name.
    pub features: Vec<Feature>,
    /// The id of the cluster the entity is one of, when it is one of several entries of one
    /// real-world entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The cluster's other members: the same entity on other lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberView>,
}

impl HitView {
    /// The output form of a hit of `loaded`, with statuses on its day and the other members
    /// of its cluster.
    pub fn new(loaded: &Loaded, hit: &Hit) -> HitView {
        let mut view = HitView::alone(&loaded.index, hit, &loaded.day);
        view.cluster = loaded.clusters.id(&loaded.index, hit.entity);
        view.members = members(loaded, hit.entity);
        view
    }

    /// The output form of a hit of `index` on its own, with statuses on `day`.
    pub fn alone(index: &Index, hit: &Hit, day: &PartialDate) -> HitView {
        let e = index.entity(hit.entity);
        let name = hit.name.map(|n| {
            let listed = &index.names()[n as usize];
            let name = &e.names[listed.position as usize];
            NameView {
                text: name.full.clone(),
                kind: name_kind(name.kind),
                score: hit.name_match.score,
                pairs: hit.name_match.pairs.clone(),
                unmatched_query: hit.name_match.unmatched_query.clone(),
                unmatched_candidate: hit.name_match.unmatched_candidate.clone(),
            }
        });
        HitView {
            score: hit.score,
            is_match: hit.is_match,
            entity_id: e.id.clone(),
            schema: e.schema,
            caption: e.caption().to_string(),
            references: references(e, day),
            topics: e.topics().into_iter().map(str::to_string).collect(),
            name,
            features: hit.features.clone(),
            cluster: None,
            members: Vec::new(),
        }
    }
}

/// A name's kind as its serde form writes it (`weak_alias`).
fn name_kind(kind: proscribe_model::NameKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// A hit in words, one line each: the score, decision, entity and its references; the name
/// that matched with its aligned words; each piece of evidence with its effect.
pub fn explanation(v: &HitView) -> Vec<String> {
    let refs: Vec<String> = v.references.iter().map(|r| r.to_string()).collect();
    let mut first = format!(
        "{:.3}  {}  {}  {} [{}]  {}",
        v.score,
        if v.is_match { "MATCH" } else { "-    " },
        v.entity_id,
        v.caption,
        v.schema,
        refs.join("; ")
    );
    if !v.topics.is_empty() {
        first.push_str(&format!("  topics: {}", v.topics.join(", ")));
    }
    let mut lines = vec![first];
    for m in &v.members {
        let refs: Vec<String> = m.references.iter().map(|r| r.to_string()).collect();
        lines.push(format!("       also {}  {} [{}]  {}", m.entity_id, m.caption, m.source, refs.join("; ")));
    }
    if let Some(n) = &v.name {
        let pairs = aligned_words(&n.pairs, &n.unmatched_query, &n.unmatched_candidate);
        let detail = if pairs.is_empty() { String::new() } else { format!(": {pairs}") };
        lines.push(format!("       {:.3} name {:?} ({}){}", n.score, n.text, n.kind, detail));
    }
    for f in &v.features {
        lines.push(format!("       {:+.2} {}", f.effect, f.detail));
    }
    lines
}

/// How two names' words align, in words: `amir~amir 1.00, khan~khan 1.00, muttaqi unmatched,
/// listed motaqi unmatched`.
pub fn aligned_words(pairs: &[TokenPair], unmatched_query: &[String], unmatched_listed: &[String]) -> String {
    let words: Vec<String> = pairs
        .iter()
        .map(|p| format!("{}~{} {:.2}", p.query, p.candidate, p.similarity))
        .chain(unmatched_query.iter().map(|t| format!("{t} unmatched")))
        .chain(unmatched_listed.iter().map(|t| format!("listed {t} unmatched")))
        .collect();
    words.join(", ")
}

/// One list's entry of a real-world entity, as "listed by" shows it: once per list and
/// reference, however many sources carry it (OFAC's entry in its own list and in the CSL's
/// copy of it) and however many of the entity's entries hold it.
#[derive(Debug, Clone, Serialize)]
pub struct ListedBy {
    /// The list.
    pub list: String,
    /// The authority keeping it.
    pub authority: String,
    /// The list's reference for the entry.
    pub reference: Option<String>,
    /// The day it was listed, as the list states it.
    pub listed_on: Option<String>,
    /// The status on the day asked about: the list's own publication's, when one of the
    /// sources is it, else the first source's.
    pub status: proscribe_model::Status,
    /// Whether the status is only possible (uncertain dates).
    pub possible: bool,
    /// What the status rests on (the version in force on the day).
    pub basis: String,
    /// The sources that carry the entry, the list's own first.
    pub sources: Vec<String>,
    /// The entities that hold it.
    pub entities: Vec<String>,
}

/// The designations of one real-world entity's entries (a status report of its cluster),
/// one per list and reference, in the order first seen.
pub fn listed_by(designations: &[proscribe_store::DesignationStatus]) -> Vec<ListedBy> {
    let mut out: Vec<ListedBy> = Vec::new();
    for d in designations {
        let own = d.source_id == d.list;
        let at = out.iter().position(|l| l.list == d.list && l.reference == d.reference);
        let entry = match at {
            Some(i) => &mut out[i],
            None => {
                out.push(ListedBy {
                    list: d.list.clone(),
                    authority: d.authority.clone(),
                    reference: d.reference.clone(),
                    listed_on: d.listed_on.clone(),
                    status: d.status,
                    possible: d.certainty == proscribe_model::Certainty::Possible,
                    basis: d.basis.clone(),
                    sources: Vec::new(),
                    entities: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if own && entry.sources.first() != Some(&d.list) {
            // The list's own publication says the status.
            entry.status = d.status;
            entry.possible = d.certainty == proscribe_model::Certainty::Possible;
            entry.basis = d.basis.clone();
            entry.listed_on = d.listed_on.clone().or(entry.listed_on.take());
            entry.sources.retain(|s| s != &d.source_id);
            entry.sources.insert(0, d.source_id.clone());
        } else if !entry.sources.contains(&d.source_id) {
            entry.sources.push(d.source_id.clone());
        }
        if entry.listed_on.is_none() {
            entry.listed_on = d.listed_on.clone();
        }
        if !entry.entities.contains(&d.entity_id) {
            entry.entities.push(d.entity_id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proscribe_model::{Certainty, Status};
    use proscribe_store::DesignationStatus;

    use super::*;

    fn row(entity: &str, source: &str, list: &str, reference: &str, status: Status) -> DesignationStatus {
        DesignationStatus {
            entity_id: entity.into(),
            caption: "TALIBAN".into(),
            source_id: source.into(),
            list: list.into(),
            authority: "us-ofac".into(),
            reference: Some(reference.into()),
            programs: vec![],
            listed_on: None,
            status,
            certainty: Certainty::Certain,
            basis: format!("{source} version 1"),
            version_id: 1,
        }
    }

    /// A list's entry that another source repeats (the CSL's copy of OFAC's) is one row, with
    /// the status of the list's own publication, whichever comes first.
    #[test]
    fn each_list_s_entry_once_with_its_own_publication_s_status() {
        let copy = row("us-csl-6636", "us-csl", "us-ofac-sdn", "6636", Status::Listed);
        let own = row("ofac-6636", "us-ofac-sdn", "us-ofac-sdn", "6636", Status::Delisted);
        let other = row("au-dfat-1", "au-dfat", "au-dfat-consolidated", "1", Status::Listed);
        for order in [vec![copy.clone(), own.clone(), other.clone()], vec![own.clone(), other.clone(), copy.clone()]] {
            let by = listed_by(&order);
            assert_eq!(by.len(), 2);
            let ofac = by.iter().find(|l| l.list == "us-ofac-sdn").unwrap();
            assert_eq!(ofac.sources, ["us-ofac-sdn", "us-csl"]);
            assert_eq!(ofac.status, Status::Delisted);
            assert_eq!(ofac.basis, "us-ofac-sdn version 1");
            assert_eq!(ofac.entities.len(), 2);
        }
    }
}
