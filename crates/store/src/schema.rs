//! The SQLite schema and its migrations. Each migration is applied once, in order, in one
//! transaction; `PRAGMA user_version` records how far a database has come. Never edit a
//! released migration: add a new one.
//!
//! Layout: every import of a source is a `version`. Entity records are stored once per
//! distinct content in `record` (unique by the SHA-256 of their JSON); `member` says which
//! record each entity had in each version. Diffs and as-of queries are computed from
//! `member`; `change` is the append-only feed of changes to the current state of each source.

use rusqlite::Connection;

use crate::Error;

/// Migrations in order; index + 1 is the schema version they lead to.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE source (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    format      TEXT NOT NULL,
    info        TEXT NOT NULL            -- JSON SourceInfo of the newest version
);
CREATE TABLE version (
    id           INTEGER PRIMARY KEY,
    source_id    TEXT NOT NULL REFERENCES source(id),
    sha256       TEXT NOT NULL,          -- of the files' contents, in job order
    published    TEXT,                   -- the list's own publication date, as stated
    effective    TEXT NOT NULL,          -- RFC 3339 UTC; orders versions of a source
    imported_at  TEXT NOT NULL,
    files        TEXT NOT NULL,          -- JSON [{name, bytes}]
    entities     INTEGER NOT NULL DEFAULT 0,
    names        INTEGER NOT NULL DEFAULT 0,
    designations INTEGER NOT NULL DEFAULT 0,
    diagnostics  TEXT NOT NULL DEFAULT '[]',
    UNIQUE (source_id, sha256)
);
CREATE INDEX version_order ON version (source_id, effective, id);
CREATE TABLE record (
    id    INTEGER PRIMARY KEY,
    hash  BLOB NOT NULL UNIQUE,          -- SHA-256 of body
    body  TEXT NOT NULL                  -- JSON of proscribe_model::Entity
);
CREATE TABLE member (
    version_id  INTEGER NOT NULL REFERENCES version(id),
    entity_id   TEXT NOT NULL,
    record      INTEGER NOT NULL REFERENCES record(id),
    line        INTEGER NOT NULL,        -- where the record starts in the main file
    PRIMARY KEY (version_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX member_entity ON member (entity_id, version_id);
CREATE TABLE entity_ref (
    key        TEXT NOT NULL,            -- a list reference, lower-cased (tai.026, 6636)
    entity_id  TEXT NOT NULL,
    PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
CREATE TABLE same_as (
    entity_id  TEXT NOT NULL,
    other_id   TEXT NOT NULL,            -- stored in both directions
    PRIMARY KEY (entity_id, other_id)
) WITHOUT ROWID;
CREATE TABLE authority (
    id    TEXT PRIMARY KEY,
    body  TEXT NOT NULL                  -- JSON proscribe_model::Authority
);
CREATE TABLE list (
    id         TEXT PRIMARY KEY,
    source_id  TEXT NOT NULL,
    body       TEXT NOT NULL             -- JSON proscribe_model::ListInfo
);
CREATE TABLE change (
    id               INTEGER PRIMARY KEY,  -- the feed cursor
    source_id        TEXT NOT NULL,
    version_id       INTEGER NOT NULL REFERENCES version(id),
    prev_version_id  INTEGER,
    entity_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,        -- added | removed | amended
    reference        TEXT,
    caption          TEXT NOT NULL,
    detail           TEXT NOT NULL         -- JSON proscribe_model::diff::EntityDiff
);
CREATE INDEX change_entity ON change (entity_id);
CREATE TABLE fetch_state (
    url            TEXT PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    sha256         TEXT,
    fetched_at     TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE api_key (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,           -- reader | editor | admin
    hash        BLOB NOT NULL UNIQUE,    -- SHA-256 of the key; the key itself is never stored
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
"#,
    r#"
CREATE TABLE audit (
    seq      INTEGER PRIMARY KEY,        -- place in the chain, from 1
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,              -- import | key.add | key.revoke | ...
    subject  TEXT NOT NULL,              -- version:ID | key:ID | ...
    digest   TEXT NOT NULL,              -- SHA-256 of the write's payload, hex
    prev     TEXT NOT NULL,              -- hash of the record before
    hash     TEXT NOT NULL               -- SHA-256 over prev, seq, at, actor, action, subject, digest
);
ALTER TABLE version ADD COLUMN audit_seq INTEGER;
"#,
    r#"
CREATE TABLE webhook (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    sources     TEXT NOT NULL,           -- JSON array of source ids; empty: every source
    secret      TEXT NOT NULL,           -- shared with the receiver, signs each delivery
    created_at  TEXT NOT NULL,
    removed_at  TEXT,
    cursor      INTEGER NOT NULL         -- the last change delivered (or skipped by the filter)
);
CREATE TABLE webhook_delivery (
    id           INTEGER PRIMARY KEY,
    webhook_id   INTEGER NOT NULL REFERENCES webhook(id),
    change_id    INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    status       TEXT NOT NULL,          -- delivered | failed
    http_status  INTEGER,
    error        TEXT
);
"#,
    r#"
CREATE TABLE wf_role (
    list_id  TEXT NOT NULL,
    body_id  TEXT NOT NULL,               -- an authority id
    role     TEXT NOT NULL,               -- proposer | consulted | decider | publisher
    PRIMARY KEY (list_id, body_id, role)
) WITHOUT ROWID;
CREATE TABLE wf_proposal (
    id                 INTEGER PRIMARY KEY,
    list_id            TEXT NOT NULL,
    entity_id          TEXT NOT NULL,
    state              TEXT NOT NULL,
    body               TEXT NOT NULL,     -- JSON proscribe_model::workflow::Proposal
    new_entity         TEXT,              -- JSON Entity a listing proposal describes
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    published_version  INTEGER REFERENCES version(id)
);
"#,
    r#"
ALTER TABLE api_key ADD COLUMN bodies TEXT NOT NULL DEFAULT '[]';  -- JSON: the bodies the key acts for
"#,
    r#"
CREATE TABLE audit_write (
    seq     INTEGER NOT NULL,             -- the audit record that wrote the unit
    tbl     TEXT NOT NULL,                -- a covered table
    key     TEXT NOT NULL,                -- the unit: a row's key, or the version of a group
    digest  TEXT,                         -- SHA-256 of the unit's rows after the write; NULL: none
    rows    INTEGER NOT NULL,             -- how many rows the unit had
    PRIMARY KEY (seq, tbl, key)
) WITHOUT ROWID;
CREATE INDEX change_version ON change (version_id, id);
"#,
    r#"
CREATE TABLE resolve_decision (
    id          INTEGER PRIMARY KEY,
    a           TEXT NOT NULL,             -- an entity id, the lower of the pair
    b           TEXT NOT NULL,             -- the other entity id
    verdict     TEXT NOT NULL,             -- same | different | unsure
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    undone_at   TEXT,                      -- set when undone (or replaced by a newer decision)
    undone_by   TEXT
);
CREATE INDEX resolve_decision_pair ON resolve_decision (a, b);
"#,
];

/// The first schema version whose audit trail covers the data.
pub const AUDIT_COVERS_DATA: u32 = 7;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Checks that a database opened read-only has this build's schema: it cannot be migrated,
/// so an older one is refused as a newer one is. A database with no tables at all (an empty
/// file) passes: it reads as an empty store.
pub fn check_version(conn: &Connection) -> Result<(), Error> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    if found < SCHEMA_VERSION {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if found > 0 || tables > 0 {
            return Err(Error::SchemaTooOld { found, supported: SCHEMA_VERSION });
        }
    }
    Ok(())
}

/// Brings a database up to [`SCHEMA_VERSION`]; refuses a database from a newer build.
/// Returns the version the database had.
pub fn migrate(conn: &mut Connection) -> Result<u32, Error> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew { found: current, supported: SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
        tracing::info!(schema_version = i + 1, "applied migration");
    }
    Ok(current)
}
