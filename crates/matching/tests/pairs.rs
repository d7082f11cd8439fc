//! Accuracy on the shared labelled pairs: ROC AUC per file and every cross-script positive
//! above the default threshold. The floors are the targets of the screening engine, so that a
//! change of the scorer that loses accuracy fails here before it is measured elsewhere.

use proscribe_matching::metrics::{prf_at, roc_auc};
use proscribe_matching::{score_names, FrequencyWeights, PreparedName, DEFAULT_THRESHOLD};
use proscribe_model::Schema;

/// A labelled pair: name1, name2, schema, match.
type Pair = (String, String, Option<Schema>, bool);

/// Labelled pairs of a `name1,name2,is_match` file.
fn labelled(rel: &str) -> Option<Vec<Pair>> {
    let path = proscribe_testkit::shared(rel)?;
    let mut reader = csv::Reader::from_path(&path).expect("pair file");
    let head = reader.headers().expect("header").clone();
    let col = |name: &str| head.iter().position(|h| h == name).expect("column");
    let (n1, n2, s, m) = (col("name1"), col("name2"), col("schema"), col("is_match"));
    Some(
        reader
            .records()
            .map(|r| r.expect("record"))
            .map(|r| (r[n1].to_string(), r[n2].to_string(), Schema::parse(&r[s]), &r[m] == "true"))
            .collect(),
    )
}

fn scores(pairs: &[Pair]) -> (Vec<bool>, Vec<f64>) {
    let w = FrequencyWeights::default_table();
    pairs.iter().map(|(a, b, s, m)| (*m, score_names(&PreparedName::new(a, *s), &PreparedName::new(b, *s), w))).unzip()
}

/// (file, least ROC AUC, least F1 at the default threshold).
#[test]
fn accuracy_on_labelled_pairs() {
    let cases = [
        ("pairs/watchman/cascade-name-pairs.csv", 0.80, 0.80),
        ("pairs/watchman/cascade-name-pairs-2.csv", 0.80, 0.80),
        ("pairs/nomenklatura/cases.csv", 0.85, 0.80),
    ];
    let (mut all_labels, mut all_scores) = (Vec::new(), Vec::new());
    for (file, least_auc, least_f1) in cases {
        let Some(pairs) = labelled(file) else { return };
        let (labels, s) = scores(&pairs);
        let auc = roc_auc(&labels, &s).expect("both labels");
        let f1 = prf_at(&labels, &s, DEFAULT_THRESHOLD).f1;
        assert!(auc >= least_auc, "{file}: ROC AUC {auc:.3} < {least_auc}");
        assert!(f1 >= least_f1, "{file}: F1 {f1:.3} < {least_f1}");
        all_labels.extend(labels);
        all_scores.extend(s);
    }
    let pooled = roc_auc(&all_labels, &all_scores).expect("both labels");
    assert!(pooled >= 0.85, "pooled ROC AUC {pooled:.3} < 0.85");
}

#[test]
fn every_cross_script_positive_is_a_match() {
    let Some(path) = proscribe_testkit::shared("pairs/watchman/cross_script_pairs.csv") else { return };
    let text = std::fs::read_to_string(path).expect("cross-script pairs");
    let w = FrequencyWeights::default_table();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split(',').collect();
        let q = PreparedName::new(cols[0], Some(Schema::Person));
        let c = PreparedName::new(cols[1], Some(Schema::Person));
        let s = score_names(&q, &c, w);
        assert!(s >= DEFAULT_THRESHOLD, "{} / {}: {s:.3}", cols[0], cols[1]);
        n += 1;
    }
    assert!(n > 10, "only {n} pairs read");
}
