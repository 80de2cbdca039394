//! Why a definition cannot be used, every problem at once.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One problem in a definition: where it is and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The segment's name (or "definition" for problems outside segments).
    pub segment: String,
    /// Where in the segment's condition, e.g. `when.all[1]`.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
    /// Where it is, by position, for a program to point at it (the rule builder shows the
    /// sentence next to the condition or field it concerns).
    pub place: Place,
}

/// Where in a definition a problem is, by position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The definition as a whole: its as-of date, its recorded column types.
    #[default]
    Definition,
    /// A derived field, by its position in the definition's `derived`.
    Derived(usize),
    /// A segment itself (its name), by its position.
    Segment(usize),
    /// A condition of a segment: the segment's position and the child positions from the
    /// segment's root condition down (`[]` is the root itself).
    Condition {
        /// The segment's position.
        segment: usize,
        /// The child positions from the root condition down.
        at: Vec<usize>,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "segment “{}”: {}", self.segment, self.message)
        } else {
            write!(f, "segment “{}”, condition {}: {}", self.segment, self.path, self.message)
        }
    }
}

/// A definition that cannot be applied; `Display` lists what to change. (A file that cannot be read
/// is a [`crate::definitions::DefinitionFileError`].)
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RulesError {
    /// The definition does not fit the data (or is inconsistent); every problem is listed.
    #[error("the definition does not fit this data ({} problem{}):\n{}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
    /// The caller's monitor asked to stop the evaluation.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<crate::progress::Cancelled> for RulesError {
    fn from(_: crate::progress::Cancelled) -> Self {
        RulesError::Cancelled
    }
}
