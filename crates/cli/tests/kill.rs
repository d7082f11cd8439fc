//! An import killed in the middle leaves the previous state intact.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::{shared, Env};

#[test]
fn killed_import_leaves_previous_state() {
    let Some(lists) = shared("lists") else { return };
    let Some(un) = shared("lists/un/history/consolidated-2024-11-30.xml") else { return };
    let env = Env::new();
    env.ok(&["import", un.to_str().unwrap()]);
    let before = env.state();

    let mut child = env
        .cmd()
        .args(["import", lists.to_str().unwrap()])
        .env("RUST_LOG", "proscribe=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import has written entities inside its transaction, then kill it.
    let stderr = child.stderr.take().unwrap();
    let mut staged = false;
    for line in BufReader::new(stderr).lines() {
        if line.unwrap().contains("staged entities") {
            staged = true;
            break;
        }
    }
    assert!(staged, "the import never reported staged entities");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import finished before it was killed");

    assert_eq!(env.state(), before, "a killed import changed the store");
    // The store still works: the same import now completes.
    env.ok(&["import", lists.to_str().unwrap()]);
    assert_ne!(env.state(), before);
}
