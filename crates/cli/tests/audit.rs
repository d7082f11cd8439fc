//! `proscribe audit`: every write is on the hash-chained audit trail, and a record altered,
//! removed or moved directly in the database is detected and named.

use crate::common::Env;

/// A store with imports and key changes on its audit trail: 2 versions of two files, a key
/// made and one made and revoked.
fn written() -> Env {
    let env = Env::new();
    for (file, id, name) in
        [("first.ftm.json", "zz-1", "Orvalle Trading Ltd"), ("second.ftm.json", "zz-2", "Velkorra Shipping")]
    {
        let path = env.path(file);
        let entity = serde_json::json!({"id": id, "schema": "Company", "properties": {"name": [name]}});
        let sanction = serde_json::json!({"id": format!("{id}-s"), "schema": "Sanction", "properties": {"entity": [id], "authority": ["Test"]}});
        std::fs::write(&path, format!("{entity}\n{sanction}\n")).unwrap();
        env.ok(&["import", path.to_str().unwrap()]);
    }
    env.ok(&["keys", "add", "screening", "--role", "reader"]);
    env.ok(&["keys", "add", "old", "--role", "editor"]);
    env.ok(&["keys", "revoke", "2"]);
    env
}

fn sql(env: &Env, statements: &str) {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch(statements).unwrap();
}

#[test]
fn writes_are_on_the_trail_and_tampering_is_named() {
    let env = written();
    let log = env.json(&["audit", "log"]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    // The two files, the key changes; and in the example's own database, its registry files,
    // then its replayed workflow: roles, proposals and the versions their publications wrote.
    let example = Env::new();
    example.ok(&["import"]);
    let example_log = example.json(&["audit", "log"]);
    let example_actions: Vec<&str> =
        example_log.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(example_actions[..4], ["import"; 4], "one version per registry file first");
    for action in ["role.grant", "proposal.create", "proposal.submit", "proposal.decide", "proposal.publish"] {
        assert!(example_actions.contains(&action), "{action} missing: {example_actions:?}");
    }
    let expected = ["import", "import", "key.add", "key.add", "key.revoke"];
    assert_eq!(actions, expected, "{log}");
    assert!(log[0]["actor"].as_str().unwrap().starts_with("local:"), "{log}");
    let ok = env.ok(&["audit", "verify"]);
    assert!(ok.contains(&format!("intact: {} records", expected.len())), "{ok}");
    let head = env.json(&["audit", "verify"])["head"].as_str().unwrap().to_string();
    env.ok(&["audit", "verify", "--expect-head", &head]);
    let err = env.fails(&["audit", "verify", "--expect-head", &"ab".repeat(32)]);
    assert!(err.contains("does not contain the expected head"), "{err}");

    // Each kind of tampering, on a fresh copy, with the record it names.
    let cases: &[(&str, &str, &str)] = &[
        ("UPDATE audit SET actor = 'someone else' WHERE seq = 3", "record 3", "altered"),
        (
            "UPDATE audit SET digest = CASE substr(digest, 1, 1) WHEN '0' THEN '1' ELSE '0' END || substr(digest, 2) WHERE seq = 2",
            "record 2",
            "altered",
        ),
        ("DELETE FROM audit WHERE seq = 2", "record 2", "missing"),
        // Records 2 and 3 change places (their numbers kept in order).
        (
            "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);
             DELETE FROM audit WHERE seq IN (2, 3);
             INSERT INTO audit SELECT CASE seq WHEN 2 THEN 3 ELSE 2 END, at, actor, action, subject, digest, prev, hash FROM t ORDER BY seq DESC;",
            "record 2",
            "",
        ),
        // The end of the chain cut off: the revocation's record, then an import's.
        ("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", "record 5", "does not exist (table audit_write)"),
        (
            "DELETE FROM audit_write WHERE seq = 5; DELETE FROM audit WHERE seq = 5",
            "api_key edited: row 2",
            "record 4 wrote",
        ),
        ("DELETE FROM audit_write WHERE seq >= 2; DELETE FROM audit WHERE seq >= 2", "version", "missing"),
        // The data itself: a key's role raised, an entity renamed, a member dropped.
        ("UPDATE api_key SET role = 'admin' WHERE id = 1", "api_key edited: row 1", "record 3 wrote"),
        ("UPDATE record SET body = replace(body, 'Orvalle', 'Nobody')", "record edited", "(zz-1)"),
        ("DELETE FROM member WHERE entity_id = 'zz-2'", "member deleted: members of version 2", "record 2 wrote 1 rows"),
    ];
    for (statements, named, reason) in cases {
        let env = written();
        sql(&env, &format!("PRAGMA foreign_keys = OFF; {statements}"));
        let err = env.fails(&["audit", "verify"]);
        assert!(err.contains(named) && err.contains(reason), "{statements}: {err}");
    }
}

/// The name `/etc/passwd` gives this process's uid, as the store finds the local user when
/// no variable names it.
fn user_of_this_process() -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").unwrap().uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[2] == uid.to_string())
        .map(|f| f[0].to_string())
        .unwrap_or_else(|| format!("uid {uid}"))
}

#[test]
fn audit_log_is_a_table_and_names_the_user_without_user_variables() {
    let env = Env::example();
    let out = env
        .cmd()
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .args(["keys", "add", "screening", "--role", "reader"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = env.json(&["audit", "log"]);
    let records = log.as_array().unwrap();
    let last = records.last().unwrap();
    assert_eq!(last["action"], "key.add");
    assert_eq!(last["actor"].as_str().unwrap(), format!("local:{}", user_of_this_process()));

    // Every column starts where its heading does, however long the actions and actors are
    // (the example's workflow acts for bodies: `local:USER:ru-prosecutor-general`).
    let text = env.ok(&["audit", "log"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), records.len() + 1, "{text}");
    for heading in ["ACTION", "SUBJECT", "ACTOR", "HASH"] {
        let at = lines[0].find(heading).unwrap_or_else(|| panic!("no {heading}: {}", lines[0]));
        let field = heading.to_lowercase();
        for (line, record) in lines[1..].iter().zip(records) {
            let value = record[&field].as_str().unwrap();
            let value = if field == "hash" { &value[..16] } else { value };
            assert_eq!(line.get(at..at + value.len()), Some(value), "{heading} misaligned:\n{}\n{line}", lines[0]);
        }
    }
}
