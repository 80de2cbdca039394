//! The reproducibility manifest written beside every download (`NAME.manifest.json`, or inside a
//! zip): the input's name, size and SHA-256, how it was read and the column types that came out,
//! the transactions file likewise when one was used, the as-of date, the full recipe (every
//! parameter and seed, the definition or model, the request that wrote the files), the Segscope
//! version, and each output's name, size and SHA-256. No clock, and keys in a fixed order, so the
//! same download gives the same manifest. `segscope verify` ([`crate::reproduce`]) re-runs it.

use serde::{Deserialize, Serialize};

use crate::assignment::SegmentSize;
use crate::customers::TransactionMapping;
use crate::ingest::{Diagnostics, ReadOptions};
use crate::reproduce::Recipe;
use crate::table::ColumnType;

/// The manifest's format tag and version.
pub const MANIFEST_FORMAT: &str = "segscope.manifest/2";

/// The first format: the input's name and size, read options and the segmentation, but no hashes
/// and no recipe, so it cannot be re-run.
pub const MANIFEST_FORMAT_V1: &str = "segscope.manifest/1";

/// What a user needs to reproduce a download and check that it was reproduced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The Segscope version that wrote it.
    pub segscope_version: String,
    /// The file the user opened.
    pub input: FileRecord,
    /// How the input was read (as chosen; detected values are in `diagnostics`).
    pub read_options: ReadOptions,
    /// The customer table's columns and their types, as read (for a transactions file opened
    /// alone, the customers made from it).
    pub columns: Vec<ColumnRecord>,
    /// What reading detected and worked around.
    pub diagnostics: Diagnostics,
    /// The transactions file attached to the customers, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionsRecord>,
    /// The as-of date the segmentation used (`YYYY-MM-DD`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// How the segmentation was made, in short (kind, title, parameters, seed), for people.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub segmentation: serde_json::Value,
    /// The cluster model, for a cluster segmentation (`segscope.cluster-model/1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<serde_json::Value>,
    /// Everything needed to make the download again.
    pub recipe: Recipe,
    /// The name of the appended column(s), for a download with segments appended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_column: Option<String>,
    /// The download's (main) file name: the CSV, zip, report or table.
    pub output_file: String,
    /// Rows per segment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentSize>,
    /// The files written, with their sizes and hashes (for a zip, the files inside it).
    pub outputs: Vec<OutputRecord>,
}

/// An input file: name, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file's name as opened.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// A column as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRecord {
    /// The column's name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
}

/// The transactions file a segmentation used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionsRecord {
    /// The file.
    pub file: FileRecord,
    /// How it was read.
    pub read_options: ReadOptions,
    /// Which of its columns hold what.
    pub mapping: TransactionMapping,
}

/// A file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Its name (inside the zip, for a file in a zip).
    pub name: String,
    /// The zip it is in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inside: Option<String>,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

impl ColumnRecord {
    /// Every column of `table`, with its type.
    pub fn all(table: &crate::table::Table) -> Vec<ColumnRecord> {
        table.columns.iter().map(|c| ColumnRecord { name: c.name.clone(), column_type: c.column_type() }).collect()
    }
}

impl OutputRecord {
    /// The record of `bytes` written as `name`.
    pub fn of(name: &str, bytes: &[u8]) -> Self {
        OutputRecord {
            name: name.to_string(),
            inside: None,
            bytes: bytes.len() as u64,
            sha256: crate::reproduce::sha256_hex(bytes),
        }
    }

    /// `name`, or `zip/name` for a file inside a zip.
    pub fn path(&self) -> String {
        match &self.inside {
            Some(zip) => format!("{zip}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The files a download was made from and how they were read: the manifest's first fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Sources {
    /// The file the user opened.
    pub input: FileRecord,
    /// How it was read.
    pub read_options: ReadOptions,
    /// The customer table's columns and their types, as read.
    pub columns: Vec<ColumnRecord>,
    /// What reading detected and worked around.
    pub diagnostics: Diagnostics,
    /// The transactions file attached to the customers, when there was one.
    pub transactions: Option<TransactionsRecord>,
}

/// How a download was made: the manifest's middle fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Making {
    /// The as-of date the segmentation used (`YYYY-MM-DD`), when it has one.
    pub as_of: Option<String>,
    /// The segmentation in short, for people (`Null` when the download is of none).
    pub segmentation: serde_json::Value,
    /// The cluster model, for a cluster segmentation.
    pub model: Option<serde_json::Value>,
    /// Everything needed to make the download again.
    pub recipe: Recipe,
}

impl Manifest {
    /// The manifest of `output_file`, made from `sources` as `making` says, by this Segscope
    /// version, with no appended column, segment sizes or outputs yet. Every manifest is made
    /// here, the page's downloads' and the command line's files' alike.
    pub fn new(sources: Sources, making: Making, output_file: &str) -> Self {
        let Sources { input, read_options, columns, diagnostics, transactions } = sources;
        let Making { as_of, segmentation, model, recipe } = making;
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            segscope_version: env!("CARGO_PKG_VERSION").to_string(),
            input,
            read_options,
            columns,
            diagnostics,
            transactions,
            as_of,
            segmentation,
            model,
            recipe,
            segment_column: None,
            output_file: output_file.to_string(),
            segments: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// The manifest as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
