//! Manifests of the files the command line writes (`segscope apply`, `rfm`, `clv`, `cluster`,
//! `profile`): the same `segscope.manifest/2` as the page's downloads, made by
//! [`Manifest::new`]. A file the page also downloads records that download (and the name it was
//! written under), so [`super::verify`] makes it again through [`crate::api::Session`]; a file
//! only the command line writes records a [`Download`] that [`replay`] makes again with the
//! engine functions the command line runs.

use std::io::Cursor;

use serde_json::{json, Value};

use super::errors::VerifyError;
use super::recipe::{Download, Opened, Recipe, ReportSegments, SegmentationRecipe};
use crate::api::FileOut;
use crate::assignment::SegmentSize;
use crate::cluster::model::ClusterModel;
use crate::clv::ClvParams;
use crate::custom_kpi::KpiDef;
use crate::customers::{InOrder, MappingOverrides, TransactionMapping};
use crate::export::{ColumnRecord, FileRecord, Making, Manifest, OutputRecord, Sources, TransactionsRecord};
use crate::ingest::{Diagnostics, Ingested, ReadOptions};
use crate::progress::Monitor;
use crate::stream::{ApplySummary, CustomerTable, SegmentSource, TransactionsInput, PART_RECORDS};
use crate::table::ColumnType;
use crate::typed::Typed;

impl FileRecord {
    /// The record of a file called `name` (its name without the folder, as the page knows a
    /// file) whose bytes `reader` gives, hashed a MiB at a time.
    ///
    /// # Errors
    /// The reader failed.
    pub fn read(name: &str, reader: impl std::io::Read) -> std::io::Result<FileRecord> {
        let (sha256, bytes) = super::sha256_of_reader(reader)?;
        Ok(FileRecord { name: name.to_string(), bytes, sha256 })
    }
}

impl Sources {
    /// A customers file `file`, read with `options` into `read` (the whole file).
    pub fn of_file(file: FileRecord, options: &ReadOptions, read: &Ingested) -> Sources {
        let mut diagnostics = read.diagnostics.clone();
        diagnostics.file.clone_from(&file.name);
        let columns = ColumnRecord::all(&read.table);
        Sources { input: file, read_options: options.clone(), columns, diagnostics, transactions: None }
    }

    /// A customers file read in parts by [`crate::stream`]: the first part's columns and types
    /// (pinned for the rest), with the rows and warnings of every part.
    pub fn of_parts(file: FileRecord, options: &ReadOptions, summary: &ApplySummary) -> Sources {
        let mut sources = Sources::of_file(file, options, &summary.first_part);
        sources.diagnostics.rows = summary.rows;
        sources.diagnostics.warnings.clone_from(&summary.warnings);
        sources
    }

    /// A transactions file opened alone, read with `options` (`read`: its diagnostics) and
    /// `mapping`: the customers are its keys, one text column named after the customer id
    /// column, as the page lists them.
    pub fn of_transactions_alone(
        file: FileRecord,
        options: &ReadOptions,
        read: &Diagnostics,
        mapping: &TransactionMapping,
    ) -> Sources {
        let mut diagnostics = read.clone();
        diagnostics.file.clone_from(&file.name);
        let columns = vec![ColumnRecord { name: mapping.customer_id.clone(), column_type: ColumnType::Text }];
        Sources { input: file, read_options: options.clone(), columns, diagnostics, transactions: None }
    }

    /// These sources with the transactions file `file`, read with `options` and `mapping`,
    /// attached to the customers.
    pub fn with_transactions(self, file: FileRecord, options: &ReadOptions, mapping: &TransactionMapping) -> Sources {
        let record = TransactionsRecord { file, read_options: options.clone(), mapping: mapping.clone() };
        Sources { transactions: Some(record), ..self }
    }
}

impl SegmentationRecipe {
    /// Rule segments as applied, named as the page names them until the user renames them.
    pub fn rules(definition: crate::rules::Definition) -> SegmentationRecipe {
        let name = definition.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "Rule segments".into());
        SegmentationRecipe::Rules { name, definition: Box::new(definition) }
    }

    /// RFM with these settings, map and typed as-of date (`None`: the default), named as the
    /// page names it.
    pub fn rfm(params: crate::rfm::RfmParams, map: crate::rfm::RfmMap, as_of: Option<String>) -> SegmentationRecipe {
        SegmentationRecipe::Rfm { name: "RFM segments".into(), params, map, as_of }
    }

    /// A clustering fitted with `params` (as checked) into `model`, named as the page names it.
    pub fn clusters(params: crate::cluster::params::ClusterParams, model: &ClusterModel) -> SegmentationRecipe {
        SegmentationRecipe::Clusters { name: model.title(), params, k: model.k, names: model.names() }
    }
}

/// How the command line made a file: what it read, and the recipe that makes it again. One
/// manifest per file written ([`Command::manifest`]).
#[derive(Debug, Clone)]
pub struct Command {
    /// What the input was opened as.
    pub opened: Opened,
    /// The files read and how ([`Sources::of_file`], [`Sources::of_parts`],
    /// [`Sources::of_transactions_alone`]).
    pub sources: Sources,
    /// For a transactions file opened alone: the mapping it was read with.
    pub mapping: Option<TransactionMapping>,
    /// The as-of date used (`YYYY-MM-DD`), when the file depends on one.
    pub as_of: Option<String>,
    /// The segmentation the file is of, when the page makes it too.
    pub segmentation: Option<SegmentationRecipe>,
    /// The cluster model that labelled or profiled the customers (fitted by the command, or given).
    pub model: Option<ClusterModel>,
    /// The user's KPIs the file shows.
    pub kpis: Vec<KpiDef>,
    /// The lifetime-value settings the file shows.
    pub clv: Option<ClvParams>,
    /// The page's download the file is one of, or a file only the command line writes.
    pub download: Download,
    /// The names the command wrote the download's files under, in the download's order.
    pub written_as: Vec<String>,
    /// For the input with its segments appended: the column(s) appended and the segments' sizes.
    pub appended: Option<(String, Vec<SegmentSize>)>,
}

impl Command {
    /// A command that read `sources` (opened as `opened`) and wrote `download` under the names
    /// `written_as`; the rest is empty, to be set.
    pub fn new(opened: Opened, sources: Sources, download: Download, written_as: Vec<String>) -> Command {
        Command {
            opened,
            sources,
            mapping: None,
            as_of: None,
            segmentation: None,
            model: None,
            kpis: Vec::new(),
            clv: None,
            download,
            written_as,
            appended: None,
        }
    }

    /// The report `segscope profile` wrote (`written`) on the segments `source` gives, profiled
    /// with `options` (and `niches`) as `format`: for rule segments and RFM the page's report
    /// download of that segmentation; for a segment column or a model fitted elsewhere, which the
    /// page does not make, a report made again as the command line makes it.
    pub fn profile(
        sources: Sources,
        source: &SegmentSource<'_>,
        options: &crate::profile::ProfileOptions,
        niches: Option<&crate::profile::NicheParams>,
        format: crate::report::ReportFormat,
        written: String,
    ) -> Command {
        let (options, niches) = (Box::new(options.clone()), niches.cloned());
        let mapping = sources.transactions.as_ref().map(|t| t.mapping.clone());
        let page = |options, niches| Download::ProfileFiles { options, niches, format };
        let own = |segments, options, niches| Download::SegmentReport { segments, options, niches, format };
        let (download, segmentation, model) = match source {
            SegmentSource::Rules(definition) => {
                let mut applied = (*definition).clone();
                applied.transactions = mapping.or(applied.transactions);
                (page(options, niches), Some(SegmentationRecipe::rules(applied)), None)
            }
            SegmentSource::Rfm(d) => {
                let rfm = SegmentationRecipe::rfm(d.params.clone(), d.map.clone(), d.as_of.clone());
                (page(options, niches), Some(rfm), None)
            }
            SegmentSource::Column(column) => {
                (own(ReportSegments::Column { column: column.to_string() }, options, niches), None, None)
            }
            SegmentSource::Model(model) => (own(ReportSegments::Model, options, niches), None, Some((*model).clone())),
        };
        let mut command = Command::new(Opened::Table, sources, download, vec![written]);
        command.segmentation = segmentation;
        command.model = model;
        command
    }

    /// The manifest of the file `output` (the file written, named without its folder), as the
    /// page's downloads record theirs.
    pub fn manifest(&self, output: OutputRecord) -> Manifest {
        let mapping = self.sources.transactions.as_ref().map(|t| &t.mapping);
        let recipe = Recipe {
            opened: self.opened,
            mapping: self.mapping.clone().filter(|_| self.opened == Opened::Transactions),
            segmentation: self.segmentation.clone(),
            kpis: self.kpis.clone(),
            clv: self.clv.clone(),
            download: self.download.clone(),
            written_as: self.written_as.clone(),
        };
        let making = Making {
            as_of: self.as_of.clone(),
            segmentation: self.summary(mapping),
            model: self.model.as_ref().and_then(|m| serde_json::to_value(m).ok()),
            recipe,
        };
        let mut m = Manifest::new(self.sources.clone(), making, &output.name);
        if let Some((column, sizes)) = &self.appended {
            m.segment_column = Some(column.clone());
            m.segments.clone_from(sizes);
        }
        m.outputs = vec![output];
        m
    }

    /// The segmentation in short, for people, as the page's manifests say it.
    fn summary(&self, mapping: Option<&TransactionMapping>) -> Value {
        if let Some(model) = &self.model {
            return model.summary();
        }
        match (&self.segmentation, &self.download) {
            (Some(SegmentationRecipe::Rules { definition, .. }), _) => {
                let mut definition = definition.as_ref().clone();
                definition.as_of = definition.as_of.or_else(|| self.as_of.clone());
                definition.transactions = definition.transactions.or_else(|| mapping.cloned());
                json!({ "kind": "rules", "definition": definition })
            }
            (Some(SegmentationRecipe::Rfm { params, map, .. }), _) => {
                let definition = crate::rfm::RfmDefinition {
                    format: crate::rfm::FORMAT.to_string(),
                    as_of: self.as_of.clone(),
                    transactions: mapping.cloned(),
                    params: params.clone(),
                    map: map.clone(),
                };
                json!({ "kind": "rfm", "definition": definition })
            }
            (Some(SegmentationRecipe::Split { params, .. }), _) => {
                json!({ "kind": "split-by-column", "params": params })
            }
            (_, Download::SegmentReport { segments: ReportSegments::Column { column }, .. }) => {
                json!({ "kind": "segment-column", "column": column })
            }
            _ => Value::Null,
        }
    }
}

/// The manifest's transactions file, open: its record and bytes.
struct Transactions<'a> {
    record: &'a TransactionsRecord,
    bytes: Cursor<&'a [u8]>,
}

impl Transactions<'_> {
    /// The file as the engine reads it, with the recorded mapping (as `stored`: no column guessed).
    fn input<'b>(&'b mut self, workers: &'b mut InOrder) -> TransactionsInput<'b> {
        TransactionsInput {
            name: &self.record.file.name,
            input: &mut self.bytes,
            options: &self.record.read_options,
            mapping: MappingOverrides::default(),
            workers,
        }
    }
}

fn rerun(e: impl std::fmt::Display) -> VerifyError {
    VerifyError::Rerun(e.to_string())
}

/// The manifest's model (a file only the command line writes may be made with one fitted elsewhere).
fn model_of(manifest: &Manifest) -> Result<ClusterModel, VerifyError> {
    let value = manifest.model.as_ref().ok_or_else(|| VerifyError::BadRecipe("it records no cluster model".into()))?;
    crate::definitions::read_cluster_model("the manifest's model", value.to_string().as_bytes())
        .map_err(|e| VerifyError::BadRecipe(e.to_string()))
}

/// The recipe's clustering (its settings and k) and the names its clusters were given.
fn clustering(manifest: &Manifest) -> Option<(&crate::cluster::params::ClusterParams, usize, &[String])> {
    match &manifest.recipe.segmentation {
        Some(SegmentationRecipe::Clusters { params, k, names, .. }) => Some((params, *k, names)),
        _ => None,
    }
}

/// Makes a file only the command line writes again from its manifest, with the engine functions
/// the command line runs, on `input` (and the manifest's `transactions`): the file, named as the
/// recipe's first written name.
///
/// # Errors
/// [`VerifyError::BadRecipe`] when the recipe lacks what the file needs (a segmentation, a
/// model, the transactions), [`VerifyError::Rerun`] with the engine's sentence when making it fails.
pub(super) fn replay(
    manifest: &Manifest,
    input: &[u8],
    transactions: Option<&[u8]>,
    monitor: &mut dyn Monitor,
) -> Result<Vec<FileOut>, VerifyError> {
    let recipe = &manifest.recipe;
    let name = &manifest.input.name;
    let options = &manifest.read_options;
    let mut tx = match (&manifest.transactions, transactions) {
        (Some(record), Some(bytes)) => Some(Transactions { record, bytes: Cursor::new(bytes) }),
        _ => None,
    };
    let stored = tx.as_ref().map(|t| t.record.mapping.clone());
    let mut workers = InOrder;
    let mut out = Vec::new();
    // The customers, with the aggregates of the transactions joined on (cluster and profile files).
    let mut customers = |tx: Option<&mut Transactions<'_>>, monitor: &mut dyn Monitor| {
        let mut input_tx = tx.map(|t| t.input(&mut workers));
        crate::stream::customer_table(name, input, options, input_tx.as_mut(), stored.as_ref(), monitor).map_err(rerun)
    };
    match &recipe.download {
        Download::RfmTable => {
            let Some(SegmentationRecipe::Rfm { params, map, as_of, .. }) = &recipe.segmentation else {
                return Err(VerifyError::BadRecipe(
                    "the RFM table is of an RFM segmentation, and it records none".into(),
                ));
            };
            let mapping = recipe.mapping.clone().map(MappingOverrides::from).unwrap_or_default();
            let mut bytes = Cursor::new(input);
            let mut tx = TransactionsInput { name, input: &mut bytes, options, mapping, workers: &mut workers };
            let valid = params.check().map_err(rerun)?;
            let table =
                crate::stream::rfm_from_transactions(&mut tx, &valid, map, as_of.as_deref(), monitor).map_err(rerun)?;
            crate::rfm::write_csv(&table.keys, &table.result, &mut out, monitor).map_err(rerun)?;
        }
        Download::RfmColumn => {
            let Some(SegmentationRecipe::Rfm { params, map, as_of, .. }) = &recipe.segmentation else {
                return Err(VerifyError::BadRecipe(
                    "the RFM column is of an RFM segmentation, and it records none".into(),
                ));
            };
            let t = tx.as_mut().ok_or_else(|| VerifyError::BadRecipe("it records no transactions file".into()))?;
            let definition = crate::rfm::RfmDefinition {
                format: crate::rfm::FORMAT.to_string(),
                as_of: as_of.clone(),
                transactions: Some(t.record.mapping.clone()),
                params: params.clone(),
                map: map.clone(),
            };
            let mut input_tx = t.input(&mut workers);
            crate::stream::apply_rfm(name, Cursor::new(input), options, &definition, &mut input_tx, &mut out, monitor)
                .map_err(rerun)?;
        }
        Download::ClusterColumn => match clustering(manifest) {
            Some((params, k, names)) => {
                let table = customers(tx.as_mut(), monitor)?;
                let fitted = fit(&table, params, k, names, monitor)?;
                crate::stream::write_clusters(&table, &fitted, &mut out).map_err(rerun)?;
            }
            None => {
                let mut model = model_of(manifest)?;
                if let Some(mapping) = &stored {
                    model.transactions = Some(mapping.clone());
                }
                let transactions = tx.as_mut().map(|t| t.input(&mut workers));
                let mut run = crate::stream::ModelRun { model: &model, part_records: PART_RECORDS, transactions };
                crate::stream::apply_model(name, Cursor::new(input), options, &mut run, &mut out, monitor)
                    .map_err(rerun)?;
            }
        },
        Download::ClusterReport => {
            let (params, k, names) = clustering(manifest)
                .ok_or_else(|| VerifyError::BadRecipe("the report is of a clustering, and it records none".into()))?;
            let table = customers(tx.as_mut(), monitor)?;
            let fitted = fit(&table, params, k, names, monitor)?;
            out = crate::stream::fit_report(&table, &fitted);
        }
        Download::ScanReport { params, min_k, max_k } => {
            let valid = params.check_scan(&Typed::Value(*min_k), &Typed::Value(*max_k)).map_err(rerun)?.0;
            let table = customers(tx.as_mut(), monitor)?;
            let (scan, as_of) = table.scan_clusters(&valid, (*min_k, *max_k), monitor).map_err(rerun)?;
            out = crate::stream::scan_report(&scan, &valid, as_of);
        }
        Download::SegmentReport { segments, options: profile, niches, format } => {
            let model = match segments {
                ReportSegments::Model => Some(model_of(manifest)?),
                ReportSegments::Column { .. } => None,
            };
            let source = match (segments, &model) {
                (ReportSegments::Column { column }, _) => SegmentSource::Column(column),
                (ReportSegments::Model, Some(model)) => SegmentSource::Model(model),
                (ReportSegments::Model, None) => {
                    return Err(VerifyError::BadRecipe("it records no cluster model".into()))
                }
            };
            let table = customers(tx.as_mut(), monitor)?;
            let segmented = table.segment(&source, monitor).map_err(rerun)?;
            let report = table.report(&segmented, profile, niches.as_ref(), &recipe.kpis, monitor).map_err(rerun)?;
            out = crate::report::write_report(&report, *format).map_err(rerun)?;
        }
        _ => {
            return Err(VerifyError::BadRecipe(
                "a download of the page is made again through the engine's session".into(),
            ))
        }
    }
    let file = recipe.written_as.first().cloned().unwrap_or_else(|| manifest.output_file.clone());
    Ok(vec![FileOut { name: file, mime: "application/octet-stream".into(), bytes: out }])
}

/// The recipe's clustering fitted again on `table`, its clusters named as recorded.
fn fit(
    table: &CustomerTable,
    params: &crate::cluster::params::ClusterParams,
    k: usize,
    names: &[String],
    monitor: &mut dyn Monitor,
) -> Result<crate::cluster::model::Fitted, VerifyError> {
    let valid = params.check_fit(&Typed::Value(k)).map_err(rerun)?;
    let mut fitted = table.fit_clusters(&valid, monitor).map_err(rerun)?;
    for (cluster, name) in fitted.model.clusters.iter_mut().zip(names) {
        cluster.name.clone_from(name);
    }
    Ok(fitted)
}
