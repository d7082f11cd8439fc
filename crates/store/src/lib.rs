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
mod copy;
mod db;
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

use sha2::Digest;

pub use audit::{AuditCheck, AuditFinding, AuditRecord, Tampering, BASELINE, GENESIS};
pub use diffs::{Change, ChangeKind, VersionDiff};
pub use entities::EntityView;
pub use history::HistoryEvent;
pub use import::{ImportOutcome, ImportTx, Outcome, Staging, VersionMeta};
pub use keys::{key_hash, ApiKey, Role};
pub use proscribe_model::workflow::{Refusal, RefusalKind};
use proscribe_model::PartialDate;
pub use resolution::{ToDecide, MAX_REASON_CHARS};
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
    /// The PostgreSQL server failed or refused (cannot connect, connection lost, a
    /// constraint). The message is the context only: the driver's reason is the error's
    /// source.
    #[error("PostgreSQL error")]
    Postgres(#[from] postgres::Error),
    /// A column holds a value of another type than the store reads from it.
    #[error("unexpected value in column {column}: {reason}")]
    Column {
        /// The column's name.
        column: String,
        /// What was expected and found.
        reason: String,
    },
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

/// Where a store is kept: an SQLite file, or a PostgreSQL database that several processes
/// share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    File(std::path::PathBuf),
    /// A PostgreSQL connection URL (`postgres://user:password@host:port/db?options`).
    Postgres(String),
}

impl Location {
    /// Reads where a store is from a path or a URL: `postgres://` or `postgresql://` names a
    /// PostgreSQL database, anything without a URL scheme an SQLite file. Another scheme
    /// (`file://`, `mysql://`) is an error saying what to give instead.
    pub fn parse(text: &str) -> Result<Location, String> {
        let scheme = text.split_once("://").map(|(s, _)| s).filter(|s| {
            let mut c = s.chars();
            c.next().is_some_and(|f| f.is_ascii_alphabetic())
                && c.all(|x| x.is_ascii_alphanumeric() || matches!(x, '+' | '-' | '.'))
        });
        match scheme.map(str::to_ascii_lowercase).as_deref() {
            None if text.is_empty() => Err("the database is empty: give a file's path or a postgres:// URL".into()),
            None => Ok(Location::File(text.into())),
            Some("postgres" | "postgresql") => {
                text.parse::<postgres::Config>().map_err(|e| format!("not a PostgreSQL URL: {e}"))?;
                Ok(Location::Postgres(text.to_string()))
            }
            Some("file") => Err("give the file's path itself, not a file:// URL".into()),
            Some(other) => {
                Err(format!("unknown URL scheme {other:?}: give the path of an SQLite file or a postgres:// URL"))
            }
        }
    }

    /// The SQLite file, if the store is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

impl std::fmt::Display for Location {
    /// The file's path, or the URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

/// `url` with the password of its user part replaced by `***`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// A proscribe database.
pub struct Store {
    db: db::Db,
    horizon_days: u32,
    index_dir: Option<std::path::PathBuf>,
}

/// How many days after today a publication or decision may be dated by default (a list
/// published in another time zone may already be dated tomorrow).
pub const DEFAULT_HORIZON_DAYS: u32 = 1;

impl Store {
    /// Opens (or creates) the store at `location` and brings its schema up to date.
    pub fn open_at(location: &Location) -> Result<Store, Error> {
        match location {
            Location::File(path) => Store::open(path),
            Location::Postgres(url) => Store::connect(url),
        }
    }

    /// Opens the store at `location` for reading only (see [`Store::open_read_only`]).
    pub fn open_at_read_only(location: &Location) -> Result<Store, Error> {
        match location {
            Location::File(path) => Store::open_read_only(path),
            Location::Postgres(url) => Store::connect_with(url, false),
        }
    }

    /// Connects to the PostgreSQL database at `url`, creates the store's tables if it has
    /// none and brings them up to date. Connections are not encrypted: give a server on this
    /// machine or a private network.
    pub fn connect(url: &str) -> Result<Store, Error> {
        Store::connect_with(url, true)
    }

    fn connect_with(url: &str, migrate: bool) -> Result<Store, Error> {
        let mut config: postgres::Config = url.parse()?;
        if config.get_ssl_mode() == postgres::config::SslMode::Require {
            return Err(Error::Invalid(
                "this build connects to PostgreSQL without TLS (sslmode=require asks for it): use a server on this \
                 machine or a private network, with sslmode=disable or prefer"
                    .into(),
            ));
        }
        if config.get_application_name().is_none() {
            config.application_name("proscribe");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        if !migrate {
            // Every transaction of the session only reads, also after a reconnection.
            let read_only = "-c default_transaction_read_only=on";
            let options = config.get_options().map_or(read_only.to_string(), |o| format!("{o} {read_only}"));
            config.options(&options);
        }
        let db = db::Db::postgres(config)?;
        if migrate {
            let was = schema::migrate(&db)?;
            Store::baseline_after(&db, was)?;
        } else {
            schema::check_version(&db)?;
        }
        Ok(Store { db, horizon_days: DEFAULT_HORIZON_DAYS, index_dir: None })
    }

    /// Opens or creates the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL lets readers (a server) go on while an import writes; NORMAL is durable at each
        // commit in WAL mode except on power loss, which loses at most the last commit.
        set_wal(&conn, std::time::Duration::from_secs(30))?;
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
        let conn = rusqlite::Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let db = db::Db::sqlite(conn);
        schema::check_version(&db)?;
        Ok(Store { db, horizon_days: DEFAULT_HORIZON_DAYS, index_dir: None })
    }

    /// The database's file (none for a database in memory or on a server).
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self.db.sqlite_conn()?.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from)
    }

    /// Keeps the files derived from this store (screening index files) in `dir`, which
    /// processes on several machines may share, in a folder named by the store
    /// ([`Store::index_folder`]).
    pub fn set_index_dir(&mut self, dir: Option<std::path::PathBuf>) {
        self.index_dir = dir;
    }

    /// The folder of the files derived from this store: in the folder given
    /// ([`Store::set_index_dir`]), a folder named by the store's identity (a PostgreSQL
    /// database names itself; an SQLite file is named by its file name); without one, beside
    /// an SQLite file (`FILE.index`). `None`: a store in memory, or on a server with no folder
    /// given, whose derived files are not kept.
    pub fn index_folder(&self) -> Result<Option<std::path::PathBuf>, Error> {
        let name = |p: &Path| {
            let mut name = p.file_name().unwrap_or_default().to_os_string();
            name.push(".index");
            name
        };
        Ok(match (&self.index_dir, self.path()) {
            (Some(dir), Some(file)) => Some(dir.join(name(&file))),
            (Some(dir), None) if self.is_postgres() => {
                let id: String = self.db.scalar("SELECT id FROM store_identity", &[])?;
                Some(dir.join(format!("postgres-{id}")))
            }
            (None, Some(file)) => Some(file.with_file_name(name(&file))),
            _ => None,
        })
    }

    /// Whether the store is kept by a PostgreSQL server.
    pub fn is_postgres(&self) -> bool {
        self.db.dialect() == db::Dialect::Postgres
    }

    /// A fresh database in memory.
    pub fn open_in_memory() -> Result<Store, Error> {
        Store::setup(rusqlite::Connection::open_in_memory()?)
    }

    fn setup(conn: rusqlite::Connection) -> Result<Store, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let db = db::Db::sqlite(conn);
        let was = schema::migrate(&db)?;
        Store::baseline_after(&db, was)?;
        Ok(Store { db, horizon_days: DEFAULT_HORIZON_DAYS, index_dir: None })
    }

    /// Starts the audit trail's coverage of the data in a database that had a schema from
    /// before it.
    fn baseline_after(db: &db::Db, was: u32) -> Result<(), Error> {
        if was > 0 && was < schema::AUDIT_COVERS_DATA {
            let tx = db.begin_write()?;
            audit::baseline(&tx, &local_actor())?;
            tx.commit()?;
        }
        Ok(())
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

    /// Runs `f` while this connection holds the lease `name`, unless a connection of another
    /// process (or this one) holds it: then `f` does not run, and the answer is `None`. On
    /// PostgreSQL the lease is a session advisory lock, released when `f` ends or the process
    /// dies, so that one of several instances sharing the database does work that must be
    /// done once (delivering webhooks in order). On SQLite, where one process serves a file,
    /// `f` always runs.
    pub fn with_lease<T>(&self, name: &str, f: impl FnOnce() -> T) -> Result<Option<T>, Error> {
        if self.db.dialect() != db::Dialect::Postgres {
            return Ok(Some(f()));
        }
        let digest = sha2::Sha256::digest(format!("proscribe lease {name}").as_bytes());
        let key = i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));
        if !self.db.scalar::<bool>("SELECT pg_try_advisory_lock(?1)", &[&key])? {
            return Ok(None);
        }
        let out = f();
        self.db.scalar::<bool>("SELECT pg_advisory_unlock(?1)", &[&key])?;
        Ok(Some(out))
    }

    /// Checks that the database answers (a PostgreSQL server may be unreachable).
    pub fn ping(&self) -> Result<(), Error> {
        self.db.scalar::<i64>("SELECT 1", &[]).map(|_| ())
    }

    /// Whether the database could not be reached: the error is the server's absence or a lost
    /// connection, not something the request did.
    pub fn is_unavailable(error: &Error) -> bool {
        let Error::Postgres(e) = error else { return false };
        if let Some(db) = e.as_db_error() {
            // Connection exceptions (class 08) and the server shutting down (class 57).
            let code = db.code().code();
            return code.starts_with("08") || code.starts_with("57");
        }
        // Not the server's answer: connecting, a timeout, the connection lost.
        e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()) || {
            let text = e.to_string();
            text.starts_with("error connecting") || text.starts_with("timeout")
        }
    }

    /// Whether the store holds no source at all.
    pub fn is_empty(&self) -> Result<bool, Error> {
        // An empty file opened read-only has no tables yet.
        if !self.db.has_table("source")? {
            return Ok(true);
        }
        let n: i64 = self.db.scalar("SELECT count(*) FROM source", &[])?;
        Ok(n == 0)
    }

    /// Checks the database for corruption: SQLite's `PRAGMA integrity_check`. A PostgreSQL
    /// server checks its pages itself (with data checksums, if the cluster has them).
    pub fn integrity_check(&self) -> Result<(), Error> {
        if self.db.dialect() != db::Dialect::Sqlite {
            return Ok(());
        }
        let result: String = self.db.scalar("PRAGMA integrity_check", &[])?;
        if result == "ok" {
            Ok(())
        } else {
            Err(Error::Invalid(format!("integrity check failed: {result}")))
        }
    }

    /// The saved conditional-request state of a URL.
    pub fn fetch_state(&self, url: &str) -> Result<Option<FetchState>, Error> {
        self.db.first("SELECT etag, last_modified, sha256 FROM fetch_state WHERE url = ?1", &[&url], |r| {
            Ok(FetchState { etag: r.get(0)?, last_modified: r.get(1)?, sha256: r.get(2)? })
        })
    }

    /// Saves the conditional-request state of a URL after a successful fetch.
    pub fn save_fetch_state(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        sha256: &str,
    ) -> Result<(), Error> {
        self.db.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, sha256, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (url) DO UPDATE SET etag = ?2, last_modified = ?3, sha256 = ?4, fetched_at = ?5",
            &[&url, &etag, &last_modified, &sha256, &now()],
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

/// Switches an SQLite database to WAL. A new database switches under an exclusive lock;
/// connections opening it at once each hold a shared one, and SQLite fails one of them at
/// once rather than let them wait on each other, whatever the busy timeout: the switch is
/// tried again until `patience` runs out.
fn set_wal(conn: &rusqlite::Connection, patience: std::time::Duration) -> Result<(), rusqlite::Error> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && start.elapsed() < patience =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{normalise_timestamp, passwd_name, Location};

    #[test]
    fn a_location_is_a_file_or_a_postgres_url() {
        assert_eq!(Location::parse("lists.db").unwrap(), Location::File("lists.db".into()));
        let pg = Location::parse("postgres://ana:secret@db.example:5433/lists").unwrap();
        assert!(matches!(pg, Location::Postgres(_)));
        assert_eq!(pg.to_string(), "postgres://ana:***@db.example:5433/lists");
        assert!(Location::parse("postgresql://localhost/lists?host=/run/pg").is_ok());
        assert!(Location::parse("file:///tmp/lists.db").unwrap_err().contains("file's path"));
        assert!(Location::parse("mysql://x/y").unwrap_err().contains("\"mysql\""));
        assert!(Location::parse("postgres://h/d?sslmode=bogus").unwrap_err().contains("not a PostgreSQL URL"));
    }

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
