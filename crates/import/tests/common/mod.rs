//! Shared test harness: finding the committed extracts of the real lists and the real list
//! files in `../shared/data`, running a parse into a vector, comparing golden files, and the
//! scaffolding of tests on broken input.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use proscribe_import::{plan, Entry, Error, Format, Job, Report};
use proscribe_model::Entity;

pub use proscribe_testkit::shared;

/// A committed extract of a real list (`un/consolidated.xml`, `ofac/sdn.csv`), from
/// proscribe-testkit's fixtures: present in every clone, so tests on it never skip.
pub use proscribe_testkit::fixture as extract;

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

/// A job that reads `path` as `format`, whether or not the format would recognise the file.
pub fn job(format: &'static dyn Format, path: &Path) -> Job {
    Job {
        format,
        path: path.to_path_buf(),
        companions: Vec::new(),
        source_id: format.source_id(path),
        limits: proscribe_import::Limits::default(),
    }
}

/// Parses a job and collects its entities with their start lines.
pub fn parse_job(job: &Job) -> Result<(Report, Vec<(Entity, u64)>), Error> {
    let mut out = Vec::new();
    let report = job.parse(&mut |e: Entity, line: u64| {
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

/// The entity with `id`; panics naming the id when there is none.
pub fn entity<'a>(entities: &'a [Entity], id: &str) -> &'a Entity {
    entities.iter().find(|e| e.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

/// The entity with `id` and the line it starts on, as [`parse_job`] gives them; panics naming
/// the id when there is none.
pub fn entity_with_line<'a>(entities: &'a [(Entity, u64)], id: &str) -> &'a (Entity, u64) {
    entities.iter().find(|(e, _)| e.id == id).unwrap_or_else(|| panic!("{id} missing"))
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

/// The whole parse of the list at `paths` as the text of a golden file: the report (file paths
/// relative to the fixtures folder) and every entity with the line it starts on.
pub fn parse_snapshot(paths: &[PathBuf]) -> String {
    let (mut report, entities) = parse_job(&single_job(paths)).expect("parse");
    let base = format!("{}/", proscribe_testkit::fixtures_dir().display());
    for d in &mut report.diagnostics {
        d.file = d.file.replace(&base, "");
    }
    // Structs rather than `json!`, so that fields keep their declared order, as in the other
    // golden files.
    #[derive(serde::Serialize)]
    struct Located<'a> {
        line: u64,
        entity: &'a Entity,
    }
    #[derive(serde::Serialize)]
    struct Snapshot<'a> {
        report: &'a Report,
        entities: Vec<Located<'a>>,
    }
    let entities = entities.iter().map(|(entity, line)| Located { line: *line, entity }).collect();
    serde_json::to_string_pretty(&Snapshot { report: &report, entities }).expect("json") + "\n"
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

/// The error of parsing `path` as `format`, as text; panics when the parse succeeds.
pub fn parse_error(format: &'static dyn Format, path: &Path) -> String {
    parse_job(&job(format, path)).map(|_| ()).expect_err("an error").to_string()
}

/// The report's diagnostics as text, with the path of `file` written as `F`.
pub fn diagnostics(report: &Report, file: &Path) -> Vec<String> {
    let file = file.display().to_string();
    report.diagnostics.iter().map(|d| d.to_string().replace(&file, "F")).collect()
}

/// The 1-based line of the byte at `offset`.
pub fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The longest start of `bytes`, at most `len` bytes long, that is valid UTF-8: a file cut
/// short without cutting a character.
pub fn utf8_prefix(bytes: &[u8], len: usize) -> &[u8] {
    let mut cut = len;
    while std::str::from_utf8(&bytes[..cut]).is_err() {
        cut -= 1;
    }
    &bytes[..cut]
}
