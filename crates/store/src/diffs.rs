//! Changes between versions: between any two versions of a source (set operations on
//! `member`, then field diffs of the records that differ), and the append-only feed of the
//! changes each new version brought to its source's current state.

use proscribe_model::diff::{self, DesignationChangeKind, EntityDiff};
use proscribe_model::Entity;
use serde::{Deserialize, Serialize};

use crate::db::{Db, Row};
use crate::rows::{json, stored_by_name, text};
use crate::versions::VersionInfo;
use crate::{Error, Store};

/// What a version did to an entity. Stored in `change.kind` by its name; changes sort in this
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The entity is new.
    Added,
    /// The entity is gone.
    Removed,
    /// The entity's record changed.
    Amended,
}

impl ChangeKind {
    /// Every kind, in sort order.
    pub const ALL: [ChangeKind; 3] = [ChangeKind::Added, ChangeKind::Removed, ChangeKind::Amended];

    /// The kind's name, as stored and serialized.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Amended => "amended",
        }
    }

    /// The kind of a name ([`ChangeKind::as_str`]).
    pub fn parse(name: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

stored_by_name!(ChangeKind, "change kind");

/// One change of one entity between two versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// Feed cursor, for changes read from the feed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<i64>,
    /// The source.
    pub source_id: String,
    /// The newer version.
    pub version_id: i64,
    /// The older version (none for a source's first version).
    pub prev_version_id: Option<i64>,
    /// The entity.
    pub entity_id: String,
    /// Added, removed or amended.
    pub kind: ChangeKind,
    /// The list's own reference for the entry.
    pub reference: Option<String>,
    /// The entity's name.
    pub caption: String,
    /// What changed.
    pub detail: EntityDiff,
}

/// The changes between two versions of a source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionDiff {
    /// The older version (none: compared with nothing).
    pub from: Option<VersionInfo>,
    /// The newer version.
    pub to: VersionInfo,
    /// Changes, sorted by kind then reference.
    pub changes: Vec<Change>,
}

/// The changes from version `from` (or nothing) to version `to`, sorted by kind, then
/// reference, then entity.
pub(crate) fn diff_versions(conn: &Db, from: Option<i64>, to: i64) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    each_change(conn, from, to, |c| {
        changes.push(c);
        Ok(())
    })?;
    changes.sort_by(|a, b| change_order(a).cmp(&change_order(b)));
    Ok(changes)
}

/// The key changes sort by: kind, then reference (naturally), then entity.
pub(crate) fn change_order(c: &Change) -> (ChangeKind, (String, u64, String), &str) {
    (c.kind, reference_key(&c.reference), &c.entity_id)
}

/// Each change from version `from` (or nothing) to version `to`, in no particular order, one
/// at a time: the records compared are read as they come, so memory does not grow with the
/// number of entities.
pub(crate) fn each_change(
    conn: &Db,
    from: Option<i64>,
    to: i64,
    mut f: impl FnMut(Change) -> Result<(), Error>,
) -> Result<(), Error> {
    let from_id = from.unwrap_or(-1);
    let source_id: String = conn.scalar("SELECT source_id FROM version WHERE id = ?1", &[&to])?;
    // The records compared come with the rows (one query, not one a change).
    conn.each(
        "SELECT b.entity_id, a.record, b.record, ra.body, rb.body FROM member b
           LEFT JOIN member a ON a.version_id = ?1 AND a.entity_id = b.entity_id
           LEFT JOIN record ra ON ra.id = a.record
           LEFT JOIN record rb ON rb.id = b.record
          WHERE b.version_id = ?2 AND (a.record IS NULL OR a.record != b.record)
         UNION ALL
         SELECT a.entity_id, a.record, NULL, ra.body, NULL FROM member a
           LEFT JOIN record ra ON ra.id = a.record
          WHERE a.version_id = ?1 AND NOT EXISTS
                (SELECT 1 FROM member b WHERE b.version_id = ?2 AND b.entity_id = a.entity_id)",
        &[&from_id, &to],
        |row| {
            let entity_id: String = row.get(0)?;
            let read = |id: Option<i64>, body: Option<String>| -> Result<Option<Entity>, Error> {
                match (id, body) {
                    (Some(id), Some(body)) => crate::rows::record(&body, id).map(Some),
                    (Some(id), None) => {
                        Err(Error::corrupt("record", id, "body", format!("missing, where {entity_id} has it")))
                    }
                    (None, _) => Ok(None),
                }
            };
            let old = read(row.get(1)?, row.get(3)?)?;
            let new = read(row.get(2)?, row.get(4)?)?;
            let Some((kind, detail, shown)) = change_of(old.as_ref(), new.as_ref()) else { return Ok(()) };
            f(Change {
                cursor: None,
                source_id: source_id.clone(),
                version_id: to,
                prev_version_id: from,
                entity_id,
                kind,
                reference: shown.designations.iter().find_map(|d| d.reference.clone()),
                caption: shown.caption().to_string(),
                detail,
            })
        },
    )
}

/// What changed from record `old` to record `new` of one entity, with the record that shows
/// it (the new one, or the old one when the entity is gone); none when nothing did.
fn change_of<'e>(old: Option<&'e Entity>, new: Option<&'e Entity>) -> Option<(ChangeKind, EntityDiff, &'e Entity)> {
    match (old, new) {
        // An added or removed entity's field list would repeat the whole record: keep only
        // the designations that start or end with it.
        (None, Some(n)) => Some((ChangeKind::Added, diff::whole(n, DesignationChangeKind::Started), n)),
        (Some(o), None) => Some((ChangeKind::Removed, diff::whole(o, DesignationChangeKind::Ended), o)),
        (Some(o), Some(n)) => {
            let d = diff::diff(o, n);
            (!d.is_empty()).then_some((ChangeKind::Amended, d, n))
        }
        (None, None) => None,
    }
}

/// Sorts references naturally: `TAi.9` before `TAi.10`, `36` before `173`.
pub(crate) fn reference_key(r: &Option<String>) -> (String, u64, String) {
    let r = r.clone().unwrap_or_default();
    let digits: String =
        r.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    let prefix = r[..r.len() - digits.len()].to_string();
    (prefix, digits.parse().unwrap_or(0), r)
}

/// Reads a row of the feed: id, source_id, version_id, prev_version_id, entity_id, kind,
/// reference, caption, detail.
fn change_row(r: &Row<'_>) -> Result<Change, Error> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(5)?;
    let detail: String = r.get(8)?;
    Ok(Change {
        cursor: Some(id),
        source_id: r.get(1)?,
        version_id: r.get(2)?,
        prev_version_id: r.get(3)?,
        entity_id: r.get(4)?,
        kind: text(&kind, "change", id, "kind")?,
        reference: r.get(6)?,
        caption: r.get(7)?,
        detail: json(&detail, "change", id, "detail")?,
    })
}

impl Store {
    /// The changes between two versions of one source (`from` none: everything is added).
    pub fn diff(&self, from: Option<i64>, to: i64) -> Result<VersionDiff, Error> {
        let to_v = self.version(to)?;
        let from_v = from.map(|f| self.version(f)).transpose()?;
        if let Some(f) = &from_v {
            if f.source_id != to_v.source_id {
                return Err(Error::Invalid(format!(
                    "versions {} ({}) and {} ({}) are of different sources",
                    f.id, f.source_id, to_v.id, to_v.source_id
                )));
            }
        }
        let changes = diff_versions(&self.db, from, to)?;
        Ok(VersionDiff { from: from_v, to: to_v, changes })
    }

    /// Changes in the feed after `cursor` (0 for all), oldest first, at most `limit`.
    pub fn changes_since(&self, cursor: i64, limit: usize) -> Result<Vec<Change>, Error> {
        self.db.rows(
            "SELECT id, source_id, version_id, prev_version_id, entity_id, kind, reference, caption, detail
               FROM change WHERE id > ?1 ORDER BY id LIMIT ?2",
            &[&cursor, &(limit as i64)],
            change_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_and_serialized_by_name() {
        for k in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(ChangeKind::parse("renamed"), None);
    }

    #[test]
    fn an_unknown_kind_in_the_feed_is_an_error() {
        let mut store = Store::open_in_memory().unwrap();
        let mut tx = store.begin_import().unwrap();
        let mut staging = tx.stage("ex").unwrap();
        let mut e = Entity::new("ex-1", proscribe_model::Schema::Organization);
        e.add_name(proscribe_model::Name::new("Example", proscribe_model::NameKind::Primary));
        staging.put(&e, 1).unwrap();
        let info = proscribe_model::SourceInfo {
            id: "ex".into(),
            title: "Ex".into(),
            format: "test".into(),
            published: None,
            authorities: vec![],
            lists: vec![],
        };
        staging.finish(crate::VersionMeta::new(info, "sha", vec![])).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.changes_since(0, 10).unwrap()[0].kind, ChangeKind::Added);
        store.db.execute("UPDATE change SET kind = 'renamed'", &[]).unwrap();
        let err = store.changes_since(0, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stored data is corrupt: change row 1, column kind: unknown change kind \"renamed\""
        );
        store.db.execute("UPDATE change SET kind = 'added', detail = '{\"fields\": 3}'", &[]).unwrap();
        assert!(matches!(
            store.changes_since(0, 10).unwrap_err(),
            Error::Corrupt { table: "change", column: "detail", .. }
        ));
    }
}
