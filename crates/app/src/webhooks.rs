//! Delivering the change feed to webhooks. Each change is posted as JSON, in feed order, to
//! every webhook that follows its source, signed with the webhook's secret:
//! `X-Proscribe-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))`, with the
//! timestamp in `X-Proscribe-Timestamp` and the change's cursor in `X-Proscribe-Delivery`.
//! A failed attempt (a network error or a status other than 2xx) is retried with exponential
//! backoff; when the attempts run out, the webhook's pass stops there, so that changes are
//! never delivered out of order, and the next pass starts again from the same change. Every
//! attempt is logged in the store.

use std::time::Duration;

use hmac::{Hmac, Mac};
use proscribe_store::{Delivery, DeliveryStatus, Store, Webhook};
use serde::Serialize;
use sha2::Sha256;

use crate::Result;

/// How deliveries are attempted.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryOptions {
    /// Attempts per change in one pass.
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each next one.
    pub first_delay: Duration,
    /// Longest a receiver may take to answer.
    pub timeout: Duration,
    /// Most changes delivered to one webhook in one pass.
    pub batch: usize,
}

impl Default for DeliveryOptions {
    fn default() -> DeliveryOptions {
        DeliveryOptions {
            attempts: 5,
            first_delay: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
            batch: 1000,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// Changes delivered.
    pub delivered: usize,
    /// Failed attempts.
    pub failed_attempts: usize,
    /// Webhooks whose pass stopped at a change that could not be delivered.
    pub stalled: Vec<i64>,
}

/// The signature of `body` sent at `timestamp` with `secret`.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn attempt(agent: &ureq::Agent, hook: &Webhook, cursor: i64, body: &[u8]) -> (Option<i64>, Option<String>) {
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let sent = agent
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("x-proscribe-delivery", cursor.to_string())
        .header("x-proscribe-timestamp", &timestamp)
        .header("x-proscribe-signature", signature(&hook.secret, &timestamp, body))
        .send(body);
    match sent {
        Ok(r) if r.status().is_success() => (Some(i64::from(r.status().as_u16())), None),
        Ok(r) => (Some(i64::from(r.status().as_u16())), Some(format!("the receiver answered {}", r.status()))),
        Err(e) => (None, Some(e.to_string())),
    }
}

/// Delivers what every webhook has pending, in order, once. Of several processes sharing one
/// database, one delivers at a time ([`Store::with_lease`]); the others pass, reporting
/// nothing.
pub fn deliver_pending(store: &Store, options: &DeliveryOptions) -> Result<PassReport> {
    store.with_lease("webhooks", || deliver(store, options))?.unwrap_or_else(|| Ok(PassReport::default()))
}

fn deliver(store: &Store, options: &DeliveryOptions) -> Result<PassReport> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(options.timeout)).build().into();
    let mut report = PassReport::default();
    for hook in store.webhooks()? {
        // Read first: every change up to here that the webhook follows is in `pending`.
        let newest = store.data_changes_max()?;
        let pending = store.webhook_pending(&hook, options.batch)?;
        let complete = pending.len() < options.batch;
        let mut stalled = false;
        'changes: for change in pending {
            let cursor = change.cursor.unwrap_or_default();
            let body =
                serde_json::json!({ "webhook": hook.id, "cursor": cursor, "change": change }).to_string().into_bytes();
            let mut delay = options.first_delay;
            for n in 1..=options.attempts {
                let (http_status, error) = attempt(&agent, &hook, cursor, &body);
                let delivered = error.is_none();
                store.log_delivery(&Delivery {
                    webhook_id: hook.id,
                    change_id: cursor,
                    attempt: i64::from(n),
                    at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                    status: if delivered { DeliveryStatus::Delivered } else { DeliveryStatus::Failed },
                    http_status,
                    error: error.clone(),
                })?;
                if delivered {
                    store.advance_webhook(hook.id, cursor)?;
                    report.delivered += 1;
                    continue 'changes;
                }
                report.failed_attempts += 1;
                tracing::warn!(
                    webhook = hook.id,
                    change = cursor,
                    attempt = n,
                    error = error.as_deref().unwrap_or(""),
                    "delivery failed"
                );
                if n < options.attempts {
                    std::thread::sleep(delay);
                    delay *= 2;
                }
            }
            // Not delivered: later changes wait, to keep the order.
            report.stalled.push(hook.id);
            stalled = true;
            break;
        }
        // Changes of sources the webhook does not follow are passed over.
        if !stalled && complete {
            store.advance_webhook(hook.id, newest)?;
        }
    }
    Ok(report)
}
