//! The audit trail: every write (an import's version, a key made or revoked) appends one
//! record in the same transaction as the write, chained to the record before it by SHA-256:
//! `hash = SHA-256(prev, seq, at, actor, action, subject, digest)`, where `digest` is the
//! SHA-256 of the write's payload. [`Store::verify_audit`] walks the chain and names the
//! first record that was altered, removed or moved, and checks that every stored version
//! still has its record (so that cutting the chain's end shows too). The newest hash
//! ([`AuditCheck::head`]) can be kept elsewhere to detect a store rewritten whole.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{now, Error, Store};

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
    /// SHA-256 of the write's payload, hex.
    pub digest: String,
    /// The hash of the record before (hex; [`GENESIS`] for the first).
    pub prev: String,
    /// This record's hash, hex.
    pub hash: String,
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
}

fn chain_hash(prev: &str, seq: i64, at: &str, actor: &str, action: &str, subject: &str, digest: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, subject, digest] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// Appends a record for a write, on the write's own transaction.
pub(crate) fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    subject: &str,
    payload: &[u8],
) -> Result<i64, Error> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .ok();
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let digest = hex::encode(Sha256::digest(payload));
    let hash = chain_hash(&prev, seq, &at, actor, action, subject, &digest);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, digest, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, subject, digest, prev, hash],
    )?;
    Ok(seq)
}

fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRecord> {
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
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, digest, prev, hash FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![from, limit as i64], record_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Walks the audit chain: each record must follow the one before (numbering and `prev`),
    /// hash to its stored hash, and every stored version must still have its record.
    pub fn verify_audit(&self) -> Result<AuditCheck, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, action, subject, digest, prev, hash FROM audit ORDER BY rowid")?;
        let mut rows = stmt.query([])?;
        let mut check = AuditCheck { records: 0, head: GENESIS.to_string(), first_bad: None };
        let mut expected = 1;
        while let Some(row) = rows.next()? {
            let r = record_row(row)?;
            check.records += 1;
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
            } else {
                None
            };
            if let Some(reason) = bad {
                check.first_bad = Some((r.seq.min(expected), reason));
                return Ok(check);
            }
            check.head = r.hash;
            expected += 1;
        }
        // Every version has its record: cutting the end of the chain shows.
        let mut stmt = self.conn.prepare(
            "SELECT v.id, v.audit_seq FROM version v LEFT JOIN audit a ON a.seq = v.audit_seq AND a.subject = 'version:' || v.id
              WHERE v.audit_seq IS NOT NULL AND a.seq IS NULL ORDER BY v.audit_seq LIMIT 1",
        )?;
        let orphan: Option<(i64, i64)> = stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).ok();
        if let Some((version, seq)) = orphan {
            check.first_bad = Some((seq, format!("record {seq} of version {version} is missing")));
            return Ok(check);
        }
        // Every key has the record of its making, and of its revocation when revoked.
        let mut stmt = self.conn.prepare(
            "SELECT k.id, CASE WHEN NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject = 'key:' || k.id AND a.action = 'key.add')
                               THEN 'key.add' ELSE 'key.revoke' END
               FROM api_key k
              WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject = 'key:' || k.id AND a.action = 'key.add')
                 OR (k.revoked_at IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject = 'key:' || k.id AND a.action = 'key.revoke'))
              ORDER BY k.id LIMIT 1",
        )?;
        let orphan: Option<(i64, String)> = stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).ok();
        if let Some((key, action)) = orphan {
            check.first_bad =
                Some((expected, format!("the {action} record of key {key} is missing (removed from the end?)")));
        }
        Ok(check)
    }
}
