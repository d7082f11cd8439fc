//! The web UI in a real browser: Debian's Chromium, headless, driven over WebDriver
//! (chromium-driver) against `proscribe serve` on 127.0.0.1. An analyst signs in, screens a
//! name and reads the explanation, scans an article, screens a file, opens the Taliban's
//! timeline and the lists, and a decider adopts a proposal whose publication becomes the list's
//! new version. A page of another origin (another port of 127.0.0.1) that posts a form to the
//! UI in the signed-in court's browser is refused. Each main page is saved as a screenshot in
//! `target/ui-screenshots/`.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::common::Env;
use crate::serve::Server;

/// ChromeDriver on a free port, stopped on drop.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The browser is chromedriver's child, in its process group: a test that fails before
        // closing its session must not leave it running.
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Driver {
    fn start(driver: &PathBuf) -> Driver {
        let port = free_port();
        let child = Command::new(driver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, url: format!("http://127.0.0.1:{port}"), _profile: tempfile::tempdir().unwrap() }
    }

    async fn session(&self, browser: &PathBuf) -> Client {
        let mut caps = serde_json::Map::new();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", self._profile.path().display())])
        .collect::<Vec<_>>();
        caps.insert("goog:chromeOptions".into(), json!({ "binary": browser, "args": args }));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector).capabilities(caps).connect(&self.url).await.expect("a browser session")
    }
}

/// A page of another origin: a tiny server on another port of 127.0.0.1 whose one page posts
/// a form attaching a document to proposal `id` as the court, as soon as it is opened.
fn other_site(base: &str, id: i64) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    let page = format!(
        r#"<!doctype html><html><body>
        <form id="f" method="post" action="{base}/workflow/{id}">
          <input type="hidden" name="action" value="attach"><input type="hidden" name="by" value="ru-supreme-court">
          <input type="hidden" name="title" value="Planted by another site"><input type="hidden" name="reference" value="https://evil.example/">
        </form><script>document.getElementById("f").submit();</script></body></html>"#
    );
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let html = tiny_http::Header::from_bytes("Content-Type", "text/html; charset=utf-8").unwrap();
            let _ = request.respond(tiny_http::Response::from_string(page.clone()).with_header(html));
        }
    });
    url
}

/// `proscribe serve` on `env`, ChromeDriver, and a runtime to drive the browser from.
fn browse(env: &Env, driver: &PathBuf) -> (Server, Driver, tokio::runtime::Runtime) {
    let server = Server::start(env, &[]);
    let driver = Driver::start(driver);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    (server, driver, runtime)
}

/// Saves what the browser shows as `target/ui-screenshots/NAME.png`.
async fn screenshot(c: &Client, name: &str) {
    let dir = proscribe_testkit::repo_root().join("target/ui-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

/// Every form control of the page has a label (the page is usable with a screen reader).
async fn assert_labelled(c: &Client, page: &str) {
    let unlabelled = c
        .execute(
            "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
               .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.outerHTML);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled, json!([]), "unlabelled controls on {page}");
}

/// Every element with text on the page has a contrast ratio of at least 4.5 with its
/// background (WCAG AA for normal text), computed from the styles the browser applied.
async fn assert_contrast(c: &Client, page: &str) {
    let low = c
        .execute(
            r#"
            const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => {
              const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const background = el => {
              for (let e = el; e; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
              }
              return [255, 255, 255];
            };
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
              const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
              if (!own || el.offsetParent === null) continue;
              const st = getComputedStyle(el);
              if (st.backgroundImage !== 'none') continue;
              const [a, b] = [lum(rgb(st.color).slice(0, 3)), lum(background(el))];
              const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
              if (ratio < 4.5) out.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2) + ': ' + el.textContent.trim().slice(0, 40));
            }
            return out;
            "#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(low, json!([]), "text with too little contrast on {page}");
}

/// Clicks the button (or link) `css` and waits until the browser has left the page: a new
/// page's elements are then the ones found, never the old page's.
async fn click_away(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    left(&old).await;
}

/// Waits until `old` (the `html` element of a page) is gone.
async fn left(old: &fantoccini::elements::Element) {
    let start = Instant::now();
    while old.tag_name().await.is_ok() {
        assert!(start.elapsed() < Duration::from_secs(30), "the page did not change");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Submits the form `css` and waits until the browser has left the page.
async fn submit_away(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.form(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).submit().await.unwrap();
    left(&old).await;
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

#[test]
fn an_analyst_and_a_decider_use_the_web_ui() {
    let Some((browser, driver)) = proscribe_testkit::chromium() else { return };
    let env = Env::new();
    env.ok(&["import"]);
    let secret = |args: &[&str]| env.json(args)["secret"].as_str().unwrap().to_string();
    let analyst = secret(&["keys", "add", "analyst", "--role", "reader"]);
    let court = secret(&["keys", "add", "court", "--role", "editor", "--body", "ru-supreme-court", "--body", "ru-fsb"]);
    // A proposal in deliberation, for the court to decide in the browser.
    let made = env.json(&[
        "propose",
        "--list",
        "ru-terrorist-organisations",
        "--kind",
        "lift-suspension",
        "--entity",
        "taliban-ru",
        "--by",
        "ru-prosecutor-general",
        "--statement",
        "The grounds for the suspension have ceased.",
        "--on",
        "2026-01-10",
    ]);
    let id = made["id"].as_i64().unwrap();
    env.ok(&["deliberate", &id.to_string(), "--by", "ru-supreme-court", "--open", "--on", "2026-01-12"]);
    let versions_before = env.json(&["lists", "example-ru-terrorist-organisations"]).as_array().map(Vec::len);

    let (server, driver, runtime) = browse(&env, &driver);
    let base = server.base.clone();
    runtime.block_on(async {
        let c = driver.session(&browser).await;

        // Pages need a key: the browser is sent to sign in, and back.
        c.goto(&format!("{base}/screen")).await.unwrap();
        assert!(c.current_url().await.unwrap().path().starts_with("/login"));
        assert_labelled(&c, "login").await;
        // The keyboard reaches the skip link first, and it leads to the content.
        c.find(Locator::Css("body")).await.unwrap().send_keys("\u{e004}").await.unwrap();
        let focused = c.execute("return document.activeElement.className", vec![]).await.unwrap();
        assert_eq!(focused, json!("skip"));
        c.find(Locator::Id("key")).await.unwrap().send_keys(&analyst).await.unwrap();
        click_away(&c, "form.stack button").await;
        wait_for(&c, "form.screen-form").await;
        assert_eq!(c.current_url().await.unwrap().path(), "/screen");

        // Screen a name: the query goes in the URL, the right entity comes first with its
        // explanation, and the matched words are marked in the listed name.
        assert_labelled(&c, "screen").await;
        c.find(Locator::Id("name")).await.unwrap().send_keys("Amir Khan Mutaqi").await.unwrap();
        click_away(&c, "form.screen-form button").await;
        wait_for(&c, "ol.results").await;
        let url = c.current_url().await.unwrap();
        assert!(url.query().unwrap_or("").contains("name=Amir+Khan+Mutaqi"), "{url}");
        assert_eq!(text(&c, "ol.results li:first-child h3").await, "AMIR KHAN MOTAQI");
        let explanation = text(&c, "ol.results li:first-child details.explain").await;
        assert!(explanation.contains("mutaqi") && explanation.contains("mtqi"), "{explanation}");
        assert!(!c.find_all(Locator::Css("ol.results li:first-child .listed-name mark")).await.unwrap().is_empty());
        assert!(text(&c, "ol.results li:first-child .designations").await.contains("TAi.026"));
        assert_contrast(&c, "screen").await;
        screenshot(&c, "screen").await;
        c.set_window_size(390, 844).await.unwrap();
        screenshot(&c, "screen-phone").await;
        c.set_window_size(1280, 1000).await.unwrap();

        // Scan an article: the names are marked, each with its entity and designations.
        c.goto(&format!("{base}/scan")).await.unwrap();
        assert_labelled(&c, "scan").await;
        let article = "KABUL — Talks in Doha were led by the Taliban's foreign minister, Amir Khan Muttaqi,\n\
                       who met the deputy prime minister Abdul Salam Hanafi the day before.";
        c.find(Locator::Id("text")).await.unwrap().send_keys(article).await.unwrap();
        click_away(&c, "form.stack button").await;
        wait_for(&c, ".article").await;
        let marked: Vec<String> = {
            let mut out = Vec::new();
            for m in c.find_all(Locator::Css(".article mark")).await.unwrap() {
                out.push(m.text().await.unwrap());
            }
            out
        };
        assert!(marked.iter().any(|m| m.contains("Amir Khan Muttaqi")), "{marked:?}");
        assert!(marked.iter().any(|m| m.contains("Abdul Salam Hanafi")), "{marked:?}");
        let mentions = text(&c, "ol.mentions").await;
        assert!(mentions.contains("AMIR KHAN MOTAQI") && mentions.contains("TAi.026"), "{mentions}");
        assert_contrast(&c, "scan").await;
        screenshot(&c, "scan").await;

        // Screen a file: progress, then the results to download.
        let csv = env.path("customers.csv");
        std::fs::write(
            &csv,
            "key,name,birth_date\nc1,Amir Khan Muttaqi,\nc2,Jane Example,1980\nc3,Abdussalam Hanifi,\n",
        )
        .unwrap();
        c.goto(&format!("{base}/batch")).await.unwrap();
        assert_labelled(&c, "batch").await;
        c.find(Locator::Id("file")).await.unwrap().send_keys(csv.to_str().unwrap()).await.unwrap();
        click_away(&c, "form.stack button").await;
        let download = wait_for(&c, "#download a").await;
        let start = Instant::now();
        while !download.is_displayed().await.unwrap() {
            assert!(start.elapsed() < Duration::from_secs(30), "the batch never finished");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(text(&c, "#done").await, "3");
        assert_eq!(text(&c, "#matched").await, "2");
        screenshot(&c, "batch").await;

        // The Taliban's timeline: a lane per list, the workflow's steps, the recognition.
        c.goto(&format!("{base}/entity/taliban")).await.unwrap();
        let lanes = c.find_all(Locator::Css(".timeline .lane:not(.axis)")).await.unwrap();
        assert!(lanes.len() >= 4, "{} lanes", lanes.len());
        let events = text(&c, "table.events").await;
        for e in ["suspension", "decision", "recognition", "delisting", "proposal 1 to delist"] {
            assert!(events.contains(e), "{e} missing from the timeline");
        }
        assert!(text(&c, "h1").await.starts_with("Taliban"));
        assert_contrast(&c, "entity").await;
        c.set_window_size(1280, 2000).await.unwrap();
        screenshot(&c, "entity-taliban").await;
        c.set_window_size(1280, 1000).await.unwrap();

        c.goto(&format!("{base}/lists")).await.unwrap();
        assert!(text(&c, "table").await.contains("example-ru-terrorist-organisations"));
        screenshot(&c, "lists").await;

        // The court signs in and adopts the proposal; the FSB (the same key acts for both)
        // publishes it, and the list has a new version.
        c.delete_all_cookies().await.unwrap();
        c.goto(&format!("{base}/login?next=/workflow")).await.unwrap();
        c.find(Locator::Id("key")).await.unwrap().send_keys(&court).await.unwrap();
        click_away(&c, "form.stack button").await;
        wait_for(&c, "#body").await;
        c.find(Locator::Id("body")).await.unwrap().select_by_value("ru-supreme-court").await.unwrap();
        click_away(&c, "form.inline-form button").await;
        let start = Instant::now();
        while !c.current_url().await.unwrap().query().unwrap_or("").contains("body=ru-supreme-court") {
            assert!(start.elapsed() < Duration::from_secs(30), "the queue was not filtered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let queue = text(&c, "table").await;
        assert!(queue.contains("ru-supreme-court (decider)"), "{queue}");
        let label = format!("Proposal {id}");
        let link = c.wait().at_most(Duration::from_secs(30)).for_element(Locator::LinkText(&label)).await.unwrap();
        let old = c.find(Locator::Css("html")).await.unwrap();
        link.click().await.unwrap();
        left(&old).await;
        wait_for(&c, "form.act-form").await;
        assert_labelled(&c, "proposal").await;
        assert_contrast(&c, "proposal").await;
        screenshot(&c, "proposal").await;
        // A page of another site posting the same form in this browser is refused, and nothing
        // is attached; the form of the UI's own page, below, is accepted.
        let proposal_page = c.current_url().await.unwrap();
        c.goto(&other_site(&base, id)).await.unwrap();
        let start = Instant::now();
        while !c.current_url().await.unwrap().as_str().starts_with(&base) {
            assert!(start.elapsed() < Duration::from_secs(30), "the other site's form was not sent");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_for(&c, "p.error").await;
        assert!(text(&c, "h1").await.starts_with("403"));
        let refusal = text(&c, "p.error").await;
        assert!(refusal.contains("another site"), "{refusal}");
        c.goto(proposal_page.as_str()).await.unwrap();
        wait_for(&c, "form.act-form").await;
        assert!(!text(&c, "main").await.contains("Planted by another site"));
        let attach = c.form(Locator::Css("form[aria-label='Attach a document as ru-supreme-court']")).await.unwrap();
        attach.set_by_name("title", "Record of the hearing").await.unwrap();
        attach.set_by_name("reference", "https://example.org/hearing-2026.pdf").await.unwrap();
        let old = c.find(Locator::Css("html")).await.unwrap();
        attach.submit().await.unwrap();
        left(&old).await;
        wait_for(&c, "ul.documents").await;
        assert!(text(&c, "ul.documents").await.contains("Record of the hearing"));
        let decide = c.form(Locator::Css("form[aria-label='Decide as ru-supreme-court']")).await.unwrap();
        decide.set_by_name("legal_act", "Ruling AKPI26-101").await.unwrap();
        let old = c.find(Locator::Css("html")).await.unwrap();
        decide.submit().await.unwrap();
        left(&old).await;
        wait_for(&c, "#state").await;
        assert_eq!(text(&c, "#state").await, "adopted");
        submit_away(&c, "form[aria-label='Publish as ru-fsb']").await;
        wait_for(&c, "#state").await;
        assert_eq!(text(&c, "#state").await, "published");
        let steps = text(&c, "ol.steps").await;
        assert!(steps.contains("Ruling AKPI26-101") && steps.contains("as version"), "{steps}");
        screenshot(&c, "proposal-published").await;

        c.goto(&format!("{base}/lists/example-ru-terrorist-organisations")).await.unwrap();
        let rows = c.find_all(Locator::Css("table tbody tr")).await.unwrap();
        assert_eq!(Some(rows.len()), versions_before.map(|n| n + 1), "one version more");
        c.close().await.unwrap();
    });
    // The court's actions are on the audit trail under its key.
    let log = env.json(&["audit", "log"]);
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "proposal.decide" && r["actor"].as_str().unwrap_or("").contains("court")));
}

/// An analyst with an editor key reviews the cross-reference's queue over the committed UN and
/// OFAC extracts: the pair's page shows both entries side by side with what only one says
/// marked; the keyboard alone gives the reason and decides "one entity"; the next pair opens;
/// screening the name then answers one hit that lists the other list's entry; the decision is
/// on the audit trail under the analyst's key and can be undone from the queue.
#[test]
fn an_analyst_reviews_a_pair_and_screening_merges_it() {
    let Some((browser, driver)) = proscribe_testkit::chromium() else { return };
    let env = Env::extracts();
    let reviewer = env.json(&["keys", "add", "reviewer", "--role", "editor"])["secret"].as_str().unwrap().to_string();
    let (server, driver, runtime) = browse(&env, &driver);
    let base = server.base.clone();
    runtime.block_on(async {
        let c = driver.session(&browser).await;
        c.goto(&format!("{base}/login?next=/review")).await.unwrap();
        c.find(Locator::Id("key")).await.unwrap().send_keys(&reviewer).await.unwrap();
        click_away(&c, "form.stack button").await;
        wait_for(&c, "table.review-queue").await;
        assert_labelled(&c, "review").await;
        let queued: usize = text(&c, "#queued").await.parse().unwrap();
        assert!(queued >= 2, "{queued} pairs for review");
        let first = text(&c, "table.review-queue tbody tr:first-child").await;
        assert!(first.contains("AL-QAIDA") && first.contains("AL QA'IDA"), "{first}");
        screenshot(&c, "review").await;

        // The pair side by side: names only one list gives are marked; a name both give, in
        // their own punctuation (AL QA'IDA and Al Qa’ida), is not.
        click_away(&c, "table.review-queue tbody tr:first-child a").await;
        wait_for(&c, "form.decide").await;
        assert_labelled(&c, "review-pair").await;
        assert_contrast(&c, "review-pair").await;
        assert_eq!(text(&c, "#position").await, format!("pair 1 of {queued} for review"));
        let mut marked = Vec::new();
        for m in c.find_all(Locator::Css("table.compare mark.differs")).await.unwrap() {
            marked.push(m.text().await.unwrap());
        }
        assert!(marked.iter().any(|m| m.contains("EGYPTIAN ISLAMIC JIHAD")), "{marked:?}");
        assert!(!marked.iter().any(|m| m.contains("AL QA'IDA") || m.contains("Al Qa’ida\n")), "{marked:?}");
        assert!(text(&c, "table.compare").await.contains("AL QA'IDA"));
        screenshot(&c, "review-pair").await;

        // Deciding without a reason is stopped by the form; r, the reason, Esc and s decide.
        let body = c.find(Locator::Css("body")).await.unwrap();
        body.send_keys("s").await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(text(&c, "#position").await, format!("pair 1 of {queued} for review"), "decided without a reason");
        let focused = c.execute("return document.activeElement.id", vec![]).await.unwrap();
        assert_eq!(focused, json!("reason"), "the form points at the missing reason");
        c.execute("document.activeElement.blur()", vec![]).await.unwrap();
        body.send_keys("r").await.unwrap();
        let reason = c.find(Locator::Id("reason")).await.unwrap();
        reason.send_keys("UN QDe.004 and OFAC's SDGT entry are the same organisation").await.unwrap();
        reason.send_keys("\u{e00c}").await.unwrap(); // Escape
        let old = c.find(Locator::Css("html")).await.unwrap();
        body.send_keys("s").await.unwrap();
        left(&old).await;
        wait_for(&c, "form.decide").await;
        assert_eq!(text(&c, "#position").await, format!("pair 1 of {} for review", queued - 1), "the next pair");
        assert!(!text(&c, "table.compare thead").await.contains("AL-QAIDA"));

        // Screening the name: one hit, with the other list's entry.
        c.goto(&format!("{base}/screen?name=Al-Qaida&schema=Organization")).await.unwrap();
        wait_for(&c, "ol.results").await;
        let hit = text(&c, "ol.results li:first-child").await;
        assert!(hit.contains("Also listed as") && hit.contains("6366") && hit.contains("QDe.004"), "{hit}");
        let hits = text(&c, "ol.results").await;
        assert_eq!(hits.matches("6366").count(), 1, "OFAC's entry once: {hits}");
        assert_eq!(hits.matches("QDe.004").count(), 1, "the UN's entry once: {hits}");
        screenshot(&c, "review-merged").await;

        // The decision in the queue's list, undone from there: screening splits them again.
        c.goto(&format!("{base}/review")).await.unwrap();
        wait_for(&c, "table.decisions").await;
        assert!(text(&c, "table.decisions").await.contains("the same organisation"));
        submit_away(&c, "form[aria-label='Undo decision 1']").await;
        wait_for(&c, "table.review-queue").await;
        assert_eq!(text(&c, "#queued").await, queued.to_string());
        c.close().await.unwrap();
    });
    let log = env.json(&["audit", "log"]);
    let actions: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["action"].as_str().unwrap_or("").to_string(), r["actor"].as_str().unwrap_or("").to_string()))
        .filter(|(a, _)| a.starts_with("resolve."))
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(actions.iter().all(|(_, actor)| actor.contains("reviewer")), "{actions:?}");
    env.ok(&["audit", "verify"]);
}
