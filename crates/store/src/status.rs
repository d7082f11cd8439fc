//! Status as of a day: for each source, the version in force on the day decides whether the
//! entity is on the list, and the record's own dates and measures decide the designation's
//! status on the day. Before the earliest stored version, that version's listing dates are the
//! basis. Every answer says what it rests on.

use std::collections::{BTreeMap, BTreeSet};

use proscribe_model::timeline::{self, EventKind};
use proscribe_model::workflow::BodyRole;
use proscribe_model::{Certainty, Entity, Measure, PartialDate, Status};
use serde::{Deserialize, Serialize};

use crate::rows::{load_record, text};
use crate::{Error, HistoryEvent, Store};

/// The status of one designation on a day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DesignationStatus {
    /// The entity.
    pub entity_id: String,
    /// Its name.
    pub caption: String,
    /// The source the status is known from.
    pub source_id: String,
    /// The list.
    pub list: String,
    /// The authority keeping the list.
    pub authority: String,
    /// The list's reference.
    pub reference: Option<String>,
    /// Programs.
    pub programs: Vec<String>,
    /// The day the entry was listed, as the list states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<String>,
    /// The status.
    pub status: Status,
    /// How certain, given uncertain dates.
    pub certainty: Certainty,
    /// What the status rests on: the version in force on the day, or the listing dates of the
    /// earliest stored version when the day is before it.
    pub basis: String,
    /// The version the record is from.
    pub version_id: i64,
}

/// Status as of a day: designations, and acts outside lists that had happened by then.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusReport {
    /// The day.
    pub as_of: String,
    /// Designations with their status.
    pub designations: Vec<DesignationStatus>,
    /// Acts (recognition, accreditation, statements) that had happened by the day.
    pub acts: Vec<(String, Measure)>,
}

/// What an authority keeps and did by a day: for an authority that keeps no list of its own
/// (a court that decides on another body's list), which status by list cannot show.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorityReport {
    /// The authority.
    pub authority: String,
    /// Its name, when a list file describes it.
    pub name: Option<String>,
    /// The lists it keeps.
    pub keeps: Vec<String>,
    /// The lists it has a part in through the designation workflow, with its roles there.
    pub roles: BTreeMap<String, BTreeSet<BodyRole>>,
    /// Dated by the day, oldest first: its measures on the records in force that day, its
    /// acts outside lists, and its steps in proposals.
    pub events: Vec<HistoryEvent>,
}

impl Store {
    /// The status on `day` of every designation of an entity and of the same entity in other
    /// sources.
    pub fn status_on(&self, id: &str, day: &PartialDate) -> Result<StatusReport, Error> {
        self.status_of(&self.cluster(id)?, day)
    }

    /// The status on `day` of every designation of the entities `ids` (one real-world
    /// entity's entries, as a cluster gives them).
    pub fn status_of(&self, ids: &BTreeSet<String>, day: &PartialDate) -> Result<StatusReport, Error> {
        let mut report = StatusReport { as_of: day.to_string(), designations: vec![], acts: vec![] };
        for eid in ids {
            for source_id in self.sources_of(eid)? {
                self.entity_status_in_source(eid, &source_id, day, &mut report)?;
            }
        }
        Ok(report)
    }

    fn entity_status_in_source(
        &self,
        eid: &str,
        source_id: &str,
        day: &PartialDate,
        report: &mut StatusReport,
    ) -> Result<(), Error> {
        let member = |vid: i64| -> Result<Option<Entity>, Error> {
            let hash: Option<i64> = self.db.first(
                "SELECT record FROM member WHERE version_id = ?1 AND entity_id = ?2",
                &[&vid, &eid],
                |r| r.get(0),
            )?;
            hash.map(|h| load_record(&self.db, h)).transpose()
        };
        let (version, basis, before_first) = match self.version_on(source_id, day)? {
            Some(v) => {
                let basis =
                    format!("{source_id} version {} of {}", v.number, v.published.as_deref().unwrap_or(&v.effective));
                (v, basis, false)
            }
            None => {
                // The day is before every stored version: the earliest one's dates must do.
                let Some(first) = self.versions(source_id)?.into_iter().next() else { return Ok(()) };
                let basis = format!(
                    "dates in {source_id} version {} of {} (the earliest stored)",
                    first.number,
                    first.published.as_deref().unwrap_or(&first.effective)
                );
                (first, basis, true)
            }
        };
        match member(version.id)? {
            Some(e) => push_entity_status(&e, source_id, version.id, &basis, day, before_first, report),
            None => {
                // Not in the version in force: if it was listed before, it has been removed.
                if let Some(view) = self.entity(eid)? {
                    for d in &view.entity.designations {
                        report.designations.push(DesignationStatus {
                            entity_id: eid.to_string(),
                            caption: view.entity.caption().to_string(),
                            source_id: source_id.to_string(),
                            list: d.list.clone(),
                            authority: d.authority.clone(),
                            reference: d.reference.clone(),
                            programs: d.programs.clone(),
                            listed_on: d.listed_on.as_ref().map(|v| v.to_string()),
                            status: if view.version.effective < version.effective {
                                Status::Delisted
                            } else {
                                Status::NotListed
                            },
                            certainty: Certainty::Certain,
                            basis: format!("absent from {basis}"),
                            version_id: version.id,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The status on `day` of every entry on a list (`list_id`) or of every entry kept by an
    /// authority (`authority_id`), from the version of each source in force that day.
    /// Entries not yet listed on that day are left out.
    pub fn designations_on(
        &self,
        list_id: Option<&str>,
        authority_id: Option<&str>,
        day: &PartialDate,
    ) -> Result<Vec<DesignationStatus>, Error> {
        let mut out = Vec::new();
        for source in self.sources()? {
            let Some(version) = self.version_on(&source.id, day)? else { continue };
            let basis = format!(
                "{} version {} of {}",
                source.id,
                version.number,
                version.published.as_deref().unwrap_or(&version.effective)
            );
            let mut report = StatusReport { as_of: day.to_string(), designations: vec![], acts: vec![] };
            self.for_each_member(version.id, |e| {
                let relevant = e
                    .designations
                    .iter()
                    .any(|d| list_id.is_none_or(|l| d.list == l) && authority_id.is_none_or(|a| d.authority == a));
                if relevant {
                    push_entity_status(&e, &source.id, version.id, &basis, day, false, &mut report);
                }
                Ok(())
            })?;
            out.extend(report.designations.into_iter().filter(|d| {
                list_id.is_none_or(|l| d.list == l)
                    && authority_id.is_none_or(|a| d.authority == a)
                    && d.status != Status::NotListed
            }));
        }
        // Nothing found may be a mistyped id: an id the store does not know is an error.
        if out.is_empty() {
            if let Some(list) = list_id {
                let lists = self.lists()?;
                if !lists.contains_key(list) {
                    return Err(Error::NotFound(format!("no list {list:?}; {}", known("lists", lists.into_keys()))));
                }
            }
            if let Some(authority) = authority_id {
                self.check_authority(authority)?;
            }
        }
        Ok(out)
    }

    /// Whether the store knows `authority`: [`Error::NotFound`] naming those it knows if not.
    fn check_authority(&self, authority: &str) -> Result<(), Error> {
        let all = self.known_authorities()?;
        if all.contains(authority) {
            return Ok(());
        }
        Err(Error::NotFound(format!("no authority {authority:?}; {}", known("authorities", all.into_iter()))))
    }

    /// Every authority the store knows: those the list files describe, those keeping a list,
    /// and the bodies given a role in the workflow.
    fn known_authorities(&self) -> Result<BTreeSet<String>, Error> {
        let mut known: BTreeSet<String> = self.authorities()?.into_keys().collect();
        known.extend(self.lists()?.into_values().map(|(_, info)| info.authority));
        known.extend(self.db.rows("SELECT DISTINCT body_id FROM wf_role", &[], |r| r.get::<String>(0))?);
        Ok(known)
    }

    /// What authority `authority_id` keeps and did by `day`: the lists it keeps, its roles in
    /// each list's workflow, and its measures, acts and workflow steps dated by the day (from
    /// each source's version in force that day). An authority the store does not know is
    /// [`Error::NotFound`], naming those it knows.
    pub fn authority_on(&self, authority_id: &str, day: &PartialDate) -> Result<AuthorityReport, Error> {
        self.check_authority(authority_id)?;
        let lists = self.lists()?;
        let mut keeps: Vec<String> =
            lists.iter().filter(|(_, (_, info))| info.authority == authority_id).map(|(id, _)| id.clone()).collect();
        keeps.sort();
        let mut roles: BTreeMap<String, BTreeSet<BodyRole>> = BTreeMap::new();
        let rows: Vec<(String, String)> =
            self.db.rows("SELECT list_id, role FROM wf_role WHERE body_id = ?1", &[&authority_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        for (list, role) in rows {
            let role = text(&role, "wf_role", format!("{list}/{authority_id}"), "role")?;
            roles.entry(list).or_default().insert(role);
        }
        let mut events = Vec::new();
        for source in self.sources()? {
            let Some(version) = self.version_on(&source.id, day)? else { continue };
            self.for_each_member(version.id, |e| {
                let measures = e.designations.iter().flat_map(|d| d.measures.iter().map(move |m| (m, Some(&d.list))));
                for (m, list) in measures.chain(e.acts.iter().map(|m| (m, None))) {
                    if m.authority == authority_id && m.date.happened_by(day).is_some() {
                        events.push(HistoryEvent {
                            date: m.date.to_string(),
                            entity_id: e.id.clone(),
                            source_id: source.id.clone(),
                            kind: m.kind.into(),
                            authority: Some(m.authority.clone()),
                            list: list.cloned(),
                            version_id: Some(version.id),
                            version_number: Some(version.number),
                            summary: format!(
                                "{}: {}",
                                e.caption(),
                                timeline::measure_summary(m, list.map(String::as_str))
                            ),
                            diff: None,
                        });
                    }
                }
                Ok(())
            })?;
        }
        for stored in self.proposals(None)? {
            let p = &stored.proposal;
            let source = lists.get(&p.list).map(|(source, _)| source.as_str()).unwrap_or_default();
            for action in p.actions.iter().filter(|a| a.body() == authority_id && a.on().latest() <= day.latest()) {
                let publication = stored.published_number.map(|v| (source, v));
                let (kind, summary) = timeline::step(stored.id, p, action, publication);
                let published = matches!(kind, EventKind::Publication);
                let version_id = published.then_some(stored.published_version).flatten();
                let version_number = published.then_some(stored.published_number).flatten();
                events.push(HistoryEvent {
                    date: action.on().to_string(),
                    entity_id: p.entity_id.clone(),
                    source_id: source.to_string(),
                    kind,
                    authority: Some(authority_id.to_string()),
                    list: Some(p.list.clone()),
                    version_id,
                    version_number,
                    summary,
                    diff: None,
                });
            }
        }
        events.sort_by(crate::history::in_order);
        let name = self.authorities()?.remove(authority_id).map(|a| a.name);
        Ok(AuthorityReport { authority: authority_id.to_string(), name, keeps, roles, events })
    }
}

/// The ids of the `what` the store knows, sorted, for a message.
fn known(what: &str, ids: impl Iterator<Item = String>) -> String {
    let mut ids: Vec<String> = ids.collect();
    if ids.is_empty() {
        return format!("no {what} are stored");
    }
    ids.sort();
    format!("the {what} are: {}", ids.join(", "))
}

/// Adds the status on `day` of an entity's designations to `report`. `before_first` says the
/// day is before the earliest stored version: an entry whose record gives no listing date
/// may then not have been listed yet, so its status is only possible.
fn push_entity_status(
    e: &Entity,
    source_id: &str,
    version_id: i64,
    basis: &str,
    day: &PartialDate,
    before_first: bool,
    report: &mut StatusReport,
) {
    for d in &e.designations {
        let mut s = d.status_on(day);
        if before_first && d.listed_on.is_none() && d.measures.is_empty() {
            s.certainty = Certainty::Possible;
        }
        report.designations.push(DesignationStatus {
            entity_id: e.id.clone(),
            caption: e.caption().to_string(),
            source_id: source_id.to_string(),
            list: d.list.clone(),
            authority: d.authority.clone(),
            reference: d.reference.clone(),
            programs: d.programs.clone(),
            listed_on: d.listed_on.as_ref().map(|v| v.to_string()),
            status: s.status,
            certainty: s.certainty,
            basis: basis.to_string(),
            version_id,
        });
    }
    for a in &e.acts {
        if a.effective_date().happened_by(day).is_some() {
            report.acts.push((e.id.clone(), a.clone()));
        }
    }
}
