//! What publishing an adopted proposal does to the entity's record: the entity is listed,
//! delisted, suspended, restored or amended on the proposal's list, and the decision is kept
//! as a dated [`Measure`] of the designation. The store writes the result as the list's next
//! version; nothing here reads or writes anything.

use crate::workflow::{Decision, Proposal, ProposalKind, Refusal};
use crate::{DateValue, Designation, Entity, Measure, MeasureKind, PartialDate};

/// The measure that records `decision` on proposal `id` (`p`).
pub fn measure(id: i64, p: &Proposal, decision: &Decision, kind: MeasureKind) -> Measure {
    Measure {
        kind,
        authority: decision.body.clone(),
        date: DateValue::from(decision.decided_on),
        effective: (decision.effective_on != decision.decided_on).then(|| DateValue::from(decision.effective_on)),
        joint_with: Vec::new(),
        act: Some(decision.legal_act.clone()),
        note: Some(format!("On proposal {id} by {}: {}", p.proposers.join(" jointly with "), p.statement)),
        citations: Vec::new(),
        src: None,
    }
}

/// The entity's record once adopted proposal `id` (`p`, decided by `decision`) is applied to
/// its designation on `p.list`, kept by `authority`. `current` is the entity as the list's
/// version in force has it (none: not on it); `described` is the entity a listing or an
/// amendment describes.
pub fn apply(
    id: i64,
    p: &Proposal,
    decision: &Decision,
    authority: &str,
    current: Option<Entity>,
    described: Option<&Entity>,
) -> Result<Entity, Refusal> {
    let mut e = match (p.kind, current, described) {
        (ProposalKind::List, Some(e), _) => e,
        (ProposalKind::List, None, Some(n)) => n.clone(),
        (ProposalKind::Amend, Some(old), Some(n)) => Entity { designations: old.designations, ..n.clone() },
        (_, Some(e), _) => e,
        (_, None, _) => return Err(Refusal::NotInSource(p.entity_id.clone())),
    };
    let list = &p.list;
    let at = e.designations.iter().position(|d| &d.list == list);
    let d = match at {
        Some(i) => &mut e.designations[i],
        None => {
            if p.kind != ProposalKind::List {
                return Err(Refusal::NotOnList { entity: p.entity_id.clone(), list: list.clone() });
            }
            e.designations.push(Designation::new(authority, list));
            e.designations.last_mut().expect("just pushed")
        }
    };
    let measure = |kind| measure(id, p, decision, kind);
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

/// Refuses a publication dated `on` that would come before the version of `source` in force,
/// which took effect at `effective` (RFC 3339): a publication is the list's next version.
pub fn check_day(on: &PartialDate, source: &str, effective: &str) -> Result<(), Refusal> {
    let effective_day = effective.get(..10).unwrap_or(effective);
    if on.latest().to_string().as_str() < effective_day {
        return Err(Refusal::PublicationBeforeVersion {
            on: on.to_string(),
            source_id: source.to_string(),
            effective: effective_day.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{BodyRole, RefusalKind, Roles};
    use crate::{Name, NameKind, Schema, Status};

    const LIST: &str = "ru-terrorist-organisations";

    fn day(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn proposal(kind: ProposalKind) -> Proposal {
        let mut roles = Roles::default();
        roles.grant("ru-mfa", BodyRole::Proposer);
        Proposal::draft(kind, LIST, "velkorra-front", &["ru-mfa"], "Attacks claimed in 2030.", &roles).unwrap()
    }

    fn decision(decided: &str, effective: &str) -> Decision {
        Decision {
            body: "ru-supreme-court".into(),
            adopted: true,
            legal_act: "AKPI31-2".into(),
            decided_on: day(decided),
            effective_on: day(effective),
        }
    }

    fn org() -> Entity {
        let mut e = Entity::new("velkorra-front", Schema::Organization);
        e.add_name(Name::new("Velkorra Front", NameKind::Primary));
        e
    }

    /// The organisation listed on 2030-01-01 by proposal 1.
    fn listed() -> Entity {
        let p = proposal(ProposalKind::List);
        apply(1, &p, &decision("2030-01-01", "2030-01-01"), "ru-minjust", None, Some(&org())).unwrap()
    }

    #[test]
    fn a_listing_adds_a_designation_with_its_measure() {
        let p = proposal(ProposalKind::List);
        let e = apply(4, &p, &decision("2031-02-01", "2031-03-01"), "ru-minjust", None, Some(&org())).unwrap();
        let d = &e.designations[0];
        assert_eq!((d.list.as_str(), d.authority.as_str()), (LIST, "ru-minjust"));
        assert_eq!(d.listed_on, Some(DateValue::from(day("2031-03-01"))));
        assert_eq!(d.legal_basis.as_deref(), Some("AKPI31-2"));
        let m = &d.measures[0];
        assert_eq!((m.kind, m.authority.as_str()), (MeasureKind::Listing, "ru-supreme-court"));
        assert_eq!(
            (m.date.to_string(), m.effective.as_ref().map(|d| d.to_string())),
            ("2031-02-01".into(), Some("2031-03-01".into()))
        );
        assert_eq!(m.note.as_deref(), Some("On proposal 4 by ru-mfa: Attacks claimed in 2030."));
        assert_eq!(d.status_on(&day("2031-02-15")).status, Status::NotListed);
        assert_eq!(d.status_on(&day("2031-03-02")).status, Status::Listed);
    }

    #[test]
    fn a_delisting_ends_the_designation_and_a_suspension_is_a_measure() {
        let listed = listed();
        let delisted = apply(
            2,
            &proposal(ProposalKind::Delist),
            &decision("2031-01-01", "2031-01-01"),
            "ru-minjust",
            Some(listed.clone()),
            None,
        )
        .unwrap();
        let d = &delisted.designations[0];
        assert_eq!(d.ended_on, Some(DateValue::from(day("2031-01-01"))));
        assert_eq!(d.measures[1].kind, MeasureKind::Delisting);
        assert_eq!(d.measures[1].effective, None, "effective on the day of the decision");
        let suspended = apply(
            3,
            &proposal(ProposalKind::Suspend),
            &decision("2031-01-01", "2031-01-01"),
            "ru-minjust",
            Some(listed),
            None,
        )
        .unwrap();
        assert_eq!(suspended.designations[0].measures[1].kind, MeasureKind::Suspension);
        assert_eq!(suspended.designations[0].ended_on, None);
    }

    #[test]
    fn an_amendment_takes_the_described_record_and_keeps_the_designations() {
        let listed = listed();
        let mut renamed = org();
        renamed.names[0].full = "Velkorra Liberation Front".into();
        let amended = apply(
            2,
            &proposal(ProposalKind::Amend),
            &decision("2031-01-01", "2031-01-01"),
            "ru-minjust",
            Some(listed),
            Some(&renamed),
        )
        .unwrap();
        assert_eq!(amended.caption(), "Velkorra Liberation Front");
        let kinds: Vec<MeasureKind> = amended.designations[0].measures.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [MeasureKind::Listing, MeasureKind::Amendment]);
    }

    #[test]
    fn what_cannot_be_applied_is_refused() {
        let d = decision("2031-01-01", "2031-01-01");
        let gone = apply(1, &proposal(ProposalKind::Delist), &d, "ru-minjust", None, None).unwrap_err();
        assert_eq!(gone.to_string(), "entity velkorra-front is not in the list's source");
        let elsewhere = apply(1, &proposal(ProposalKind::Suspend), &d, "ru-minjust", Some(org()), None).unwrap_err();
        assert_eq!(elsewhere.to_string(), format!("entity velkorra-front has no designation on {LIST}"));
        assert_eq!((gone.kind(), elsewhere.kind()), (RefusalKind::State, RefusalKind::State));
        assert_eq!(check_day(&day("2031-01-01"), "ex", "2031-01-01T12:00:00Z"), Ok(()));
        let early = check_day(&day("2030-12-31"), "ex", "2031-01-01T12:00:00Z").unwrap_err();
        assert_eq!(
            early.to_string(),
            "cannot publish on 2030-12-31: the current version of ex took effect on 2031-01-01, and a publication is the list's next version"
        );
    }
}
