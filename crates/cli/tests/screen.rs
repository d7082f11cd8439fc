//! `proscribe screen` and `proscribe scan`: one name with its explanation, batches of CSV and
//! JSON lines with bad rows reported and the rest screened, the `refs` and `scores` formats,
//! and mentions in free text; on the example registry (always) and on real lists (when the
//! shared data is there).

use crate::common::{shared, Env};

#[test]
fn one_name_is_screened_with_an_explanation() {
    let env = Env::example();
    let v = env.json(&["screen", "Amir Khan Mutaqi", "--schema", "Person", "--limit", "3"]);
    let hits = v["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "{v}");
    let top = &hits[0];
    assert_eq!(top["match"], true, "{top}");
    assert_eq!(top["schema"], "Person");
    assert!(top["references"].as_array().is_some_and(|r| !r.is_empty()), "{top}");
    // The explanation aligns the queried words with the listed name's (in whatever script it
    // is listed, romanised for the comparison).
    let pairs: Vec<(&str, &str)> = top["name"]["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (p["query"].as_str().unwrap(), p["candidate"].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&("amir", "amir")) && pairs.contains(&("khan", "khan")), "{top}");

    // Evidence shows in the explanation: a vessel queried under a person's name does not match.
    let v = env.json(&["screen", "Amir Khan Motaqi", "--schema", "Vessel"]);
    let top = &v["hits"][0];
    assert_eq!(top["match"], false, "{top}");
    assert!(top["features"].as_array().is_some_and(|f| f.iter().any(|f| f["feature"] == "schema")), "{top}");

    // Text output names the entity and the matched name.
    let text = env.ok(&["screen", "Abdussalam Hanifi"]);
    assert!(text.contains("MATCH") && text.contains("Abdussalam Hanifi"), "{text}");

    // Names that cannot be screened are refused with a reason.
    for (name, reason) in [("", "NAME: missing or empty"), ("?!", "no letters"), ("🙂", "no letters")] {
        let err = env.fails(&["screen", name]);
        assert!(err.contains(reason), "{name:?}: {err}");
    }
}

/// Output rows of a hits CSV as (row, name, match, entity, error).
fn hit_rows(csv_text: &str) -> Vec<(String, String, String, String, String)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (row, name, matched, entity, error) = (col("row"), col("name"), col("match"), col("entity_id"), col("error"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (
                r[row].to_string(),
                r[name].to_string(),
                r[matched].to_string(),
                r[entity].to_string(),
                r[error].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_batch_reports_bad_rows_and_completes() {
    let env = Env::example();
    let input = env.path("in.csv");
    let mut bytes: Vec<u8> = b"key,name,birth_date,country,id\n".to_vec();
    bytes.extend_from_slice(b"k1,Amir Khan Muttaqi,1968,af,\n");
    bytes.extend_from_slice(b"k2,,1970,,\n");
    bytes.extend_from_slice(b"k3,\"...!!!\",,,\n");
    bytes.extend_from_slice("k4,😀🎉,,,\n".as_bytes());
    bytes.extend_from_slice(format!("k5,{},,,\n", "x".repeat(10_000)).as_bytes());
    bytes.extend_from_slice(b"k6,Abd\xffal,,,\n");
    bytes.extend_from_slice(b"k7\n");
    bytes.extend_from_slice(b"k8,Abdussalam Hanifi,not a date,Atlantis,\n");
    std::fs::write(&input, bytes).unwrap();
    let output = env.path("out.csv");
    let out = env.run(&["screen", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("screened 8 rows") && summary.contains("6 errors"), "{summary}");

    let rows = hit_rows(&std::fs::read_to_string(&output).unwrap());
    let errors: Vec<(&str, &str)> =
        rows.iter().filter(|r| !r.4.is_empty()).map(|r| (r.0.as_str(), r.4.as_str())).collect();
    let expected: &[(&str, &str)] = &[
        ("2", "empty"),
        ("3", "no letters"),
        ("4", "no letters"),
        ("5", "10000 characters"),
        ("6", "UTF-8"),
        ("7", "missing columns"),
        ("8", "not a date"),
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:?}");
    for ((row, reason), (want_row, want)) in errors.iter().zip(expected) {
        assert_eq!(row, want_row);
        assert!(reason.contains(want), "row {row}: {reason:?} lacks {want:?}");
    }
    // The good rows, and the row whose date and country were left out, are screened.
    for row in ["1", "8"] {
        assert!(
            rows.iter().any(|r| r.0 == row && r.2 == "true" && !r.3.is_empty()),
            "row {row} has no match: {rows:?}"
        );
    }
    // A hit names the listed name that matched, as the list writes it.
    let mut reader = csv::Reader::from_path(&output).unwrap();
    let headers = reader.headers().unwrap().clone();
    let (row_col, matched_col) =
        (headers.iter().position(|h| h == "row").unwrap(), headers.iter().position(|h| h == "matched_name").unwrap());
    let matched: Vec<String> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[row_col] == "1")
        .map(|r| r[matched_col].to_string())
        .collect();
    assert!(matched.iter().any(|m| m.to_lowercase().contains("muttaqi")), "{matched:?}");
}

#[test]
fn json_lines_in_and_out() {
    let env = Env::example();
    let input = env.path("in.jsonl");
    std::fs::write(
        &input,
        "{\"name\": \"Amir Khan Muttaqi\", \"country\": [\"af\"], \"key\": \"a\"}\n\nnot json\n{\"nom\": \"x\"}\n",
    )
    .unwrap();
    let text = env.ok(&["--json", "screen", "--input", input.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert!(lines.iter().any(|l| l["row"] == 1 && l["key"] == "a" && l["match"] == true), "{text}");
    assert!(
        // Rows are numbered by their line: the blank second line takes a number.
        lines.iter().any(|l| l["row"] == 3 && l["error"].as_str().is_some_and(|e| e.contains("not a JSON object"))),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["row"] == 4 && l["error"].as_str().is_some_and(|e| e.contains("name: missing or empty"))),
        "{text}"
    );
}

#[test]
fn refs_and_scores_give_one_line_per_row() {
    let env = Env::example();
    let input = "name\nAmir Khan Muttaqi\n\"\"\nZzyzx Qwerty\nAbdussalam Hanifi\n";
    let run = |format: &str| {
        let mut child = env
            .cmd()
            .args(["screen", "--input", "-", "--format", format, "--limit", "2"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let refs = run("refs");
    let lines: Vec<&str> = refs.lines().collect();
    assert_eq!(lines.len(), 4, "{refs:?}");
    assert!(lines[0].split(';').next().is_some_and(|r| !r.is_empty()), "{refs:?}");
    assert_eq!(lines[1], "", "a bad row gives an empty line");
    assert!(lines[0].split(';').count() <= 2);
    let scores = run("scores");
    let lines: Vec<&str> = scores.lines().collect();
    assert_eq!(lines.len(), 4, "{scores:?}");
    assert!(lines[0].split(' ').next().and_then(|s| s.parse::<f64>().ok()).is_some_and(|s| s >= 0.7), "{scores:?}");
    assert_eq!(lines[1], "0");
}

#[test]
fn mentions_in_text_are_found() {
    let env = Env::example();
    let text = env.path("news.txt");
    std::fs::write(&text, "KABUL - The acting foreign minister, Amir Khan\nMuttaqi, met envoys. The base was quiet.\n")
        .unwrap();
    let v = env.json(&["scan", text.to_str().unwrap()]);
    let mentions = v.as_array().expect("array");
    assert!(!mentions.is_empty(), "{v}");
    let m = &mentions[0];
    assert_eq!(m["text"], "Amir Khan\nMuttaqi");
    let raw = std::fs::read_to_string(&text).unwrap();
    let (start, end) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
    assert_eq!(&raw[start..end], "Amir Khan\nMuttaqi");
    assert!(m["designations"].as_array().is_some_and(|d| !d.is_empty()), "{m}");
    assert!(mentions.iter().all(|m| m["text"] != "base"), "{v}");

    let bad = env.path("latin1.txt");
    std::fs::write(&bad, b"caf\xe9\n").unwrap();
    assert!(env.fails(&["scan", bad.to_str().unwrap()]).contains("not UTF-8"));
}

#[test]
fn ofac_aliases_find_their_entry() {
    let Some(sdn) = shared("lists/ofac/sdn.csv") else { return };
    let env = Env::new();
    // sdn.csv alone, as the alias benchmark indexes it: copied apart from alt.csv.
    let alone = env.path("sdn.csv");
    std::fs::copy(&sdn, &alone).unwrap();
    env.ok(&["import", alone.to_str().unwrap()]);
    let queries = [("BIN LADIN, Usama", "6365"), ("AL QAEDA", "6366"), ("TALIBAN", "6636")];
    let input = env.path("q.csv");
    let mut w = csv::Writer::from_path(&input).unwrap();
    w.write_record(["name"]).unwrap();
    for (q, _) in queries {
        w.write_record([q]).unwrap();
    }
    w.flush().unwrap();
    let refs = env.ok(&["screen", "--input", input.to_str().unwrap(), "--format", "refs"]);
    let lines: Vec<&str> = refs.lines().collect();
    assert_eq!(lines.len(), queries.len());
    for ((q, entry), line) in queries.iter().zip(lines) {
        assert!(line.split(';').any(|r| r == *entry), "{q}: {line}");
    }
}

#[test]
fn a_batch_without_its_name_column_is_refused_before_anything_is_loaded() {
    // No database at all: the header is read first, so its fault is the one reported.
    let env = Env::new();
    let input = env.path("people.csv");
    std::fs::write(&input, "full_name,dob\nAmir Khan,1970\n").unwrap();
    let err = env.fails(&["screen", "--input", input.to_str().unwrap()]);
    assert!(err.contains("the header row has no column \"name\" (columns: full_name, dob)"), "{err}");
    assert!(!err.contains("no database"), "{err}");
}

#[test]
fn a_single_name_shows_candidates_worth_reviewing() {
    let env = Env::example();
    let hits = |extra: &[&str]| -> Vec<f64> {
        let v = env.json(&[&["screen", "Amir Khan Hanafi"][..], extra].concat());
        v["hits"].as_array().unwrap().iter().map(|h| h["score"].as_f64().unwrap()).collect()
    };
    // Two ministers half-named: one candidate is worth a look, the other is noise.
    let shown = hits(&[]);
    assert!(!shown.is_empty() && shown.iter().all(|s| *s >= 0.5), "{shown:?}");
    let all = hits(&["--cutoff", "0"]);
    assert!(all.len() > shown.len() && all.iter().any(|s| *s < 0.5), "{all:?}");
    // A threshold set lower lowers the cutoff with it.
    let low = hits(&["--threshold", "0.05"]);
    assert_eq!(low, all);
}

#[test]
fn targets_and_risk_topics_are_screened_without_a_sanction() {
    let env = Env::new();
    let fixture = proscribe_testkit::fixture("ftm/targets.ftm.json");
    env.ok(&["import", fixture.to_str().unwrap()]);
    let top = |name: &str| {
        let v = env.json(&["screen", name, "--limit", "1"]);
        v["hits"].as_array().expect("hits").first().cloned()
    };
    for (name, id, topics) in [
        ("Valentina Morozkina", "tg-pep-morozkina", vec!["role.pep"]),
        ("Kestrel Maritime Holdings", "tg-co-kestrel", vec![]),
        ("Rashid Kadyrbekov", "tg-sdn-kadyrbekov", vec!["sanction"]),
        ("Norvane Construction", "tg-co-norvane", vec!["debarment"]),
    ] {
        let hit = top(name).unwrap_or_else(|| panic!("{name}: no hit"));
        assert_eq!((hit["entity_id"].as_str(), hit["match"].as_bool()), (Some(id), Some(true)), "{hit}");
        assert_eq!(hit["topics"], serde_json::json!(topics), "{hit}");
    }
    // A person known only by an address, neither a target nor at risk, is not screened.
    let brenner = top("Oskar Lindqvist Brenner");
    assert!(brenner.as_ref().is_none_or(|h| h["entity_id"] != "tg-person-brenner"), "{brenner:?}");
    // Text output says the topics.
    let text = env.ok(&["screen", "Valentina Morozkina", "--limit", "1"]);
    assert!(text.contains("tg-pep-morozkina") && text.contains("topics: role.pep"), "{text}");
}
