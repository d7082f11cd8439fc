//! Export as FollowTheMoney JSON lines and CSV.

use crate::common::{count_in, shared, Env};

#[test]
fn ftm_export_has_an_entity_and_a_sanction_per_designation() {
    let Some(un) = shared("lists/un/consolidated.xml") else { return };
    let env = Env::new();
    env.ok(&["import", un.to_str().unwrap()]);
    let out = env.path("un.ftm.json");
    env.ok(&["export", "--format", "ftm", "--output", out.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let schema = |s: &str| lines.iter().filter(|l| l["schema"] == s).count();
    assert_eq!(schema("Person"), count_in(&un, "<INDIVIDUAL>"));
    assert_eq!(schema("Organization"), count_in(&un, "<ENTITY>"));
    assert_eq!(schema("Sanction"), schema("Person") + schema("Organization"));
    let muttaqi = lines.iter().find(|l| l["id"] == "un-tai-026").unwrap();
    assert!(muttaqi["properties"]["alias"].as_array().unwrap().iter().any(|a| a == "Amir Khan Muttaqi"));
    let sanction =
        lines.iter().find(|l| l["schema"] == "Sanction" && l["properties"]["entity"][0] == "un-tai-026").unwrap();
    assert_eq!(sanction["properties"]["unscId"][0], "TAi.026");
    assert_eq!(sanction["properties"]["listingDate"][0], "2001-01-25");
    assert_eq!(sanction["properties"]["status"][0], "active");
}

#[test]
fn csv_export_has_a_row_per_designation() {
    let env = Env::new();
    env.ok(&["import"]);
    let text = env.ok(&["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("id"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let taliban: Vec<&csv::StringRecord> = rows.iter().filter(|r| r[0].starts_with("taliban")).collect();
    assert!(taliban.len() >= 3, "one row per national list: {taliban:?}");
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    let env = Env::example();
    for args in [
        &["export", "--format", "ftm"][..],
        &["export", "--format", "csv"],
        &["lists"],
        &["audit", "log"],
        &["sync", "--print-config"],
    ] {
        // The reader has gone before the first write: every write fails with a broken pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = env.cmd().args(args).stdout(writer).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn logs_redirected_have_no_colours() {
    let env = Env::example();
    let file = env.path("out.csv");
    let out = env.cmd().env("RUST_LOG", "info").args(["export", "--format", "csv", "-o"]).arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("exported"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "ANSI escapes in a redirected log: {stderr:?}");
}

/// Every CSV proscribe writes is safe to open in a spreadsheet: a listed name or an input key
/// that reads as a formula is written as text.
#[test]
fn csv_cells_that_read_as_formulas_are_written_as_text() {
    let env = Env::new();
    let list = env.path("formula.ftm.json");
    std::fs::write(
        &list,
        concat!(
            r#"{"id":"fx-1","schema":"Company","properties":{"name":["=HYPERLINK(\"http://x\",\"Velkorra Trading\")"],"alias":["Velkorra Trading Ltd"]}}"#,
            "\n",
            r#"{"id":"fx-1-s","schema":"Sanction","properties":{"entity":["fx-1"],"authority":["Test"]}}"#,
            "\n"
        ),
    )
    .unwrap();
    env.ok(&["import", list.to_str().unwrap()]);
    let export = env.ok(&["export", "--format", "csv"]);
    assert!(export.contains("'=HYPERLINK("), "{export}");
    assert!(!export.lines().any(|l| l.split(',').any(|c| c.trim_matches('"').starts_with('='))), "{export}");

    let input = env.path("customers.csv");
    std::fs::write(&input, "key,name\n\"@SUM(A1)\",Velkorra Trading Ltd\n-5,+Velkorra Trading\n").unwrap();
    let hits = env.ok(&["screen", "--input", input.to_str().unwrap()]);
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(hits.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert!(rows.iter().any(|r| r[1] == "'@SUM(A1)" && r[7].starts_with("'=HYPERLINK(")), "{hits}");
    assert!(rows.iter().any(|r| r[1] == "'-5" && r[2] == "'+Velkorra Trading"), "{hits}");
}
