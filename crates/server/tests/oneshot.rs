//! Routing, limits and answers of the service, tested in process on the committed extracts.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use proscribe_server::{router, AppState, Config};
use proscribe_store::Store;
use serde_json::{json, Value};
use tower::ServiceExt;

/// A store in memory holding the committed extracts at `fixtures` (files that state no date
/// dated 2021-07-07, as OFAC's extract was published).
fn store_of(fixtures: &[&str]) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let lists: Vec<std::path::PathBuf> = fixtures.iter().map(|f| proscribe_testkit::fixture(f)).collect();
    proscribe_app::import::import_paths(
        &mut store,
        &lists,
        &proscribe_app::import::ImportOptions::published(Some("2021-07-07")),
        &proscribe_app::import::Quiet,
    )
    .unwrap();
    store
}

/// A service over the UN and OFAC extracts, its index loaded.
fn service(config: Config) -> Arc<AppState> {
    let store = store_of(&["un/consolidated.xml", "ofac"]);
    let state = AppState::new(config, vec![store]).unwrap();
    state.reload().unwrap();
    state
}

/// Sends `request` and returns the status, the headers and the body (JSON when it parses).
async fn send(state: &Arc<AppState>, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = router(state.clone()).oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, body)
}

/// A configuration whose reads need no key.
fn open() -> Config {
    Config { open_reads: true, ..Config::default() }
}

fn post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn match_finds_the_listed_minister_and_refuses_what_it_cannot_read() {
    let state = service(open());
    let q = json!({"queries": {
        "moft": {"schema": "Person", "properties": {"name": ["Amir Khan Muttaqi"], "nationality": ["af"]}},
        "nobody": {"schema": "Person", "properties": {"name": ["Zelphine Orvalle"]}},
    }});
    let (status, _, v) = send(&state, post("/match/default", &q)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let top = &v["responses"]["moft"]["results"][0];
    assert_eq!((top["id"].as_str(), top["match"].as_bool()), (Some("un-tai-026"), Some(true)), "{top}");
    assert_eq!(v["responses"]["nobody"]["results"], json!([]), "{v}");
    // A single query refuses a value it cannot read, naming the field.
    let bad =
        json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["x"], "nationality": ["Atlantis"]}}}});
    let (status, _, v) = send(&state, post("/match/default", &bad)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_country")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("country: unknown \"Atlantis\""), "{v}");
    let bad = json!({"queries": {"q": {"schema": "Banana", "properties": {"name": ["x"]}}}});
    let (status, _, v) = send(&state, post("/match/default", &bad)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown_schema")), "{v}");
}

#[tokio::test]
async fn batch_rows_are_read_as_every_interface_reads_them() {
    let state = service(open());
    let lines = [
        json!({"key": "a", "name": "TALIBAN", "schema": "Organization"}).to_string(),
        "{broken".to_string(),
        json!({"key": "c", "name": "Abdul Salam Hanafi", "birth_date": "31/13/1970"}).to_string(),
        json!({"key": "d"}).to_string(),
    ];
    let request = Request::post("/screen/batch").body(Body::from(lines.join("\n"))).unwrap();
    let (status, headers, body) = send(&state, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/x-ndjson");
    let rows: Vec<Value> = body.as_str().unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.iter().map(|r| r["row"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(rows[0]["hits"][0]["match"], true, "{}", rows[0]);
    assert!(
        rows[0]["hits"][0]["references"].as_array().unwrap().iter().any(|r| r["reference"] == "6636"),
        "{}",
        rows[0]
    );
    assert!(rows[1]["error"].as_str().unwrap().starts_with("not a JSON object"), "{}", rows[1]);
    // An unreadable birth date is left out, and said; the row is still screened.
    assert!(rows[2]["notes"].as_str().unwrap().starts_with("birth_date: \"31/13/1970\" is not a date"), "{}", rows[2]);
    assert_eq!(rows[2]["hits"][0]["match"], true, "{}", rows[2]);
    assert_eq!((rows[3]["key"].as_str(), rows[3]["error"].as_str()), (Some("d"), Some("name: missing or empty")));
}

#[tokio::test]
async fn readiness_errors_and_the_example_registry_are_said() {
    let store = Store::open_in_memory().unwrap();
    let state = AppState::new(Config::default(), vec![store]).unwrap();
    let (status, _, v) = send(&state, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{v}");

    let state = service(open());
    let (status, _, _) = send(&state, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, v) = send(&state, Request::get("/nowhere").body(Body::empty()).unwrap()).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{v}");
    assert!(headers.get("x-proscribe-registry").is_none());
    // Without open reads, a page of the UI without a key is sent to sign in.
    let (status, headers, _) =
        send(&service(Config::default()), Request::get("/screen?name=x").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers["location"].to_str().unwrap().starts_with("/login"));

    let example = service(Config { example: true, ..open() });
    let (_, headers, _) = send(&example, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(headers["x-proscribe-registry"], "example");
}

/// A service over both UN extracts (the 2024-11-30 version, then the current one).
fn two_un_versions() -> Arc<AppState> {
    let store = store_of(&["un/history/consolidated-2024-11-30.xml", "un/consolidated.xml"]);
    let state = AppState::new(open(), vec![store]).unwrap();
    state.reload().unwrap();
    state
}

#[tokio::test]
async fn a_version_is_compared_with_the_one_before_unless_another_is_named() {
    let state = two_un_versions();
    let (_, _, versions) = send(&state, Request::get("/sources/un-sc/versions").body(Body::empty()).unwrap()).await;
    let ids: Vec<i64> = versions["versions"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{versions}");
    let count = |v: &Value, kind: &str| v["changes"].as_array().unwrap().iter().filter(|c| c["kind"] == kind).count();
    let (status, _, v) =
        send(&state, Request::get(format!("/versions/{}/diff", ids[1])).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["from_version"], ids[0]);
    assert_eq!((count(&v, "added"), count(&v, "removed"), count(&v, "amended")), (1, 1, 16));
    let (_, _, v) =
        send(&state, Request::get(format!("/versions/{}/diff?from=none", ids[1])).body(Body::empty()).unwrap()).await;
    assert_eq!((count(&v, "added"), v["from_version"].clone()), (40, Value::Null));
    let (status, _, v) =
        send(&state, Request::get(format!("/versions/{}/diff?from=999", ids[1])).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    // The web UI's diff page compares alike.
    let (status, _, html) = send(&state, Request::get("/lists/un-sc/diff").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let html = html.as_str().unwrap();
    assert!(html.contains("QDi.436") && html.contains("QDi.317"), "{html}");
}

#[tokio::test]
async fn the_web_ui_reads_queries_and_batches_as_the_api_does() {
    let state = service(open());
    // A birth date as forms write it is read, day first, as everywhere.
    let (status, _, html) = send(
        &state,
        Request::get("/screen?name=Amir+Khan+Muttaqi&birth_date=12+Jan+1968").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.as_str().unwrap().contains("AMIR KHAN MOTAQI"));

    // An uploaded batch: the same columns, row errors, notes and reference separator as the
    // command line's and the API's.
    let csv = "key,name,country,schema\n1,TALIBAN,,Organization\n2,,af,\n3,Abdul Salam Hanafi,Atlantis,Person\n";
    let b = Browser::open(&state, "/batch").await;
    let job = b.upload(&state, csv).await;
    let results = b.results(&state, &job).await;
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(results.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = results.lines().next().unwrap();
    assert_eq!(header, proscribe_app::batch::CSV_HEADER.join(","));
    // Row 1 matches the Taliban; the OFAC entry's references are joined by `;`.
    let taliban: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "1").collect();
    assert!(taliban.iter().any(|r| r[4] == "true" && r[6].split(';').any(|x| x == "6636")), "{results}");
    // Row 2 has no name: its error. Row 3's unknown country is left out and said, and the row
    // is screened without it.
    assert!(rows.iter().any(|r| r[0] == "2" && r[9] == "name: missing or empty"), "{results}");
    assert!(rows.iter().any(|r| r[0] == "3" && r[9].starts_with("country: unknown \"Atlantis\"")), "{results}");
    assert!(rows.iter().any(|r| r[0] == "3" && r[4] == "true"), "{results}");
}

#[tokio::test]
async fn batch_rows_are_numbered_by_their_line_whatever_its_length() {
    let state = service(open());
    let long = json!({"key": "long", "name": "x".repeat(200 * 1024)}).to_string();
    let body = format!(
        "{}\n{long}\n\n{}\n",
        json!({"key": "a", "name": "Zelphine Orvalle"}),
        json!({"key": "d", "name": "TALIBAN", "schema": "Organization"})
    );
    let (status, _, out) = send(&state, Request::post("/screen/batch").body(Body::from(body)).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<Value> = out.as_str().unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let numbers: Vec<u64> = rows.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 4], "{out}");
    assert!(
        rows[1]["error"].as_str().unwrap().starts_with(&format!("the line is {} bytes", long.len())),
        "{}",
        rows[1]
    );
    assert_eq!(
        (rows[2]["key"].as_str(), rows[2]["hits"][0]["match"].as_bool()),
        (Some("d"), Some(true)),
        "{}",
        rows[2]
    );
}

#[tokio::test]
async fn a_scan_too_long_or_too_slow_is_refused_as_json() {
    let state = service(open());
    let text = "Amir Khan Muttaqi met Abdul Salam Hanafi and the Taliban in Kabul. ".repeat(4000);
    assert!(text.len() > 256 * 1024);
    let (status, _, v) = send(&state, post("/scan", &json!({ "text": text }))).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("text_too_long")), "{v}");

    // Within the size limit but past a short request timeout: a JSON 408, and the scan stops.
    let quick = service(Config { request_timeout: std::time::Duration::from_millis(30), ..open() });
    let text = "Amir Khan Muttaqi met Abdul Salam Hanafi and the Taliban in Kabul. ".repeat(3500);
    let started = std::time::Instant::now();
    let (status, _, v) = send(&quick, post("/scan", &json!({ "text": text }))).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::REQUEST_TIMEOUT, Some("timeout")), "{v}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

/// The host the in-process requests are addressed to.
const HOST: &str = "proscribe.test";

/// A browser of the web UI: its cookie and the CSRF token of its forms.
struct Browser {
    cookie: String,
    token: String,
}

/// The cookie an answer sets (name=value), if any.
fn set_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    let v = headers.get("set-cookie")?.to_str().unwrap();
    Some(v.split(';').next().unwrap().to_string())
}

impl Browser {
    /// A new browser that opened `path` (a page with a form).
    async fn open(state: &Arc<AppState>, path: &str) -> Browser {
        let (status, headers, html) =
            send(state, Request::get(path).header("host", HOST).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let cookie = set_cookie(&headers).expect("a new browser gets an id");
        let mut b = Browser { cookie, token: String::new() };
        b.token = token_in(html.as_str().unwrap());
        b
    }

    fn get(&self, path: &str) -> Request<Body> {
        Request::get(path).header("host", HOST).header("cookie", &self.cookie).body(Body::empty()).unwrap()
    }

    /// Opens `path` and keeps the token of its forms.
    async fn reload(&mut self, state: &Arc<AppState>, path: &str) {
        let (status, _, html) = send(state, self.get(path)).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        self.token = token_in(html.as_str().unwrap());
    }

    /// A URL-encoded form to `path`, from this site.
    fn form(&self, path: &str, fields: &[(&str, &str)]) -> Request<Body> {
        let body: Vec<String> =
            fields.iter().map(|(k, v)| format!("{k}={}", v.replace('\t', "%09").replace(' ', "+"))).collect();
        Request::post(path)
            .header("host", HOST)
            .header("origin", format!("http://{HOST}"))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap()
    }

    /// Signs in with `secret`: the browser's cookie becomes the session's.
    async fn sign_in(&mut self, state: &Arc<AppState>, secret: &str) -> axum::http::HeaderMap {
        let (status, headers, v) = send(state, self.form("/login", &[("csrf", &self.token), ("key", secret)])).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{v}");
        self.cookie = set_cookie(&headers).unwrap();
        headers
    }

    /// A multipart form to `path`, its body to come from [`Browser::multipart_body`].
    fn multipart(&self, path: &str) -> axum::http::request::Builder {
        Request::post(path)
            .header("host", HOST)
            .header("cookie", &self.cookie)
            .header("content-type", "multipart/form-data; boundary=XyZ")
    }

    /// A multipart body: `token` first, then a file in `field`.
    fn multipart_body(token: Option<&str>, (field, content): (&str, &str)) -> Body {
        let mut body = String::new();
        if let Some(t) = token {
            body.push_str(&format!("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n"));
        }
        body.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--XyZ--\r\n"
        ));
        Body::from(body)
    }

    /// Uploads `csv` as a batch and returns the job's path.
    async fn upload(&self, state: &Arc<AppState>, csv: &str) -> String {
        let request = self
            .multipart("/batch")
            .header("origin", format!("http://{HOST}"))
            .body(Browser::multipart_body(Some(&self.token), ("file", csv)))
            .unwrap();
        let (status, headers, v) = send(state, request).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{v}");
        headers["location"].to_str().unwrap().to_string()
    }

    /// The results of the batch at `job`, once finished.
    async fn results(&self, state: &Arc<AppState>, job: &str) -> String {
        loop {
            let (_, _, progress) = send(state, self.get(&format!("{job}/progress"))).await;
            if progress["finished"] == true {
                let (_, _, csv) = send(state, self.get(&format!("{job}/results.csv"))).await;
                break csv.as_str().unwrap().to_string();
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// The CSRF token of the first form of a page (every form of a page has the same).
fn token_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form with a token") + 19;
    html[at..at + 64].to_string()
}

/// A service whose pages need a key, with keys made before it started (secret by name).
fn with_keys(names: &[(&str, proscribe_store::Role)]) -> (Arc<AppState>, Vec<(i64, String)>) {
    let store = store_of(&["un/consolidated.xml"]);
    let keys = names
        .iter()
        .map(|(name, role)| {
            let secret = proscribe_app::secrets::new_secret().unwrap();
            (store.add_key("test", name, *role, &secret).unwrap().id, secret)
        })
        .collect();
    let state = AppState::new(Config::default(), vec![store]).unwrap();
    state.reload().unwrap();
    (state, keys)
}

#[tokio::test]
async fn the_page_after_signing_in_is_a_path_of_this_site_and_a_bad_one_is_a_400() {
    use proscribe_store::Role;
    let (state, keys) = with_keys(&[("analyst", Role::Reader)]);
    for bad in ["%2F%09%2F127.0.0.1:19050/pwned.html", "/%0Ax", "/%0Dx", "/%00x", "/%2509x", "/a%20b"] {
        let (status, headers, html) =
            send(&state, Request::get(format!("/login?next={bad}")).header("host", HOST).body(Body::empty()).unwrap())
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {html}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{bad}");
    }
    for (next, back) in [
        ("/screen%3Fname%3Dx", "/screen?name=x"),
        ("%2F%2F127.0.0.1:19050/pwned.html", "/"),
        ("/%5C127.0.0.1:19050", "/"),
        ("https://evil.example/", "/"),
        ("%E2%80%A8", "/"),
    ] {
        let (status, _, html) =
            send(&state, Request::get(format!("/login?next={next}")).header("host", HOST).body(Body::empty()).unwrap())
                .await;
        let html = html.as_str().unwrap().to_string();
        if next == "%E2%80%A8" {
            // U+2028 is whitespace: refused like a tab.
            assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{next}: {html}");
        assert!(html.contains(&format!("name=\"next\" value=\"{back}\"")), "{next}: {html}");
    }
    // The form's next is checked alike: refused with a control character, else followed or `/`.
    let mut b = Browser::open(&state, "/login").await;
    let (status, _, _) =
        send(&state, b.form("/login", &[("csrf", &b.token), ("key", &keys[0].1), ("next", "/\t/127.0.0.1:19050/")]))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, headers, _) =
        send(&state, b.form("/login", &[("csrf", &b.token), ("key", &keys[0].1), ("next", "%2F%2Fevil.example")]))
            .await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/"));
    let headers = b.sign_in(&state, &keys[0].1).await;
    assert_eq!(headers["location"], "/");
}

#[tokio::test]
async fn every_page_is_served_with_the_security_headers() {
    let state = service(open());
    let b = Browser::open(&state, "/batch").await;
    let pages = [
        "/",
        "/screen?name=Taliban",
        "/batch",
        "/scan",
        "/entity/un-tai-026",
        "/entity/nobody",
        "/lists",
        "/lists/un-sc",
        "/lists/un-sc/diff",
        "/workflow",
        "/login",
        "/batch/none",
    ];
    for page in pages {
        let (_, headers, html) = send(&state, b.get(page)).await;
        let csp = headers["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{page}: {csp}");
        }
        assert_eq!(headers["x-frame-options"], "DENY", "{page}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{page}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{page}");
        assert_eq!(headers["cache-control"], "no-store", "{page}");
        // Nothing inline that the policy would block.
        let html = html.as_str().unwrap();
        assert!(!html.contains("style=") && !html.contains("<style"), "{page}");
        assert!(html.match_indices("<script").all(|(i, _)| html[i..].starts_with("<script src=")), "{page}");
    }
    for asset in ["/assets/style.css", "/assets/app.js"] {
        let (_, headers, _) = send(&state, b.get(asset)).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "{asset}");
    }
    // The API's answers are not sniffed either.
    for path in ["/healthz", "/nowhere", "/catalog"] {
        let (_, headers, _) = send(&state, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    }
}

#[tokio::test]
async fn a_form_needs_its_token_and_this_origin_and_a_session_ends_with_its_key() {
    use proscribe_store::Role;
    let (state, keys) = with_keys(&[("analyst", Role::Reader), ("admin", Role::Admin)]);
    let mut b = Browser::open(&state, "/login").await;
    let anonymous = b.cookie.clone();
    // Signing in without the token, or with another browser's, is refused.
    let (status, _, html) = send(&state, b.form("/login", &[("key", &keys[0].1)])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.as_str().unwrap().contains("without its security token"), "{html}");
    let other = Browser::open(&state, "/login").await;
    let (status, _, _) = send(&state, b.form("/login", &[("csrf", &other.token), ("key", &keys[0].1)])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The session's cookie holds a new opaque id, never the key.
    let headers = b.sign_in(&state, &keys[0].1).await;
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure") && !cookie.contains(&keys[0].1), "{cookie}");
    assert_ne!(b.cookie, anonymous);
    b.reload(&state, "/scan").await;

    let scan = |token: Option<&str>| {
        b.multipart("/scan/article")
            .body(Browser::multipart_body(token, ("text", "Amir Khan Muttaqi was in Doha.")))
            .unwrap()
    };
    let with = |mut r: Request<Body>, name: &'static str, value: &str| {
        r.headers_mut().insert(name, value.parse().unwrap());
        r
    };
    let here = format!("http://{HOST}");
    let (status, _, html) = send(&state, with(scan(Some(&b.token)), "origin", &here)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.as_str().unwrap().contains("AMIR KHAN MOTAQI"));
    for (what, request) in [
        ("no token", with(scan(None), "origin", &here)),
        ("a wrong token", with(scan(Some(&"0".repeat(64))), "origin", &here)),
        ("another origin", with(scan(Some(&b.token)), "origin", "http://proscribe.test:19050")),
        ("a null origin", with(scan(Some(&b.token)), "origin", "null")),
        ("another referrer", with(scan(Some(&b.token)), "referer", "http://127.0.0.1:19050/pwned.html")),
        ("neither origin nor referrer", scan(Some(&b.token))),
    ] {
        let (status, headers, html) = send(&state, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {html}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{what}");
    }
    // Without Origin, a referring page of this site will do.
    let (status, _, _) = send(&state, with(scan(Some(&b.token)), "referer", &format!("{here}/scan"))).await;
    assert_eq!(status, StatusCode::OK);

    // Behind a proxy that says the request came over TLS, the cookie is Secure.
    let mut secure = Browser::open(&state, "/login").await;
    let mut request = secure.form("/login", &[("csrf", &secure.token), ("key", &keys[0].1)]);
    request.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
    let (_, headers, _) = send(&state, request).await;
    assert!(headers["set-cookie"].to_str().unwrap().contains("; Secure"), "{headers:?}");
    secure.cookie = set_cookie(&headers).unwrap();

    // Signing out ends the session: its id no longer signs in.
    let (status, _, _) = send(&state, b.form("/logout", &[("csrf", &b.token)])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = send(&state, b.get("/screen")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Revoking the key ends its sessions.
    let (status, _, _) = send(&state, secure.get("/screen")).await;
    assert_eq!(status, StatusCode::OK);
    let revoke = Request::delete(format!("/admin/keys/{}", keys[0].0))
        .header("authorization", format!("Bearer {}", keys[1].1))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&state, revoke).await.0, StatusCode::OK);
    let (status, headers, _) = send(&state, secure.get("/screen")).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/login?next=/screen"));
}

#[tokio::test]
async fn a_batch_is_read_only_by_the_key_that_sent_it_and_admins() {
    use proscribe_store::Role;
    let (state, keys) = with_keys(&[("one", Role::Reader), ("two", Role::Reader), ("admin", Role::Admin)]);
    let mut browsers = Vec::new();
    for (_, secret) in &keys {
        let mut b = Browser::open(&state, "/login").await;
        b.sign_in(&state, secret).await;
        b.reload(&state, "/batch").await;
        browsers.push(b);
    }
    let job = browsers[0].upload(&state, "key,name\n1,TALIBAN\n").await;
    let results = browsers[0].results(&state, &job).await;
    assert!(results.starts_with("row,key,name"), "{results}");
    for suffix in ["", "/progress", "/results.csv"] {
        let path = format!("{job}{suffix}");
        let (status, _, _) = send(&state, browsers[1].get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another key: {path}");
        let (status, _, _) = send(&state, browsers[2].get(&path)).await;
        assert_eq!(status, StatusCode::OK, "an admin key: {path}");
    }
}

/// A service over the FollowTheMoney fixture of targets: a politically exposed person, a
/// company marked as a target, a person known only by an address, a sanctioned person and a
/// debarred company.
fn targets() -> Arc<AppState> {
    let state = AppState::new(open(), vec![store_of(&["ftm/targets.ftm.json"])]).unwrap();
    state.reload().unwrap();
    state
}

/// The ids of the results of each query of a `/match` answer, by the query's key.
fn matched(v: &Value) -> std::collections::BTreeMap<String, Vec<String>> {
    v["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("no responses: {v}"))
        .iter()
        .map(|(k, r)| {
            let ids = r["results"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
            (k.clone(), ids)
        })
        .collect()
}

#[tokio::test]
async fn targets_and_risk_topics_are_screened_without_a_sanction_and_filtered_by_topic_and_schema() {
    let state = targets();
    let queries = json!({"queries": {
        "pep": {"schema": "Person", "properties": {"name": ["Valentina Morozkina"]}},
        "kestrel": {"schema": "Company", "properties": {"name": ["Kestrel Maritime Holdings"]}},
        "brenner": {"schema": "Person", "properties": {"name": ["Oskar Lindqvist Brenner"]}},
        "sdn": {"schema": "Person", "properties": {"name": ["Rashid Kadyrbekov"]}},
        "norvane": {"schema": "Company", "properties": {"name": ["Norvane Construction"]}},
    }});
    let ask = |params: &str| post(&format!("/match/default{params}"), &queries);
    let (status, _, v) = send(&state, ask("")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let ids = matched(&v);
    assert_eq!(ids["pep"], ["tg-pep-morozkina"], "{v}");
    assert_eq!(ids["kestrel"], ["tg-co-kestrel"], "{v}");
    assert_eq!(ids["sdn"], ["tg-sdn-kadyrbekov"], "{v}");
    assert_eq!(ids["norvane"], ["tg-co-norvane"], "{v}");
    // Neither a target nor at risk: not screened, even by its exact name.
    assert_eq!(ids["brenner"], Vec::<String>::new(), "{v}");

    // Results carry their topics as yente shows them, and are targets.
    let first = |key: &str| v["responses"][key]["results"][0].clone();
    assert_eq!(first("pep")["properties"]["topics"], json!(["role.pep"]));
    assert_eq!(first("sdn")["properties"]["topics"], json!(["sanction"]));
    assert_eq!(first("norvane")["properties"]["topics"], json!(["debarment"]));
    assert_eq!(first("kestrel")["properties"].get("topics"), None, "{}", first("kestrel"));
    for key in ["pep", "kestrel", "sdn", "norvane"] {
        assert_eq!(first(key)["target"], json!(true), "{key}");
        assert_eq!(first(key)["match"], json!(true), "{key}");
    }

    // `topics` keeps results with any of the topics, compared whole.
    let (_, _, v) = send(&state, ask("?topics=role.pep")).await;
    let ids = matched(&v);
    assert_eq!((ids["pep"].len(), ids["sdn"].len(), ids["kestrel"].len()), (1, 0, 0), "{v}");
    let (_, _, v) = send(&state, ask("?topics=sanction&topics=debarment")).await;
    let ids = matched(&v);
    assert_eq!((ids["pep"].len(), ids["sdn"].len(), ids["norvane"].len()), (0, 1, 1), "{v}");
    let (_, _, v) = send(&state, ask("?topics=role")).await;
    assert!(matched(&v).values().all(Vec::is_empty), "a topic is not a prefix: {v}");

    // `exclude_schema` leaves out results of those kinds.
    let (_, _, v) = send(&state, ask("?exclude_schema=Company")).await;
    let ids = matched(&v);
    assert_eq!((ids["pep"].len(), ids["sdn"].len(), ids["kestrel"].len(), ids["norvane"].len()), (1, 1, 0, 0), "{v}");
    let (_, _, v) = send(&state, ask("?exclude_schema=Person&topics=debarment&topics=role.pep")).await;
    let ids = matched(&v);
    assert_eq!((ids["pep"].len(), ids["norvane"].len(), ids["kestrel"].len()), (0, 1, 0), "{v}");
    let (status, _, v) = send(&state, ask("?exclude_schema=Banana")).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown_schema")), "{v}");
}
