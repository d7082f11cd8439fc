//! Throughput of the name scorer on real names: preparing names (normalisation,
//! transliteration, tokens) and comparing prepared pairs, with and without the explanation.
//! Names come from OFAC's `sdn.csv` and the labelled pair files in `../shared/data`; without
//! them the benchmarks run on a few built-in names so that they still compile and run.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proscribe_matching::{compare_names, score_names, FrequencyWeights, PreparedName};
use proscribe_model::Schema;

const FALLBACK: &[(&str, &str)] = &[
    ("Abdul Salam Hanafi", "HANAFI, Abdulsalam"),
    ("Мария Осетрова", "Mariia Osetrova"),
    ("Hoshikaze Maru No. 8", "Hoshikaze Maru No. 6"),
    ("Kisumu Lakeside Motors Ltd", "Kisumu Lakeside Motor Spares Ltd"),
];

/// Names of OFAC's SDN list with their schema.
fn sdn_names(limit: usize) -> Vec<(String, Option<Schema>)> {
    let Some(path) = proscribe_testkit::shared("lists/ofac/sdn.csv") else {
        return FALLBACK.iter().map(|(a, _)| (a.to_string(), Some(Schema::Person))).collect();
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).expect("sdn.csv");
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.len() > 2)
        .take(limit)
        .map(|r| {
            let schema = match r[2].trim() {
                "individual" => Schema::Person,
                "vessel" => Schema::Vessel,
                "aircraft" => Schema::Aircraft,
                _ => Schema::Organization,
            };
            (r[1].to_string(), Some(schema))
        })
        .collect()
}

/// Labelled pairs of the shared pair files (name1, name2, schema).
fn pairs() -> Vec<(String, String, Option<Schema>)> {
    let mut out = Vec::new();
    for file in [
        "pairs/nomenklatura/cases.csv",
        "pairs/watchman/cascade-name-pairs.csv",
        "pairs/watchman/cascade-name-pairs-2.csv",
    ] {
        let Some(path) = proscribe_testkit::shared(file) else { continue };
        let Ok(mut reader) = csv::Reader::from_path(path) else { continue };
        for r in reader.records().filter_map(Result::ok) {
            if r.len() > 3 {
                out.push((r[2].to_string(), r[3].to_string(), Schema::parse(&r[1])));
            }
        }
    }
    if out.is_empty() {
        out = FALLBACK.iter().map(|(a, b)| (a.to_string(), b.to_string(), Some(Schema::Person))).collect();
    }
    out
}

fn normalisation(c: &mut Criterion) {
    let names = sdn_names(2000);
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("sdn_names", |b| {
        b.iter(|| names.iter().map(|(n, s)| PreparedName::new(black_box(n), *s).variants.len()).sum::<usize>())
    });
    // What reading a prepared name back costs at the least, were it stored: its clone makes
    // the same allocations a decoder would (the persistent index weighs storing names
    // prepared against preparing them again).
    let prepared: Vec<PreparedName> = names.iter().map(|(n, s)| PreparedName::new(n, *s)).collect();
    group.bench_function("sdn_names_cloned", |b| {
        b.iter(|| prepared.iter().map(|p| black_box(p).clone().variants.len()).sum::<usize>())
    });
    let mixed: Vec<(String, Option<Schema>)> = pairs().into_iter().flat_map(|(a, b, s)| [(a, s), (b, s)]).collect();
    group.throughput(Throughput::Elements(mixed.len() as u64));
    group.bench_function("pair_file_names", |b| {
        b.iter(|| mixed.iter().map(|(n, s)| PreparedName::new(black_box(n), *s).variants.len()).sum::<usize>())
    });
    group.finish();
}

fn pair_scoring(c: &mut Criterion) {
    let weights = FrequencyWeights::default_table();
    let prepared: Vec<(PreparedName, PreparedName)> =
        pairs().iter().map(|(a, b, s)| (PreparedName::new(a, *s), PreparedName::new(b, *s))).collect();
    let mut group = c.benchmark_group("compare");
    group.throughput(Throughput::Elements(prepared.len() as u64));
    group.bench_function("score_names", |b| {
        b.iter(|| prepared.iter().map(|(q, c)| score_names(black_box(q), black_box(c), weights)).sum::<f64>())
    });
    group.bench_function("compare_names_explained", |b| {
        b.iter(|| prepared.iter().map(|(q, c)| compare_names(black_box(q), black_box(c), weights).score).sum::<f64>())
    });
    // One query against many listed names, the shape of a screening run after retrieval.
    let listed: Vec<PreparedName> = sdn_names(5000).iter().map(|(n, s)| PreparedName::new(n, *s)).collect();
    let query = PreparedName::new("Abdul Salam Hanafi Ali Mardan Qul", Some(Schema::Person));
    group.throughput(Throughput::Elements(listed.len() as u64));
    group.bench_function("one_query_against_sdn", |b| {
        b.iter(|| listed.iter().map(|c| score_names(black_box(&query), c, weights)).fold(0.0, f64::max))
    });
    group.finish();
}

criterion_group!(benches, normalisation, pair_scoring);
criterion_main!(benches);
