//! `proscribe audit`: the audit trail of writes, and its verification.

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use proscribe_store::Tampering;

use crate::output::{outln, print_json, print_table};
use crate::{open_store_to_read, Cli};

/// Arguments of `proscribe audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    action: AuditAction,
}

#[derive(Debug, Subcommand)]
enum AuditAction {
    /// Check the chain of audit records and the data they wrote; exits non-zero naming the
    /// first bad record, or every table row (or version's rows) not as written.
    Verify {
        /// The head hash kept from an earlier `verify` (elsewhere than the database): the
        /// chain must still contain it, so that a database rewritten whole shows.
        #[arg(long)]
        expect_head: Option<String>,
    },
    /// The audit records, oldest first.
    Log {
        /// The first record to show.
        #[arg(long, default_value_t = 1)]
        from: i64,
        /// Most records to show.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

fn tampering_word(t: Tampering) -> &'static str {
    match t {
        Tampering::Edited => "edited",
        Tampering::Inserted => "inserted",
        Tampering::Deleted => "deleted",
    }
}

/// Runs `proscribe audit`.
pub fn run(cli: &Cli, args: &AuditArgs) -> Result<()> {
    let store = open_store_to_read(cli)?;
    match &args.action {
        AuditAction::Verify { expect_head } => {
            let check = store.verify_audit()?;
            if cli.json {
                print_json(&check)?;
            }
            if let Some((seq, reason)) = &check.first_bad {
                bail!("the audit trail is broken at record {seq}: {reason}");
            }
            if !check.findings.is_empty() {
                let mut message = format!(
                    "the audit trail holds, but {} stored unit(s) are not as it says they were written:",
                    check.findings.len()
                );
                for f in &check.findings {
                    message.push_str(&format!("\n  {} {}: {}", f.table, tampering_word(f.tampering), f.detail));
                }
                bail!(message);
            }
            if let Some(head) = expect_head {
                let known = store.audit_log(1, usize::MAX)?.iter().any(|r| &r.hash == head);
                if !known {
                    bail!("the audit trail does not contain the expected head {head}: it was rewritten");
                }
            }
            if !cli.json {
                outln!(
                    "audit trail intact: {} records, the data of {} tables as written; head {}",
                    check.records,
                    check.covered.len(),
                    check.head
                );
            }
        }
        AuditAction::Log { from, limit } => {
            let records = store.audit_log(*from, *limit)?;
            if cli.json {
                return print_json(&records);
            }
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    vec![
                        r.seq.to_string(),
                        r.at.clone(),
                        r.action.clone(),
                        r.subject.clone(),
                        r.actor.clone(),
                        r.hash[..16].to_string(),
                    ]
                })
                .collect();
            print_table(&["SEQ", "AT", "ACTION", "SUBJECT", "ACTOR", "HASH"], &rows);
        }
    }
    Ok(())
}
