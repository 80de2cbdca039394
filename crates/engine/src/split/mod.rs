//! The simplest segmentation: one segment per value of a column, or quantile bands of a number.
//!
//! Categories, booleans and text get one segment per value (most frequent first; beyond the
//! maximum, the rarest values are grouped as "Other values"). Numbers and dates get equal-count
//! bands cut at quantiles, exactly as `pandas.qcut(x, q, duplicates="drop")`: edges at the
//! linear-interpolation quantiles, bands closed on the right, the first band closed on both
//! sides. Missing values always form their own "Missing" segment, listed last.

mod errors;
mod params;
mod words;

pub use errors::SplitError;
pub use params::{SplitParams, ValidSplitParams, BANDS, MAX_SEGMENTS};

use std::collections::HashMap;

use crate::assignment::{Assignment, Segment};
use crate::progress::{Cancelled, Monitor, Stage};
use crate::stats::{quantile_sorted, value_counts};
use crate::table::{Column, ColumnData, Table};

/// The name of the segment of rows whose value is missing.
pub const MISSING: &str = "Missing";
/// The name of the segment grouping the rarest values.
pub const OTHER: &str = "Other values";

/// Rows assigned between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// Splits `table` by one column, reporting to `monitor` as "Splitting by COLUMN": each row is
/// visited twice (counted or sorted, then assigned), so the stage counts twice the rows.
///
/// ```
/// use segscope_engine::ingest::{read_table, ReadOptions};
/// use segscope_engine::progress::Quiet;
/// use segscope_engine::split::{split, SplitParams};
///
/// let csv = b"id,age\n1,20\n2,30\n3,40\n4,50\n5,\n";
/// let table = read_table("t.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap().table;
/// let params = SplitParams { column: "age".into(), bands: 2.into(), ..SplitParams::default() };
/// let a = split(&table, &params.check(&table).unwrap(), &mut Quiet).unwrap();
/// let names: Vec<_> = (0..5).map(|r| a.segment_of(r).unwrap()).collect();
/// assert_eq!(names, ["20–35", "20–35", "36–50", "36–50", "Missing"]);
/// ```
///
/// # Errors
/// [`SplitError::Cancelled`] when `monitor` asks to stop.
pub fn split(table: &Table, params: &ValidSplitParams, monitor: &mut dyn Monitor) -> Result<Assignment, SplitError> {
    let Some(column) = table.columns.get(params.column) else {
        return Ok(Assignment { title: String::new(), segments: Vec::new(), codes: Vec::new() });
    };
    let rows = column.data.len() as u64;
    // Two passes over the rows: the units never saturate.
    let mut stage =
        Stage::start(monitor, format!("Splitting by {}", column.name), rows.saturating_mul(2), REPORT_EVERY)?;
    let assignment = if column.column_type().is_ordered() {
        split_bands(column, params.bands, &mut stage)?
    } else {
        split_values(&column.name, &column.data, params.max_segments, &mut stage)?
    };
    stage.finish()?;
    Ok(assignment)
}

/// One segment per value of `column` of `table`, whatever its type (a column that already holds
/// each customer's segment), most common first, then "Missing"; reporting to `monitor` as a split.
///
/// # Errors
/// [`SplitError::UnknownColumn`] naming the columns there are; [`SplitError::Cancelled`].
pub fn by_value(table: &Table, column: &str, monitor: &mut dyn Monitor) -> Result<Assignment, SplitError> {
    let found = table
        .column(column)
        .ok_or_else(|| SplitError::UnknownColumn { name: column.to_string(), available: table.column_list() })?;
    let rows = found.data.len();
    // Two passes over the rows: the units never saturate.
    let units = (rows as u64).saturating_mul(2);
    let mut stage = Stage::start(monitor, format!("Splitting by {}", found.name), units, REPORT_EVERY)?;
    // Numbers and dates are taken as written (a cluster number, a band's code), one segment each.
    let written;
    let data = if found.column_type().is_ordered() {
        let at = table.columns.iter().position(|c| c.name == column).unwrap_or_default();
        let text = |r: usize| table.original_row(r).get(at).map(|t| t.trim().to_string());
        written = ColumnData::Text((0..rows).map(|r| if found.data.is_missing(r) { None } else { text(r) }).collect());
        &written
    } else {
        &found.data
    };
    let mut assignment = split_values(column, data, u32::MAX, &mut stage)?;
    stage.finish()?;
    assignment.title = format!("Segments in the column {column}");
    Ok(assignment)
}

/// The code of every row, from `code(row)`, one step of `stage` each.
fn assign(rows: usize, stage: &mut Stage<'_>, mut code: impl FnMut(usize) -> u32) -> Result<Vec<u32>, Cancelled> {
    let mut codes = Vec::with_capacity(rows);
    for r in 0..rows {
        stage.step()?;
        codes.push(code(r));
    }
    Ok(codes)
}

fn split_values(
    name: &str,
    data: &ColumnData,
    max_segments: u32,
    stage: &mut Stage<'_>,
) -> Result<Assignment, Cancelled> {
    let n = data.len();
    let values = value_counts(data);
    let has_missing = (0..n).any(|r| data.is_missing(r));
    stage.advance(n as u64)?;
    let room = max_segments as usize;
    let grouped = values.len() > room;
    // The room is at least 2 (MAX_SEGMENTS, or u32::MAX by value): never saturates.
    let kept = if grouped { room.saturating_sub(1) } else { values.len() };
    let mut segments: Vec<Segment> = values.iter().take(kept).map(|v| Segment { name: v.value.clone() }).collect();
    let index: HashMap<&str, u32> =
        values.iter().take(kept).enumerate().map(|(i, v)| (v.value.as_str(), i as u32)).collect();
    let other = segments.len() as u32;
    if grouped {
        segments.push(Segment { name: unique(OTHER, &segments) });
    }
    let missing = segments.len() as u32;
    if has_missing {
        segments.push(Segment { name: unique(MISSING, &segments) });
    }
    let codes = assign(n, stage, |r| match data.label(r) {
        Some(v) => index.get(v).copied().unwrap_or(other),
        None => missing,
    })?;
    let title = format!("Split by {name} ({} values)", values.len());
    Ok(Assignment { title, segments, codes })
}

/// `name`, or `name (2)` when a value of the column already has that name.
fn unique(name: &str, segments: &[Segment]) -> String {
    // Fewer than u64::MAX segments, so a free name comes long before the numbers run out.
    std::iter::once(name.to_string())
        .chain((2..=u64::MAX).map(|k| format!("{name} ({k})")))
        .find(|candidate| !segments.iter().any(|s| s.name == *candidate))
        .unwrap_or_else(|| name.to_string())
}

/// Quantile cut points as `pandas.qcut` (3.x) computes them, with repeated edges dropped: the
/// quantiles `numpy.linspace(0, 1, bands + 1)`, each nudged up an ulp where `bands × q` is not
/// exactly `i` (so an edge meant to fall on a value does not fall just below it), then numpy's
/// linear quantiles.
pub fn quantile_edges(sorted: &[f64], bands: u32) -> Vec<f64> {
    let step = 1.0 / f64::from(bands);
    let mut edges: Vec<f64> = (0..=bands)
        .filter_map(|i| {
            let q = if i == bands { 1.0 } else { f64::from(i) * step };
            // numpy.nextafter(q, 1) of a q in (0, 1): the next double up.
            // q is finite and not negative here, so its bits are below u64::MAX: never saturates.
            let q =
                if f64::from(bands) * q == f64::from(i) { q } else { f64::from_bits(q.to_bits().saturating_add(1)) };
            quantile_sorted(sorted, q)
        })
        .collect();
    edges.dedup();
    edges
}

/// The band of `x` given edges: `(e[k], e[k+1]]`, the first band also including `e[0]`.
pub fn band_of(edges: &[f64], x: f64) -> usize {
    let above = edges.partition_point(|&e| e < x);
    above.saturating_sub(1).min(edges.len().saturating_sub(2))
}

fn split_bands(column: &Column, bands: u32, stage: &mut Stage<'_>) -> Result<Assignment, Cancelled> {
    let data = &column.data;
    let n = data.len();
    let mut sorted: Vec<f64> = (0..n).filter_map(|r| data.number(r)).collect();
    sorted.sort_by(f64::total_cmp);
    stage.advance(n as u64)?;
    let edges = quantile_edges(&sorted, bands);
    let mut segments: Vec<Segment> = if edges.len() >= 2 {
        let bands = edges.iter().zip(edges.iter().skip(1)).enumerate();
        bands.map(|(k, (&lo, &hi))| Segment { name: band_label(column, k == 0, lo, hi) }).collect()
    } else {
        edges.first().map(|&e| vec![Segment { name: column.format_number(e) }]).unwrap_or_default()
    };
    let missing = segments.len() as u32;
    if sorted.len() < n {
        segments.push(Segment { name: unique(MISSING, &segments) });
    }
    let codes = assign(n, stage, |r| match data.number(r) {
        Some(x) => band_of(&edges, x) as u32,
        None => missing,
    })?;
    let title = format!("Split by {} ({} equal-count bands)", column.name, edges.len().saturating_sub(1).max(1));
    Ok(Assignment { title, segments, codes })
}

/// `18–31` for whole-number scales (integers, dates), `(31.5, 45]` otherwise.
fn band_label(column: &Column, first: bool, lo: f64, hi: f64) -> String {
    let discrete = matches!(column.data, ColumnData::Integer(_) | ColumnData::Date(_));
    if discrete {
        let low = if first { lo.ceil() } else { lo.floor() + 1.0 };
        let high = hi.floor();
        if low <= high {
            return if low == high {
                column.format_number(low)
            } else {
                format!("{}–{}", column.format_number(low), column.format_number(high))
            };
        }
    }
    let open = if first { '[' } else { '(' };
    format!("{open}{}, {}]", column.format_number(lo), column.format_number(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_column_keeps_every_value_whatever_its_type() {
        use crate::ingest::{read_table, ReadOptions};
        use crate::progress::Quiet;
        let csv = b"id,cluster\na,1\nb,2\nc,2\nd,3\ne,\n";
        let t = read_table("t.csv", csv, &ReadOptions::default(), &mut Quiet).unwrap().table;
        let a = by_value(&t, "cluster", &mut Quiet).unwrap();
        let names: Vec<&str> = a.segments.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["2", "1", "3", MISSING]);
        assert_eq!(a.title, "Segments in the column cluster");
    }

    // pandas 2.2: pd.qcut([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4).cat.codes
    //   → [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]; edges [1, 3.25, 5.5, 7.75, 10].
    #[test]
    fn quartile_bands_match_pandas_qcut() {
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        let edges = quantile_edges(&sorted, 4);
        assert_eq!(edges, [1.0, 3.25, 5.5, 7.75, 10.0]);
        let codes: Vec<usize> = sorted.iter().map(|&x| band_of(&edges, x)).collect();
        assert_eq!(codes, [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]);
    }

    // pandas 2.2: pd.qcut([1, 1, 1, 1, 2, 3], 3, duplicates="drop") → edges [1, 1.33, 3],
    //   codes [0, 0, 0, 0, 1, 1].
    #[test]
    fn repeated_edges_are_dropped_like_pandas() {
        let sorted = [1.0, 1.0, 1.0, 1.0, 2.0, 3.0];
        let edges = quantile_edges(&sorted, 3);
        assert_eq!(edges.len(), 3);
        let codes: Vec<usize> = sorted.iter().map(|&x| band_of(&edges, x)).collect();
        assert_eq!(codes, [0, 0, 0, 0, 1, 1]);
    }

    // pandas 3.1: pd.qcut(np.arange(91.0), 10, retbins=True)[1] → [0, 9, 18, 27.00000000000001, 36,
    //   45, 54.00000000000002, 63.000000000000014, 72, 81, 90]; pd.qcut(np.arange(37.0), 6) → [0, 6,
    //   12, 18, 24, 29.999999999999996, 36]. Where an edge falls a hair above or below a value
    //   decides that value's band, so the edges are pandas' to the bit.
    #[test]
    fn edges_are_pandas_to_the_bit() {
        let x: Vec<f64> = (0..91).map(f64::from).collect();
        let pandas =
            [0.0, 9.0, 18.0, 27.00000000000001, 36.0, 45.0, 54.00000000000002, 63.000000000000014, 72.0, 81.0, 90.0];
        assert_eq!(quantile_edges(&x, 10), pandas);
        assert_eq!(band_of(&quantile_edges(&x, 10), 63.0), 6);
        let y: Vec<f64> = (0..37).map(f64::from).collect();
        assert_eq!(quantile_edges(&y, 6), [0.0, 6.0, 12.0, 18.0, 24.0, 29.999999999999996, 36.0]);
    }

    #[test]
    fn values_on_an_edge_go_to_the_lower_band() {
        let edges = [0.0, 10.0, 20.0];
        assert_eq!(
            (band_of(&edges, 0.0), band_of(&edges, 10.0), band_of(&edges, 10.5), band_of(&edges, 20.0)),
            (0, 0, 1, 1)
        );
    }
}
