//! Tests of the name scorer on the labelled pairs in `../shared/data/pairs` (skipped with a
//! message when the folder is absent, failing under CI): the accuracy figures the scorer is
//! held to, measured with the crate's own metrics.

mod pairs;
