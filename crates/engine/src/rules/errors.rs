//! Why a definition cannot be used, every problem at once.

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
