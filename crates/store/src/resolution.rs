//! Analysts' decisions on pairs of entities ([`Decision`]): whether two entities of two lists
//! are one real-world entity. Each decision and each undoing is one audited write
//! (`resolve.decide`, `resolve.undo`). Decisions are kept by entity ids, which stay the same
//! across versions of a list, so they survive re-imports. A pair has at most one decision in
//! force: deciding again undoes the one before, in the same write.

use proscribe_model::resolution::{Decision, Verdict};

use crate::{now, Error, Store};

/// A decision to make ([`Store::decide_all`]).
#[derive(Debug, Clone, Copy)]
pub struct ToDecide<'a> {
    /// Who makes it.
    pub actor: &'a str,
    /// One entity's id.
    pub x: &'a str,
    /// The other's.
    pub y: &'a str,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: &'a str,
}

/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 2000;

fn decision_row(r: &crate::db::Row<'_>) -> Result<(Decision, String), Error> {
    let verdict: String = r.get(3)?;
    Ok((
        Decision {
            id: r.get(0)?,
            a: r.get(1)?,
            b: r.get(2)?,
            verdict: Verdict::Unsure,
            reason: r.get(4)?,
            actor: r.get(5)?,
            decided_at: r.get(6)?,
            undone_at: r.get(7)?,
            undone_by: r.get(8)?,
        },
        verdict,
    ))
}

const COLUMNS: &str = "id, a, b, verdict, reason, actor, decided_at, undone_at, undone_by";

fn with_verdict((mut d, verdict): (Decision, String)) -> Result<Decision, Error> {
    d.verdict =
        verdict.parse().map_err(|reason: String| Error::corrupt("resolve_decision", d.id, "verdict", reason))?;
    Ok(d)
}

impl Store {
    /// Decides whether entities `x` and `y` are one (`verdict`), for `reason`, as `actor`.
    /// Both must be entities of the store, and differ; the reason must be given. A decision in
    /// force on the pair is undone by this one.
    pub fn decide(&self, actor: &str, x: &str, y: &str, verdict: Verdict, reason: &str) -> Result<Decision, Error> {
        let ids = self.decide_all(&[ToDecide { actor, x, y, verdict, reason }])?;
        Ok(self.decision(ids[0])?.expect("the decision just stored"))
    }

    /// Makes every decision of `all` in one write, in order, each as [`Store::decide`] would:
    /// all of them or, when one cannot be made, none. Returns their numbers.
    pub fn decide_all(&self, all: &[ToDecide<'_>]) -> Result<Vec<i64>, Error> {
        for d in all {
            let reason = d.reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
                return Err(Error::Invalid(format!("a decision's reason is 1 to {MAX_REASON_CHARS} characters")));
            }
            if d.x == d.y {
                return Err(Error::Invalid(format!("{} is one entity: a decision is on two", d.x)));
            }
            for id in [d.x, d.y] {
                if !self.has_entity(id)? {
                    return Err(Error::NotFound(format!("no entity {id}")));
                }
            }
        }
        let tx = self.db.begin_write()?;
        let at = now();
        let mut ids = Vec::with_capacity(all.len());
        for d in all {
            let (a, b) = if d.x < d.y { (d.x, d.y) } else { (d.y, d.x) };
            let before: Option<i64> = tx.first(
                "SELECT id FROM resolve_decision WHERE a = ?1 AND b = ?2 AND undone_at IS NULL",
                &[&a, &b],
                |r| r.get(0),
            )?;
            if let Some(old) = before {
                tx.execute(
                    "UPDATE resolve_decision SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                    &[&old, &at, &d.actor],
                )?;
            }
            let id: i64 = tx.scalar(
                "INSERT INTO resolve_decision (a, b, verdict, reason, actor, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 RETURNING id",
                &[&a, &b, &d.verdict.as_str(), &d.reason.trim(), &d.actor, &at],
            )?;
            let mut touched = vec![("resolve_decision", id.to_string())];
            touched.extend(before.map(|old| ("resolve_decision", old.to_string())));
            crate::audit::append(&tx, d.actor, "resolve.decide", &format!("pair:{a}~{b}"), &touched)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Whether any version of any source has entity `id`.
    pub fn has_entity(&self, id: &str) -> Result<bool, Error> {
        self.db.scalar("SELECT EXISTS (SELECT 1 FROM member WHERE entity_id = ?1)", &[&id])
    }

    /// Undoes decision `id`, as `actor`: the pair goes back to what the evidence says.
    pub fn undo_decision(&self, actor: &str, id: i64) -> Result<Decision, Error> {
        let Some(d) = self.decision(id)? else { return Err(Error::NotFound(format!("no decision {id}"))) };
        if !d.in_force() {
            return Err(Error::Invalid(format!("decision {id} was undone at {}", d.undone_at.unwrap_or_default())));
        }
        let tx = self.db.begin_write()?;
        tx.execute("UPDATE resolve_decision SET undone_at = ?2, undone_by = ?3 WHERE id = ?1", &[&id, &now(), &actor])?;
        crate::audit::append(
            &tx,
            actor,
            "resolve.undo",
            &format!("pair:{}~{}", d.a, d.b),
            &[("resolve_decision", id.to_string())],
        )?;
        tx.commit()?;
        Ok(self.decision(id)?.expect("the decision just undone"))
    }

    /// Decision `id`.
    pub fn decision(&self, id: i64) -> Result<Option<Decision>, Error> {
        let row =
            self.db.first(&format!("SELECT {COLUMNS} FROM resolve_decision WHERE id = ?1"), &[&id], decision_row)?;
        row.map(with_verdict).transpose()
    }

    /// The decisions, oldest first: those in force, or every one (`all`).
    pub fn decisions(&self, all: bool) -> Result<Vec<Decision>, Error> {
        let filter = if all { "" } else { "WHERE undone_at IS NULL" };
        let rows =
            self.db.rows(&format!("SELECT {COLUMNS} FROM resolve_decision {filter} ORDER BY id"), &[], decision_row)?;
        rows.into_iter().map(with_verdict).collect()
    }

    /// A number that grows with every decision made or undone: what a reader compares to know
    /// the decisions changed.
    pub fn decisions_version(&self) -> Result<i64, Error> {
        self.db.scalar("SELECT coalesce(max(id), 0) + count(undone_at) FROM resolve_decision", &[])
    }
}
