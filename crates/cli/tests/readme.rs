//! README.md and docs/*.md run: every command line of their ```sh blocks is run, in order,
//! against a fresh store, and must succeed, so that the documentation cannot drift from the
//! command.
//!
//! How a document is run:
//! - Each command line (lines continued by `\` or by an open quote joined) runs with
//!   `bash -o pipefail -c` in a temporary working folder, so that pipes, `printf` and
//!   redirects work; `proscribe` is the binary under test (first on `PATH`), `PROSCRIBE_DB` a
//!   fresh temporary file, `HOME` and `XDG_DATA_HOME` an empty temporary folder, and
//!   `../shared/data/` the shared data folder that `proscribe_testkit` finds.
//! - A block whose commands need the shared data is skipped, with a message, when the folder is
//!   absent (and the test fails when `CI` is set, as `proscribe_testkit` does). A command needs
//!   it when it names `../shared/data`, or when it reads or writes the store that the
//!   walk-through fills from it: a `proscribe` command with neither `--db` nor `--example`,
//!   except those that read no store (`NO_STORE`).
//! - Commands that cannot run in a test are recognised by `NOT_RUN`, which names each with
//!   the reason, and skipped with a message: `proscribe serve` (runs until stopped), `curl`
//!   (asks a running server), `proscribe sync` (needs the network), `proscribe migrate` (needs
//!   a PostgreSQL server), `.ci/postgres.sh` (starts one), `cargo` (this test runs inside a
//!   cargo build). `cargo run --release -- ARGS`, the first command of README, runs as
//!   `proscribe ARGS` on what a fresh machine has: no database named and none at the default
//!   place.
//! - Files the walk-through expects to exist (`INPUTS`: customers.csv, names.csv,
//!   article.txt) are written, small, before the first command that names them.
//! - Where a document shows a command's output in a plain ``` block right after the ```sh
//!   block, a few robust key lines of it (`EXPECTED`) must appear both in that block and, in
//!   that order, in what the command prints. Every output block a document shows must have
//!   its entry, and every entry its output block.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::repo_root;

/// Commands that cannot run in a test, by the words they start with, and why.
const NOT_RUN: &[(&str, &str)] = &[
    ("proscribe serve", "runs until stopped"),
    ("curl", "asks a running server"),
    ("proscribe sync", "fetches the lists over the network"),
    ("proscribe migrate", "needs a PostgreSQL server (the store suite and tests/replicas.rs move registries to one)"),
    ("cargo", "builds and tests the workspace, inside which this test runs"),
    (".ci/postgres.sh", "starts a PostgreSQL server, as CI does for the tests that need one"),
    ("pip", "installs from PyPI; .ci/python.sh builds and installs the package for its tests"),
    ("maturin", "builds the Python package; .ci/python.sh does, for its tests"),
    ("python3", "runs in the Python package's virtualenv; .ci/python.sh runs these examples' code in pytest"),
];

/// How README's first command is run: as `proscribe ARGS` on a fresh machine.
const CARGO_RUN: &str = "cargo run --release -- ";

/// Subcommands that read no store: they run without the shared data's lists.
const NO_STORE: &[&str] = &["score-pairs", "eval"];

/// Files the walk-through expects the reader to have, written before the first command that
/// names them.
const INPUTS: &[(&str, &str)] = &[
    (
        "customers.csv",
        "name,birth_date,country,schema,key\n\
         Amir Khan Muttaqi,1968,af,Person,c-001\n\
         Abdul Salam Hanafi,1970,af,Person,c-002\n\
         Jane Example,1990,gb,Person,c-003\n\
         OCEAN STAR NO 8,,,Vessel,c-004\n",
    ),
    ("names.csv", "name\nAmir Khan Muttaqi\nAbdussalam Hanifi\nJane Example\n"),
    (
        "article.txt",
        "Kabul. The acting foreign minister Amir Khan Muttaqi met envoys of Kazakhstan on Monday; \
         the Taliban's deputy prime minister Abdul Salam Hanafi also attended.\n",
    ),
];

/// For each command whose output a document shows, key lines of that output: each must be in
/// the document's output block and in the command's standard output, in this order.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "proscribe import ../shared/data/lists",
        &[
            "879 entities, 3968 names, 879 designations",
            "changes against nothing: 879 added, 0 removed, 0 amended; designations 879 started, 0 ended",
            "1003 entities, 4123 names, 1003 designations",
            "changes against version 1: 130 added, 6 removed, 171 amended; designations 130 started, 6 ended",
        ],
    ),
    (
        "proscribe --example proposals",
        &[
            "# example registry (built in)",
            "proposal 4: Suspend taliban-ru on ru-terrorist-organisations by ru-prosecutor-general — published (version 2)",
            "proposal 2: Delist taliban-ru on ru-terrorist-organisations by ru-mfa and ru-moj — submitted",
            "proposal 1: Delist taliban-kz on kz-banned-terrorist-organisations by kz-mfa — published (version 2)",
        ],
    ),
    (
        "proscribe --example timeline taliban",
        &[
            "2003-02-14      listing        listing by ru-supreme-court on ru-terrorist-organisations",
            "2023-12-29      publication    proposal 1 published by kz-mfa",
            "2024-05-27      proposal       proposal 2 to delist on ru-terrorist-organisations by ru-mfa jointly with ru-moj",
            "2024-09-02      delisting      delisting by kg-prosecutor-general on kg-banned-organisations",
            "2025-04-17      publication    proposal 4 published by ru-fsb as example-ru-terrorist-organisations version 2",
            "2025-07-03      recognition    recognition by ru-government",
        ],
    ),
];

/// How long one documented command may take (a debug build imports every shared list).
const TIMEOUT: Duration = Duration::from_secs(300);

/// One command line of a document.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    /// The line of the document it starts on (1-based).
    at: usize,
    /// The command as written, continuation lines included.
    text: String,
}

/// A ```sh block: its command lines, and the plain ``` block after it, if any.
#[derive(Debug)]
struct Block {
    at: usize,
    lines: Vec<Line>,
    output: Option<String>,
}

/// The ```sh blocks of a Markdown text, each with the output block that follows it.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = markdown.lines().enumerate().peekable();
    // Whether the last fence closed was a shell block with nothing but blank lines since.
    let mut after_shell = false;
    while let Some((i, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            after_shell &= line.trim().is_empty();
            continue;
        };
        let mut body = Vec::new();
        for (j, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push((j + 1, l));
        }
        match info.trim() {
            "sh" | "bash" | "shell" => {
                blocks.push(Block { at: i + 1, lines: commands(&body), output: None });
                after_shell = true;
                continue;
            }
            "" if after_shell => {
                let text: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
                blocks.last_mut().expect("a shell block").output = Some(text.join("\n"));
            }
            _ => {}
        }
        after_shell = false;
    }
    blocks
}

/// The command lines of a shell block: blank and comment-only lines left out, a line ending in
/// `\` or inside an open quote joined with the next.
fn commands(body: &[(usize, &str)]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut current: Option<Line> = None;
    for &(at, l) in body {
        let line = current.get_or_insert_with(|| Line { at, text: String::new() });
        if !line.text.is_empty() {
            line.text.push('\n');
        }
        line.text.push_str(l);
        if !complete(&line.text) {
            continue;
        }
        let line = current.take().expect("a line");
        let code = line.text.trim();
        if !code.is_empty() && !code.starts_with('#') {
            out.push(line);
        }
    }
    assert!(current.is_none(), "a command that never ends: {current:?}");
    out
}

/// Whether shell text is a complete command: no quote left open, no trailing `\`. A `#` that
/// starts a word outside quotes comments out the rest of its line (an apostrophe there is
/// text).
fn complete(text: &str) -> bool {
    let (mut single, mut double, mut escaped, mut comment) = (false, false, false, false);
    let mut previous = ' ';
    for c in text.chars() {
        if comment {
            comment = c != '\n';
        } else if escaped {
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if c == '\\' {
            escaped = true;
        } else if double {
            double = c != '"';
        } else if c == '\'' {
            single = true;
        } else if c == '"' {
            double = true;
        } else if c == '#' && previous.is_whitespace() {
            comment = true;
        }
        previous = c;
    }
    !(single || double || escaped)
}

/// The `proscribe` invocations of a command line: for each, its global options and subcommand.
fn invocations(text: &str) -> Vec<(Vec<&str>, Option<&str>)> {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || "|;&()$`".contains(c)).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if *w != "proscribe" {
            continue;
        }
        let mut options = Vec::new();
        let mut rest = words[i + 1..].iter().filter(|w| !w.is_empty());
        let mut subcommand = None;
        while let Some(&w) = rest.next() {
            match w {
                "--db" | "--log-format" | "--index-dir" | "--date-horizon-days" => {
                    options.push(w);
                    rest.next();
                }
                _ if w.starts_with('-') => options.push(w),
                _ => {
                    subcommand = Some(w);
                    break;
                }
            }
        }
        out.push((options, subcommand));
    }
    out
}

/// Whether a word sets a variable for the command after it (`CI=1 cargo test`).
fn assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()))
}

/// Why a command is not run, if it is one of `NOT_RUN`.
fn not_run(text: &str) -> Option<&'static str> {
    let first = text.split_whitespace().find(|w| !assignment(w))?;
    let invocation = invocations(text).into_iter().next();
    NOT_RUN.iter().find_map(|(start, why)| {
        let hit = match start.split_once(' ') {
            Some(("proscribe", sub)) => {
                first == "proscribe" && invocation.as_ref().is_some_and(|(_, s)| *s == Some(sub))
            }
            _ => first == *start,
        };
        hit.then_some(*why)
    })
}

/// Whether a command needs the shared data: it names it, or uses the store filled from it.
fn needs_shared_data(text: &str) -> bool {
    text.contains("../shared/data")
        || invocations(text).iter().any(|(options, sub)| {
            !options.iter().any(|o| o.starts_with("--db") || *o == "--example")
                && !sub.is_some_and(|s| NO_STORE.contains(&s))
        })
}

/// The folders a document runs in.
struct Sandbox {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    work: PathBuf,
    home: PathBuf,
    fresh_home: PathBuf,
    db: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let [bin, work, home, fresh_home, store] =
            ["bin", "work", "home", "fresh-home", "store"].map(|d| dir.path().join(d));
        for d in [&bin, &work, &home, &fresh_home, &store] {
            std::fs::create_dir(d).expect("create folder");
        }
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_proscribe"), bin.join("proscribe")).expect("link proscribe");
        Sandbox { bin, work, home, fresh_home, db: store.join("proscribe.db"), _dir: dir }
    }

    /// Runs a command line with bash; `fresh` runs it as on a fresh machine (no database named,
    /// an empty home). Returns whether it succeeded, standard output and standard error.
    fn run(&self, text: &str, fresh: bool) -> (bool, String, String) {
        let path = std::env::join_paths(
            std::iter::once(self.bin.clone())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .expect("PATH");
        let home = if fresh { &self.fresh_home } else { &self.home };
        let (stdout, stderr) = (self.work.join(".stdout"), self.work.join(".stderr"));
        let mut command = Command::new("bash");
        command
            .args(["-o", "pipefail", "-c", text])
            .current_dir(&self.work)
            .env("PATH", path)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).expect("stdout file"))
            .stderr(std::fs::File::create(&stderr).expect("stderr file"));
        if fresh {
            command.env_remove("PROSCRIBE_DB");
        } else {
            command.env("PROSCRIBE_DB", &self.db);
        }
        let mut child = command.spawn().expect("run bash");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if started.elapsed() > TIMEOUT {
                child.kill().expect("kill");
                child.wait().expect("wait");
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("read output")).into_owned();
        let (out, mut err) = (read(&stdout), read(&stderr));
        if status.is_none() {
            err.push_str(&format!("\n(killed after {} s)", TIMEOUT.as_secs()));
        }
        (status.is_some_and(|s| s.success()), out, err)
    }
}

/// Asserts that `keys` appear in `text` in this order.
fn assert_in_order(keys: &[&str], text: &str, what: &str) {
    let mut from = 0;
    for key in keys {
        match text[from..].find(key) {
            Some(i) => from += i + key.len(),
            None => panic!("{what}: {key:?} missing (or out of order) in:\n{text}"),
        }
    }
}

/// Runs one document; returns how many command lines ran.
fn run_document(name: &str, markdown: &str, shared: Option<&Path>) -> usize {
    let sandbox = Sandbox::new();
    let mut ran = 0;
    for block in blocks(markdown) {
        if let Some(line) = block.lines.iter().find(|l| needs_shared_data(&l.text)) {
            if shared.is_none() {
                let at = line.at;
                eprintln!(
                    "skipping the block of {name}:{}: `{}` (line {at}) needs the shared data",
                    block.at,
                    first_line(line)
                );
                continue;
            }
        }
        let last = block.lines.len().saturating_sub(1);
        for (i, line) in block.lines.iter().enumerate() {
            let shown = format!("{name}:{}: `{}`", line.at, first_line(line));
            let (text, fresh) = match line.text.strip_prefix(CARGO_RUN) {
                Some(args) => (format!("proscribe {args}"), true),
                None => (line.text.clone(), false),
            };
            if !fresh {
                if let Some(why) = not_run(&text) {
                    eprintln!("not run {shown}: {why}");
                    continue;
                }
            }
            let text = match shared {
                Some(dir) => text.replace("../shared/data", &dir.display().to_string()),
                None => text,
            };
            for (file, content) in INPUTS {
                let path = sandbox.work.join(file);
                if text.contains(file) && !path.exists() {
                    std::fs::write(&path, content).expect("write input");
                }
            }
            let (ok, stdout, stderr) = sandbox.run(&text, fresh);
            assert!(ok, "{shown} failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
            ran += 1;
            if i == last {
                if let Some(shown_output) = &block.output {
                    let command = line.text.split(" #").next().unwrap_or_default().trim();
                    let keys = EXPECTED.iter().find(|(c, _)| *c == command).map(|(_, k)| *k).unwrap_or_else(|| {
                        panic!(
                            "{name}:{}: output shown for `{command}`: name a few of its key lines in EXPECTED",
                            line.at
                        )
                    });
                    assert_in_order(keys, shown_output, &format!("{name}:{}: the output shown", line.at));
                    assert_in_order(keys, &stdout, &format!("{shown}: its output"));
                }
            }
        }
    }
    ran
}

fn first_line(line: &Line) -> &str {
    line.text.lines().next().unwrap_or_default()
}

/// README.md and docs/*.md: every documented command runs and succeeds.
#[test]
fn readme_and_docs_commands_run() {
    let root = repo_root();
    let shared = proscribe_testkit::shared_data();
    let mut documents = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs folder")
        .map(|e| e.expect("docs entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    documents.extend(docs);
    let mut all = String::new();
    for path in &documents {
        let markdown = std::fs::read_to_string(path).expect("read document");
        let name = path.strip_prefix(&root).expect("in the repository").display().to_string();
        let started = Instant::now();
        let ran = run_document(&name, &markdown, shared.as_deref());
        eprintln!("{name}: {ran} command lines ran in {:.1} s", started.elapsed().as_secs_f64());
        all.push_str(&markdown);
    }
    // Every entry of EXPECTED belongs to a command a document shows with its output.
    let shown: Vec<Block> = blocks(&all).into_iter().filter(|b| b.output.is_some()).collect();
    for (command, _) in EXPECTED {
        assert!(
            shown.iter().any(|b| b.lines.last().is_some_and(|l| l.text.split(" #").next().unwrap().trim() == *command)),
            "EXPECTED names `{command}`, which no document shows with its output"
        );
    }
}

/// The reading of shell blocks: continued lines and open quotes joined, comments (even with an
/// apostrophe) left out, output blocks attached, commands recognised.
#[test]
fn readme_blocks_are_read_as_the_shell_reads_them() {
    let markdown = "```sh\n\
        # the list's own comment\n\
        proscribe propose --list x \\\n  --by a   # the body's\n\
        curl -d '\n  {\"a\": 1}'\n\
        \n\
        printf 'a,b\\n' | proscribe score-pairs\n\
        ```\n\
        \n\
        ```\n\
        1.0\n\
        ```\n\
        ```yaml\n\
        a: 1\n\
        ```\n\
        ```\n\
        not output\n\
        ```\n";
    let b = blocks(markdown);
    assert_eq!(b.len(), 1);
    let texts: Vec<&str> = b[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "proscribe propose --list x \\\n  --by a   # the body's",
            "curl -d '\n  {\"a\": 1}'",
            "printf 'a,b\\n' | proscribe score-pairs"
        ]
    );
    assert_eq!(b[0].lines.iter().map(|l| l.at).collect::<Vec<_>>(), [3, 5, 8]);
    assert_eq!(b[0].output.as_deref(), Some("1.0"));

    assert_eq!(not_run("proscribe --db x.db serve --listen 127.0.0.1:8080"), Some("runs until stopped"));
    assert_eq!(not_run("proscribe sync --only un-sc"), Some("fetches the lists over the network"));
    assert_eq!(not_run("proscribe --example screen x"), None);
    assert!(not_run("cargo test --workspace").is_some());
    assert!(not_run("CI=1 cargo test --workspace").is_some());
    assert!(needs_shared_data("proscribe lists"));
    assert!(needs_shared_data("proscribe eval ../shared/data/pairs/x.csv"));
    assert!(!needs_shared_data("printf 'a,b\\n' | proscribe score-pairs --explain"));
    assert!(!needs_shared_data("proscribe --db example.db publish 5 --by ru-fsb"));
    assert!(!needs_shared_data("proscribe --example --json timeline taliban"));
}
