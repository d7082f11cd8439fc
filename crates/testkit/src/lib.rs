//! Test support shared by proscribe's crates, for two tiers of tests.
//!
//! The fast tier reads the fixtures committed in `crates/testkit/fixtures` ([`fixture`]): small
//! extracts of the public-domain UN and OFAC files, byte for byte in the official formats, so
//! that a bare clone runs these tests with real assertions and nothing to skip.
//!
//! The heavy tier reads the real list files, which are not part of the repository: they live
//! in a `shared/data` folder beside it (or where `PROSCRIBE_SHARED_DATA` points). Tests that
//! need them call [`shared_data`], which skips with a message when the folder is absent and
//! fails when `CI` is set, because CI must run them.
//!
//! ```
//! let un = proscribe_testkit::fixture("un/consolidated.xml");
//! assert!(un.is_file());
//! ```
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The folder of real list files, or `None` (after a message on standard error) when absent.
///
/// # Panics
/// When the folder is absent and the `CI` environment variable is set.
pub fn shared_data() -> Option<PathBuf> {
    let dir = match std::env::var_os("PROSCRIBE_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    if dir.join("MANIFEST.md").exists() {
        return Some(dir.canonicalize().expect("canonical path"));
    }
    if std::env::var_os("CI").is_some() {
        panic!("the shared list data is missing at {} and CI is set: these tests must run", dir.display());
    }
    eprintln!("skipping: shared list data not found at {} (set PROSCRIBE_SHARED_DATA)", dir.display());
    None
}

/// A path under the shared data folder, or `None` when the folder is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    shared_data().map(|d| d.join(rel))
}

/// The folder of committed fixtures (`crates/testkit/fixtures`), wherever the test runs from.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A committed fixture, by its path under [`fixtures_dir`] (`un/consolidated.xml`,
/// `ofac/sdn.csv`).
///
/// # Panics
/// When there is no such file: a fixture named in a test must exist.
pub fn fixture(rel: &str) -> PathBuf {
    let path = fixtures_dir().join(rel);
    assert!(path.exists(), "fixture {} missing", path.display());
    path
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// Debian's Chromium and its WebDriver (`chromium`, `chromium-driver`; or where
/// `PROSCRIBE_CHROMIUM` and `PROSCRIBE_CHROMEDRIVER` point), or `None` (after a message on
/// standard error) when they are not installed.
///
/// # Panics
/// When they are not installed and the `CI` environment variable is set.
pub fn chromium() -> Option<(PathBuf, PathBuf)> {
    let pick = |var: &str, default: &str| std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    let browser = pick("PROSCRIBE_CHROMIUM", "/usr/bin/chromium");
    let driver = pick("PROSCRIBE_CHROMEDRIVER", "/usr/bin/chromedriver");
    if browser.exists() && driver.exists() {
        return Some((browser, driver));
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "Chromium ({}) or ChromeDriver ({}) is missing and CI is set: these tests must run",
            browser.display(),
            driver.display()
        );
    }
    eprintln!("skipping: Chromium or ChromeDriver not installed (apt-get install chromium chromium-driver)");
    None
}

/// A schema of its own on the PostgreSQL server the tests use, dropped with it: a fresh,
/// empty database for one test, however many tests share the server.
pub struct PostgresSchema {
    admin: String,
    name: String,
    /// The URL of the schema: the server's, with the schema as the search path.
    pub url: String,
}

/// A fresh schema on the server named by `PROSCRIBE_TEST_POSTGRES` (a URL; `.ci/postgres.sh
/// start DIR` starts a throwaway one), or `None` (after a message) when it is not set.
///
/// # Panics
/// When it is not set and `CI` is, because CI must run the tests on PostgreSQL; or when the
/// server does not answer.
pub fn postgres_schema() -> Option<PostgresSchema> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = match std::env::var("PROSCRIBE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set and PROSCRIBE_TEST_POSTGRES is not: the tests must run on PostgreSQL too")
        }
        _ => {
            eprintln!("skipped: set PROSCRIBE_TEST_POSTGRES to a PostgreSQL URL to run this test on it");
            return None;
        }
    };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").subsec_nanos();
    let name = format!("t{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("the test server answers");
    client.batch_execute(&format!("CREATE SCHEMA {name}")).expect("a schema");
    let sep = if admin.contains('?') { '&' } else { '?' };
    let url = format!("{admin}{sep}options=-c%20search_path%3D{name}");
    Some(PostgresSchema { admin, name, url })
}

impl Drop for PostgresSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixtures keep the originals' formats: an edit by hand that changes line endings or
    /// drops the end byte would make them test something other than the real files.
    #[test]
    fn fixtures_keep_the_official_formats() {
        for (rel, declaration, date) in [
            ("un/consolidated.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n", "2026-02-27T"),
            ("un/history/consolidated-2024-11-30.xml", "<?xml version='1.0' encoding='UTF-8'?>\n", "2024-11-30T"),
        ] {
            let text = std::fs::read_to_string(fixture(rel)).unwrap();
            assert!(text.starts_with(declaration), "{rel}");
            assert!(
                text.contains(&format!("dateGenerated=\"{date}")) || text.contains(&format!("dateGenerated='{date}"))
            );
            assert!(!text.contains('\r'), "{rel}: LF line endings, as the original");
            assert!(text.trim_end().ends_with("</CONSOLIDATED_LIST>"), "{rel}");
        }
        for (name, end_byte) in [("sdn.csv", true), ("add.csv", true), ("alt.csv", true), ("sdn_comments.csv", false)] {
            let bytes = std::fs::read(fixture(&format!("ofac/{name}"))).unwrap();
            let body = bytes.strip_suffix(b"\x1a").unwrap_or(&bytes);
            assert_eq!(body.len() < bytes.len(), end_byte, "{name}: the 0x1A end byte as in the original");
            let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
            assert!(lines.len() > 2 && lines.last().unwrap().is_empty(), "{name}");
            assert!(lines[..lines.len() - 1].iter().all(|l| l.ends_with(b"\r")), "{name}: CRLF line endings");
        }
    }
}
