//! The example registry that ships with proscribe: national lists of Russia, Kazakhstan and
//! Kyrgyzstan and the acts of recognition around the Taliban, from sourced facts
//! (`examples/registry/`), and the lists' changes from 2023 on replayed through the designation
//! workflow (`examples/workflow/taliban-delistings.yaml`). It lets every command run with no
//! lists and no network.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use proscribe_model::workflow::{Action, BodyRole, Proposal, ProposalKind};
use proscribe_store::{local_actor, Store};
use serde::Deserialize;

use crate::import::{import_paths, ImportReport};

/// What the example registry's source ids begin with.
pub const SOURCE_PREFIX: &str = "example-";

/// Whether `store` holds the example registry (which lives in a database of its own).
pub fn holds_example(store: &Store) -> Result<bool> {
    Ok(store.sources()?.iter().any(|s| s.id.starts_with(SOURCE_PREFIX)))
}

/// The example registry files, compiled in.
const EXAMPLE_REGISTRY: [(&str, &str); 4] = [
    ("taliban.yaml", include_str!("../../../examples/registry/taliban.yaml")),
    ("ru-terrorist-organisations.yaml", include_str!("../../../examples/registry/ru-terrorist-organisations.yaml")),
    (
        "kz-banned-terrorist-organisations.yaml",
        include_str!("../../../examples/registry/kz-banned-terrorist-organisations.yaml"),
    ),
    ("kg-banned-organisations.yaml", include_str!("../../../examples/registry/kg-banned-organisations.yaml")),
];

/// The workflow replayed on the example registry, compiled in.
const EXAMPLE_WORKFLOW: &str = include_str!("../../../examples/workflow/taliban-delistings.yaml");

/// A workflow to replay: roles per list, then proposals with their actions in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Replay {
    /// list → body → roles.
    roles: BTreeMap<String, BTreeMap<String, Vec<BodyRole>>>,
    proposals: Vec<ReplayProposal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplayProposal {
    kind: ProposalKind,
    list: String,
    entity: String,
    proposers: Vec<String>,
    statement: String,
    actions: Vec<Action>,
}

/// Imports the example registry into `store`, through the same importer as any file, then
/// replays the example workflow on it unless its proposals are already there.
pub fn import_example(store: &mut Store) -> Result<ImportReport> {
    let dir = tempfile::tempdir()?;
    let mut paths = Vec::new();
    for (name, text) in EXAMPLE_REGISTRY {
        let path = dir.path().join(name);
        std::fs::write(&path, text)?;
        paths.push(path);
    }
    let mut report = import_paths(store, &paths, &proscribe_app::import::ImportOptions::default())?;
    // The temporary copies' paths mean nothing to the reader: name the files they came from.
    for list in &mut report.imported {
        for file in &mut list.files {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            *file = format!("examples/registry/{name} (built in)").into();
        }
    }
    replay(store, EXAMPLE_WORKFLOW).context("examples/workflow/taliban-delistings.yaml (built in)")?;
    Ok(report)
}

/// Grants the roles and makes and acts on the proposals of `text`, unless the lists it names
/// already have proposals (a store the example was loaded into before).
fn replay(store: &mut Store, text: &str) -> Result<()> {
    let replay: Replay = serde_norway::from_str(text)?;
    for list in replay.roles.keys() {
        if !store.proposals(Some(list))?.is_empty() {
            return Ok(());
        }
    }
    let actor = local_actor();
    for (list, bodies) in &replay.roles {
        for (body, roles) in bodies {
            for role in roles {
                store.grant_role(&actor, list, body, *role)?;
            }
        }
    }
    for (i, p) in replay.proposals.into_iter().enumerate() {
        let roles = store.roles(&p.list)?;
        let proposers: Vec<&str> = p.proposers.iter().map(String::as_str).collect();
        let draft = Proposal::draft(p.kind, &p.list, &p.entity, &proposers, &p.statement, &roles)
            .with_context(|| format!("proposals[{i}]"))?;
        let id = store.create_proposal(&actor, draft, None).with_context(|| format!("proposals[{i}]"))?;
        for (j, action) in p.actions.into_iter().enumerate() {
            store.act(&actor, id, action).with_context(|| format!("proposals[{i}].actions[{j}]"))?;
        }
    }
    Ok(())
}
