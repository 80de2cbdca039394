//! Behavioural and needs-based segments: customers grouped by how alike their features are.
//!
//! Features are prepared ([`prep`]) from the customer table (a number as it is or as its score
//! 1..B, [`score`]), k-means ([`kmeans`]), k-prototypes
//! ([`kprototypes`]) or a Gaussian mixture ([`gmm`], [`mixture`]) is fitted or scanned over k
//! ([`scan`]) and scored ([`quality`]); a fit becomes a model that travels
//! ([`model`]), profiled in words ([`profile`]) and pictured ([`pca`]). Every sum over customers is
//! taken per fixed-size block of rows and the blocks are added in row order ([`BLOCK_ROWS`]), so
//! however the work is shared out, the same input, settings and seed give the same labels
//! (DECISIONS 7).

pub mod agreement;
mod errors;
pub mod explain;
pub mod gmm;
pub mod kmeans;
pub mod kprototypes;
mod matrix;
pub mod mixture;
pub mod model;
pub mod params;
pub mod pca;
pub mod prep;
pub mod profile;
pub mod quality;
pub mod scan;
pub mod score;
pub mod sql;
pub mod tree;
mod words;

pub use errors::ClusterError;

pub use matrix::{Matrix, MatrixError};

/// Rows per block whose partial sums are added in row order.
pub const BLOCK_ROWS: usize = 4096;
