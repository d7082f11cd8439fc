//! The example registry that ships with proscribe (`examples/registry/taliban.yaml`): national
//! lists of Russia, Kazakhstan and Kyrgyzstan and the acts of recognition around the Taliban,
//! from sourced facts. It lets every command run with no lists and no network.

use anyhow::Result;
use proscribe_store::Store;

use crate::import::{import_paths, ImportReport};

/// The example registry file, compiled in.
pub const EXAMPLE_REGISTRY: &str = include_str!("../../../examples/registry/taliban.yaml");

/// Imports the example registry into `store`, through the same importer as any file.
pub fn import_example(store: &mut Store) -> Result<ImportReport> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("taliban.yaml");
    std::fs::write(&path, EXAMPLE_REGISTRY)?;
    let mut report = import_paths(store, &[path], None)?;
    // The temporary copy's path means nothing to the reader: name the file it was built from.
    for list in &mut report.imported {
        list.files = vec!["examples/registry/taliban.yaml (built in)".into()];
    }
    Ok(report)
}
