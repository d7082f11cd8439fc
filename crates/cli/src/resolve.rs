//! `proscribe resolve`: one real-world entity across lists. `candidates` cross-references the
//! screened entities of every source (see `proscribe_app::resolve`): the pairs linked without a
//! person (with the evidence) and the review queue, best first. `evaluate` hides the links the
//! lists state and measures how many the cross-reference finds again, and how precise its
//! automatic links are.

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use proscribe_app::resolve::{cross_reference, evaluate, Link, Options, PAGE, REVIEW_THRESHOLD};

use crate::output::{outln, print_json, print_table};
use crate::screen::load_index;
use crate::{open_for_reading, Cli, Reading};

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

/// Runs `proscribe resolve`.
pub fn run(cli: &Cli, args: &ResolveArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Screening)?;
    let loaded = load_index(&store, None)?;
    match &args.command {
        ResolveCommand::Candidates(a) => {
            let found = cross_reference(&store, &loaded, options(a)?)?;
            if cli.json {
                return print_json(&found);
            }
            let linked = found.pairs.iter().filter(|p| p.link == Link::Auto).count();
            outln!(
                "{} entities: {} pairs linked, {} for review ({:.1} s)",
                found.entities,
                linked,
                found.pairs.len() - linked,
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
                        match p.link {
                            Link::Auto => "linked".to_string(),
                            Link::Review => "review".to_string(),
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
    }
    Ok(())
}
