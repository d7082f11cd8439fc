//! Integration tests of the store: versions, changes, history, as-of status and atomicity,
//! on small entities built in the tests and on the committed extracts of two versions of the
//! UN list (imported through proscribe-import, a dev-dependency only). The tests of what every
//! store does run on SQLite and on PostgreSQL (`backend::on_both!`).

mod audit;
mod backend;
mod backends;
mod extracts;
mod history;
mod resolution;
