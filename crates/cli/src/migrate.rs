//! `proscribe migrate --to FILE|URL`: moves the registry (every version, the workflow, keys,
//! webhooks, decisions and the audit trail) into a new store, typically from an SQLite file
//! into PostgreSQL. The copy's audit trail verifies with the same head.

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proscribe_store::{Location, Store};

use crate::output::{outln, print_json};
use crate::{open_store, Cli};

/// Arguments of `proscribe migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The new store: a PostgreSQL URL (postgres://user@host/db) or an SQLite file that does
    /// not exist yet. It must hold nothing.
    #[arg(long, value_parser = Location::parse, value_name = "FILE|URL")]
    to: Location,
}

/// Runs `proscribe migrate`.
pub fn run(cli: &Cli, args: &MigrateArgs) -> Result<()> {
    let from = open_store(cli)?;
    let (location, _) = crate::database(cli);
    if location == args.to {
        bail!("--to names the database being moved ({location}): name a new one");
    }
    if let Some(path) = args.to.file() {
        if path.exists() {
            bail!("{} exists: give a new file, or a postgres:// URL", path.display());
        }
    }
    let before = from.verify_audit().context("verifying the audit trail before moving")?;
    if !before.intact() {
        bail!("the audit trail of {location} does not verify (`proscribe audit verify` says why): it is not moved");
    }
    let mut to = Store::open_at(&args.to).with_context(|| format!("cannot open database {}", args.to))?;
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        ProgressBar::new_spinner()
            .with_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"))
    });
    let counts = from.copy_to(&mut to, |table, rows| {
        if let Some(b) = &bar {
            b.set_message(format!("{table}: {rows} rows"));
            b.tick();
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let counts = counts.with_context(|| format!("copying into {}", args.to))?;
    let after = to.verify_audit()?;
    if !after.intact() || after.head != before.head {
        bail!("the copy's audit trail does not verify with the head of {location}: do not use {}", args.to);
    }
    if cli.json {
        let tables: serde_json::Map<String, serde_json::Value> =
            counts.iter().map(|(t, n)| (t.to_string(), (*n).into())).collect();
        print_json(&serde_json::json!({
            "from": location.to_string(),
            "to": args.to.to_string(),
            "rows": tables,
            "audit_records": after.records,
            "head": after.head,
        }))?;
        return Ok(());
    }
    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    outln!("moved {location} to {}: {rows} rows in {} tables", args.to, counts.len());
    outln!("audit trail intact: {} records, head {} (as before)", after.records, after.head);
    Ok(())
}
