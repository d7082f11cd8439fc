//! Tests of the name scorer and of screening on the real data in `../shared/data` (skipped
//! with a message when the folder is absent, failing under CI): the accuracy the scorer is held
//! to on the labelled pairs, the recall of the candidate index against brute force, OFAC's
//! aliases finding their entry, the UN screening records, rebuilding and swapping the index;
//! and names and texts of any characters, generated.

mod common;

mod any_text;
mod index_file;
mod pairs;
mod real;
