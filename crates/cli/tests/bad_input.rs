//! Bad input: each file gives a clear error naming the file and the line or element, the
//! command exits non-zero, and the store is exactly as it was.

use crate::common::{shared, Env};

fn assert_rejected(env: &Env, path: &std::path::Path, expect: &[&str]) {
    let before = env.state();
    let err = env.fails(&["import", path.to_str().unwrap()]);
    assert!(err.contains(&path.display().to_string()), "error does not name the file: {err}");
    for e in expect {
        assert!(err.contains(e), "error lacks {e:?}: {err}");
    }
    assert_eq!(env.state(), before, "store changed after a failed import of {}", path.display());
}

#[test]
fn broken_files_leave_the_store_unchanged() {
    let Some(un) = shared("lists/un/consolidated.xml") else { return };
    let Some(sdn) = shared("lists/ofac/sdn.csv") else { return };
    let env = Env::new();
    env.ok(&["import", un.to_str().unwrap()]);
    let un_text = std::fs::read(&un).unwrap();
    let sdn_text = std::fs::read(&sdn).unwrap();

    // Truncated XML: the parse fails at the end, after entities were already staged.
    let truncated = env.path("truncated.xml");
    std::fs::write(&truncated, &un_text[..un_text.len() / 2]).unwrap();
    assert_rejected(&env, &truncated, &[]);

    // A CSV row with the wrong number of columns, deep in the file.
    let mut rows: Vec<&[u8]> = sdn_text.split(|&b| b == b'\n').collect();
    rows[5000] = b"12345,\"ONLY THREE\",-0- \r";
    let bad_csv = env.path("sdn.csv");
    std::fs::write(&bad_csv, rows.join(&b'\n')).unwrap();
    assert_rejected(&env, &bad_csv, &["5001"]);

    // A Latin-1 byte in the middle of the UN file.
    let mut latin1 = un_text.clone();
    let at = latin1.len() / 3;
    let line = latin1[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    latin1[at] = 0xfc;
    let bad_enc = env.path("latin1.xml");
    std::fs::write(&bad_enc, latin1).unwrap();
    assert_rejected(&env, &bad_enc, &[&format!("line {line}"), "UTF-8"]);

    // Empty file, unknown format.
    let empty = env.path("empty.xml");
    std::fs::write(&empty, b"").unwrap();
    assert_rejected(&env, &empty, &["empty"]);
    let unknown = env.path("list.csv");
    std::fs::write(&unknown, b"name;birth\nJohn;1970\n").unwrap();
    assert_rejected(&env, &unknown, &["not a list file"]);
}

#[test]
fn misleading_file_names_do_not_fool_detection() {
    let Some(un) = shared("lists/un/consolidated.xml") else { return };
    let env = Env::new();
    // The UN list under OFAC's file name is still read as the UN list.
    let disguised = env.path("sdn.csv");
    std::fs::copy(&un, &disguised).unwrap();
    let report = env.json(&["import", disguised.to_str().unwrap()]);
    assert_eq!(report["imported"][0]["format"], "un-xml");
    assert_eq!(report["imported"][0]["source_id"], "un-sc");
}

#[test]
fn a_missing_file_says_the_reason_once() {
    let env = Env::new();
    let err = env.fails(&["import", "/nonexistent"]);
    assert!(err.contains("/nonexistent"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn read_commands_read_a_read_only_database_without_writing() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::example();
    // A database in rollback-journal mode, without write permission: opening it for writing
    // would turn it to WAL (a write to its header) even as root, who ignores permissions.
    rusqlite::Connection::open(&env.db).unwrap().pragma_update(None, "journal_mode", "DELETE").unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&env.db).unwrap();
    let modified = std::fs::metadata(&env.db).unwrap().modified().unwrap();
    let list = "ru-terrorist-organisations";
    for args in [
        &["lists"][..],
        &["show", "taliban"],
        &["history", "taliban"],
        &["status", "--list", list, "--as-of", "2025-05-01"],
        &["diff", "example-taliban"],
        &["proposals"],
        &["export", "--format", "csv"],
        &["screen", "Taliban"],
        &["audit", "log"],
        &["audit", "verify"],
        &["keys", "list"],
        &["roles", "list", list],
    ] {
        env.ok(args);
        assert!(std::fs::read(&env.db).unwrap() == before, "{args:?} wrote to the database");
        let mut wal = env.db.clone().into_os_string();
        wal.push("-wal");
        assert!(!std::path::Path::new(&wal).exists(), "{args:?} left a WAL file");
    }
    assert_eq!(std::fs::metadata(&env.db).unwrap().modified().unwrap(), modified);
}

#[test]
fn query_flags_are_refused_with_an_input_file_rather_than_ignored() {
    let env = Env::example();
    let input = env.path("rows.csv");
    std::fs::write(&input, "name\nAmir Khan Muttaqi\n").unwrap();
    for flag in [["--schema", "Person"], ["--birth-date", "1970"], ["--country", "af"], ["--id", "123"]] {
        let err = env.fails(&["screen", "--input", input.to_str().unwrap(), flag[0], flag[1]]);
        assert!(err.contains("cannot be used with") && err.contains(flag[0]), "{flag:?}: {err}");
    }
}

#[test]
fn files_over_the_limits_are_refused_and_the_limit_flag_raises_them() {
    let env = Env::new();
    let un = proscribe_testkit::fixture("un/consolidated.xml");
    env.ok(&["import", un.to_str().unwrap()]);

    // Elements nested 100,000 deep inside a UN record.
    let text = std::fs::read_to_string(&un).unwrap();
    let deep = format!("<COMMENTS1>{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
    let deep_file = env.path("deep.xml");
    std::fs::write(&deep_file, text.replacen("<COMMENTS1>", &deep, 1)).unwrap();
    assert_rejected(&env, &deep_file, &["elements nested more than 64 deep", "limit depth=64", "--limit depth=N"]);

    // An OFAC file whose second row has remarks of 2 MiB.
    std::fs::create_dir(env.path("ofac")).unwrap();
    let sdn = env.path("ofac/sdn.csv");
    let row = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,";
    let long = row.replacen("36", "37", 1);
    std::fs::write(&sdn, format!("{row}-0- \r\n{long}\"{}\"\r\n", "r".repeat(2 << 20))).unwrap();
    assert_rejected(&env, &sdn, &["line 2: a field of more than 1048576 bytes", "--limit field-bytes=N"]);
    let sdn = sdn.to_str().unwrap();
    let err = env.fails(&["import", "--limit", "bogus=1", sdn]);
    assert!(err.contains("no limit is called \"bogus\""), "{err}");
    let report = env.json(&["import", "--limit", "field-bytes=4M", sdn]);
    assert_eq!(report["imported"][0]["entities"], 2, "{report}");
}

/// A database given as a URL is refused with its scheme named, from `--db` and from
/// `PROSCRIBE_DB`, and nothing is created (no folder `postgres:` in the working folder).
#[test]
fn a_database_url_is_a_server_or_refused_never_taken_for_a_path() {
    let env = Env::new();
    let run = |db_arg: Option<&str>, db_env: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_proscribe"));
        c.current_dir(env.dir.path()).env_remove("PROSCRIBE_DB").env_remove("RUST_LOG");
        if let Some(d) = db_arg {
            c.args(["--db", d]);
        }
        if let Some(d) = db_env {
            c.env("PROSCRIBE_DB", d);
        }
        c.args(["lists"]).output().unwrap()
    };
    // A PostgreSQL URL names a server (none listens on port 1): the error says it could not
    // connect, without the password.
    for (arg, env_value, expect) in [
        (
            Some("postgres://ana:secret@127.0.0.1:1/lists"),
            None,
            "cannot open database postgres://ana:***@127.0.0.1:1/lists",
        ),
        (None, Some("postgresql://127.0.0.1:1/lists"), "PostgreSQL error: error connecting to server"),
        (Some("postgres://127.0.0.1/lists?sslmode=sometimes"), None, "not a PostgreSQL URL"),
        (Some("postgres://127.0.0.1:1/lists?sslmode=require"), None, "without TLS (sslmode=require asks for it)"),
        (Some("mysql://localhost/lists"), None, "unknown URL scheme \"mysql\""),
        (Some("file:///tmp/lists.db"), None, "file:// URL"),
    ] {
        let out = run(arg, env_value);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(expect), "{arg:?} {env_value:?}: {err}");
        assert!(!err.contains("secret"), "{err}");
    }
    let left: Vec<_> = std::fs::read_dir(env.dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
    // A path with a colon but no scheme is still a path.
    let out = run(Some("lists:2026.db"), None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at lists:2026.db"), "{err}");
}
