//! The registry's questions with one policy for every interface. A diff of a version is
//! against the version of the same source before it unless another is named ([`Against`]):
//! the command line, the API and the web UI all compare alike.

use proscribe_store::{Store, VersionDiff, VersionInfo};

use crate::Result;

/// What a version is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The version of the same source before it (nothing, for the first).
    Previous,
    /// Nothing: every entity of the version is added.
    Nothing,
    /// Another version of the same source, by id.
    Version(i64),
}

/// A diff between two versions of one source, with what it compares.
#[derive(Debug)]
pub struct Diff {
    /// The source.
    pub source: String,
    /// Every version of the source, oldest first.
    pub versions: Vec<VersionInfo>,
    /// The version compared with, if any.
    pub from: Option<VersionInfo>,
    /// The version compared.
    pub to: VersionInfo,
    /// What changed.
    pub changes: VersionDiff,
}

/// The diff of version `to` against `against`. An unknown version, or one of another source,
/// is not found.
pub fn diff(store: &Store, to: i64, against: Against) -> Result<Diff> {
    let to = store.version(to)?;
    let versions = store.versions(&to.source_id)?;
    let from = match against {
        Against::Nothing => None,
        Against::Previous => versions.iter().take_while(|v| v.id != to.id).last().cloned(),
        Against::Version(id) => Some(versions.iter().find(|v| v.id == id).cloned().ok_or_else(|| {
            proscribe_store::Error::NotFound(format!("version {id} is not a version of {}", to.source_id))
        })?),
    };
    let changes = store.diff(from.as_ref().map(|v| v.id), to.id)?;
    Ok(Diff { source: to.source_id.clone(), versions, from, to, changes })
}
