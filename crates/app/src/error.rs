//! The application layer's error: what went wrong in a use case, with the store's and the
//! importer's errors kept as they are (they name the file, line or record).

use std::path::PathBuf;

/// A result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A list file is broken or cannot be read; the message names the file and line.
    #[error(transparent)]
    Import(#[from] proscribe_import::Error),
    /// The store failed, refused a write, or holds data it cannot read.
    #[error(transparent)]
    Store(#[from] proscribe_store::Error),
    /// An index file cannot be used (missing, damaged, cut, written by another build, or
    /// without what proscribe writes beside the index).
    #[error(transparent)]
    IndexFile(#[from] proscribe_matching::index::IndexFileError),
    /// A file could not be opened, read or written.
    #[error("cannot {action} {}", path.display())]
    File {
        /// What was attempted: `open`, `read`, `create`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Reading a caller's input or writing an output failed (a closed pipe included).
    #[error("cannot {0}")]
    Stream(&'static str, #[source] std::io::Error),
    /// Input the caller gave cannot be used (a batch without its name column, a list file
    /// describing another source than planned).
    #[error("{0}")]
    Input(String),
    /// A new version would remove more of its source's entities than allowed.
    #[error(
        "{source_id}: the new version would remove {removed} of {of} entities, more than {percent}%: a list that shrinks so much is more often a broken download; import it with --allow-mass-change if it is right"
    )]
    MassRemoval {
        /// The source.
        source_id: String,
        /// Entities the version would remove.
        removed: usize,
        /// Entities in the previous version.
        of: usize,
        /// The share allowed, in percent.
        percent: f64,
    },
    /// Something the process needs from the system is not there (randomness).
    #[error("{0}")]
    System(String),
}

impl Error {
    /// Whether the error is a closed output (a reader such as `head` went away).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Stream(_, e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
