//! The reproducibility manifest written beside every export (`NAME.manifest.json`).

use serde::{Deserialize, Serialize};

use crate::assignment::SegmentSize;
use crate::ingest::{Diagnostics, ReadOptions};

/// The manifest's format tag and version.
pub const MANIFEST_FORMAT: &str = "segscope.manifest/1";

/// What a user needs to reproduce an export: the input, how it was read, and how it was segmented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The Segscope version that wrote it.
    pub segscope_version: String,
    /// The input file's name.
    pub input_file: String,
    /// The input file's size in bytes.
    pub input_bytes: u64,
    /// How the input was read (as chosen; detected values are in `diagnostics`).
    pub read_options: ReadOptions,
    /// What reading detected and worked around.
    pub diagnostics: Diagnostics,
    /// How the segments were made.
    pub segmentation: serde_json::Value,
    /// The name of the appended column.
    pub segment_column: String,
    /// The export's file name.
    pub output_file: String,
    /// Rows per segment.
    pub segments: Vec<SegmentSize>,
}

impl Manifest {
    /// The manifest as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
