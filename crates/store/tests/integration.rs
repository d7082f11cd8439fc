//! Integration tests of the store: versions, changes, history, as-of status and atomicity,
//! on small entities built in the tests.

mod history;
