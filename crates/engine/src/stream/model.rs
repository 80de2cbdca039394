//! A saved cluster model (`segscope.cluster-model/1`) applied to a customers file of any size:
//! each part is labelled by the nearest centre, as the model prepares its rows, and written out
//! with its cluster's name appended.

use std::io::{Read, Seek, Write};

use super::{ApplySummary, Joined, PartedFile, StreamError, Tally, TransactionsInput};
use crate::cluster::model::ClusterModel;
use crate::customers::report;
use crate::export::{segment_column_name, write_appended, ExportError};
use crate::ingest::ReadOptions;
use crate::progress::{Monitor, Quiet};

/// What labelling a file with a cluster model needs.
pub struct ModelRun<'a> {
    /// The model.
    pub model: &'a ClusterModel,
    /// Records per part ([`super::PART_RECORDS`] is a good default).
    pub part_records: usize,
    /// The transactions whose aggregates the model's features include; their mapping is the
    /// columns named over the model's stored one ([`ClusterModel::transactions`]).
    pub transactions: Option<TransactionsInput<'a>>,
}

/// Labels a customers file of any size with a cluster model: every row is written as it was
/// (every input byte kept) with a `cluster` column appended (`cluster_2`… when the file has one)
/// holding its cluster's name, or nothing for a row the model leaves out (a missing value, or one
/// that cannot be prepared).
///
/// The file is read `part_records` records at a time, with the column types of the first part
/// pinned for the rest; with transactions, they are added up first and their aggregates joined
/// onto each part by key. A row's cluster depends only on the row, so the parts give the labels
/// one table would.
///
/// ```
/// use std::io::Cursor;
/// use segscope_engine::cluster::model::{fit_model, ModelInput};
/// use segscope_engine::cluster::params::ClusterParams;
/// use segscope_engine::cluster::prep::{FeatureSpec, Scaling};
/// use segscope_engine::ingest::ReadOptions;
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::stream::{apply_model, customer_table, ModelRun};
///
/// let csv = b"id,spend\na,10\nb,12\nc,11\nd,90\ne,95\nf,\n";
/// let table = customer_table("c.csv", csv, &ReadOptions::default(), None, None, &mut Quiet).unwrap();
/// let spend = FeatureSpec { column: "spend".into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None };
/// let params = ClusterParams { features: vec![spend], ..ClusterParams::default() }.check_fit(&2.into()).unwrap();
/// let input = ModelInput { file: "c.csv".into(), bytes: csv.len() as u64, rows: 6 };
/// let model = fit_model(&table.columns(), &params, None, input, &mut Quiet).unwrap().model;
///
/// let mut out = Vec::new();
/// let mut run = ModelRun { model: &model, part_records: 2, transactions: None };
/// let summary = apply_model("c.csv", Cursor::new(csv), &ReadOptions::default(), &mut run, &mut out, &mut Quiet).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// let lines: Vec<&str> = text.lines().collect();
/// assert_eq!(lines[0], "id,spend,cluster");
/// assert_eq!(lines[6], "f,,"); // no spend: left out
/// assert_eq!(summary.left_out, 1);
/// assert_eq!(summary.segments.iter().map(|s| s.count).sum::<u64>(), 5);
/// ```
///
/// # Errors
/// [`StreamError::Model`] naming the file and the feature column that is missing or of another
/// type, and [`StreamError`] for unreadable input, a mapping that does not fit, a write failure
/// or a cancel.
pub fn apply_model<R: Read + Seek, W: Write>(
    name: &str,
    input: R,
    options: &ReadOptions,
    run: &mut ModelRun<'_>,
    mut out: W,
    monitor: &mut dyn Monitor,
) -> Result<ApplySummary, StreamError> {
    let model = run.model;
    let mut file = PartedFile::open(name, input, options, run.part_records, monitor)?;
    let joined = match run.transactions.as_mut() {
        Some(tx) => Some(Joined::new(tx, &file.first.table, model.transactions.as_ref(), monitor)?),
        None => None,
    };
    let column = [segment_column_name(&file.first.table, "cluster")];
    let names = model.names();
    let mut counts = vec![0u64; names.len()];
    let mut left_out = 0u64;
    let mut tally = Tally::default();
    let mut keys_seen: Vec<Option<String>> = Vec::new();
    file.visit(|part, with_header| {
        let aggregates = joined.as_ref().map(|j| j.columns(&part.table)).unwrap_or_default();
        if let Some(j) = &joined {
            keys_seen.extend(j.keys(&part.table));
        }
        let labels = model
            .label(&part.table.named_columns(&aggregates))
            .map_err(|source| StreamError::Model { file: name.to_string(), source })?;
        for &l in labels.labels.iter().flatten() {
            if let Some(c) = counts.get_mut(l as usize) {
                *c = c.saturating_add(1); // rows of the file
            }
        }
        left_out = left_out.saturating_add(labels.left_out as u64); // rows of the file
        let value = |r: usize, v: &mut Vec<String>| {
            let label = labels.labels.get(r).copied().flatten();
            v.push(label.and_then(|l| names.get(l as usize)).cloned().unwrap_or_default());
        };
        write_appended(&part.table, &column, value, with_header, &mut out, &mut Quiet)?;
        tally.written(part, "Labelling the customers by their nearest cluster", monitor)
    })?;
    out.flush().map_err(|e| StreamError::Export(ExportError::Io(e)))?;
    let transactions = joined.as_ref().map(|j| report(&j.aggregates, &keys_seen));
    Ok(ApplySummary {
        rows: tally.rows,
        appended: column.to_vec(),
        segments: tally.sizes(names, counts),
        excluded_for_missing: Vec::new(),
        left_out,
        as_of: model.as_of.as_deref().and_then(crate::rules::parse_iso_date),
        first_part: file.first,
        warnings: tally.warnings,
        transactions,
        mapping: joined.map(|j| j.mapping),
    })
}
