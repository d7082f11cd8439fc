//! Errors that stop the import of a whole file. Each names the file and, where it can, the line
//! or element and what is wrong.

/// A file that cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be opened or read. The message is the context only: the system's
    /// reason is the error's source.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not in a format proscribe reads.
    #[error("{path}: not a list file proscribe can read: {detail}")]
    UnknownFormat {
        /// The file.
        path: String,
        /// What the content looked like.
        detail: String,
    },
    /// The file is part of a list but not a list by itself (an OFAC `alt.csv` without its
    /// `sdn.csv`).
    #[error("{path}: {detail}")]
    NotAList {
        /// The file.
        path: String,
        /// What it is and what it needs.
        detail: String,
    },
    /// The file has no content.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: String,
    },
    /// The text is not UTF-8.
    #[error("{path}: line {line}: byte {offset} is not valid UTF-8 (the file must be UTF-8 encoded)")]
    Encoding {
        /// The file.
        path: String,
        /// 1-based line of the first bad byte.
        line: u64,
        /// Byte offset of the first bad byte.
        offset: u64,
    },
    /// The file is in the recognised format but broken as a whole.
    #[error("{path}{}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default(), element.as_ref().map(|e| format!(" <{e}>")).unwrap_or_default())]
    Malformed {
        /// The file.
        path: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// The element or field, when known.
        element: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The file goes over one of the import's [`crate::Limits`]: crafted, broken, or (rarely)
    /// genuine and larger than the limit foresees, which `--limit NAME=VALUE` raises.
    #[error("{path}: {at}: {what} is over the limit {limit}={value} (refused; if the file is genuine, raise the limit with --limit {limit}=N)")]
    Limit {
        /// The file.
        path: String,
        /// Where: a line, a cell, an element path.
        at: String,
        /// What went over the limit.
        what: String,
        /// The limit's name, as `--limit` takes it.
        limit: &'static str,
        /// The limit's value.
        value: u64,
    },
    /// The scratch database a format that joins records across its file keeps on disk
    /// (FollowTheMoney's) failed: the temporary folder is not writable or full. Not a fault
    /// of the file.
    #[error("{path}: the import's scratch database in the temporary folder failed to {action}")]
    Scratch {
        /// The file being read.
        path: String,
        /// What it was doing.
        action: &'static str,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The sink refused an entity (the store failed): its message and source, as they are.
    #[error(transparent)]
    Sink(Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// A malformed-file error at a line.
    pub fn malformed(
        path: &std::path::Path,
        line: Option<u64>,
        element: Option<&str>,
        message: impl Into<String>,
    ) -> Error {
        Error::Malformed {
            path: path.display().to_string(),
            line,
            element: element.map(str::to_string),
            message: message.into(),
        }
    }
}
