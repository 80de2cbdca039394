//! Project files (issue #17): a `.segscope` JSON file that keeps a piece of work to open again: the
//! data's fingerprint and read settings, every segmentation with its spec (and a clustering's
//! model), the KPIs, the lifetime-value settings and the page's own choices; the data itself only
//! when the user asks to include it. [`crate::api::Session`] saves one from an open dataset and
//! opens one on the same (or, when the user agrees, another) file.

mod errors;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

pub use errors::ProjectError;

use crate::clv::ClvParams;
use crate::custom_kpi::KpiDef;
use crate::export::{ColumnRecord, FileRecord, TransactionsRecord};
use crate::ingest::ReadOptions;
use crate::reproduce::{Opened, SegmentationRecipe};

/// The format a project file carries in its `format` field.
pub const PROJECT_FORMAT: &str = "segscope.project/1";

/// The most data (input and transactions together, before encoding) a project file holds: the
/// encoded text is a third larger, and the page holds it whole while it saves and opens it.
pub const MOST_INCLUDED_BYTES: u64 = 256_000_000;

/// A saved piece of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Always [`PROJECT_FORMAT`].
    pub format: String,
    /// The Segscope version that saved it.
    pub segscope_version: String,
    /// What the input file was opened as.
    pub opened: Opened,
    /// The input file: name, size and SHA-256.
    pub input: FileRecord,
    /// How it was read.
    pub read_options: ReadOptions,
    /// Its columns and types as read.
    pub columns: Vec<ColumnRecord>,
    /// The transactions attached to it, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionsRecord>,
    /// Every segmentation, in the order made.
    pub segmentations: Vec<ProjectSegmentation>,
    /// The position in `segmentations` of the one the user made current, if they chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<usize>,
    /// The user's KPIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<KpiDef>,
    /// The lifetime-value settings last fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clv: Option<ClvParams>,
    /// The page's own choices (which workspace was open, chart and download settings), kept as
    /// the page gave them.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub view: serde_json::Value,
    /// The data itself, when the user chose to include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<IncludedData>,
}

/// One segmentation of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSegmentation {
    /// Its name and full spec.
    pub recipe: SegmentationRecipe,
    /// A clustering's fitted model (`segscope.cluster-model/1`), applied as it is on opening
    /// (never fitted again, so the clusters are the same on other data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<serde_json::Value>,
    /// True when it is the one its workspace edits (false for a duplicate).
    pub working: bool,
    /// True when the user named it (its workspace no longer renames it).
    pub renamed: bool,
}

/// The data files inside a project, base64-encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludedData {
    /// The input file's bytes.
    pub input: String,
    /// The transactions file's bytes, when transactions were attached to a customers file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<String>,
}

impl IncludedData {
    /// The files' bytes encoded; refused past [`MOST_INCLUDED_BYTES`].
    ///
    /// # Errors
    /// [`ProjectError::TooLarge`].
    pub fn new(input: &[u8], transactions: Option<&[u8]>) -> Result<IncludedData, ProjectError> {
        let total = (input.len() as u64).saturating_add(transactions.map_or(0, |t| t.len() as u64));
        if total > MOST_INCLUDED_BYTES {
            return Err(ProjectError::TooLarge { mb: total as f64 / 1e6, most_mb: MOST_INCLUDED_BYTES / 1_000_000 });
        }
        let encode = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        Ok(IncludedData { input: encode(input), transactions: transactions.map(encode) })
    }

    /// The input file's bytes and the transactions file's, decoded.
    ///
    /// # Errors
    /// [`ProjectError::DamagedData`] naming `file` (the project file).
    pub fn decode(&self, file: &str) -> Result<(Vec<u8>, Option<Vec<u8>>), ProjectError> {
        let decode = |text: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| ProjectError::DamagedData { file: file.to_string(), message: e.to_string() })
        };
        Ok((decode(&self.input)?, self.transactions.as_deref().map(decode).transpose()?))
    }
}

impl Project {
    /// The project as the file holds it (pretty JSON, stable field order).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a project file named `file`.
    ///
    /// # Errors
    /// [`ProjectError::NotAProject`] or [`ProjectError::OtherFormat`], naming the file and the first
    /// thing wrong.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Project, ProjectError> {
        let not = |message: String| ProjectError::NotAProject { file: file.to_string(), message };
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| not(format!("not JSON: {e}")))?;
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_string);
        match text("format").as_deref() {
            Some(PROJECT_FORMAT) => {}
            Some(other) if other.starts_with("segscope.project/") => {
                return Err(ProjectError::OtherFormat {
                    file: file.to_string(),
                    found: other.to_string(),
                    version: text("segscope_version").unwrap_or_else(|| "unknown".into()),
                });
            }
            Some(other) => return Err(not(format!("its format is `{other}`"))),
            None => return Err(not("it has no `format`".into())),
        }
        let project: Project = serde_json::from_value(value).map_err(|e| not(e.to_string()))?;
        if project.current.is_some_and(|i| i >= project.segmentations.len()) {
            return Err(not("its current segmentation is not one of its segmentations".into()));
        }
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_project_says_what_it_is() {
        let e = Project::read("x.segscope", b"a,b\n1,2\n").unwrap_err();
        assert!(e.to_string().starts_with("x.segscope: this is not a Segscope project (not JSON"), "{e}");
        let e = Project::read("m.json", br#"{"format": "segscope.manifest/2"}"#).unwrap_err();
        assert!(e.to_string().contains("its format is `segscope.manifest/2`"), "{e}");
        let e = Project::read("p.segscope", br#"{"format": "segscope.project/7", "segscope_version": "7.1.0"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("segscope.project/7") && e.to_string().contains("7.1.0"), "{e}");
    }

    #[test]
    fn included_data_round_trips_and_is_bounded() {
        let data = IncludedData::new(b"id,age\n1,30\n", Some(b"\xff\x00binary")).unwrap();
        let (input, transactions) = data.decode("p.segscope").unwrap();
        assert_eq!(input, b"id,age\n1,30\n");
        assert_eq!(transactions.as_deref(), Some(&b"\xff\x00binary"[..]));
        let damaged = IncludedData { input: "not base64!".into(), transactions: None };
        let e = damaged.decode("p.segscope").unwrap_err();
        assert!(e.to_string().starts_with("p.segscope: the data saved inside it is damaged"), "{e}");
    }
}
