//! Routing, limits and answers of the service, tested in process on the committed extracts.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use proscribe_server::{router, AppState, Config};
use proscribe_store::Store;
use serde_json::{json, Value};
use tower::ServiceExt;

/// A service over the UN and OFAC extracts, its index loaded.
fn service(config: Config) -> Arc<AppState> {
    let mut store = Store::open_in_memory().unwrap();
    let lists = [proscribe_testkit::fixture("un/consolidated.xml"), proscribe_testkit::fixture("ofac")];
    proscribe_app::import::import_paths(
        &mut store,
        &lists,
        &proscribe_app::import::ImportOptions::published(Some("2021-07-07")),
        &proscribe_app::import::Quiet,
    )
    .unwrap();
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
    let mut store = Store::open_in_memory().unwrap();
    let lists = [
        proscribe_testkit::fixture("un/history/consolidated-2024-11-30.xml"),
        proscribe_testkit::fixture("un/consolidated.xml"),
    ];
    proscribe_app::import::import_paths(&mut store, &lists, &Default::default(), &proscribe_app::import::Quiet)
        .unwrap();
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
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XyZ--\r\n"
    );
    let request = Request::post("/batch")
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    let (status, headers, _) = send(&state, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let job = headers["location"].to_str().unwrap().to_string();
    let results = loop {
        let (_, _, progress) = send(&state, Request::get(format!("{job}/progress")).body(Body::empty()).unwrap()).await;
        if progress["finished"] == true {
            let (_, _, csv) =
                send(&state, Request::get(format!("{job}/results.csv")).body(Body::empty()).unwrap()).await;
            break csv.as_str().unwrap().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
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
