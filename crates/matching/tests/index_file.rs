//! Index files: an index written to its file and opened again answers every query exactly as
//! the index that was built (hits, scores, explanations), on the committed extracts and on
//! every list of the shared data; a damaged, cut or foreign file is refused when opened.

use proscribe_import::{plan, Job};
use proscribe_matching::entity::{screen, Query, ScreenOptions};
use proscribe_matching::index::{Index, IndexFileError, Reading};
use proscribe_model::{Entity, Schema};
use rayon::prelude::*;

use crate::common::lists;

/// The entities of the committed UN and OFAC extracts.
fn extracts() -> Vec<Entity> {
    let paths = [proscribe_testkit::fixture("un/consolidated.xml"), proscribe_testkit::fixture("ofac/sdn.csv")];
    let plan = plan(&paths).expect("plan of the extracts");
    let mut out = Vec::new();
    for job in plan.jobs().collect::<Vec<&Job>>() {
        job.format
            .parse(job, &mut |e: Entity, _| {
                out.push(e);
                Ok(())
            })
            .expect("parse an extract");
    }
    out
}

/// Queries from the entities' own names: each name as it is, as a Person, and with a letter
/// changed and the words turned round, so that retrieval finds spellings and partial matches.
fn queries_from(entities: &[Entity], step: usize) -> Vec<Query> {
    let mut out = Vec::new();
    for e in entities.iter().step_by(step) {
        for n in &e.names {
            out.push(Query::name(n.full.clone()));
            out.push(Query { schema: Some(Schema::Person), ..Query::name(n.full.clone()) });
            let mut words: Vec<String> = n.full.split_whitespace().map(str::to_string).collect();
            words.reverse();
            if let Some(w) = words.first_mut() {
                if w.chars().count() > 4 {
                    let mut chars: Vec<char> = w.chars().collect();
                    chars[2] = 'x';
                    *w = chars.into_iter().collect();
                }
            }
            out.push(Query {
                birth_date: e.birth_dates.first().map(|d| d.date.clone()),
                ..Query::name(words.join(" "))
            });
        }
    }
    out
}

/// Writes `built` to a file and opens it, read in place and into memory; checks that each
/// answers every query as the built one.
fn check_alike(built: &Index, queries: &[Query]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.seg");
    let size = built.write_with(&path, &[("note", b"beside the index")]).expect("write the index");
    for reading in [Reading::InPlace, Reading::InMemory] {
        check_opened(built, &Index::open_as(&path, reading).expect("open the index"), size, queries);
    }
    queries.len()
}

fn check_opened(built: &Index, opened: &Index, size: u64, queries: &[Query]) {
    assert_eq!(opened.file_size(), Some(size));
    assert_eq!(opened.stats(), built.stats());
    assert_eq!(opened.extra("note"), Some(&b"beside the index"[..]));
    assert_eq!(opened.extra("absent"), None);
    assert_eq!(built.extra("note"), None);
    let options = ScreenOptions { limit: 10, explain: true, ..ScreenOptions::default() };
    let differing: Vec<String> = queries
        .par_iter()
        .filter_map(|q| {
            let (a, b) = (screen(built, q, &options), screen(opened, q, &options));
            (a != b).then(|| format!("{:?}:\n built {a:?}\n opened {b:?}", q.name))
        })
        .collect();
    assert!(differing.is_empty(), "{} of {} queries differ, first: {}", differing.len(), queries.len(), differing[0]);
    // Entities and names read back as they were given.
    for e in 0..built.entity_count() as u32 {
        assert_eq!(opened.entity_id(e), built.entity_id(e));
    }
    for e in (0..built.entity_count() as u32).step_by(7) {
        assert_eq!(opened.entity(e), built.entity(e));
    }
    for n in (0..built.names().len() as u32).step_by(5) {
        assert_eq!(opened.name_text(n), built.name_text(n));
    }
}

#[test]
fn an_opened_index_answers_as_the_built_one() {
    let entities = extracts();
    assert!(entities.len() > 20, "{} entities in the extracts", entities.len());
    let queries = queries_from(&entities, 1);
    let index = Index::build(entities);
    check_alike(&index, &queries);
}

#[test]
fn every_list_answers_alike_from_its_file() {
    let (Some(all), Some(aliases), Some(global), Some(un)) = (
        lists::all_lists(),
        lists::ofac_aliases(),
        lists::yente("negatives_global"),
        lists::yente("positives_un_untreated"),
    ) else {
        return;
    };
    let mut queries = queries_from(&all, 25);
    queries.extend(lists::every(&aliases, 10).into_iter().map(|a| Query::name(a.name)));
    queries.extend(lists::every(&global, 20));
    queries.extend(un);
    let index = Index::build(all);
    let n = check_alike(&index, &queries);
    eprintln!("{n} queries answered alike by the built index and its file");
}

#[test]
fn a_damaged_or_foreign_index_file_is_refused() {
    let index = Index::build(extracts());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.seg");
    index.write(&path).unwrap();
    let good = std::fs::read(&path).unwrap();
    let damaged = dir.path().join("damaged.seg");
    // A byte changed anywhere (header, a section, the directory), or the file cut short.
    for at in [0, 20, 100, good.len() / 3, good.len() / 2, good.len() - 10] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x40;
        std::fs::write(&damaged, &bytes).unwrap();
        assert!(Index::open(&damaged).is_err(), "a byte changed at {at} of {}", good.len());
    }
    std::fs::write(&damaged, &good[..good.len() - 100]).unwrap();
    let err = Index::open(&damaged).expect_err("a cut file is refused");
    assert!(err.to_string().contains("damaged.seg"), "{err}");
    // No file is an error, not an empty index.
    assert!(Index::open(dir.path().join("absent.seg")).is_err());
    // A file of another build of the index: its `meta` names another fingerprint.
    let mut w = proscribe_segment::SegmentWriter::create(&damaged).unwrap();
    w.add("meta", br#"{"fingerprint":"0.0.0-0","entities":0,"forms":0,"unseen_weight_bits":0}"#).unwrap();
    w.finish().unwrap();
    assert!(matches!(Index::open(&damaged), Err(IndexFileError::OtherBuild { .. })));
}
