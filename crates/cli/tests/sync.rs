//! `proscribe sync` against a local HTTP server on 127.0.0.1 that serves the shared files with
//! ETags and answers conditional requests with 304.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::{shared, Env};

/// A request the server saw: its path and If-None-Match header.
type Seen = (String, Option<String>);

/// Files served by path, and the requests seen.
#[derive(Clone, Default)]
struct Server {
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(&self) -> String {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
        let me = self.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let path = request.url().to_string();
                let inm = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("If-None-Match"))
                    .map(|h| h.value.as_str().to_string());
                me.seen.lock().unwrap().push((path.clone(), inm.clone()));
                let body = me.files.lock().unwrap().get(&path).cloned();
                let response = match body {
                    None => tiny_http::Response::from_string("no such file").with_status_code(500),
                    Some(bytes) => {
                        use sha2::Digest;
                        let etag = format!("\"{}\"", hex::encode(sha2::Sha256::digest(&bytes)));
                        let header =
                            |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap();
                        if inm.as_deref() == Some(etag.as_str()) {
                            tiny_http::Response::from_data(Vec::new())
                                .with_status_code(304)
                                .with_header(header("ETag", &etag))
                        } else {
                            tiny_http::Response::from_data(bytes)
                                .with_header(header("ETag", &etag))
                                .with_header(header("Last-Modified", "Wed, 01 Jul 2026 10:00:00 GMT"))
                        }
                    }
                };
                let _ = request.respond(response);
            }
        });
        addr
    }

    fn serve(&self, path: &str, bytes: Vec<u8>) {
        self.files.lock().unwrap().insert(path.to_string(), bytes);
    }
}

#[test]
fn sync_fetches_conditionally_and_imports_changes() {
    let Some(data) = shared("lists") else { return };
    let server = Server::default();
    server.serve("/un.xml", std::fs::read(data.join("un/consolidated.xml")).unwrap());
    server.serve("/SDN.CSV", std::fs::read(data.join("ofac/sdn.csv")).unwrap());
    server.serve("/ALT.CSV", std::fs::read(data.join("ofac/alt.csv")).unwrap());
    let base = server.start();
    let env = Env::new();
    let config = env.path("sync.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nid = \"un-sc\"\nfiles = [{{ url = \"{base}/un.xml\", name = \"consolidated.xml\" }}]\n\
             [[source]]\nid = \"us-ofac-sdn\"\nfiles = [{{ url = \"{base}/SDN.CSV\", name = \"sdn.csv\" }}, \
             {{ url = \"{base}/ALT.CSV\", name = \"alt.csv\" }}]\n"
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();

    let first = env.json(&["sync", "--config", cfg]);
    let results: Vec<&str> = first.as_array().unwrap().iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["imported", "imported"]);
    // OFAC states no date: the server's Last-Modified dates the version.
    let ofac = env.json(&["lists", "us-ofac-sdn"]);
    assert_eq!(ofac[0]["published"], "2026-07-01T10:00:00Z");
    let state = env.state();

    // Nothing changed on the server: conditional requests, 304s, no new version.
    server.seen.lock().unwrap().clear();
    let second = env.json(&["sync", "--config", cfg]);
    let results: Vec<&str> = second.as_array().unwrap().iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["not_modified", "not_modified"]);
    assert!(server.seen.lock().unwrap().iter().all(|(_, inm)| inm.is_some()), "requests were not conditional");
    assert_eq!(env.state(), state);

    // The UN list changes on the server: only it is imported again.
    let text = std::fs::read_to_string(data.join("un/consolidated.xml")).unwrap();
    server.serve("/un.xml", text.replacen("dateGenerated=\"2026-02-27", "dateGenerated=\"2026-03-01", 1).into_bytes());
    let third = env.json(&["sync", "--config", cfg, "--only", "un-sc"]);
    assert_eq!(third[0]["result"], "imported");
    assert_eq!(env.json(&["lists", "un-sc"]).as_array().unwrap().len(), 2);

    // A failing source is reported and makes the command fail, naming the URL.
    server.files.lock().unwrap().remove("/ALT.CSV");
    std::fs::remove_dir_all(env.path("test.db.downloads/us-ofac-sdn")).unwrap();
    let err = env.fails(&["sync", "--config", cfg, "--only", "us-ofac-sdn"]);
    assert!(err.contains("ALT.CSV"), "{err}");
}
