//! Parse throughput of each importer on the real list files in `../shared/data` (bytes of
//! input per second, entities passed to a sink that drops them). Skips with a message when
//! the files are absent.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proscribe_import::{plan, Job};

fn jobs() -> Vec<(String, Job, u64)> {
    let Some(lists) = proscribe_testkit::shared("lists") else { return vec![] };
    let Some(ftm) = proscribe_testkit::shared("ftm") else { return vec![] };
    let plan = plan(&[lists, ftm]).expect("plan");
    plan.jobs()
        .map(|j| {
            let bytes: u64 = j.files().iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
            let name = format!("{}/{}", j.format.name(), file_name(&j.path));
            (name, j.clone(), bytes)
        })
        .collect()
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for (name, job, bytes) in jobs() {
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(&name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                job.format
                    .parse(&job, &mut |e: proscribe_model::Entity, _line: u64| {
                        n += e.names.len();
                        Ok(())
                    })
                    .expect("parse");
                n
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
