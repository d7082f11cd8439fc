//! One real-world entity across lists, end to end on the committed UN and OFAC extracts: the
//! review queue, a decision, the merged answers of `screen`, `status` and `history`, and the
//! decisions moved to another database as a file.

use serde_json::Value;

use crate::common::Env;

/// The first hit of screening `name` as an organisation, with the ids of its cluster.
fn first_hit(env: &Env, name: &str) -> (String, Vec<String>) {
    let hits = env.json(&["screen", name, "--schema", "Organization"]);
    let hit = &hits["hits"][0];
    let members =
        hit["members"].as_array().map(|m| m.iter().map(|x| x["entity_id"].as_str().unwrap().to_string()).collect());
    (hit["entity_id"].as_str().unwrap().to_string(), members.unwrap_or_default())
}

#[test]
fn a_decision_merges_two_entries_everywhere_and_moves_as_a_file() {
    let env = Env::extracts();
    let pairs = env.json(&["resolve", "candidates"]);
    let queued = |p: &Value| p["link"] == "review";
    let qaida = pairs["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| queued(p) && [&p["a"], &p["b"]].iter().any(|x| *x == "un-qde-004"))
        .expect("Al-Qaida's two entries queued")
        .clone();
    assert_eq!((qaida["a_caption"].as_str(), qaida["b_caption"].as_str()), (Some("AL-QAIDA"), Some("AL QA'IDA")));
    let (_, members) = first_hit(&env, "Al-Qaida");
    assert!(members.is_empty(), "two entries before a decision: {members:?}");

    let reason = "UN QDe.004 and OFAC's entry name the same organisation";
    env.ok(&["resolve", "decide", "un-qde-004", "ofac-6366", "same", "--reason", reason]);
    let (first, members) = first_hit(&env, "Al-Qaida");
    let mut cluster = [vec![first], members].concat();
    cluster.sort();
    assert_eq!(cluster, ["ofac-6366", "un-qde-004"]);

    // The status of either entry is the whole entity's, each list once.
    let status = env.json(&["status", "ofac-6366"]);
    let by: Vec<&str> = status["listed_by"].as_array().unwrap().iter().map(|l| l["list"].as_str().unwrap()).collect();
    assert_eq!(by, ["us-ofac-sdn", "un-sc-consolidated"]);
    assert_eq!(status["entities"], serde_json::json!(["ofac-6366", "un-qde-004"]));
    let text = env.ok(&["status", "un-qde-004"]);
    assert!(text.contains("listed by:") && text.contains("QDe.004") && text.contains("6366"), "{text}");
    let history = env.json(&["history", "un-qde-004"]);
    let sources: std::collections::BTreeSet<&str> =
        history.as_array().unwrap().iter().map(|e| e["source_id"].as_str().unwrap()).collect();
    assert_eq!(sources.into_iter().collect::<Vec<_>>(), ["un-sc", "us-ofac-sdn"]);

    // FollowTheMoney, merged: one entity for the two entries, their sanctions pointing at it.
    let entities = |merged: bool| -> Vec<Value> {
        let args: &[&str] =
            if merged { &["export", "--format", "ftm", "--merged"] } else { &["export", "--format", "ftm"] };
        env.ok(args).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let (plain, merged) = (entities(false), entities(true));
    let not_sanctions = |all: &[Value]| all.iter().filter(|e| e["schema"] != "Sanction").count();
    assert_eq!(not_sanctions(&merged), not_sanctions(&plain) - 1);
    let one = merged.iter().find(|e| e["id"] == "cluster:ofac-6366").expect("the merged entity");
    assert_eq!(one["referents"], serde_json::json!(["ofac-6366", "un-qde-004"]));
    assert_eq!(one["datasets"], serde_json::json!(["us-ofac-sdn", "un-sc"]));
    let names = one["properties"]["name"].as_array().unwrap();
    assert!(names.contains(&Value::from("AL QA'IDA")) && names.contains(&Value::from("AL-QAIDA")), "{names:?}");
    assert!(!merged.iter().any(|e| e["id"] == "ofac-6366" || e["id"] == "un-qde-004"));
    let sanctions: Vec<&Value> =
        merged.iter().filter(|e| e["properties"]["entity"][0] == "cluster:ofac-6366").collect();
    assert_eq!(sanctions.len(), 2, "each list's sanction");
    let err = env.fails(&["export", "--format", "csv", "--merged"]);
    assert!(err.contains("--merged is for --format ftm"), "{err}");

    // The decisions as a file: one line per decision, read back by another database.
    let file = env.path("decisions.jsonl");
    env.ok(&["resolve", "export", "--output", file.to_str().unwrap()]);
    let written = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = written.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{written}");
    assert_eq!((lines[0]["a"].as_str(), lines[0]["b"].as_str()), (Some("ofac-6366"), Some("un-qde-004")));
    assert_eq!((lines[0]["verdict"].as_str(), lines[0]["reason"].as_str()), (Some("same"), Some(reason)));
    assert_eq!(env.ok(&["resolve", "export"]), written, "the same to standard output");

    let other = Env::extracts();
    let report = other.json(&["resolve", "import", file.to_str().unwrap()]);
    assert_eq!((report["made"].as_u64(), report["unchanged"].as_u64()), (Some(1), Some(0)));
    let (_, members) = first_hit(&other, "Al-Qaida");
    assert_eq!(members.len(), 1, "merged in the other database too");
    let again = other.json(&["resolve", "import", file.to_str().unwrap()]);
    assert_eq!((again["made"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(1)));
    let imported = &other.json(&["resolve", "decisions"])[0];
    let actor = imported["actor"].as_str().unwrap();
    assert!(actor.contains("imported by") && actor.contains(lines[0]["actor"].as_str().unwrap()), "{actor}");
    other.ok(&["audit", "verify"]);

    // A file with a broken line changes nothing, and says where; a decision on an entity this
    // database does not hold is left out and listed.
    let broken = other.path("broken.jsonl");
    let different = written.replace("\"same\"", "\"different\"");
    std::fs::write(&broken, format!("{different}{{\"a\": \"un-qde-004\"}}\n")).unwrap();
    let err = other.fails(&["resolve", "import", broken.to_str().unwrap()]);
    assert!(err.contains("broken.jsonl:2") && err.contains("missing field"), "{err}");
    assert_eq!(other.json(&["resolve", "decisions"])[0]["verdict"], "same", "nothing changed");
    let elsewhere = other.path("elsewhere.jsonl");
    std::fs::write(&elsewhere, different.replace("ofac-6366", "uk-hmt-12345")).unwrap();
    let report = other.json(&["resolve", "import", elsewhere.to_str().unwrap()]);
    assert_eq!(report["made"].as_u64(), Some(0));
    let left_out = report["left_out"][0].as_str().unwrap();
    assert!(left_out.contains("elsewhere.jsonl:1") && left_out.contains("uk-hmt-12345"), "{left_out}");
}

/// Over every shared list: the Taliban minister listed by the UN and by Australia is one hit
/// without anyone deciding (the same name, birth year, nationality and town of birth), and
/// OFAC's Taliban entry, which the CSL repeats, is listed once on the Taliban's status.
#[test]
fn every_shared_list_one_hit_per_real_world_entity() {
    let Some(data) = proscribe_testkit::shared_data() else { return };
    let env = Env::new();
    env.ok(&["import", data.join("lists").to_str().unwrap(), data.join("ftm").to_str().unwrap()]);
    let hits = env.json(&["screen", "Amir Khan Mutaqi"]);
    let hits = hits["hits"].as_array().unwrap();
    let ids = |h: &Value| -> Vec<String> {
        let mut ids = vec![h["entity_id"].as_str().unwrap().to_string()];
        ids.extend(h["members"].as_array().into_iter().flatten().map(|m| m["entity_id"].as_str().unwrap().to_string()));
        ids
    };
    let first = ids(&hits[0]);
    assert!(first.contains(&"un-tai-026".to_string()) && first.contains(&"au-dfat-26".to_string()), "{first:?}");
    for other in &hits[1..] {
        assert!(!ids(other).iter().any(|id| first.contains(id)), "an entry of the first hit again: {other}");
    }
    let status = env.json(&["status", "ofac-6636"]);
    let rows: Vec<&Value> =
        status["listed_by"].as_array().unwrap().iter().filter(|l| l["reference"] == "6636").collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["list"], "us-ofac-sdn");
    assert_eq!(rows[0]["sources"], serde_json::json!(["us-ofac-sdn", "us-csl"]));
}
