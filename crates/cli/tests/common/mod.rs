//! Harness for the command-line tests: running the real `proscribe` binary on a database in a
//! temporary folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use proscribe_testkit::{repo_root, shared};

/// A temporary folder with a database in it: a path, or the URL of a PostgreSQL schema of its
/// own ([`Env::postgres`]).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    _schema: Option<proscribe_testkit::PostgresSchema>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("test.db");
        Env { dir, db, _schema: None }
    }

    /// A fresh PostgreSQL schema as the database (`--db` its URL), if the tests have a server
    /// (see [`proscribe_testkit::postgres_schema`]).
    pub fn postgres() -> Option<Env> {
        let schema = proscribe_testkit::postgres_schema()?;
        let dir = tempfile::tempdir().expect("tempdir");
        Some(Env { dir, db: PathBuf::from(&schema.url), _schema: Some(schema) })
    }

    /// A database of its own holding the built-in example registry.
    pub fn example() -> Env {
        let env = Env::new();
        env.ok(&["import"]);
        env
    }

    /// A database of the committed UN and OFAC extracts.
    pub fn extracts() -> Env {
        let env = Env::new();
        let un = proscribe_testkit::fixture("un/consolidated.xml");
        let ofac = proscribe_testkit::fixture("ofac/sdn.csv");
        env.ok(&["import", un.to_str().unwrap(), ofac.to_str().unwrap()]);
        env
    }

    /// Another folder on the same database, reached by `db` (a URL through a proxy, say).
    pub fn reached_by(&self, db: &str) -> Env {
        Env { dir: tempfile::tempdir().expect("tempdir"), db: PathBuf::from(db), _schema: None }
    }

    /// The `proscribe` command with `--db` set and logs quiet.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_proscribe"));
        c.arg("--db").arg(&self.db).env_remove("RUST_LOG").env_remove("PROSCRIBE_DB");
        c
    }

    /// Runs `proscribe ARGS` and returns its output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run proscribe")
    }

    /// Runs `proscribe ARGS`, asserts success and returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "proscribe {args:?} failed:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs `proscribe --json ARGS` and parses the output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("json output")
    }

    /// Runs `proscribe ARGS`, asserts failure and returns standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "proscribe {args:?} should fail; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 error")
    }

    /// A file path in the temporary folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A fingerprint of the stored state: every source's versions with their counts.
    pub fn state(&self) -> String {
        if !self.db.exists() {
            return "no database".into();
        }
        let store = proscribe_store::Store::open(&self.db).expect("open store");
        store.integrity_check().expect("integrity");
        let mut out = String::new();
        for s in store.sources().expect("sources") {
            for v in store.versions(&s.id).expect("versions") {
                out.push_str(&format!("{} v{} {} {} {}\n", s.id, v.id, v.entities, v.names, v.designations));
            }
        }
        out.push_str(&format!("feed {}\n", store.changes_since(0, usize::MAX).expect("feed").len()));
        out
    }
}

/// Counts occurrences of `needle` in a file.
pub fn count_in(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path).expect("read").matches(needle).count()
}

/// An FTM file of companies `{id}-0`, `{id}-1`, … named `names`, each with a sanction.
pub fn ftm(id: &str, names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "{}\n{}\n",
                serde_json::json!({"id": format!("{id}-{i}"), "schema": "Company", "properties": {"name": [n]}}),
                serde_json::json!({"id": format!("{id}-{i}-s"), "schema": "Sanction", "properties": {"entity": [format!("{id}-{i}")], "authority": ["Test"]}})
            )
        })
        .collect()
}
