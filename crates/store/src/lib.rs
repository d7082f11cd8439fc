//! Versioned storage of list imports, in one SQLite file.
//!
//! - [`Store`] opens (and migrates) a database.
//! - [`Store::begin_import`] starts one transaction for a whole import; [`ImportTx::stage`]
//!   streams the entities of one source version into it and [`Staging::finish`] records the
//!   version and its changes against the previous version. Nothing is visible until
//!   [`ImportTx::commit`]; an error or a killed process leaves the previous state intact.
//! - Queries, a module each: sources and versions ([`Store::sources`], [`Store::versions`]),
//!   entities ([`Store::entity`], [`Store::current_entities`]), diffs and the change feed
//!   ([`Store::diff`], [`Store::changes_since`]), the timeline ([`Store::history`]) and status on
//!   a day ([`Store::status_on`]).
//! - Stored kinds and statuses are enums ([`ChangeKind`], [`DeliveryStatus`], [`Role`]); a
//!   value that cannot be decoded is an [`Error::Corrupt`] naming its table, row and column.
//! - The workflow's refusals keep their type ([`Error::Refused`] with a [`Refusal`]).
//!
//! ```
//! use proscribe_model::{Entity, Name, NameKind, Schema, SourceInfo};
//! use proscribe_store::{Store, VersionMeta};
//!
//! let mut store = Store::open_in_memory().unwrap();
//! let mut tx = store.begin_import().unwrap();
//! let mut staging = tx.stage("example").unwrap();
//! let mut e = Entity::new("example-1", Schema::Organization);
//! e.add_name(Name::new("Example Trading LLC", NameKind::Primary));
//! staging.put(&e, 1).unwrap();
//! let info = SourceInfo { id: "example".into(), title: "Example".into(), format: "test".into(),
//!     published: Some("2025-01-01".into()), authorities: vec![], lists: vec![] };
//! let outcome = staging.finish(VersionMeta::new(info, "sha", vec![])).unwrap();
//! tx.commit().unwrap();
//! assert_eq!(outcome.added, 1);
//! assert_eq!(store.entity("example-1").unwrap().unwrap().entity.caption(), "Example Trading LLC");
//! ```
#![deny(missing_docs)]

mod audit;
mod diffs;
mod entities;
mod history;
mod import;
mod keys;
mod resolution;
mod rows;
mod schema;
mod status;
mod versions;
mod webhooks;
mod workflow;

use std::path::Path;

pub use audit::{AuditCheck, AuditFinding, AuditRecord, Tampering, BASELINE, GENESIS};
pub use diffs::{Change, ChangeKind, VersionDiff};
pub use entities::EntityView;
pub use history::HistoryEvent;
pub use import::{ImportOutcome, ImportTx, Outcome, Staging, VersionMeta};
pub use keys::{key_hash, ApiKey, Role};
pub use proscribe_model::workflow::{Refusal, RefusalKind};
use proscribe_model::PartialDate;
pub use resolution::{ToDecide, MAX_REASON_CHARS};
use rusqlite::Connection;
pub use schema::SCHEMA_VERSION;
pub use status::{AuthorityReport, DesignationStatus, StatusReport};
pub use versions::{FileMeta, Seen, SourceSummary, VersionInfo};
pub use webhooks::{Delivery, DeliveryStatus, Webhook};
pub use workflow::StoredProposal;

/// An error of the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed (cannot open, locked, disk full, corrupt). The message is the
    /// context only: the driver's reason is the error's source.
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    /// A value could not be written as JSON (the reason is the error's source).
    #[error("cannot encode a record")]
    Record(#[from] serde_json::Error),
    /// A stored value cannot be read back (JSON that does not parse, a kind or status this
    /// build does not know): the database was altered, or written by a faulty build.
    #[error("stored data is corrupt: {table} row {row}, column {column}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's key.
        row: String,
        /// The column.
        column: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The database was written by a newer proscribe.
    #[error(
        "the database has schema version {found}, newer than this build supports ({supported}): upgrade proscribe"
    )]
    SchemaTooNew {
        /// The version found.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// A database opened read-only was written by an older proscribe: it is upgraded only
    /// when opened for writing.
    #[error(
        "the database has schema version {found}, older than this build reads ({supported}): open it once for writing to upgrade it"
    )]
    SchemaTooOld {
        /// The version found.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// One import produced two records with the same entity id.
    #[error("entity id {id} occurs twice in one version of {source_id} (lines {first_line} and {line})")]
    DuplicateEntity {
        /// The source.
        source_id: String,
        /// The id.
        id: String,
        /// Line of the first record.
        first_line: u64,
        /// Line of the second.
        line: u64,
    },
    /// A query named something that is not there.
    #[error("{0}")]
    NotFound(String),
    /// A query argument is not valid.
    #[error("{0}")]
    Invalid(String),
    /// The designation workflow refused a proposal or an action; nothing changed. Its kind
    /// ([`Refusal::kind`]) says whether the state, the acting body's roles or the content
    /// refused it.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

impl Error {
    /// A corrupt value in `column` of row `row` of `table`.
    pub(crate) fn corrupt(
        table: &'static str,
        row: impl ToString,
        column: &'static str,
        reason: impl ToString,
    ) -> Error {
        Error::Corrupt { table, row: row.to_string(), column, reason: reason.to_string() }
    }
}

/// What a server said about a URL when it was last fetched, for conditional requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchState {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
    /// SHA-256 of the content.
    pub sha256: Option<String>,
}

/// A proscribe database.
pub struct Store {
    conn: Connection,
    horizon_days: u32,
}

/// How many days after today a publication or decision may be dated by default (a list
/// published in another time zone may already be dated tomorrow).
pub const DEFAULT_HORIZON_DAYS: u32 = 1;

impl Store {
    /// Opens or creates the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let conn = Connection::open(path)?;
        // WAL lets readers (a server) go on while an import writes; NORMAL is durable at each
        // commit in WAL mode except on power loss, which loses at most the last commit.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A large page cache keeps an import's pages in memory until it commits.
        conn.pragma_update(None, "cache_size", -262_144)?;
        Store::setup(conn)
    }

    /// Opens the database at `path` for reading only: nothing is written to it or beside it
    /// beyond what SQLite needs to read a WAL database (the screening index files that
    /// `proscribe-app` keeps in the folder `FILE.index` are its own, and written only where
    /// the folder allows), no migration runs, and a file
    /// without write permission or on a read-only mount can be read. A database of another
    /// schema version than this build's is an error ([`Error::SchemaTooOld`],
    /// [`Error::SchemaTooNew`]), since it cannot be upgraded here.
    pub fn open_read_only(path: &Path) -> Result<Store, Error> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        schema::check_version(&conn)?;
        Ok(Store { conn, horizon_days: DEFAULT_HORIZON_DAYS })
    }

    /// The database's file (none for a database in memory).
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self.conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from)
    }

    /// A fresh database in memory.
    pub fn open_in_memory() -> Result<Store, Error> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let was = schema::migrate(&mut conn)?;
        if was > 0 && was < schema::AUDIT_COVERS_DATA {
            let tx = conn.transaction()?;
            audit::baseline(&tx, &local_actor())?;
            tx.commit()?;
        }
        Ok(Store { conn, horizon_days: DEFAULT_HORIZON_DAYS })
    }

    /// Lets publications and decisions be dated up to `days` days after today (by default
    /// [`DEFAULT_HORIZON_DAYS`]); later ones are refused ([`Refusal::BeyondHorizon`]).
    pub fn set_horizon_days(&mut self, days: u32) {
        self.horizon_days = days;
    }

    /// The latest day a publication or decision may be dated: today (UTC) and the days allowed.
    pub(crate) fn horizon(&self) -> PartialDate {
        let day = chrono::Utc::now().date_naive() + chrono::Days::new(u64::from(self.horizon_days));
        // A horizon past the last day a date can name allows every date.
        day.format("%Y-%m-%d").to_string().parse().unwrap_or_else(|_| "2999-12-31".parse().expect("a day"))
    }

    /// Whether the store holds no source at all.
    pub fn is_empty(&self) -> Result<bool, Error> {
        // An empty file opened read-only has no tables yet.
        let tables: i64 =
            self.conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'source'", [], |r| r.get(0))?;
        if tables == 0 {
            return Ok(true);
        }
        let n: i64 = self.conn.query_row("SELECT count(*) FROM source", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// Checks the database file for corruption (`PRAGMA integrity_check`).
    pub fn integrity_check(&self) -> Result<(), Error> {
        let result: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(Error::Invalid(format!("integrity check failed: {result}")))
        }
    }

    /// The saved conditional-request state of a URL.
    pub fn fetch_state(&self, url: &str) -> Result<Option<FetchState>, Error> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT etag, last_modified, sha256 FROM fetch_state WHERE url = ?1", [url], |r| {
                Ok(FetchState { etag: r.get(0)?, last_modified: r.get(1)?, sha256: r.get(2)? })
            })
            .optional()?)
    }

    /// Saves the conditional-request state of a URL after a successful fetch.
    pub fn save_fetch_state(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        sha256: &str,
    ) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, sha256, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (url) DO UPDATE SET etag = ?2, last_modified = ?3, sha256 = ?4, fetched_at = ?5",
            rusqlite::params![url, etag, last_modified, sha256, now()],
        )?;
        Ok(())
    }
}

/// The actor of writes made from this machine's command line: `local:` and the user's name
/// (see [`local_user`]).
pub fn local_actor() -> String {
    format!("local:{}", local_user())
}

/// The name of the user running this process: `USER`, else `LOGNAME` (set by login and by
/// su), else the name `/etc/passwd` gives the process's uid (a container or a service often
/// sets neither variable), else `uid N`.
fn local_user() -> String {
    let from_env = ["USER", "LOGNAME", "USERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    if let Some(user) = from_env {
        return user;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // The process's own /proc entry belongs to its (effective) uid.
        if let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) {
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            return passwd_name(&passwd, uid).unwrap_or_else(|| format!("uid {uid}"));
        }
    }
    "unknown".into()
}

/// The name of `uid` in the text of an `/etc/passwd` file (`name:password:uid:gid:...`).
fn passwd_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

/// The current time, RFC 3339 UTC to the second.
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Normalises a stated publication date or timestamp to RFC 3339 UTC to the second, so that
/// versions order as strings. `2026-02-27T00:00:09.554Z` → `2026-02-27T00:00:09Z`;
/// `2024-11-30` → `2024-11-30T00:00:00Z`.
pub fn normalise_timestamp(text: &str) -> Option<String> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(dt.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d") {
        if t.len() == 10 {
            return Some(format!("{}T00:00:00Z", d.format("%Y-%m-%d")));
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(t) {
        return Some(dt.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{normalise_timestamp, passwd_name};

    #[test]
    fn a_uid_is_named_from_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n# a comment\n\nbroken\nana:x:1000:1000::/home/ana:/bin/sh\n";
        assert_eq!(passwd_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(passwd_name(passwd, 1000).as_deref(), Some("ana"));
        assert_eq!(passwd_name(passwd, 42), None);
    }

    #[test]
    fn timestamps_normalise() {
        assert_eq!(normalise_timestamp("2026-02-27T00:00:09.554Z").unwrap(), "2026-02-27T00:00:09Z");
        assert_eq!(normalise_timestamp("2024-11-30").unwrap(), "2024-11-30T00:00:00Z");
        assert_eq!(normalise_timestamp("2024-11-30T10:00:00+02:00").unwrap(), "2024-11-30T08:00:00Z");
        assert_eq!(normalise_timestamp("Wed, 21 Oct 2015 07:28:00 GMT").unwrap(), "2015-10-21T07:28:00Z");
        assert_eq!(normalise_timestamp("soon"), None);
    }
}
