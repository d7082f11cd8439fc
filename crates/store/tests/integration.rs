//! Integration tests of the store: versions, changes, history, as-of status and atomicity,
//! on small entities built in the tests and on the committed extracts of two versions of the
//! UN list (imported through proscribe-import, a dev-dependency only).

mod audit;
mod extracts;
mod history;
mod resolution;
