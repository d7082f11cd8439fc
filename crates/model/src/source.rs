//! What a source file says about itself: which publication it is, who keeps the lists in it,
//! and when it was published. Importers fill it in; the store versions sources by it.

use serde::{Deserialize, Serialize};

use crate::{Authority, ListInfo};

/// A publication that proscribe imports and versions (the UN consolidated list, the OFAC SDN
/// list, a national registry file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Stable id (`un-sc`, `us-ofac-sdn`, `ftm-zala`); versions of the same publication share
    /// it.
    pub id: String,
    /// Title in English.
    pub title: String,
    /// The format it was read from (`un-xml`, `ofac-csv`, `ftm`, ...).
    pub format: String,
    /// The publication date the file states, as an ISO date or timestamp, when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The authorities the designations in it refer to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<Authority>,
    /// The lists the designations in it refer to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListInfo>,
}
