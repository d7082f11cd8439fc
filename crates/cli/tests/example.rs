//! The example registry: read only when asked or when no database is there (screening only
//! when asked), always said so, never mixed with real lists; and the Taliban timeline tells
//! its story from its data.

use crate::common::Env;

/// `proscribe ARGS` with no database named: the default one lies in `home` (which is empty
/// unless a test imports into it).
fn default_db_run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_proscribe"))
        .args(args)
        .env("XDG_DATA_HOME", home)
        .env("HOME", home)
        .env_remove("PROSCRIBE_DB")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run proscribe")
}

const EXAMPLE_HEADER: &str = "# example registry (built in)";

#[test]
fn the_registry_s_questions_read_the_example_when_no_database_is_there_and_say_so() {
    let home = tempfile::tempdir().unwrap();
    let out = default_db_run(home.path(), &["history", "taliban"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(EXAMPLE_HEADER), "{text}");
    let order = ["2003-02-14", "2024-05-27", "2025-04-17", "2025-07-03"];
    let positions: Vec<usize> =
        order.iter().map(|d| text.find(d).unwrap_or_else(|| panic!("{d} missing from:\n{text}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "events out of order:\n{text}");
    // JSON says so in a field.
    let out = default_db_run(home.path(), &["--json", "status", "taliban"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["registry"], "example", "{v}");
    assert!(!home.path().join("proscribe").exists(), "reading must not create the default database");
}

#[test]
fn screening_and_scanning_answer_from_the_example_only_when_asked() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["screen", "Amir Khan Muttaqi"][..], &["scan", "-"], &["export", "--format", "ftm"]] {
        let out = default_db_run(home.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("no database at") && err.contains("--example"),
            "{args:?}: {err}"
        );
    }
    let out = default_db_run(home.path(), &["--example", "screen", "Amir Khan Muttaqi"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(EXAMPLE_HEADER) && text.contains("MATCH"), "{text}");
    let out = default_db_run(home.path(), &["--example", "--json", "screen", "Amir Khan Muttaqi"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["registry"], "example");
    assert_eq!(v["hits"][0]["match"], true, "{v}");
}

#[test]
fn a_named_database_that_does_not_exist_is_an_error_and_is_not_created() {
    let env = Env::new();
    for args in [
        &["history", "taliban"][..],
        &["lists"],
        &["status", "--list", "un-sc-consolidated"],
        &["screen", "Amir Khan Muttaqi"],
        &["keys", "list"],
        &["proposals"],
        &["audit", "verify"],
        &["serve", "--listen", "127.0.0.1:0"],
    ] {
        let err = env.fails(args);
        assert!(err.contains("no database at") && err.contains("test.db"), "{args:?}: {err}");
        assert!(!env.db.exists(), "{args:?} created the database");
    }
    // An empty database (an import of a folder with no list) is no registry either.
    let empty = env.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    env.ok(&["import", empty.to_str().unwrap()]);
    let err = env.fails(&["screen", "Amir Khan Muttaqi"]);
    assert!(err.contains("holds no lists"), "{err}");
    let err = env.fails(&["history", "taliban"]);
    assert!(err.contains("holds no lists"), "{err}");
}

#[test]
fn example_leaves_a_database_of_the_environment_aside_and_conflicts_with_one_named() {
    let env = Env::new();
    let real = env.path("real.db");
    // PROSCRIBE_DB, set for every command in a shell, does not stop a question to the example.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_proscribe"))
        .args(["--example", "proposals"])
        .env("PROSCRIBE_DB", &real)
        .env_remove("RUST_LOG")
        .output()
        .expect("run proscribe");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(EXAMPLE_HEADER));
    assert!(!real.exists(), "reading the example must not create the database");
    // --db names a database: with --example it is a contradiction, wherever it is given.
    for args in [&["--example", "lists"][..], &["lists", "--example"]] {
        let err = env.fails(args);
        assert!(err.contains("'--example' cannot be used with '--db"), "{args:?}: {err}");
    }
}

#[test]
fn the_example_registry_and_real_lists_never_share_a_database() {
    let fixture = crate::common::repo_root().join("crates/import/tests/fixtures/ofac-csv");
    let env = Env::new();
    env.ok(&["import"]);
    let err = env.fails(&["import", fixture.to_str().unwrap()]);
    assert!(err.contains("holds the example registry"), "{err}");
    let real = Env::new();
    real.ok(&["import", fixture.to_str().unwrap()]);
    let err = real.fails(&["import"]);
    assert!(err.contains("the example registry is imported only into a database of its own"), "{err}");
}

#[test]
fn taliban_status_as_of_dates() {
    let env = Env::new();
    env.ok(&["import"]);
    let status = |day: &str| -> Vec<(String, String)> {
        let v = env.json(&["status", "taliban", "--as-of", day]);
        v["designations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["list"].as_str().unwrap().to_string(), d["status"].as_str().unwrap().to_string()))
            .collect()
    };
    let find = |rows: &[(String, String)], list_prefix: &str| -> String {
        rows.iter().find(|(l, _)| l.starts_with(list_prefix)).map(|(_, s)| s.clone()).unwrap_or_default()
    };
    let y2024 = status("2024-06-01");
    assert_eq!(find(&y2024, "ru-"), "listed");
    assert_eq!(find(&y2024, "kz-"), "delisted");
    assert_eq!(find(&y2024, "kg-"), "listed");
    let y2025 = status("2025-05-01");
    assert_eq!(find(&y2025, "ru-"), "suspended");
    assert_eq!(find(&y2025, "kg-"), "delisted");
    let acts = env.json(&["status", "taliban", "--as-of", "2025-07-04"]);
    let kinds: Vec<&str> = acts["acts"].as_array().unwrap().iter().map(|a| a[1]["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"recognition"), "{kinds:?}");
}

/// The lists' changes from 2023 on are replayed through the workflow: Kazakhstan's and
/// Kyrgyzstan's delistings are published; Russia's joint proposal stays submitted, the
/// Prosecutor General's claim goes through deliberation, the Supreme Court's decision and the
/// FSB's publication; the timeline tells it in that order.
#[test]
fn the_lists_changes_are_replayed_through_the_workflow() {
    let env = Env::new();
    env.ok(&["import"]);
    let proposals = env.json(&["proposals"]);
    let states: Vec<(String, String, Vec<String>)> = proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let proposers = p["proposal"]["proposers"].as_array().unwrap();
            (
                p["proposal"]["kind"].as_str().unwrap().to_string(),
                p["proposal"]["state"].as_str().unwrap().to_string(),
                proposers.iter().map(|b| b.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect();
    let expect =
        |k: &str, s: &str, by: &[&str]| (k.to_string(), s.to_string(), by.iter().map(|b| b.to_string()).collect());
    assert!(states.contains(&expect("delist", "submitted", &["ru-mfa", "ru-moj"])), "{states:?}");
    assert!(states.contains(&expect("suspend", "published", &["ru-prosecutor-general"])), "{states:?}");
    assert!(states.contains(&expect("delist", "published", &["kz-mfa"])), "{states:?}");
    assert!(states.contains(&expect("delist", "published", &["kg-prosecutor-general"])), "{states:?}");
    assert_eq!(states.len(), 4);

    let timeline = env.ok(&["timeline", "taliban"]);
    let steps = [
        "listing by ru-supreme-court on ru-terrorist-organisations, effective 2003-03",
        "to delist on kz-banned-terrorist-organisations by kz-mfa",
        "delisting by kz-mfa on kz-banned-terrorist-organisations",
        "to delist on ru-terrorist-organisations by ru-mfa jointly with ru-moj",
        "statement by kz-president",
        "published by kg-prosecutor-general as example-kg-banned-organisations version",
        "statement by kg-mfa",
        "to suspend on ru-terrorist-organisations by ru-prosecutor-general",
        "ru-supreme-court opens deliberation",
        "adopted by ru-supreme-court (Ruling of the Supreme Court of the Russian Federation of 17 April 2025",
        "published by ru-fsb as example-ru-terrorist-organisations version",
        "suspension by ru-supreme-court on ru-terrorist-organisations",
        "recognition by ru-government",
    ];
    let at: Vec<usize> =
        steps.iter().map(|s| timeline.find(s).unwrap_or_else(|| panic!("{s:?} missing from:\n{timeline}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "steps out of order:\n{timeline}");

    // The publication is the list's version of 2025-04-17: the day before, the ban stands.
    let ru = |day: &str| {
        let v = env.json(&["status", "taliban", "--as-of", day]);
        let d =
            v["designations"].as_array().unwrap().iter().find(|d| d["list"] == "ru-terrorist-organisations").cloned();
        d.expect("Russia's entry")["status"].as_str().unwrap().to_string()
    };
    assert_eq!((ru("2025-04-16").as_str(), ru("2025-04-17").as_str()), ("listed", "suspended"));

    // Loading the example again replays nothing twice.
    env.ok(&["import"]);
    assert_eq!(env.json(&["proposals"]).as_array().unwrap().len(), proposals.as_array().unwrap().len());
    env.ok(&["audit", "verify"]);
}

/// A publication is the list's next version: one dated before the version in force is refused.
#[test]
fn a_publication_before_the_version_in_force_is_refused() {
    let env = Env::new();
    env.ok(&["import"]);
    env.ok(&["roles", "grant", "ru-terrorist-organisations", "ru-moj", "publisher"]);
    let made = env.json(&[
        "propose",
        "--list",
        "ru-terrorist-organisations",
        "--kind",
        "lift-suspension",
        "--entity",
        "taliban-ru",
        "--by",
        "ru-mfa",
        "--statement",
        "Relations.",
        "--on",
        "2025-04-01",
    ]);
    let id = made["id"].as_i64().unwrap().to_string();
    // Each step is dated on or after the one before.
    let err = env.fails(&["deliberate", &id, "--by", "ru-supreme-court", "--open", "--on", "2025-03-31"]);
    assert!(err.contains("previous step is dated 2025-04-01"), "{err}");
    env.ok(&["deliberate", &id, "--by", "ru-supreme-court", "--open", "--on", "2025-04-02"]);
    env.ok(&["decide", &id, "--by", "ru-supreme-court", "--adopt", "--act", "AKPI-TEST", "--on", "2025-04-03"]);
    let err = env.fails(&["publish", &id, "--by", "ru-moj", "--on", "2025-04-04"]);
    assert!(err.contains("took effect on 2025-04-17"), "{err}");
    assert_eq!(env.json(&["proposals"])[0]["proposal"]["state"], "adopted");
    env.ok(&["publish", &id, "--by", "ru-moj", "--on", "2025-05-03"]);
}
