//! Webhook subscriptions: a URL, the sources it follows, a shared secret that signs each
//! delivery, and a cursor into the change feed up to which everything was delivered. Every
//! attempt is logged in `webhook_delivery`.

use serde::{Deserialize, Serialize};

use crate::db::Row;
use crate::diffs::Change;
use crate::rows::{json, stored_by_name, text};
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

/// How an attempt to deliver a change ended. Stored in `webhook_delivery.status` by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// The receiver answered with a success status.
    Delivered,
    /// No answer, or an answer that is not a success.
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 2] = [DeliveryStatus::Delivered, DeliveryStatus::Failed];

    /// The status's name, as stored and serialized.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

stored_by_name!(DeliveryStatus, "delivery status");

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
    /// Delivered or failed.
    pub status: DeliveryStatus,
    /// The receiver's HTTP status, when it answered.
    pub http_status: Option<i64>,
    /// What went wrong, when it did.
    pub error: Option<String>,
}

/// Reads a webhook row ([`WEBHOOK_COLS`]). Sources that cannot be read are an error: an empty
/// list would mean every source.
fn webhook_row(r: &Row<'_>) -> Result<Webhook, Error> {
    let id: i64 = r.get(0)?;
    let sources: String = r.get(2)?;
    Ok(Webhook {
        id,
        url: r.get(1)?,
        sources: json(&sources, "webhook", id, "sources")?,
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
        for source in sources {
            let known: bool = self.db.scalar("SELECT EXISTS (SELECT 1 FROM source WHERE id = ?1)", &[source])?;
            if !known {
                let ids: Vec<String> = self.sources()?.into_iter().map(|s| s.id).collect();
                let known = if ids.is_empty() {
                    "the store holds no list yet".to_string()
                } else {
                    format!("the lists are: {}", ids.join(", "))
                };
                return Err(Error::NotFound(format!("unknown list {source:?} ({known})")));
            }
        }
        let tx = self.db.begin_write()?;
        let cursor: i64 = tx.scalar("SELECT coalesce(max(id), 0) FROM change", &[])?;
        let id: i64 = tx.scalar(
            "INSERT INTO webhook (url, sources, secret, created_at, cursor) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            &[&url, &serde_json::to_string(sources)?, &secret, &now(), &cursor],
        )?;
        crate::audit::append(&tx, actor, "webhook.add", &format!("webhook:{id}"), &[("webhook", id.to_string())])?;
        tx.commit()?;
        Ok(self.webhook(id)?.expect("the webhook just stored"))
    }

    /// Webhook `id`, if it is subscribed.
    pub fn webhook(&self, id: i64) -> Result<Option<Webhook>, Error> {
        self.db.first(
            &format!("SELECT {WEBHOOK_COLS} FROM webhook WHERE id = ?1 AND removed_at IS NULL"),
            &[&id],
            webhook_row,
        )
    }

    /// The subscribed webhooks.
    pub fn webhooks(&self) -> Result<Vec<Webhook>, Error> {
        self.db.rows(
            &format!("SELECT {WEBHOOK_COLS} FROM webhook WHERE removed_at IS NULL ORDER BY id"),
            &[],
            webhook_row,
        )
    }

    /// Unsubscribes webhook `id`.
    pub fn remove_webhook(&self, actor: &str, id: i64) -> Result<(), Error> {
        let tx = self.db.begin_write()?;
        let n =
            tx.execute("UPDATE webhook SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL", &[&id, &now()])?;
        if n == 0 {
            return Err(Error::NotFound(format!("no webhook {id}")));
        }
        crate::audit::append(&tx, actor, "webhook.remove", &format!("webhook:{id}"), &[("webhook", id.to_string())])?;
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
        self.db.scalar("SELECT coalesce(max(id), 0) FROM change", &[])
    }

    /// Moves webhook `id`'s cursor to `cursor` (everything up to it is delivered).
    pub fn advance_webhook(&self, id: i64, cursor: i64) -> Result<(), Error> {
        self.db.execute(
            "UPDATE webhook SET cursor = CASE WHEN cursor > ?2 THEN cursor ELSE ?2 END WHERE id = ?1",
            &[&id, &cursor],
        )?;
        Ok(())
    }

    /// Logs an attempt to deliver a change.
    pub fn log_delivery(&self, d: &Delivery) -> Result<(), Error> {
        self.db.execute(
            "INSERT INTO webhook_delivery (webhook_id, change_id, attempt, at, status, http_status, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[&d.webhook_id, &d.change_id, &d.attempt, &d.at, &d.status, &d.http_status, &d.error],
        )?;
        Ok(())
    }

    /// The delivery log of webhook `id`, oldest first.
    pub fn deliveries(&self, id: i64) -> Result<Vec<Delivery>, Error> {
        self.db.rows(
            "SELECT id, webhook_id, change_id, attempt, at, status, http_status, error FROM webhook_delivery
              WHERE webhook_id = ?1 ORDER BY id",
            &[&id],
            |r| {
                let status: String = r.get(5)?;
                Ok(Delivery {
                    webhook_id: r.get(1)?,
                    change_id: r.get(2)?,
                    attempt: r.get(3)?,
                    at: r.get(4)?,
                    status: text(&status, "webhook_delivery", r.get::<i64>(0)?, "status")?,
                    http_status: r.get(6)?,
                    error: r.get(7)?,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_webhook_whose_sources_cannot_be_read_is_an_error_not_every_source() {
        let store = Store::open_in_memory().unwrap();
        // A source the store does not know cannot be followed.
        let err = store.add_webhook("test", "https://example.org/hook", &["un-sc".into()], SECRET).unwrap_err();
        assert_eq!(err.to_string(), "unknown list \"un-sc\" (the store holds no list yet)");
        let hook = store.add_webhook("test", "https://example.org/hook", &[], SECRET).unwrap();
        store.db.execute("UPDATE webhook SET sources = 'un-sc' WHERE id = ?1", &[&hook.id]).unwrap();
        for err in [store.webhook(hook.id).unwrap_err(), store.webhooks().unwrap_err()] {
            assert!(
                matches!(&err, Error::Corrupt { table: "webhook", column: "sources", row, .. } if *row == hook.id.to_string()),
                "{err}"
            );
            assert!(err.to_string().starts_with("stored data is corrupt: webhook row 1, column sources: "), "{err}");
        }
    }

    #[test]
    fn delivery_statuses_are_stored_by_name() {
        let store = Store::open_in_memory().unwrap();
        let hook = store.add_webhook("test", "https://example.org/hook", &[], SECRET).unwrap();
        let attempt = |status| Delivery {
            webhook_id: hook.id,
            change_id: 1,
            attempt: 1,
            at: now(),
            status,
            http_status: None,
            error: None,
        };
        store.log_delivery(&attempt(DeliveryStatus::Failed)).unwrap();
        store.log_delivery(&attempt(DeliveryStatus::Delivered)).unwrap();
        let stored: Vec<String> =
            store.db.rows("SELECT status FROM webhook_delivery ORDER BY id", &[], |r| r.get(0)).unwrap();
        assert_eq!(stored, ["failed", "delivered"]);
        let read: Vec<DeliveryStatus> = store.deliveries(hook.id).unwrap().into_iter().map(|d| d.status).collect();
        assert_eq!(read, [DeliveryStatus::Failed, DeliveryStatus::Delivered]);
        assert_eq!(serde_json::to_value(DeliveryStatus::Delivered).unwrap(), "delivered");
        store.db.execute("UPDATE webhook_delivery SET status = 'maybe' WHERE id = 2", &[]).unwrap();
        assert_eq!(
            store.deliveries(hook.id).unwrap_err().to_string(),
            "stored data is corrupt: webhook_delivery row 2, column status: unknown delivery status \"maybe\""
        );
    }
}
