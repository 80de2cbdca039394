//! Why a clustering cannot be made, prepared, scanned or applied.

use thiserror::Error;

use super::gmm::GmmError;
use super::kmeans::KMeansError;
use super::kprototypes::KPrototypesError;
use super::model::ModelError;
use super::prep::PrepError;
use super::scan::ScanError;

/// A clustering problem; `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// A setting is not a number of its kind or lies outside its range.
    #[error("Cluster settings: {0}")]
    Params(#[from] crate::typed::TypedError),
    /// A typed as-of date cannot be read.
    #[error(transparent)]
    Date(#[from] crate::dates::DateError),
    /// A feature was chosen twice.
    #[error("`{0}` is chosen twice; choose each feature once.")]
    Twice(String),
    /// A method name that is not one of the methods.
    #[error("`{0}` is not a clustering method; use kmeans, minibatch, kprototypes or mixture.")]
    Method(String),
    /// The features cannot be prepared.
    #[error(transparent)]
    Prep(#[from] PrepError),
    /// k-means cannot run.
    #[error(transparent)]
    KMeans(KMeansError),
    /// k-prototypes cannot run.
    #[error(transparent)]
    KPrototypes(KPrototypesError),
    /// The Gaussian mixture cannot run.
    #[error(transparent)]
    Mixture(GmmError),
    /// A mixture component's covariance cannot be inverted.
    #[error("the Gaussian mixture's cluster {component} has a covariance that cannot be inverted: a feature (or a mix of features) barely varies within it; leave out a feature that is nearly constant or that repeats another, choose fewer clusters, or use k-means.")]
    Singular {
        /// The component, from 1.
        component: usize,
    },
    /// The scan cannot run.
    #[error(transparent)]
    Scan(ScanError),
    /// A model does not fit the data.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The user cancelled.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<KMeansError> for ClusterError {
    fn from(e: KMeansError) -> Self {
        match e {
            KMeansError::Cancelled => ClusterError::Cancelled,
            other => ClusterError::KMeans(other),
        }
    }
}

impl From<KPrototypesError> for ClusterError {
    fn from(e: KPrototypesError) -> Self {
        match e {
            KPrototypesError::Cancelled => ClusterError::Cancelled,
            other => ClusterError::KPrototypes(other),
        }
    }
}

impl From<GmmError> for ClusterError {
    fn from(e: GmmError) -> Self {
        match e {
            GmmError::Cancelled => ClusterError::Cancelled,
            GmmError::Singular { component } => ClusterError::Singular { component },
            GmmError::KMeans(k) => k.into(),
            other => ClusterError::Mixture(other),
        }
    }
}

impl From<ScanError> for ClusterError {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Cancelled => ClusterError::Cancelled,
            ScanError::KMeans(k) => k.into(),
            ScanError::Mixture(m) => m.into(),
            other => ClusterError::Scan(other),
        }
    }
}

impl From<crate::progress::Cancelled> for ClusterError {
    fn from(_: crate::progress::Cancelled) -> Self {
        ClusterError::Cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_singular_mixture_component_says_what_to_change_and_a_cancel_stays_a_cancel() {
        let e = ClusterError::from(GmmError::Singular { component: 2 }).to_string();
        assert!(e.starts_with("the Gaussian mixture's cluster 2 has a covariance that cannot be inverted"), "{e}");
        assert!(e.ends_with("choose fewer clusters, or use k-means."), "{e}");
        assert_eq!(ClusterError::from(GmmError::Cancelled), ClusterError::Cancelled);
        let scan = ClusterError::from(ScanError::Mixture(GmmError::Singular { component: 1 }));
        assert_eq!(scan, ClusterError::Singular { component: 1 });
    }
}
