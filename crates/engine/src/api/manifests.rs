//! The manifest of every download (DECISIONS 12, issue #17): built here from the dataset (input,
//! read options, column types, transactions), the segmentation's spec and the request that wrote
//! the files, so every download path records the same things in the same words.

use serde_json::Value;

use super::segmentations::Spec;
use super::{AssignmentId, Dataset, EngineError, FileOut};
use crate::assignment::SegmentSize;
use crate::export::{ColumnRecord, FileRecord, Making, Manifest, OutputRecord, Sources, TransactionsRecord};
use crate::reproduce::{sha256_hex, Download, Opened, Recipe, SegmentationRecipe};

/// The appended column(s) and the segment sizes, for a download of the data with its segments.
pub(super) struct Appended {
    /// The column's name (the flag columns', joined, for overlapping rules).
    pub column: String,
    /// Rows per segment.
    pub sizes: Vec<SegmentSize>,
}

/// The manifest of the download `download` of `ds` (of its segmentation `segmentation`, if any),
/// with no outputs yet.
///
/// # Errors
/// The attached transactions file could not be read again for its hash.
pub(super) fn manifest(
    ds: &Dataset,
    segmentation: Option<AssignmentId>,
    download: Download,
    output_file: &str,
    appended: Option<Appended>,
) -> Result<Manifest, EngineError> {
    let Inputs { input, read_options, diagnostics, transactions, columns } = inputs(ds)?;
    let entry = segmentation.and_then(|id| ds.segmentations.get(id));
    let made = entry.and_then(|e| e.made.as_ref());
    let uses_value = matches!(download, Download::ClvFiles | Download::ProfileFiles { .. });
    let uses_kpis = matches!(download, Download::KpisFile | Download::ProfileFiles { .. });
    // A transactions file opened alone: the columns it was read with (the page may have changed the guess).
    let mapping = ds.transactions.as_ref().filter(|_| ds.opened == Opened::Transactions).map(|a| a.mapping.clone());
    let recipe = Recipe {
        opened: ds.opened,
        mapping,
        segmentation: entry.map(|e| recipe_of(&e.spec, &e.name)),
        kpis: if uses_kpis { ds.segmentations.kpis.clone() } else { Vec::new() },
        clv: ds.clv.as_ref().filter(|_| uses_value).map(|(params, _)| params.params()),
        download,
        written_as: Vec::new(),
    };
    let model = match entry.map(|e| &e.spec) {
        Some(Spec::Clusters(spec)) => serde_json::to_value(&spec.model).ok(),
        _ => None,
    };
    let sources = Sources { input, read_options, columns, diagnostics, transactions };
    let making = Making {
        as_of: made.and_then(|m| m.as_of.clone()),
        segmentation: made.map_or(Value::Null, |m| m.stored.spec.clone()),
        model,
        recipe,
    };
    let mut m = Manifest::new(sources, making, output_file);
    if let Some(a) = appended {
        m.segment_column = Some(a.column);
        m.segments = a.sizes;
    }
    Ok(m)
}

/// The files a dataset was made from, as a manifest or a project records them.
pub(super) struct Inputs {
    /// The input file (for a transactions file opened alone, that file).
    pub input: FileRecord,
    /// How it was read.
    pub read_options: crate::ingest::ReadOptions,
    /// What reading it found.
    pub diagnostics: crate::ingest::Diagnostics,
    /// The transactions attached to a customers file.
    pub transactions: Option<TransactionsRecord>,
    /// The customer table's columns and types.
    pub columns: Vec<ColumnRecord>,
}

/// The files `ds` was made from (hashing them the first time this is asked).
///
/// # Errors
/// The attached transactions file could not be read again for its hash.
pub(super) fn inputs(ds: &Dataset) -> Result<Inputs, EngineError> {
    let table = &ds.ingested.table;
    let columns = ColumnRecord::all(table);
    Ok(match (ds.opened, &ds.transactions) {
        (Opened::Transactions, Some(attached)) => Inputs {
            input: attached.file_record()?,
            read_options: attached.options.clone(),
            diagnostics: attached.ingested.diagnostics.clone(),
            transactions: None,
            columns,
        },
        (_, attached) => {
            let sha256 = ds.sha256.get_or_init(|| sha256_hex(&ds.file)).clone();
            let input = FileRecord { name: table.name.clone(), bytes: ds.file.len() as u64, sha256 };
            let transactions = match attached {
                Some(a) => Some(TransactionsRecord {
                    file: a.file_record()?,
                    read_options: a.options.clone(),
                    mapping: a.mapping.clone(),
                }),
                None => None,
            };
            Inputs {
                input,
                read_options: ds.options.clone(),
                diagnostics: ds.ingested.diagnostics.clone(),
                transactions,
                columns,
            }
        }
    })
}

/// A segmentation's spec as a recipe, with its name.
pub(super) fn recipe_of(spec: &Spec, name: &str) -> SegmentationRecipe {
    let name = name.to_string();
    match spec {
        Spec::Split(params) => SegmentationRecipe::Split { name, params: params.clone() },
        Spec::Rules(definition) => SegmentationRecipe::Rules { name, definition: definition.clone() },
        Spec::Rfm { params, map, as_of } => {
            SegmentationRecipe::Rfm { name, params: params.params(), map: map.map().clone(), as_of: as_of.clone() }
        }
        Spec::Clusters(spec) => SegmentationRecipe::Clusters {
            name,
            params: spec.params.params(),
            k: spec.params.kmeans.k,
            names: spec.model.names(),
        },
    }
}

/// `files` with their manifest beside them (`FIRST.manifest.json`, FIRST the first file's name),
/// recording every file's size and hash.
///
/// # Errors
/// As [`manifest`].
pub(super) fn with_manifest(
    ds: &Dataset,
    segmentation: Option<AssignmentId>,
    download: Download,
    mut files: Vec<FileOut>,
) -> Result<Vec<FileOut>, EngineError> {
    let Some(first) = files.first() else { return Ok(files) };
    let output_file = first.name.clone();
    let mut m = manifest(ds, segmentation, download, &output_file, None)?;
    m.outputs = files.iter().map(|f| OutputRecord::of(&f.name, &f.bytes)).collect();
    files.push(FileOut {
        name: format!("{output_file}.manifest.json"),
        mime: "application/json".into(),
        bytes: m.to_json().into_bytes(),
    });
    Ok(files)
}
