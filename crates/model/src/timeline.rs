//! The timeline of an entity in words: the kinds of its events and the English sentence each
//! event is told with. A version adds, amends or removes the entity ([`version_change`]); its
//! record states dated measures and listing dates ([`record_entries`]); the proposals about it
//! go through their steps ([`step`]). The store finds the events; this module names them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diff::{self, EntityDiff};
use crate::workflow::{Action, Proposal};
use crate::{Entity, Measure, MeasureKind};

/// What an event of the timeline is. Serialized in snake case (`suspension_lifted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A version has the entity and the one before did not.
    Added,
    /// A version has the entity with other content than the one before.
    Amended,
    /// A version no longer has the entity.
    Removed,
    /// A record's listing date, where no listing measure tells it.
    Listed,
    /// A record's end date, where no delisting measure tells it.
    Ended,
    /// A listing measure.
    Listing,
    /// A proposal: a measure of that kind, or a proposal of the workflow submitted.
    Proposal,
    /// A suspension measure.
    Suspension,
    /// A suspension lifted.
    SuspensionLifted,
    /// An amendment measure.
    Amendment,
    /// A delisting measure.
    Delisting,
    /// A recognition, outside any list.
    Recognition,
    /// An accreditation, outside any list.
    Accreditation,
    /// A statement, outside any list.
    Statement,
    /// Deliberation on a proposal opened.
    Deliberation,
    /// An opinion given on a proposal.
    Opinion,
    /// A document attached to a proposal.
    Document,
    /// A proposal decided.
    Decision,
    /// An adopted proposal published.
    Publication,
    /// A proposal withdrawn.
    Withdrawal,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 20] = [
        EventKind::Added,
        EventKind::Amended,
        EventKind::Removed,
        EventKind::Listed,
        EventKind::Ended,
        EventKind::Listing,
        EventKind::Proposal,
        EventKind::Suspension,
        EventKind::SuspensionLifted,
        EventKind::Amendment,
        EventKind::Delisting,
        EventKind::Recognition,
        EventKind::Accreditation,
        EventKind::Statement,
        EventKind::Deliberation,
        EventKind::Opinion,
        EventKind::Document,
        EventKind::Decision,
        EventKind::Publication,
        EventKind::Withdrawal,
    ];

    /// The kind's name, as serialized.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Added => "added",
            EventKind::Amended => "amended",
            EventKind::Removed => "removed",
            EventKind::Listed => "listed",
            EventKind::Ended => "ended",
            EventKind::Listing => "listing",
            EventKind::Proposal => "proposal",
            EventKind::Suspension => "suspension",
            EventKind::SuspensionLifted => "suspension_lifted",
            EventKind::Amendment => "amendment",
            EventKind::Delisting => "delisting",
            EventKind::Recognition => "recognition",
            EventKind::Accreditation => "accreditation",
            EventKind::Statement => "statement",
            EventKind::Deliberation => "deliberation",
            EventKind::Opinion => "opinion",
            EventKind::Document => "document",
            EventKind::Decision => "decision",
            EventKind::Publication => "publication",
            EventKind::Withdrawal => "withdrawal",
        }
    }

    /// Whether the event is a step of a proposal. A measure of kind proposal is told as one
    /// too: both say that a change was asked for.
    pub fn is_workflow_step(&self) -> bool {
        matches!(
            self,
            EventKind::Proposal
                | EventKind::Deliberation
                | EventKind::Opinion
                | EventKind::Document
                | EventKind::Decision
                | EventKind::Publication
                | EventKind::Withdrawal
        )
    }

    /// Where the event goes among the events of one day: the steps of a proposal before the
    /// measure its publication wrote, and that before the version that carries it.
    pub fn rank_in_day(&self) -> u8 {
        match self {
            _ if self.is_workflow_step() => 0,
            EventKind::Added | EventKind::Amended | EventKind::Removed => 2,
            _ => 1,
        }
    }
}

impl From<MeasureKind> for EventKind {
    fn from(k: MeasureKind) -> EventKind {
        match k {
            MeasureKind::Listing => EventKind::Listing,
            MeasureKind::Proposal => EventKind::Proposal,
            MeasureKind::Suspension => EventKind::Suspension,
            MeasureKind::SuspensionLifted => EventKind::SuspensionLifted,
            MeasureKind::Amendment => EventKind::Amendment,
            MeasureKind::Delisting => EventKind::Delisting,
            MeasureKind::Recognition => EventKind::Recognition,
            MeasureKind::Accreditation => EventKind::Accreditation,
            MeasureKind::Statement => EventKind::Statement,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// An event a record states: a measure, an act, or a listing or end date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When, as the record dates it.
    pub date: String,
    /// What.
    pub kind: EventKind,
    /// The acting authority.
    pub authority: Option<String>,
    /// The list, for designations.
    pub list: Option<String>,
    /// The sentence that tells it.
    pub summary: String,
}

/// What version number `version_number` of `source_id` did to an entity, given its record in
/// the version before (`before`) and in this one (`now`): added (`listed again` when an earlier
/// version had it, `seen_before`), removed, amended (with the field changes), or nothing.
pub fn version_change(
    source_id: &str,
    version_number: i64,
    before: Option<&Entity>,
    now: Option<&Entity>,
    seen_before: bool,
) -> Option<(EventKind, String, Option<EntityDiff>)> {
    match (before, now) {
        (None, Some(r)) => {
            let what = if seen_before { "listed again" } else { "first seen" };
            Some((EventKind::Added, format!("{what} in {source_id} version {version_number}: {}", r.caption()), None))
        }
        (Some(p), None) => Some((
            EventKind::Removed,
            format!("no longer in {source_id} version {version_number}: {}", p.caption()),
            None,
        )),
        (Some(p), Some(r)) => {
            let d = diff::diff(p, r);
            if d.is_empty() {
                return None;
            }
            let fields: Vec<&str> = d.fields.iter().map(|f| f.field.as_str()).collect();
            let summary = format!("amended in {source_id} version {version_number}: {}", fields.join(", "));
            Some((EventKind::Amended, summary, Some(d)))
        }
        (None, None) => None,
    }
}

/// The events a record states: each designation's listing and end dates (unless a measure
/// tells them), its measures, and the entity's acts outside any list.
pub fn record_entries(e: &Entity) -> Vec<Entry> {
    let mut out = Vec::new();
    for d in &e.designations {
        let reference = d.reference.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        let has = |k: MeasureKind| d.measures.iter().any(|m| m.kind == k);
        let mut push = |date: String, kind: EventKind, authority: &str, summary: String| {
            out.push(Entry { date, kind, authority: Some(authority.to_string()), list: Some(d.list.clone()), summary })
        };
        if !has(MeasureKind::Listing) {
            if let Some(l) = &d.listed_on {
                let summary = format!("listed on {}{reference} by {}", d.list, d.authority);
                push(l.to_string(), EventKind::Listed, &d.authority, summary);
            }
        }
        if !has(MeasureKind::Delisting) {
            if let Some(l) = &d.ended_on {
                push(l.to_string(), EventKind::Ended, &d.authority, format!("entry on {}{reference} ended", d.list));
            }
        }
        for m in &d.measures {
            push(m.date.to_string(), m.kind.into(), &m.authority, measure_summary(m, Some(&d.list)));
        }
    }
    for m in &e.acts {
        out.push(Entry {
            date: m.date.to_string(),
            kind: m.kind.into(),
            authority: Some(m.authority.clone()),
            list: None,
            summary: measure_summary(m, None),
        });
    }
    out
}

/// The sentence of a measure: `suspension by ru-supreme-court on ru-list, effective 2025-05-01:
/// note`.
pub fn measure_summary(m: &Measure, list: Option<&str>) -> String {
    let mut s = format!("{} by {}", m.kind.as_str().replace('_', " "), m.authority);
    if !m.joint_with.is_empty() {
        s.push_str(&format!(" jointly with {}", m.joint_with.join(", ")));
    }
    if let Some(l) = list {
        s.push_str(&format!(" on {l}"));
    }
    if let Some(eff) = &m.effective {
        s.push_str(&format!(", effective {eff}"));
    }
    if let Some(n) = &m.note {
        s.push_str(&format!(": {n}"));
    }
    s
}

/// The kind and sentence of one step of proposal `id` (`p`): `published` is the source and
/// version its publication wrote, once published.
pub fn step(id: i64, p: &Proposal, action: &Action, published: Option<(&str, i64)>) -> (EventKind, String) {
    match action {
        Action::Submit { .. } => (
            EventKind::Proposal,
            format!(
                "proposal {id} to {} on {} by {}: {}",
                p.kind.verb(),
                p.list,
                p.proposers.join(" jointly with "),
                p.statement
            ),
        ),
        Action::Open { by, .. } => (EventKind::Deliberation, format!("proposal {id}: {by} opens deliberation")),
        Action::Opine(o) => (EventKind::Opinion, format!("proposal {id}: {} {}: {}", o.body, o.kind.verb(), o.text)),
        Action::Decide(d) => {
            let outcome = if d.adopted { "adopted" } else { "rejected" };
            let effective = if d.adopted && d.effective_on != d.decided_on {
                format!(", effective {}", d.effective_on)
            } else {
                String::new()
            };
            (EventKind::Decision, format!("proposal {id} {outcome} by {} ({}){effective}", d.body, d.legal_act))
        }
        Action::Publish { by, .. } => {
            let version = published.map(|(s, v)| format!(" as {s} version {v}")).unwrap_or_default();
            (EventKind::Publication, format!("proposal {id} published by {by}{version}"))
        }
        Action::Withdraw { by, .. } => (EventKind::Withdrawal, format!("proposal {id} withdrawn by {by}")),
        Action::Attach(d) => {
            (EventKind::Document, format!("proposal {id}: {} attaches {} ({})", d.body, d.title, d.reference))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{BodyRole, Decision, ProposalKind, Roles};
    use crate::{Designation, Name, NameKind, PartialDate, Schema};

    fn org(name: &str) -> Entity {
        let mut e = Entity::new("velkorra-front", Schema::Organization);
        e.add_name(Name::new(name, NameKind::Primary));
        e
    }

    fn day(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn kinds_are_named_as_serialized() {
        for k in EventKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert_eq!(serde_json::from_value::<EventKind>(k.as_str().into()).unwrap(), k);
        }
        assert_eq!(EventKind::from(MeasureKind::SuspensionLifted).as_str(), "suspension_lifted");
        assert_eq!(format!("{:<10}|", EventKind::Added), "added     |");
        let ranks: Vec<u8> =
            [EventKind::Decision, EventKind::Listing, EventKind::Added].iter().map(EventKind::rank_in_day).collect();
        assert_eq!(ranks, [0, 1, 2]);
    }

    #[test]
    fn versions_add_amend_and_remove() {
        let (a, b) = (org("Velkorra Front"), org("Velkorra Liberation Front"));
        let said = |before, now, seen| {
            version_change("ex", 7, before, now, seen).map(|(k, s, d)| (k, s, d.map(|d| d.fields.len())))
        };
        assert_eq!(
            said(None, Some(&a), false),
            Some((EventKind::Added, "first seen in ex version 7: Velkorra Front".into(), None))
        );
        assert_eq!(said(None, Some(&a), true).unwrap().1, "listed again in ex version 7: Velkorra Front");
        assert_eq!(
            said(Some(&a), Some(&b), true),
            Some((EventKind::Amended, "amended in ex version 7: names".into(), Some(1)))
        );
        assert_eq!(said(Some(&a), Some(&a), true), None);
        assert_eq!(said(Some(&a), None, true).unwrap().1, "no longer in ex version 7: Velkorra Front");
    }

    #[test]
    fn records_tell_their_dates_and_measures() {
        let mut e = org("Velkorra Front");
        let mut d = Designation::new("ru-minjust", "ru-list");
        d.reference = Some("12".into());
        d.listed_on = Some("2003-02-14".parse().unwrap());
        d.measures.push(Measure {
            kind: MeasureKind::Suspension,
            authority: "ru-supreme-court".into(),
            date: "2025-04-17".parse().unwrap(),
            effective: Some("2025-05-01".parse().unwrap()),
            joint_with: vec![],
            act: None,
            note: Some("ban suspended".into()),
            citations: vec![],
            src: None,
        });
        e.designations.push(d);
        let got: Vec<(String, EventKind, String)> =
            record_entries(&e).into_iter().map(|x| (x.date, x.kind, x.summary)).collect();
        assert_eq!(
            got,
            [
                ("2003-02-14".into(), EventKind::Listed, "listed on ru-list (12) by ru-minjust".into()),
                (
                    "2025-04-17".into(),
                    EventKind::Suspension,
                    "suspension by ru-supreme-court on ru-list, effective 2025-05-01: ban suspended".into()
                ),
            ]
        );
    }

    #[test]
    fn steps_are_told() {
        let mut roles = Roles::default();
        roles.grant("ru-mfa", BodyRole::Proposer);
        let p = Proposal::draft(ProposalKind::Delist, "ru-list", "taliban", &["ru-mfa"], "Relations.", &roles).unwrap();
        let submit = Action::Submit { by: "ru-mfa".into(), on: day("2025-01-01") };
        assert_eq!(
            step(3, &p, &submit, None),
            (EventKind::Proposal, "proposal 3 to delist on ru-list by ru-mfa: Relations.".into())
        );
        let decide = Action::Decide(Decision {
            body: "ru-supreme-court".into(),
            adopted: true,
            legal_act: "AKPI25-1".into(),
            decided_on: day("2025-04-17"),
            effective_on: day("2025-05-01"),
        });
        assert_eq!(
            step(3, &p, &decide, None).1,
            "proposal 3 adopted by ru-supreme-court (AKPI25-1), effective 2025-05-01"
        );
        let publish = Action::Publish { by: "ru-minjust".into(), on: day("2025-05-02") };
        assert_eq!(
            step(3, &p, &publish, Some(("ex", 9))),
            (EventKind::Publication, "proposal 3 published by ru-minjust as ex version 9".into())
        );
    }
}
