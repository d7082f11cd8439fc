//! Sources and their versions: what each import stored (files, counts, diagnostics), which
//! version is in force on a day, when an entity was first and last seen, and the authorities
//! and lists the sources describe.

use std::collections::HashMap;

use proscribe_model::{Authority, ListInfo, PartialDate};
use serde::{Deserialize, Serialize};

use crate::db::{Db, Row};
use crate::rows::{end_of_day, json};
use crate::{Error, Store};

/// A file of a version, for the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// The file name (without folders).
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A stored version of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Version id (unique over all sources, stable): what the API and links name.
    pub id: i64,
    /// The version's number within its source, in import order (1 for the first): what
    /// people are shown.
    pub number: i64,
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

/// The columns [`version_row`] reads.
pub(crate) const VERSION_COLS: &str =
    "id, source_id, published, effective, imported_at, sha256, files, entities, names, designations, diagnostics,
     (SELECT count(*) FROM version AS o WHERE o.source_id = version.source_id AND o.id <= version.id)";

/// Reads a version row ([`VERSION_COLS`]).
pub(crate) fn version_row(r: &Row<'_>) -> Result<VersionInfo, Error> {
    let id: i64 = r.get(0)?;
    let files: String = r.get(6)?;
    let diagnostics: String = r.get(10)?;
    Ok(VersionInfo {
        id,
        source_id: r.get(1)?,
        published: r.get(2)?,
        effective: r.get(3)?,
        imported_at: r.get(4)?,
        sha256: r.get(5)?,
        files: json(&files, "version", id, "files")?,
        entities: r.get(7)?,
        names: r.get(8)?,
        designations: r.get(9)?,
        diagnostics: json(&diagnostics, "version", id, "diagnostics")?,
        number: r.get(11)?,
    })
}

/// The number within its source of version `id` of `source_id` (see [`VersionInfo::number`]).
pub(crate) fn version_number(db: &Db, source_id: &str, id: i64) -> Result<i64, Error> {
    db.scalar("SELECT count(*) FROM version WHERE source_id = ?1 AND id <= ?2", &[&source_id, &id])
}

/// The number within its source of version `id` (see [`VersionInfo::number`]).
pub(crate) fn number_of(db: &Db, id: i64) -> Result<i64, Error> {
    db.scalar(
        "SELECT count(*) FROM version AS o WHERE o.source_id = (SELECT source_id FROM version WHERE id = ?1) AND o.id <= ?1",
        &[&id],
    )
}

impl Store {
    /// When entity `id` was first and last seen and last changed; `None` for an unknown id.
    pub fn seen(&self, id: &str) -> Result<Option<Seen>, Error> {
        let (first, last): (Option<String>, Option<String>) = self.db.one(
            "SELECT min(v.effective), max(v.imported_at) FROM member m JOIN version v ON v.id = m.version_id
              WHERE m.entity_id = ?1",
            &[&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(first_seen), Some(last_seen)) = (first, last) else { return Ok(None) };
        let changed: Option<String> = self.db.scalar(
            "SELECT max(v.effective) FROM change c JOIN version v ON v.id = c.version_id WHERE c.entity_id = ?1",
            &[&id],
        )?;
        Ok(Some(Seen { last_change: changed.unwrap_or_else(|| first_seen.clone()), first_seen, last_seen }))
    }

    /// A number that grows with every import: what a reader compares to know the data changed.
    pub fn data_version(&self) -> Result<i64, Error> {
        self.db.scalar("SELECT coalesce(max(id), 0) FROM version", &[])
    }

    /// Every source with its newest version.
    pub fn sources(&self) -> Result<Vec<SourceSummary>, Error> {
        let rows: Vec<(String, String, String)> =
            self.db.rows("SELECT id, title, format FROM source ORDER BY id", &[], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
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
        self.db.rows(
            &format!("SELECT {VERSION_COLS} FROM version WHERE source_id = ?1 ORDER BY effective, id"),
            &[&source_id],
            version_row,
        )
    }

    /// One version by id.
    pub fn version(&self, id: i64) -> Result<VersionInfo, Error> {
        self.db
            .first(&format!("SELECT {VERSION_COLS} FROM version WHERE id = ?1"), &[&id], version_row)?
            .ok_or_else(|| Error::NotFound(format!("no version {id}")))
    }

    /// The version of a source in force at the end of `day`: the newest one published by then.
    pub fn version_on(&self, source_id: &str, day: &PartialDate) -> Result<Option<VersionInfo>, Error> {
        self.db.first(
            &format!(
                "SELECT {VERSION_COLS} FROM version WHERE source_id = ?1 AND effective <= ?2
                 ORDER BY effective DESC, id DESC LIMIT 1"
            ),
            &[&source_id, &end_of_day(day)],
            version_row,
        )
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

    /// Authorities by id.
    pub fn authorities(&self) -> Result<HashMap<String, Authority>, Error> {
        let rows: Vec<(String, String)> =
            self.db.rows("SELECT id, body FROM authority", &[], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.into_iter().map(|(id, b)| Ok((id.clone(), json(&b, "authority", id, "body")?))).collect()
    }

    /// Lists by id, with the source that publishes each.
    pub fn lists(&self) -> Result<HashMap<String, (String, ListInfo)>, Error> {
        let rows: Vec<(String, String, String)> =
            self.db.rows("SELECT id, source_id, body FROM list", &[], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.into_iter().map(|(id, s, b)| Ok((id.clone(), (s, json(&b, "list", id, "body")?)))).collect()
    }
}
