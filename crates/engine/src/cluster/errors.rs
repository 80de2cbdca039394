//! Why a clustering cannot be made, prepared, scanned or applied.

use thiserror::Error;

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
    #[error("`{0}` is not a clustering method; use kmeans, minibatch or kprototypes.")]
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

impl From<ScanError> for ClusterError {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Cancelled => ClusterError::Cancelled,
            ScanError::KMeans(k) => k.into(),
            other => ClusterError::Scan(other),
        }
    }
}

impl From<crate::progress::Cancelled> for ClusterError {
    fn from(_: crate::progress::Cancelled) -> Self {
        ClusterError::Cancelled
    }
}
