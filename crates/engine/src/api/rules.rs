//! Rule segments through the boundary: live counts, overlaps, definition files and SQL.

use serde::{Deserialize, Serialize};

use super::transactions::{uses_aggregates, Attached};
use super::{AssignmentId, Stored};
use crate::assignment::SegmentSize;
use crate::ingest::values::date_from_days;
use crate::progress::Monitor;
use crate::rules::derived::{check_derived, compute};
use crate::rules::sql::{select_with, Dialect};
use crate::rules::{
    check, collect_columns, evaluate_frame, latest_date_used, schema_with, with_numbers, Definition, Frame, Mode,
    Place, RulesError,
};
use crate::stats::column_stats;
use crate::stats::{value_counts, TopValue};
use crate::table::{Column, ColumnData, ColumnType, Table, ValueFormat};

/// One segment's live count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleCount {
    /// Name, count and share.
    pub size: SegmentSize,
    /// Rows its condition could not decide because of missing values (among rows reaching it).
    pub undecided: u64,
}

/// A problem in the definition, for display next to the segment it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemView {
    /// The segment's name ("definition" for problems outside segments).
    pub segment: String,
    /// Where in the condition.
    pub path: String,
    /// The whole sentence.
    pub message: String,
    /// Where it is by position, so the rule builder shows it next to the condition, segment or
    /// derived field it concerns.
    pub place: Place,
}

/// The most segments whose pairwise overlaps a rule view counts: a 200 × 200 table is already
/// more than a person reads, and the table grows with the square of the segments (20,000 segments
/// would make 400 million counts, 3.2 GB, and as many passes over the rows). With more, the
/// segments are still counted and applied; only the overlap table is left empty.
pub const MAX_OVERLAP_SEGMENTS: usize = 200;

/// The result of applying a rule definition, as the rule builder shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesView {
    /// The stored assignment (for previews and downloads), when the definition is valid.
    pub assignment: Option<AssignmentId>,
    /// Per segment in order (then the remainder in first-match mode).
    pub counts: Vec<RuleCount>,
    /// Pairwise overlaps: rows matching both segment i and segment j, ignoring order; empty for
    /// more than [`MAX_OVERLAP_SEGMENTS`] segments.
    pub overlap: Vec<Vec<u64>>,
    /// The as-of date used (`YYYY-MM-DD`), if any condition needs one.
    pub as_of: Option<String>,
    /// True when `as_of` is the default ([`crate::dates::default_as_of`]), not set by the user.
    pub as_of_is_default: bool,
    /// Problems that stop the definition from being applied; empty when it applied.
    pub problems: Vec<ProblemView>,
    /// Rows in the data.
    pub rows: u64,
    /// Every derived field as a column (type, statistics, operator menu) for the condition editor,
    /// also when the definition has problems: computed when the field itself checks, else its type
    /// alone with no statistics.
    pub derived_columns: Vec<super::ColumnView>,
    /// The operator menu for a derived field the builder has not had counted yet (just added, or
    /// renamed while typing), by type, for each type a derived field can have: the type's
    /// operators with starting values for a field without statistics.
    pub new_field_operators: Vec<(ColumnType, Vec<crate::rules::OperatorChoice>)>,
}

/// See [`RulesView::new_field_operators`]: age and tenure are whole numbers, bands are categories.
fn new_field_operators() -> Vec<(ColumnType, Vec<crate::rules::OperatorChoice>)> {
    [ColumnType::Integer, ColumnType::Categorical]
        .into_iter()
        .map(|t| (t, crate::rules::operators(t, &crate::stats::ColumnStats::default())))
        .collect()
}

/// The customers' data: the table and the aggregate columns of attached transactions (if any).
#[derive(Clone, Copy)]
pub(super) struct Customers<'a> {
    pub table: &'a Table,
    pub attached: Option<&'a Attached>,
}

impl<'a> Customers<'a> {
    fn extra(&self) -> &'a [Column] {
        self.attached.map_or(&[], |a| a.columns.as_slice())
    }

    /// The default as-of day ([`crate::dates::default_as_of`]): the day after the latest
    /// transaction when transactions are attached, else the day after the latest date in the
    /// columns the definition uses.
    fn default_as_of(&self, def: &Definition) -> Option<i32> {
        crate::dates::default_as_of(self.attached.and_then(|a| a.aggregates.latest()), || {
            latest_date_used(def, self.table)
        })
    }

    /// The definition with the attached transactions' mapping recorded when it uses aggregates.
    fn with_mapping(&self, def: &Definition) -> Definition {
        let mut def = def.clone();
        if let Some(a) = self.attached {
            if uses_aggregates(&def) {
                def.transactions = Some(a.mapping.clone());
            }
        }
        def
    }
}

/// Applies `def` to the customers; returns the view and, when valid, the result to store (a
/// definition that does not fit has its problems in the view). Evaluation reports to `monitor`.
///
/// # Errors
/// [`RulesError::Cancelled`] when `monitor` asks to stop.
pub(super) fn apply(
    id: AssignmentId,
    def: &Definition,
    customers: Customers<'_>,
    monitor: &mut dyn Monitor,
) -> Result<(RulesView, Option<Stored>), RulesError> {
    let table = customers.table;
    let def = &customers.with_mapping(def);
    let default = customers.default_as_of(def);
    let rows = table.rows() as u64;
    let derived_columns = derived_columns(def, customers, default);
    let valid = match check(def, &schema_with(table, customers.extra()), default) {
        Ok(v) => v,
        Err(RulesError::Invalid(ps)) => {
            let problems = ps
                .into_iter()
                .map(|p| ProblemView { message: p.to_string(), segment: p.segment, path: p.path, place: p.place })
                .collect();
            let view = RulesView {
                assignment: None,
                counts: Vec::new(),
                overlap: Vec::new(),
                as_of: None,
                as_of_is_default: false,
                problems,
                rows,
                derived_columns,
                new_field_operators: new_field_operators(),
            };
            return Ok((view, None));
        }
        Err(e) => return Err(e),
    };
    let frame = Frame::with_extra(table, customers.extra(), &valid);
    let result = evaluate_frame(&valid, &frame, monitor)?;
    let overlap = if result.truths.len() <= MAX_OVERLAP_SEGMENTS {
        result.truths.iter().map(|a| result.truths.iter().map(|b| a.count_both(b)).collect()).collect()
    } else {
        Vec::new()
    };
    let total = rows.max(1) as f64;
    let (counts, flags) = match valid.mode {
        Mode::FirstMatch => {
            let sizes = result.assignment.sizes();
            let counts = sizes
                .into_iter()
                .enumerate()
                .map(|(i, size)| RuleCount {
                    size,
                    undecided: result.excluded_for_missing.get(i).copied().unwrap_or(0),
                })
                .collect();
            (counts, None)
        }
        Mode::Overlapping => {
            let counts = valid
                .segments
                .iter()
                .zip(&result.flags)
                .enumerate()
                .map(|(i, (s, f))| {
                    let count = f.iter().filter(|&&b| b).count() as u64;
                    let size = SegmentSize { name: s.name.clone(), count, share: count as f64 / total };
                    RuleCount { size, undecided: result.excluded_for_missing.get(i).copied().unwrap_or(0) }
                })
                .collect();
            let flags = valid.segments.iter().map(|s| s.name.clone()).zip(result.flags.clone()).collect();
            (counts, Some(flags))
        }
    };
    let as_of = valid.as_of.filter(|_| needs_as_of(def)).map(|d| date_from_days(d).to_string());
    // The definition checked, so its numbers read: the spec holds numbers, never typed text.
    let mut saved = completed(def, customers).unwrap_or_else(|_| def.clone());
    saved.as_of = as_of.clone();
    let spec = serde_json::json!({ "kind": "rules", "definition": serde_json::to_value(&saved).unwrap_or_default() });
    let stored = Stored { spec, assignment: result.assignment, flags };
    let view = RulesView {
        assignment: Some(id),
        counts,
        overlap,
        as_of_is_default: def.as_of.is_none() && as_of.is_some(),
        as_of,
        problems: Vec::new(),
        rows,
        derived_columns,
        new_field_operators: new_field_operators(),
    };
    Ok((view, Some(stored)))
}

/// True when the as-of date matters to the definition (set, or used by a condition or field).
fn needs_as_of(def: &Definition) -> bool {
    def.as_of.is_some() || crate::rules::uses_as_of(def)
}

/// Every derived field of `def` as a column for the condition editor (see
/// [`RulesView::derived_columns`]), whatever the rest of the definition says.
fn derived_columns(def: &Definition, customers: Customers<'_>, default_as_of: Option<i32>) -> Vec<super::ColumnView> {
    let table = customers.table;
    let as_of = match &def.as_of {
        Some(s) => crate::dates::parse_date(crate::dates::DateField::AsOf, s).ok(),
        None => default_as_of,
    };
    let mut schema = schema_with(table, customers.extra());
    let mut computed: Vec<Column> = Vec::new();
    let mut problems = Vec::new(); // the check says them
    let mut views = Vec::new();
    for (j, d) in def.derived.iter().enumerate() {
        let valid = check_derived(d, j, &schema, as_of, &mut problems);
        let data = valid.as_ref().and_then(|v| {
            let source = table.columns.iter().chain(customers.extra()).chain(&computed).nth(v.source)?;
            Some(compute(v, &source.data))
        });
        let data = data.unwrap_or_else(|| match d.column_type() {
            ColumnType::Categorical => ColumnData::Categorical { dictionary: Vec::new(), codes: Vec::new() },
            _ => ColumnData::Integer(Vec::new()),
        });
        let stats = column_stats(&data);
        let column =
            Column { name: d.name().to_string(), data, format: ValueFormat::default(), type_chosen: false, stats };
        views.push(super::ColumnView::new(&column));
        if valid.is_some() {
            schema.push((column.name.clone(), d.column_type()));
            computed.push(column);
        }
    }
    views
}

/// The definition as it is saved: numbers typed as text read ([`with_numbers`]), the types of the
/// columns it uses recorded, and the as-of date fixed when a condition needs one, so applying the
/// file elsewhere reproduces these segments.
///
/// # Errors
/// [`RulesError::Invalid`] when a typed number is not a number (saving it would keep the text).
pub(super) fn completed(def: &Definition, customers: Customers<'_>) -> Result<Definition, RulesError> {
    let table = customers.table;
    let mut out = with_numbers(&customers.with_mapping(def), &schema_with(table, customers.extra()))?;
    let mut names: Vec<String> = def.derived.iter().map(|d| d.from().to_string()).collect();
    for s in &def.segments {
        collect_columns(&s.condition, &mut names);
    }
    for n in names {
        if let Some(c) = table.column(&n) {
            out.columns.insert(n, c.column_type());
        }
    }
    if out.as_of.is_none() && needs_as_of(def) {
        out.as_of = customers.default_as_of(def).map(|d| date_from_days(d).to_string());
    }
    Ok(out)
}

/// The SQL for `def` in `dialect`, checked against the table's columns.
pub(super) fn sql(
    def: &Definition,
    customers: Customers<'_>,
    dialect: Dialect,
    table_name: &str,
    transactions: Option<&str>,
) -> Result<String, RulesError> {
    let def = completed(def, customers)?;
    let valid = check(&def, &schema_with(customers.table, customers.extra()), None)?;
    let title = def.name.clone().unwrap_or_else(|| "Rule segments".into());
    Ok(select_with(&valid, dialect, table_name, transactions, &title))
}

/// Every distinct value of a column with its count, most frequent first (at most `limit`), for
/// value pickers and per-value templates.
pub fn column_values(table: &Table, column: &str, limit: usize) -> Vec<TopValue> {
    let mut values = table.column(column).map(|c| value_counts(&c.data)).unwrap_or_default();
    values.truncate(limit);
    values
}
