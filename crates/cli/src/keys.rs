//! `proscribe keys`: API keys of the HTTP service, made, listed and revoked in the store.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use proscribe_store::Role;

use crate::output::{outln, print_json, print_table};
use crate::{open_store, open_store_to_read, Cli};

/// Arguments of `proscribe keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    action: KeysAction,
}

#[derive(Debug, Subcommand)]
enum KeysAction {
    /// Make a key; its secret is printed once and never stored.
    Add {
        /// Who or what the key is for.
        name: String,
        /// reader (read and screen), editor (also import and act in the workflow) or admin
        /// (also manage keys).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A body (authority id) the key may act for in the workflow; repeat for several.
        #[arg(long = "body")]
        bodies: Vec<String>,
    },
    /// List the keys (without secrets).
    List,
    /// Revoke a key at once (a running service stops accepting it within its reload interval).
    Revoke {
        /// The key's number, from `keys list`.
        id: i64,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role {s:?} (reader, editor or admin)"))
}

/// Runs `proscribe keys`.
pub fn run(cli: &Cli, args: &KeysArgs) -> Result<()> {
    let store = match &args.action {
        KeysAction::List => open_store_to_read(cli)?,
        _ => open_store(cli)?,
    };
    match &args.action {
        KeysAction::Add { name, role, bodies } => {
            // Checked first: a refused body must not leave a key without it.
            store.check_key_bodies(*role, bodies)?;
            let secret = proscribe_app::secrets::new_secret()?;
            let mut key =
                store.add_key(&proscribe_store::local_actor(), name, *role, &secret).context("cannot store the key")?;
            if !bodies.is_empty() {
                key = store.set_key_bodies(&proscribe_store::local_actor(), key.id, bodies)?;
            }
            if cli.json {
                print_json(&serde_json::json!({ "key": key, "secret": secret }))?;
            } else {
                outln!("key {} ({}, {}): {secret}", key.id, key.name, key.role.as_str());
                eprintln!("note: the secret is shown once; it is stored only as a hash");
            }
        }
        KeysAction::List => {
            let keys = store.keys()?;
            if cli.json {
                print_json(&keys)?;
            } else {
                let rows: Vec<Vec<String>> = keys
                    .iter()
                    .map(|k| {
                        vec![
                            k.id.to_string(),
                            k.role.as_str().to_string(),
                            k.created_at.clone(),
                            k.revoked_at.clone().unwrap_or_else(|| "-".into()),
                            if k.bodies.is_empty() { "-".into() } else { k.bodies.join(", ") },
                            k.name.clone(),
                        ]
                    })
                    .collect();
                print_table(&["ID", "ROLE", "CREATED", "REVOKED", "BODIES", "NAME"], &rows);
            }
        }
        KeysAction::Revoke { id } => {
            let revoked = store.revoke_key(&proscribe_store::local_actor(), *id)?;
            outln!("key {id} {}", if revoked { "revoked" } else { "was already revoked" });
        }
    }
    Ok(())
}
