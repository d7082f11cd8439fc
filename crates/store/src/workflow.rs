//! The designation workflow's storage: the roles bodies play per list, proposals and every
//! action on them, each action in one transaction with its audit record. Publishing an
//! adopted proposal writes a new version of the list's source, as an import of the list's next
//! edition would: history, diffs, as-of answers, the change feed and screening all see it.

use proscribe_model::workflow::{Action, BodyRole, Proposal, ProposalKind, Refusal, Roles};
use proscribe_model::{publication, Entity, SourceInfo};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::entities::for_each_member;
use crate::import::VersionMeta;
use crate::rows::{json, text, StoredText};
use crate::versions::FileMeta;
use crate::{audit, now, Error, Store};

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredProposal {
    /// Its number.
    pub id: i64,
    /// The proposal and what was done to it.
    pub proposal: Proposal,
    /// The entity a listing proposal describes.
    pub new_entity: Option<Entity>,
    /// The version its publication wrote.
    pub published_version: Option<i64>,
    /// That version's number within its source, as people are shown it.
    pub published_number: Option<i64>,
}

impl StoredText for BodyRole {
    const WHAT: &'static str = "role";

    fn from_stored(name: &str) -> Option<BodyRole> {
        BodyRole::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// The source that holds `list`, and the list's authority.
fn list_source(conn: &Db, list: &str) -> Result<(String, String), Error> {
    let row: Option<(String, String)> =
        conn.first("SELECT source_id, body FROM list WHERE id = ?1", &[&list], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (source, body) = row.ok_or_else(|| Error::NotFound(format!("no list {list:?}")))?;
    let info: proscribe_model::ListInfo = json(&body, "list", list, "body")?;
    Ok((source, info.authority))
}

/// The newest version of `source`: its id and the instant it took effect.
fn current_version(conn: &Db, source: &str) -> Result<(i64, String), Error> {
    conn.one(
        "SELECT id, effective FROM version WHERE source_id = ?1 ORDER BY effective DESC, id DESC LIMIT 1",
        &[&source],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The entities of the newest version of `source`, by line order.
fn current_entities(conn: &Db, source: &str) -> Result<(i64, Vec<Entity>), Error> {
    let (version, _) = current_version(conn, source)?;
    let mut entities = Vec::new();
    for_each_member(conn, version, |e| {
        entities.push(e);
        Ok(())
    })?;
    Ok((version, entities))
}

fn load(conn: &Db, id: i64) -> Result<StoredProposal, Error> {
    let row: Option<(String, Option<String>, Option<i64>)> =
        conn.first("SELECT body, new_entity, published_version FROM wf_proposal WHERE id = ?1", &[&id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let (body, new_entity, published_version) = row.ok_or_else(|| Error::NotFound(format!("no proposal {id}")))?;
    Ok(StoredProposal {
        id,
        proposal: json(&body, "wf_proposal", id, "body")?,
        new_entity: new_entity.map(|e| json(&e, "wf_proposal", id, "new_entity")).transpose()?,
        published_version,
        published_number: published_version.map(|v| crate::versions::number_of(conn, v)).transpose()?,
    })
}

fn roles_of(conn: &Db, list: &str) -> Result<Roles, Error> {
    let rows: Vec<(String, String)> =
        conn.rows("SELECT body_id, role FROM wf_role WHERE list_id = ?1", &[&list], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut roles = Roles::default();
    for (body, role) in rows {
        roles.grant(&body, text(&role, "wf_role", format!("{list}/{body}"), "role")?);
    }
    Ok(roles)
}

impl Store {
    /// Gives `body` `role` on `list` (which must be a stored list).
    pub fn grant_role(&self, actor: &str, list: &str, body: &str, role: BodyRole) -> Result<(), Error> {
        list_source(&self.db, list)?;
        let tx = self.db.begin_write()?;
        tx.execute(
            "INSERT INTO wf_role (list_id, body_id, role) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            &[&list, &body, &role.as_str()],
        )?;
        let unit = format!("{list}/{body}/{}", role.as_str());
        audit::append(&tx, actor, "role.grant", &format!("list:{list}"), &[("wf_role", unit)])?;
        tx.commit()?;
        Ok(())
    }

    /// Takes `role` on `list` from `body`, on the audit trail as a grant is. A role the body
    /// does not have is refused ([`Error::NotFound`], naming the roles it has), and nothing
    /// is written.
    pub fn revoke_role(&self, actor: &str, list: &str, body: &str, role: BodyRole) -> Result<(), Error> {
        list_source(&self.db, list)?;
        let tx = self.db.begin_write()?;
        let removed = tx.execute(
            "DELETE FROM wf_role WHERE list_id = ?1 AND body_id = ?2 AND role = ?3",
            &[&list, &body, &role.as_str()],
        )?;
        if removed == 0 {
            let has = match roles_of(&tx, list)?.0.get(body) {
                Some(roles) => {
                    format!("its roles: {}", roles.iter().map(BodyRole::as_str).collect::<Vec<_>>().join(", "))
                }
                None => "it has no role on it".into(),
            };
            return Err(Error::NotFound(format!("{body} is not a {} of {list} ({has})", role.as_str())));
        }
        let unit = format!("{list}/{body}/{}", role.as_str());
        audit::append(&tx, actor, "role.revoke", &format!("list:{list}"), &[("wf_role", unit)])?;
        tx.commit()?;
        Ok(())
    }

    /// The roles of the bodies of `list`.
    pub fn roles(&self, list: &str) -> Result<Roles, Error> {
        roles_of(&self.db, list)
    }

    /// Stores a new proposal. It must be about an entity of the list's source, or, to list a
    /// new one, describe it in full (`new_entity`).
    pub fn create_proposal(
        &mut self,
        actor: &str,
        proposal: Proposal,
        new_entity: Option<Entity>,
    ) -> Result<i64, Error> {
        let tx = self.db.begin_write()?;
        let (source, _) = list_source(&tx, &proposal.list)?;
        let (version, _) = current_version(&tx, &source)?;
        let known = tx
            .first(
                "SELECT 1 FROM member WHERE version_id = ?1 AND entity_id = ?2",
                &[&version, &proposal.entity_id],
                |_| Ok(()),
            )?
            .is_some();
        match (&proposal.kind, known, &new_entity) {
            (ProposalKind::List, false, None) => {
                return Err(Refusal::Invalid(format!(
                    "entity {} is not in {source}: a listing proposal describes a new entity in full",
                    proposal.entity_id
                ))
                .into())
            }
            (ProposalKind::List, _, Some(n)) if n.id != proposal.entity_id => {
                return Err(Refusal::Invalid("the entity described is not the one the proposal names".into()).into())
            }
            (ProposalKind::Amend, true, None) => {
                return Err(Refusal::Invalid("an amendment describes the entity as it should read".into()).into())
            }
            (kind, false, _) if *kind != ProposalKind::List => {
                return Err(Error::NotFound(format!("entity {} is not in {source}", proposal.entity_id)))
            }
            _ => {}
        }
        let body = serde_json::to_string(&proposal)?;
        let id: i64 = tx.scalar(
            "INSERT INTO wf_proposal (list_id, entity_id, state, body, new_entity, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
            &[
                &proposal.list,
                &proposal.entity_id,
                &proposal.state.as_str(),
                &body,
                &new_entity.as_ref().map(serde_json::to_string).transpose()?,
                &now(),
            ],
        )?;
        audit::append(&tx, actor, "proposal.create", &format!("proposal:{id}"), &[("wf_proposal", id.to_string())])?;
        tx.commit()?;
        Ok(id)
    }

    /// Proposal `id`.
    pub fn proposal(&self, id: i64) -> Result<StoredProposal, Error> {
        load(&self.db, id)
    }

    /// The proposals, newest first, of `list` when given.
    pub fn proposals(&self, list: Option<&str>) -> Result<Vec<StoredProposal>, Error> {
        let ids: Vec<i64> = self.db.rows(
            "SELECT id FROM wf_proposal WHERE CAST(?1 AS TEXT) IS NULL OR list_id = ?1 ORDER BY id DESC",
            &[&list],
            |r| r.get(0),
        )?;
        ids.into_iter().map(|id| load(&self.db, id)).collect()
    }

    /// Applies `action` to proposal `id`, in one transaction with its audit record; publishing
    /// writes the list's new version in the same transaction. A refused action changes nothing.
    pub fn act(&mut self, actor: &str, id: i64, action: Action) -> Result<StoredProposal, Error> {
        let publish = matches!(action, Action::Publish { .. });
        let mut itx = self.begin_import_as(actor)?;
        let mut stored = load(itx.conn(), id)?;
        let roles = roles_of(itx.conn(), &stored.proposal.list)?;
        action.check_horizon(&itx.horizon)?;
        stored.proposal.apply(action.clone(), &roles)?;
        if publish {
            let p = &stored.proposal;
            let (source, authority) = list_source(itx.conn(), &p.list)?;
            let info_json: String = itx.conn().scalar("SELECT info FROM source WHERE id = ?1", &[&source])?;
            let mut info: SourceInfo = json(&info_json, "source", &source, "info")?;
            let Action::Publish { on, .. } = &action else { unreachable!("a publication") };
            // A publication is the list's next edition: it cannot come before the one in force.
            let (_, effective) = current_version(itx.conn(), &source)?;
            publication::check_day(on, &source, &effective)?;
            // Only a decision adopts a proposal: an adopted one without it was altered.
            let decision = p
                .decision
                .as_ref()
                .ok_or_else(|| Error::corrupt("wf_proposal", id, "body", "an adopted proposal without a decision"))?;
            let (_, mut entities) = current_entities(itx.conn(), &source)?;
            let at = entities.iter().position(|e| e.id == p.entity_id);
            let current = at.map(|i| entities[i].clone());
            let changed = publication::apply(id, p, decision, &authority, current, stored.new_entity.as_ref())?;
            match at {
                Some(i) => entities[i] = changed,
                None => entities.push(changed),
            }
            info.published = Some(format!("{}T12:00:00Z", on.latest()));
            let content = serde_json::to_vec(&entities)?;
            let sha = hex::encode(Sha256::digest(&content));
            let mut staging = itx.stage(&source)?;
            let (mut names, mut designations) = (0, 0);
            for (line, e) in entities.iter().enumerate() {
                names += e.names.len();
                designations += e.designations.len();
                staging.put(e, line as u64 + 1)?;
            }
            let mut meta = VersionMeta::new(
                info,
                &sha,
                vec![FileMeta { name: format!("publication of proposal {id}"), bytes: content.len() as u64 }],
            );
            meta.names = names;
            meta.designations = designations;
            let outcome = staging.finish(meta)?;
            stored.published_version = Some(outcome.version_id);
            stored.published_number = Some(outcome.version_number);
        }
        let body = serde_json::to_string(&stored.proposal)?;
        itx.conn().execute(
            "UPDATE wf_proposal SET state = ?2, body = ?3, updated_at = ?4, published_version = ?5 WHERE id = ?1",
            &[&id, &stored.proposal.state.as_str(), &body, &now(), &stored.published_version],
        )?;
        let what = format!("proposal.{}", action.name().replace(' ', "_"));
        audit::append(itx.conn(), actor, &what, &format!("proposal:{id}"), &[("wf_proposal", id.to_string())])?;
        itx.commit()?;
        Ok(stored)
    }
}

/// The proposals about entity `eid`, oldest first, each with the source of its list.
pub(crate) fn proposals_about(conn: &Db, eid: &str) -> Result<Vec<(StoredProposal, String)>, Error> {
    let ids: Vec<i64> =
        conn.rows("SELECT id FROM wf_proposal WHERE entity_id = ?1 ORDER BY id", &[&eid], |r| r.get(0))?;
    ids.into_iter()
        .map(|id| {
            let stored = load(conn, id)?;
            let (source, _) = list_source(conn, &stored.proposal.list)?;
            Ok((stored, source))
        })
        .collect()
}
