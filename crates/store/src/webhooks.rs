//! Webhook subscriptions: a URL, the sources it follows, a shared secret that signs each
//! delivery, and a cursor into the change feed up to which everything was delivered. Every
//! attempt is logged in `webhook_delivery`.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::query::Change;
use crate::{now, Error, Store};

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Its number.
    pub id: i64,
    /// Where changes are posted.
    pub url: String,
    /// The sources it follows (empty: every source).
    pub sources: Vec<String>,
    /// The secret that signs deliveries (HMAC-SHA256).
    #[serde(skip_serializing)]
    pub secret: String,
    /// When it was added.
    pub created_at: String,
    /// The last change delivered (or passed over by the source filter).
    pub cursor: i64,
}

/// One attempt to deliver a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The subscription.
    pub webhook_id: i64,
    /// The change (its feed cursor).
    pub change_id: i64,
    /// Which attempt, from 1.
    pub attempt: i64,
    /// When.
    pub at: String,
    /// `delivered` or `failed`.
    pub status: String,
    /// The receiver's HTTP status, when it answered.
    pub http_status: Option<i64>,
    /// What went wrong, when it did.
    pub error: Option<String>,
}

fn webhook_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Webhook> {
    let sources: String = r.get(2)?;
    Ok(Webhook {
        id: r.get(0)?,
        url: r.get(1)?,
        sources: serde_json::from_str(&sources).unwrap_or_default(),
        secret: r.get(3)?,
        created_at: r.get(4)?,
        cursor: r.get(5)?,
    })
}

const WEBHOOK_COLS: &str = "id, url, sources, secret, created_at, cursor";

impl Store {
    /// Subscribes `url` to the changes of `sources` (none: all) made from now on.
    pub fn add_webhook(&self, actor: &str, url: &str, sources: &[String], secret: &str) -> Result<Webhook, Error> {
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
            return Err(Error::Invalid(format!("{url:?} is not an http(s) URL")));
        }
        if secret.len() < 32 {
            return Err(Error::Invalid("a webhook's secret is at least 32 characters".into()));
        }
        let tx = self.conn.unchecked_transaction()?;
        let cursor: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM change", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO webhook (url, sources, secret, created_at, cursor) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![url, serde_json::to_string(sources)?, secret, now(), cursor],
        )?;
        let id = tx.last_insert_rowid();
        let payload = serde_json::json!({ "url": url, "sources": sources });
        crate::audit::append(&tx, actor, "webhook.add", &format!("webhook:{id}"), payload.to_string().as_bytes())?;
        tx.commit()?;
        Ok(self.webhook(id)?.expect("the webhook just stored"))
    }

    /// Webhook `id`, if it is subscribed.
    pub fn webhook(&self, id: i64) -> Result<Option<Webhook>, Error> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {WEBHOOK_COLS} FROM webhook WHERE id = ?1 AND removed_at IS NULL"),
                [id],
                webhook_row,
            )
            .optional()?)
    }

    /// The subscribed webhooks.
    pub fn webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {WEBHOOK_COLS} FROM webhook WHERE removed_at IS NULL ORDER BY id"))?;
        let rows = stmt.query_map([], webhook_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Unsubscribes webhook `id`.
    pub fn remove_webhook(&self, actor: &str, id: i64) -> Result<(), Error> {
        let tx = self.conn.unchecked_transaction()?;
        let n =
            tx.execute("UPDATE webhook SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL", params![id, now()])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no webhook {id}")));
        }
        crate::audit::append(&tx, actor, "webhook.remove", &format!("webhook:{id}"), id.to_string().as_bytes())?;
        tx.commit()?;
        Ok(())
    }

    /// The next changes webhook `hook` follows after its cursor, oldest first, at most `limit`.
    pub fn webhook_pending(&self, hook: &Webhook, limit: usize) -> Result<Vec<Change>, Error> {
        let mut out = Vec::new();
        let mut cursor = hook.cursor;
        // Changes of other sources are passed over, a page at a time.
        loop {
            let page = self.changes_since(cursor, 500)?;
            let Some(last) = page.last().and_then(|c| c.cursor) else { break };
            for c in page {
                if hook.sources.is_empty() || hook.sources.contains(&c.source_id) {
                    out.push(c);
                    if out.len() == limit {
                        return Ok(out);
                    }
                }
            }
            cursor = last;
        }
        Ok(out)
    }

    /// The newest change's cursor (0: none).
    pub fn data_changes_max(&self) -> Result<i64, Error> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM change", [], |r| r.get(0))?)
    }

    /// Moves webhook `id`'s cursor to `cursor` (everything up to it is delivered).
    pub fn advance_webhook(&self, id: i64, cursor: i64) -> Result<(), Error> {
        self.conn.execute("UPDATE webhook SET cursor = max(cursor, ?2) WHERE id = ?1", params![id, cursor])?;
        Ok(())
    }

    /// Logs an attempt to deliver a change.
    pub fn log_delivery(&self, d: &Delivery) -> Result<(), Error> {
        self.conn.execute(
            "INSERT INTO webhook_delivery (webhook_id, change_id, attempt, at, status, http_status, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![d.webhook_id, d.change_id, d.attempt, d.at, d.status, d.http_status, d.error],
        )?;
        Ok(())
    }

    /// The delivery log of webhook `id`, oldest first.
    pub fn deliveries(&self, id: i64) -> Result<Vec<Delivery>, Error> {
        let mut stmt = self.conn.prepare(
            "SELECT webhook_id, change_id, attempt, at, status, http_status, error FROM webhook_delivery
              WHERE webhook_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(Delivery {
                    webhook_id: r.get(0)?,
                    change_id: r.get(1)?,
                    attempt: r.get(2)?,
                    at: r.get(3)?,
                    status: r.get(4)?,
                    http_status: r.get(5)?,
                    error: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
