//! Test support shared by proscribe's crates. Real list files are not part of the repository:
//! they live in a `shared/data` folder beside it (or where `PROSCRIBE_SHARED_DATA` points).
//! Tests that need them call [`shared_data`], which skips with a message when the folder is
//! absent and fails when `CI` is set, because CI must run them.
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
