//! Shared test harness: finding the real list files in `../shared/data`, running a parse into
//! a vector, and comparing golden files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use proscribe_import::{plan, Entry, Error, Job, Report};
use proscribe_model::Entity;

pub use proscribe_testkit::shared;

/// The path of a fixture committed with these tests.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Plans the import of `paths` and returns the single job it finds.
pub fn single_job(paths: &[PathBuf]) -> Job {
    let plan = plan(paths).expect("plan");
    let jobs: Vec<Job> = plan
        .entries
        .into_iter()
        .filter_map(|e| match e {
            Entry::List(j) => Some(j),
            Entry::Skipped(_) => None,
        })
        .collect();
    assert_eq!(jobs.len(), 1, "expected one list in {paths:?}");
    jobs.into_iter().next().unwrap()
}

/// Parses a job and collects its entities with their start lines.
pub fn parse_job(job: &Job) -> Result<(Report, Vec<(Entity, u64)>), Error> {
    let mut out = Vec::new();
    let report = job.format.parse(job, &mut |e: Entity, line: u64| {
        out.push((e, line));
        Ok(())
    })?;
    Ok((report, out))
}

/// Parses the files at `paths` (one list) and collects the entities.
pub fn parse_paths(paths: &[PathBuf]) -> Result<(Report, Vec<Entity>), Error> {
    let job = single_job(paths);
    let (report, entities) = parse_job(&job)?;
    Ok((report, entities.into_iter().map(|(e, _)| e).collect()))
}

/// Compares `actual` with the golden file `tests/golden/NAME`; with `UPDATE_GOLDEN=1` writes
/// it instead. Golden files are read and checked by a person when they are written.
pub fn check_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("golden file {} missing: run with UPDATE_GOLDEN=1 and review it", path.display()));
    assert_eq!(actual, expected, "golden file {} differs", path.display());
}

/// Pretty JSON of an entity, for golden files.
pub fn pretty(e: &Entity) -> String {
    serde_json::to_string_pretty(e).expect("json") + "\n"
}

/// Writes `content` to a file named `name` in a fresh temporary folder.
pub fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write");
    (dir, path)
}
