//! Free-text scanning against the index of the committed UN and OFAC extracts (built once).
//! Mentions must be spans of the text on character boundaries, in text order, each with hits
//! on real entities and names, best first, scored from the threshold to 1. Two mentions are
//! apart, or one lies inside the other and names other entities ("The Taliban" on one list,
//! "Taliban" on others).
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_matching::scan::{scan, ScanOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let index = proscribe_fuzz::fixture_index();
    // The first byte picks the longest run of words tried; the default threshold is kept.
    let options = ScanOptions { max_words: 1 + usize::from(first % 8), ..ScanOptions::default() };
    let mentions = scan(index, &text, &options);
    let mut previous_start = 0;
    for (i, m) in mentions.iter().enumerate() {
        assert!(m.start < m.end && m.end <= text.len(), "mention {}..{} in {} bytes", m.start, m.end, text.len());
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "mention {}..{} cuts a character",
            m.start,
            m.end
        );
        assert!(m.start >= previous_start, "mention {}..{} is out of order", m.start, m.end);
        previous_start = m.start;
        for k in &mentions[..i] {
            let apart = m.end <= k.start || m.start >= k.end;
            let nested = (m.start >= k.start && m.end <= k.end) || (k.start >= m.start && k.end <= m.end);
            assert!(apart || nested, "mentions {}..{} and {}..{} overlap", k.start, k.end, m.start, m.end);
            if !apart {
                let shared = m.hits.iter().any(|h| k.hits.iter().any(|o| o.entity == h.entity));
                assert!(!shared, "mentions {}..{} and {}..{} name the same entity", k.start, k.end, m.start, m.end);
            }
        }
        assert!(!m.hits.is_empty(), "mention {}..{} without hits", m.start, m.end);
        let mut best = f64::INFINITY;
        for h in &m.hits {
            assert!((h.entity as usize) < index.entity_count());
            assert!((h.name as usize) < index.names().len());
            assert!(h.score >= options.threshold && h.score <= 1.0, "hit scored {}", h.score);
            assert!(h.score <= best, "hits not best first");
            best = h.score;
        }
    }
});
