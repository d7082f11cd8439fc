//! The committed extracts of two versions of the UN list (2024-11-30 and 2026-02-27), imported
//! through the real importer in publication order: the changes between them, the feed and the
//! status as of a day between them. They run in every clone (no `../shared/data`).

use proscribe_model::{Certainty, PartialDate, Status};
use proscribe_store::{ImportOutcome, Outcome, Store, VersionMeta};
use sha2::{Digest, Sha256};

pub(crate) const OLDER: &str = "un/history/consolidated-2024-11-30.xml";
pub(crate) const CURRENT: &str = "un/consolidated.xml";

/// Imports one committed extract as the next version of its source, as `proscribe import`
/// does: plan, skip files already imported, parse into the staging area, record the version,
/// commit.
pub(crate) fn import_extract(store: &mut Store, rel: &str) -> ImportOutcome {
    let path = proscribe_testkit::fixture(rel);
    let sha = hex::encode(Sha256::digest(std::fs::read(&path).unwrap()));
    let plan = proscribe_import::plan(std::slice::from_ref(&path)).unwrap();
    let job = plan.jobs().next().expect("the extract is a list");
    let mut tx = store.begin_import().unwrap();
    if let Some(existing) = tx.existing(&job.source_id, &sha).unwrap() {
        return existing;
    }
    let mut staging = tx.stage(&job.source_id).unwrap();
    let report =
        job.format.parse(job, &mut |entity, line| staging.put(&entity, line).map_err(|e| Box::new(e) as _)).unwrap();
    let mut meta = VersionMeta::new(report.source, &sha, vec![]);
    meta.names = report.names;
    meta.designations = report.designations;
    let outcome = staging.finish(meta).unwrap();
    tx.commit().unwrap();
    outcome
}

fn day(s: &str) -> PartialDate {
    s.parse().unwrap()
}

/// The status on `on` of the UN designation of `id`, with its certainty and basis.
fn un_status(store: &Store, id: &str, on: &str) -> (Status, Certainty, String) {
    let report = store.status_on(id, &day(on)).unwrap();
    let d = report.designations.iter().find(|d| d.source_id == "un-sc").unwrap_or_else(|| panic!("{id} on {on}"));
    (d.status, d.certainty, d.basis.clone())
}

crate::backend::on_both!(two_versions_of_the_un_extract, status_as_of_a_day_between_the_versions);

fn two_versions_of_the_un_extract(db: &crate::backend::Backend) {
    let mut store = db.open();
    let first = import_extract(&mut store, OLDER);
    assert_eq!(first.outcome, Outcome::New);
    assert_eq!((first.entities, first.added, first.removed, first.amended), (40, 40, 0, 0));
    let second = import_extract(&mut store, CURRENT);
    assert_eq!(second.outcome, Outcome::New);
    assert_eq!(second.previous_version_id, Some(first.version_id));
    // QDi.436 was listed in 2025; QDi.317 was removed before 2026-02-27; 16 records changed
    // (places of birth added, dates of birth moved out of aliases, comments rewritten).
    assert_eq!((second.entities, second.added, second.removed, second.amended), (40, 1, 1, 16));
    assert_eq!((second.designations_started, second.designations_ended), (1, 1));

    let diff = store.diff(Some(first.version_id), second.version_id).unwrap();
    let of_kind = |kind: &str| -> Vec<&str> {
        use proscribe_store::ChangeKind;
        let kind = match kind {
            "added" => ChangeKind::Added,
            "removed" => ChangeKind::Removed,
            _ => ChangeKind::Amended,
        };
        let mut refs: Vec<&str> =
            diff.changes.iter().filter(|c| c.kind == kind).filter_map(|c| c.reference.as_deref()).collect();
        refs.sort_unstable();
        refs
    };
    assert_eq!(of_kind("added"), ["QDi.436"]);
    assert_eq!(of_kind("removed"), ["QDi.317"]);
    assert_eq!(
        of_kind("amended"),
        [
            "QDi.001", "QDi.006", "QDi.028", "QDi.290", "QDi.291", "QDi.295", "QDi.306", "TAi.004", "TAi.013",
            "TAi.026", "TAi.027", "TAi.034", "TAi.038", "TAi.148", "TAi.150", "TAi.166"
        ]
    );
    let motaqi = diff.changes.iter().find(|c| c.reference.as_deref() == Some("TAi.026")).unwrap();
    let fields: Vec<&str> = motaqi.detail.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["birth_places"]);
    assert!(motaqi.detail.fields[0].added.iter().any(|p| p.contains("Shin Kalai village")), "{:?}", motaqi.detail);

    // The feed: the first version's 40 additions, then the 18 changes of the second.
    let feed = store.changes_since(0, 100).unwrap();
    assert_eq!(feed.len(), 58);
    assert!(feed[40..].iter().all(|c| c.version_id == second.version_id));
    // Each version's part of the feed lists its changes as the diff does (kind, reference
    // naturally, entity), though the import sorts them in the database.
    let shown = |c: &proscribe_store::Change| (c.kind, c.entity_id.clone(), c.reference.clone(), c.caption.clone());
    let firsts = store.diff(None, first.version_id).unwrap();
    assert_eq!(feed[..40].iter().map(shown).collect::<Vec<_>>(), firsts.changes.iter().map(shown).collect::<Vec<_>>());
    assert_eq!(feed[40..].iter().map(shown).collect::<Vec<_>>(), diff.changes.iter().map(shown).collect::<Vec<_>>());
    assert_eq!(
        feed[40..].iter().map(|c| &c.detail).collect::<Vec<_>>(),
        diff.changes.iter().map(|c| &c.detail).collect::<Vec<_>>()
    );

    // Importing the same extract again changes nothing.
    assert_eq!(import_extract(&mut store, CURRENT).outcome, Outcome::Unchanged);
}

fn status_as_of_a_day_between_the_versions(db: &crate::backend::Backend) {
    let mut store = db.open();
    let first = import_extract(&mut store, OLDER);
    let second = import_extract(&mut store, CURRENT);
    let between = "2025-06-01";

    // TAi.026 is in both versions: listed, on the strength of the version in force that day.
    let (status, certainty, basis) = un_status(&store, "un-tai-026", between);
    assert_eq!((status, certainty), (Status::Listed, Certainty::Certain));
    assert!(basis.contains(&format!("version {}", first.version_id)), "{basis}");
    assert_eq!(un_status(&store, "un-tai-026", "2026-03-01").0, Status::Listed);
    // Before its listing date it was not listed.
    assert_eq!(un_status(&store, "un-tai-026", "2001-01-24").0, Status::NotListed);

    // QDi.317, removed: listed between the versions, delisted once the newer one is in force.
    assert_eq!(un_status(&store, "un-qdi-317", between).0, Status::Listed);
    let (status, _, basis) = un_status(&store, "un-qdi-317", "2026-03-01");
    assert_eq!(status, Status::Delisted);
    assert!(basis.starts_with(&format!("absent from un-sc version {}", second.version_id)), "{basis}");

    // The entities listed that day are those of the older version.
    let listed = store.designations_on(Some("un-sc-consolidated"), None, &day(between)).unwrap();
    assert_eq!(listed.len(), 40);
    assert!(listed.iter().any(|d| d.reference.as_deref() == Some("QDi.317")));
    assert!(!listed.iter().any(|d| d.reference.as_deref() == Some("QDi.436")));
}
