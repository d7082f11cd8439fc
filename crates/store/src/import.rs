//! Writing imports: one transaction per import, one version per source file set, and the
//! changes a new version brings against the one before it.

use std::collections::HashMap;
use std::fmt::Write;

use proscribe_model::diff::DesignationChangeKind;
use proscribe_model::workflow::check_horizon;
use proscribe_model::{Entity, PartialDate, SourceInfo};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{Arg, Db, Dialect, Tx, Value};
use crate::diffs::{each_change, reference_key, ChangeKind};
use crate::versions::FileMeta;
use crate::{normalise_timestamp, now, Error, Store};

/// What is known about a version when its entities have all been staged.
#[derive(Debug, Clone)]
pub struct VersionMeta {
    /// The source as the importer described it.
    pub info: SourceInfo,
    /// SHA-256 of the files' contents.
    pub sha256: String,
    /// The files.
    pub files: Vec<FileMeta>,
    /// Names over all entities.
    pub names: usize,
    /// Designations over all entities.
    pub designations: usize,
    /// Diagnostics of the parse, as JSON.
    pub diagnostics: serde_json::Value,
    /// A publication date given by the user or the server, used when the file states none.
    pub published_fallback: Option<String>,
}

impl VersionMeta {
    /// Metadata with no counts or diagnostics.
    pub fn new(info: SourceInfo, sha256: &str, files: Vec<FileMeta>) -> VersionMeta {
        VersionMeta {
            info,
            sha256: sha256.to_string(),
            files,
            names: 0,
            designations: 0,
            diagnostics: serde_json::Value::Array(vec![]),
            published_fallback: None,
        }
    }
}

/// How an import changed a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The source's newest version; its changes are in the feed.
    New,
    /// An older version than one already stored: kept for history, the current state is
    /// unchanged.
    Backfill,
    /// The same files were imported before: nothing changed.
    Unchanged,
}

/// The result of importing one version of a source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportOutcome {
    /// The source.
    pub source_id: String,
    /// The version (new, or the identical one found).
    pub version_id: i64,
    /// The previous version it was compared with.
    pub previous_version_id: Option<i64>,
    /// The version's number within its source (see [`crate::VersionInfo::number`]).
    pub version_number: i64,
    /// The previous version's number within its source.
    pub previous_version_number: Option<i64>,
    /// New, backfill or unchanged.
    pub outcome: Outcome,
    /// The list's own publication date, if stated.
    pub published: Option<String>,
    /// Entities in the version.
    pub entities: usize,
    /// Names in the version.
    pub names: usize,
    /// Designations in the version.
    pub designations: usize,
    /// Entities added against the previous version.
    pub added: usize,
    /// Entities removed.
    pub removed: usize,
    /// Entities amended.
    pub amended: usize,
    /// Designations started (on added or amended entities).
    pub designations_started: usize,
    /// Designations ended (on removed or amended entities).
    pub designations_ended: usize,
}

/// One import: a transaction over any number of source versions.
pub struct ImportTx<'a> {
    tx: Tx<'a>,
    imported_at: String,
    actor: String,
    /// The latest day a publication may be dated.
    pub(crate) horizon: PartialDate,
}

impl Store {
    /// Starts an import. Nothing it writes is visible before [`ImportTx::commit`].
    pub fn begin_import(&mut self) -> Result<ImportTx<'_>, Error> {
        self.begin_import_as(&crate::local_actor())
    }

    /// Starts an import on behalf of `actor`, whom the audit trail names.
    pub fn begin_import_as(&mut self, actor: &str) -> Result<ImportTx<'_>, Error> {
        let horizon = self.horizon();
        let tx = self.db.begin_write()?;
        Ok(ImportTx { tx, imported_at: now(), actor: actor.to_string(), horizon })
    }
}

impl<'a> ImportTx<'a> {
    /// The version of `source_id` imported from files with this hash, if there is one.
    pub fn existing(&self, source_id: &str, sha256: &str) -> Result<Option<ImportOutcome>, Error> {
        let row = self.tx.first(
            "SELECT id, published, entities, names, designations FROM version WHERE source_id = ?1 AND sha256 = ?2",
            &[&source_id, &sha256],
            |r| {
                Ok(ImportOutcome {
                    source_id: source_id.to_string(),
                    version_id: r.get(0)?,
                    previous_version_id: None,
                    version_number: 0,
                    previous_version_number: None,
                    outcome: Outcome::Unchanged,
                    published: r.get(1)?,
                    entities: r.get::<i64>(2)? as usize,
                    names: r.get::<i64>(3)? as usize,
                    designations: r.get::<i64>(4)? as usize,
                    added: 0,
                    removed: 0,
                    amended: 0,
                    designations_started: 0,
                    designations_ended: 0,
                })
            },
        )?;
        match row {
            Some(mut o) => {
                o.version_number = crate::versions::version_number(&self.tx, source_id, o.version_id)?;
                Ok(Some(o))
            }
            None => Ok(None),
        }
    }

    /// Starts a new version of `source_id`; entities go in with [`Staging::put`].
    pub fn stage(&mut self, source_id: &str) -> Result<Staging<'_, 'a>, Error> {
        self.tx.execute(
            "INSERT INTO source (id, title, format, info) VALUES (?1, ?1, '', '{}') ON CONFLICT (id) DO NOTHING",
            &[&source_id],
        )?;
        // A placeholder hash keeps UNIQUE(source_id, sha256) until `finish` sets the real one.
        let version_id: i64 = self.tx.scalar(
            "INSERT INTO version (source_id, sha256, effective, imported_at, files) VALUES (?1, 'staging', ?2, ?2, '[]')
             RETURNING id",
            &[&source_id, &self.imported_at],
        )?;
        Ok(Staging {
            itx: self,
            source_id: source_id.to_string(),
            version_id,
            lines: HashMap::new(),
            pending: Vec::new(),
        })
    }

    /// The transaction's connection, for writes that go with the import.
    pub(crate) fn conn(&self) -> &Db {
        &self.tx
    }

    /// Makes everything imported in this transaction visible at once.
    pub fn commit(self) -> Result<(), Error> {
        self.tx.commit()?;
        Ok(())
    }
}

/// Entities of one version being written.
pub struct Staging<'t, 'a> {
    itx: &'t mut ImportTx<'a>,
    source_id: String,
    version_id: i64,
    lines: HashMap<String, u64>,
    /// Entities put and not yet written, written a few hundred at a time.
    pending: Vec<Pending>,
}

/// An entity put, with what is written of it.
struct Pending {
    id: String,
    line: u64,
    body: String,
    hash: Vec<u8>,
    references: Vec<String>,
    same_as: Vec<String>,
}

/// How many entities are written together.
const PENDING: usize = 256;

/// The content hash of a record.
fn record_hash(body: &str) -> Vec<u8> {
    Sha256::digest(body.as_bytes()).to_vec()
}

impl Staging<'_, '_> {
    /// Writes one entity of the version.
    pub fn put(&mut self, entity: &Entity, line: u64) -> Result<(), Error> {
        if let Some(&first_line) = self.lines.get(&entity.id) {
            return Err(Error::DuplicateEntity {
                source_id: self.source_id.clone(),
                id: entity.id.clone(),
                first_line,
                line,
            });
        }
        self.lines.insert(entity.id.clone(), line);
        let body = serde_json::to_string(entity)?;
        let hash = record_hash(&body);
        let references = entity.designations.iter().filter_map(|d| d.reference.as_ref()).map(|r| r.to_lowercase());
        self.pending.push(Pending {
            id: entity.id.clone(),
            line,
            body,
            hash,
            references: references.collect(),
            same_as: entity.same_as.clone(),
        });
        if self.pending.len() == PENDING {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the entities put since the last time: their records (once per content), their
    /// membership of the version, their references and stated links.
    fn flush(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let tx = &self.itx.tx;
        let mut hashes: Vec<&[u8]> = Vec::with_capacity(self.pending.len());
        let mut records: Vec<Value<'_>> = Vec::with_capacity(self.pending.len() * 2);
        for p in &self.pending {
            if !hashes.contains(&p.hash.as_slice()) {
                hashes.push(&p.hash);
                records.extend([Value::Blob((&p.hash[..]).into()), Value::Text((&p.body[..]).into())]);
            }
        }
        tx.insert_many("INSERT INTO record (hash, body)", 2, &records, "ON CONFLICT (hash) DO NOTHING")?;
        let mut select = String::from("SELECT hash, id FROM record WHERE hash IN (?1");
        for i in 2..=hashes.len() {
            let _ = write!(select, ", ?{i}");
        }
        select.push(')');
        let args: Vec<&dyn Arg> = hashes.iter().map(|h| h as &dyn Arg).collect();
        let ids: HashMap<Vec<u8>, i64> = tx.rows(&select, &args, |r| Ok((r.get(0)?, r.get(1)?)))?.into_iter().collect();
        let (mut members, mut references, mut same) = (Vec::new(), Vec::new(), Vec::new());
        for p in &self.pending {
            let record = *ids
                .get(&p.hash)
                .ok_or_else(|| Error::corrupt("record", hex::encode(&p.hash), "hash", "just written, not found"))?;
            members.extend([
                Value::Int(self.version_id),
                Value::Text((&p.id[..]).into()),
                Value::Int(record),
                Value::Int(p.line as i64),
            ]);
            for r in &p.references {
                references.extend([Value::Text((&r[..]).into()), Value::Text((&p.id[..]).into())]);
            }
            for other in &p.same_as {
                same.extend([Value::Text((&p.id[..]).into()), Value::Text((&other[..]).into())]);
                same.extend([Value::Text((&other[..]).into()), Value::Text((&p.id[..]).into())]);
            }
        }
        tx.insert_many("INSERT INTO member (version_id, entity_id, record, line)", 4, &members, "")?;
        tx.insert_many("INSERT INTO entity_ref (key, entity_id)", 2, &references, "ON CONFLICT DO NOTHING")?;
        tx.insert_many("INSERT INTO same_as (entity_id, other_id)", 2, &same, "ON CONFLICT DO NOTHING")?;
        self.pending.clear();
        Ok(())
    }

    /// Records the version and, if it is the newest of its source, its changes in the feed.
    pub fn finish(mut self, meta: VersionMeta) -> Result<ImportOutcome, Error> {
        self.flush()?;
        let tx = &self.itx.tx;
        let info = &meta.info;
        let published = info.published.clone().or(meta.published_fallback.clone());
        let stated = published.as_deref().and_then(normalise_timestamp);
        // A version dated ahead would stay the newest and turn every later one into history.
        if let Some(day) = stated.as_deref().and_then(|t| t.get(..10)).and_then(|d| d.parse::<PartialDate>().ok()) {
            check_horizon("publication date", &day, &self.itx.horizon)?;
        }
        let effective = stated.unwrap_or_else(|| self.itx.imported_at.clone());
        tx.execute(
            "UPDATE version SET sha256 = ?2, published = ?3, effective = ?4, files = ?5, entities = ?6, names = ?7,
                    designations = ?8, diagnostics = ?9 WHERE id = ?1",
            &[
                &self.version_id,
                &meta.sha256,
                &published,
                &effective,
                &serde_json::to_string(&meta.files)?,
                &(self.lines.len() as i64),
                &(meta.names as i64),
                &(meta.designations as i64),
                &meta.diagnostics.to_string(),
            ],
        )?;
        let previous: Option<i64> = tx.first(
            "SELECT id FROM version WHERE source_id = ?1 AND id != ?2 AND (effective < ?3 OR (effective = ?3 AND id < ?2))
             ORDER BY effective DESC, id DESC LIMIT 1",
            &[&self.source_id, &self.version_id, &effective],
            |r| r.get(0),
        )?;
        let newer: Option<i64> = tx.first(
            "SELECT id FROM version WHERE source_id = ?1 AND id != ?2 AND effective > ?3 LIMIT 1",
            &[&self.source_id, &self.version_id, &effective],
            |r| r.get(0),
        )?;
        if newer.is_none() {
            // The newest version describes the source: its title, authorities and lists.
            tx.execute(
                "UPDATE source SET title = ?2, format = ?3, info = ?4 WHERE id = ?1",
                &[&self.source_id, &info.title, &info.format, &serde_json::to_string(info)?],
            )?;
            for a in &info.authorities {
                tx.execute(
                    "INSERT INTO authority (id, body) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET body = ?2",
                    &[&a.id, &serde_json::to_string(a)?],
                )?;
            }
            for l in &info.lists {
                tx.execute(
                    "INSERT INTO list (id, source_id, body) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET source_id = ?2, body = ?3",
                    &[&l.id, &self.source_id, &serde_json::to_string(l)?],
                )?;
            }
        } else {
            // Authorities and lists an older version names are still worth knowing.
            for a in &info.authorities {
                tx.execute(
                    "INSERT INTO authority (id, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    &[&a.id, &serde_json::to_string(a)?],
                )?;
            }
            for l in &info.lists {
                tx.execute(
                    "INSERT INTO list (id, source_id, body) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                    &[&l.id, &self.source_id, &serde_json::to_string(l)?],
                )?;
            }
        }
        let mut outcome = ImportOutcome {
            source_id: self.source_id.clone(),
            version_id: self.version_id,
            previous_version_id: previous,
            version_number: crate::versions::version_number(tx, &self.source_id, self.version_id)?,
            previous_version_number: previous
                .map(|p| crate::versions::version_number(tx, &self.source_id, p))
                .transpose()?,
            outcome: if newer.is_some() { Outcome::Backfill } else { Outcome::New },
            published,
            entities: self.lines.len(),
            names: meta.names,
            designations: meta.designations,
            added: 0,
            removed: 0,
            amended: 0,
            designations_started: 0,
            designations_ended: 0,
        };
        // The feed lists a version's changes as a diff does (by kind, reference, entity). They
        // are staged unsorted and sorted by the database, on disk beyond its memory, so that a
        // first version of millions of entities is never held in memory.
        tx.batch(match tx.dialect() {
            Dialect::Sqlite => {
                "CREATE TEMP TABLE IF NOT EXISTS staged_change (kind_rank INTEGER, ref_prefix TEXT, ref_number INTEGER,
                    ref_text TEXT, entity_id TEXT, kind TEXT, reference TEXT, caption TEXT, detail TEXT);
                 DELETE FROM staged_change;"
            }
            Dialect::Postgres => {
                r#"CREATE TEMP TABLE IF NOT EXISTS staged_change (kind_rank BIGINT, ref_prefix TEXT COLLATE "C",
                    ref_number BIGINT, ref_text TEXT COLLATE "C", entity_id TEXT COLLATE "C", kind TEXT COLLATE "C",
                    reference TEXT COLLATE "C", caption TEXT COLLATE "C", detail TEXT COLLATE "C");
                 DELETE FROM staged_change;"#
            }
        })?;
        const STAGE: &str = "INSERT INTO staged_change";
        let mut staged: Vec<Value<'static>> = Vec::new();
        each_change(tx, previous, self.version_id, |c| {
            match c.kind {
                ChangeKind::Added => outcome.added += 1,
                ChangeKind::Removed => outcome.removed += 1,
                ChangeKind::Amended => outcome.amended += 1,
            }
            for d in &c.detail.designations {
                match d.change {
                    DesignationChangeKind::Started => outcome.designations_started += 1,
                    DesignationChangeKind::Ended => outcome.designations_ended += 1,
                }
            }
            if newer.is_none() {
                let (prefix, number, text) = reference_key(&c.reference);
                let detail = serde_json::to_string(&c.detail)?;
                staged.extend([
                    Value::Int(c.kind as i64),
                    Value::Text(prefix.into()),
                    Value::Int(i64::try_from(number).unwrap_or(i64::MAX)),
                    Value::Text(text.into()),
                    Value::Text(c.entity_id.into()),
                    Value::Text(c.kind.as_str().into()),
                    c.reference.map_or(Value::Null, |r| Value::Text(r.into())),
                    Value::Text(c.caption.into()),
                    Value::Text(detail.into()),
                ]);
                if staged.len() >= 9 * PENDING {
                    tx.insert_many(STAGE, 9, &staged, "")?;
                    staged.clear();
                }
            }
            Ok(())
        })?;
        tx.insert_many(STAGE, 9, &staged, "")?;
        tx.execute(
            "INSERT INTO change (source_id, version_id, prev_version_id, entity_id, kind, reference, caption, detail)
             SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), CAST(?3 AS BIGINT), entity_id, kind, reference, caption, detail
               FROM staged_change ORDER BY kind_rank, ref_prefix, ref_number, ref_text, entity_id",
            &[&self.source_id, &self.version_id, &previous],
        )?;
        tx.execute("DELETE FROM staged_change", &[])?;
        // The record commits to everything the version wrote, as it now stands.
        let version = self.version_id.to_string();
        let mut touched: Vec<crate::audit::Touched> = vec![
            ("source", self.source_id.clone()),
            ("version", version.clone()),
            ("member", version.clone()),
            ("change", version),
            ("entity_ref", "*".into()),
            ("same_as", "*".into()),
        ];
        touched.extend(info.authorities.iter().map(|a| ("authority", a.id.clone())));
        touched.extend(info.lists.iter().map(|l| ("list", l.id.clone())));
        let seq =
            crate::audit::append(tx, &self.itx.actor, "import", &format!("version:{}", self.version_id), &touched)?;
        tx.execute("UPDATE version SET audit_seq = ?2 WHERE id = ?1", &[&self.version_id, &seq])?;
        tracing::debug!(source = %self.source_id, version = self.version_id, added = outcome.added,
            removed = outcome.removed, amended = outcome.amended, "version recorded");
        Ok(outcome)
    }
}
