//! The one typed boundary between the app and the engine.
//!
//! The app sends a [`Request`] and gets a [`Response`]; both are plain serde data, so the same
//! [`Session`] can run on the page's thread today and inside a Web Worker later without the
//! components changing. Results stay in the session and are referred to by id; responses carry
//! small summaries for display, and files as bytes.

mod clv;
mod rfm;
mod rules;
mod transactions;
mod views;
mod wire;

pub use clv::{ClvView, SegmentValue, TopCustomer};
pub use rfm::{GridCell, RfmSegmentRow, RfmView};
pub use rules::{column_values, ProblemView, RuleCount, RulesView};
pub use transactions::AttachView;
pub use views::{AssignmentView, ColumnView, DatasetView, FileOut, PreviewRows};
pub use wire::{Journal, JournalLog, Progress, ReplaceKey};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assignment::{Assignment, SegmentSize};
use crate::customers::TransactionMapping;
use crate::export::{segment_column_name, write_annotated_csv, write_appended, ExportError, Manifest, MANIFEST_FORMAT};
use crate::ingest::{read_table, IngestError, Ingested, ReadOptions};
use crate::progress::Monitor;
use crate::rfm::{RfmError, RfmMap, RfmParams, RfmResult};
use crate::rules::sql::Dialect;
use crate::rules::templates::{self, Suggestion, Template};
use crate::rules::{Definition, RulesError};
use crate::sample::{sample_csv, SampleError, SampleParams};
use crate::split::{split, SplitError, SplitParams};
use crate::stats::TopValue;

/// Refers to a dataset held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DatasetId(pub u32);

/// Refers to an assignment (a set of segments) held by a [`Session`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AssignmentId(pub u32);

/// The most values a value picker lists.
pub const MAX_PICKER_VALUES: usize = 500;

/// The customers' columns and the aggregates of attached transactions.
fn customer_columns(ds: &Dataset) -> Vec<&crate::table::Column> {
    ds.ingested.table.columns.iter().chain(ds.transactions.iter().flat_map(|t| t.columns.iter())).collect()
}

/// A file-name-safe version of a name: letters, digits and dashes.
fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() {
        "segments".into()
    } else {
        s
    }
}

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
        #[serde(skip)]
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
    /// Apply a rule definition: live counts, overlaps and problems.
    ApplyRules {
        /// The dataset.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
    },
    /// Every distinct value of a column with its count (for value pickers).
    ColumnValues {
        /// The dataset.
        dataset: DatasetId,
        /// The column.
        column: String,
    },
    /// The definition as a file (`segscope.segments/1`), with column types and as-of date filled in.
    SaveDefinition {
        /// The dataset it was built on.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
    },
    /// The templates the dataset supports, with their columns guessed.
    SuggestTemplates {
        /// The dataset.
        dataset: DatasetId,
    },
    /// A definition built from a template, to edit.
    FromTemplate {
        /// The dataset (for per-value templates).
        dataset: DatasetId,
        /// The template.
        template: Template,
    },
    /// Read a definition file.
    OpenDefinition {
        /// The file's name.
        name: String,
        /// The file's bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// The SQL that applies a definition in a warehouse.
    RulesSql {
        /// The dataset it was built on.
        dataset: DatasetId,
        /// The definition.
        definition: Definition,
        /// The SQL dialect.
        dialect: Dialect,
        /// The table name to select from.
        table: String,
        /// The transactions table the aggregates are computed from (default `transactions`).
        #[serde(default)]
        transactions_table: Option<String>,
    },
    /// Read a transactions file and join its per-customer aggregates onto a customers dataset.
    AttachTransactions {
        /// The customers dataset.
        dataset: DatasetId,
        /// The transactions file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// How to read it.
        options: ReadOptions,
        /// The column mapping; guessed from names and types when `None`.
        mapping: Option<TransactionMapping>,
    },
    /// Read a dataset as transactions: make a customers dataset with one row per customer key in it,
    /// and attach the transactions to that (for a transactions file without a customers file).
    CustomersFromTransactions {
        /// The dataset that holds the transactions.
        dataset: DatasetId,
    },
    /// Attach the built-in sample's transactions (generated with the same parameters as its customers).
    AttachSampleTransactions {
        /// The sample customers dataset.
        dataset: DatasetId,
        /// The sample's size and seed.
        params: SampleParams,
    },
    /// Change the mapping of attached transactions.
    Remap {
        /// The customers dataset.
        dataset: DatasetId,
        /// The new mapping.
        mapping: TransactionMapping,
    },
    /// Remove attached transactions.
    Detach {
        /// The customers dataset.
        dataset: DatasetId,
    },
    /// RFM scores and named segments of the customers, from their attached transactions.
    Rfm {
        /// The dataset (with transactions attached).
        dataset: DatasetId,
        /// Scoring settings.
        params: RfmParams,
        /// The segment map (the default for the bins when `None`).
        map: Option<RfmMap>,
        /// The as-of date (`YYYY-MM-DD`); the day after the last transaction when `None`.
        as_of: Option<String>,
    },
    /// Customers in one cell of the latest RFM grid.
    RfmCell {
        /// The dataset.
        dataset: DatasetId,
        /// R score.
        r: u8,
        /// F score.
        f: u8,
        /// Rows to return.
        limit: usize,
    },
    /// The latest RFM as files: the per-customer CSV, or the definition (JSON) and its SQL.
    RfmFiles {
        /// The dataset.
        dataset: DatasetId,
        /// `Some` for the definition and SQL in this dialect; `None` for the per-customer CSV.
        dialect: Option<Dialect>,
        /// The customers table name for the SQL.
        customers_table: String,
        /// The transactions table name for the SQL.
        transactions_table: String,
    },
    /// Read a saved RFM segmentation (`segscope.rfm/1`).
    OpenRfmDefinition {
        /// The file's name.
        name: String,
        /// Its bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Customer lifetime value from the attached transactions.
    Clv {
        /// The dataset (with transactions attached).
        dataset: DatasetId,
        /// Settings.
        params: crate::clv::ClvParams,
    },
    /// The latest CLV as files: the per-customer CSV and the fitted parameters (JSON).
    ClvFiles {
        /// The dataset.
        dataset: DatasetId,
    },
    /// Drop a dataset and its assignments.
    Forget {
        /// The dataset.
        dataset: DatasetId,
    },
}

/// The engine's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "response", content = "body", rename_all = "kebab-case")]
pub enum Response {
    /// A dataset was read.
    Dataset(Box<DatasetView>),
    /// Preview rows.
    Preview(PreviewRows),
    /// Segments were made.
    Segmented(AssignmentView),
    /// Files to download.
    Files(Vec<FileOut>),
    /// Rule segments were applied (or their problems found).
    Rules(Box<RulesView>),
    /// A column's values with counts.
    Values(Vec<TopValue>),
    /// A definition was read or built.
    Definition(Box<Definition>),
    /// Templates the data supports.
    Templates(Vec<Suggestion>),
    /// Transactions were attached (or re-mapped).
    Attached(Box<AttachView>),
    /// A customers dataset was made from transactions, and the transactions attached to it.
    Derived {
        /// The new customers dataset.
        dataset: Box<DatasetView>,
        /// The attached transactions.
        attached: Box<AttachView>,
    },
    /// RFM was computed.
    Rfm(Box<RfmView>),
    /// Lifetime value was computed.
    Clv(Box<ClvView>),
    /// A saved RFM segmentation was read.
    RfmDefinition(Box<crate::rfm::RfmDefinition>),
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
    /// RFM could not be computed.
    #[error(transparent)]
    Rfm(#[from] RfmError),
    /// Lifetime value could not be computed.
    #[error(transparent)]
    Clv(#[from] crate::clv::ClvError),
    /// Transactions could not be joined.
    #[error(transparent)]
    Customers(#[from] crate::customers::CustomersError),
    /// A rule definition could not be read or does not fit.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// A dataset id the session does not hold (it was closed).
    #[error("that data is no longer open; open the file again.")]
    UnknownDataset,
    /// An assignment id the session does not hold.
    #[error("those segments are no longer available; make them again.")]
    UnknownAssignment,
}

/// A segmentation held for a dataset: how it was made (for the manifest) and its result.
struct Stored {
    spec: serde_json::Value,
    assignment: Assignment,
    /// Overlapping rule segments: (segment name, membership per row), exported as flag columns.
    flags: Option<Vec<(String, Vec<bool>)>>,
}

struct Dataset {
    file: Vec<u8>,
    options: ReadOptions,
    ingested: Ingested,
    assignments: BTreeMap<AssignmentId, Stored>,
    transactions: Option<transactions::Attached>,
    /// The latest RFM: settings, map and result (for cell previews and downloads).
    rfm: Option<(RfmParams, RfmMap, RfmResult)>,
    /// The latest CLV: settings and result (for downloads).
    clv: Option<(crate::clv::ClvParams, crate::clv::ClvResult)>,
    /// The id the rule segments of this dataset are kept under, once rules were applied.
    rules_id: Option<AssignmentId>,
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
        self.try_handle(request, monitor).unwrap_or_else(|e| Response::Error { message: e.to_string() })
    }

    fn fresh_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn try_handle(&mut self, request: Request, monitor: &mut dyn Monitor) -> Result<Response, EngineError> {
        match request {
            Request::Ingest { name, bytes, options } => self.ingest(name, bytes, options, monitor),
            Request::LoadSample { params } => {
                let valid = params.check()?;
                let (customers, _transactions) = sample_csv(&valid)?;
                self.ingest("sample-customers.csv".to_string(), customers, ReadOptions::default(), monitor)
            }
            Request::Reread { dataset, options } => {
                let id = dataset;
                let ds = self.datasets.get_mut(&id).ok_or(EngineError::UnknownDataset)?;
                let ingested = read_table(&ds.ingested.table.name, &ds.file, &options, monitor)?;
                ds.ingested = ingested;
                ds.options = options;
                ds.assignments.clear();
                ds.rfm = None;
                ds.clv = None;
                if let Some(t) = ds.transactions.as_mut() {
                    t.rejoin(&ds.ingested.table)?;
                }
                Ok(Response::Dataset(Box::new(DatasetView::new(id, &ds.ingested, &ds.options))))
            }
            Request::Preview { dataset, segment, offset, limit } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let table = &ds.ingested.table;
                let rows: Vec<usize> = match segment {
                    Some((a, code)) => {
                        let stored = ds.assignments.get(&a).ok_or(EngineError::UnknownAssignment)?;
                        match &stored.flags {
                            Some(flags) => flags
                                .get(code as usize)
                                .map(|(_, f)| {
                                    f.iter()
                                        .enumerate()
                                        .filter(|(_, &b)| b)
                                        .map(|(r, _)| r)
                                        .skip(offset)
                                        .take(limit)
                                        .collect()
                                })
                                .unwrap_or_default(),
                            None => stored.assignment.rows_in(code).skip(offset).take(limit).collect(),
                        }
                    }
                    None => (offset..table.rows()).take(limit).collect(),
                };
                Ok(Response::Preview(PreviewRows::of(table, &rows)))
            }
            Request::Split { dataset, params } => {
                let id = AssignmentId(self.fresh_id());
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let valid = params.check(&ds.ingested.table)?;
                let assignment = split(&ds.ingested.table, &valid);
                let view = AssignmentView::new(id, dataset, &params.column, &assignment);
                let spec =
                    serde_json::json!({ "kind": "split-by-column", "title": assignment.title, "params": params });
                ds.assignments.insert(id, Stored { spec, assignment, flags: None });
                Ok(Response::Segmented(view))
            }
            Request::ExportCsv { dataset, assignment } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let stored = ds.assignments.get(&assignment).ok_or(EngineError::UnknownAssignment)?;
                let a = &stored.assignment;
                let table = &ds.ingested.table;
                let column = segment_column_name(table, "segment");
                let mut csv = Vec::with_capacity(table.source.bytes.len() + table.rows() * 16);
                let (column, sizes) = match &stored.flags {
                    None => {
                        write_annotated_csv(table, a, &column, &mut csv)?;
                        (column, a.sizes())
                    }
                    Some(flags) => {
                        let names: Vec<String> = flags.iter().map(|(n, _)| n.clone()).collect();
                        let value = |r: usize, v: &mut Vec<String>| {
                            v.extend(flags.iter().map(|(_, f)| f.get(r).copied().unwrap_or(false).to_string()))
                        };
                        write_appended(table, &names, value, true, &mut csv)?;
                        let total = table.rows().max(1) as f64;
                        let sizes = flags
                            .iter()
                            .map(|(name, f)| {
                                let count = f.iter().filter(|&&b| b).count() as u64;
                                SegmentSize { name: name.clone(), count, share: count as f64 / total }
                            })
                            .collect();
                        (names.join(", "), sizes)
                    }
                };
                let stem = table.name.rsplit_once('.').map_or(table.name.as_str(), |(s, _)| s);
                let output_file = format!("{stem}-segments.csv");
                let manifest = Manifest {
                    format: MANIFEST_FORMAT.to_string(),
                    segscope_version: env!("CARGO_PKG_VERSION").to_string(),
                    input_file: table.name.clone(),
                    input_bytes: ds.ingested.diagnostics.bytes,
                    read_options: ds.options.clone(),
                    diagnostics: ds.ingested.diagnostics.clone(),
                    segmentation: stored.spec.clone(),
                    segment_column: column,
                    output_file: output_file.clone(),
                    segments: sizes,
                };
                Ok(Response::Files(vec![
                    FileOut {
                        name: format!("{output_file}.manifest.json"),
                        mime: "application/json".into(),
                        bytes: manifest.to_json().into_bytes(),
                    },
                    FileOut { name: output_file, mime: "text/csv".into(), bytes: csv },
                ]))
            }
            Request::ApplyRules { dataset, definition } => {
                // One id per dataset for its rule segments, whatever was applied before: so a live
                // count leaves the session as if only it had run (`wire::Journal::Replaceable`).
                let kept = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?.rules_id;
                let id = kept.unwrap_or_else(|| AssignmentId(self.fresh_id()));
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                ds.rules_id = Some(id);
                let customers = rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let (view, stored) = rules::apply(id, &definition, customers);
                // Keep only the latest rule result: live counts make one per edit.
                ds.assignments.retain(|_, s| s.spec.get("kind").and_then(|k| k.as_str()) != Some("rules"));
                if let Some(stored) = stored {
                    ds.assignments.insert(id, stored);
                }
                Ok(Response::Rules(Box::new(view)))
            }
            Request::ColumnValues { dataset, column } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                Ok(Response::Values(rules::column_values(&ds.ingested.table, &column, MAX_PICKER_VALUES)))
            }
            Request::SaveDefinition { dataset, definition } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let saved = rules::completed(
                    &definition,
                    rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() },
                );
                let stem = slug(saved.name.as_deref().unwrap_or("segments"));
                Ok(Response::Files(vec![FileOut {
                    name: format!("{stem}.segments.json"),
                    mime: "application/json".into(),
                    bytes: saved.to_json().into_bytes(),
                }]))
            }
            Request::SuggestTemplates { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let columns = customer_columns(ds);
                Ok(Response::Templates(templates::suggest(&columns)))
            }
            Request::FromTemplate { dataset, template } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let columns = customer_columns(ds);
                Ok(Response::Definition(Box::new(templates::build(&template, &columns))))
            }
            Request::OpenDefinition { name, bytes } => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| RulesError::Format(format!("{name} is not UTF-8 text; a definition file is JSON.")))?;
                let def = Definition::from_json(&text).map_err(|e| RulesError::Format(format!("{name}: {e}")))?;
                Ok(Response::Definition(Box::new(def)))
            }
            Request::RulesSql { dataset, definition, dialect, table, transactions_table } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let customers = rules::Customers { table: &ds.ingested.table, attached: ds.transactions.as_ref() };
                let text = rules::sql(&definition, customers, dialect, &table, transactions_table.as_deref())?;
                let stem = slug(definition.name.as_deref().unwrap_or("segments"));
                Ok(Response::Files(vec![FileOut {
                    name: format!("{stem}.{}.sql", dialect.label()),
                    mime: "application/sql".into(),
                    bytes: text.into_bytes(),
                }]))
            }
            Request::AttachTransactions { dataset, name, bytes, options, mapping } => {
                let ingested = read_table(&name, &bytes, &options, monitor)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = transactions::Attached::new(ingested, mapping, &ds.ingested.table, monitor)?;
                let view = attached.view();
                ds.transactions = Some(attached);
                Ok(Response::Attached(Box::new(view)))
            }
            Request::CustomersFromTransactions { dataset } => self.customers_from_transactions(dataset, monitor),
            Request::AttachSampleTransactions { dataset, params } => {
                let (_, bytes) = sample_csv(&params.check()?)?;
                let ingested = read_table("sample-transactions.csv", &bytes, &ReadOptions::default(), monitor)?;
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = transactions::Attached::new(ingested, None, &ds.ingested.table, monitor)?;
                let view = attached.view();
                ds.transactions = Some(attached);
                Ok(Response::Attached(Box::new(view)))
            }
            Request::Remap { dataset, mapping } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let old = ds.transactions.take().ok_or(crate::customers::CustomersError::NoTransactions)?;
                match transactions::Attached::new(old.ingested.clone(), Some(mapping), &ds.ingested.table, monitor) {
                    Ok(attached) => {
                        let view = attached.view();
                        ds.transactions = Some(attached);
                        Ok(Response::Attached(Box::new(view)))
                    }
                    Err(e) => {
                        ds.transactions = Some(old);
                        Err(e.into())
                    }
                }
            }
            Request::Detach { dataset } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                ds.transactions = None;
                Ok(Response::Done)
            }
            Request::Rfm { dataset, params, map, as_of } => {
                let id = AssignmentId(self.fresh_id());
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let run = rfm::RfmRun { table: &ds.ingested.table, attached };
                let (result, map, default) = run.compute(&params, map, as_of.as_deref())?;
                let (view, stored) = run.view(id, &params, &map, &result, default);
                ds.assignments.retain(|_, s| s.spec.get("kind").and_then(|k| k.as_str()) != Some("rfm"));
                ds.assignments.insert(id, stored);
                ds.rfm = Some((params, map, result));
                Ok(Response::Rfm(Box::new(view)))
            }
            Request::RfmCell { dataset, r, f, limit } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (_, _, result) = ds.rfm.as_ref().ok_or(EngineError::UnknownAssignment)?;
                let rows: Vec<usize> = result
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.scores.is_some_and(|s| s[0] == r && s[1] == f))
                    .map(|(i, _)| i)
                    .take(limit)
                    .collect();
                Ok(Response::Preview(PreviewRows::of(&ds.ingested.table, &rows)))
            }
            Request::RfmFiles { dataset, dialect, customers_table, transactions_table } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (params, map, result) = ds.rfm.as_ref().ok_or(EngineError::UnknownAssignment)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let run = rfm::RfmRun { table: &ds.ingested.table, attached };
                let files = match dialect {
                    None => vec![run.csv(result).map_err(ExportError::Io)?],
                    Some(d) => run.definition_files(params, map, result, d, &customers_table, &transactions_table)?,
                };
                Ok(Response::Files(files))
            }
            Request::OpenRfmDefinition { name, bytes } => {
                let bad = |why: String| RfmError::Params(format!("{name} is not a saved RFM segmentation: {why}"));
                let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text".into()))?;
                let def: crate::rfm::RfmDefinition = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
                if def.format != crate::rfm::FORMAT {
                    return Err(bad(format!("its format is `{}`, not `{}`", def.format, crate::rfm::FORMAT)).into());
                }
                def.params.check()?;
                def.map.check(def.params.bins)?;
                Ok(Response::RfmDefinition(Box::new(def)))
            }
            Request::Clv { dataset, params } => {
                let ds = self.datasets.get_mut(&dataset).ok_or(EngineError::UnknownDataset)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                let (view, result) =
                    clv::run(&ds.ingested.table, attached, &params, ds.rfm.as_ref().map(|r| &r.2), monitor)?;
                ds.clv = Some((params, result));
                Ok(Response::Clv(Box::new(view)))
            }
            Request::ClvFiles { dataset } => {
                let ds = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?;
                let (params, result) = ds.clv.as_ref().ok_or(EngineError::UnknownAssignment)?;
                let attached = ds.transactions.as_ref().ok_or(crate::customers::CustomersError::NoTransactions)?;
                Ok(Response::Files(clv::files(&ds.ingested.table, attached, params, result).map_err(ExportError::Io)?))
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
        Ok(Response::Dataset(self.open(name, bytes, options, monitor)?))
    }

    fn customers_from_transactions(
        &mut self,
        dataset: DatasetId,
        monitor: &mut dyn Monitor,
    ) -> Result<Response, EngineError> {
        let ingested = self.datasets.get(&dataset).ok_or(EngineError::UnknownDataset)?.ingested.clone();
        let mut attached = transactions::Attached::standalone(ingested, monitor)?;
        let mut options = ReadOptions::default();
        options.types.insert(attached.mapping.customer_id.clone(), crate::table::ColumnType::Text);
        let name = format!("customers of {}", attached.ingested.table.name);
        let view = self.open(name, attached.customer_list()?, options, monitor)?;
        let ds = self.datasets.get_mut(&view.id).ok_or(EngineError::UnknownDataset)?;
        attached.rejoin(&ds.ingested.table)?;
        let attached_view = attached.view();
        ds.transactions = Some(attached);
        Ok(Response::Derived { dataset: view, attached: Box::new(attached_view) })
    }

    fn open(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        options: ReadOptions,
        monitor: &mut dyn Monitor,
    ) -> Result<Box<DatasetView>, EngineError> {
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
                transactions: None,
                rfm: None,
                clv: None,
                rules_id: None,
            },
        );
        Ok(Box::new(view))
    }
}
