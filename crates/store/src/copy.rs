//! Moving a registry to another store (`proscribe migrate --to`): every row of every table, ids
//! kept, in one transaction on the destination. The audit trail comes along as it is, and
//! since rows keep their values and types, the copy verifies with the same head.

use crate::db::Value;
use crate::{Error, Store};

/// Every table, in an order that writes a row after the rows it refers to, with its columns.
const TABLES: &[(&str, &[&str])] = &[
    ("source", &["id", "title", "format", "info"]),
    (
        "version",
        &[
            "id",
            "source_id",
            "sha256",
            "published",
            "effective",
            "imported_at",
            "files",
            "entities",
            "names",
            "designations",
            "diagnostics",
            "audit_seq",
        ],
    ),
    ("record", &["id", "hash", "body"]),
    ("member", &["version_id", "entity_id", "record", "line"]),
    ("entity_ref", &["key", "entity_id"]),
    ("same_as", &["entity_id", "other_id"]),
    ("authority", &["id", "body"]),
    ("list", &["id", "source_id", "body"]),
    (
        "change",
        &["id", "source_id", "version_id", "prev_version_id", "entity_id", "kind", "reference", "caption", "detail"],
    ),
    ("fetch_state", &["url", "etag", "last_modified", "sha256", "fetched_at"]),
    ("api_key", &["id", "name", "role", "hash", "created_at", "revoked_at", "bodies"]),
    ("audit", &["seq", "at", "actor", "action", "subject", "digest", "prev", "hash"]),
    ("audit_write", &["seq", "tbl", "key", "digest", "rows"]),
    ("webhook", &["id", "url", "sources", "secret", "created_at", "removed_at", "cursor"]),
    ("webhook_delivery", &["id", "webhook_id", "change_id", "attempt", "at", "status", "http_status", "error"]),
    ("wf_role", &["list_id", "body_id", "role"]),
    (
        "wf_proposal",
        &["id", "list_id", "entity_id", "state", "body", "new_entity", "created_at", "updated_at", "published_version"],
    ),
    ("resolve_decision", &["id", "a", "b", "verdict", "reason", "actor", "decided_at", "undone_at", "undone_by"]),
];

/// The tables whose ids a store numbers itself (the next id follows the copied ones).
const NUMBERED: &[&str] =
    &["version", "record", "change", "api_key", "webhook", "webhook_delivery", "wf_proposal", "resolve_decision"];

impl Store {
    /// Copies everything this store holds into `to`, which must hold nothing yet (no list,
    /// key, audit record or workflow role), in one transaction: a failure leaves `to` as it
    /// was. `progress` is told each table's name and the rows copied so far. Returns the
    /// rows copied per table.
    pub fn copy_to(
        &self,
        to: &mut Store,
        mut progress: impl FnMut(&str, u64),
    ) -> Result<Vec<(&'static str, u64)>, Error> {
        for table in ["source", "audit", "api_key", "wf_role", "webhook", "resolve_decision"] {
            let n: i64 = to.db.scalar(&format!("SELECT count(*) FROM {table}"), &[])?;
            if n > 0 {
                return Err(Error::Invalid(format!(
                    "the destination is not empty (table {table} has {n} rows): copy into a new database"
                )));
            }
        }
        let tx = to.db.begin_write()?;
        let mut counts = Vec::new();
        for (table, columns) in TABLES {
            let cols = columns.join(", ");
            let head = format!("INSERT INTO {table} ({cols})");
            let mut n = 0u64;
            let mut rows: Vec<Value<'static>> = Vec::new();
            self.db.each(&format!("SELECT {cols} FROM {table}"), &[], |row| {
                for i in 0..columns.len() {
                    rows.push(row.value(i)?.into_owned());
                }
                n += 1;
                if n.is_multiple_of(256) {
                    tx.insert_many(&head, columns.len(), &rows, "")?;
                    rows.clear();
                    progress(table, n);
                }
                Ok(())
            })?;
            tx.insert_many(&head, columns.len(), &rows, "")?;
            progress(table, n);
            counts.push((*table, n));
        }
        if to.db.dialect() == crate::db::Dialect::Postgres {
            for table in NUMBERED {
                tx.batch(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                ))?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }
}
