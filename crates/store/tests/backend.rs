//! The databases the store suite runs on. A test written once, `fn name(db: &Backend)`, is
//! listed in [`on_both!`], which makes two tests of it: `sqlite::name` on a fresh SQLite file
//! and `postgres::name` on a fresh schema of the PostgreSQL server named by
//! `PROSCRIBE_TEST_POSTGRES` ([`proscribe_testkit::postgres_schema`]). Without it, the
//! PostgreSQL tests say they are skipped; with `CI` set, they fail instead.

use std::path::PathBuf;

use proscribe_store::{Location, Store};

/// Where one test's fresh store is; [`Backend::open`] opens a connection to it, as many times
/// as the test needs (two connections are two processes sharing one store).
pub enum Backend {
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    Postgres(proscribe_testkit::PostgresSchema),
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
        proscribe_testkit::postgres_schema().map(Backend::Postgres)
    }

    /// Where the store is.
    pub fn location(&self) -> Location {
        match self {
            Backend::Sqlite { path, .. } => Location::File(path.clone()),
            Backend::Postgres(schema) => Location::Postgres(schema.url.clone()),
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
            Backend::Postgres(schema) => {
                postgres::Client::connect(&schema.url, postgres::NoTls).unwrap().batch_execute(sql).unwrap()
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
