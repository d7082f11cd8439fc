//! The schema and its migrations, for SQLite and for PostgreSQL. Each migration is applied
//! once, in order, in one transaction; SQLite's `PRAGMA user_version`, or PostgreSQL's table
//! `schema_version`, records how far a database has come. Never edit a released migration:
//! add a new one, to both lists.
//!
//! A PostgreSQL database starts at the schema SQLite reached by its eighth migration
//! ([`POSTGRES`] lists the migrations after that one). Its types hold what SQLite's do:
//! `BIGINT` for integers, `TEXT COLLATE "C"` for text (ordered by bytes, as SQLite orders
//! it) and `BYTEA` for blobs.
//!
//! Layout: every import of a source is a `version`. Entity records are stored once per
//! distinct content in `record` (unique by the SHA-256 of their JSON); `member` says which
//! record each entity had in each version. Diffs and as-of queries are computed from
//! `member`; `change` is the append-only feed of changes to the current state of each source.

use crate::db::{Db, Dialect};
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

/// The PostgreSQL schema of version [`POSTGRES_BASE`]: SQLite's after its eighth migration.
const POSTGRES_SCHEMA: &str = r#"
CREATE TABLE schema_version (version BIGINT NOT NULL);
-- A random name of this database, made once: what files kept outside it (screening index
-- files in a folder that several databases could share) are named by.
CREATE TABLE store_identity (id TEXT COLLATE "C" NOT NULL);
INSERT INTO store_identity (id) VALUES (md5(random()::text || clock_timestamp()::text || txid_current()::text));
CREATE TABLE source (
    id          TEXT COLLATE "C" PRIMARY KEY,
    title       TEXT COLLATE "C" NOT NULL,
    format      TEXT COLLATE "C" NOT NULL,
    info        TEXT COLLATE "C" NOT NULL
);
CREATE TABLE version (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    source_id    TEXT COLLATE "C" NOT NULL REFERENCES source(id),
    sha256       TEXT COLLATE "C" NOT NULL,
    published    TEXT COLLATE "C",
    effective    TEXT COLLATE "C" NOT NULL,
    imported_at  TEXT COLLATE "C" NOT NULL,
    files        TEXT COLLATE "C" NOT NULL,
    entities     BIGINT NOT NULL DEFAULT 0,
    names        BIGINT NOT NULL DEFAULT 0,
    designations BIGINT NOT NULL DEFAULT 0,
    diagnostics  TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    audit_seq    BIGINT,
    UNIQUE (source_id, sha256)
);
CREATE INDEX version_order ON version (source_id, effective, id);
CREATE TABLE record (
    id    BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    hash  BYTEA NOT NULL UNIQUE,
    body  TEXT COLLATE "C" NOT NULL
);
CREATE TABLE member (
    version_id  BIGINT NOT NULL REFERENCES version(id),
    entity_id   TEXT COLLATE "C" NOT NULL,
    record      BIGINT NOT NULL REFERENCES record(id),
    line        BIGINT NOT NULL,
    PRIMARY KEY (version_id, entity_id)
);
CREATE INDEX member_entity ON member (entity_id, version_id);
CREATE TABLE entity_ref (
    key        TEXT COLLATE "C" NOT NULL,
    entity_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, entity_id)
);
CREATE TABLE same_as (
    entity_id  TEXT COLLATE "C" NOT NULL,
    other_id   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (entity_id, other_id)
);
CREATE TABLE authority (
    id    TEXT COLLATE "C" PRIMARY KEY,
    body  TEXT COLLATE "C" NOT NULL
);
CREATE TABLE list (
    id         TEXT COLLATE "C" PRIMARY KEY,
    source_id  TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL
);
CREATE TABLE change (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    source_id        TEXT COLLATE "C" NOT NULL,
    version_id       BIGINT NOT NULL REFERENCES version(id),
    prev_version_id  BIGINT,
    entity_id        TEXT COLLATE "C" NOT NULL,
    kind             TEXT COLLATE "C" NOT NULL,
    reference        TEXT COLLATE "C",
    caption          TEXT COLLATE "C" NOT NULL,
    detail           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX change_entity ON change (entity_id);
CREATE INDEX change_version ON change (version_id, id);
CREATE TABLE fetch_state (
    url            TEXT COLLATE "C" PRIMARY KEY,
    etag           TEXT COLLATE "C",
    last_modified  TEXT COLLATE "C",
    sha256         TEXT COLLATE "C",
    fetched_at     TEXT COLLATE "C" NOT NULL
);
CREATE TABLE api_key (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    role        TEXT COLLATE "C" NOT NULL,
    hash        BYTEA NOT NULL UNIQUE,
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C",
    bodies      TEXT COLLATE "C" NOT NULL DEFAULT '[]'
);
CREATE TABLE audit (
    seq      BIGINT PRIMARY KEY,
    at       TEXT COLLATE "C" NOT NULL,
    actor    TEXT COLLATE "C" NOT NULL,
    action   TEXT COLLATE "C" NOT NULL,
    subject  TEXT COLLATE "C" NOT NULL,
    digest   TEXT COLLATE "C" NOT NULL,
    prev     TEXT COLLATE "C" NOT NULL,
    hash     TEXT COLLATE "C" NOT NULL
);
CREATE TABLE webhook (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    url         TEXT COLLATE "C" NOT NULL,
    sources     TEXT COLLATE "C" NOT NULL,
    secret      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    removed_at  TEXT COLLATE "C",
    cursor      BIGINT NOT NULL
);
CREATE TABLE webhook_delivery (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    webhook_id   BIGINT NOT NULL REFERENCES webhook(id),
    change_id    BIGINT NOT NULL,
    attempt      BIGINT NOT NULL,
    at           TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    http_status  BIGINT,
    error        TEXT COLLATE "C"
);
CREATE TABLE wf_role (
    list_id  TEXT COLLATE "C" NOT NULL,
    body_id  TEXT COLLATE "C" NOT NULL,
    role     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (list_id, body_id, role)
);
CREATE TABLE wf_proposal (
    id                 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    list_id            TEXT COLLATE "C" NOT NULL,
    entity_id          TEXT COLLATE "C" NOT NULL,
    state              TEXT COLLATE "C" NOT NULL,
    body               TEXT COLLATE "C" NOT NULL,
    new_entity         TEXT COLLATE "C",
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL,
    published_version  BIGINT REFERENCES version(id)
);
CREATE TABLE audit_write (
    seq     BIGINT NOT NULL,
    tbl     TEXT COLLATE "C" NOT NULL,
    key     TEXT COLLATE "C" NOT NULL,
    digest  TEXT COLLATE "C",
    rows    BIGINT NOT NULL,
    PRIMARY KEY (seq, tbl, key)
);
CREATE TABLE resolve_decision (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    a           TEXT COLLATE "C" NOT NULL,
    b           TEXT COLLATE "C" NOT NULL,
    verdict     TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    decided_at  TEXT COLLATE "C" NOT NULL,
    undone_at   TEXT COLLATE "C",
    undone_by   TEXT COLLATE "C"
);
CREATE INDEX resolve_decision_pair ON resolve_decision (a, b);
INSERT INTO schema_version (version) VALUES (8);
"#;

/// The schema version [`POSTGRES_SCHEMA`] creates.
const POSTGRES_BASE: u32 = 8;

/// PostgreSQL's migrations after [`POSTGRES_BASE`]: each the schema version it leads to and
/// its SQL (the same change as SQLite's migration of that number).
const POSTGRES: &[(u32, &str)] = &[];

/// The schema version a database has; 0 for one without the store's tables.
fn version(db: &Db) -> Result<u32, Error> {
    match db.dialect() {
        Dialect::Sqlite => db.scalar("PRAGMA user_version", &[]),
        Dialect::Postgres if !db.has_table("schema_version")? => Ok(0),
        Dialect::Postgres => db.scalar("SELECT max(version) FROM schema_version", &[]),
    }
}

/// Checks that a database opened read-only has this build's schema: it cannot be migrated,
/// so an older one is refused as a newer one is. A database with no tables at all (an empty
/// file) passes: it reads as an empty store.
pub fn check_version(db: &Db) -> Result<(), Error> {
    let found = version(db)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    if found < SCHEMA_VERSION {
        let empty = match db.dialect() {
            Dialect::Sqlite => db.scalar::<i64>("SELECT count(*) FROM sqlite_master", &[])? == 0,
            Dialect::Postgres => found == 0,
        };
        if found > 0 || !empty {
            return Err(Error::SchemaTooOld { found, supported: SCHEMA_VERSION });
        }
    }
    Ok(())
}

/// Brings a database up to [`SCHEMA_VERSION`]; refuses a database from a newer build.
/// Returns the version the database had. On PostgreSQL, processes starting together migrate
/// one after the other (the writer lock is held throughout).
pub fn migrate(db: &Db) -> Result<u32, Error> {
    let current = version(db)?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew { found: current, supported: SCHEMA_VERSION });
    }
    match db.dialect() {
        Dialect::Sqlite => {
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
                let tx = db.begin_write()?;
                // Another connection may have applied it while this one waited to write.
                if version(&tx)? > i as u32 {
                    continue;
                }
                tx.batch(sql)?;
                tx.batch(&format!("PRAGMA user_version = {}", i + 1))?;
                tx.commit()?;
                tracing::info!(schema_version = i + 1, "applied migration");
            }
        }
        Dialect::Postgres if current < SCHEMA_VERSION => {
            let tx = db.begin_write()?;
            // Another process may have migrated while this one waited for the lock.
            let mut now = version(&tx)?;
            if now == 0 {
                tx.batch(POSTGRES_SCHEMA)?;
                now = POSTGRES_BASE;
                tracing::info!(schema_version = now, "created the PostgreSQL schema");
            }
            for (to, sql) in POSTGRES.iter().filter(|(to, _)| *to > now) {
                tx.batch(sql)?;
                tx.execute("UPDATE schema_version SET version = ?1", &[to])?;
                tracing::info!(schema_version = to, "applied migration");
            }
            tx.commit()?;
        }
        Dialect::Postgres => {}
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    #[test]
    fn postgres_starts_at_the_schema_sqlite_has_now() {
        // A migration added to SQLite's list needs its PostgreSQL twin.
        let last = super::POSTGRES.last().map_or(super::POSTGRES_BASE, |(v, _)| *v);
        assert_eq!(last, super::SCHEMA_VERSION);
    }
}
