//! Entities as the store knows them: found by id or list reference, read as the newest
//! version or the version in force on a day has them, the same entity across sources, and
//! every entity of a version streamed in line order.

use std::collections::BTreeSet;

use proscribe_model::{Entity, PartialDate};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::rows::{end_of_day, load_record, record};
use crate::versions::{version_row, VersionInfo, VERSION_COLS};
use crate::{Error, Store};

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

impl Store {
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
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM version WHERE id = ?1",
            VERSION_COLS.replace("diagnostics", "'null'")
        ))?;
        let mut rows = stmt.query([version_id])?;
        let row = rows.next()?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let version = version_row(row)?;
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

    /// Every link the lists state between two entities (a reference to another list's entry),
    /// each once, as `(lower id, higher id)`, in order.
    pub fn stated_links(&self) -> Result<Vec<(String, String)>, Error> {
        let mut stmt =
            self.conn.prepare("SELECT entity_id, other_id FROM same_as WHERE entity_id < other_id ORDER BY 1, 2")?;
        let links = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(links)
    }

    /// The sources with a version that has entity `id`.
    pub(crate) fn sources_of(&self, id: &str) -> Result<Vec<String>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1",
        )?;
        let sources = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(sources)
    }

    /// Calls `f` with every entity of a version, in line order.
    pub fn for_each_member(&self, version_id: i64, f: impl FnMut(Entity) -> Result<(), Error>) -> Result<(), Error> {
        for_each_member(&self.conn, version_id, f)
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
}

/// Calls `f` with every entity of version `version_id`, in line order.
pub(crate) fn for_each_member(
    conn: &rusqlite::Connection,
    version_id: i64,
    mut f: impl FnMut(Entity) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.body FROM member m JOIN record r ON r.id = m.record WHERE m.version_id = ?1
          ORDER BY m.line, m.entity_id",
    )?;
    let mut rows = stmt.query([version_id])?;
    while let Some(row) = rows.next()? {
        let body: String = row.get(1)?;
        f(record(&body, row.get(0)?)?)?;
    }
    Ok(())
}
