//! Name preparation and comparison: any text (a first byte picks the schema, a line end cuts
//! it into two names) is prepared, and the two names are compared both ways. A prepared name
//! keeps the text it was given and is empty exactly when it has no variant; scores are
//! numbers from 0 to 1.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_matching::{compare_names, score_names, FrequencyWeights, PreparedName};
use proscribe_model::Schema;

fn check_score(score: f64, a: &str, b: &str) {
    assert!((0.0..=1.0).contains(&score), "{a:?} against {b:?} scores {score}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let schema = Schema::ALL.get(usize::from(first) % (Schema::ALL.len() + 1)).copied();
    let (a, b) = text.split_once('\n').unwrap_or((text, text));
    let pa = PreparedName::new(a, schema);
    let pb = PreparedName::new(b, schema);
    for (p, s) in [(&pa, a), (&pb, b)] {
        assert_eq!(p.original, s);
        assert_eq!(p.is_empty(), p.variants.is_empty());
        assert_eq!(p.schema, schema);
    }
    let weights = FrequencyWeights::default_table();
    for (q, c, qs, cs) in [(&pa, &pb, a, b), (&pb, &pa, b, a)] {
        let m = compare_names(q, c, weights);
        check_score(m.score, qs, cs);
        check_score(score_names(q, c, weights), qs, cs);
    }
});
