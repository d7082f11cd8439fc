//! The example registry: with an empty store every command runs on it, and the Taliban
//! timeline tells its story from the data.

use crate::common::Env;

#[test]
fn empty_store_falls_back_to_the_example_registry() {
    let env = Env::new();
    let out = env.run(&["history", "taliban"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("built-in example registry"), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let order = ["2003-02-14", "2024-05-27", "2025-04-17", "2025-07-03"];
    let positions: Vec<usize> =
        order.iter().map(|d| text.find(d).unwrap_or_else(|| panic!("{d} missing from:\n{text}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "events out of order:\n{text}");
    assert!(
        !env.db.exists() || env.state().starts_with("feed 0"),
        "reading must not write the example into the database"
    );
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
