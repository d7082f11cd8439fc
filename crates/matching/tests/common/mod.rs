//! Shared test support: the real lists and query sets (see `lists.rs`, also used by the
//! benchmarks).

pub mod lists;
