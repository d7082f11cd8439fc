//! Designations (an entity's entry on one authority's list) and measures (the acts that make,
//! suspend, lift or end an entry, and acts outside any list such as recognising a
//! government). `Designation::status_on` answers "was this entry in force on day D".

use serde::{Deserialize, Serialize};

use crate::{Certainty, Country, DateValue, PartialDate};

/// What kind of body an authority is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    /// A ministry or department of government.
    Ministry,
    /// A court.
    Court,
    /// A council (the UN Security Council, the Council of the EU).
    Council,
    /// A committee of the UN Security Council or of another body.
    Committee,
    /// A prosecutor's office.
    Prosecutor,
    /// A government agency (a financial intelligence unit, a security service).
    Agency,
    /// A head of state or government.
    HeadOfState,
    /// A legislature.
    Legislature,
    /// Another kind of body.
    Other,
}

/// A body that keeps a list or acts on one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    /// Stable id (`un-sc`, `us-ofac`, `ru-supreme-court`).
    pub id: String,
    /// Name in English.
    pub name: String,
    /// The state it acts for; none for international bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// What kind of body it is.
    pub kind: AuthorityKind,
}

/// What a list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Targeted financial sanctions (asset freezes, travel bans).
    Sanctions,
    /// Organisations or persons designated as terrorist.
    Terrorist,
    /// Export controls and denied parties.
    ExportControl,
    /// Debarment from contracts.
    Debarment,
    /// A mixed or other kind.
    Other,
}

/// A list kept by an authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListInfo {
    /// Stable id (`un-sc-consolidated`, `us-ofac-sdn`, `ru-terrorist-organisations`).
    pub id: String,
    /// Title in English.
    pub title: String,
    /// The authority that keeps (publishes) the list.
    pub authority: String,
    /// What the list is for.
    pub kind: ListKind,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The kind of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// The entity is put on the list (a ban, a designation).
    Listing,
    /// A step towards a decision that changes nothing yet: a proposal, a report, a claim
    /// filed with a court.
    Proposal,
    /// The entry stays but its effect is suspended.
    Suspension,
    /// A suspension ends; the entry is in force again.
    SuspensionLifted,
    /// The entry's details are amended.
    Amendment,
    /// The entity is taken off the list.
    Delisting,
    /// A state recognises the entity (as a government, say). Not a list measure.
    Recognition,
    /// A state accepts credentials of a representative of the entity without formal
    /// recognition. Not a list measure.
    Accreditation,
    /// A public statement that changes nothing by itself.
    Statement,
}

impl MeasureKind {
    /// The kind's name, as the registry format writes it (`suspension_lifted`).
    pub fn as_str(&self) -> &'static str {
        match self {
            MeasureKind::Listing => "listing",
            MeasureKind::Proposal => "proposal",
            MeasureKind::Suspension => "suspension",
            MeasureKind::SuspensionLifted => "suspension_lifted",
            MeasureKind::Amendment => "amendment",
            MeasureKind::Delisting => "delisting",
            MeasureKind::Recognition => "recognition",
            MeasureKind::Accreditation => "accreditation",
            MeasureKind::Statement => "statement",
        }
    }

    /// The status an entry has after a measure of this kind, if the kind changes it.
    fn status_after(self) -> Option<Status> {
        match self {
            MeasureKind::Listing | MeasureKind::SuspensionLifted => Some(Status::Listed),
            MeasureKind::Suspension => Some(Status::Suspended),
            MeasureKind::Delisting => Some(Status::Delisted),
            _ => None,
        }
    }
}

/// An act by an authority, dated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Measure {
    /// What the act does.
    pub kind: MeasureKind,
    /// The acting body's id.
    pub authority: String,
    /// When the act was taken (decided, filed, announced).
    pub date: DateValue,
    /// When it takes effect, if that differs from `date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<DateValue>,
    /// Other bodies acting jointly with `authority` (a joint proposal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joint_with: Vec<String>,
    /// The legal act or decision reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    /// What happened, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where it was reported or published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<String>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

impl Measure {
    /// The date from which the act has effect.
    pub fn effective_date(&self) -> &DateValue {
        self.effective.as_ref().unwrap_or(&self.date)
    }
}

/// The status of an entry on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not (yet) on the list.
    NotListed,
    /// On the list and in force.
    Listed,
    /// On the list, with its effect suspended.
    Suspended,
    /// Taken off the list.
    Delisted,
}

impl Status {
    /// The word used in text output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::NotListed => "not listed",
            Status::Listed => "listed",
            Status::Suspended => "suspended",
            Status::Delisted => "delisted",
        }
    }
}

/// A status with how sure it is, given dates of uncertain precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusOn {
    /// The status.
    pub status: Status,
    /// `Possible` when the status depends on an event whose date straddles the day asked.
    pub certainty: Certainty,
}

/// An entity's entry on one list of one authority.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Designation {
    /// The authority that keeps the list.
    pub authority: String,
    /// The list.
    pub list: String,
    /// Regimes or programs (`1988 (Taliban)`, `SDGT`, `IRAN`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// The list's own reference for the entry (`TAi.026`, an OFAC entry number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When the entity was put on the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<DateValue>,
    /// When the entry ended, if it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<DateValue>,
    /// The legal basis (a resolution, an order, a statute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The reasons given for listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Dated acts on this entry, in any order (listing, suspension, delisting, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
    /// Where in the source record it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

impl Designation {
    /// An entry on `list` kept by `authority`.
    pub fn new(authority: impl Into<String>, list: impl Into<String>) -> Designation {
        Designation {
            authority: authority.into(),
            list: list.into(),
            programs: Vec::new(),
            reference: None,
            listed_on: None,
            ended_on: None,
            legal_basis: None,
            reason: None,
            measures: Vec::new(),
            src: None,
        }
    }

    /// The measures in date order (by effective date; undated order kept).
    pub fn measures_in_order(&self) -> Vec<&Measure> {
        let mut ms: Vec<&Measure> = self.measures.iter().collect();
        ms.sort_by_key(|m| m.effective_date().earliest());
        ms
    }

    /// The status of the entry at the end of `day`, as far as this record says. With
    /// measures, the last status-changing measure in effect decides; otherwise `listed_on` and
    /// `ended_on` do (an entry without a listing date counts as listed).
    pub fn status_on(&self, day: &PartialDate) -> StatusOn {
        let mut status = StatusOn { status: Status::NotListed, certainty: Certainty::Certain };
        let changing: Vec<&Measure> =
            self.measures_in_order().into_iter().filter(|m| m.kind.status_after().is_some()).collect();
        if changing.is_empty() {
            let listed = match &self.listed_on {
                None => Some(Certainty::Certain),
                Some(d) => d.happened_by(day),
            };
            if let Some(c) = listed {
                status = StatusOn { status: Status::Listed, certainty: c };
            }
            if let Some(c) = self.ended_on.as_ref().and_then(|d| d.happened_by(day)) {
                status = StatusOn { status: Status::Delisted, certainty: c };
            }
            return status;
        }
        for m in changing {
            match m.effective_date().happened_by(day) {
                Some(c) => status = StatusOn { status: m.kind.status_after().expect("filtered"), certainty: c },
                None => break,
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(kind: MeasureKind, date: &str) -> Measure {
        Measure {
            kind,
            authority: "a".into(),
            date: date.parse().unwrap(),
            effective: None,
            joint_with: vec![],
            act: None,
            note: None,
            citations: vec![],
            src: None,
        }
    }

    fn status(d: &Designation, day: &str) -> String {
        let s = d.status_on(&day.parse().unwrap());
        format!("{} {:?}", s.status.as_str(), s.certainty).to_lowercase()
    }

    #[test]
    fn status_follows_measures() {
        let mut d = Designation::new("ru-supreme-court", "ru-terrorist");
        d.measures.push(measure(MeasureKind::Suspension, "2025-04-17"));
        d.measures.push(measure(MeasureKind::Listing, "2003-02-14"));
        d.measures.push(measure(MeasureKind::Proposal, "2024-05-27"));
        assert_eq!(status(&d, "2003-02-13"), "not listed certain");
        assert_eq!(status(&d, "2003-02-14"), "listed certain");
        assert_eq!(status(&d, "2024-06-01"), "listed certain");
        assert_eq!(status(&d, "2025-04-17"), "suspended certain");
    }

    #[test]
    fn uncertain_dates_give_possible_status() {
        let mut d = Designation::new("kz-supreme-court", "kz-terrorist");
        d.measures.push(measure(MeasureKind::Listing, "2005-03-15|2015"));
        d.measures.push(measure(MeasureKind::Delisting, "2023-12"));
        assert_eq!(status(&d, "2004-01-01"), "not listed certain");
        assert_eq!(status(&d, "2010-01-01"), "listed possible");
        assert_eq!(status(&d, "2016-01-01"), "listed certain");
        assert_eq!(status(&d, "2023-12-15"), "delisted possible");
        assert_eq!(status(&d, "2024-01-01"), "delisted certain");
    }

    #[test]
    fn status_from_listing_dates() {
        let mut d = Designation::new("un-sc", "un-sc-consolidated");
        d.listed_on = Some("2001-01-25".parse().unwrap());
        assert_eq!(status(&d, "2001-01-24"), "not listed certain");
        assert_eq!(status(&d, "2001-01-25"), "listed certain");
        d.ended_on = Some("2010-06".parse().unwrap());
        assert_eq!(status(&d, "2011-01-01"), "delisted certain");
    }
}
