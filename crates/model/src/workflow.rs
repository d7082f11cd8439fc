//! The designation workflow as a state machine, with no I/O: a proposal to list, delist,
//! amend, suspend or lift a suspension, made by one or more bodies, deliberated by the bodies
//! consulted, decided by a body with the decider role, and published. Every action names the
//! body acting; [`Proposal::apply`] refuses an action the state or the body's roles do not
//! allow, with the reason, and leaves the proposal as it was.
//!
//! ```text
//! draft ──submit──▶ submitted ──open──▶ in deliberation ──decide──▶ adopted ──publish──▶ published
//!   │                   │                     │  ▲ opine                └─▶ rejected
//!   └──────withdraw─────┴──────withdraw───────┘
//! ```
//!
//! Until a proposal is published, rejected or withdrawn, the bodies taking part (its
//! proposers, the consulted bodies, the decider) may attach documents to it: the claim, a
//! report, a ruling, with a reference a reader can follow.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::PartialDate;

/// What a proposal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Put an entity on the list.
    List,
    /// Take it off.
    Delist,
    /// Change what the list says of it.
    Amend,
    /// Suspend its designation (a court's suspension of a ban).
    Suspend,
    /// Lift a suspension.
    LiftSuspension,
}

impl ProposalKind {
    /// What the proposal asks, as a verb: "to {verb}".
    pub fn verb(&self) -> &'static str {
        match self {
            ProposalKind::List => "list",
            ProposalKind::Delist => "delist",
            ProposalKind::Amend => "amend",
            ProposalKind::Suspend => "suspend",
            ProposalKind::LiftSuspension => "lift the suspension",
        }
    }
}

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Being written by its proposers.
    Draft,
    /// Sent to the bodies that deliberate.
    Submitted,
    /// Consulted bodies give their opinions.
    InDeliberation,
    /// Decided: adopted.
    Adopted,
    /// Decided: rejected.
    Rejected,
    /// Adopted and applied to the list.
    Published,
    /// Withdrawn by a proposer before a decision.
    Withdrawn,
}

impl ProposalState {
    /// The state's name.
    pub fn as_str(&self) -> &'static str {
        match self {
            ProposalState::Draft => "draft",
            ProposalState::Submitted => "submitted",
            ProposalState::InDeliberation => "in deliberation",
            ProposalState::Adopted => "adopted",
            ProposalState::Rejected => "rejected",
            ProposalState::Published => "published",
            ProposalState::Withdrawn => "withdrawn",
        }
    }
}

/// The part a body plays for a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyRole {
    /// May propose.
    Proposer,
    /// Is consulted and gives opinions.
    Consulted,
    /// Decides.
    Decider,
    /// Publishes the list.
    Publisher,
}

impl BodyRole {
    /// Every role, in order.
    pub const ALL: [BodyRole; 4] = [BodyRole::Proposer, BodyRole::Consulted, BodyRole::Decider, BodyRole::Publisher];

    /// The role's name as stored and as typed on the command line: `proposer`, `consulted`,
    /// `decider`, `publisher`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BodyRole::Proposer => "proposer",
            BodyRole::Consulted => "consulted",
            BodyRole::Decider => "decider",
            BodyRole::Publisher => "publisher",
        }
    }
}

/// The roles each body (by authority id) plays for one list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles(pub BTreeMap<String, BTreeSet<BodyRole>>);

impl Roles {
    /// Gives `body` `role`.
    pub fn grant(&mut self, body: &str, role: BodyRole) -> &mut Roles {
        self.0.entry(body.to_string()).or_default().insert(role);
        self
    }

    /// Whether `body` plays `role`.
    pub fn has(&self, body: &str, role: BodyRole) -> bool {
        self.0.get(body).is_some_and(|r| r.contains(&role))
    }
}

/// A consulted body's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionKind {
    /// In favour.
    Concur,
    /// Against.
    Object,
    /// Neither.
    Abstain,
}

impl OpinionKind {
    /// The opinion as a verb: "{body} {verb}".
    pub fn verb(&self) -> &'static str {
        match self {
            OpinionKind::Concur => "concurs",
            OpinionKind::Object => "objects",
            OpinionKind::Abstain => "abstains",
        }
    }
}

/// An opinion given in deliberation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    /// The body giving it.
    pub body: String,
    /// For, against or neither.
    pub kind: OpinionKind,
    /// Its reasons.
    pub text: String,
    /// When.
    pub on: PartialDate,
}

/// A document attached to a proposal: a report, a claim, a ruling, a record of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The body attaching it.
    pub body: String,
    /// What it is.
    pub title: String,
    /// Where to read it: a URL, a register number, a citation.
    pub reference: String,
    /// When it was attached.
    pub on: PartialDate,
}

/// A decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The deciding body.
    pub body: String,
    /// Adopted (or rejected).
    pub adopted: bool,
    /// The legal act (a decree, a judgment's number).
    pub legal_act: String,
    /// The day it was decided.
    pub decided_on: PartialDate,
    /// The day it takes effect (on or after the decision; may be in the future).
    pub effective_on: PartialDate,
}

/// What a body does to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A proposer sends the draft for deliberation.
    Submit {
        /// The acting body.
        by: String,
        /// When.
        on: PartialDate,
    },
    /// The decider opens deliberation.
    Open {
        /// The acting body.
        by: String,
        /// When.
        on: PartialDate,
    },
    /// A consulted body gives its opinion.
    Opine(Opinion),
    /// The decider decides.
    Decide(Decision),
    /// A publisher applies an adopted proposal to the list.
    Publish {
        /// The acting body.
        by: String,
        /// When.
        on: PartialDate,
    },
    /// A proposer withdraws the proposal before a decision.
    Withdraw {
        /// The acting body.
        by: String,
        /// When.
        on: PartialDate,
    },
    /// A body taking part attaches a document.
    Attach(Document),
}

impl Action {
    /// The acting body.
    pub fn body(&self) -> &str {
        match self {
            Action::Submit { by, .. }
            | Action::Open { by, .. }
            | Action::Publish { by, .. }
            | Action::Withdraw { by, .. } => by,
            Action::Opine(o) => &o.body,
            Action::Decide(d) => &d.body,
            Action::Attach(d) => &d.body,
        }
    }

    /// The day the action is dated (a decision: the day it was made).
    pub fn on(&self) -> &PartialDate {
        match self {
            Action::Submit { on, .. }
            | Action::Open { on, .. }
            | Action::Publish { on, .. }
            | Action::Withdraw { on, .. } => on,
            Action::Opine(o) => &o.on,
            Action::Decide(d) => &d.decided_on,
            Action::Attach(d) => &d.on,
        }
    }

    /// The action's name.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Submit { .. } => "submit",
            Action::Open { .. } => "open deliberation",
            Action::Opine(_) => "give an opinion",
            Action::Decide(_) => "decide",
            Action::Publish { .. } => "publish",
            Action::Withdraw { .. } => "withdraw",
            Action::Attach(_) => "attach a document",
        }
    }
}

/// What kind of refusal: what a caller would have to change for the action to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The proposal or the list is not in a state that allows the action (already decided,
    /// dated before a step already taken, the entity gone from the list).
    State,
    /// The acting body does not play the part the action needs.
    Role,
    /// What was submitted is not valid by itself (no statement, no legal act, an effective
    /// date before the decision).
    Content,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The proposal's state does not allow the action.
    #[error("cannot {action}: the proposal is {state}")]
    State {
        /// The action.
        action: &'static str,
        /// The proposal's state.
        state: &'static str,
    },
    /// The body does not play the role the action needs.
    #[error("{body} cannot {action}: it is not a {role} of this list")]
    Role {
        /// The body.
        body: String,
        /// The action.
        action: &'static str,
        /// The role needed.
        role: &'static str,
    },
    /// Only the proposing bodies may do this.
    #[error("{body} cannot {action}: only the proposing bodies may")]
    NotProposer {
        /// The body.
        body: String,
        /// The action.
        action: &'static str,
    },
    /// The decision takes effect before it was made.
    #[error("the effective date {effective} is before the decision date {decided}")]
    EffectiveBeforeDecision {
        /// The effective date.
        effective: String,
        /// The decision date.
        decided: String,
    },
    /// The action is dated before the proposal's previous step.
    #[error("cannot {action} on {on}: the proposal's previous step is dated {previous}")]
    BeforePrevious {
        /// The action.
        action: &'static str,
        /// Its date.
        on: String,
        /// The previous step's date.
        previous: String,
    },
    /// A body gave its opinion twice.
    #[error("{0} has already given its opinion")]
    OpinedTwice(String),
    /// A body that takes no part in the proposal attaches a document.
    #[error(
        "{0} cannot attach a document: it is neither a proposer of this proposal nor a consulted body or decider of this list"
    )]
    NotTakingPart(String),
    /// A publication dated before the list's version in force, which it would follow.
    #[error(
        "cannot publish on {on}: the current version of {source_id} took effect on {effective}, and a publication is the list's next version"
    )]
    PublicationBeforeVersion {
        /// The publication's date.
        on: String,
        /// The list's source.
        source_id: String,
        /// The day the version in force took effect.
        effective: String,
    },
    /// The entity a proposal is about is no longer in the list's source.
    #[error("entity {0} is not in the list's source")]
    NotInSource(String),
    /// The entity a proposal is about has no designation on the list to change.
    #[error("entity {entity} has no designation on {list}")]
    NotOnList {
        /// The entity.
        entity: String,
        /// The list.
        list: String,
    },
    /// A date later than the horizon (today and a day or so): a version or a step dated far
    /// ahead would stay the newest, and every later one would be taken for an older one.
    #[error("the {what} {date} lies beyond the horizon {horizon}: only effective dates may lie further ahead")]
    BeyondHorizon {
        /// What the date is (`publication date`, `decision date`).
        what: &'static str,
        /// The date.
        date: String,
        /// The latest date allowed.
        horizon: String,
    },
    /// The proposal is not well formed.
    #[error("{0}")]
    Invalid(String),
}

/// Refuses an entity id that is no id: empty, a path (`..`, `/`), or with characters other
/// than letters, digits, `-`, `_`, `.` and `:`.
fn check_entity_id(id: &str) -> Result<(), Refusal> {
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if id.is_empty() || id.len() > 200 || id.starts_with('.') || id.contains("..") || !id.chars().all(allowed) {
        return Err(Refusal::Invalid(format!(
            "{id:?} is not an entity id (letters, digits, '-', '_', '.' and ':', not starting with '.')"
        )));
    }
    Ok(())
}

/// Refuses `date`, the date of `what`, if it may not lie on or before `horizon`. Dates that
/// say when something happened (a publication, a decision) cannot lie ahead; effective dates
/// (a scheduled change) are not checked.
pub fn check_horizon(what: &'static str, date: &PartialDate, horizon: &PartialDate) -> Result<(), Refusal> {
    if date.earliest() > horizon.latest() {
        return Err(Refusal::BeyondHorizon { what, date: date.to_string(), horizon: horizon.to_string() });
    }
    Ok(())
}

impl Action {
    /// Refuses the action if its date lies beyond `horizon` (see [`check_horizon`]); a
    /// decision's effective date may.
    pub fn check_horizon(&self, horizon: &PartialDate) -> Result<(), Refusal> {
        let what = match self {
            Action::Decide(_) => "decision date",
            Action::Publish { .. } => "publication date",
            _ => "date",
        };
        check_horizon(what, self.on(), horizon)
    }
}

impl Refusal {
    /// Whether the state, the acting body's roles or the content refused the action.
    pub fn kind(&self) -> RefusalKind {
        match self {
            Refusal::State { .. }
            | Refusal::BeforePrevious { .. }
            | Refusal::OpinedTwice(_)
            | Refusal::PublicationBeforeVersion { .. }
            | Refusal::NotInSource(_)
            | Refusal::NotOnList { .. } => RefusalKind::State,
            Refusal::Role { .. } | Refusal::NotProposer { .. } | Refusal::NotTakingPart(_) => RefusalKind::Role,
            Refusal::EffectiveBeforeDecision { .. } | Refusal::BeyondHorizon { .. } | Refusal::Invalid(_) => {
                RefusalKind::Content
            }
        }
    }
}

/// A proposal and everything done to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// What it asks for.
    pub kind: ProposalKind,
    /// The list it is about.
    pub list: String,
    /// The entity it is about (an existing one, or the one a listing describes).
    pub entity_id: String,
    /// The proposing bodies (several: a joint proposal).
    pub proposers: Vec<String>,
    /// The reasoned statement.
    pub statement: String,
    /// Where it is.
    pub state: ProposalState,
    /// Opinions given in deliberation.
    pub opinions: Vec<Opinion>,
    /// The decision, once made.
    pub decision: Option<Decision>,
    /// Documents attached, in order.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Every action applied, in order.
    pub actions: Vec<Action>,
}

fn role_name(r: BodyRole) -> &'static str {
    match r {
        BodyRole::Proposer => "proposer",
        BodyRole::Consulted => "consulted body",
        BodyRole::Decider => "decider",
        BodyRole::Publisher => "publisher",
    }
}

impl Proposal {
    /// A draft by `proposers`, each of which must be a proposer of the list.
    pub fn draft(
        kind: ProposalKind,
        list: &str,
        entity_id: &str,
        proposers: &[&str],
        statement: &str,
        roles: &Roles,
    ) -> Result<Proposal, Refusal> {
        if proposers.is_empty() {
            return Err(Refusal::Invalid("a proposal needs at least one proposing body".into()));
        }
        if statement.trim().is_empty() {
            return Err(Refusal::Invalid("a proposal needs a reasoned statement".into()));
        }
        // An existing entity is looked up by the store; a new one's id is made here.
        if kind == ProposalKind::List {
            check_entity_id(entity_id)?;
        }
        for p in proposers {
            if !roles.has(p, BodyRole::Proposer) {
                return Err(Refusal::Role { body: p.to_string(), action: "propose", role: "proposer" });
            }
        }
        Ok(Proposal {
            kind,
            list: list.to_string(),
            entity_id: entity_id.to_string(),
            proposers: proposers.iter().map(|p| p.to_string()).collect(),
            statement: statement.to_string(),
            state: ProposalState::Draft,
            opinions: Vec::new(),
            decision: None,
            documents: Vec::new(),
            actions: Vec::new(),
        })
    }

    /// Applies `action` if the state and `roles` allow it; otherwise says why and changes nothing.
    pub fn apply(&mut self, action: Action, roles: &Roles) -> Result<(), Refusal> {
        use ProposalState::*;
        let state = self.state;
        let refuse_state = || Refusal::State { action: action.name(), state: state.as_str() };
        let need = |role: BodyRole| {
            if roles.has(action.body(), role) {
                Ok(())
            } else {
                Err(Refusal::Role { body: action.body().to_string(), action: action.name(), role: role_name(role) })
            }
        };
        let next = match &action {
            Action::Submit { by, .. } => {
                if state != Draft {
                    return Err(refuse_state());
                }
                if !self.proposers.contains(by) {
                    return Err(Refusal::NotProposer { body: by.clone(), action: action.name() });
                }
                Submitted
            }
            Action::Open { .. } => {
                if state != Submitted {
                    return Err(refuse_state());
                }
                need(BodyRole::Decider)?;
                InDeliberation
            }
            Action::Opine(o) => {
                if state != InDeliberation {
                    return Err(refuse_state());
                }
                need(BodyRole::Consulted)?;
                if self.opinions.iter().any(|x| x.body == o.body) {
                    return Err(Refusal::OpinedTwice(o.body.clone()));
                }
                InDeliberation
            }
            Action::Decide(d) => {
                if state != InDeliberation {
                    return Err(refuse_state());
                }
                need(BodyRole::Decider)?;
                if d.effective_on < d.decided_on {
                    return Err(Refusal::EffectiveBeforeDecision {
                        effective: d.effective_on.to_string(),
                        decided: d.decided_on.to_string(),
                    });
                }
                if d.legal_act.trim().is_empty() {
                    return Err(Refusal::Invalid("a decision names its legal act".into()));
                }
                if d.adopted {
                    Adopted
                } else {
                    Rejected
                }
            }
            Action::Publish { .. } => {
                if state != Adopted {
                    return Err(refuse_state());
                }
                need(BodyRole::Publisher)?;
                Published
            }
            Action::Attach(d) => {
                if !matches!(state, Draft | Submitted | InDeliberation | Adopted) {
                    return Err(refuse_state());
                }
                let taking_part = self.proposers.contains(&d.body)
                    || roles.has(&d.body, BodyRole::Consulted)
                    || roles.has(&d.body, BodyRole::Decider);
                if !taking_part {
                    return Err(Refusal::NotTakingPart(d.body.clone()));
                }
                if d.title.trim().is_empty() || d.reference.trim().is_empty() {
                    return Err(Refusal::Invalid("a document has a title and a reference".into()));
                }
                state
            }
            Action::Withdraw { by, .. } => {
                if !matches!(state, Draft | Submitted | InDeliberation) {
                    return Err(refuse_state());
                }
                if !self.proposers.contains(by) {
                    return Err(Refusal::NotProposer { body: by.clone(), action: action.name() });
                }
                Withdrawn
            }
        };
        if let Some(previous) = self.actions.last().map(Action::on).filter(|p| action.on().latest() < p.earliest()) {
            return Err(Refusal::BeforePrevious {
                action: action.name(),
                on: action.on().to_string(),
                previous: previous.to_string(),
            });
        }
        match &action {
            Action::Opine(o) => self.opinions.push(o.clone()),
            Action::Decide(d) => self.decision = Some(d.clone()),
            Action::Attach(d) => self.documents.push(d.clone()),
            _ => {}
        }
        self.state = next;
        self.actions.push(action);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    /// Russia's bodies for its list of terrorist organisations, as in the example registry.
    fn roles() -> Roles {
        let mut r = Roles::default();
        r.grant("ru-mfa", BodyRole::Proposer)
            .grant("ru-minjust", BodyRole::Proposer)
            .grant("ru-minjust", BodyRole::Publisher)
            .grant("ru-prosecutor-general", BodyRole::Proposer)
            .grant("ru-mvd", BodyRole::Consulted)
            .grant("ru-fsb", BodyRole::Consulted)
            .grant("ru-supreme-court", BodyRole::Decider);
        r
    }

    fn proposal() -> Proposal {
        Proposal::draft(
            ProposalKind::Suspend,
            "ru-terrorist-organisations",
            "taliban",
            &["ru-mfa", "ru-minjust"],
            "The ban no longer serves relations with the de facto authorities.",
            &roles(),
        )
        .unwrap()
    }

    fn decision(adopted: bool, decided: &str, effective: &str) -> Action {
        Action::Decide(Decision {
            body: "ru-supreme-court".into(),
            adopted,
            legal_act: "АКПИ25-1".into(),
            decided_on: day(decided),
            effective_on: day(effective),
        })
    }

    fn opinion(body: &str, kind: OpinionKind) -> Action {
        Action::Opine(Opinion { body: body.into(), kind, text: "…".into(), on: day("2025-03-01") })
    }

    #[test]
    fn bodies_taking_part_attach_documents_until_the_end() {
        let r = roles();
        let mut p = proposal();
        let doc = |body: &str, title: &str| {
            Action::Attach(Document {
                body: body.into(),
                title: title.into(),
                reference: "https://example.org/claim.pdf".into(),
                on: day("2025-02-02"),
            })
        };
        p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") }, &r).unwrap();
        p.apply(doc("ru-mfa", "Joint report"), &r).unwrap();
        p.apply(doc("ru-fsb", "Assessment"), &r).unwrap();
        assert_eq!(p.state, ProposalState::Submitted, "attaching changes no state");
        let outsider = p.apply(doc("ru-prosecutor-general", "Claim"), &r).unwrap_err();
        assert!(outsider.to_string().contains("neither a proposer of this proposal"), "{outsider}");
        assert!(p.apply(doc("ru-mfa", " "), &r).unwrap_err().to_string().contains("a title and a reference"));
        p.apply(Action::Withdraw { by: "ru-mfa".into(), on: day("2025-02-03") }, &r).unwrap();
        let late = p.apply(doc("ru-mfa", "Afterthought"), &r).unwrap_err();
        assert_eq!(late.to_string(), "cannot attach a document: the proposal is withdrawn");
        let titles: Vec<&str> = p.documents.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, ["Joint report", "Assessment"]);
    }

    #[test]
    fn steps_are_dated_in_order() {
        let r = roles();
        let mut p = proposal();
        p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") }, &r).unwrap();
        let before = p.clone();
        let refused = p.apply(Action::Open { by: "ru-supreme-court".into(), on: day("2025-01-31") }, &r).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "cannot open deliberation on 2025-01-31: the proposal's previous step is dated 2025-02-01"
        );
        assert_eq!(p, before);
        // A step of uncertain date that may fall on the day is let through; the same day is.
        p.apply(Action::Open { by: "ru-supreme-court".into(), on: day("2025-02") }, &r).unwrap();
        p.apply(decision(true, "2025-02-01", "2025-02-01"), &r).unwrap();
        assert_eq!(p.state, ProposalState::Adopted);
    }

    #[test]
    fn a_joint_proposal_goes_through_every_state() {
        let r = roles();
        let mut p = proposal();
        p.apply(Action::Submit { by: "ru-minjust".into(), on: day("2025-02-01") }, &r).unwrap();
        assert_eq!(p.state, ProposalState::Submitted);
        p.apply(Action::Open { by: "ru-supreme-court".into(), on: day("2025-02-10") }, &r).unwrap();
        p.apply(opinion("ru-mvd", OpinionKind::Concur), &r).unwrap();
        p.apply(opinion("ru-fsb", OpinionKind::Abstain), &r).unwrap();
        assert_eq!(p.state, ProposalState::InDeliberation);
        p.apply(decision(true, "2025-04-17", "2025-04-17"), &r).unwrap();
        assert_eq!(p.state, ProposalState::Adopted);
        p.apply(Action::Publish { by: "ru-minjust".into(), on: day("2025-04-18") }, &r).unwrap();
        assert_eq!(p.state, ProposalState::Published);
        assert_eq!(p.actions.len(), 6);
        assert_eq!(p.opinions.len(), 2);
        // Rejected proposals end there.
        let mut q = proposal();
        for a in [
            Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") },
            Action::Open { by: "ru-supreme-court".into(), on: day("2025-02-02") },
            decision(false, "2025-03-01", "2025-03-01"),
        ] {
            q.apply(a, &r).unwrap();
        }
        assert_eq!(q.state, ProposalState::Rejected);
        let refused = q.apply(Action::Publish { by: "ru-minjust".into(), on: day("2025-03-02") }, &r);
        assert_eq!(refused, Err(Refusal::State { action: "publish", state: "rejected" }));
    }

    #[test]
    fn invalid_actions_are_refused_and_change_nothing() {
        let r = roles();
        let mut p = proposal();
        let before = p.clone();
        let refusals = [
            (
                Action::Open { by: "ru-supreme-court".into(), on: day("2025-01-01") },
                "cannot open deliberation: the proposal is draft",
            ),
            (Action::Submit { by: "ru-prosecutor-general".into(), on: day("2025-01-01") }, "only the proposing bodies"),
            (decision(true, "2025-01-01", "2025-01-01"), "cannot decide: the proposal is draft"),
        ];
        for (a, why) in refusals {
            let err = p.apply(a, &r).unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
            assert_eq!(p, before);
        }
        p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") }, &r).unwrap();
        // Only a decider opens deliberation and decides; only consulted bodies give opinions.
        let err = p.apply(Action::Open { by: "ru-mfa".into(), on: day("2025-02-02") }, &r).unwrap_err();
        assert_eq!(err.to_string(), "ru-mfa cannot open deliberation: it is not a decider of this list");
        p.apply(Action::Open { by: "ru-supreme-court".into(), on: day("2025-02-02") }, &r).unwrap();
        let err = p.apply(opinion("ru-mfa", OpinionKind::Object), &r).unwrap_err();
        assert!(matches!(err, Refusal::Role { role: "consulted body", .. }), "{err}");
        p.apply(opinion("ru-mvd", OpinionKind::Object), &r).unwrap();
        assert_eq!(p.apply(opinion("ru-mvd", OpinionKind::Concur), &r), Err(Refusal::OpinedTwice("ru-mvd".into())));
        let by_minjust = Action::Decide(Decision {
            body: "ru-minjust".into(),
            ..match decision(true, "2025-04-17", "2025-04-17") {
                Action::Decide(d) => d,
                _ => unreachable!(),
            }
        });
        assert!(matches!(p.apply(by_minjust, &r), Err(Refusal::Role { role: "decider", .. })));
        // An effective date before the decision date.
        let err = p.apply(decision(true, "2025-04-17", "2025-04-01"), &r).unwrap_err();
        assert_eq!(err.to_string(), "the effective date 2025-04-01 is before the decision date 2025-04-17");
        // A future effective date is fine.
        p.apply(decision(true, "2025-04-17", "2026-01-01"), &r).unwrap();
        // Decided: no withdrawal, no second decision; published once only, by a publisher.
        assert!(p.apply(Action::Withdraw { by: "ru-mfa".into(), on: day("2025-04-18") }, &r).is_err());
        assert!(p.apply(decision(false, "2025-04-20", "2025-04-20"), &r).is_err());
        assert!(matches!(
            p.apply(Action::Publish { by: "ru-mfa".into(), on: day("2025-04-18") }, &r),
            Err(Refusal::Role { role: "publisher", .. })
        ));
        p.apply(Action::Publish { by: "ru-minjust".into(), on: day("2025-04-18") }, &r).unwrap();
        assert_eq!(
            p.apply(Action::Publish { by: "ru-minjust".into(), on: day("2025-04-19") }, &r),
            Err(Refusal::State { action: "publish", state: "published" })
        );
    }

    #[test]
    fn refusals_say_their_kind() {
        let r = roles();
        let mut p = proposal();
        let kind = |p: &mut Proposal, a: Action| p.apply(a, &r).unwrap_err().kind();
        assert_eq!(
            kind(&mut p, Action::Open { by: "ru-supreme-court".into(), on: day("2025-01-01") }),
            RefusalKind::State
        );
        assert_eq!(kind(&mut p, Action::Submit { by: "ru-fsb".into(), on: day("2025-01-01") }), RefusalKind::Role);
        let outsider = Action::Attach(Document {
            body: "ru-prosecutor-general".into(),
            title: "Claim".into(),
            reference: "x".into(),
            on: day("2025-01-01"),
        });
        assert_eq!(kind(&mut p, outsider), RefusalKind::Role);
        p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") }, &r).unwrap();
        assert_eq!(
            kind(&mut p, Action::Open { by: "ru-supreme-court".into(), on: day("2025-01-31") }),
            RefusalKind::State
        );
        p.apply(Action::Open { by: "ru-supreme-court".into(), on: day("2025-02-02") }, &r).unwrap();
        p.apply(opinion("ru-mvd", OpinionKind::Object), &r).unwrap();
        assert_eq!(kind(&mut p, opinion("ru-mvd", OpinionKind::Concur)), RefusalKind::State);
        assert_eq!(kind(&mut p, decision(true, "2025-04-17", "2025-04-01")), RefusalKind::Content);
        let no_act = Action::Decide(Decision {
            legal_act: " ".into(),
            ..decision_of(decision(true, "2025-04-17", "2025-04-17"))
        });
        assert_eq!(kind(&mut p, no_act), RefusalKind::Content);
        let no_statement = Proposal::draft(ProposalKind::List, "l", "e", &["ru-mfa"], " ", &r).unwrap_err();
        assert_eq!(no_statement.kind(), RefusalKind::Content);
    }

    fn decision_of(a: Action) -> Decision {
        match a {
            Action::Decide(d) => d,
            _ => unreachable!(),
        }
    }

    #[test]
    fn proposers_withdraw_before_a_decision() {
        let r = roles();
        let mut p = proposal();
        p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-01") }, &r).unwrap();
        assert!(matches!(
            p.apply(Action::Withdraw { by: "ru-fsb".into(), on: day("2025-02-02") }, &r),
            Err(Refusal::NotProposer { .. })
        ));
        p.apply(Action::Withdraw { by: "ru-minjust".into(), on: day("2025-02-02") }, &r).unwrap();
        assert_eq!(p.state, ProposalState::Withdrawn);
        assert!(p.apply(Action::Submit { by: "ru-mfa".into(), on: day("2025-02-03") }, &r).is_err());
        // A draft needs proposers that may propose, and reasons.
        let no = |proposers: &[&str], statement: &str| {
            Proposal::draft(ProposalKind::List, "l", "e", proposers, statement, &r).unwrap_err().to_string()
        };
        assert!(no(&["ru-fsb"], "x").contains("not a proposer"));
        assert!(no(&[], "x").contains("at least one"));
        assert!(no(&["ru-mfa"], " ").contains("statement"));
    }

    #[test]
    fn dates_beyond_the_horizon_are_refused_but_effective_dates_may_lie_ahead() {
        let horizon = day("2026-12-06");
        let far = decision(true, "2999-12-31", "2999-12-31");
        assert_eq!(
            far.check_horizon(&horizon).unwrap_err().to_string(),
            "the decision date 2999-12-31 lies beyond the horizon 2026-12-06: only effective dates may lie further ahead"
        );
        assert_eq!(far.check_horizon(&horizon).unwrap_err().kind(), RefusalKind::Content);
        assert_eq!(decision(true, "2026-12-06", "2999-12-31").check_horizon(&horizon), Ok(()));
        let publish = Action::Publish { by: "pub".into(), on: day("2027-01-01") };
        assert_eq!(
            publish.check_horizon(&horizon).unwrap_err().to_string(),
            "the publication date 2027-01-01 lies beyond the horizon 2026-12-06: only effective dates may lie further ahead"
        );
        // A date of a month or a year is refused only if it wholly lies beyond.
        let month: PartialDate = "2026-12".parse().unwrap();
        assert_eq!(check_horizon("publication date", &month, &horizon), Ok(()));
        let year: PartialDate = "2027".parse().unwrap();
        assert!(check_horizon("publication date", &year, &horizon).is_err());
    }

    #[test]
    fn a_proposal_names_an_entity_by_an_id() {
        for bad in ["", "../../etc", "a/b", ".hidden", "a b"] {
            let err = Proposal::draft(ProposalKind::List, "ru-list", bad, &["ru-mfa"], "why", &roles()).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{bad:?} is not an entity id (letters, digits, '-', '_', '.' and ':', not starting with '.')")
            );
        }
        assert!(
            Proposal::draft(ProposalKind::List, "ru-list", "ofac-sdn-36.a:b_c", &["ru-mfa"], "why", &roles()).is_ok()
        );
    }
}
