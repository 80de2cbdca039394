//! Why the user's KPIs cannot be computed.

use thiserror::Error;

/// One problem of one KPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiProblem {
    /// The KPI's position in its set.
    pub kpi: usize,
    /// Its name, as written.
    pub name: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl KpiProblem {
    pub(super) fn new(kpi: usize, name: &str, message: impl Into<String>) -> Self {
        KpiProblem { kpi, name: name.to_string(), message: message.into() }
    }
}

impl std::fmt::Display for KpiProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.name.is_empty() {
            // The KPI's index in a list, counted from 1: never saturates.
            write!(f, "KPI {}: {}", self.kpi.saturating_add(1), self.message)
        } else {
            write!(f, "KPI “{}”: {}", self.name, self.message)
        }
    }
}

/// KPIs that cannot be computed; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum KpiError {
    /// Some KPIs do not fit the data; every problem is listed.
    #[error("{}", invalid(.0))]
    Invalid(Vec<KpiProblem>),
    /// More KPIs than a set may hold.
    #[error("there are {found} KPIs, more than the {max} a set may hold; remove some.")]
    TooMany {
        /// KPIs given.
        found: usize,
        /// The most allowed.
        max: usize,
    },
    /// The values and the segmentation are of different customers.
    #[error(
        "the data has {found} rows but the segmentation has {expected}; make the segmentation again from this data."
    )]
    RowsDiffer {
        /// Rows of the data.
        found: usize,
        /// Rows of the segmentation.
        expected: usize,
    },
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

fn invalid(problems: &[KpiProblem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => format!(
            "{} problems with the KPIs:\n{}",
            many.len(),
            many.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
        ),
    }
}

impl From<crate::progress::Cancelled> for KpiError {
    fn from(_: crate::progress::Cancelled) -> Self {
        KpiError::Cancelled
    }
}
