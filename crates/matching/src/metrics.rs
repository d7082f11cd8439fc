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

#[cfg(test)]
mod tests {
    use super::*;

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
