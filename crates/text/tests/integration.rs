//! Romanisation of the real names in `../shared/data` (skipped with a message when absent):
//! every name of the labelled pair files, in whatever script, gives Latin renderings with
//! letters, and tokens that are plain ASCII.

use proscribe_text::{romanize, tokens};

#[test]
fn every_pair_file_name_romanises() {
    let Some(dir) = proscribe_testkit::shared("pairs") else { return };
    let mut names = 0;
    for file in ["nomenklatura/cases.csv", "watchman/cascade-name-pairs.csv", "watchman/cascade-name-pairs-2.csv"] {
        let mut reader = csv::Reader::from_path(dir.join(file)).expect("pair file");
        for r in reader.records() {
            let r = r.expect("record");
            for name in [&r[2], &r[3]] {
                let renderings = romanize(name);
                assert!(!renderings.is_empty(), "{name:?}");
                for latin in &renderings {
                    assert!(latin.is_ascii(), "{name:?} gave {latin:?}");
                    if name.chars().any(char::is_alphabetic) {
                        assert!(!tokens(latin).is_empty(), "{name:?} gave no tokens in {latin:?}");
                    }
                }
                names += 1;
            }
        }
    }
    assert!(names > 1000, "only {names} names read");
}
