//! `proscribe webhooks`: subscriptions to the change feed, delivered signed (see
//! `proscribe_app::webhooks`). `proscribe serve` delivers in the background; `deliver`
//! runs one pass (for a scheduler, or without the service).

use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use proscribe_app::webhooks::{deliver_pending, DeliveryOptions};
use proscribe_store::local_actor;

use crate::output::{outln, print_json};
use crate::{open_store, Cli};

/// Arguments of `proscribe webhooks`.
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    action: WebhooksAction,
}

#[derive(Debug, Subcommand)]
enum WebhooksAction {
    /// Subscribe a URL to the changes from now on; prints the secret that signs deliveries.
    Add {
        /// Where changes are posted (http or https).
        url: String,
        /// Follow only these sources (repeat; default: every source).
        #[arg(long = "lists", value_delimiter = ',')]
        sources: Vec<String>,
    },
    /// The subscriptions.
    List,
    /// Unsubscribe.
    Remove {
        /// The webhook's number.
        id: i64,
    },
    /// Deliver what is pending, once.
    Deliver {
        /// Attempts per change before the pass stops at it.
        #[arg(long, default_value_t = 5)]
        attempts: u32,
        /// Milliseconds before the second attempt, doubled before each next one.
        #[arg(long, default_value_t = 500)]
        retry_delay_ms: u64,
    },
    /// The delivery log of a webhook.
    Log {
        /// The webhook's number.
        id: i64,
    },
}

/// Runs `proscribe webhooks`.
pub fn run(cli: &Cli, args: &WebhooksArgs) -> Result<()> {
    let store = open_store(cli)?;
    match &args.action {
        WebhooksAction::Add { url, sources } => {
            let secret = proscribe_app::secrets::new_secret()?;
            let hook = store.add_webhook(&local_actor(), url, sources, &secret).context("cannot add the webhook")?;
            if cli.json {
                print_json(&serde_json::json!({ "webhook": hook, "secret": secret }))?;
            } else {
                outln!("webhook {} → {}: secret {secret}", hook.id, hook.url);
            }
        }
        WebhooksAction::List => {
            let hooks = store.webhooks()?;
            if cli.json {
                return print_json(&hooks);
            }
            for h in hooks {
                let sources = if h.sources.is_empty() { "every source".to_string() } else { h.sources.join(", ") };
                outln!("{:<4} {}  ({sources}; delivered up to change {})", h.id, h.url, h.cursor);
            }
        }
        WebhooksAction::Remove { id } => {
            store.remove_webhook(&local_actor(), *id)?;
            outln!("webhook {id} removed");
        }
        WebhooksAction::Deliver { attempts, retry_delay_ms } => {
            let options = DeliveryOptions {
                attempts: (*attempts).max(1),
                first_delay: Duration::from_millis(*retry_delay_ms),
                ..DeliveryOptions::default()
            };
            let report = deliver_pending(&store, &options)?;
            if cli.json {
                print_json(&report)?;
            } else {
                outln!(
                    "{} changes delivered, {} failed attempts{}",
                    report.delivered,
                    report.failed_attempts,
                    if report.stalled.is_empty() { String::new() } else { format!("; stalled: {:?}", report.stalled) }
                );
            }
            if !report.stalled.is_empty() {
                anyhow::bail!(
                    "webhooks {:?} could not be delivered to; they resume at the same change",
                    report.stalled
                );
            }
        }
        WebhooksAction::Log { id } => {
            let log = store.deliveries(*id)?;
            if cli.json {
                return print_json(&log);
            }
            for d in log {
                outln!(
                    "{}  change {:<6} attempt {}  {:<9} {}",
                    d.at,
                    d.change_id,
                    d.attempt,
                    d.status,
                    d.error.or(d.http_status.map(|s| s.to_string())).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
