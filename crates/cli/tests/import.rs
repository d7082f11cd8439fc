//! Importing the real lists: counts against independent counts of the files, no-op re-imports,
//! and a modified copy that yields exactly its changes.

use crate::common::{count_in, ftm, shared, Env};

#[test]
fn all_shared_lists_import_and_reimport_is_a_no_op() {
    let Some(lists) = shared("lists") else { return };
    let env = Env::new();
    let report = env.json(&["import", lists.to_str().unwrap()]);
    let imported = report["imported"].as_array().unwrap();
    let by_file = |name: &str| {
        imported
            .iter()
            .find(|l| l["files"][0].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not imported"))
    };
    // UN: one entity per INDIVIDUAL and ENTITY element.
    let un_file = lists.join("un/consolidated.xml");
    let un = by_file("un/consolidated.xml");
    let un_count = count_in(&un_file, "<INDIVIDUAL>") + count_in(&un_file, "<ENTITY>");
    assert_eq!(un["entities"].as_u64().unwrap() as usize, un_count);
    assert_eq!(un["designations"].as_u64().unwrap() as usize, un_count);
    // OFAC: one entity per line of sdn.csv.
    let sdn_lines =
        std::fs::read_to_string(lists.join("ofac/sdn.csv")).unwrap().lines().filter(|l| l.len() > 1).count();
    assert_eq!(by_file("ofac/sdn.csv")["entities"].as_u64().unwrap() as usize, sdn_lines);
    for l in imported {
        assert!(l["entities"].as_u64().unwrap() > 0, "{l}");
        assert_eq!(l["outcome"], "new", "{l}");
    }
    let skipped: Vec<&str> =
        report["skipped_files"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped.iter().all(|s| s.contains("2025-12-partial")));

    let before = env.state();
    let again = env.json(&["import", lists.to_str().unwrap()]);
    for l in again["imported"].as_array().unwrap() {
        assert_eq!(l["outcome"], "unchanged", "{l}");
    }
    assert_eq!(env.state(), before);

    // Both UN versions are stored; the 2024 one is older.
    let versions = env.json(&["lists", "un-sc"]);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert!(versions[0]["published"].as_str().unwrap().starts_with("2024-11-30"));

    // The two Taliban ministers, by their UN references.
    let muttaqi = env.json(&["show", "TAi.026"]);
    assert_eq!(muttaqi["entity"]["id"], "un-tai-026");
    let names: Vec<&str> =
        muttaqi["entity"]["names"].as_array().unwrap().iter().map(|n| n["full"].as_str().unwrap()).collect();
    assert!(names.contains(&"Amir Khan Muttaqi"), "{names:?}");
    let status = env.json(&["status", "TAi.027", "--as-of", "2026-03-01"]);
    assert_eq!(status["designations"][0]["status"], "listed");
}

/// Edits the UN file: removes one entry, renames one, adds one, and dates it a day later.
fn modified_un(original: &str) -> String {
    let start = original.find("<REFERENCE_NUMBER>TAi.027<").unwrap();
    let block_start = original[..start].rfind("<INDIVIDUAL>").unwrap();
    let block_end = start + original[start..].find("</INDIVIDUAL>").unwrap() + "</INDIVIDUAL>".len();
    let removed = original[block_start..block_end].to_string();
    let mut text = format!("{}{}", &original[..block_start], &original[block_end..]);
    // Add the removed block back as a new entry with its own reference and id.
    let added =
        removed.replace("<REFERENCE_NUMBER>TAi.027<", "<REFERENCE_NUMBER>TAi.999<").replace("<DATAID>", "<DATAID>9");
    let insert_at = text.find("<INDIVIDUAL>").unwrap();
    text.insert_str(insert_at, &format!("{added}\n    "));
    // Rename Muttaqi's first name.
    let r = text.find("<REFERENCE_NUMBER>TAi.026<").unwrap();
    let block = text[..r].rfind("<INDIVIDUAL>").unwrap();
    let first = block + text[block..].find("<FIRST_NAME>").unwrap() + "<FIRST_NAME>".len();
    let end = first + text[first..].find('<').unwrap();
    text.replace_range(first..end, "AMIR KHAN MUTTAQI");
    text.replacen("dateGenerated=\"2026-02-27", "dateGenerated=\"2026-02-28", 1)
}

#[test]
fn modified_copy_yields_exactly_its_changes() {
    let Some(un) = shared("lists/un/consolidated.xml") else { return };
    let env = Env::new();
    let original = std::fs::read_to_string(&un).unwrap();
    let copy = env.path("consolidated-modified.xml");
    std::fs::write(&copy, modified_un(&original)).unwrap();
    env.ok(&["import", un.to_str().unwrap()]);
    let report = env.json(&["import", copy.to_str().unwrap()]);
    let l = &report["imported"][0];
    assert_eq!((l["added"].as_u64(), l["removed"].as_u64(), l["amended"].as_u64()), (Some(1), Some(1), Some(1)), "{l}");

    let diff = env.json(&["diff", "un-sc"]);
    let changes: Vec<String> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["kind"].as_str().unwrap(), c["reference"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, ["added TAi.999", "removed TAi.027", "amended TAi.026"]);
    let text = env.ok(&["diff", "un-sc"]);
    assert!(text.contains("~ TAi.026 AMIR KHAN MUTTAQI"), "{text}");
    assert!(text.contains("names: - AMIR KHAN MOTAQI (primary"), "{text}");

    // As of the first version's day, TAi.027 was listed; as of the second, it was removed.
    let before = env.json(&["status", "TAi.027", "--as-of", "2026-02-27"]);
    assert_eq!(before["designations"][0]["status"], "listed");
    let after = env.json(&["status", "TAi.027", "--as-of", "2026-02-28"]);
    assert_eq!(after["designations"][0]["status"], "delisted");
    let history = env.json(&["history", "TAi.027"]);
    // The UN's own amendment dates are in the record too; the versions add "added" and "removed".
    let kinds: Vec<&str> =
        history.as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).filter(|k| *k != "amendment").collect();
    assert_eq!(kinds, ["listed", "added", "removed"]);
}

#[test]
fn a_diff_compares_with_the_version_before_unless_another_is_named() {
    let env = Env::new();
    for file in ["un/history/consolidated-2024-11-30.xml", "un/consolidated.xml"] {
        env.ok(&["import", proscribe_testkit::fixture(file).to_str().unwrap()]);
    }
    let text = env.ok(&["diff", "un-sc"]);
    assert!(text.contains("1 added, 1 removed, 16 amended"), "{text}");
    // Named alike, the same diff; the newest against itself, none.
    let versions = env.json(&["lists", "un-sc"]);
    let id = |i: usize| versions[i]["id"].as_i64().expect("a version id").to_string();
    assert_eq!(env.ok(&["diff", "un-sc", &id(0), &id(1)]), text);
    let same = env.ok(&["diff", "un-sc", &id(1), &id(1)]);
    assert!(same.contains("0 added, 0 removed, 0 amended"), "{same}");
}

#[test]
fn a_version_removing_more_than_a_tenth_is_refused_unless_asked() {
    let env = Env::new();
    let file = env.path("alpha.ftm.json");
    let names: Vec<String> = (0..10).map(|i| format!("Velkorra Holdings {i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // The first version of a source is never refused.
    std::fs::write(&file, ftm("a", &names)).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    let before = env.state();
    // Two of ten removed: refused, naming the source, the counts and the flag; nothing written.
    std::fs::write(&file, ftm("a", &names[..8])).unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()]);
    assert!(err.contains("ftm-alpha: the new version would remove 2 of 10 entities, more than 10%"), "{err}");
    assert!(err.contains("--allow-mass-change"), "{err}");
    assert_eq!(env.state(), before);
    // A higher share allowed, or the flag, lets it through.
    env.ok(&["import", "--max-removed-percent", "20", file.to_str().unwrap()]);
    std::fs::write(&file, ftm("a", &names[..1])).unwrap();
    env.ok(&["import", "--allow-mass-change", file.to_str().unwrap()]);
    // One of ten is within the share.
    let other = env.path("beta.ftm.json");
    std::fs::write(&other, ftm("b", &names)).unwrap();
    env.ok(&["import", other.to_str().unwrap()]);
    std::fs::write(&other, ftm("b", &names[..9])).unwrap();
    env.ok(&["import", other.to_str().unwrap()]);
}

#[test]
fn a_csv_cut_inside_a_quoted_field_is_refused_and_nothing_changes() {
    let env = Env::new();
    let fixture = proscribe_testkit::fixture("ofac");
    env.ok(&["import", fixture.to_str().unwrap()]);
    let before = env.state();
    let dir = env.path("cut");
    std::fs::create_dir(&dir).unwrap();
    for f in ["add.csv", "alt.csv", "sdn_comments.csv"] {
        std::fs::copy(fixture.join(f), dir.join(f)).unwrap();
    }
    let whole = std::fs::read(fixture.join("sdn.csv")).unwrap();
    // Cut half-way through the file, just after the opening quote of the program, a row's
    // second quoted field.
    let row = whole.len() / 2 + whole[whole.len() / 2..].windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let quoted: Vec<usize> =
        whole[row..].windows(2).enumerate().filter(|(_, w)| *w == b",\"").map(|(i, _)| row + i).collect();
    let at = quoted[1] + 3;
    std::fs::write(dir.join("sdn.csv"), &whole[..at]).unwrap();
    let err = env.fails(&["import", dir.to_str().unwrap()]);
    let line = whole[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(
        err.contains(&format!(
            "{}:{line}: the quoted field opened on line {line} is never closed: the file is truncated",
            dir.join("sdn.csv").display()
        )),
        "{err}"
    );
    assert_eq!(env.state(), before);
}

#[test]
fn a_main_file_named_alone_is_read_with_its_set_mates_and_says_so() {
    let fixture = proscribe_testkit::fixture("ofac");
    let whole = Env::new().json(&["import", fixture.to_str().unwrap()]);
    let env = Env::new();
    let alone = env.json(&["import", fixture.join("sdn.csv").to_str().unwrap()]);
    assert_eq!(alone["imported"][0]["files"].as_array().unwrap().len(), 4, "{alone}");
    assert_eq!(alone["imported"][0]["names"], whole["imported"][0]["names"]);
    assert_eq!(alone["found_beside"].as_array().unwrap().len(), 3, "{alone}");
    let env = Env::new();
    let text = env.ok(&["import", fixture.join("sdn.csv").to_str().unwrap()]);
    assert!(
        text.contains(&format!(
            "read {} too: it lies beside the main file of its set, which was named alone",
            fixture.join("alt.csv").display()
        )),
        "{text}"
    );
}

#[test]
fn publication_dates_beyond_the_horizon_are_refused() {
    let env = Env::new();
    let file = env.path("alpha.ftm.json");
    std::fs::write(&file, ftm("a", &["Velkorra Holdings"])).unwrap();
    let err = env.fails(&["import", "--published", "2999-12-31", file.to_str().unwrap()]);
    assert!(err.contains("the publication date 2999-12-31 lies beyond the horizon"), "{err}");
    assert!(!env.state().contains("ftm-alpha"));
    // The horizon is configurable.
    let out = env
        .cmd()
        .env("PROSCRIBE_DATE_HORIZON_DAYS", "400000")
        .args(["import", "--published", "2999-12-31"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Today is within it.
    std::fs::write(&file, ftm("a", &["Velkorra Holdings", "Tresmont Mining"])).unwrap();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    env.ok(&["import", "--date-horizon-days", "0", "--published", &today, file.to_str().unwrap()]);
}
