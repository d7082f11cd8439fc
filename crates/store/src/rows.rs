//! Reading stored values back, shared by every query: JSON columns, record bodies and the text
//! of stored kinds, decoded or reported as [`Error::Corrupt`] with the table, row and column.
//! A value that cannot be read is never replaced by a default: an empty list of a webhook's
//! sources would mean "every source".

use proscribe_model::{Entity, PartialDate};
use serde::de::DeserializeOwned;

use crate::db::Db;
use crate::Error;

/// Decodes the JSON `text` of `column` of row `row` of `table`.
pub(crate) fn json<T: DeserializeOwned>(
    text: &str,
    table: &'static str,
    row: impl ToString,
    column: &'static str,
) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::corrupt(table, row, column, e))
}

/// A kind or status stored as its name.
pub(crate) trait StoredText: Sized {
    /// What the value is, for the message of a name this build does not know.
    const WHAT: &'static str;

    /// The value of a stored name.
    fn from_stored(name: &str) -> Option<Self>;
}

/// Implements `Display` (padded), [`crate::db::Arg`] and [`StoredText`] for an enum of the store written
/// as its name: `as_str` gives the name and `ALL` lists the values.
macro_rules! stored_by_name {
    ($t:ty, $what:literal) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl crate::db::Arg for $t {
            fn arg(&self) -> crate::db::Value<'_> {
                crate::db::Value::Text(self.as_str().into())
            }
        }

        impl crate::rows::StoredText for $t {
            const WHAT: &'static str = $what;

            fn from_stored(name: &str) -> Option<$t> {
                <$t>::ALL.into_iter().find(|v| v.as_str() == name)
            }
        }
    };
}
pub(crate) use stored_by_name;

/// Reads the name stored in `column` of row `row` of `table`.
pub(crate) fn text<T: StoredText>(
    name: &str,
    table: &'static str,
    row: impl ToString,
    column: &'static str,
) -> Result<T, Error> {
    T::from_stored(name).ok_or_else(|| Error::corrupt(table, row, column, format!("unknown {} {name:?}", T::WHAT)))
}

/// Decodes the body of record `id`.
pub(crate) fn record(body: &str, id: i64) -> Result<Entity, Error> {
    json(body, "record", id, "body")
}

/// Reads and decodes record `id`.
pub(crate) fn load_record(db: &Db, id: i64) -> Result<Entity, Error> {
    let body: String = db.scalar("SELECT body FROM record WHERE id = ?1", &[&id])?;
    record(&body, id)
}

/// The last instant of `day`, to compare with versions' effective instants.
pub(crate) fn end_of_day(day: &PartialDate) -> String {
    format!("{}T23:59:59Z", day.latest())
}
