//! Small summaries the app displays: what crosses the boundary besides files.

use serde::{Deserialize, Serialize};

use super::{AssignmentId, DatasetId, PREVIEW_ROWS};
use crate::assignment::{Assignment, SegmentSize};
use crate::ingest::{Diagnostics, Ingested, ReadOptions};
use crate::stats::ColumnStats;
use crate::table::{Column, ColumnType, Table};

/// A dataset as the dataset view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetView {
    /// The dataset's id.
    pub id: DatasetId,
    /// Its name (the file name).
    pub name: String,
    /// Number of rows.
    pub rows: u64,
    /// The columns.
    pub columns: Vec<ColumnView>,
    /// How the file was read.
    pub diagnostics: Diagnostics,
    /// Each warning as a sentence, in the order of `diagnostics.warnings`.
    pub warning_messages: Vec<String>,
    /// The options it was read with.
    pub options: ReadOptions,
    /// The first rows as written in the file.
    pub preview: PreviewRows,
}

/// A column as the dataset view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnView {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub column_type: ColumnType,
    /// True when the user chose the type.
    pub type_chosen: bool,
    /// How values were read, one phrase each, when notable ("day-first dates", "decimal comma",
    /// "currency €", "UTC offsets ignored: dates and times as written"): [`crate::table::ValueFormat::notes`].
    pub format_notes: Vec<String>,
    /// The currency written with the column's numbers (`$`, `€`, `USD`), when it has one.
    #[serde(default)]
    pub currency: Option<String>,
    /// Its statistics.
    pub stats: ColumnStats,
    /// The statistics as label/value pairs for display (dates shown as dates).
    pub summary: Vec<(String, String)>,
    /// The rule builder's operator menu for it ([`crate::rules::operators`]): the operators that
    /// fit its type, in menu order, each with its label and starting values from its statistics.
    /// It travels with the column rather than by a request of its own: it depends on nothing but
    /// the type and statistics the view already carries, and the builder needs it at once, while
    /// drawing a condition, for every field it offers (the data's columns, the aggregates of
    /// attached transactions in [`super::AttachView`], the derived fields in [`super::RulesView`]).
    pub operators: Vec<crate::rules::OperatorChoice>,
}

impl ColumnView {
    /// Summarises a column for display.
    pub fn new(column: &Column) -> Self {
        let s = &column.stats;
        let mut summary = vec![
            ("missing".to_string(), format!("{} of {}", s.missing, s.count)),
            ("distinct".to_string(), s.distinct.to_string()),
        ];
        if let Some(n) = &s.numeric {
            for (label, x) in
                [("min", n.min), ("q1", n.q1), ("median", n.median), ("q3", n.q3), ("max", n.max), ("mean", n.mean)]
            {
                summary.push((label.to_string(), column.format_number(x)));
            }
        }
        if s.count.checked_sub(s.missing).is_some_and(|present| s.distinct < present) {
            for t in &s.top {
                summary.push((t.value.clone(), t.count.to_string()));
            }
        } else if s.distinct > 0 && s.numeric.is_none() {
            summary.push(("unique".to_string(), "every value differs".to_string()));
        }
        ColumnView {
            name: column.name.clone(),
            column_type: column.column_type(),
            type_chosen: column.type_chosen,
            format_notes: column.format.notes(),
            currency: column.format.currency.clone(),
            operators: crate::rules::operators(column.column_type(), &column.stats),
            stats: column.stats.clone(),
            summary,
        }
    }
}

impl DatasetView {
    /// Summarises a freshly read dataset.
    pub fn new(id: DatasetId, ingested: &Ingested, options: &ReadOptions) -> Self {
        let table = &ingested.table;
        let rows: Vec<usize> = (0..table.rows().min(PREVIEW_ROWS)).collect();
        DatasetView {
            id,
            name: table.name.clone(),
            rows: table.rows() as u64,
            columns: table.columns.iter().map(ColumnView::new).collect(),
            warning_messages: ingested.diagnostics.warnings.iter().map(ToString::to_string).collect(),
            diagnostics: ingested.diagnostics.clone(),
            options: options.clone(),
            preview: PreviewRows::of(table, &rows),
        }
    }
}

/// Rows as written in the file, with their line numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRows {
    /// Column names.
    pub header: Vec<String>,
    /// (1-based line, fields) per row.
    pub rows: Vec<(u64, Vec<String>)>,
}

impl PreviewRows {
    /// The given rows of `table`.
    pub fn of(table: &Table, rows: &[usize]) -> Self {
        PreviewRows {
            header: table.columns.iter().map(|c| c.name.clone()).collect(),
            rows: rows.iter().map(|&r| (table.line_of(r).unwrap_or(0), table.original_row(r))).collect(),
        }
    }
}

/// A segmentation as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentView {
    /// The assignment's id.
    pub id: AssignmentId,
    /// The dataset it segments.
    pub dataset: DatasetId,
    /// How it was made.
    pub title: String,
    /// The column it splits by.
    pub column: String,
    /// Segment sizes, in display order.
    pub segments: Vec<SegmentSize>,
    /// Rows assigned.
    pub rows: u64,
}

impl AssignmentView {
    /// Summarises an assignment.
    pub fn new(id: AssignmentId, dataset: DatasetId, column: &str, assignment: &Assignment) -> Self {
        AssignmentView {
            id,
            dataset,
            title: assignment.title.clone(),
            column: column.to_string(),
            segments: assignment.sizes(),
            rows: assignment.rows() as u64,
        }
    }
}

/// A file to hand to the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileOut {
    /// File name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// Contents (they cross the worker boundary beside the JSON, see `wire`).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}
