//! What results show of an entity's designations.

use proscribe_model::{Entity, PartialDate};
use serde::Serialize;

/// A designation as results show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    /// The authority.
    pub authority: String,
    /// The list.
    pub list: String,
    /// The list's reference for the entry.
    pub reference: Option<String>,
    /// Status on the day screened against.
    pub status: &'static str,
}

impl std::fmt::Display for ReferenceView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reference {
            Some(r) => write!(f, "{} {r} ({})", self.list, self.status),
            None => write!(f, "{} ({})", self.list, self.status),
        }
    }
}

/// The designations of `e` with their status on `day`.
pub fn references(e: &Entity, day: &PartialDate) -> Vec<ReferenceView> {
    e.designations
        .iter()
        .map(|d| ReferenceView {
            authority: d.authority.clone(),
            list: d.list.clone(),
            reference: d.reference.clone(),
            status: d.status_on(day).status.as_str(),
        })
        .collect()
}
