//! Two `proscribe serve` processes on one PostgreSQL database: what one writes the other
//! sees within a reload interval; writes made on both at once keep one audit chain; a
//! decision sent to both at once is taken once; webhooks are delivered once, in order,
//! whichever server delivers; and killing one server leaves the other answering every
//! request sent to it.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{ftm, Env};
use crate::serve::{person, Server};
use crate::webhooks::Receiver;

const LIST: &str = "un-sc-consolidated";

/// Waits up to 30 seconds for `done`.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}: not within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The index files under `dir`, with when each was last written.
fn index_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let entries = |d: &std::path::Path| std::fs::read_dir(d).into_iter().flatten().filter_map(Result::ok);
    let mut files: Vec<_> = entries(dir)
        .flat_map(|folder| entries(&folder.path()).collect::<Vec<_>>())
        .filter(|e| e.path().extension().is_some_and(|x| x == "seg"))
        .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    files.sort();
    files
}

fn audit_records(env: &Env) -> u64 {
    let check = env.json(&["audit", "verify"]);
    check["records"].as_u64().expect("a count")
}

#[test]
fn two_servers_share_one_registry() {
    let Some(env) = Env::postgres() else { return };
    let un = proscribe_testkit::fixture("un/consolidated.xml");
    env.ok(&["import", un.to_str().unwrap()]);
    for (body, role) in [("ru-mfa", "proposer"), ("ru-supreme-court", "decider"), ("ru-moj", "publisher")] {
        env.ok(&["roles", "grant", LIST, body, role]);
    }
    let key = |name: &str, role: &str, body: Option<&str>| {
        let mut args = vec!["keys", "add", name, "--role", role];
        args.extend(body.map(|b| ["--body", b]).into_iter().flatten());
        env.json(&args)["secret"].as_str().unwrap().to_string()
    };
    let (admin, mfa, court) = (
        key("admin", "admin", None),
        key("mfa", "editor", Some("ru-mfa")),
        key("court", "editor", Some("ru-supreme-court")),
    );
    // Both servers keep their index files in one folder: the second opens the file the first
    // wrote instead of building its own.
    let index_dir = env.path("indexes");
    let flags = ["--reload-interval", "1", "--index-dir", index_dir.to_str().unwrap()];
    let a = Server::start(&env, &flags);
    let written = index_files(&index_dir);
    assert_eq!(written.len(), 1, "{written:?}");
    let mut b = Server::start(&env, &flags);
    assert_eq!(index_files(&index_dir), written, "the second server built no index of its own");

    // A key made on one server is taken by the other within a reload interval; revoked on
    // the other, it is refused by the first.
    let (status, made) =
        a.with_key("POST", "/admin/keys", Some(&admin), Some(&json!({"name": "analyst", "role": "reader"})));
    assert_eq!(status, 201, "{made}");
    let secret = made["secret"].as_str().unwrap().to_string();
    wait_until("a key made on A works on B", || b.with_key("GET", "/proposals", Some(&secret), None).0 == 200);
    let id = made["key"]["id"].as_i64().unwrap();
    assert_eq!(b.with_key("DELETE", &format!("/admin/keys/{id}"), Some(&admin), None).0, 200);
    wait_until("a key revoked on B is refused by A", || a.with_key("GET", "/proposals", Some(&secret), None).0 == 401);

    // The same decision sent to both servers at once: one takes it, the other answers 409.
    let new = json!({"list": LIST, "kind": "delist", "entity": "un-tai-026", "by": ["ru-mfa"],
        "statement": "Relations.", "on": "2026-01-01"});
    let (status, made) = a.with_key("POST", "/proposals", Some(&mfa), Some(&new));
    assert_eq!(status, 201, "{made}");
    let actions = format!("/proposals/{}/actions", made["id"]);
    let open = json!({"action": "open", "by": "ru-supreme-court", "on": "2026-01-02"});
    assert_eq!(b.with_key("POST", &actions, Some(&court), Some(&open)).0, 200);
    let decision = json!({"action": "decide", "body": "ru-supreme-court", "adopted": true, "legal_act": "AKPI31-2",
        "decided_on": "2026-02-01", "effective_on": "2026-02-01"});
    let mut statuses: Vec<u16> = std::thread::scope(|s| {
        let sent: Vec<_> = [&a, &b]
            .into_iter()
            .map(|server| s.spawn(|| server.with_key("POST", &actions, Some(&court), Some(&decision)).0))
            .collect();
        sent.into_iter().map(|h| h.join().unwrap()).collect()
    });
    statuses.sort();
    assert_eq!(statuses, [200, 409]);

    // 200 proposals made at once, half on each server: one chain, every write on it (each
    // proposal is made, then submitted: two records).
    let before = audit_records(&env);
    std::thread::scope(|s| {
        for t in 0..8 {
            let (a, b, mfa, new) = (&a, &b, &mfa, &new);
            s.spawn(move || {
                for i in 0..25 {
                    let server = if (t + i) % 2 == 0 { a } else { b };
                    let (status, v) = server.with_key("POST", "/proposals", Some(mfa), Some(new));
                    assert_eq!(status, 201, "{v}");
                }
            });
        }
    });
    assert_eq!(audit_records(&env), before + 400);

    // A webhook gets each change once, in feed order, while both servers deliver.
    let receiver = Receiver::start();
    env.json(&["webhooks", "add", &receiver.url]);
    let names: Vec<String> = (0..40).map(|i| format!("Replica Trading {i}")).collect();
    let file = env.path("replica.ftm.json");
    std::fs::write(&file, ftm("r", &names.iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    wait_until("40 changes delivered", || receiver.got.lock().unwrap().len() >= 40);
    // Both servers pass over the feed a few more times.
    std::thread::sleep(Duration::from_secs(3));
    let cursors: Vec<i64> = receiver
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap()["cursor"].as_i64().unwrap())
        .collect();
    assert_eq!(cursors.len(), 40, "each change once: {cursors:?}");
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "in order: {cursors:?}");

    // Killing one server while requests go on: the other answers every request sent to it.
    std::thread::scope(|s| {
        let load: Vec<_> = (0..4)
            .map(|_| {
                let (a, mfa) = (&a, &mfa);
                s.spawn(move || {
                    let start = Instant::now();
                    let mut answered = 0;
                    while start.elapsed() < Duration::from_secs(3) {
                        let query = person("Amir Khan Mutaqi");
                        let (status, v) = a.with_key("POST", "/match/default?limit=3", Some(mfa), Some(&query));
                        assert_eq!(status, 200, "{v}");
                        answered += 1;
                    }
                    answered
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        b.kill();
        let answered: usize = load.into_iter().map(|h| h.join().unwrap()).sum();
        assert!(answered > 10, "{answered} requests answered");
    });
    assert_eq!(a.get("/readyz").0, 200);
}

/// A TCP proxy to the database that the test can cut (every connection closed, new ones
/// refused) and restore: the database going away and coming back, for one server only.
struct Proxy {
    port: u16,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxy = Proxy { port, down: Default::default(), open: Default::default() };
        let (down, open) = (proxy.down.clone(), proxy.open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = std::net::TcpStream::connect(&upstream) else { continue };
                open.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        proxy
    }

    fn cut(&self) {
        self.down.store(true, std::sync::atomic::Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.down.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_server_rides_out_a_database_outage() {
    let Some(env) = Env::postgres() else { return };
    let un = proscribe_testkit::fixture("un/consolidated.xml");
    env.ok(&["import", un.to_str().unwrap()]);
    let editor = env.json(&["keys", "add", "analyst", "--role", "editor"])["secret"].as_str().unwrap().to_string();
    // The server reaches the database through the proxy.
    let url = env.db.to_str().unwrap().to_string();
    let authority = url.split("://").nth(1).unwrap().split(['/', '?']).next().unwrap();
    let host_port = authority.rsplit('@').next().unwrap().to_string();
    let proxy = Proxy::start(host_port.clone());
    let through = env.reached_by(&url.replacen(&host_port, &format!("127.0.0.1:{}", proxy.port), 1));
    let server = Server::start(&through, &["--reload-interval", "1"]);
    let decide = |reason: &str| {
        let body = json!({"a": "un-tai-026", "b": "un-tai-027", "verdict": "different", "reason": reason});
        server.with_key("POST", "/resolve/decisions", Some(&editor), Some(&body))
    };
    let screen = || server.with_key("POST", "/match/default?limit=3", Some(&editor), Some(&person("Amir Khan Mutaqi")));

    proxy.cut();
    // Not ready, and saying why; writes answer 503 JSON; screening goes on from the index.
    wait_until("/readyz answers 503", || server.get("/readyz").0 == 503);
    let (_, why) = server.get("/readyz");
    assert_eq!(why["code"], "database_unavailable", "{why}");
    let (status, refused) = decide("two ministers");
    assert_eq!((status, refused["code"].as_str()), (503, Some("database_unavailable")), "{refused}");
    let (status, hits) = screen();
    assert_eq!(status, 200, "{hits}");
    assert_eq!(hits["responses"]["q1"]["results"][0]["id"], "un-tai-026", "{hits}");

    // The database is back: the same process is ready and writes again, without a restart.
    proxy.restore();
    wait_until("/readyz answers 200", || server.get("/readyz").0 == 200);
    let (status, made) = decide("two ministers");
    assert_eq!(status, 201, "{made}");
    assert_eq!(screen().0, 200);
    let check = env.json(&["audit", "verify"]);
    assert!(check["findings"].as_array().unwrap().is_empty(), "{check}");
}
