//! Reading the store: sources and versions, entities, the timeline of an entity across
//! versions and lists, diffs between any two versions, status as of a day, and the change
//! feed.

use std::collections::{BTreeSet, HashMap};

use proscribe_model::diff::EntityDiff;
use proscribe_model::{Authority, Certainty, Entity, ListInfo, Measure, PartialDate, Status};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::import::{records_differ, FileMeta};
use crate::{Error, Store};

/// A stored version of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Version id (unique over all sources, stable).
    pub id: i64,
    /// The source.
    pub source_id: String,
    /// The list's own publication date, as stated.
    pub published: Option<String>,
    /// The instant that orders this version among the source's versions.
    pub effective: String,
    /// When it was imported.
    pub imported_at: String,
    /// SHA-256 of its files.
    pub sha256: String,
    /// Its files.
    pub files: Vec<FileMeta>,
    /// Entities, names and designations in it.
    pub entities: i64,
    /// Names over all entities.
    pub names: i64,
    /// Designations over all entities.
    pub designations: i64,
    /// Records skipped or partly read during its import, and why.
    pub diagnostics: serde_json::Value,
}

/// A source with its newest version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceSummary {
    /// Source id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Format it was read from.
    pub format: String,
    /// Number of stored versions.
    pub versions: i64,
    /// The newest version.
    pub latest: VersionInfo,
}

/// One change of one entity between two versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// Feed cursor, for changes read from the feed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<i64>,
    /// The source.
    pub source_id: String,
    /// The newer version.
    pub version_id: i64,
    /// The older version (none for a source's first version).
    pub prev_version_id: Option<i64>,
    /// The entity.
    pub entity_id: String,
    /// `added`, `removed` or `amended`.
    pub kind: String,
    /// The list's own reference for the entry.
    pub reference: Option<String>,
    /// The entity's name.
    pub caption: String,
    /// What changed.
    pub detail: EntityDiff,
}

/// The changes between two versions of a source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionDiff {
    /// The older version (none: compared with nothing).
    pub from: Option<VersionInfo>,
    /// The newer version.
    pub to: VersionInfo,
    /// Changes, sorted by kind then reference.
    pub changes: Vec<Change>,
}

/// An entity as the store knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityView {
    /// The record.
    pub entity: Entity,
    /// The version the record is from: the newest version that has the entity.
    pub version: VersionInfo,
    /// Line of the record in the version's main file.
    pub line: i64,
    /// Whether the source's newest version still lists the entity.
    pub current: bool,
    /// Ids of the same real-world entity in other sources.
    pub same_as: Vec<String>,
}

/// The kinds of the timeline events that are steps of a proposal.
pub const WORKFLOW_STEPS: [&str; 7] =
    ["proposal", "deliberation", "opinion", "document", "decision", "publication", "withdrawal"];

impl HistoryEvent {
    /// Whether the event is a step of a proposal ([`WORKFLOW_STEPS`]).
    pub fn is_workflow_step(&self) -> bool {
        WORKFLOW_STEPS.contains(&self.kind.as_str())
    }
}

/// One event in the timeline of an entity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// When: a date (of a measure) or a version's publication instant.
    pub date: String,
    /// The entity.
    pub entity_id: String,
    /// The source the event is known from.
    pub source_id: String,
    /// `added`, `amended`, `removed` (from versions) or a measure kind (`listing`,
    /// `suspension`, `recognition`, ...), or `listed`/`ended` from a record's dates, or a
    /// workflow step ([`WORKFLOW_STEPS`]).
    pub kind: String,
    /// The acting authority, for measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The list, for designations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// The version, for version events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<i64>,
    /// A sentence saying what happened.
    pub summary: String,
    /// Field changes, for amendments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<EntityDiff>,
}

/// The status of one designation on a day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DesignationStatus {
    /// The entity.
    pub entity_id: String,
    /// Its name.
    pub caption: String,
    /// The source the status is known from.
    pub source_id: String,
    /// The list.
    pub list: String,
    /// The authority keeping the list.
    pub authority: String,
    /// The list's reference.
    pub reference: Option<String>,
    /// Programs.
    pub programs: Vec<String>,
    /// The status.
    pub status: Status,
    /// How certain, given uncertain dates.
    pub certainty: Certainty,
    /// What the status rests on: the version in force on the day, or the listing dates of the
    /// earliest stored version when the day is before it.
    pub basis: String,
    /// The version the record is from.
    pub version_id: i64,
}

/// Status as of a day: designations, and acts outside lists that had happened by then.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReport {
    /// The day.
    pub as_of: String,
    /// Designations with their status.
    pub designations: Vec<DesignationStatus>,
    /// Acts (recognition, accreditation, statements) that had happened by the day.
    pub acts: Vec<(String, Measure)>,
}

/// Reads a version row.
fn version_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionInfo> {
    let files: String = r.get(6)?;
    let diagnostics: String = r.get(10)?;
    Ok(VersionInfo {
        id: r.get(0)?,
        source_id: r.get(1)?,
        published: r.get(2)?,
        effective: r.get(3)?,
        imported_at: r.get(4)?,
        sha256: r.get(5)?,
        files: serde_json::from_str(&files).unwrap_or_default(),
        entities: r.get(7)?,
        names: r.get(8)?,
        designations: r.get(9)?,
        diagnostics: serde_json::from_str(&diagnostics).unwrap_or_default(),
    })
}

const VERSION_COLS: &str =
    "id, source_id, published, effective, imported_at, sha256, files, entities, names, designations, diagnostics";

fn load_record(conn: &Connection, id: i64) -> Result<Entity, Error> {
    let body: String = conn.prepare_cached("SELECT body FROM record WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    Ok(serde_json::from_str(&body)?)
}

fn end_of_day(day: &PartialDate) -> String {
    format!("{}T23:59:59Z", day.latest())
}

/// The changes from version `from` (or nothing) to version `to`.
pub(crate) fn diff_versions(conn: &Connection, from: Option<i64>, to: i64) -> Result<VersionDiffRaw, Error> {
    let from_id = from.unwrap_or(-1);
    let source_id: String = conn.query_row("SELECT source_id FROM version WHERE id = ?1", [to], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT b.entity_id, a.record, b.record FROM member b
           LEFT JOIN member a ON a.version_id = ?1 AND a.entity_id = b.entity_id
          WHERE b.version_id = ?2 AND (a.record IS NULL OR a.record != b.record)
         UNION ALL
         SELECT a.entity_id, a.record, NULL FROM member a
          WHERE a.version_id = ?1 AND NOT EXISTS
                (SELECT 1 FROM member b WHERE b.version_id = ?2 AND b.entity_id = a.entity_id)",
    )?;
    let rows: Vec<(String, Option<i64>, Option<i64>)> =
        stmt.query_map(params![from_id, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let mut changes = Vec::new();
    for (entity_id, old, new) in rows {
        let old = old.map(|h| load_record(conn, h)).transpose()?;
        let new = new.map(|h| load_record(conn, h)).transpose()?;
        let (kind, detail, shown) = match (&old, &new) {
            // An added or removed entity's field list would repeat the whole record: keep only
            // the designations that start or end with it.
            (None, Some(n)) => ("added", designations_only(n, "started"), n),
            (Some(o), None) => ("removed", designations_only(o, "ended"), o),
            (Some(o), Some(n)) => match records_differ(o, n) {
                Some(d) => ("amended", d, n),
                None => continue,
            },
            (None, None) => continue,
        };
        changes.push(Change {
            cursor: None,
            source_id: source_id.clone(),
            version_id: to,
            prev_version_id: from,
            entity_id,
            kind: kind.to_string(),
            reference: shown.designations.iter().find_map(|d| d.reference.clone()),
            caption: shown.caption().to_string(),
            detail,
        });
    }
    changes.sort_by(|a, b| {
        (kind_order(&a.kind), reference_key(&a.reference), &a.entity_id).cmp(&(
            kind_order(&b.kind),
            reference_key(&b.reference),
            &b.entity_id,
        ))
    });
    Ok(VersionDiffRaw { changes })
}

/// The diff of an entity that appears or disappears whole: its designations start or end.
fn designations_only(e: &Entity, change: &str) -> EntityDiff {
    let designations = e
        .designations
        .iter()
        .map(|d| proscribe_model::diff::DesignationChange {
            change: change.to_string(),
            list: d.list.clone(),
            reference: d.reference.clone(),
            programs: d.programs.clone(),
        })
        .collect();
    EntityDiff { fields: vec![], designations }
}

fn kind_order(kind: &str) -> u8 {
    match kind {
        "added" => 0,
        "removed" => 1,
        _ => 2,
    }
}

/// Sorts references naturally: `TAi.9` before `TAi.10`, `36` before `173`.
fn reference_key(r: &Option<String>) -> (String, u64, String) {
    let r = r.clone().unwrap_or_default();
    let digits: String =
        r.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    let prefix = r[..r.len() - digits.len()].to_string();
    (prefix, digits.parse().unwrap_or(0), r)
}

/// Changes without version metadata, as computed.
pub(crate) struct VersionDiffRaw {
    pub(crate) changes: Vec<Change>,
}

/// When an entity was first and last seen in the stored versions, and last changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seen {
    /// Effective instant of the first version that has the entity.
    pub first_seen: String,
    /// Import instant of the newest version that has the entity.
    pub last_seen: String,
    /// Effective instant of the newest version that changed the entity (its first otherwise).
    pub last_change: String,
}

impl Store {
    /// When entity `id` was first and last seen and last changed; `None` for an unknown id.
    pub fn seen(&self, id: &str) -> Result<Option<Seen>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT min(v.effective), max(v.imported_at) FROM member m JOIN version v ON v.id = m.version_id
              WHERE m.entity_id = ?1",
        )?;
        let (first, last): (Option<String>, Option<String>) = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (Some(first_seen), Some(last_seen)) = (first, last) else { return Ok(None) };
        let mut stmt = self.conn.prepare_cached(
            "SELECT max(v.effective) FROM change c JOIN version v ON v.id = c.version_id WHERE c.entity_id = ?1",
        )?;
        let changed: Option<String> = stmt.query_row([id], |r| r.get(0))?;
        Ok(Some(Seen { last_change: changed.unwrap_or_else(|| first_seen.clone()), first_seen, last_seen }))
    }

    /// [`Store::seen`] of every stored entity at once, by id.
    pub fn seen_all(&self) -> Result<HashMap<String, Seen>, Error> {
        let mut out: HashMap<String, Seen> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT m.entity_id, min(v.effective), max(v.imported_at) FROM member m JOIN version v ON v.id = m.version_id
              GROUP BY m.entity_id",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (id, first_seen, last_seen) = row?;
            out.insert(id, Seen { last_change: first_seen.clone(), first_seen, last_seen });
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.entity_id, max(v.effective) FROM change c JOIN version v ON v.id = c.version_id GROUP BY c.entity_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, changed) = row?;
            if let Some(s) = out.get_mut(&id) {
                s.last_change = changed;
            }
        }
        Ok(out)
    }

    /// A number that grows with every import: what a reader compares to know the data changed.
    pub fn data_version(&self) -> Result<i64, Error> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM version", [], |r| r.get(0))?)
    }

    /// Every source with its newest version.
    pub fn sources(&self) -> Result<Vec<SourceSummary>, Error> {
        let mut stmt = self.conn.prepare("SELECT id, title, format FROM source ORDER BY id")?;
        let rows: Vec<(String, String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (id, title, format) in rows {
            let versions = self.versions(&id)?;
            let Some(latest) = versions.last().cloned() else { continue };
            out.push(SourceSummary { id, title, format, versions: versions.len() as i64, latest });
        }
        Ok(out)
    }

    /// The versions of a source, oldest first.
    pub fn versions(&self, source_id: &str) -> Result<Vec<VersionInfo>, Error> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VERSION_COLS} FROM version WHERE source_id = ?1 ORDER BY effective, id"
        ))?;
        let rows = stmt.query_map([source_id], version_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One version by id.
    pub fn version(&self, id: i64) -> Result<VersionInfo, Error> {
        self.conn
            .query_row(&format!("SELECT {VERSION_COLS} FROM version WHERE id = ?1"), [id], version_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no version {id}")))
    }

    /// The version of a source in force at the end of `day`: the newest one published by then.
    pub fn version_on(&self, source_id: &str, day: &PartialDate) -> Result<Option<VersionInfo>, Error> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {VERSION_COLS} FROM version WHERE source_id = ?1 AND effective <= ?2
                     ORDER BY effective DESC, id DESC LIMIT 1"
                ),
                params![source_id, end_of_day(day)],
                version_row,
            )
            .optional()?)
    }

    /// Authorities by id.
    pub fn authorities(&self) -> Result<HashMap<String, Authority>, Error> {
        let mut stmt = self.conn.prepare("SELECT id, body FROM authority")?;
        let rows: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows.into_iter().map(|(id, b)| Ok((id, serde_json::from_str(&b)?))).collect()
    }

    /// Lists by id, with the source that publishes each.
    pub fn lists(&self) -> Result<HashMap<String, (String, ListInfo)>, Error> {
        let mut stmt = self.conn.prepare("SELECT id, source_id, body FROM list")?;
        let rows: Vec<(String, String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        rows.into_iter().map(|(id, s, b)| Ok((id, (s, serde_json::from_str(&b)?)))).collect()
    }

    /// Finds entity ids by id, or by a list reference (`TAi.026`, `6636`), case-insensitively.
    pub fn resolve(&self, key: &str) -> Result<Vec<String>, Error> {
        let exists: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM member WHERE entity_id = ?1)", [key], |r| r.get(0))?;
        if exists {
            return Ok(vec![key.to_string()]);
        }
        let mut stmt = self.conn.prepare("SELECT entity_id FROM entity_ref WHERE key = ?1 ORDER BY entity_id")?;
        let ids = stmt.query_map([key.trim().to_lowercase()], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// An entity: its record in the newest version that has it.
    pub fn entity(&self, id: &str) -> Result<Option<EntityView>, Error> {
        let row: Option<(i64, i64, i64)> = self
            .conn
            .query_row(
                "SELECT m.version_id, m.record, m.line FROM member m JOIN version v ON v.id = m.version_id
                  WHERE m.entity_id = ?1 ORDER BY v.effective DESC, v.id DESC LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((version_id, record, line)) = row else { return Ok(None) };
        self.view(id, version_id, record, line).map(Some)
    }

    /// The view of entity `id` with record `record` at `line` of version `version_id`.
    fn view(&self, id: &str, version_id: i64, record: i64, line: i64) -> Result<EntityView, Error> {
        // The version without its import diagnostics, which can be large and are not the
        // entity's.
        let version = self.conn.query_row(
            &format!("SELECT {} FROM version WHERE id = ?1", VERSION_COLS.replace("diagnostics", "'null'")),
            [version_id],
            version_row,
        )?;
        let latest: i64 = self.conn.query_row(
            "SELECT id FROM version WHERE source_id = ?1 ORDER BY effective DESC, id DESC LIMIT 1",
            [&version.source_id],
            |r| r.get(0),
        )?;
        Ok(EntityView {
            entity: load_record(&self.conn, record)?,
            current: latest == version.id,
            version,
            line,
            same_as: self.cluster(id)?.into_iter().filter(|o| o != id).collect(),
        })
    }

    /// Entity `id` as the version of its source in force on `day` has it (`None`: unknown, or
    /// not in that version).
    pub fn entity_on(&self, id: &str, day: &PartialDate) -> Result<Option<EntityView>, Error> {
        let source: Option<String> = self
            .conn
            .query_row(
                "SELECT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1 LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(source) = source else { return Ok(None) };
        let version: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM version WHERE source_id = ?1 AND effective <= ?2 ORDER BY effective DESC, id DESC LIMIT 1",
                params![source, end_of_day(day)],
                |r| r.get(0),
            )
            .optional()?;
        let Some(version_id) = version else { return Ok(None) };
        let row: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT record, line FROM member WHERE version_id = ?1 AND entity_id = ?2",
                params![version_id, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((record, line)) = row else { return Ok(None) };
        self.view(id, version_id, record, line).map(Some)
    }

    /// The entity ids that are the same real-world entity as `id` (following `same_as` both
    /// ways, transitively), `id` included.
    pub fn cluster(&self, id: &str) -> Result<BTreeSet<String>, Error> {
        let mut seen = BTreeSet::from([id.to_string()]);
        let mut todo = vec![id.to_string()];
        let mut stmt = self.conn.prepare_cached("SELECT other_id FROM same_as WHERE entity_id = ?1")?;
        while let Some(next) = todo.pop() {
            for other in stmt.query_map([&next], |r| r.get::<_, String>(0))? {
                let other = other?;
                if seen.insert(other.clone()) {
                    todo.push(other);
                }
            }
        }
        Ok(seen)
    }

    /// The changes between two versions of one source (`from` none: everything is added).
    pub fn diff(&self, from: Option<i64>, to: i64) -> Result<VersionDiff, Error> {
        let to_v = self.version(to)?;
        let from_v = from.map(|f| self.version(f)).transpose()?;
        if let Some(f) = &from_v {
            if f.source_id != to_v.source_id {
                return Err(Error::Invalid(format!(
                    "versions {} ({}) and {} ({}) are of different sources",
                    f.id, f.source_id, to_v.id, to_v.source_id
                )));
            }
        }
        let raw = diff_versions(&self.conn, from, to)?;
        Ok(VersionDiff { from: from_v, to: to_v, changes: raw.changes })
    }

    /// The timeline of an entity and of the same entity in other sources: when each version
    /// added, amended or removed it, and the dated measures and acts its records state.
    pub fn history(&self, id: &str) -> Result<Vec<HistoryEvent>, Error> {
        let mut events = Vec::new();
        for eid in self.cluster(id)? {
            let mut stmt = self.conn.prepare_cached(
                "SELECT DISTINCT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1",
            )?;
            let sources: Vec<String> = stmt.query_map([&eid], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for source_id in sources {
                self.version_events(&eid, &source_id, &mut events)?;
            }
            if let Some(view) = self.entity(&eid)? {
                record_events(&view, &mut events);
            }
            events.extend(crate::workflow::proposal_events(&self.conn, &eid)?);
        }
        // On one day, the steps of a proposal come before the measure its publication wrote,
        // and that before the version that carries it.
        let rank = |e: &HistoryEvent| match e.kind.as_str() {
            _ if e.is_workflow_step() => 0,
            "added" | "amended" | "removed" => 2,
            _ => 1,
        };
        events.sort_by(|a, b| a.date.cmp(&b.date).then(a.entity_id.cmp(&b.entity_id)).then(rank(a).cmp(&rank(b))));
        Ok(events)
    }

    fn version_events(&self, eid: &str, source_id: &str, events: &mut Vec<HistoryEvent>) -> Result<(), Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, COALESCE(v.published, v.effective), m.record FROM version v
               LEFT JOIN member m ON m.version_id = v.id AND m.entity_id = ?2
              WHERE v.source_id = ?1 ORDER BY v.effective, v.id",
        )?;
        let rows: Vec<(i64, String, Option<i64>)> = stmt
            .query_map(params![source_id, eid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut prev: Option<Entity> = None;
        let mut seen_any = false;
        for (vid, date, hash) in rows {
            let rec = hash.map(|h| load_record(&self.conn, h)).transpose()?;
            let event = |kind: &str, summary: String, diff: Option<EntityDiff>| HistoryEvent {
                date: date.clone(),
                entity_id: eid.to_string(),
                source_id: source_id.to_string(),
                kind: kind.to_string(),
                authority: None,
                list: None,
                version_id: Some(vid),
                summary,
                diff,
            };
            match (&prev, &rec) {
                (None, Some(r)) => {
                    let what = if seen_any { "listed again" } else { "first seen" };
                    events.push(event("added", format!("{what} in {source_id} version {vid}: {}", r.caption()), None));
                }
                (Some(p), None) => events.push(event(
                    "removed",
                    format!("no longer in {source_id} version {vid}: {}", p.caption()),
                    None,
                )),
                (Some(p), Some(r)) => {
                    if let Some(d) = records_differ(p, r) {
                        let fields: Vec<&str> = d.fields.iter().map(|f| f.field.as_str()).collect();
                        events.push(event(
                            "amended",
                            format!("amended in {source_id} version {vid}: {}", fields.join(", ")),
                            Some(d),
                        ));
                    }
                }
                (None, None) => {}
            }
            seen_any |= rec.is_some();
            prev = rec;
        }
        Ok(())
    }

    /// The status on `day` of every designation of an entity and of the same entity in other
    /// sources.
    pub fn status_on(&self, id: &str, day: &PartialDate) -> Result<StatusReport, Error> {
        let mut report = StatusReport { as_of: day.to_string(), designations: vec![], acts: vec![] };
        for eid in self.cluster(id)? {
            let mut stmt = self.conn.prepare_cached(
                "SELECT DISTINCT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1",
            )?;
            let sources: Vec<String> = stmt.query_map([&eid], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for source_id in sources {
                self.entity_status_in_source(&eid, &source_id, day, &mut report)?;
            }
        }
        Ok(report)
    }

    fn entity_status_in_source(
        &self,
        eid: &str,
        source_id: &str,
        day: &PartialDate,
        report: &mut StatusReport,
    ) -> Result<(), Error> {
        let member = |vid: i64| -> Result<Option<Entity>, Error> {
            let hash: Option<i64> = self
                .conn
                .query_row(
                    "SELECT record FROM member WHERE version_id = ?1 AND entity_id = ?2",
                    params![vid, eid],
                    |r| r.get(0),
                )
                .optional()?;
            hash.map(|h| load_record(&self.conn, h)).transpose()
        };
        let (version, basis, before_first) = match self.version_on(source_id, day)? {
            Some(v) => {
                let basis =
                    format!("{source_id} version {} of {}", v.id, v.published.as_deref().unwrap_or(&v.effective));
                (v, basis, false)
            }
            None => {
                // The day is before every stored version: the earliest one's dates must do.
                let Some(first) = self.versions(source_id)?.into_iter().next() else { return Ok(()) };
                let basis = format!(
                    "dates in {source_id} version {} of {} (the earliest stored)",
                    first.id,
                    first.published.as_deref().unwrap_or(&first.effective)
                );
                (first, basis, true)
            }
        };
        match member(version.id)? {
            Some(e) => push_entity_status(&e, source_id, version.id, &basis, day, before_first, report),
            None => {
                // Not in the version in force: if it was listed before, it has been removed.
                if let Some(view) = self.entity(eid)? {
                    for d in &view.entity.designations {
                        report.designations.push(DesignationStatus {
                            entity_id: eid.to_string(),
                            caption: view.entity.caption().to_string(),
                            source_id: source_id.to_string(),
                            list: d.list.clone(),
                            authority: d.authority.clone(),
                            reference: d.reference.clone(),
                            programs: d.programs.clone(),
                            status: if view.version.effective < version.effective {
                                Status::Delisted
                            } else {
                                Status::NotListed
                            },
                            certainty: Certainty::Certain,
                            basis: format!("absent from {basis}"),
                            version_id: version.id,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The status on `day` of every entry on a list (`list_id`) or of every entry kept by an
    /// authority (`authority_id`), from the version of each source in force that day.
    /// Entries not yet listed on that day are left out.
    pub fn designations_on(
        &self,
        list_id: Option<&str>,
        authority_id: Option<&str>,
        day: &PartialDate,
    ) -> Result<Vec<DesignationStatus>, Error> {
        let mut out = Vec::new();
        for source in self.sources()? {
            let Some(version) = self.version_on(&source.id, day)? else { continue };
            let basis = format!(
                "{} version {} of {}",
                source.id,
                version.id,
                version.published.as_deref().unwrap_or(&version.effective)
            );
            let mut report = StatusReport { as_of: day.to_string(), designations: vec![], acts: vec![] };
            self.for_each_member(version.id, |e| {
                let relevant = e
                    .designations
                    .iter()
                    .any(|d| list_id.is_none_or(|l| d.list == l) && authority_id.is_none_or(|a| d.authority == a));
                if relevant {
                    push_entity_status(&e, &source.id, version.id, &basis, day, false, &mut report);
                }
                Ok(())
            })?;
            out.extend(report.designations.into_iter().filter(|d| {
                list_id.is_none_or(|l| d.list == l)
                    && authority_id.is_none_or(|a| d.authority == a)
                    && d.status != Status::NotListed
            }));
        }
        Ok(out)
    }

    /// Calls `f` with every entity of a version, in line order.
    pub fn for_each_member(
        &self,
        version_id: i64,
        mut f: impl FnMut(Entity) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.body FROM member m JOIN record r ON r.id = m.record WHERE m.version_id = ?1 ORDER BY m.line, m.entity_id",
        )?;
        let mut rows = stmt.query([version_id])?;
        while let Some(row) = rows.next()? {
            let body: String = row.get(0)?;
            f(serde_json::from_str(&body)?)?;
        }
        Ok(())
    }

    /// The version of each source in force on `day` (the newest versions when `day` is none).
    pub fn current_versions(&self, day: Option<&PartialDate>) -> Result<Vec<VersionInfo>, Error> {
        let mut out = Vec::new();
        for s in self.sources()? {
            match day {
                None => out.push(s.latest),
                Some(d) => out.extend(self.version_on(&s.id, d)?),
            }
        }
        Ok(out)
    }

    /// Calls `f` with every entity of every source's version in force on `day` (the newest
    /// when none).
    pub fn current_entities(
        &self,
        day: Option<&PartialDate>,
        mut f: impl FnMut(&VersionInfo, Entity) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for v in self.current_versions(day)? {
            self.for_each_member(v.id, |e| f(&v, e))?;
        }
        Ok(())
    }

    /// Changes in the feed after `cursor` (0 for all), oldest first, at most `limit`.
    pub fn changes_since(&self, cursor: i64, limit: usize) -> Result<Vec<Change>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source_id, version_id, prev_version_id, entity_id, kind, reference, caption, detail
               FROM change WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![cursor, limit as i64], |r| {
                let detail: String = r.get(8)?;
                Ok(Change {
                    cursor: Some(r.get(0)?),
                    source_id: r.get(1)?,
                    version_id: r.get(2)?,
                    prev_version_id: r.get(3)?,
                    entity_id: r.get(4)?,
                    kind: r.get(5)?,
                    reference: r.get(6)?,
                    caption: r.get(7)?,
                    detail: serde_json::from_str(&detail).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// Adds the status on `day` of an entity's designations to `report`. `before_first` says the
/// day is before the earliest stored version: an entry whose record gives no listing date
/// may then not have been listed yet, so its status is only possible.
fn push_entity_status(
    e: &Entity,
    source_id: &str,
    version_id: i64,
    basis: &str,
    day: &PartialDate,
    before_first: bool,
    report: &mut StatusReport,
) {
    for d in &e.designations {
        let mut s = d.status_on(day);
        if before_first && d.listed_on.is_none() && d.measures.is_empty() {
            s.certainty = Certainty::Possible;
        }
        report.designations.push(DesignationStatus {
            entity_id: e.id.clone(),
            caption: e.caption().to_string(),
            source_id: source_id.to_string(),
            list: d.list.clone(),
            authority: d.authority.clone(),
            reference: d.reference.clone(),
            programs: d.programs.clone(),
            status: s.status,
            certainty: s.certainty,
            basis: basis.to_string(),
            version_id,
        });
    }
    for a in &e.acts {
        if a.effective_date().happened_by(day).is_some() {
            report.acts.push((e.id.clone(), a.clone()));
        }
    }
}

fn record_events(view: &EntityView, events: &mut Vec<HistoryEvent>) {
    let e = &view.entity;
    let source_id = &view.version.source_id;
    let mut push = |date: String, kind: String, authority: Option<String>, list: Option<String>, summary: String| {
        events.push(HistoryEvent {
            date,
            entity_id: e.id.clone(),
            source_id: source_id.clone(),
            kind,
            authority,
            list,
            version_id: None,
            summary,
            diff: None,
        })
    };
    for d in &e.designations {
        let reference = d.reference.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        let has = |k: proscribe_model::MeasureKind| d.measures.iter().any(|m| m.kind == k);
        if !has(proscribe_model::MeasureKind::Listing) {
            if let Some(l) = &d.listed_on {
                push(
                    l.to_string(),
                    "listed".into(),
                    Some(d.authority.clone()),
                    Some(d.list.clone()),
                    format!("listed on {}{reference} by {}", d.list, d.authority),
                );
            }
        }
        if !has(proscribe_model::MeasureKind::Delisting) {
            if let Some(l) = &d.ended_on {
                push(
                    l.to_string(),
                    "ended".into(),
                    Some(d.authority.clone()),
                    Some(d.list.clone()),
                    format!("entry on {}{reference} ended", d.list),
                );
            }
        }
        for m in &d.measures {
            push(
                m.date.to_string(),
                kind_name(m),
                Some(m.authority.clone()),
                Some(d.list.clone()),
                measure_summary(m, Some(&d.list)),
            );
        }
    }
    for m in &e.acts {
        push(m.date.to_string(), kind_name(m), Some(m.authority.clone()), None, measure_summary(m, None));
    }
}

fn kind_name(m: &Measure) -> String {
    m.kind.as_str().to_string()
}

fn measure_summary(m: &Measure, list: Option<&str>) -> String {
    let mut s = format!("{} by {}", kind_name(m).replace('_', " "), m.authority);
    if !m.joint_with.is_empty() {
        s.push_str(&format!(" jointly with {}", m.joint_with.join(", ")));
    }
    if let Some(l) = list {
        s.push_str(&format!(" on {l}"));
    }
    if let Some(eff) = &m.effective {
        s.push_str(&format!(", effective {eff}"));
    }
    if let Some(n) = &m.note {
        s.push_str(&format!(": {n}"));
    }
    s
}
