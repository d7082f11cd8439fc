//! Analysts' decisions on whether two entities (of two lists) are one real-world entity.

use serde::{Deserialize, Serialize};

/// What an analyst decided of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// One real-world entity.
    Same,
    /// Two: kept apart even when evidence would link them.
    Different,
    /// Not known yet: the pair stays in the review queue, marked.
    Unsure,
}

impl Verdict {
    /// Its name in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Different => "different",
            Verdict::Unsure => "unsure",
        }
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;

    fn from_str(s: &str) -> Result<Verdict, String> {
        match s {
            "same" => Ok(Verdict::Same),
            "different" => Ok(Verdict::Different),
            "unsure" => Ok(Verdict::Unsure),
            other => Err(format!("unknown verdict {other:?} (same, different or unsure)")),
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision on a pair, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Its number.
    pub id: i64,
    /// The one entity's id (the lower of the two).
    pub a: String,
    /// The other's.
    pub b: String,
    /// What was decided.
    pub verdict: Verdict,
    /// Why, in the analyst's words.
    pub reason: String,
    /// Who decided.
    pub actor: String,
    /// When (UTC).
    pub decided_at: String,
    /// When it was undone, if it was (a newer decision on the pair undoes the one before).
    pub undone_at: Option<String>,
    /// Who undid it.
    pub undone_by: Option<String>,
}

impl Decision {
    /// Whether it is in force (not undone).
    pub fn in_force(&self) -> bool {
        self.undone_at.is_none()
    }
}
