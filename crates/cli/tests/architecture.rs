//! Architecture invariants, checked over `cargo metadata`: dependencies point one way, and
//! only the binary knows the command line, the network and the terminal.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::repo_root;

fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn dependencies_point_one_way() {
    let deps = dependencies();
    let has = |krate: &str, dep: &str| deps[krate].contains(dep);
    // The model knows no other crate of ours and does no I/O.
    for dep in ["proscribe-import", "proscribe-store", "rusqlite", "quick-xml", "csv", "clap", "ureq"] {
        assert!(!has("proscribe-model", dep), "model depends on {dep}");
    }
    // Importers and the store do not know each other; only the store keeps data in a
    // database (the FollowTheMoney importer's scratch space is SQLite too: see the test below).
    assert!(!has("proscribe-import", "proscribe-store"));
    assert!(!has("proscribe-store", "proscribe-import"));
    // Name matching sits on the model alone: text ← matching, no lists, no database; its
    // index files are read and written through the segment files.
    assert!(!has("proscribe-text", "proscribe-matching"));
    for krate in ["proscribe-text", "proscribe-matching"] {
        for dep in ["proscribe-import", "proscribe-store", "rusqlite", "csv", "quick-xml", "calamine", "walkdir"] {
            assert!(!has(krate, dep), "{krate} depends on {dep}");
        }
    }
    // The service knows HTTP (serving, and posting to webhooks) and the store, not the
    // command line, the terminal or importers.
    for dep in ["clap", "indicatif", "proscribe-import"] {
        assert!(!has("proscribe-server", dep), "proscribe-server depends on {dep}");
    }
    // Segment files are a container of bytes: they know none of our crates, and no other
    // crate maps a file into memory (the one `unsafe` call of the workspace is theirs).
    for (krate, d) in &deps {
        assert!(
            !deps["proscribe-segment"].contains(krate.as_str()) || !krate.starts_with("proscribe-"),
            "segment files depend on {krate}"
        );
        assert!(krate == "proscribe-segment" || !d.contains("memmap2"), "{krate} maps files itself");
    }
    // The Python package is an adapter over the application layer, as the binary is: no HTTP
    // server, command line or terminal, no importer; and no crate of ours depends on it.
    for dep in ["clap", "indicatif", "axum", "tokio", "proscribe-server", "proscribe-cli", "proscribe-import"] {
        assert!(!has("proscribe-python", dep), "proscribe-python depends on {dep}");
    }
    for (krate, d) in &deps {
        assert!(!d.contains("proscribe-python"), "{krate} depends on the Python package");
    }
    // Only the binary and the service know the command line, HTTP and the terminal.
    for krate in ["proscribe-model", "proscribe-text", "proscribe-matching", "proscribe-import", "proscribe-store"] {
        for dep in ["clap", "ureq", "indicatif", "anyhow", "tokio", "axum"] {
            assert!(!has(krate, dep), "{krate} depends on {dep}");
        }
    }
}

/// Every package in the normal (non-dev) dependency tree of `krate`, by name, but for what the
/// PostgreSQL driver brings: the synchronous `postgres` client runs tokio on the thread of its
/// connection, which is the store's driver, not an HTTP server or a runtime of ours.
fn tree(krate: &str) -> BTreeSet<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-p", krate, "-e", "normal", "--offline", "--prefix", "none", "--format", "{p}"])
        .args(["--prune", "postgres"])
        .current_dir(repo_root())
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_application_layer_knows_no_http_server_terminal_or_command_line() {
    let deps = tree("proscribe-app");
    assert!(deps.contains("proscribe-store") && deps.contains("proscribe-matching"), "{deps:?}");
    for dep in ["axum", "hyper", "askama", "tower", "tower-http", "tokio", "clap", "indicatif", "proscribe-server"] {
        assert!(!deps.contains(dep), "the application crate depends on {dep}, directly or not");
    }
}

/// The importers use SQLite only as the scratch space of the FollowTheMoney importer (a
/// temporary database, an on-disk join), in one module: no importer writes or reads a store.
#[test]
fn the_importers_name_the_database_driver_in_the_scratch_module_only() {
    let src = repo_root().join("crates/import/src");
    let mut naming = Vec::new();
    for entry in walkdir(&src) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.contains("rusqlite") {
            naming.push(entry.strip_prefix(&src).unwrap().to_string_lossy().to_string());
        }
    }
    assert_eq!(naming, vec!["ftm/scratch.rs".to_string()], "modules of the importers that name the database driver");
}

/// Every `.rs` file under `dir`, in a stable order.
fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn only_the_serve_command_names_the_server_crate() {
    let src = repo_root().join("crates/cli/src");
    let mut naming = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("proscribe_server") {
                naming.push(path.file_name().unwrap().to_string_lossy().to_string());
            }
        }
    }
    assert_eq!(naming, vec!["serve.rs".to_string()], "modules of the binary that name the server crate");
}
