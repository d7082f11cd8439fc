//! `proscribe score-pairs` and `proscribe eval`: the name scorer on pairs of names, for
//! tuning it and comparing it with other matchers. `score-pairs` reads CSV records
//! `name1,name2,schema` on standard input and prints one score per record (the contract of the
//! peer harness `pairs_eval.py`); `eval` reads labelled pair files in the formats that harness
//! reads (cascade and other `name1,name2,is_match` files, the cross-script positives, the
//! weakly labelled algorithm comparison) and prints ROC AUC, the best F1 and precision and
//! recall at the default threshold, per file, per category and pooled.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use proscribe_matching::metrics::{best_f1, cross_validate, prf_at, roc_auc, CrossValidation, Prf};
use proscribe_matching::{
    compare_names, score_names_with, score_pair, CompareParams, FrequencyWeights, PreparedName, DEFAULT_THRESHOLD,
};
use proscribe_model::Schema;
use serde::Serialize;

use crate::output::{outln, print_json, print_table};
use crate::Cli;

/// Arguments of `proscribe score-pairs`.
#[derive(Debug, Args)]
pub struct ScorePairsArgs {
    /// Schema of records that give none (Person, Organization, Company, Vessel, ...).
    #[arg(long, default_value = "Person")]
    default_schema: String,
    /// Print each comparison's explanation as one JSON object per line instead of the score.
    #[arg(long)]
    explain: bool,
}

/// Arguments of `proscribe eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled pair files (CSV).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Threshold for precision and recall (default: the scorer's default threshold).
    #[arg(long)]
    threshold: Option<f64>,
    /// Schema of files that give none.
    #[arg(long, default_value = "Person")]
    default_schema: String,
    /// Print the pairs the threshold gets wrong.
    #[arg(long)]
    errors: bool,
    /// Override a constant of the name comparison, `NAME=VALUE` (a field of
    /// `CompareParams`, e.g. `floor_org=0.7`); repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Folds of the cross-validation over all files' pairs, by category (a pair without one
    /// is a group with the pairs that share its first name).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(2..=100))]
    folds: u16,
}

/// The comparison's constants with the overrides of `--param`.
fn compare_params(overrides: &[String]) -> Result<CompareParams> {
    let mut params = CompareParams::default();
    for o in overrides {
        let Some((name, value)) = o.split_once('=') else { bail!("--param {o}: expected NAME=VALUE") };
        params.set(name.trim(), value)?;
    }
    Ok(params)
}

fn schema_of(text: &str, default: Option<Schema>) -> Option<Schema> {
    Schema::parse(text).or(default)
}

/// One score per CSV record read from standard input.
pub fn score_pairs(_cli: &Cli, args: &ScorePairsArgs) -> Result<()> {
    let default = Schema::parse(&args.default_schema);
    let weights = FrequencyWeights::default_table();
    let stdin = std::io::stdin();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(stdin.lock());
    let mut out = BufWriter::new(crate::output::Stdout);
    for (n, record) in reader.records().enumerate() {
        // A bad record scores 0 with a message, so that the output stays one line per record.
        let score = match record {
            Ok(r) if r.len() >= 2 => {
                let schema = schema_of(r.get(2).unwrap_or(""), default);
                if args.explain {
                    let m =
                        compare_names(&PreparedName::new(&r[0], schema), &PreparedName::new(&r[1], schema), weights);
                    writeln!(out, "{}", serde_json::to_string(&m)?)?;
                    continue;
                }
                score_pair(&r[0], &r[1], schema)
            }
            Ok(_) => {
                eprintln!("record {}: fewer than two names; scored 0", n + 1);
                0.0
            }
            Err(e) => {
                eprintln!("record {}: {e}; scored 0", n + 1);
                0.0
            }
        };
        writeln!(out, "{score:.6}")?;
    }
    out.flush()?;
    Ok(())
}

/// A labelled pair.
#[derive(Debug, Clone)]
struct Pair {
    name1: String,
    name2: String,
    is_match: bool,
    schema: Option<Schema>,
    category: String,
}

/// Reads a pair file in any of the formats the peer harness reads.
fn read_pairs(path: &PathBuf, default: Option<Schema>) -> Result<(&'static str, Vec<Pair>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let comments: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with('#')).collect();
    let data: String = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data.as_bytes());
    let rows: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().with_context(|| format!("{}: not CSV", path.display()))?;
    let Some(head) = rows.first() else { return Ok(("empty", vec![])) };
    let head: Vec<String> = head.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| head.iter().position(|h| h == name);
    let get = |r: &csv::StringRecord, i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").trim().to_string();
    let truthy = |v: &str| matches!(v.trim().to_lowercase().as_str(), "1" | "true" | "t" | "yes" | "y" | "match");
    if let (Some(n1), Some(n2), Some(m)) = (col("name1"), col("name2"), col("is_match")) {
        let (s, cat, group) = (col("schema"), col("category"), col("case_group"));
        let cascade = rows.get(1).is_some_and(|r| get(r, group).starts_with("cascade"));
        let pairs = rows[1..]
            .iter()
            .map(|r| Pair {
                name1: r.get(n1).unwrap_or("").to_string(),
                name2: r.get(n2).unwrap_or("").to_string(),
                is_match: truthy(&get(r, Some(m))),
                schema: schema_of(&get(r, s), default),
                category: get(r, cat),
            })
            .collect();
        return Ok((if cascade { "cascade" } else { "labelled" }, pairs));
    }
    if head.len() >= 3 && head[..3] == ["query", "index", "note"] {
        let pairs = rows[1..]
            .iter()
            .map(|r| {
                let note = get(r, Some(2));
                Pair {
                    name1: get(r, Some(0)),
                    name2: get(r, Some(1)),
                    is_match: note.to_lowercase() != "false-positive control",
                    schema: default,
                    category: note,
                }
            })
            .collect();
        return Ok(("weak-labelled", pairs));
    }
    let declared = comments.iter().any(|c| c.to_lowercase().replace(", ", ",").contains("query,expected match"));
    let header_row = head.len() >= 2 && head[..2] == ["query", "expected match"];
    if header_row || declared {
        let start = usize::from(header_row);
        let pairs = rows[start..]
            .iter()
            .filter(|r| r.len() >= 2)
            .map(|r| Pair {
                name1: get(r, Some(0)),
                name2: get(r, Some(1)),
                is_match: true,
                schema: default,
                category: get(r, Some(3)),
            })
            .collect();
        return Ok(("positives-only", pairs));
    }
    bail!("{}: unknown pair file format (header {:?})", path.display(), &head[..head.len().min(5)])
}

/// Figures for one set of scored pairs.
#[derive(Debug, Serialize)]
struct Figures {
    pairs: usize,
    positives: usize,
    negatives: usize,
    roc_auc: Option<f64>,
    best_f1: Option<Prf>,
    at_threshold: Prf,
}

fn figures(labels: &[bool], scores: &[f64], threshold: f64) -> Figures {
    let positives = labels.iter().filter(|l| **l).count();
    Figures {
        pairs: labels.len(),
        positives,
        negatives: labels.len() - positives,
        roc_auc: roc_auc(labels, scores),
        best_f1: if positives > 0 && positives < labels.len() { best_f1(labels, scores) } else { None },
        at_threshold: prf_at(labels, scores, threshold),
    }
}

/// Accuracy of one category at the threshold.
#[derive(Debug, Serialize)]
struct Category {
    pairs: usize,
    correct: usize,
    label: &'static str,
}

#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    format: &'static str,
    #[serde(flatten)]
    figures: Figures,
    categories: BTreeMap<String, Category>,
}

#[derive(Debug, Serialize)]
struct Report {
    threshold: f64,
    files: Vec<FileReport>,
    pooled: Figures,
    cross_validated: CrossValidation,
}

/// ROC AUC, best F1 and precision/recall at the threshold for each labelled pair file.
pub fn eval(cli: &Cli, args: &EvalArgs) -> Result<()> {
    let default = Schema::parse(&args.default_schema);
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let params = compare_params(&args.params)?;
    let weights = FrequencyWeights::default_table();
    let (mut all_labels, mut all_scores, mut all_groups) = (Vec::new(), Vec::new(), Vec::new());
    let mut files = Vec::new();
    for path in &args.files {
        let (format, pairs) = read_pairs(path, default)?;
        let scores: Vec<f64> = pairs
            .iter()
            .map(|p| {
                let (q, c) = (PreparedName::new(&p.name1, p.schema), PreparedName::new(&p.name2, p.schema));
                score_names_with(&q, &c, weights, &params)
            })
            .collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.is_match).collect();
        let mut categories: BTreeMap<String, Category> = BTreeMap::new();
        for (p, s) in pairs.iter().zip(&scores) {
            if p.category.is_empty() {
                continue;
            }
            let label = if p.is_match { "match" } else { "non-match" };
            let c = categories.entry(p.category.clone()).or_insert(Category { pairs: 0, correct: 0, label });
            c.pairs += 1;
            c.correct += usize::from((*s >= threshold) == p.is_match);
            if c.label != label {
                c.label = "mixed";
            }
        }
        if args.errors {
            for (p, s) in pairs.iter().zip(&scores) {
                if (*s >= threshold) != p.is_match {
                    eprintln!(
                        "{} {:.3} [{}] {} | {}",
                        if p.is_match { "missed" } else { "false " },
                        s,
                        p.category,
                        p.name1,
                        p.name2
                    );
                }
            }
        }
        files.push(FileReport {
            file: path.display().to_string(),
            format,
            figures: figures(&labels, &scores, threshold),
            categories,
        });
        all_labels.extend(labels);
        all_scores.extend(scores);
        let file = path.display().to_string();
        all_groups.extend(pairs.iter().map(|p| {
            let group = if p.category.is_empty() { &p.name1 } else { &p.category };
            format!("{file}\u{1f}{group}")
        }));
    }
    let groups: Vec<&str> = all_groups.iter().map(String::as_str).collect();
    let cross_validated = cross_validate(&all_labels, &all_scores, &groups, usize::from(args.folds));
    let report = Report { threshold, pooled: figures(&all_labels, &all_scores, threshold), files, cross_validated };
    if cli.json {
        return print_json(&report);
    }
    let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
    let row = |name: &str, fig: &Figures| {
        vec![
            name.to_string(),
            format!("{} ({}/{})", fig.pairs, fig.positives, fig.negatives),
            f(fig.roc_auc),
            fig.best_f1.map_or("-".into(), |b| format!("{:.3} (≥{:.3})", b.f1, b.threshold)),
            format!("{:.3} / {:.3} / {:.3}", fig.at_threshold.precision, fig.at_threshold.recall, fig.at_threshold.f1),
        ]
    };
    let mut rows: Vec<Vec<String>> = report.files.iter().map(|r| row(&r.file, &r.figures)).collect();
    if report.files.len() > 1 {
        rows.push(row("pooled", &report.pooled));
    }
    let at = format!("P / R / F1 at {threshold}");
    print_table(&["file", "pairs (pos/neg)", "ROC AUC", "best F1 (thr)", &at], &rows);
    let cv = &report.cross_validated;
    outln!();
    outln!(
        "cross-validated over {} folds by category: mean ROC AUC {}, mean F1 {:.3} on each fold at the threshold the other folds chose",
        cv.folds.len(),
        f(cv.mean_roc_auc),
        cv.mean_f1
    );
    let rows: Vec<Vec<String>> = cv
        .folds
        .iter()
        .enumerate()
        .map(|(i, fold)| {
            vec![
                (i + 1).to_string(),
                fold.pairs.to_string(),
                f(fold.roc_auc),
                format!("{:.3}", fold.threshold),
                format!("{:.3}", fold.f1),
            ]
        })
        .collect();
    print_table(&["fold", "pairs", "ROC AUC", "threshold", "F1"], &rows);
    for r in &report.files {
        if r.categories.is_empty() {
            continue;
        }
        outln!();
        outln!("{} — accuracy per category at {threshold}", r.file);
        let rows: Vec<Vec<String>> = r
            .categories
            .iter()
            .map(|(name, c)| vec![name.clone(), c.label.to_string(), format!("{}/{}", c.correct, c.pairs)])
            .collect();
        print_table(&["category", "label", "correct"], &rows);
    }
    Ok(())
}

/// Reads lines for tests of the reader.
#[cfg(test)]
mod tests {
    use super::*;

    fn check(content: &str, expect_format: &str, expect: &[(&str, &str, bool)]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.csv");
        std::fs::write(&path, content).unwrap();
        let (format, pairs) = read_pairs(&path, Some(Schema::Person)).unwrap();
        assert_eq!(format, expect_format);
        let got: Vec<(&str, &str, bool)> =
            pairs.iter().map(|p| (p.name1.as_str(), p.name2.as_str(), p.is_match)).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn params_are_overridden_by_name() {
        let params = compare_params(&["floor_org=0.7".into(), "conflict = 3".into()]).unwrap();
        assert_eq!(params, CompareParams { floor_org: 0.7, conflict: 3, ..CompareParams::default() });
        let err = |o: &str| compare_params(&[o.to_string()]).unwrap_err().to_string();
        assert!(err("floor=0.7").contains("unknown comparison parameter `floor`"), "{}", err("floor=0.7"));
        assert_eq!(err("conflict=x"), "bad value `x` for comparison parameter `conflict`");
        assert_eq!(err("conflict"), "--param conflict: expected NAME=VALUE");
    }

    #[test]
    fn reads_every_pair_format() {
        check(
            "case_group,schema,name1,name2,is_match,quality,category,notes\r\nnk,Person,Olaf Scholze,Olaf Scholz,true,STRONG,,\r\n",
            "labelled",
            &[("Olaf Scholze", "Olaf Scholz", true)],
        );
        check(
            "case_group,schema,name1,name2,is_match,quality,category,notes,baseline,score\ncascade_entities,Company,\"A, Ltd\",B Ltd,false,,x,n,0.1,0.1\n",
            "cascade",
            &[("A, Ltd", "B Ltd", false)],
        );
        check(
            "# Format: Query,Expected Match,Min Score,Description\n\n# Arabic\nمحمد علي,Mohamed Ali,0.90,x\n",
            "positives-only",
            &[("محمد علي", "Mohamed Ali", true)],
        );
        check(
            "query,index,note,jw\nsmith,smythe,phonetic,0.8\ndominguez,jimenez,false-positive control,0\n",
            "weak-labelled",
            &[("smith", "smythe", true), ("dominguez", "jimenez", false)],
        );
    }
}
