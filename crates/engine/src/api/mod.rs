//! The one typed boundary between the app and the engine.
//!
//! The app sends a [`Request`] and gets a [`Response`]; both are plain serde data, so the same
//! [`Session`] can run on the page's thread today and inside a Web Worker later without the
//! components changing. Results stay in the session and are referred to by id; responses carry
//! small summaries for display, and files as bytes.

mod views;

pub use views::{AssignmentView, ColumnView, DatasetView, FileOut, PreviewRows};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assignment::Assignment;
use crate::export::{
    segment_column_name, write_annotated_csv, ExportError, Manifest, MANIFEST_FORMAT,
};
use crate::ingest::{read_table, IngestError, Ingested, ReadOptions};
use crate::progress::Monitor;
use crate::sample::{sample_csv, SampleError, SampleParams};
use crate::split::{split, SplitError, SplitParams};

/// Refers to a dataset held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DatasetId(pub u32);

/// Refers to an assignment (a set of segments) held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AssignmentId(pub u32);

/// Rows the dataset view shows before the user asks for more.
pub const PREVIEW_ROWS: usize = 20;

/// Something the app asks the engine to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// Read a file into a new dataset.
    Ingest {
        /// The file's name.
        name: String,
        /// The file's bytes.
        bytes: Vec<u8>,
        /// How to read it.
        options: ReadOptions,
    },
    /// Generate the built-in sample customers and read them into a new dataset.
    LoadSample {
        /// How many customers, and the seed.
        params: SampleParams,
    },
    /// Read a dataset's file again with other options (a changed column type, delimiter...).
    Reread {
        /// The dataset.
        dataset: DatasetId,
        /// The new options.
        options: ReadOptions,
    },
    /// Rows of a dataset as written in the file, optionally only those of one segment.
    Preview {
        /// The dataset.
        dataset: DatasetId,
        /// Only rows in this segment (assignment and segment index).
        segment: Option<(AssignmentId, u32)>,
        /// Rows to skip.
        offset: usize,
        /// Rows to return.
        limit: usize,
    },
    /// Split a dataset into segments by one column.
    Split {
        /// The dataset.
        dataset: DatasetId,
        /// How.
        params: SplitParams,
    },
    /// The dataset's file with a segment column appended (CSV), and its manifest.
    ExportCsv {
        /// The dataset.
        dataset: DatasetId,
        /// The segments.
        assignment: AssignmentId,
    },
    /// Drop a dataset and its assignments.
    Forget {
        /// The dataset.
        dataset: DatasetId,
    },
}

/// The engine's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "response", rename_all = "kebab-case")]
pub enum Response {
    /// A dataset was read.
    Dataset(Box<DatasetView>),
    /// Preview rows.
    Preview(PreviewRows),
    /// Segments were made.
    Segmented(AssignmentView),
    /// Files to download.
    Files(Vec<FileOut>),
    /// Done, nothing to show.
    Done,
    /// The request failed; the message is for the user.
    Error {
        /// A sentence saying what went wrong and what to do.
        message: String,
    },
}

/// Why a request failed. `Display` is the message the user sees.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Reading a file failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Splitting failed.
    #[error("Cannot split: {0}")]
    Split(#[from] SplitError),
    /// Generating the sample failed.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// Writing an export failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A dataset id the session does not hold (it was closed).
    #[error("that data is no longer open; open the file again.")]
    UnknownDataset,
    /// An assignment id the session does not hold.
    #[error("those segments are no longer available; make them again.")]
    UnknownAssignment,
}

struct Dataset {
    file: Vec<u8>,
    options: ReadOptions,
    ingested: Ingested,
    assignments: BTreeMap<AssignmentId, (SplitParams, Assignment)>,
}

/// The engine's state for one user: open datasets and their segmentations.
#[derive(Default)]
pub struct Session {
    datasets: BTreeMap<DatasetId, Dataset>,
    next_id: u32,
}

impl Session {
    /// A session with nothing open.
    pub fn new() -> Self {
        Self::default()
    }

    /// Carries out one request. Failures become [`Response::Error`] with the user's message.
    pub fn handle(&mut self, request: Request, monitor: &mut dyn Monitor) -> Response {
        self.try_handle(request, monitor)
            .unwrap_or_else(|e| Response::Error {
                message: e.to_string(),
            })
    }

    fn fresh_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn try_handle(
        &mut self,
        request: Request,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        match request {
            Request::Ingest {
                name,
                bytes,
                options,
            } => self.ingest(name, bytes, options, monitor),
            Request::LoadSample { params } => {
                let valid = params.check()?;
                let (customers, _transactions) = sample_csv(&valid)?;
                self.ingest(
                    "sample-customers.csv".to_string(),
                    customers,
                    ReadOptions::default(),
                    monitor,
                )
            }
            Request::Reread { dataset, options } => {
                let id = dataset;
                let ds = self
                    .datasets
                    .get_mut(&id)
                    .ok_or(EngineError::UnknownDataset)?;
                let ingested = read_table(&ds.ingested.table.name, &ds.file, &options, monitor)?;
                ds.ingested = ingested;
                ds.options = options;
                ds.assignments.clear();
                Ok(Response::Dataset(Box::new(DatasetView::new(
                    id,
                    &ds.ingested,
                    &ds.options,
                ))))
            }
            Request::Preview {
                dataset,
                segment,
                offset,
                limit,
            } => {
                let ds = self
                    .datasets
                    .get(&dataset)
                    .ok_or(EngineError::UnknownDataset)?;
                let table = &ds.ingested.table;
                let rows: Vec<usize> = match segment {
                    Some((a, code)) => {
                        let (_, assignment) = ds
                            .assignments
                            .get(&a)
                            .ok_or(EngineError::UnknownAssignment)?;
                        assignment.rows_in(code).skip(offset).take(limit).collect()
                    }
                    None => (offset..table.rows()).take(limit).collect(),
                };
                Ok(Response::Preview(PreviewRows::of(table, &rows)))
            }
            Request::Split { dataset, params } => {
                let id = AssignmentId(self.fresh_id());
                let ds = self
                    .datasets
                    .get_mut(&dataset)
                    .ok_or(EngineError::UnknownDataset)?;
                let valid = params.check(&ds.ingested.table)?;
                let assignment = split(&ds.ingested.table, &valid);
                let view = AssignmentView::new(id, dataset, &params.column, &assignment);
                ds.assignments.insert(id, (params, assignment));
                Ok(Response::Segmented(view))
            }
            Request::ExportCsv {
                dataset,
                assignment,
            } => {
                let ds = self
                    .datasets
                    .get(&dataset)
                    .ok_or(EngineError::UnknownDataset)?;
                let (params, a) = ds
                    .assignments
                    .get(&assignment)
                    .ok_or(EngineError::UnknownAssignment)?;
                let table = &ds.ingested.table;
                let column = segment_column_name(table, "segment");
                let mut csv = Vec::with_capacity(table.source.bytes.len() + table.rows() * 16);
                write_annotated_csv(table, a, &column, &mut csv)?;
                let stem = table
                    .name
                    .rsplit_once('.')
                    .map_or(table.name.as_str(), |(s, _)| s);
                let output_file = format!("{stem}-segments.csv");
                let manifest = Manifest {
                    format: MANIFEST_FORMAT.to_string(),
                    segscope_version: env!("CARGO_PKG_VERSION").to_string(),
                    input_file: table.name.clone(),
                    input_bytes: ds.ingested.diagnostics.bytes,
                    read_options: ds.options.clone(),
                    diagnostics: ds.ingested.diagnostics.clone(),
                    segmentation: serde_json::json!({ "kind": "split-by-column", "title": a.title, "params": params }),
                    segment_column: column,
                    output_file: output_file.clone(),
                    segments: a.sizes(),
                };
                Ok(Response::Files(vec![
                    FileOut {
                        name: format!("{output_file}.manifest.json"),
                        mime: "application/json".into(),
                        bytes: manifest.to_json().into_bytes(),
                    },
                    FileOut {
                        name: output_file,
                        mime: "text/csv".into(),
                        bytes: csv,
                    },
                ]))
            }
            Request::Forget { dataset } => {
                self.datasets.remove(&dataset);
                Ok(Response::Done)
            }
        }
    }

    fn ingest(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        options: ReadOptions,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        let ingested = read_table(&name, &bytes, &options, monitor)?;
        let id = DatasetId(self.fresh_id());
        let view = DatasetView::new(id, &ingested, &options);
        self.datasets.insert(
            id,
            Dataset {
                file: bytes,
                options,
                ingested,
                assignments: BTreeMap::new(),
            },
        );
        Ok(Response::Dataset(Box::new(view)))
    }
}
