//! The scratch space of the FollowTheMoney importer: what the first pass learns about a file,
//! kept on disk in a temporary SQLite database, so that the memory of an import stays flat
//! in the file's size (the join of `Sanction`, `Address`, `Passport`, relation and
//! `Occupancy` records to the things they describe is an on-disk hash join, not a map in
//! memory).
//!
//! The database lives in a folder of its own under the system's temporary folder (`TMPDIR`),
//! removed when the [`Scratch`] is dropped: after the import, and on every error. A file under
//! [`IN_MEMORY_BELOW`] keeps it in memory instead (the same tables and queries). It is
//! written without a journal or syncs (nothing in it outlives the process) and read with a
//! page cache of [`CACHE_KIB`].
//!
//! Two tables:
//! - `rec`: every record id met, with the line of its first record (duplicates are found by
//!   the primary key), its kind, and the text the other records need from it: a thing's
//!   caption (for the names of link targets), an address as JSON, a position's name;
//! - `fact`: what a describing record says about a thing (a designation, an identifier, a
//!   link, an occupancy), as JSON, keyed by the thing's id and numbered in file order, with
//!   the describing record's locator and line (to report references to ids that are no thing).
//!
//! This is the only place outside `proscribe-store` that knows a database driver: SQLite is
//! used here as an external-memory table, never as the store.

use rusqlite::{params, Connection, OptionalExtension};

use crate::Error;

/// The page cache of the scratch database, in KiB: large enough that the tables' upper levels
/// stay in memory, small beside the store's own cache.
pub(super) const CACHE_KIB: i64 = 64 * 1024;

/// What a record is to the things that refer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RecKind {
    /// A record that no other record looks up (a `Sanction`, a relation, an unknown schema).
    Other = 0,
    /// A person, organisation, vessel or aircraft: its text is its caption.
    Thing = 1,
    /// An `Address`: its text is the address as JSON.
    Address = 2,
    /// A `Position`: its text is its name.
    Position = 3,
}

/// What a describing record says about a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FactKind {
    /// A `Designation` (from a `Sanction`).
    Designation = 0,
    /// An `Identifier` (from a `Passport` or `Identification`).
    Identifier = 1,
    /// A `Link` (from a relation), its target's name not yet filled in.
    Link = 2,
    /// An occupancy, its position not yet named.
    Occupancy = 3,
}

impl FactKind {
    fn from_code(code: i64) -> Option<FactKind> {
        Some(match code {
            0 => FactKind::Designation,
            1 => FactKind::Identifier,
            2 => FactKind::Link,
            3 => FactKind::Occupancy,
            _ => return None,
        })
    }
}

/// A fact read back: its kind and JSON body.
pub(super) type Fact = (FactKind, String);

/// Files smaller than this (on disk) keep their scratch database in memory: a few megabytes
/// at most, and no folder to make (the fuzz targets parse thousands of tiny files a second).
pub(super) const IN_MEMORY_BELOW: u64 = 4 << 20;

/// The scratch database of one parse.
pub(super) struct Scratch {
    // Declared before the folder, so that the connection is closed before the folder goes.
    conn: Connection,
    /// The folder of the database on disk; none when it is in memory.
    _dir: Option<tempfile::TempDir>,
    /// The number of the next fact, in file order.
    seq: i64,
    /// The file, for errors.
    file: String,
}

impl Scratch {
    /// Creates the scratch database for parsing `file` (on disk, or in memory for a small
    /// file), with its tables, and starts the transaction the first pass writes in.
    pub(super) fn new(file: &str, on_disk: bool) -> Result<Scratch, Error> {
        let failed = |action: &'static str| {
            move |e: Box<dyn std::error::Error + Send + Sync>| Error::Scratch {
                path: file.to_string(),
                action,
                source: e,
            }
        };
        let (conn, dir) = if on_disk {
            let dir = tempfile::Builder::new()
                .prefix("proscribe-ftm-")
                .tempdir()
                .map_err(|e| failed("create a folder")(Box::new(e)))?;
            let conn = Connection::open(dir.path().join("scratch.db")).map_err(|e| failed("open")(Box::new(e)))?;
            (conn, Some(dir))
        } else {
            (Connection::open_in_memory().map_err(|e| failed("open")(Box::new(e)))?, None)
        };
        let scratch = Scratch { conn, _dir: dir, seq: 0, file: file.to_string() };
        scratch
            .conn
            .execute_batch(&format!(
                "PRAGMA journal_mode = OFF;
                 PRAGMA synchronous = OFF;
                 PRAGMA locking_mode = EXCLUSIVE;
                 PRAGMA temp_store = FILE;
                 PRAGMA cache_size = -{CACHE_KIB};
                 CREATE TABLE rec (id TEXT PRIMARY KEY, line INTEGER NOT NULL, kind INTEGER NOT NULL, text TEXT)
                     WITHOUT ROWID;
                 CREATE TABLE fact (entity TEXT NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL,
                     body TEXT NOT NULL, src TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (entity, seq))
                     WITHOUT ROWID;
                 BEGIN;"
            ))
            .map_err(|e| scratch.error("create its tables", e))?;
        Ok(scratch)
    }

    fn error(&self, action: &'static str, e: rusqlite::Error) -> Error {
        Error::Scratch { path: self.file.clone(), action, source: Box::new(e) }
    }

    /// Records the first record with `id`, at `line`; `false` when the id was met before
    /// (the record is a duplicate and nothing is recorded).
    pub(super) fn add_record(&self, id: &str, line: u64, kind: RecKind, text: Option<&str>) -> Result<bool, Error> {
        let added = self
            .conn
            .prepare_cached(
                "INSERT INTO rec (id, line, kind, text) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![id, line as i64, kind as i64, text]))
            .map_err(|e| self.error("record an id", e))?;
        Ok(added == 1)
    }

    /// Records what a describing record (at `src`, `line`) says about thing `entity`.
    pub(super) fn add_fact(
        &mut self,
        entity: &str,
        kind: FactKind,
        body: &impl serde::Serialize,
        src: &str,
        line: u64,
    ) -> Result<(), Error> {
        let body = serde_json::to_string(body).expect("facts serialise");
        self.seq += 1;
        self.conn
            .prepare_cached("INSERT INTO fact (entity, seq, kind, body, src, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .and_then(|mut s| s.execute(params![entity, self.seq, kind as i64, body, src, line as i64]))
            .map_err(|e| self.error("record a fact", e))?;
        Ok(())
    }

    /// Ends the first pass: its writes are committed, and the database is only read from now.
    pub(super) fn end_first_pass(&self) -> Result<(), Error> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.error("commit the first pass", e))
    }

    /// References of facts to ids that are no thing of the file, in file order: the id, the
    /// describing record's locator and line. Each is passed to `each`.
    pub(super) fn dangling(&self, mut each: impl FnMut(String, String, u64)) -> Result<(), Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.entity, f.src, f.line FROM fact f
                 WHERE NOT EXISTS (SELECT 1 FROM rec r WHERE r.id = f.entity AND r.kind = 1)
                 ORDER BY f.seq",
            )
            .map_err(|e| self.error("find dangling references", e))?;
        let mut rows = stmt.query([]).map_err(|e| self.error("find dangling references", e))?;
        while let Some(row) = rows.next().map_err(|e| self.error("find dangling references", e))? {
            let read = || -> rusqlite::Result<(String, String, i64)> { Ok((row.get(0)?, row.get(1)?, row.get(2)?)) };
            let (id, src, line) = read().map_err(|e| self.error("find dangling references", e))?;
            each(id, src, line as u64);
        }
        Ok(())
    }

    /// The line of the first record with `id`, and its kind.
    pub(super) fn first_line(&self, id: &str) -> Result<Option<u64>, Error> {
        self.conn
            .prepare_cached("SELECT line FROM rec WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get::<_, i64>(0)).optional())
            .map(|l| l.map(|l| l as u64))
            .map_err(|e| self.error("look up an id", e))
    }

    /// The text of record `id` if it is of `kind`.
    pub(super) fn text(&self, id: &str, kind: RecKind) -> Result<Option<String>, Error> {
        let text = self
            .conn
            .prepare_cached("SELECT text FROM rec WHERE id = ?1 AND kind = ?2")
            .and_then(|mut s| s.query_row(params![id, kind as i64], |r| r.get::<_, Option<String>>(0)).optional())
            .map_err(|e| self.error("look up a record", e))?;
        Ok(text.flatten())
    }

    /// A value this module wrote as JSON, read back.
    pub(super) fn decode<T: serde::de::DeserializeOwned>(&self, body: &str) -> Result<T, Error> {
        serde_json::from_str(body).map_err(|e| Error::Scratch {
            path: self.file.clone(),
            action: "read back what it wrote",
            source: Box::new(e),
        })
    }

    /// The facts about thing `entity`, in file order.
    pub(super) fn facts(&self, entity: &str) -> Result<Vec<Fact>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, body FROM fact WHERE entity = ?1 ORDER BY seq")
            .map_err(|e| self.error("read facts", e))?;
        let rows = stmt
            .query_map([entity], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.error("read facts", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (code, body) = row.map_err(|e| self.error("read facts", e))?;
            let kind = FactKind::from_code(code).expect("only this module writes fact kinds");
            out.push((kind, body));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_is_removed_with_the_scratch() {
        check_scratch(Scratch::new("x.ftm.json", true).unwrap());
        check_scratch(Scratch::new("x.ftm.json", false).unwrap());
    }

    fn check_scratch(mut s: Scratch) {
        let dir = s._dir.as_ref().map(|d| d.path().to_path_buf());
        if let Some(dir) = &dir {
            assert!(dir.join("scratch.db").exists());
        }
        assert!(s.add_record("a", 1, RecKind::Thing, Some("A")).unwrap());
        assert!(!s.add_record("a", 2, RecKind::Other, None).unwrap(), "a duplicate id");
        s.add_fact("a", FactKind::Identifier, &"one", "Passport:p", 3).unwrap();
        s.add_fact("b", FactKind::Identifier, &"two", "Passport:q", 4).unwrap();
        s.add_fact("a", FactKind::Link, &"three", "Family:f", 5).unwrap();
        s.end_first_pass().unwrap();
        assert_eq!(s.first_line("a").unwrap(), Some(1));
        assert_eq!(s.text("a", RecKind::Thing).unwrap().as_deref(), Some("A"));
        assert_eq!(s.text("a", RecKind::Address).unwrap(), None);
        let facts = s.facts("a").unwrap();
        assert_eq!(facts, [(FactKind::Identifier, "\"one\"".into()), (FactKind::Link, "\"three\"".into())]);
        let mut dangling = Vec::new();
        s.dangling(|id, src, line| dangling.push((id, src, line))).unwrap();
        assert_eq!(dangling, [("b".to_string(), "Passport:q".to_string(), 4)]);
        drop(s);
        if let Some(dir) = dir {
            assert!(!dir.exists(), "{} is left behind", dir.display());
        }
    }
}
