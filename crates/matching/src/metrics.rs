//! Measures of how well scores separate matches from non-matches, for evaluating the scorer
//! on labelled pairs: ROC AUC (the probability that a random match scores above a random
//! non-match, ties counting half), precision, recall and F1 at a threshold, and the best F1
//! over all thresholds.

/// Precision, recall and F1 at one threshold (a pair is called a match when its score is at
/// or above it).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Prf {
    /// The threshold.
    pub threshold: f64,
    /// Matches called, over all pairs called.
    pub precision: f64,
    /// Matches called, over all matches.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// ROC AUC of `scores` against `labels`, or `None` when one class is missing.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> Option<f64> {
    let n = labels.len().min(scores.len());
    let pos = labels[..n].iter().filter(|l| **l).count();
    let neg = n - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    // Mann–Whitney U from average ranks, so that ties count half.
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            if labels[*k] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let u = rank_sum_pos - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos as f64 * neg as f64))
}

/// Precision, recall and F1 at `threshold`.
pub fn prf_at(labels: &[bool], scores: &[f64], threshold: f64) -> Prf {
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for (l, s) in labels.iter().zip(scores) {
        match (*l, *s >= threshold) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fneg += 1,
            (false, false) => {}
        }
    }
    let precision = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let recall = if tp + fneg > 0 { tp as f64 / (tp + fneg) as f64 } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Prf { threshold, precision, recall, f1 }
}

/// The threshold (one of the scores) with the best F1.
pub fn best_f1(labels: &[bool], scores: &[f64]) -> Option<Prf> {
    let mut thresholds: Vec<f64> = scores.to_vec();
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    thresholds.into_iter().map(|t| prf_at(labels, scores, t)).max_by(|a, b| a.f1.total_cmp(&b.f1))
}

/// One held-out fold of a cross-validation.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Fold {
    /// Pairs held out.
    pub pairs: usize,
    /// ROC AUC on the held-out pairs (none when they are all of one label).
    pub roc_auc: Option<f64>,
    /// The threshold with the best F1 on the other folds.
    pub threshold: f64,
    /// F1 on the held-out pairs at that threshold.
    pub f1: f64,
}

/// A k-fold cross-validation by group: every pair of a group (a category of a pair file)
/// is held out together, so that a rule that helps only the pairs it was written for shows
/// as a fold that does worse than the others.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CrossValidation {
    /// The folds, in order.
    pub folds: Vec<Fold>,
    /// Mean ROC AUC over the folds that have one.
    pub mean_roc_auc: Option<f64>,
    /// Mean held-out F1.
    pub mean_f1: f64,
}

/// Cross-validates `scores` against `labels` in `k` folds: the distinct `groups` are sorted
/// and dealt round the folds, so that the split is the same on every run. Each fold's
/// threshold is chosen on the other folds (best F1), its F1 measured on the fold.
pub fn cross_validate(labels: &[bool], scores: &[f64], groups: &[&str], k: usize) -> CrossValidation {
    let k = k.max(2);
    let mut distinct: Vec<&str> = groups.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let fold_of = |g: &str| distinct.binary_search(&g).map_or(0, |i| i % k);
    let mut folds = Vec::with_capacity(k);
    for f in 0..k {
        let (mut train_l, mut train_s, mut test_l, mut test_s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((l, s), g) in labels.iter().zip(scores).zip(groups) {
            if fold_of(g) == f {
                test_l.push(*l);
                test_s.push(*s);
            } else {
                train_l.push(*l);
                train_s.push(*s);
            }
        }
        if test_l.is_empty() {
            continue;
        }
        let threshold = best_f1(&train_l, &train_s).map_or(0.5, |p| p.threshold);
        let f1 = prf_at(&test_l, &test_s, threshold).f1;
        folds.push(Fold { pairs: test_l.len(), roc_auc: roc_auc(&test_l, &test_s), threshold, f1 });
    }
    let aucs: Vec<f64> = folds.iter().filter_map(|f| f.roc_auc).collect();
    let mean_roc_auc = (!aucs.is_empty()).then(|| aucs.iter().sum::<f64>() / aucs.len() as f64);
    let mean_f1 = folds.iter().map(|f| f.f1).sum::<f64>() / folds.len().max(1) as f64;
    CrossValidation { folds, mean_roc_auc, mean_f1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_hold_groups_together_and_choose_thresholds_elsewhere() {
        // Group b's matches score low: held out, the threshold the others chose (0.8) misses
        // them. Held out, a is called right at 0.3; c's non-match at 0.3 is called too.
        let labels = [true, false, true, false, true, false, true, false];
        let scores = [0.9, 0.2, 0.3, 0.1, 0.8, 0.3, 0.35, 0.05];
        let groups = ["a", "a", "b", "b", "c", "c", "b", "b"];
        let cv = cross_validate(&labels, &scores, &groups, 3);
        assert_eq!(cv.folds.iter().map(|f| f.pairs).collect::<Vec<_>>(), [2, 4, 2]);
        let b = cv.folds[1];
        assert!(b.threshold > 0.35 && b.f1 == 0.0, "{b:?}");
        assert_eq!(b.roc_auc, Some(1.0), "within the group the order is right");
        assert_eq!(cv.folds.iter().map(|f| f.threshold).collect::<Vec<_>>(), [0.3, 0.8, 0.3]);
        assert!((cv.mean_f1 - (1.0 + 0.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12, "{cv:?}");
    }

    /// (labels, scores, AUC worked out by hand).
    #[test]
    fn auc_by_hand() {
        let cases: &[(&[bool], &[f64], Option<f64>)] = &[
            // Perfect separation.
            (&[true, true, false, false], &[0.9, 0.8, 0.3, 0.1], Some(1.0)),
            // Reversed.
            (&[true, false], &[0.1, 0.9], Some(0.0)),
            // All tied: half.
            (&[true, false, true, false], &[0.5, 0.5, 0.5, 0.5], Some(0.5)),
            // Pairs (pos, neg): (0.8,0.6) win, (0.8,0.9) lose, (0.4,0.6) lose, (0.4,0.9) lose: 1/4.
            (&[true, true, false, false], &[0.8, 0.4, 0.6, 0.9], Some(0.25)),
            // One tie among four pairs: (0.7,0.7) half, (0.7,0.2) win, (0.9,0.7) win, (0.9,0.2) win.
            (&[true, true, false, false], &[0.7, 0.9, 0.7, 0.2], Some(0.875)),
            (&[true, true], &[0.7, 0.9], None),
        ];
        for (labels, scores, expect) in cases {
            assert_eq!(roc_auc(labels, scores), *expect, "{labels:?} {scores:?}");
        }
    }

    #[test]
    fn precision_recall_by_hand() {
        let labels = [true, true, true, false, false];
        let scores = [0.9, 0.75, 0.5, 0.8, 0.2];
        // At 0.7: called 0.9 (tp), 0.75 (tp), 0.8 (fp); missed 0.5: P 2/3, R 2/3, F1 2/3.
        let p = prf_at(&labels, &scores, 0.7);
        assert!((p.precision - 2.0 / 3.0).abs() < 1e-12 && (p.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((p.f1 - 2.0 / 3.0).abs() < 1e-12);
        // Best: at 0.5 all three matches are called with one false positive: P 3/4, R 1, F1 6/7.
        let b = best_f1(&labels, &scores).unwrap();
        assert_eq!(b.threshold, 0.5);
        assert!((b.f1 - 6.0 / 7.0).abs() < 1e-12);
    }
}
