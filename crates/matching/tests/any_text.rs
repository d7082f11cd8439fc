//! Names and texts of any characters (any script, letters no table romanises, marks, symbols,
//! emoji): preparing, comparing, screening and scanning them never fails, scores stay in
//! [0, 1], and mentions are spans of whole characters of the text.

use std::sync::OnceLock;

use proptest::prelude::*;
use proscribe_matching::entity::{screen, Query, ScreenOptions};
use proscribe_matching::index::Index;
use proscribe_matching::scan::{scan, ScanOptions};
use proscribe_matching::{compare_names, FrequencyWeights, PreparedName};
use proscribe_model::{Entity, Name, NameKind, Schema};

/// Listed names in several scripts and of several kinds.
const LISTED: &[(&str, Schema)] = &[
    ("AMIR KHAN MUTTAQI", Schema::Person),
    ("Абдулла Рахманов", Schema::Person),
    ("محمد حسن أخوند", Schema::Person),
    ("金正恩", Schema::Person),
    ("AL-QAIDA", Schema::Organization),
    ("Naftiran Intertrade Co. (NICO) Limited", Schema::Company),
    ("ООО Интер Табак", Schema::Company),
    ("S.A.S. E.U.", Schema::Company),
    ("Ocean Star No. 8", Schema::Vessel),
];

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        Index::build(LISTED.iter().enumerate().map(|(i, (name, schema))| {
            let mut e = Entity::new(format!("e{i}"), *schema);
            e.add_name(Name::new(*name, NameKind::Primary));
            e
        }))
    })
}

fn schema() -> impl Strategy<Value = Option<Schema>> {
    prop::option::of(prop::sample::select(vec![Schema::Person, Schema::Organization, Schema::Vessel]))
}

/// Words of any printable characters, or of characters from blocks real names rarely use but
/// text holds (IPA, letter-like symbols, combining marks, fullwidth forms, emoji).
fn name() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "\\PC{1,8}",
        "[ɐ-ʯᴀ-ᶿ]{1,6}",
        "[a-z][\u{300}-\u{36f}]{1,3}[a-z]{0,4}",
        "[Ａ-Ｚ０-９]{1,5}",
        "[😀-🙏]{1,3}",
        "[A-Z]{1,6}",
    ];
    prop::collection::vec(word, 0..6).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn any_name_is_prepared_compared_and_screened(query in name(), kind in schema()) {
        let prepared = PreparedName::new(&query, kind);
        let weights = FrequencyWeights::default_table();
        for (listed, listed_kind) in LISTED {
            let m = compare_names(&prepared, &PreparedName::new(listed, Some(*listed_kind)), weights);
            prop_assert!((0.0..=1.0).contains(&m.score), "{query:?} / {listed:?}: {}", m.score);
        }
        let q = Query { schema: kind, ..Query::name(query.clone()) };
        // A name with no letters is refused with a reason; any other is screened.
        if let Ok(hits) = screen(index(), &q, &ScreenOptions::default()) {
            for h in hits {
                prop_assert!((0.0..=1.0).contains(&h.score), "{query:?}: {}", h.score);
            }
        }
    }

    #[test]
    fn any_text_is_scanned(words in prop::collection::vec(name(), 0..8)) {
        let text = words.join("\n");
        for m in scan(index(), &text, &ScanOptions::default()) {
            prop_assert!(m.start < m.end && m.end <= text.len(), "{text:?}: {}..{}", m.start, m.end);
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end), "{text:?}");
            prop_assert!((0.0..=1.0).contains(&m.score()));
        }
    }
}
