//! Behavioural and needs-based segments: customers grouped by how alike their features are.
//!
//! So far: the feature matrix ([`Matrix`]), k-means ([`kmeans`]) and the scores of a clustering
//! ([`quality`]). Every sum over customers is
//! taken per fixed-size block of rows and the blocks are added in row order ([`BLOCK_ROWS`]), so
//! however the work is shared out, the same input, settings and seed give the same labels
//! (DECISIONS 7).

pub mod agreement;
pub mod kmeans;
mod matrix;
pub mod prep;
pub mod quality;
pub mod scan;

pub use matrix::{Matrix, MatrixError};

/// Rows per block whose partial sums are added in row order.
pub const BLOCK_ROWS: usize = 4096;
