//! Errors of the domain model: values that do not make sense.

/// A value that is not valid in the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A date that does not exist or cannot be read.
    #[error("invalid date: {0}")]
    InvalidDate(String),
    /// A country name or code that is not in the table.
    #[error("unknown country {0:?}")]
    UnknownCountry(String),
}
