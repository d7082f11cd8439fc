//! `proscribe resolve`: one real-world entity across lists. `candidates` cross-references the
//! screened entities of every source (see `proscribe_app::resolve`): the pairs linked without a
//! person (with the evidence) and the review queue, best first. `evaluate` hides the links the
//! lists state and measures how many the cross-reference finds again, and how precise its
//! automatic links are. `decide`, `undo` and `decisions` keep analysts' decisions on pairs
//! (same, different, unsure, with the reason; audited); `export` and `import` move them as a
//! file.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use proscribe_app::decisions;
use proscribe_app::resolve::{cross_reference, evaluate, Link, Options, PAGE, REVIEW_THRESHOLD};
use proscribe_model::resolution::{Decision, Verdict};

use crate::output::{outln, print_json, print_table};
use crate::screen::load_index;
use crate::{open_for_reading, open_store, open_store_to_read, Cli, Reading};

/// Arguments of `proscribe resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[command(subcommand)]
    command: ResolveCommand,
}

#[derive(Debug, Subcommand)]
enum ResolveCommand {
    /// Pairs of entities of different lists that are one (linked, with the evidence) or may be
    /// (for review), best first.
    Candidates(CandidatesArgs),
    /// How many of the links the lists state the cross-reference finds when they are hidden,
    /// and how precise its automatic links are.
    Evaluate(CandidatesArgs),
    /// Decide whether two entities are one: same, different (kept apart whatever the
    /// evidence) or unsure. A newer decision on a pair replaces the one before.
    Decide {
        /// One entity's id.
        entity: String,
        /// The other's.
        other: String,
        /// same, different or unsure.
        verdict: Verdict,
        /// Why (kept with the decision and in the audit trail).
        #[arg(long)]
        reason: String,
    },
    /// Undo a decision: the pair goes back to what the evidence says.
    Undo {
        /// The decision's number (`resolve decisions`).
        id: i64,
    },
    /// The decisions in force (with --all, every decision ever made, undone ones too).
    Decisions {
        /// Undone decisions too.
        #[arg(long)]
        all: bool,
    },
    /// Write the decisions in force as a file (JSON Lines, ordered by the pair), to review in
    /// version control or to import into another deployment.
    Export {
        /// The file (default: standard output).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Make the decisions of a file (from `resolve export`) that are not in force, in one
    /// write; those on entities this database does not hold are left out and listed.
    Import {
        /// The file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Args)]
struct CandidatesArgs {
    /// The score from which a pair is queued for review (default 0.7).
    #[arg(long)]
    review_threshold: Option<f64>,
    /// Most pairs shown (0: all).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

fn options(args: &CandidatesArgs) -> Result<Options> {
    let review_threshold = args.review_threshold.unwrap_or(REVIEW_THRESHOLD);
    if !(0.0..=1.0).contains(&review_threshold) {
        bail!("--review-threshold must be between 0 and 1");
    }
    Ok(Options { review_threshold, hide_stated: false })
}

fn decision_row(d: &Decision) -> Vec<String> {
    vec![
        d.id.to_string(),
        d.verdict.to_string(),
        d.a.clone(),
        d.b.clone(),
        d.actor.clone(),
        d.decided_at.clone(),
        d.undone_at
            .as_ref()
            .map(|at| format!("undone {at} by {}", d.undone_by.as_deref().unwrap_or("")))
            .unwrap_or_default(),
        d.reason.clone(),
    ]
}

const DECISION_HEADER: [&str; 8] = ["id", "verdict", "entity", "other", "by", "at", "undone", "reason"];

/// Runs `proscribe resolve`.
pub fn run(cli: &Cli, args: &ResolveArgs) -> Result<()> {
    let actor = proscribe_store::local_actor();
    match &args.command {
        ResolveCommand::Decide { entity, other, verdict, reason } => {
            let store = open_store(cli)?;
            let d = store.decide(&actor, entity, other, *verdict, reason)?;
            if cli.json {
                return print_json(&d);
            }
            outln!("decision {}: {} and {} are {}", d.id, d.a, d.b, verdict_words(d.verdict));
            return Ok(());
        }
        ResolveCommand::Undo { id } => {
            let store = open_store(cli)?;
            let d = store.undo_decision(&actor, *id)?;
            if cli.json {
                return print_json(&d);
            }
            outln!("decision {} on {} and {} undone", d.id, d.a, d.b);
            return Ok(());
        }
        ResolveCommand::Decisions { all } => {
            let store = open_store_to_read(cli)?;
            let decisions = store.decisions(*all)?;
            if cli.json {
                return print_json(&decisions);
            }
            let rows: Vec<Vec<String>> = decisions.iter().map(decision_row).collect();
            print_table(&DECISION_HEADER, &rows);
            return Ok(());
        }
        ResolveCommand::Export { output } => {
            let store = open_store_to_read(cli)?;
            let n = match output {
                Some(path) => {
                    // Written beside the file and renamed over it: a failed export leaves
                    // the file as it was.
                    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
                    let mut tmp = tempfile::NamedTempFile::new_in(dir)
                        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
                    let n = decisions::export(&store, &mut std::io::BufWriter::new(tmp.as_file_mut()))?;
                    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
                    n
                }
                None => decisions::export(&store, &mut std::io::stdout().lock())?,
            };
            if output.is_some() {
                eprintln!("{n} decisions written");
            }
            return Ok(());
        }
        ResolveCommand::Import { file } => {
            let store = open_store(cli)?;
            let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
            let report = decisions::import(&store, &mut std::io::BufReader::new(f), file, &actor)?;
            if cli.json {
                return print_json(&report);
            }
            outln!(
                "{}: {} decisions made, {} already in force, {} left out",
                file.display(),
                report.made,
                report.unchanged,
                report.left_out.len()
            );
            for l in &report.left_out {
                outln!("  {l}");
            }
            return Ok(());
        }
        _ => {}
    }
    let store = open_for_reading(cli, Reading::Screening)?;
    let loaded = load_index(&store, None)?;
    match &args.command {
        ResolveCommand::Candidates(a) => {
            let found = cross_reference(&store, &loaded, options(a)?)?;
            if cli.json {
                return print_json(&found);
            }
            let count = |l: Link| found.pairs.iter().filter(|p| p.link == l).count();
            outln!(
                "{} entities: {} pairs linked, {} for review, {} kept apart ({:.1} s)",
                found.entities,
                count(Link::Auto),
                count(Link::Review),
                count(Link::Apart),
                found.secs
            );
            let shown = if a.limit == 0 { found.pairs.len() } else { a.limit };
            let rows: Vec<Vec<String>> = found
                .pairs
                .iter()
                .take(shown)
                .map(|p| {
                    vec![
                        format!("{:.3}", p.score),
                        match (p.link, &p.decision) {
                            (Link::Auto, None) => "linked".to_string(),
                            (Link::Review, None) => "review".to_string(),
                            (Link::Apart, None) => "apart".to_string(),
                            (_, Some(d)) => format!("{} ({})", d.verdict, d.id),
                        },
                        format!("{} ({})", p.a, p.a_source),
                        format!("{} ({})", p.b, p.b_source),
                        p.evidence.as_ref().map(|e| e.to_string()).unwrap_or_else(|| {
                            p.names
                                .as_ref()
                                .map(|(q, m)| format!("{q:?} ~ {:?}", m.as_deref().unwrap_or("")))
                                .unwrap_or_default()
                        }),
                    ]
                })
                .collect();
            print_table(&["score", "link", "entity", "other", "why"], &rows);
        }
        ResolveCommand::Evaluate(a) => {
            let ev = evaluate(&store, &loaded, options(a)?)?;
            if cli.json {
                return print_json(&ev);
            }
            let pct = |n: usize, of: usize| if of == 0 { 0.0 } else { 100.0 * n as f64 / of as f64 };
            let recovered = ev.found_auto + ev.found_queued;
            outln!(
                "cross-reference of {} entities with the stated links hidden: {:.1} s",
                loaded.index.entity_count(),
                ev.secs
            );
            outln!(
                "stated links: {}; found again {} ({:.1}%): linked {}, queued in the first {PAGE} of an entity's candidates {}; queued further down {}; missed {}",
                ev.stated,
                recovered,
                pct(recovered, ev.stated),
                ev.found_auto,
                ev.found_queued,
                ev.queued_later,
                ev.missed
            );
            let checked = ev.auto_right + ev.auto_wrong;
            outln!(
                "automatic links: {} right, {} wrong ({:.2}% precision where both entities have stated links), {} without stated links to check against",
                ev.auto_right,
                ev.auto_wrong,
                pct(ev.auto_right, checked),
                ev.auto_unknown
            );
            for (kind, n) in &ev.auto_by_evidence {
                outln!("  by {kind}: {n}");
            }
            outln!("queued for review: {}", ev.queued);
            for e in &ev.examples {
                outln!("  {e}");
            }
        }
        ResolveCommand::Decide { .. }
        | ResolveCommand::Undo { .. }
        | ResolveCommand::Decisions { .. }
        | ResolveCommand::Export { .. }
        | ResolveCommand::Import { .. } => {}
    }
    Ok(())
}

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Same => "one entity",
        Verdict::Different => "two entities, kept apart",
        Verdict::Unsure => "not known yet (kept in the review queue)",
    }
}
