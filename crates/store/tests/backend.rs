//! The databases the store suite runs on. A test written once, `fn name(db: &Backend)`, is
//! listed in [`on_both!`], which makes two tests of it: `sqlite::name` on a fresh SQLite file
//! and `postgres::name` on a fresh schema of the PostgreSQL server named by
//! `PROSCRIBE_TEST_POSTGRES` (a URL; `.ci/postgres.sh start DIR` starts a throwaway one). Without
//! it, the PostgreSQL tests say they are skipped; with `CI` set, they fail instead.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proscribe_store::{Location, Store};

/// Where one test's fresh store is; [`Backend::open`] opens a connection to it, as many times
/// as the test needs (two connections are two processes sharing one store).
pub enum Backend {
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    Postgres { admin: String, schema: String, url: String },
}

/// The server the PostgreSQL tests use.
pub fn postgres_url() -> Option<String> {
    match std::env::var("PROSCRIBE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set and PROSCRIBE_TEST_POSTGRES is not: the store suite must run on PostgreSQL too")
        }
        _ => {
            eprintln!("skipped: set PROSCRIBE_TEST_POSTGRES to a PostgreSQL URL to run the store suite on it");
            None
        }
    }
}

impl Backend {
    /// A fresh SQLite file.
    pub fn sqlite() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lists.db");
        Backend::Sqlite { _dir: dir, path }
    }

    /// A fresh schema on the test server, if there is one; dropped with the backend.
    pub fn postgres() -> Option<Backend> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = postgres_url()?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let schema = format!("t{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test server answers");
        client.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        let sep = if admin.contains('?') { '&' } else { '?' };
        let url = format!("{admin}{sep}options=-c%20search_path%3D{schema}");
        Some(Backend::Postgres { admin, schema, url })
    }

    /// Where the store is.
    pub fn location(&self) -> Location {
        match self {
            Backend::Sqlite { path, .. } => Location::File(path.clone()),
            Backend::Postgres { url, .. } => Location::Postgres(url.clone()),
        }
    }

    /// A new connection to the store (created on the first).
    pub fn open(&self) -> Store {
        Store::open_at(&self.location()).unwrap()
    }

    /// Runs SQL on the store behind its back (to alter what it holds).
    pub fn sql(&self, sql: &str) {
        match self {
            Backend::Sqlite { path, .. } => rusqlite::Connection::open(path).unwrap().execute_batch(sql).unwrap(),
            Backend::Postgres { url, .. } => {
                postgres::Client::connect(url, postgres::NoTls).unwrap().batch_execute(sql).unwrap()
            }
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres { admin, schema, .. } = self {
            if let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ = client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}

/// Makes a test on each database of every `fn name(db: &Backend)` listed.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::backend::Backend::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(db) = $crate::backend::Backend::postgres() {
                        super::$name(&db);
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both;
