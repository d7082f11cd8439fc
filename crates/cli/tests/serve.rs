//! `proscribe serve`: the real server on a free port, every endpoint over HTTP — yente's
//! request and response shapes, bad input answered with 4xx JSON errors (never a 5xx), the
//! index swapped under concurrent requests when new data is imported, and real list data.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{shared, Env};

/// A running server, stopped (SIGTERM, then waited for) when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    agent: ureq::Agent,
}

impl Server {
    pub(crate) fn start(env: &Env, extra: &[&str]) -> Server {
        let mut child = env
            .cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start proscribe serve");
        // The server prints its address once it listens.
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("proscribe serves on ") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(60)).expect("the server prints its address");
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let server = Server { child, base, agent };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while self.get("/readyz").0 != 200 {
            assert!(start.elapsed() < Duration::from_secs(120), "the index was never loaded");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn answer(mut r: ureq::http::Response<ureq::Body>) -> (u16, Value) {
        let status = r.status().as_u16();
        let text = r.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().expect("body");
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, v)
    }

    pub(crate) fn get(&self, path: &str) -> (u16, Value) {
        Server::answer(self.agent.get(format!("{}{path}", self.base)).call().expect("GET"))
    }

    /// A request with a key (`None`: without), a JSON body for POST.
    pub(crate) fn with_key(&self, method: &str, path: &str, key: Option<&str>, body: Option<&Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let auth = key.map(|k| format!("Bearer {k}"));
        let r = match (method, body) {
            ("GET", _) => {
                let mut req = self.agent.get(&url);
                if let Some(a) = &auth {
                    req = req.header("authorization", a);
                }
                req.call()
            }
            ("DELETE", _) => {
                let mut req = self.agent.delete(&url);
                if let Some(a) = &auth {
                    req = req.header("authorization", a);
                }
                req.call()
            }
            (_, body) => {
                let mut req = self.agent.post(&url).header("content-type", "application/json");
                if let Some(a) = &auth {
                    req = req.header("authorization", a);
                }
                req.send(body.map(|b| b.to_string()).unwrap_or_default().as_bytes())
            }
        };
        Server::answer(r.expect("request"))
    }

    fn post(&self, path: &str, body: &[u8]) -> (u16, Value) {
        let r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .send(body)
            .expect("POST");
        Server::answer(r)
    }

    /// Announces a body of `len` bytes, sends its first kilobytes and reads the answer: what a
    /// client sending too much gets before it has sent it all.
    fn post_announcing(&self, path: &str, len: usize) -> (u16, Value) {
        use std::io::{Read, Write};
        let addr = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).expect("write");
        let _ = stream.write_all(&vec![b' '; len.min(64 * 1024)]);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        (status, serde_json::from_str(body).unwrap_or(Value::String(body.to_string())))
    }

    fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post(path, body.to_string().as_bytes())
    }
}

impl Server {
    /// Kills the server at once (SIGKILL): no request in flight is finished.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

pub(crate) fn person(name: &str) -> Value {
    json!({"queries": {"q1": {"schema": "Person", "properties": {"name": [name]}}}})
}

/// The checks of a yente error body: a 4xx status, a stable code and a message.
fn assert_error(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["code"], code, "{}", answer.1);
    assert!(answer.1["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", answer.1);
}

#[test]
fn yente_endpoints_on_the_example_registry() {
    let env = Env::example();
    let server = Server::start(&env, &["--open-reads"]);
    assert_eq!(server.get("/healthz").0, 200);

    // /match in yente's shapes.
    let (status, v) = server.post_json("/match/default?limit=3", &person("Amir Khan Mutaqi"));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["limit"], 3);
    let r = &v["responses"]["q1"];
    assert_eq!(r["status"], 200);
    assert_eq!(r["query"]["schema"], "Person");
    let results = r["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 3, "{r}");
    let top = &results[0];
    for key in [
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
        "score",
        "match",
        "explanations",
    ] {
        assert!(top.get(key).is_some(), "result lacks {key}: {top}");
    }
    assert_eq!(top["match"], true, "{top}");
    assert_eq!(top["schema"], "Person");
    assert!(top["properties"]["name"].as_array().is_some_and(|n| !n.is_empty()), "{top}");
    let name = &top["explanations"]["name"];
    assert!(name["detail"].as_str().is_some_and(|d| d.contains("amir~amir")), "{name}");
    // total counts the results that match.
    let matching = results.iter().filter(|r| r["match"] == true).count();
    assert_eq!(r["total"], json!({"value": matching, "relation": "eq"}));
    // A higher threshold turns the same result into a non-match; a cutoff above its score
    // leaves it out.
    let (_, strict) = server.post_json("/match/default?threshold=1&cutoff=0", &person("Amir Khan Mutaqi"));
    assert!(strict["responses"]["q1"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["match"] == false || r["score"] == 1.0));
    let (_, none) = server.post_json("/match/default?cutoff=1", &person("Amir Khan Mutaqi Zzzz"));
    assert_eq!(none["responses"]["q1"]["results"], json!([]));
    // Excluding the entity leaves it out.
    let id = top["id"].as_str().unwrap().to_string();
    let (_, ex) = server.post_json(&format!("/match/default?exclude_entity_ids={id}"), &person("Amir Khan Mutaqi"));
    assert!(ex["responses"]["q1"]["results"].as_array().unwrap().iter().all(|r| r["id"] != id.as_str()));

    // /entities, /search, /catalog, /algorithms.
    let (status, e) = server.get(&format!("/entities/{id}"));
    assert_eq!(status, 200, "{e}");
    assert_eq!(e["id"], id.as_str());
    assert!(e["properties"]["sanctions"].as_array().is_some_and(|s| !s.is_empty()), "{e}");
    let (status, s) = server.get("/search/default?q=Mutaqi&limit=2");
    assert_eq!(status, 200, "{s}");
    assert!(s["results"].as_array().is_some_and(|r| !r.is_empty() && r.len() <= 2), "{s}");
    let (status, c) = server.get("/catalog");
    assert_eq!(status, 200);
    let names: Vec<&str> = c["datasets"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    assert!(names.contains(&"default") && names.len() >= 2, "{c}");
    let dataset = e["datasets"][0].as_str().unwrap();
    assert!(names.contains(&dataset), "{dataset} not in {names:?}");
    let (status, in_dataset) = server.post_json(&format!("/match/{dataset}"), &person("Amir Khan Mutaqi"));
    assert_eq!(status, 200);
    assert_eq!(in_dataset["responses"]["q1"]["results"][0]["id"], id.as_str());
    let (status, doc) = server.get("/openapi.json");
    assert_eq!(status, 200);
    assert!(doc["paths"]["/match/{dataset}"]["post"].is_object(), "{doc}");
    let (status, a) = server.get("/algorithms");
    assert_eq!(status, 200);
    assert_eq!(a["best"], a["default"]);
    let (status, _) = server.post_json("/match/default?algorithm=best", &person("Amir Khan Mutaqi"));
    assert_eq!(status, 200);

    // Bad input: 4xx with a JSON error, never a 5xx.
    assert_error(&server.post("/match/default", b"{not json"), 400, "invalid_body");
    assert_error(
        &server.post_json(
            "/match/default",
            &json!({"queries": {"q": {"schema": "Banana", "properties": {"name": ["x"]}}}}),
        ),
        400,
        "unknown_schema",
    );
    assert_error(
        &server
            .post_json("/match/default", &json!({"queries": {"q": {"schema": "Person", "properties": {"name": [1]}}}})),
        400,
        "invalid_property",
    );
    assert_error(&server.post_json("/match/default", &json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["x"], "birthDate": ["2025-13-45"]}}}})), 400, "invalid_date");
    assert_error(&server.post_json("/match/default", &json!({"queries": "many"})), 422, "invalid_body");
    assert_error(&server.post_json("/match/nowhere", &person("x")), 404, "unknown_dataset");
    assert_error(&server.post_json("/match/default?limit=100000", &person("x")), 400, "invalid_parameter");
    assert_error(&server.post_json("/match/default?threshold=abc", &person("x")), 400, "invalid_parameter");
    assert_error(&server.post_json("/match/default?algorithm=logic-v9", &person("x")), 400, "unknown_algorithm");
    let many: serde_json::Map<String, Value> =
        (0..10_000).map(|i| (format!("q{i}"), json!({"schema": "Person", "properties": {"name": ["x"]}}))).collect();
    assert_error(&server.post_json("/match/default", &json!({ "queries": many })), 400, "too_many_queries");
    assert_error(&server.post_announcing("/match/default", 10 * 1024 * 1024), 413, "body_too_large");
    let long = "x".repeat(5000);
    assert_error(&server.post_json("/match/default", &person(&long)), 400, "name_too_long");
    // A name of no letters is that query's error, the others are answered.
    let mixed = json!({"queries": {"bad": {"schema": "Person", "properties": {"name": ["?!"]}}, "good": {"schema": "Person", "properties": {"name": ["Amir Khan Mutaqi"]}}}});
    let (status, v) = server.post_json("/match/default", &mixed);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["responses"]["bad"]["status"], 400);
    assert_eq!(v["responses"]["good"]["status"], 200);
    assert_error(&server.get("/entities/no-such-entity"), 404, "not_found");
    assert_error(&server.get("/search/default"), 400, "invalid_parameter");
    assert_error(&server.get("/nothing/here"), 404, "not_found");

    // Every answer above was counted; no request ended in a 5xx (but /readyz before the index
    // was loaded).
    let (status, metrics) = server.get("/metrics");
    assert_eq!(status, 200);
    let text = metrics.as_str().expect("text");
    assert!(
        text.contains("proscribe_http_requests_total{method=\"POST\",route=\"/match/{dataset}\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains("proscribe_index_entities"), "{text}");
    assert!(text.contains("proscribe_source_data_age_seconds{source="), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("proscribe_http_requests_total")
            && l.contains("status=\"5")
            && !l.contains("/readyz")),
        "{text}"
    );
}

#[test]
fn registry_endpoints_tell_the_taliban_story() {
    let env = Env::example();
    let server = Server::start(&env, &["--open-reads"]);
    let (status, v) = server.get("/sources");
    assert_eq!(status, 200, "{v}");
    let source = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["id"].as_str().filter(|id| *id == "example-taliban"))
        .expect("the example registry")
        .to_string();
    let (status, versions) = server.get(&format!("/sources/{source}/versions"));
    assert_eq!(status, 200, "{versions}");
    let version = versions["versions"][0]["id"].as_i64().expect("a version");
    let (status, diff) = server.get(&format!("/versions/{version}/diff"));
    assert_eq!(status, 200, "{diff}");
    assert!(
        diff["changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["entity_id"] == "taliban" && c["kind"] == "added")),
        "{diff}"
    );

    // The timeline holds Russia's listing, the suspension and the recognition.
    let (status, t) = server.get("/entities/taliban/timeline");
    assert_eq!(status, 200, "{t}");
    let kinds: Vec<&str> = t["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["listing", "suspension", "recognition"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    // Listed by Russia in 2024, suspended in 2025 (the Supreme Court's decision of 2025-04-17).
    let status_on = |day: &str| {
        let (status, v) = server.get(&format!("/entities/taliban/status?as_of={day}"));
        assert_eq!(status, 200, "{v}");
        v["designations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["authority"].as_str().unwrap_or(""), d["status"].as_str().unwrap_or("")))
            .collect::<Vec<_>>()
    };
    let (before, after) = (status_on("2024-06-01"), status_on("2025-05-01"));
    assert!(before.iter().any(|d| d.ends_with("listed")), "{before:?}");
    assert_ne!(before, after);

    // As of a day: the lists as they stood then, statuses on that day.
    let sanctions = |day: &str| {
        let (status, e) = server.get(&format!("/entities/taliban-ru?as_of={day}"));
        assert_eq!(status, 200, "{e}");
        e["properties"]["sanctions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["properties"]["status"][0].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(sanctions("2025-08-01").contains(&"suspended".to_string()));
    assert!(sanctions("2025-01-01").contains(&"active".to_string()));
    assert_error(&server.get("/entities/taliban?as_of=2001-01-01"), 404, "not_found");
    let q = person("Amir Khan Mutaqi");
    let (_, then) = server.post_json("/match/default?as_of=2001-01-01", &q);
    assert_eq!(then["responses"]["q1"]["results"], json!([]), "nothing was published in 2001");
    let (_, now) = server.post_json("/match/default?as_of=2025-08-01", &q);
    assert_eq!(now["responses"]["q1"]["results"][0]["match"], true, "{now}");
    assert_error(&server.post_json("/match/default?as_of=2025-02-30", &q), 400, "invalid_date");

    // The change feed pages with stable cursors.
    let (status, page) = server.get("/changes?since=0&limit=2");
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["changes"].as_array().unwrap().len(), 2, "{page}");
    let next = page["next"].as_str().unwrap().to_string();
    let (_, rest) = server.get(&format!("/changes?since={next}&limit=1000"));
    let (_, all) = server.get("/changes?limit=1000");
    assert_eq!(all["changes"].as_array().unwrap().len(), 2 + rest["changes"].as_array().unwrap().len());
    let (_, end) = server.get(&format!("/changes?since={}", all["next"].as_str().unwrap()));
    assert_eq!(end["changes"], json!([]));
    assert_eq!(end["next"], all["next"]);

    assert_error(&server.get("/changes?since=yesterday"), 400, "invalid_cursor");
    assert_error(&server.get("/changes?since=-4"), 400, "invalid_cursor");
    assert_error(&server.get("/changes?limit=0"), 400, "invalid_parameter");
    assert_error(&server.get("/entities/taliban/status?as_of=2025-13-45"), 400, "invalid_date");
    assert_error(&server.get("/entities/nobody/timeline"), 404, "not_found");
    assert_error(&server.get("/sources/nowhere/versions"), 404, "not_found");
    assert_error(&server.get("/versions/999999/diff"), 404, "not_found");
    assert_error(&server.get("/versions/abc/diff"), 400, "invalid_parameter");
}

#[test]
fn batches_stream_and_texts_are_scanned() {
    let env = Env::example();
    let server = Server::start(&env, &["--open-reads"]);
    // 600 rows (three chunks), a blank line, bad rows among good ones.
    let mut body = String::new();
    let mut expect: Vec<&str> = Vec::new();
    for i in 0..600 {
        let (line, kind) = match i % 4 {
            0 => (json!({"key": format!("k{i}"), "name": "Amir Khan Mutaqi", "schema": "Person"}).to_string(), "match"),
            1 => (json!({"key": format!("k{i}"), "name": "Zelphine Orvalle"}).to_string(), "none"),
            2 => (
                json!({"key": format!("k{i}"), "name": "Amir Khan Mutaqi", "birth_date": "2025-13-45"}).to_string(),
                "noted",
            ),
            _ => ("{broken".to_string(), "error"),
        };
        body.push_str(&line);
        body.push('\n');
        if i == 10 {
            body.push('\n');
        }
        expect.push(kind);
    }
    let (status, out) = server.post("/screen/batch", body.as_bytes());
    assert_eq!(status, 200);
    let text = out.as_str().expect("JSON lines");
    let rows: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(rows.len(), 600);
    for (i, (row, kind)) in rows.iter().zip(&expect).enumerate() {
        // Rows are numbered by their line: the blank line after the 11th takes a number.
        assert_eq!(row["row"], i + 1 + usize::from(i > 10), "{row}");
        match *kind {
            "match" => {
                assert_eq!(row["key"], format!("k{i}"));
                assert_eq!(row["hits"][0]["match"], true, "{row}");
                assert!(row["hits"][0]["references"].as_array().is_some_and(|r| !r.is_empty()), "{row}");
            }
            "none" => assert_eq!(row["hits"], json!([]), "{row}"),
            // A value that cannot be read is left out: the row is screened without it, and
            // says so, as in every interface's batches.
            "noted" => {
                assert_eq!(row["hits"][0]["match"], true, "{row}");
                assert!(row["notes"].as_str().is_some_and(|n| n.contains("birth_date")), "{row}");
            }
            _ => assert!(row["error"].as_str().is_some_and(|e| !e.is_empty()), "{row}"),
        }
    }
    assert!(rows[2]["notes"].as_str().unwrap().ends_with("screened without it"), "{}", rows[2]);
    assert_error(&server.post("/screen/batch?threshold=7", b""), 400, "invalid_parameter");

    let article = "Kabul, 3 July. Foreign minister Amir Khan Muttaqi met the ambassador on Thursday.";
    let (status, v) = server.post_json("/scan", &json!({ "text": article }));
    assert_eq!(status, 200, "{v}");
    let m = &v["mentions"][0];
    let (start, end) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
    assert_eq!(&article[start..end], "Amir Khan Muttaqi");
    assert_eq!(m["text"], "Amir Khan Muttaqi");
    assert!(m["designations"].as_array().is_some_and(|d| !d.is_empty()), "{m}");
    let (_, none) = server.post_json("/scan", &json!({ "text": "Nothing to see here at all." }));
    assert_eq!(none["mentions"], json!([]));
    // As of a day before any list was published, nothing is listed.
    let (_, then) = server.post_json("/scan", &json!({ "text": article, "as_of": "2001-01-01" }));
    assert_eq!(then["mentions"], json!([]), "{then}");
    let row = json!({"name": "Amir Khan Mutaqi"}).to_string();
    let (_, then) = server.post("/screen/batch?as_of=2001-01-01", row.as_bytes());
    // One line, read as one JSON value.
    assert_eq!(then, json!({"row": 1, "key": null, "hits": []}));
    assert_error(&server.post_json("/scan", &json!({ "text": article, "as_of": "someday" })), 400, "invalid_date");
    assert_error(&server.post_json("/scan", &json!({ "words": "x" })), 422, "invalid_body");
}

#[test]
fn keys_and_roles_guard_the_api() {
    let env = Env::new();
    env.ok(&["import"]);
    let make = |name: &str, role: &str| {
        env.json(&["keys", "add", name, "--role", role])["secret"].as_str().unwrap().to_string()
    };
    let (reader, editor, admin) = (make("screening", "reader"), make("imports", "editor"), make("ops", "admin"));
    let listed = env.ok(&["keys", "list"]);
    assert!(listed.contains("screening") && !listed.contains(&reader), "{listed}");
    assert!(env.fails(&["keys", "add", "x", "--role", "owner"]).contains("unknown role"));

    let server = Server::start(&env, &["--cors-origin", "https://screening.example", "--reload-interval", "1"]);
    let q = person("Amir Khan Mutaqi");
    // Reads need a key; operations endpoints do not.
    assert_eq!(server.get("/healthz").0, 200);
    assert_eq!(server.get("/readyz").0, 200);
    assert_error(&server.with_key("POST", "/match/default", None, Some(&q)), 401, "unauthorized");
    // Refused before its body is read, a request's connection is closed, and the client told.
    let r = server
        .agent
        .post(format!("{}/match/default", server.base))
        .header("content-type", "application/json")
        .send(q.to_string().as_bytes())
        .unwrap();
    assert_eq!(r.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"));
    assert_error(&server.with_key("GET", "/catalog", Some("psk_wrong"), None), 401, "unauthorized");
    for key in [&reader, &editor, &admin] {
        assert_eq!(server.with_key("POST", "/match/default", Some(key), Some(&q)).0, 200);
        assert_eq!(server.with_key("GET", "/changes", Some(key), None).0, 200);
    }
    // Writes need an editor, keys an admin.
    assert_error(&server.with_key("POST", "/admin/reload", Some(&reader), None), 403, "forbidden");
    assert_eq!(server.with_key("POST", "/admin/reload", Some(&editor), None).0, 200);
    assert_error(&server.with_key("GET", "/admin/keys", Some(&editor), None), 403, "forbidden");
    let (status, keys) = server.with_key("GET", "/admin/keys", Some(&admin), None);
    assert_eq!(status, 200);
    assert_eq!(keys["keys"].as_array().unwrap().len(), 3);
    assert!(!keys.to_string().contains(&reader), "secrets are never answered");

    // A key made over the API works at once; revoked, it stops at once.
    let (status, made) =
        server.with_key("POST", "/admin/keys", Some(&admin), Some(&json!({"name": "partner", "role": "reader"})));
    assert_eq!(status, 201, "{made}");
    let (id, secret) = (made["key"]["id"].as_i64().unwrap(), made["secret"].as_str().unwrap().to_string());
    assert_eq!(server.with_key("GET", "/catalog", Some(&secret), None).0, 200);
    assert_eq!(server.with_key("DELETE", &format!("/admin/keys/{id}"), Some(&admin), None).0, 200);
    assert_error(&server.with_key("GET", "/catalog", Some(&secret), None), 401, "unauthorized");
    assert_error(
        &server.with_key("POST", "/admin/keys", Some(&admin), Some(&json!({"name": "x", "role": "owner"}))),
        400,
        "invalid_role",
    );
    assert_error(&server.with_key("DELETE", "/admin/keys/9999", Some(&admin), None), 404, "not_found");

    // A key revoked from the command line stops within the reload interval.
    env.ok(&["keys", "revoke", "1"]);
    let start = Instant::now();
    while server.with_key("GET", "/catalog", Some(&reader), None).0 != 401 {
        assert!(start.elapsed() < Duration::from_secs(30), "the revoked key still works");
        std::thread::sleep(Duration::from_millis(200));
    }

    // CORS for the configured origin only.
    let cors = |origin: &str| {
        let r = server.agent.get(format!("{}/healthz", server.base)).header("origin", origin).call().unwrap();
        r.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(cors("https://screening.example").as_deref(), Some("https://screening.example"));
    assert_eq!(cors("https://elsewhere.example"), None);
}

#[test]
fn shutdown_finishes_the_requests_in_flight() {
    let env = Env::example();
    let mut server = Server::start(&env, &["--open-reads"]);
    let rows = 80_000;
    let body: String = (0..rows).map(|i| format!("{{\"key\": {i}, \"name\": \"Amir Khan Mutaqi {i}\"}}\n")).collect();
    let (base, agent) = (server.base.clone(), server.agent.clone());
    let client = std::thread::spawn(move || {
        let start = Instant::now();
        let r = agent
            .post(format!("{base}/screen/batch"))
            .header("content-type", "application/x-ndjson")
            .send(body.as_bytes());
        let (status, v) = Server::answer(r.expect("the batch is answered"));
        (status, v.as_str().map(|t| t.lines().count()).unwrap_or(0), start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let (status, lines, took) = client.join().unwrap();
    assert!(took > Duration::from_millis(300), "the batch took {took:?}: it was not in flight at the signal");
    assert_eq!((status, lines), (200, rows), "the request in flight was cut");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn keys_act_for_their_bodies_in_the_workflow() {
    const LIST: &str = "ru-terrorist-organisations";
    let env = Env::new();
    env.ok(&["import"]);
    for (body, role) in
        [("ru-mfa", "proposer"), ("ru-moj", "publisher"), ("ru-fsb", "consulted"), ("ru-supreme-court", "decider")]
    {
        env.ok(&["roles", "grant", LIST, body, role]);
    }
    let key = |name: &str, body: &str| {
        env.json(&["keys", "add", name, "--role", "editor", "--body", body])["secret"].as_str().unwrap().to_string()
    };
    let (mfa, court, moj, fsb) =
        (key("mfa", "ru-mfa"), key("court", "ru-supreme-court"), key("moj", "ru-moj"), key("fsb", "ru-fsb"));
    let reader = env.json(&["keys", "add", "public", "--role", "reader"])["secret"].as_str().unwrap().to_string();
    let server = Server::start(&env, &["--reload-interval", "1"]);

    let new = json!({"list": LIST, "kind": "lift_suspension", "entity": "taliban-ru", "by": ["ru-mfa"], "statement": "Relations.", "on": "2026-01-01"});
    assert_error(&server.with_key("POST", "/proposals", Some(&reader), Some(&new)), 403, "forbidden");
    assert_error(&server.with_key("POST", "/proposals", Some(&court), Some(&new)), 403, "forbidden");
    // The FSB's key acts for it, but it is no proposer of the list; reasons are required.
    let mut by_fsb = new.clone();
    by_fsb["by"] = json!(["ru-fsb"]);
    assert_error(&server.with_key("POST", "/proposals", Some(&fsb), Some(&by_fsb)), 403, "refused");
    let mut unreasoned = new.clone();
    unreasoned["statement"] = json!(" ");
    assert_error(&server.with_key("POST", "/proposals", Some(&mfa), Some(&unreasoned)), 422, "refused");
    let (status, made) = server.with_key("POST", "/proposals", Some(&mfa), Some(&new));
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["proposal"]["state"], "submitted");
    let id = made["id"].as_i64().unwrap();
    let act = |key: &str, action: Value| {
        server.with_key("POST", &format!("/proposals/{id}/actions"), Some(key), Some(&action))
    };

    // A key acts only for its own bodies; the rules refuse, change nothing and say which kind
    // of refusal it is: 409 for the proposal's state, 403 for a body without the part the
    // action needs, 422 for content that is not valid.
    assert_error(&act(&mfa, json!({"action": "open", "by": "ru-supreme-court", "on": "2026-01-02"})), 403, "forbidden");
    assert_error(
        &act(&court, json!({"action": "publish", "by": "ru-supreme-court", "on": "2026-01-02"})),
        409,
        "refused",
    );
    assert_eq!(act(&court, json!({"action": "open", "by": "ru-supreme-court", "on": "2026-01-02"})).0, 200);
    assert_eq!(
        act(
            &fsb,
            json!({"action": "opine", "body": "ru-fsb", "kind": "concur", "text": "Agreed.", "on": "2026-01-03"})
        )
        .0,
        200
    );
    let decision = |effective: &str| json!({"action": "decide", "body": "ru-supreme-court", "adopted": true, "legal_act": "AKPI31-2", "decided_on": "2026-02-01", "effective_on": effective});
    // Taking effect before it was decided: the decision's content is not valid.
    assert_error(&act(&court, decision("2026-01-01")), 422, "refused");
    assert_eq!(act(&court, decision("2026-02-01")).0, 200);
    // Adopted, but the court is no publisher of the list.
    assert_error(
        &act(&court, json!({"action": "publish", "by": "ru-supreme-court", "on": "2026-02-02"})),
        403,
        "refused",
    );
    let (status, published) = act(&moj, json!({"action": "publish", "by": "ru-moj", "on": "2026-02-02"}));
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["proposal"]["state"], "published");
    assert_error(&act(&moj, json!({"action": "publish", "by": "ru-moj", "on": "2026-02-03"})), 409, "refused");
    assert_error(&act(&moj, json!({"action": "dance"})), 422, "invalid_body");

    // Readers see the proposal; the list's new version reaches the feed and the index.
    let (status, p) = server.with_key("GET", &format!("/proposals/{id}"), Some(&reader), None);
    assert_eq!(status, 200);
    assert_eq!(p["published_version"], published["published_version"]);
    let (_, status_then) = server.with_key("GET", "/entities/taliban/status?as_of=2026-02-02", Some(&reader), None);
    let ru = status_then["designations"].as_array().unwrap().iter().find(|d| d["list"] == LIST).unwrap().clone();
    assert_eq!(ru["status"], "listed", "{ru}");
    let (_, feed) = server.with_key("GET", "/changes?limit=1000", Some(&reader), None);
    let changes = feed["changes"].as_array().unwrap();
    assert!(changes.iter().filter(|c| c["entity_id"] == "taliban-ru" && c["kind"] == "amended").count() >= 2, "{feed}");
    env.ok(&["audit", "verify"]);
}

/// A list of one company, as FollowTheMoney JSON lines.
fn ftm_list(name: &str) -> String {
    format!(
        "{}\n{}\n",
        json!({"id": "vk-1", "schema": "Company", "properties": {"name": [name]}}),
        json!({"id": "vk-1-sanction", "schema": "Sanction", "properties": {"entity": ["vk-1"], "authority": ["Test Authority"], "program": ["TEST"]}})
    )
}

#[test]
fn new_data_is_swapped_in_while_requests_go_on() {
    let env = Env::new();
    let first = env.path("orvalle.ftm.json");
    std::fs::write(&first, ftm_list("ORVALLE TRADING LTD").replace("vk-1", "or-1")).unwrap();
    env.ok(&["import", first.to_str().unwrap()]);
    let server = Arc::new(Server::start(&env, &["--reload-interval", "1", "--open-reads"]));
    let query = json!({"queries": {"q": {"schema": "Company", "properties": {"name": ["Velkorra Ardantis Trading"]}}}});
    let (_, before) = server.post_json("/match/default", &query);
    assert!(before["responses"]["q"]["results"].as_array().unwrap().iter().all(|r| r["match"] == false), "{before}");

    // Clients screen without pause while the import lands and the index is rebuilt.
    let stop = Arc::new(AtomicBool::new(false));
    let (done, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let (server, stop, done, failed, query) =
                (server.clone(), stop.clone(), done.clone(), failed.clone(), query.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let (status, _) = server.post_json("/match/default", &query);
                    done.fetch_add(1, Ordering::Relaxed);
                    if status != 200 {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let file = env.path("velkorra.ftm.json");
    std::fs::write(&file, ftm_list("VELKORRA ARDANTIS TRADING LLC")).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    let start = Instant::now();
    let found = loop {
        let (_, v) = server.post_json("/match/default", &query);
        if v["responses"]["q"]["results"].as_array().unwrap().iter().any(|r| r["match"] == true) {
            break true;
        }
        if start.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // Some more requests on the new index, then stop.
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert!(found, "the imported company was never found");
    assert!(done.load(Ordering::Relaxed) > 10, "too few requests to show anything");
    assert_eq!(failed.load(Ordering::Relaxed), 0, "requests failed during the swap");
    let (_, metrics) = server.get("/metrics");
    assert!(metrics.as_str().unwrap().contains("proscribe_index_builds_total 2"), "{metrics}");
}

#[test]
fn un_list_in_yente_shapes() {
    let Some(un) = shared("lists/un/consolidated.xml") else { return };
    let env = Env::new();
    env.ok(&["import", un.to_str().unwrap()]);
    let server = Server::start(&env, &["--open-reads"]);
    // A listed person, spelled as listed and with a typo, with the listed birth year.
    let q = json!({"queries": {
        "listed": {"schema": "Person", "properties": {"name": ["ABDUL SAMAD ACHEKZAI"]}},
        "typo": {"schema": "Person", "properties": {"firstName": ["Abdul Samad"], "lastName": ["Achakzai"], "nationality": ["af"]}},
        "company": {"schema": "Company", "properties": {"name": ["Nobody Particular Holdings Ltd"]}},
    }});
    let (status, v) = server.post_json("/match/un-sc", &q);
    assert_eq!(status, 200, "{v}");
    for key in ["listed", "typo"] {
        let top = &v["responses"][key]["results"][0];
        assert_eq!(top["id"], "un-tai-160", "{key}: {top}");
        assert_eq!(top["match"], true, "{key}: {top}");
        assert_eq!(top["datasets"], json!(["un-sc"]));
    }
    assert_eq!(v["responses"]["company"]["total"]["value"], 0, "{}", v["responses"]["company"]);
    // Evidence besides the name is explained: the listed birth year raises the score, another
    // lowers it.
    let born = |year: &str| {
        let q = json!({"queries": {"a": {"schema": "Person", "properties": {"name": ["Abdul Samad Achekzai"], "birthDate": [year]}}}});
        let (_, v) = server.post_json("/match/default", &q);
        v["responses"]["a"]["results"][0].clone()
    };
    let (same, other) = (born("1970"), born("1931"));
    assert!(same["explanations"]["birth_date"]["score"].as_f64().is_some_and(|s| s > 0.0), "{same}");
    assert!(other["explanations"]["birth_date"]["score"].as_f64().is_some_and(|s| s < 0.0), "{other}");
    assert!(same["score"].as_f64() > other["score"].as_f64());
    let (_, e) = server.get("/entities/un-tai-160");
    // When the entity was seen and changed: the same read for one entity and for all at once.
    let top = &v["responses"]["listed"]["results"][0];
    for key in ["first_seen", "last_seen", "last_change"] {
        assert!(top[key].is_string(), "{key}: {top}");
        assert_eq!(top[key], e[key], "{key}");
    }
    let sanction = &e["properties"]["sanctions"][0];
    assert_eq!(sanction["schema"], "Sanction");
    assert_eq!(sanction["properties"]["unscId"], json!(["TAi.160"]), "{sanction}");
}

/// Signs in to the web UI at `base` with `secret`: the session's cookie and the CSRF token of
/// its forms.
fn ui_session(agent: &ureq::Agent, base: &str, secret: &str) -> (String, String) {
    let cookie_of = |r: &ureq::http::Response<ureq::Body>| {
        r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
    };
    let token_of = |html: &str| {
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[at..at + 64].to_string()
    };
    let mut r = agent.get(format!("{base}/login")).call().unwrap();
    let anonymous = cookie_of(&r);
    let token = token_of(&r.body_mut().read_to_string().unwrap());
    let r = agent
        .post(format!("{base}/login"))
        .header("cookie", &anonymous)
        .header("origin", base)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(format!("csrf={token}&key={secret}"))
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let session = cookie_of(&r);
    let mut r = agent.get(format!("{base}/")).header("cookie", &session).call().unwrap();
    let token = token_of(&r.body_mut().read_to_string().unwrap());
    (session, token)
}

/// The web UI over plain HTTP: pages send a browser without a key to sign in, a session
/// opens them, and bad input is a page that says what is wrong.
#[test]
fn ui_pages_need_a_key_and_explain_bad_input() {
    let env = Env::new();
    env.ok(&["import"]);
    let reader = env.json(&["keys", "add", "analyst", "--role", "reader"])["secret"].as_str().unwrap().to_string();
    let server = Server::start(&env, &["--reload-interval", "1"]);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let page = |path: &str, cookie: Option<&str>| -> (u16, String, String) {
        let mut req = agent.get(format!("{}{path}", server.base));
        if let Some(c) = cookie {
            req = req.header("cookie", format!("theme=dark; {c}"));
        }
        let mut r = req.call().unwrap();
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (r.status().as_u16(), location, r.body_mut().read_to_string().unwrap())
    };
    let (status, location, _) = page("/entity/taliban?x=1", None);
    assert_eq!((status, location.as_str()), (303, "/login?next=/entity/taliban%3Fx%3D1"));
    assert_eq!(page("/entity/taliban", Some(&format!("proscribe_session={}", "0".repeat(64)))).0, 303);
    // The key itself in a cookie opens nothing: only a session does.
    assert_eq!(page("/entity/taliban", Some(&format!("proscribe_key={reader}"))).0, 303);
    let (reader_cookie, reader_token) = ui_session(&agent, &server.base, &reader);
    let reader = reader_cookie;
    let (status, _, html) = page("/entity/taliban", Some(&reader));
    assert_eq!(status, 200);
    assert!(html.contains("ru-terrorist-organisations") && html.contains("class=\"timeline\""), "{html}");
    // Who lists it, who suspended that, and who recognises it, on a day: one page.
    let (_, _, then) = page("/entity/taliban?as_of=2025-08-01", Some(&reader));
    let acts = |html: &str| {
        html.split("<ul class=\"acts\">").nth(1).and_then(|s| s.split("</ul>").next()).unwrap_or("").to_string()
    };
    assert!(then.contains("class=\"status suspended\">suspended<"), "{then}");
    assert!(acts(&then).contains("recognition by ru-government"), "{then}");
    let (_, _, before) = page("/entity/taliban?as_of=2024-06-01", Some(&reader));
    assert!(!before.contains("class=\"status suspended\""), "{before}");
    assert!(
        !acts(&before).contains("recognition by") && acts(&before).contains("accreditation by cn-government"),
        "{before}"
    );

    let (status, _, html) = page("/screen?name=Amir+Khan&birth_date=2025-13-45", Some(&reader));
    assert_eq!(status, 400);
    // The value asked for is shown escaped, as text.
    assert!(html.contains("birth_date: &#34;2025-13-45&#34; is not a date"), "{html}");
    // What is typed comes back as text, never as markup.
    let (_, _, html) = page("/screen?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E", Some(&reader));
    assert!(!html.contains("<script>alert(1)") && html.contains("&#60;script&#62;alert(1)"), "{html}");
    let (status, _, html) = page("/entity/no-such-entity", Some(&reader));
    assert_eq!(status, 404);
    assert!(html.contains("no entity"), "{html}");
    let (status, _, html) = page("/lists/example-taliban/diff?to=999999", Some(&reader));
    assert_eq!(status, 404);
    assert!(html.contains("is not a version of example-taliban"), "{html}");

    // A batch without a `name` column is refused, naming the columns it has.
    let csrf_part = format!("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{reader_token}\r\n");
    let body = format!("{csrf_part}--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\nfull_name,dob\r\nAmir Khan,1970\r\n\r\n--XyZ--\r\n");
    let mut r = agent
        .post(format!("{}/batch", server.base))
        .header("cookie", &reader)
        .header("origin", &server.base)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .send(body)
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let html = r.body_mut().read_to_string().unwrap();
    assert!(
        html.contains("people.csv: the header row has no column &#34;name&#34; (columns: full_name, dob)"),
        "{html}"
    );

    // A file larger than an API body (2 MiB) is taken: uploads have their own limit.
    let mut big = format!(
        "{csrf_part}--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nkey,name\r\n",
    );
    for i in 0..100_000 {
        big.push_str(&format!("k{i},Customer Number {i}\r\n"));
    }
    big.push_str("\r\n--XyZ--\r\n");
    assert!(big.len() > 2 * 1024 * 1024);
    let r = agent
        .post(format!("{}/batch", server.base))
        .header("cookie", &reader)
        .header("origin", &server.base)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .send(big)
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);

    // A reader key cannot act in the workflow: the page says so and nothing changes.
    let mut r = agent
        .post(format!("{}/workflow/1", server.base))
        .header("cookie", &reader)
        .header("origin", &server.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(format!("csrf={reader_token}&action=withdraw&by=kz-mfa&on=2026-01-01"))
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.body_mut().read_to_string().unwrap().contains("needs an editor key"));
    let state_of = |id: i64| {
        let all = env.json(&["proposals"]);
        all.as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()["proposal"]["state"].clone()
    };
    assert_eq!(state_of(1), "published", "unchanged");

    // An editor key of the Ministry of Foreign Affairs proposes from the queue page.
    let mfa = env.json(&["keys", "add", "mfa", "--role", "editor", "--body", "ru-mfa"])["secret"]
        .as_str()
        .unwrap()
        .to_string();
    std::thread::sleep(Duration::from_millis(1500)); // one reload tick: the new key is known
    let (mfa, mfa_token) = ui_session(&agent, &server.base, &mfa);
    let post = |form: &str| {
        let mut r = agent
            .post(format!("{}/workflow", server.base))
            .header("cookie", &mfa)
            .header("origin", &server.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(format!("csrf={mfa_token}&{form}"))
            .unwrap();
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (r.status().as_u16(), location, r.body_mut().read_to_string().unwrap())
    };
    let (_, _, html) = page("/workflow", Some(&mfa));
    assert!(html.contains("New proposal") && html.contains("ru-mfa (on ru-terrorist-organisations)"), "{html}");
    let (status, _, html) =
        post("list=ru-terrorist-organisations&kind=delist&entity=nobody&by=ru-mfa&statement=Reasons.&on=2026-02-01");
    assert_eq!(status, 404);
    assert!(html.contains("entity nobody is not in example-ru-terrorist-organisations"), "{html}");
    let (status, _, html) = post(
        "list=ru-terrorist-organisations&kind=delist&entity=taliban-ru&by=ru-moj&statement=Reasons.&on=2026-02-01",
    );
    assert_eq!(status, 403, "{html}");
    let (status, location, _) = post("list=ru-terrorist-organisations&kind=delist&entity=taliban-ru&by=ru-mfa&statement=Relations+with+Kabul.&on=2026-02-01");
    let count = env.json(&["proposals"]).as_array().unwrap().len();
    assert_eq!((status, location), (303, format!("/workflow/{count}")));
    let made = env.json(&["proposals"]);
    assert_eq!(made[0]["proposal"]["state"], "submitted");
    assert_eq!(made[0]["proposal"]["statement"], "Relations with Kabul.");
}

/// Clients that send a request's head too slowly are cut off, and the service keeps answering
/// the others meanwhile.
#[test]
fn stalled_headers_are_cut_off() {
    use std::io::{Read, Write};
    let env = Env::example();
    let server = Server::start(&env, &["--open-reads", "--header-timeout", "1", "--max-connections", "64"]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let stalled: Vec<std::net::TcpStream> = (0..40)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            // A head that never ends.
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a").unwrap();
            s
        })
        .collect();
    // Others are answered meanwhile.
    assert_eq!(server.get("/healthz").0, 200);
    for mut s in stalled {
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        // Closed by the server, with at most a 408 head, well before the client's own timeout.
        assert!(rest.is_empty() || String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 408"), "{rest:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(10), "stalled connections lasted {:?}", started.elapsed());
    assert_eq!(server.get("/healthz").0, 200);
}

/// The review queue and decisions over the API, on the UN and OFAC extracts: readers read,
/// editors decide and undo; a decision is in the next `/match` (one result with the other
/// entry in `referents`), and undone, the two are apart again; bad input is a 4xx naming it.
#[test]
fn pairs_are_decided_over_the_api() {
    let env = Env::extracts();
    let make = |name: &str, role: &str| {
        env.json(&["keys", "add", name, "--role", role])["secret"].as_str().unwrap().to_string()
    };
    let (reader, editor) = (make("analyst", "reader"), make("reviewer", "editor"));
    let server = Server::start(&env, &[]);
    let (status, queue) = server.with_key("GET", "/resolve/pairs?limit=2", Some(&reader), None);
    assert_eq!(status, 200, "{queue}");
    let total = queue["total"].as_u64().unwrap();
    assert!(total >= 2 && queue["pairs"].as_array().unwrap().len() == 2, "{queue}");
    let first = &queue["pairs"][0];
    assert_eq!((first["a"].as_str(), first["b"].as_str()), (Some("un-qde-004"), Some("ofac-6366")));
    assert_eq!(server.with_key("GET", "/resolve/pairs?link=auto&source=un-sc", Some(&reader), None).0, 200);
    assert_error(&server.with_key("GET", "/resolve/pairs?link=maybe", Some(&reader), None), 400, "invalid_parameter");
    assert_error(&server.with_key("GET", "/resolve/pairs?limit=0", Some(&reader), None), 400, "invalid_parameter");

    let decision = json!({"a": "un-qde-004", "b": "ofac-6366", "verdict": "same", "reason": "one organisation"});
    assert_error(&server.with_key("POST", "/resolve/decisions", Some(&reader), Some(&decision)), 403, "forbidden");
    let bad = |body: Value, status: u16, code: &str| {
        assert_error(&server.with_key("POST", "/resolve/decisions", Some(&editor), Some(&body)), status, code)
    };
    bad(json!({"a": "un-qde-004", "b": "ofac-6366", "verdict": "maybe", "reason": "x"}), 400, "invalid_verdict");
    bad(json!({"a": "un-qde-004", "b": "ofac-6366", "verdict": "same", "reason": " "}), 400, "invalid_request");
    bad(json!({"a": "un-qde-004", "b": "un-qde-004", "verdict": "same", "reason": "x"}), 400, "invalid_request");
    bad(json!({"a": "un-qde-004", "b": "nobody", "verdict": "same", "reason": "x"}), 404, "not_found");
    bad(json!({"a": "un-qde-004"}), 422, "invalid_body");

    let match_qaida = || {
        let q = json!({"queries": {"q": {"schema": "Organization", "properties": {"name": ["Al-Qaida"]}}}});
        let (status, answer) = server.with_key("POST", "/match/default", Some(&reader), Some(&q));
        assert_eq!(status, 200, "{answer}");
        answer["responses"]["q"]["results"].as_array().unwrap().clone()
    };
    let ids =
        |results: &[Value]| -> Vec<String> { results.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect() };
    let before = match_qaida();
    assert!(ids(&before).contains(&"ofac-6366".into()) && ids(&before).contains(&"un-qde-004".into()));
    let (status, made) = server.with_key("POST", "/resolve/decisions", Some(&editor), Some(&decision));
    assert_eq!(status, 201, "{made}");
    let after = match_qaida();
    let one = after.iter().find(|r| r["id"] == "un-qde-004" || r["id"] == "ofac-6366").unwrap();
    let referents: Vec<&str> = one["referents"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(referents.contains(&"ofac-6366") || referents.contains(&"un-qde-004"), "{one}");
    assert_eq!(after.len(), before.len() - 1, "one result fewer");
    let (_, queue) = server.with_key("GET", "/resolve/pairs", Some(&reader), None);
    assert_eq!(queue["total"].as_u64(), Some(total - 1), "the pair left the queue");
    let (_, decisions) = server.with_key("GET", "/resolve/decisions", Some(&reader), None);
    assert_eq!(decisions["decisions"][0]["actor"].as_str().map(|a| a.contains("reviewer")), Some(true));

    let id = made["id"].as_i64().unwrap();
    assert_error(
        &server.with_key("DELETE", &format!("/resolve/decisions/{id}"), Some(&reader), None),
        403,
        "forbidden",
    );
    assert_eq!(server.with_key("DELETE", &format!("/resolve/decisions/{id}"), Some(&editor), None).0, 200);
    assert_error(
        &server.with_key("DELETE", &format!("/resolve/decisions/{id}"), Some(&editor), None),
        400,
        "invalid_request",
    );
    assert_error(&server.with_key("DELETE", "/resolve/decisions/999", Some(&editor), None), 404, "not_found");
    assert_eq!(ids(&match_qaida()), ids(&before), "apart again");
    env.ok(&["audit", "verify"]);
}
