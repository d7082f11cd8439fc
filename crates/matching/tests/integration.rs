//! Tests of the candidate index and of screening on the real lists of `../shared/data`:
//! recall of the index against brute force, OFAC's aliases finding their entry, the UN
//! screening records, rebuilding and swapping the index. They skip with a message when the
//! data is absent (and fail under CI).

mod common;

mod real;
