//! The audit trail: every write (an import's version, a key made or revoked, a role, a
//! proposal, a webhook) appends one record in the same transaction as the write, chained to
//! the record before it by SHA-256:
//! `hash = SHA-256(prev, seq, at, actor, action, subject, digest)`.
//!
//! A record commits to the data it wrote. Each covered table ([`COVERED`]) is read in units:
//! a row (a key, a proposal, a version's own row) or a group of rows (a version's members, a
//! version's changes, the whole reference index). A write lists the units it touched; their
//! digests as they stand after the write, and their row counts, go to `audit_write`, and the
//! record's `digest` is the SHA-256 of that write set. [`Store::verify_audit`] walks the
//! chain, recomputes each record's digest from its write set, then recomputes every unit's
//! digest from the tables and compares it with the last record that wrote it: a unit edited,
//! inserted or deleted outside proscribe is named with its table and key. Records, which
//! are stored once by the SHA-256 of their body, are checked against that hash, and every
//! version's members commit to the hashes of their records.
//!
//! Not covered, on purpose: `fetch_state` (the download cache; a wrong value costs one
//! download or one skipped fetch of an unchanged file, whose hash the import checks),
//! `webhook.cursor` and `webhook_delivery` (delivery progress and its log, written at every
//! delivery attempt), and the audit's own `at` ordering against the wall clock.
//!
//! A database from before the data was covered gets one `audit.baseline` record when it is
//! upgraded: it commits to every unit as it then stood. Records before it are checked as a
//! chain only.
//!
//! The newest hash ([`AuditCheck::head`]) can be kept elsewhere to detect a store rewritten
//! whole.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::{Db, Row, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{now, Error, Store};

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action of the record that commits to a database's data as it stood when it was
/// upgraded to a schema whose audit trail covers the data.
pub const BASELINE: &str = "audit.baseline";

/// One record of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// When (UTC).
    pub at: String,
    /// Who: a key's name, or the local user of the command line.
    pub actor: String,
    /// What: `import`, `key.add`, `key.revoke`, ...
    pub action: String,
    /// What it was done to: `version:12`, `key:3`, ...
    pub subject: String,
    /// SHA-256 of the record's write set (hex): the units it wrote and their digests.
    pub digest: String,
    /// The hash of the record before (hex; [`GENESIS`] for the first).
    pub prev: String,
    /// This record's hash, hex.
    pub hash: String,
}

/// How stored data differs from what the audit trail says was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tampering {
    /// The unit is there, with other content than its last record wrote.
    Edited,
    /// The unit is there, and no record wrote it (or the last record deleted it).
    Inserted,
    /// A record wrote the unit, and it is gone.
    Deleted,
}

/// One unit of stored data that is not as the audit trail says it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFinding {
    /// The table.
    pub table: String,
    /// The unit's key in it: a row's id, or the version whose rows form the group.
    pub key: String,
    /// Edited, inserted or deleted.
    pub tampering: Tampering,
    /// The record that last wrote the unit, if one did.
    pub written_by: Option<i64>,
    /// What was found, in words.
    pub detail: String,
}

/// What [`Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheck {
    /// Records read.
    pub records: usize,
    /// The hash of the last good record (the head of the chain when all are good).
    pub head: String,
    /// The first bad record and what is wrong with it, if any.
    pub first_bad: Option<(i64, String)>,
    /// Stored data that differs from what the records wrote (checked when the chain holds).
    pub findings: Vec<AuditFinding>,
    /// The tables whose data the records commit to.
    pub covered: Vec<String>,
}

impl AuditCheck {
    /// Whether the chain holds and every covered unit is as written.
    pub fn intact(&self) -> bool {
        self.first_bad.is_none() && self.findings.is_empty()
    }
}

/// A table the audit trail covers, and how it is read in units.
pub(crate) struct Covered {
    /// The table.
    pub table: &'static str,
    /// What one unit is, for messages: `row`, or the group a key names (`members of version`).
    unit: &'static str,
    /// The units of the whole table: the key first, then the covered columns; the rows of
    /// one unit next to each other, in a fixed order.
    all: &'static str,
    /// The rows of the unit whose key is `?1`, in the same order.
    one: &'static str,
}

/// The tables the audit trail covers. `record` is covered through `member`, whose units
/// commit to the hashes of their records, and by its own hash column.
pub(crate) const COVERED: &[Covered] = &[
    Covered {
        table: "source",
        unit: "row",
        all: "SELECT id, title, format, info FROM source ORDER BY id",
        one: "SELECT id, title, format, info FROM source WHERE id = ?1",
    },
    Covered {
        table: "version",
        unit: "row",
        all: "SELECT id, source_id, sha256, published, effective, imported_at, files, entities, names, designations,
                     diagnostics FROM version ORDER BY id",
        one: "SELECT id, source_id, sha256, published, effective, imported_at, files, entities, names, designations,
                     diagnostics FROM version WHERE id = CAST(CAST(?1 AS TEXT) AS BIGINT)",
    },
    Covered {
        table: "member",
        unit: "members of version",
        all: "SELECT m.version_id, m.entity_id, r.hash, m.line FROM member m LEFT JOIN record r ON r.id = m.record
               ORDER BY m.version_id, m.entity_id",
        one: "SELECT m.version_id, m.entity_id, r.hash, m.line FROM member m LEFT JOIN record r ON r.id = m.record
               WHERE m.version_id = CAST(CAST(?1 AS TEXT) AS BIGINT) ORDER BY m.entity_id",
    },
    Covered {
        table: "change",
        unit: "changes of version",
        all: "SELECT version_id, id, source_id, prev_version_id, entity_id, kind, reference, caption, detail
                FROM change ORDER BY version_id, id",
        one: "SELECT version_id, id, source_id, prev_version_id, entity_id, kind, reference, caption, detail
                FROM change WHERE version_id = CAST(CAST(?1 AS TEXT) AS BIGINT) ORDER BY id",
    },
    Covered {
        table: "entity_ref",
        unit: "the whole table",
        all: "SELECT '*', key, entity_id FROM entity_ref ORDER BY key, entity_id",
        one: "SELECT '*', key, entity_id FROM entity_ref WHERE ?1 = '*' ORDER BY key, entity_id",
    },
    Covered {
        table: "same_as",
        unit: "the whole table",
        all: "SELECT '*', entity_id, other_id FROM same_as ORDER BY entity_id, other_id",
        one: "SELECT '*', entity_id, other_id FROM same_as WHERE ?1 = '*' ORDER BY entity_id, other_id",
    },
    Covered {
        table: "authority",
        unit: "row",
        all: "SELECT id, body FROM authority ORDER BY id",
        one: "SELECT id, body FROM authority WHERE id = ?1",
    },
    Covered {
        table: "list",
        unit: "row",
        all: "SELECT id, source_id, body FROM list ORDER BY id",
        one: "SELECT id, source_id, body FROM list WHERE id = ?1",
    },
    Covered {
        table: "api_key",
        unit: "row",
        all: "SELECT id, name, role, hash, created_at, revoked_at, bodies FROM api_key ORDER BY id",
        one: "SELECT id, name, role, hash, created_at, revoked_at, bodies FROM api_key WHERE id = CAST(CAST(?1 AS TEXT) AS BIGINT)",
    },
    Covered {
        table: "webhook",
        unit: "row",
        all: "SELECT id, url, sources, secret, created_at, removed_at FROM webhook ORDER BY id",
        one: "SELECT id, url, sources, secret, created_at, removed_at FROM webhook WHERE id = CAST(CAST(?1 AS TEXT) AS BIGINT)",
    },
    Covered {
        table: "wf_role",
        unit: "row",
        all: "SELECT list_id || '/' || body_id || '/' || role, list_id, body_id, role FROM wf_role ORDER BY 1",
        one: "SELECT list_id || '/' || body_id || '/' || role, list_id, body_id, role FROM wf_role
               WHERE list_id || '/' || body_id || '/' || role = ?1",
    },
    Covered {
        table: "wf_proposal",
        unit: "row",
        all: "SELECT id, list_id, entity_id, state, body, new_entity, created_at, updated_at, published_version
                FROM wf_proposal ORDER BY id",
        one: "SELECT id, list_id, entity_id, state, body, new_entity, created_at, updated_at, published_version
                FROM wf_proposal WHERE id = CAST(CAST(?1 AS TEXT) AS BIGINT)",
    },
    Covered {
        table: "resolve_decision",
        unit: "row",
        all: "SELECT id, a, b, verdict, reason, actor, decided_at, undone_at, undone_by FROM resolve_decision ORDER BY id",
        one: "SELECT id, a, b, verdict, reason, actor, decided_at, undone_at, undone_by FROM resolve_decision
               WHERE id = CAST(CAST(?1 AS TEXT) AS BIGINT)",
    },
];

fn covered(table: &str) -> &'static Covered {
    COVERED.iter().find(|c| c.table == table).unwrap_or_else(|| panic!("{table} is not a covered table"))
}

/// A unit a write touched: its table and key.
pub(crate) type Touched = (&'static str, String);

/// One unit of a record's write set: its digest after the write (`None`: it has no rows).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    table: String,
    key: String,
    digest: Option<String>,
    rows: i64,
}

/// Folds the rows of one unit into its digest: every value with its type and length.
#[derive(Default)]
struct UnitHasher {
    hasher: Sha256,
    rows: i64,
}

impl UnitHasher {
    fn row(&mut self, row: &Row<'_>) -> Result<(), Error> {
        for i in 1..row.len() {
            let value = row.value(i)?;
            let (tag, bytes): (u8, &[u8]) = match &value {
                Value::Null => (b'n', &[]),
                Value::Int(v) => (b'i', &v.to_string().into_bytes()),
                Value::Real(v) => (b'r', &v.to_string().into_bytes()),
                Value::Text(t) => (b't', t.as_bytes()),
                Value::Blob(b) => (b'b', b),
            };
            self.hasher.update([tag]);
            self.hasher.update((bytes.len() as u64).to_le_bytes());
            self.hasher.update(bytes);
        }
        self.hasher.update([b'\n']);
        self.rows += 1;
        Ok(())
    }

    fn finish(self) -> (Option<String>, i64) {
        if self.rows == 0 {
            (None, 0)
        } else {
            (Some(hex::encode(self.hasher.finalize())), self.rows)
        }
    }
}

fn key_text(v: Value<'_>) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => t.into_owned(),
        Value::Blob(b) => hex::encode(b),
    }
}

/// The digest of one unit as it stands.
fn unit_digest(conn: &Db, table: &'static str, key: &str) -> Result<Entry, Error> {
    let c = covered(table);
    let mut h = UnitHasher::default();
    conn.each(c.one, &[&key], |row| h.row(row))?;
    let (digest, rows) = h.finish();
    Ok(Entry { table: table.to_string(), key: key.to_string(), digest, rows })
}

/// Every unit of a covered table as it stands, in key order, handed to `f`.
fn each_unit(
    conn: &Db,
    c: &Covered,
    mut f: impl FnMut(String, Option<String>, i64) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut current: Option<(String, UnitHasher)> = None;
    conn.each(c.all, &[], |row| {
        let key = key_text(row.value(0)?);
        if current.as_ref().is_some_and(|(k, _)| *k != key) {
            let (k, h) = current.take().expect("a unit");
            let (digest, n) = h.finish();
            f(k, digest, n)?;
        }
        let (_, h) = current.get_or_insert_with(|| (key, UnitHasher::default()));
        h.row(row)
    })?;
    if let Some((k, h)) = current {
        let (digest, n) = h.finish();
        f(k, digest, n)?;
    }
    Ok(())
}

/// The digest a record commits to: its write set, in table and key order.
fn write_set_digest(entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| (&a.table, &a.key).cmp(&(&b.table, &b.key)));
    let mut h = Sha256::new();
    for e in sorted {
        for part in [e.table.as_str(), e.key.as_str(), e.digest.as_deref().unwrap_or("-"), &e.rows.to_string()] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        h.update([b'\n']);
    }
    hex::encode(h.finalize())
}

fn chain_hash(prev: &str, seq: i64, at: &str, actor: &str, action: &str, subject: &str, digest: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, subject, digest] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// Appends a record for a write, on the write's own transaction, after the write: it commits
/// to the units `touched` as they now stand.
pub(crate) fn append(conn: &Db, actor: &str, action: &str, subject: &str, touched: &[Touched]) -> Result<i64, Error> {
    let started = std::time::Instant::now();
    let mut touched = touched.to_vec();
    touched.sort();
    touched.dedup();
    let entries = touched.iter().map(|(t, k)| unit_digest(conn, t, k)).collect::<Result<Vec<_>, _>>()?;
    let rows: i64 = entries.iter().map(|e| e.rows).sum();
    let seq = append_entries(conn, actor, action, subject, entries)?;
    tracing::debug!(seq, action, rows, ms = started.elapsed().as_millis() as u64, "audit record written");
    Ok(seq)
}

fn append_entries(conn: &Db, actor: &str, action: &str, subject: &str, entries: Vec<Entry>) -> Result<i64, Error> {
    let last: Option<(i64, String)> =
        conn.first("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let digest = write_set_digest(&entries);
    let hash = chain_hash(&prev, seq, &at, actor, action, subject, &digest);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, digest, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[&seq, &at, &actor, &action, &subject, &digest, &prev, &hash],
    )?;
    for e in &entries {
        conn.execute(
            "INSERT INTO audit_write (seq, tbl, key, digest, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[&seq, &e.table, &e.key, &e.digest, &e.rows],
        )?;
    }
    Ok(seq)
}

/// After an upgrade to a schema whose trail covers the data: one record that commits to
/// every unit as it stands, when the database holds anything. Later records are checked
/// against the data; earlier ones as a chain only.
pub(crate) fn baseline(conn: &Db, actor: &str) -> Result<(), Error> {
    let records: i64 = conn.scalar("SELECT count(*) FROM audit", &[])?;
    let versions: i64 = conn.scalar("SELECT count(*) FROM version", &[])?;
    let keys: i64 = conn.scalar("SELECT count(*) FROM api_key", &[])?;
    if records + versions + keys == 0 {
        return Ok(());
    }
    let mut entries = Vec::new();
    for c in COVERED {
        each_unit(conn, c, |key, digest, rows| {
            entries.push(Entry { table: c.table.to_string(), key, digest, rows });
            Ok(())
        })?;
    }
    append_entries(conn, actor, BASELINE, "store", entries)?;
    Ok(())
}

fn record_row(r: &Row<'_>) -> Result<AuditRecord, Error> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        digest: r.get(5)?,
        prev: r.get(6)?,
        hash: r.get(7)?,
    })
}

impl Store {
    /// The audit trail, oldest first, from record `from` on, at most `limit` records.
    pub fn audit_log(&self, from: i64, limit: usize) -> Result<Vec<AuditRecord>, Error> {
        self.db.rows(
            "SELECT seq, at, actor, action, subject, digest, prev, hash FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
            &[&from, &(limit as i64)],
            record_row,
        )
    }

    /// Verifies the audit trail and the data it covers:
    /// - the chain: each record follows the one before (numbering and `prev`), hashes to its
    ///   stored hash, and its digest is that of its write set;
    /// - every stored version still has its record (so that cutting the chain's end shows);
    /// - the data: every unit of a covered table has the digest its last record wrote, every
    ///   record's body its hash, and every member its record.
    pub fn verify_audit(&self) -> Result<AuditCheck, Error> {
        let mut check = AuditCheck {
            records: 0,
            head: GENESIS.to_string(),
            first_bad: None,
            findings: Vec::new(),
            covered: COVERED.iter().map(|c| c.table.to_string()).chain(["record".to_string()]).collect(),
        };
        if let Some(bad) = self.verify_chain(&mut check)? {
            check.first_bad = Some(bad);
            return Ok(check);
        }
        self.verify_data(&mut check)?;
        Ok(check)
    }

    fn write_sets(&self) -> Result<BTreeMap<i64, Vec<Entry>>, Error> {
        let mut sets: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
        self.db.each("SELECT seq, tbl, key, digest, rows FROM audit_write ORDER BY seq", &[], |r| {
            sets.entry(r.get(0)?).or_default().push(Entry {
                table: r.get(1)?,
                key: r.get(2)?,
                digest: r.get(3)?,
                rows: r.get(4)?,
            });
            Ok(())
        })?;
        Ok(sets)
    }

    /// Walks the chain; the first bad record, if any.
    fn verify_chain(&self, check: &mut AuditCheck) -> Result<Option<(i64, String)>, Error> {
        // Records before the baseline (if the database was upgraded) have no write sets.
        let covered_from: i64 =
            self.db.scalar::<Option<i64>>("SELECT min(seq) FROM audit WHERE action = ?1", &[&BASELINE])?.unwrap_or(1);
        let mut sets = self.write_sets()?;
        // In the order the records are stored (SQLite's rowid is the seq).
        let records = self.db.rows(
            "SELECT seq, at, actor, action, subject, digest, prev, hash FROM audit ORDER BY seq",
            &[],
            record_row,
        )?;
        for (expected, r) in (1..).zip(records) {
            check.records += 1;
            let set = sets.remove(&r.seq);
            let bad = if r.seq != expected {
                Some(if r.seq > expected {
                    format!("record {expected} is missing: record {} follows record {}", r.seq, expected - 1)
                } else {
                    format!("record {} is out of place (after record {})", r.seq, expected - 1)
                })
            } else if r.prev != check.head {
                Some(format!(
                    "record {} does not follow the record before it (its prev is not that record's hash)",
                    r.seq
                ))
            } else if chain_hash(&r.prev, r.seq, &r.at, &r.actor, &r.action, &r.subject, &r.digest) != r.hash {
                Some(format!("record {} was altered: its content does not give its hash", r.seq))
            } else if r.seq >= covered_from && write_set_digest(set.as_deref().unwrap_or(&[])) != r.digest {
                Some(format!("the write set of record {} was altered (table audit_write)", r.seq))
            } else if r.seq < covered_from && set.is_some() {
                Some(format!("record {} has write-set rows it never had (table audit_write)", r.seq))
            } else {
                None
            };
            if let Some(reason) = bad {
                return Ok(Some((r.seq.min(expected), reason)));
            }
            check.head = r.hash;
        }
        if let Some((seq, _)) = sets.into_iter().next() {
            return Ok(Some((
                seq,
                format!("write-set rows of record {seq}, which does not exist (table audit_write)"),
            )));
        }
        // Every version has its record: cutting the end of the chain shows.
        let orphan: Option<(i64, i64)> = self.db.first(
            "SELECT v.id, v.audit_seq FROM version v
               LEFT JOIN audit a ON a.seq = v.audit_seq AND a.subject = 'version:' || CAST(v.id AS TEXT)
              WHERE v.audit_seq IS NOT NULL AND a.seq IS NULL ORDER BY v.audit_seq LIMIT 1",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let Some((version, seq)) = orphan {
            return Ok(Some((seq, format!("record {seq} of version {version} is missing"))));
        }
        Ok(None)
    }

    /// Compares every covered unit with what its last record wrote.
    fn verify_data(&self, check: &mut AuditCheck) -> Result<(), Error> {
        // The last write of each unit: (seq, digest, rows).
        let mut last: HashMap<Unit, LastWrite> = HashMap::new();
        for (seq, set) in self.write_sets()? {
            for e in set {
                last.insert((e.table, e.key), (seq, e.digest, e.rows));
            }
        }
        for c in COVERED {
            let mut mismatched = false;
            each_unit(&self.db, c, |key, digest, rows| {
                let written = last.remove(&(c.table.to_string(), key.clone()));
                let unit = unit_name(c, &key);
                let found = match written {
                    None => Some(finding(
                        c.table,
                        key,
                        Tampering::Inserted,
                        None,
                        format!("{unit}: no audit record wrote it"),
                    )),
                    Some((seq, None, _)) => Some(finding(
                        c.table,
                        key,
                        Tampering::Inserted,
                        Some(seq),
                        format!("{unit}: record {seq} deleted it, and it is back"),
                    )),
                    Some((seq, Some(d), n)) if Some(&d) != digest.as_ref() => {
                        let detail = if n == rows {
                            format!("{unit}: its content differs from what record {seq} wrote")
                        } else {
                            format!("{unit}: {rows} rows, where record {seq} wrote {n}")
                        };
                        Some(finding(c.table, key, Tampering::Edited, Some(seq), detail))
                    }
                    Some(_) => None,
                };
                if let Some(f) = found {
                    mismatched = true;
                    check.findings.push(f);
                }
                Ok(())
            })?;
            let mut gone: Vec<(Unit, LastWrite)> = Vec::new();
            last.retain(|k, v| {
                if k.0 == c.table {
                    gone.push((k.clone(), v.clone()));
                    false
                } else {
                    true
                }
            });
            gone.sort();
            for ((table, key), (seq, digest, n)) in gone {
                if digest.is_some() {
                    mismatched = true;
                    let unit = unit_name(c, &key);
                    let detail = format!("{unit}: gone, where record {seq} wrote {n} rows");
                    check.findings.push(finding(&table, key, Tampering::Deleted, Some(seq), detail));
                }
            }
            if mismatched && matches!(c.table, "entity_ref" | "same_as") {
                self.name_derived_rows(c.table, check)?;
            }
        }
        self.verify_records(check)?;
        Ok(())
    }

    /// The reference index and the same-as links are derived from the records of the
    /// versions: when their digest differs, the rows that differ are named.
    fn name_derived_rows(&self, table: &'static str, check: &mut AuditCheck) -> Result<(), Error> {
        let mut expected: HashSet<(String, String)> = HashSet::new();
        self.db.each("SELECT r.id, r.body FROM record r WHERE r.id IN (SELECT record FROM member)", &[], |row| {
            let id: i64 = row.get(0)?;
            let body: String = row.get(1)?;
            let Ok(entity) = serde_json::from_str::<proscribe_model::Entity>(&body) else {
                return Err(Error::corrupt("record", id, "body", "not an entity"));
            };
            if table == "entity_ref" {
                for r in entity.designations.iter().filter_map(|d| d.reference.as_ref()) {
                    expected.insert((r.to_lowercase(), entity.id.clone()));
                }
            } else {
                for other in &entity.same_as {
                    expected.insert((entity.id.clone(), other.clone()));
                    expected.insert((other.clone(), entity.id.clone()));
                }
            }
            Ok(())
        })?;
        let sql = if table == "entity_ref" {
            "SELECT key, entity_id FROM entity_ref ORDER BY 1, 2"
        } else {
            "SELECT entity_id, other_id FROM same_as ORDER BY 1, 2"
        };
        self.db.each(sql, &[], |row| {
            let pair: (String, String) = (row.get(0)?, row.get(1)?);
            if !expected.remove(&pair) {
                let (a, b) = &pair;
                let detail = format!("row ({a}, {b}): no stored record states it");
                check.findings.push(finding(table, format!("{a}/{b}"), Tampering::Inserted, None, detail));
            }
            Ok(())
        })?;
        let mut missing: Vec<_> = expected.into_iter().collect();
        missing.sort();
        for (a, b) in missing {
            check.findings.push(finding(
                table,
                format!("{a}/{b}"),
                Tampering::Deleted,
                None,
                format!("row ({a}, {b}): a stored record states it, and it is gone"),
            ));
        }
        Ok(())
    }

    /// Each record's body has its hash; each member has its record; no record is
    /// unreferenced (a record is only ever written with a member).
    fn verify_records(&self, check: &mut AuditCheck) -> Result<(), Error> {
        self.db.each("SELECT id, hash, body FROM record ORDER BY id", &[], |row| {
            let id: i64 = row.get(0)?;
            let hash: Vec<u8> = row.get(1)?;
            let body: String = row.get(2)?;
            if Sha256::digest(body.as_bytes()).as_slice() != hash.as_slice() {
                let entity = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(String::from))
                    .unwrap_or_else(|| "an unreadable entity".into());
                check.findings.push(finding(
                    "record",
                    id.to_string(),
                    Tampering::Edited,
                    None,
                    format!("row {id} ({entity}): its body does not give its hash"),
                ));
            }
            Ok(())
        })?;
        self.db.each(
            "SELECT m.record, m.version_id, m.entity_id FROM member m LEFT JOIN record r ON r.id = m.record
              WHERE r.id IS NULL ORDER BY m.record, m.version_id",
            &[],
            |row| {
                let (id, version, entity): (i64, i64, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
                check.findings.push(finding(
                    "record",
                    id.to_string(),
                    Tampering::Deleted,
                    None,
                    format!("row {id}: gone, where version {version} holds it for {entity}"),
                ));
                Ok(())
            },
        )?;
        self.db.each("SELECT id FROM record WHERE id NOT IN (SELECT record FROM member) ORDER BY id", &[], |row| {
            let id: i64 = row.get(0)?;
            check.findings.push(finding(
                "record",
                id.to_string(),
                Tampering::Inserted,
                None,
                format!("row {id}: no version holds it"),
            ));
            Ok(())
        })?;
        Ok(())
    }
}

fn finding(
    table: &str,
    key: impl ToString,
    tampering: Tampering,
    written_by: Option<i64>,
    detail: String,
) -> AuditFinding {
    AuditFinding { table: table.to_string(), key: key.to_string(), tampering, written_by, detail }
}

fn unit_name(c: &Covered, key: &str) -> String {
    match c.unit {
        "row" => format!("row {key}"),
        "the whole table" => "the table".to_string(),
        group => format!("{group} {key}"),
    }
}

/// A covered unit: its table and key.
type Unit = (String, String);

/// The last write of a unit: the record's seq, the unit's digest, its rows.
type LastWrite = (i64, Option<String>, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_covered_query_reads_its_table_with_the_key_first() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.db.sqlite_conn().unwrap();
        for c in COVERED {
            let all = conn.prepare(c.all).unwrap();
            let one = conn.prepare(c.one).unwrap();
            assert_eq!(all.column_count(), one.column_count(), "{}", c.table);
            assert_eq!(one.parameter_count(), 1, "{}", c.table);
            assert!(c.all.contains(&format!("FROM {}", c.table)), "{}", c.table);
        }
    }

    #[test]
    fn a_unit_digest_depends_on_types_and_boundaries() {
        let db = Db::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        let digest = |sql: &str| {
            let mut h = UnitHasher::default();
            db.each(sql, &[], |r| h.row(r)).unwrap();
            h.finish()
        };
        let a = digest("SELECT 1, 'ab', 'c'");
        assert_ne!(a, digest("SELECT 1, 'a', 'bc'"));
        assert_ne!(digest("SELECT 1, 1, 'c'"), digest("SELECT 1, '1', 'c'"));
        assert_ne!(digest("SELECT 1, NULL, 'c'"), digest("SELECT 1, '', 'c'"));
        assert_eq!(a, digest("SELECT 2, 'ab', 'c'"), "the key is not part of the content");
        assert_eq!(digest("SELECT 1, 2, 3 WHERE 0"), (None, 0));
    }
}
