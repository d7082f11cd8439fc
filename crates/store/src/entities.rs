//! Entities as the store knows them: found by id or list reference, read as the newest
//! version or the version in force on a day has them, the same entity across sources, and
//! every entity of a version streamed in line order.

use std::collections::BTreeSet;

use proscribe_model::{Entity, PartialDate};
use serde::{Deserialize, Serialize};

use crate::db::Db;
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
        let exists: bool = self.db.scalar("SELECT EXISTS (SELECT 1 FROM member WHERE entity_id = ?1)", &[&key])?;
        if exists {
            return Ok(vec![key.to_string()]);
        }
        self.db.rows(
            "SELECT entity_id FROM entity_ref WHERE key = ?1 ORDER BY entity_id",
            &[&key.trim().to_lowercase()],
            |r| r.get(0),
        )
    }

    /// An entity: its record in the newest version that has it.
    pub fn entity(&self, id: &str) -> Result<Option<EntityView>, Error> {
        let row: Option<(i64, i64, i64)> = self.db.first(
            "SELECT m.version_id, m.record, m.line FROM member m JOIN version v ON v.id = m.version_id
              WHERE m.entity_id = ?1 ORDER BY v.effective DESC, v.id DESC LIMIT 1",
            &[&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let Some((version_id, record, line)) = row else { return Ok(None) };
        self.view(id, version_id, record, line).map(Some)
    }

    /// The view of entity `id` with record `record` at `line` of version `version_id`.
    fn view(&self, id: &str, version_id: i64, record: i64, line: i64) -> Result<EntityView, Error> {
        // The version without its import diagnostics, which can be large and are not the
        // entity's.
        let version = self.db.one(
            &format!("SELECT {} FROM version WHERE id = ?1", VERSION_COLS.replace("diagnostics", "'null'")),
            &[&version_id],
            version_row,
        )?;
        let latest: i64 = self.db.scalar(
            "SELECT id FROM version WHERE source_id = ?1 ORDER BY effective DESC, id DESC LIMIT 1",
            &[&version.source_id],
        )?;
        Ok(EntityView {
            entity: load_record(&self.db, record)?,
            current: latest == version.id,
            version,
            line,
            same_as: self.cluster(id)?.into_iter().filter(|o| o != id).collect(),
        })
    }

    /// Entity `id` as the version of its source in force on `day` has it (`None`: unknown, or
    /// not in that version).
    pub fn entity_on(&self, id: &str, day: &PartialDate) -> Result<Option<EntityView>, Error> {
        let source: Option<String> = self.db.first(
            "SELECT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1 LIMIT 1",
            &[&id],
            |r| r.get(0),
        )?;
        let Some(source) = source else { return Ok(None) };
        let version: Option<i64> = self.db.first(
            "SELECT id FROM version WHERE source_id = ?1 AND effective <= ?2 ORDER BY effective DESC, id DESC LIMIT 1",
            &[&source, &end_of_day(day)],
            |r| r.get(0),
        )?;
        let Some(version_id) = version else { return Ok(None) };
        let row: Option<(i64, i64)> = self.db.first(
            "SELECT record, line FROM member WHERE version_id = ?1 AND entity_id = ?2",
            &[&version_id, &id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((record, line)) = row else { return Ok(None) };
        self.view(id, version_id, record, line).map(Some)
    }

    /// The entity ids that are the same real-world entity as `id` (following `same_as` both
    /// ways, transitively), `id` included.
    pub fn cluster(&self, id: &str) -> Result<BTreeSet<String>, Error> {
        let mut seen = BTreeSet::from([id.to_string()]);
        let mut todo = vec![id.to_string()];
        while let Some(next) = todo.pop() {
            let others: Vec<String> =
                self.db.rows("SELECT other_id FROM same_as WHERE entity_id = ?1", &[&next], |r| r.get(0))?;
            for other in others {
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
        self.db.rows("SELECT entity_id, other_id FROM same_as WHERE entity_id < other_id ORDER BY 1, 2", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    /// The sources with a version that has entity `id`.
    pub(crate) fn sources_of(&self, id: &str) -> Result<Vec<String>, Error> {
        self.db.rows(
            "SELECT DISTINCT v.source_id FROM member m JOIN version v ON v.id = m.version_id WHERE m.entity_id = ?1",
            &[&id],
            |r| r.get(0),
        )
    }

    /// Calls `f` with every entity of a version, in line order.
    pub fn for_each_member(&self, version_id: i64, f: impl FnMut(Entity) -> Result<(), Error>) -> Result<(), Error> {
        for_each_member(&self.db, version_id, f)
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
    db: &Db,
    version_id: i64,
    mut f: impl FnMut(Entity) -> Result<(), Error>,
) -> Result<(), Error> {
    db.each(
        "SELECT r.id, r.body FROM member m JOIN record r ON r.id = m.record WHERE m.version_id = ?1
          ORDER BY m.line, m.entity_id",
        &[&version_id],
        |row| {
            let body = row.value(1)?;
            let crate::db::Value::Text(body) = body else {
                return Err(Error::corrupt("record", row.get::<i64>(0)?, "body", "not text"));
            };
            f(record(&body, row.get(0)?)?)
        },
    )
}
