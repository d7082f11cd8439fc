//! The designation workflow's storage: the roles bodies play per list, proposals and every
//! action on them, each action in one transaction with its audit record. Publishing an
//! adopted proposal writes a new version of the list's source, as an import of the list's next
//! edition would: history, diffs, as-of answers, the change feed and screening all see it.

use proscribe_model::workflow::{Action, BodyRole, Proposal, ProposalKind, Roles};
use proscribe_model::{DateValue, Designation, Entity, Measure, MeasureKind, SourceInfo};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::import::{FileMeta, VersionMeta};
use crate::query::HistoryEvent;
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
}

fn role_name(r: BodyRole) -> &'static str {
    match r {
        BodyRole::Proposer => "proposer",
        BodyRole::Consulted => "consulted",
        BodyRole::Decider => "decider",
        BodyRole::Publisher => "publisher",
    }
}

fn parse_role(s: &str) -> Option<BodyRole> {
    [BodyRole::Proposer, BodyRole::Consulted, BodyRole::Decider, BodyRole::Publisher]
        .into_iter()
        .find(|r| role_name(*r) == s)
}

/// The source that holds `list`, and the list's authority.
fn list_source(conn: &Connection, list: &str) -> Result<(String, String), Error> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT source_id, body FROM list WHERE id = ?1", [list], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (source, body) = row.ok_or_else(|| Error::NotFound(format!("no list {list:?}")))?;
    let info: proscribe_model::ListInfo = serde_json::from_str(&body)?;
    Ok((source, info.authority))
}

/// The newest version of `source`: its id and the instant it took effect.
fn current_version(conn: &Connection, source: &str) -> Result<(i64, String), Error> {
    Ok(conn.query_row(
        "SELECT id, effective FROM version WHERE source_id = ?1 ORDER BY effective DESC, id DESC LIMIT 1",
        [source],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The entities of the newest version of `source`, by line order.
fn current_entities(conn: &Connection, source: &str) -> Result<(i64, Vec<Entity>), Error> {
    let (version, _) = current_version(conn, source)?;
    let mut stmt = conn.prepare(
        "SELECT r.body FROM member m JOIN record r ON r.id = m.record WHERE m.version_id = ?1 ORDER BY m.line, m.entity_id",
    )?;
    let entities = stmt
        .query_map([version], |r| r.get::<_, String>(0))?
        .map(|b| Ok(serde_json::from_str(&b?)?))
        .collect::<Result<Vec<Entity>, Error>>()?;
    Ok((version, entities))
}

fn load(conn: &Connection, id: i64) -> Result<StoredProposal, Error> {
    let row: Option<(String, Option<String>, Option<i64>)> = conn
        .query_row("SELECT body, new_entity, published_version FROM wf_proposal WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (body, new_entity, published_version) = row.ok_or_else(|| Error::NotFound(format!("no proposal {id}")))?;
    Ok(StoredProposal {
        id,
        proposal: serde_json::from_str(&body)?,
        new_entity: new_entity.map(|e| serde_json::from_str(&e)).transpose()?,
        published_version,
    })
}

fn roles_of(conn: &Connection, list: &str) -> Result<Roles, Error> {
    let mut stmt = conn.prepare("SELECT body_id, role FROM wf_role WHERE list_id = ?1")?;
    let mut roles = Roles::default();
    for row in stmt.query_map([list], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (body, role) = row?;
        if let Some(r) = parse_role(&role) {
            roles.grant(&body, r);
        }
    }
    Ok(roles)
}

/// The entity with the adopted proposal applied to its designation on `list`.
fn applied(
    id: i64,
    p: &Proposal,
    list: &str,
    authority: &str,
    entity: Option<Entity>,
    new_entity: Option<&Entity>,
) -> Result<Entity, Error> {
    let decision = p.decision.as_ref().ok_or_else(|| Error::Invalid("the proposal has no decision".into()))?;
    let measure = |kind: MeasureKind| Measure {
        kind,
        authority: decision.body.clone(),
        date: DateValue::from(decision.decided_on),
        effective: (decision.effective_on != decision.decided_on).then(|| DateValue::from(decision.effective_on)),
        joint_with: Vec::new(),
        act: Some(decision.legal_act.clone()),
        note: Some(format!("On proposal {id} by {}: {}", p.proposers.join(" jointly with "), p.statement)),
        citations: Vec::new(),
        src: None,
    };
    let mut e = match (p.kind, entity, new_entity) {
        (ProposalKind::List, Some(e), _) => e,
        (ProposalKind::List, None, Some(n)) => n.clone(),
        (ProposalKind::Amend, Some(old), Some(n)) => Entity { designations: old.designations, ..n.clone() },
        (_, Some(e), _) => e,
        (_, None, _) => return Err(Error::Invalid(format!("entity {} is not in the list's source", p.entity_id))),
    };
    let at = e.designations.iter().position(|d| d.list == list);
    let d = match at {
        Some(i) => &mut e.designations[i],
        None => {
            if p.kind != ProposalKind::List {
                return Err(Error::Invalid(format!("entity {} has no designation on {list}", p.entity_id)));
            }
            e.designations.push(Designation::new(authority, list));
            e.designations.last_mut().expect("just pushed")
        }
    };
    match p.kind {
        ProposalKind::List => {
            d.listed_on = Some(DateValue::from(decision.effective_on));
            d.ended_on = None;
            d.legal_basis = Some(decision.legal_act.clone());
            d.measures.push(measure(MeasureKind::Listing));
        }
        ProposalKind::Delist => {
            d.ended_on = Some(DateValue::from(decision.effective_on));
            d.measures.push(measure(MeasureKind::Delisting));
        }
        ProposalKind::Suspend => d.measures.push(measure(MeasureKind::Suspension)),
        ProposalKind::LiftSuspension => d.measures.push(measure(MeasureKind::SuspensionLifted)),
        ProposalKind::Amend => d.measures.push(measure(MeasureKind::Amendment)),
    }
    Ok(e)
}

impl Store {
    /// Gives `body` `role` on `list` (which must be a stored list).
    pub fn grant_role(&self, actor: &str, list: &str, body: &str, role: BodyRole) -> Result<(), Error> {
        list_source(&self.conn, list)?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO wf_role (list_id, body_id, role) VALUES (?1, ?2, ?3)",
            params![list, body, role_name(role)],
        )?;
        let payload = serde_json::json!({ "list": list, "body": body, "role": role_name(role) });
        audit::append(&tx, actor, "role.grant", &format!("list:{list}"), payload.to_string().as_bytes())?;
        tx.commit()?;
        Ok(())
    }

    /// The roles of the bodies of `list`.
    pub fn roles(&self, list: &str) -> Result<Roles, Error> {
        roles_of(&self.conn, list)
    }

    /// Stores a new proposal. It must be about an entity of the list's source, or, to list a
    /// new one, describe it in full (`new_entity`).
    pub fn create_proposal(
        &mut self,
        actor: &str,
        proposal: Proposal,
        new_entity: Option<Entity>,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (source, _) = list_source(&tx, &proposal.list)?;
        let (_, entities) = current_entities(&tx, &source)?;
        let known = entities.iter().any(|e| e.id == proposal.entity_id);
        match (&proposal.kind, known, &new_entity) {
            (ProposalKind::List, false, None) => {
                return Err(Error::Invalid(format!(
                    "entity {} is not in {source}: a listing proposal describes a new entity in full",
                    proposal.entity_id
                )))
            }
            (ProposalKind::List, _, Some(n)) if n.id != proposal.entity_id => {
                return Err(Error::Invalid("the entity described is not the one the proposal names".into()))
            }
            (ProposalKind::Amend, true, None) => {
                return Err(Error::Invalid("an amendment describes the entity as it should read".into()))
            }
            (kind, false, _) if *kind != ProposalKind::List => {
                return Err(Error::NotFound(format!("entity {} is not in {source}", proposal.entity_id)))
            }
            _ => {}
        }
        let body = serde_json::to_string(&proposal)?;
        tx.execute(
            "INSERT INTO wf_proposal (list_id, entity_id, state, body, new_entity, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                proposal.list,
                proposal.entity_id,
                proposal.state.as_str(),
                body,
                new_entity.as_ref().map(serde_json::to_string).transpose()?,
                now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(&tx, actor, "proposal.create", &format!("proposal:{id}"), body.as_bytes())?;
        tx.commit()?;
        Ok(id)
    }

    /// Proposal `id`.
    pub fn proposal(&self, id: i64) -> Result<StoredProposal, Error> {
        load(&self.conn, id)
    }

    /// The proposals, newest first, of `list` when given.
    pub fn proposals(&self, list: Option<&str>) -> Result<Vec<StoredProposal>, Error> {
        let mut stmt =
            self.conn.prepare("SELECT id FROM wf_proposal WHERE ?1 IS NULL OR list_id = ?1 ORDER BY id DESC")?;
        let ids = stmt.query_map([list], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
        ids.into_iter().map(|id| load(&self.conn, id)).collect()
    }

    /// Applies `action` to proposal `id`, in one transaction with its audit record; publishing
    /// writes the list's new version in the same transaction. A refused action changes nothing.
    pub fn act(&mut self, actor: &str, id: i64, action: Action) -> Result<StoredProposal, Error> {
        let publish = matches!(action, Action::Publish { .. });
        let mut itx = self.begin_import_as(actor)?;
        let mut stored = load(itx.conn(), id)?;
        let roles = roles_of(itx.conn(), &stored.proposal.list)?;
        stored.proposal.apply(action.clone(), &roles).map_err(|r| Error::Invalid(r.to_string()))?;
        if publish {
            let p = &stored.proposal;
            let (source, authority) = list_source(itx.conn(), &p.list)?;
            let info_json: String =
                itx.conn().query_row("SELECT info FROM source WHERE id = ?1", [&source], |r| r.get(0))?;
            let mut info: SourceInfo = serde_json::from_str(&info_json)?;
            let Action::Publish { on, .. } = &action else { unreachable!("a publication") };
            // A publication is the list's next edition: it cannot come before the one in force.
            let (_, effective) = current_version(itx.conn(), &source)?;
            let day = on.latest().to_string();
            if day.as_str() < effective.get(..10).unwrap_or(&effective) {
                return Err(Error::Invalid(format!(
                    "cannot publish on {on}: the current version of {source} took effect on {}, and a publication is the list's next version",
                    effective.get(..10).unwrap_or(&effective)
                )));
            }
            let (_, mut entities) = current_entities(itx.conn(), &source)?;
            let at = entities.iter().position(|e| e.id == p.entity_id);
            let changed =
                applied(id, p, &p.list, &authority, at.map(|i| entities[i].clone()), stored.new_entity.as_ref())?;
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
        }
        let body = serde_json::to_string(&stored.proposal)?;
        itx.conn().execute(
            "UPDATE wf_proposal SET state = ?2, body = ?3, updated_at = ?4, published_version = ?5 WHERE id = ?1",
            params![id, stored.proposal.state.as_str(), body, now(), stored.published_version],
        )?;
        let what = format!("proposal.{}", action.name().replace(' ', "_"));
        audit::append(itx.conn(), actor, &what, &format!("proposal:{id}"), serde_json::to_string(&action)?.as_bytes())?;
        itx.commit()?;
        Ok(stored)
    }
}

/// The timeline events of the proposals about entity `eid`: each action, dated as the acting
/// body dated it.
pub(crate) fn proposal_events(conn: &Connection, eid: &str) -> Result<Vec<HistoryEvent>, Error> {
    let mut stmt = conn.prepare_cached("SELECT id FROM wf_proposal WHERE entity_id = ?1 ORDER BY id")?;
    let ids = stmt.query_map([eid], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut events = Vec::new();
    for id in ids {
        let stored = load(conn, id)?;
        let p = &stored.proposal;
        let (source, _) = list_source(conn, &p.list)?;
        for action in &p.actions {
            let (kind, summary) = match action {
                Action::Submit { .. } => (
                    "proposal",
                    format!(
                        "proposal {id} to {} on {} by {}: {}",
                        p.kind.verb(),
                        p.list,
                        p.proposers.join(" jointly with "),
                        p.statement
                    ),
                ),
                Action::Open { by, .. } => ("deliberation", format!("proposal {id}: {by} opens deliberation")),
                Action::Opine(o) => ("opinion", format!("proposal {id}: {} {}: {}", o.body, o.kind.verb(), o.text)),
                Action::Decide(d) => {
                    let outcome = if d.adopted { "adopted" } else { "rejected" };
                    let effective = if d.adopted && d.effective_on != d.decided_on {
                        format!(", effective {}", d.effective_on)
                    } else {
                        String::new()
                    };
                    ("decision", format!("proposal {id} {outcome} by {} ({}){effective}", d.body, d.legal_act))
                }
                Action::Publish { by, .. } => {
                    let version =
                        stored.published_version.map(|v| format!(" as {source} version {v}")).unwrap_or_default();
                    ("publication", format!("proposal {id} published by {by}{version}"))
                }
                Action::Withdraw { by, .. } => ("withdrawal", format!("proposal {id} withdrawn by {by}")),
                Action::Attach(d) => {
                    ("document", format!("proposal {id}: {} attaches {} ({})", d.body, d.title, d.reference))
                }
            };
            events.push(HistoryEvent {
                date: action.on().to_string(),
                entity_id: eid.to_string(),
                source_id: source.clone(),
                kind: kind.to_string(),
                authority: Some(action.body().to_string()),
                list: Some(p.list.clone()),
                version_id: matches!(action, Action::Publish { .. }).then_some(stored.published_version).flatten(),
                summary,
                diff: None,
            });
        }
    }
    Ok(events)
}
