//! `proscribe webhooks`: changes delivered to a receiver on 127.0.0.1 in feed order, signed
//! with HMAC-SHA256, retried with backoff after failures, stopped (and resumed) at a change
//! that cannot be delivered, with every attempt logged.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::common::{ftm, Env};

/// What the receiver got: the body and its signature headers.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) body: String,
    timestamp: String,
    signature: String,
}

/// A receiver that answers 500 to the next `failures` requests, then 200.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) got: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicUsize>,
}

impl Receiver {
    pub(crate) fn start() -> Receiver {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("receiver");
        let url = format!("http://127.0.0.1:{}/hook", server.server_addr().to_ip().unwrap().port());
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let failures = Arc::new(AtomicUsize::new(0));
        let (g, f) = (got.clone(), failures.clone());
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let header = |request: &tiny_http::Request, name: &'static str| {
                    request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv(name))
                        .map(|h| h.value.to_string())
                        .unwrap_or_default()
                };
                let (timestamp, signature) =
                    (header(&request, "x-proscribe-timestamp"), header(&request, "x-proscribe-signature"));
                let mut body = String::new();
                request.as_reader().read_to_string(&mut body).unwrap();
                g.lock().unwrap().push(Received { body, timestamp, signature });
                let fail = f.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                let _ = request.respond(tiny_http::Response::empty(if fail { 500 } else { 200 }));
            }
        });
        Receiver { url, got, failures }
    }
}

fn verify(secret: &str, r: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.{}", r.timestamp, r.body).as_bytes());
    r.signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[test]
fn changes_are_delivered_signed_in_order_with_retries() {
    let env = Env::new();
    // The followed list holds a first entity before the subscription (a subscription names
    // lists the store knows); each version below keeps it.
    let (alpha, beta) = (env.path("alpha.ftm.json"), env.path("beta.ftm.json"));
    let seed = ftm("s", &["Seed Holdings"]);
    let alpha_with = |names: &[&str]| std::fs::write(&alpha, format!("{seed}{}", ftm("a", names))).unwrap();
    std::fs::write(&alpha, &seed).unwrap();
    env.ok(&["import", alpha.to_str().unwrap()]);
    let receiver = Receiver::start();
    let added = env.json(&["webhooks", "add", &receiver.url, "--lists", "ftm-alpha"]);
    let secret = added["secret"].as_str().unwrap().to_string();
    let id = added["webhook"]["id"].as_i64().unwrap().to_string();
    let deliver =
        |attempts: &str| env.run(&["--json", "webhooks", "deliver", "--attempts", attempts, "--retry-delay-ms", "20"]);

    // What was there before the subscription is not sent.
    let out = deliver("3");
    assert!(out.status.success());
    assert!(receiver.got.lock().unwrap().is_empty());

    // Two changes of the followed source (one per version), one of another source.
    alpha_with(&["Velkorra Holdings"]);
    env.ok(&["import", alpha.to_str().unwrap()]);
    std::fs::write(&beta, ftm("b", &["Orvalle Shipping"])).unwrap();
    env.ok(&["import", beta.to_str().unwrap()]);
    alpha_with(&["Velkorra Holdings", "Tresmont Mining"]);
    env.ok(&["import", alpha.to_str().unwrap()]);

    // The first two attempts fail; the third gets through, then the second change.
    receiver.failures.store(2, Ordering::SeqCst);
    let out = deliver("3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["delivered"].as_u64(), report["failed_attempts"].as_u64()), (Some(2), Some(2)), "{report}");
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|r| verify(&secret, r)), "a signature does not verify");
    let bodies: Vec<Value> = got.iter().map(|r| serde_json::from_str(&r.body).unwrap()).collect();
    let cursors: Vec<i64> = bodies.iter().map(|b| b["cursor"].as_i64().unwrap()).collect();
    assert!(cursors[0] == cursors[1] && cursors[1] == cursors[2] && cursors[2] < cursors[3], "{cursors:?}");
    let entities: Vec<&str> = bodies.iter().map(|b| b["change"]["entity_id"].as_str().unwrap()).collect();
    assert_eq!(entities, ["a-0", "a-0", "a-0", "a-1"]);
    assert!(bodies.iter().all(|b| b["change"]["source_id"] == "ftm-alpha"));
    // A tampered body does not verify.
    let mut forged = got[3].clone();
    forged.body = forged.body.replace("a-1", "a-9");
    assert!(!verify(&secret, &forged));

    let log = env.json(&["webhooks", "log", &id]);
    let statuses: Vec<&str> = log.as_array().unwrap().iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["failed", "failed", "delivered", "delivered"]);
    assert_eq!(log[0]["http_status"], 500);

    // Nothing is sent twice.
    assert!(deliver("3").status.success());
    assert_eq!(receiver.got.lock().unwrap().len(), 4);

    // A receiver that keeps failing stops the pass at that change; the next pass resumes it.
    alpha_with(&["Velkorra Holdings", "Tresmont Mining", "Quillan Fuels"]);
    env.ok(&["import", alpha.to_str().unwrap()]);
    receiver.failures.store(2, Ordering::SeqCst);
    let out = deliver("2");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("resume at the same change"));
    assert_eq!(receiver.got.lock().unwrap().len(), 6);
    assert!(deliver("2").status.success());
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 7);
    let last: Value = serde_json::from_str(&got[6].body).unwrap();
    assert_eq!(last["change"]["entity_id"], "a-2");

    // Subscriptions are on the audit trail; removed, a webhook gets nothing more.
    let log = env.json(&["audit", "log"]);
    assert!(log.as_array().unwrap().iter().any(|r| r["action"] == "webhook.add"), "{log}");
    env.ok(&["webhooks", "remove", &id]);
    alpha_with(&["Velkorra Holdings"]);
    env.ok(&["import", "--allow-mass-change", alpha.to_str().unwrap()]);
    assert!(deliver("2").status.success());
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(receiver.got.lock().unwrap().len(), 7);
    env.ok(&["audit", "verify"]);
}

#[test]
fn a_subscription_names_lists_the_store_knows() {
    let env = Env::new();
    let alpha = env.path("alpha.ftm.json");
    std::fs::write(&alpha, ftm("a", &["Velkorra Holdings"])).unwrap();
    env.ok(&["import", alpha.to_str().unwrap()]);
    let err = env.fails(&["webhooks", "add", "http://127.0.0.1:9/hook", "--lists", "ftm-alpha,ftm-alpah"]);
    assert!(err.contains("unknown list \"ftm-alpah\" (the lists are: ftm-alpha)"), "{err}");
    assert!(env.json(&["webhooks", "list"]).as_array().unwrap().is_empty());
    env.ok(&["webhooks", "add", "http://127.0.0.1:9/hook", "--lists", "ftm-alpha"]);
}
