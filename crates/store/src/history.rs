//! The timeline of an entity and of the same entity in other sources: when each version added,
//! amended or removed it, the dated measures and acts its records state, and every step of
//! the proposals about it. The events are found here; `model::timeline` names and tells them.

use std::collections::BTreeSet;

use proscribe_model::diff::EntityDiff;
use proscribe_model::timeline::{self, EventKind};
use proscribe_model::Entity;
use serde::{Deserialize, Serialize};

use crate::rows::load_record;
use crate::{Error, Store};

/// One event in the timeline of an entity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// When: a date (of a measure) or a version's publication instant.
    pub date: String,
    /// The entity.
    pub entity_id: String,
    /// The source the event is known from.
    pub source_id: String,
    /// Added, amended or removed (from versions), a measure's kind (listing, suspension,
    /// recognition, ...), listed or ended from a record's dates, or a step of a proposal.
    pub kind: EventKind,
    /// The acting authority, for measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The list, for designations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// The version, for version events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<i64>,
    /// That version's number within its source, as people are shown it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version_number: Option<i64>,
    /// A sentence saying what happened.
    pub summary: String,
    /// Field changes, for amendments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<EntityDiff>,
}

/// The order of events in a timeline: by date, entity, and within a day the steps of a
/// proposal before the measure its publication wrote, and that before the version.
pub(crate) fn in_order(a: &HistoryEvent, b: &HistoryEvent) -> std::cmp::Ordering {
    a.date.cmp(&b.date).then(a.entity_id.cmp(&b.entity_id)).then(a.kind.rank_in_day().cmp(&b.kind.rank_in_day()))
}

impl HistoryEvent {
    /// Whether the event is a step of a proposal ([`EventKind::is_workflow_step`]).
    pub fn is_workflow_step(&self) -> bool {
        self.kind.is_workflow_step()
    }

    /// An event of `eid` known from `source_id` that no version carries.
    fn of(eid: &str, source_id: &str, entry: timeline::Entry) -> HistoryEvent {
        HistoryEvent {
            date: entry.date,
            entity_id: eid.to_string(),
            source_id: source_id.to_string(),
            kind: entry.kind,
            authority: entry.authority,
            list: entry.list,
            version_id: None,
            version_number: None,
            summary: entry.summary,
            diff: None,
        }
    }
}

impl Store {
    /// The timeline of an entity and of the same entity in other sources: when each version
    /// added, amended or removed it, the dated measures and acts its records state, and the
    /// steps of the proposals about it.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEvent>, Error> {
        self.history_of(&self.cluster(id)?)
    }

    /// The timeline of the entities `ids` (one real-world entity's entries, as a cluster gives
    /// them), as [`Store::history`].
    pub fn history_of(&self, ids: &BTreeSet<String>) -> Result<Vec<HistoryEvent>, Error> {
        let mut events = Vec::new();
        for eid in ids {
            let eid = eid.as_str();
            for source_id in self.sources_of(eid)? {
                self.version_events(eid, &source_id, &mut events)?;
            }
            if let Some(view) = self.entity(eid)? {
                let source_id = &view.version.source_id;
                let entries = timeline::record_entries(&view.entity);
                events.extend(entries.into_iter().map(|entry| HistoryEvent::of(eid, source_id, entry)));
            }
            self.proposal_events(eid, &mut events)?;
        }
        events.sort_by(in_order);
        Ok(events)
    }

    fn version_events(&self, eid: &str, source_id: &str, events: &mut Vec<HistoryEvent>) -> Result<(), Error> {
        let rows: Vec<(i64, String, Option<i64>, i64)> = self.db.rows(
            "SELECT v.id, COALESCE(v.published, v.effective), m.record,
                    (SELECT count(*) FROM version AS o WHERE o.source_id = v.source_id AND o.id <= v.id)
               FROM version v
               LEFT JOIN member m ON m.version_id = v.id AND m.entity_id = ?2
              WHERE v.source_id = ?1 ORDER BY v.effective, v.id",
            &[&source_id, &eid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut prev: Option<Entity> = None;
        let mut seen_any = false;
        for (vid, date, record, number) in rows {
            let rec = record.map(|h| load_record(&self.db, h)).transpose()?;
            if let Some((kind, summary, diff)) =
                timeline::version_change(source_id, number, prev.as_ref(), rec.as_ref(), seen_any)
            {
                events.push(HistoryEvent {
                    date: date.clone(),
                    entity_id: eid.to_string(),
                    source_id: source_id.to_string(),
                    kind,
                    authority: None,
                    list: None,
                    version_id: Some(vid),
                    version_number: Some(number),
                    summary,
                    diff,
                });
            }
            seen_any |= rec.is_some();
            prev = rec;
        }
        Ok(())
    }

    /// Each step of the proposals about entity `eid`, dated as the acting body dated it.
    fn proposal_events(&self, eid: &str, events: &mut Vec<HistoryEvent>) -> Result<(), Error> {
        for (stored, source) in crate::workflow::proposals_about(&self.db, eid)? {
            let p = &stored.proposal;
            for action in &p.actions {
                let publication = stored.published_number.map(|v| (source.as_str(), v));
                let (kind, summary) = timeline::step(stored.id, p, action, publication);
                let published = matches!(kind, EventKind::Publication);
                events.push(HistoryEvent {
                    date: action.on().to_string(),
                    entity_id: eid.to_string(),
                    source_id: source.clone(),
                    kind,
                    authority: Some(action.body().to_string()),
                    list: Some(p.list.clone()),
                    version_id: published.then_some(stored.published_version).flatten(),
                    version_number: published.then_some(stored.published_number).flatten(),
                    summary,
                    diff: None,
                });
            }
        }
        Ok(())
    }
}
