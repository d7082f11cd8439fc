//! Steady-state cost of screening with the index built: a full query (prepare the name,
//! retrieve candidates, compare names, weigh the evidence) on OFAC's SDN list alone with
//! OFAC's own a.k.a. names as queries, and on every list of `../shared/data` with those and
//! yente's screening records; retrieval alone; and building the index over every list. One
//! iteration is one query, taken in turn from the query set; each set is also screened for
//! matches only, as a batch does for its default output. Skips with a message when the
//! shared data is absent.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proscribe_matching::entity::{prepare_query, screen, Query, ScreenOptions};
use proscribe_matching::index::{Index, DEFAULT_CANDIDATES};

#[path = "../tests/common/lists.rs"]
mod lists;

fn alias_queries() -> Vec<Query> {
    lists::ofac_aliases().unwrap_or_default().into_iter().map(|a| Query::name(a.name)).collect()
}

fn bench_queries(c: &mut Criterion, group: &str, index: &Index, queries: &[Query]) {
    if queries.is_empty() {
        return;
    }
    let options = ScreenOptions::default();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("screen", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(screen(index, &queries[i], &options).map(|h| h.len()).unwrap_or(0))
        })
    });
    // As a batch screens for its default output: matches only, not explained.
    let matches = ScreenOptions { matches_only: true, explain: false, ..options };
    let mut i = 0;
    g.bench_function("screen-matches", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(screen(index, &queries[i], &matches).map(|h| h.len()).unwrap_or(0))
        })
    });
    let prepared: Vec<_> = queries.iter().filter_map(|q| prepare_query(&q.name, q.schema).ok()).collect();
    let mut i = 0;
    g.bench_function("retrieve", |b| {
        b.iter(|| {
            i = (i + 1) % prepared.len();
            black_box(index.candidates(&prepared[i], DEFAULT_CANDIDATES).len())
        })
    });
    let mut i = 0;
    g.bench_function("prepare", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(prepare_query(&queries[i].name, None).map(|p| p.variants.len()).unwrap_or(0))
        })
    });
    g.finish();
}

fn screening(c: &mut Criterion) {
    let (Some(sdn), Some(all)) = (lists::ofac_sdn(), lists::all_lists()) else {
        eprintln!("skipping: the shared list data is absent");
        return;
    };
    let aliases = alias_queries();
    let ofac = Index::build(sdn);
    bench_queries(c, "ofac-sdn", &ofac, &aliases);
    drop(ofac);

    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    g.bench_function("all-lists", |b| b.iter(|| black_box(Index::build(all.clone()).stats())));
    g.finish();

    let index = Index::build(all);
    bench_queries(c, "all-lists/ofac-aliases", &index, &aliases);
    let mut yente: Vec<Query> = Vec::new();
    for file in ["positives_un_treated", "negatives_global", "negatives_us"] {
        yente.extend(lists::every(&lists::yente(file).unwrap_or_default(), 8));
    }
    bench_queries(c, "all-lists/yente", &index, &yente);
}

criterion_group!(benches, screening);
criterion_main!(benches);
