//! The default token weights of the name scorer come from `crates/matching/data/
//! token_frequencies.tsv`: for every token (by spelling key, first Latin rendering), the
//! number of names of the real lists in `shared/data/lists` it occurs in, primary names and
//! aliases alike, tokens found in fewer than three names left out. This test counts them again
//! and checks the committed table; `UPDATE_TOKEN_FREQUENCIES=1` rewrites it.

use std::collections::{BTreeMap, HashSet};

use proscribe_import::{plan, Entry};
use proscribe_model::Entity;
use proscribe_text::{romanize, tokens};

use crate::common::{repo_root, shared};

/// Tokens in fewer names than this are left out of the table (they weigh as unseen tokens).
const MIN_COUNT: u32 = 3;

fn count_tokens(lists: &std::path::Path) -> (u32, BTreeMap<String, u32>) {
    let plan = plan(&[lists.to_path_buf()]).expect("plan the shared lists");
    let mut names = 0u32;
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for entry in plan.entries {
        let Entry::List(job) = entry else { continue };
        let mut sink = |entity: Entity, _line: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            for name in &entity.names {
                let latin = romanize(&name.full).into_iter().next().unwrap_or_default();
                let keys: HashSet<String> = tokens(&latin).into_iter().map(|t| t.key).collect();
                if keys.is_empty() {
                    continue;
                }
                names += 1;
                for k in keys {
                    *counts.entry(k).or_insert(0) += 1;
                }
            }
            Ok(())
        };
        job.format.parse(&job, &mut sink).expect("parse a shared list");
    }
    (names, counts)
}

fn render(names: u32, counts: &BTreeMap<String, u32>) -> String {
    let mut out = format!("names\t{names}\n");
    for (k, n) in counts {
        if *n >= MIN_COUNT && k != "names" {
            out.push_str(&format!("{k}\t{n}\n"));
        }
    }
    out
}

#[test]
fn token_frequencies_table_is_up_to_date() {
    let Some(lists) = shared("lists") else { return };
    let (names, counts) = count_tokens(&lists);
    let table = render(names, &counts);
    let path = repo_root().join("crates/matching/data/token_frequencies.tsv");
    if std::env::var_os("UPDATE_TOKEN_FREQUENCIES").is_some() {
        std::fs::write(&path, &table).expect("write the token table");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("read the token table");
    assert!(
        committed == table,
        "{} is out of date with the lists and the tokeniser: run UPDATE_TOKEN_FREQUENCIES=1 cargo test -p proscribe-cli token_frequencies",
        path.display()
    );
}
