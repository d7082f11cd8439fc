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
