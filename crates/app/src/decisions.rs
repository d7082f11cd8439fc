//! The analysts' decisions on pairs as a file, to review in version control and to move
//! between deployments: JSON Lines, one decision in force per line, ordered by the pair, with
//! the verdict, the reason, who decided and when.
//!
//! ```text
//! {"a":"ofac-6366","b":"un-qde-004","verdict":"same","reason":"…","actor":"key:3:analyst","decided_at":"2026-12-05T14:00:22Z"}
//! ```
//!
//! Importing a file makes every decision it holds that is not already in force (the same
//! verdict on the pair), all in one write: a file with a broken line changes nothing. A
//! decision on an entity this store does not hold is left out and reported with its line. An
//! imported decision names who made it and who brought it in.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;

use proscribe_model::resolution::Verdict;
use proscribe_store::{Store, ToDecide, MAX_REASON_CHARS};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The longest line read (a decision with the longest reason fits many times over).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most decisions in one file.
pub const MAX_DECISIONS: usize = 1_000_000;

/// A line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The one entity's id (the lower).
    pub a: String,
    /// The other's.
    pub b: String,
    /// same, different or unsure.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub actor: String,
    /// When (UTC).
    pub decided_at: String,
}

/// Writes the decisions in force to `out`, one per line, ordered by the pair. Returns how many.
pub fn export(store: &Store, out: &mut dyn Write) -> Result<usize> {
    let mut lines: Vec<Line> = store
        .decisions(false)?
        .into_iter()
        .map(|d| Line {
            a: d.a,
            b: d.b,
            verdict: d.verdict,
            reason: d.reason,
            actor: d.actor,
            decided_at: d.decided_at,
        })
        .collect();
    lines.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    for l in &lines {
        let json = serde_json::to_string(l).map_err(|e| Error::Input(format!("a decision cannot be written: {e}")))?;
        writeln!(out, "{json}").map_err(|e| Error::Stream("write the decisions", e))?;
    }
    out.flush().map_err(|e| Error::Stream("write the decisions", e))?;
    Ok(lines.len())
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Imported {
    /// Decisions made.
    pub made: usize,
    /// Decisions already in force, left as they are.
    pub unchanged: usize,
    /// Lines left out, with why: an entity this store does not hold.
    pub left_out: Vec<String>,
}

/// Reads the decisions of `input` (the file `path`, named in errors) and makes those not in
/// force, as `importer`, in one write (see the module's documentation).
pub fn import(store: &Store, input: &mut dyn BufRead, path: &Path, importer: &str) -> Result<Imported> {
    let at = |line: usize, what: String| Error::Input(format!("{}:{line}: {what}", path.display()));
    let mut lines: Vec<(usize, Line)> = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        let read = std::io::Read::take(&mut *input, MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::File { action: "read", path: path.to_path_buf(), source: e })?;
        if read == 0 {
            break;
        }
        number += 1;
        if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
            return Err(at(number, format!("the line is longer than {MAX_LINE_BYTES} bytes")));
        }
        let text = std::str::from_utf8(&buf).map_err(|_| at(number, "the line is not UTF-8".into()))?.trim();
        if text.is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(text).map_err(|e| at(number, format!("not a decision: {e}")))?;
        if line.reason.trim().is_empty() || line.reason.chars().count() > MAX_REASON_CHARS {
            return Err(at(number, format!("reason: 1 to {MAX_REASON_CHARS} characters")));
        }
        if line.a == line.b {
            return Err(at(number, format!("{} is one entity: a decision is on two", line.a)));
        }
        if lines.len() == MAX_DECISIONS {
            return Err(at(number, format!("more than {MAX_DECISIONS} decisions")));
        }
        lines.push((number, line));
    }
    let in_force: HashMap<(String, String), Verdict> =
        store.decisions(false)?.into_iter().map(|d| ((d.a, d.b), d.verdict)).collect();
    let mut report = Imported::default();
    let mut actors = Vec::new();
    let mut todo = Vec::new();
    for (number, line) in &lines {
        let (a, b) = if line.a < line.b { (&line.a, &line.b) } else { (&line.b, &line.a) };
        if in_force.get(&(a.clone(), b.clone())) == Some(&line.verdict) {
            report.unchanged += 1;
            continue;
        }
        let mut missing = Vec::new();
        for id in [a, b] {
            if !store.has_entity(id)? {
                missing.push(id.as_str());
            }
        }
        if !missing.is_empty() {
            report.left_out.push(format!("{}:{number}: no entity {}", path.display(), missing.join(", ")));
            continue;
        }
        actors.push(format!("{} (imported by {importer}; decided {})", line.actor, line.decided_at));
        todo.push(line);
    }
    let decisions: Vec<ToDecide<'_>> = todo
        .iter()
        .zip(&actors)
        .map(|(l, actor)| ToDecide { actor, x: &l.a, y: &l.b, verdict: l.verdict, reason: &l.reason })
        .collect();
    report.made = store.decide_all(&decisions)?.len();
    Ok(report)
}
