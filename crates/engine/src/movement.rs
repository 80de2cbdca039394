//! Movement between two snapshots of a segmentation: how many customers went from each segment of
//! the earlier snapshot to each segment of the later one, with the customers who are new (only
//! in the later) and gone (only in the earlier). Snapshots are two files, or the same customers at
//! two as-of dates; customers are matched by their key.
//!
//! This is also how a user freezes membership at a date and reads later what became of each
//! segment: the earlier snapshot is the frozen one.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assignment::Assignment;
use crate::progress::{Cancelled, Monitor, Stage};
use crate::table::Table;

/// The row and column name of customers in only one snapshot.
pub const NEW: &str = "New";
/// The column name of customers only in the earlier snapshot.
pub const GONE: &str = "Gone";

/// Rows matched between two progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// One snapshot: each customer's key (row by row, `None` for a row without one) and segment.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// What the user calls it ("2026-06-30", "customers-june.csv").
    pub label: &'a str,
    /// Per row, the customer's key.
    pub keys: &'a [Option<String>],
    /// Per row, the customer's segment.
    pub assignment: &'a Assignment,
}

/// How customers moved between the segments of two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// The earlier snapshot's label.
    pub before: String,
    /// The later snapshot's label.
    pub after: String,
    /// Row names: the earlier snapshot's segments, then [`NEW`].
    pub rows: Vec<String>,
    /// Column names: the later snapshot's segments, then [`GONE`].
    pub columns: Vec<String>,
    /// `counts[i][j]`: customers in row `i` before and column `j` after. The last row counts the
    /// new customers per later segment (its last cell is 0), the last column the customers gone
    /// per earlier segment.
    pub counts: Vec<Vec<u64>>,
    /// Customers in both snapshots whose segment has the same name in both.
    pub stayed: u64,
    /// Customers in both snapshots.
    pub matched: u64,
    /// Rows without a key, left out (earlier, later).
    pub without_key: (u64, u64),
}

impl Movement {
    /// Of the customers in earlier segment `row` that are still there, the share in each later
    /// segment (the row of the matrix as shares, `Gone` left out); `None` when none is left.
    pub fn shares_of(&self, row: usize) -> Option<Vec<f64>> {
        let cells = self.counts.get(row)?;
        let kept = cells.len().saturating_sub(1);
        let total: u64 = cells.iter().take(kept).sum();
        (total > 0).then(|| cells.iter().take(kept).map(|&c| c as f64 / total as f64).collect())
    }
}

/// Each row's key in `table`'s column `column`, as the customer table joins on keys
/// ([`crate::customers::customer_keys`]).
///
/// # Errors
/// [`MovementError::NoKeyColumn`] when the table has no such column.
pub fn keys_of(table: &Table, column: &str) -> Result<Vec<Option<String>>, MovementError> {
    let at = table.columns.iter().position(|c| c.name == column).ok_or_else(|| MovementError::NoKeyColumn {
        file: table.name.clone(),
        column: column.to_string(),
        columns: table.column_list(),
    })?;
    Ok(crate::customers::customer_keys(table, at))
}

impl Movement {
    /// The matrix as CSV: a header of the later snapshot's segments and "Gone", then a row per
    /// earlier segment and "New" with the customers in each cell (plain numbers).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let corner = format!("{} \\ {}", self.before, self.after);
        let header = std::iter::once(corner.as_str()).chain(self.columns.iter().map(String::as_str));
        let _ = w.write_record(header);
        for (row, cells) in self.rows.iter().zip(&self.counts) {
            let _ = w.write_record(std::iter::once(row.clone()).chain(cells.iter().map(u64::to_string)));
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// Why two snapshots cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MovementError {
    /// A snapshot's keys and assignment have different lengths.
    #[error("the snapshot “{label}” has {keys} keys for {rows} rows; give one key per row.")]
    Length {
        /// The snapshot.
        label: String,
        /// Keys given.
        keys: usize,
        /// Rows assigned.
        rows: usize,
    },
    /// The same key on two rows of one snapshot.
    #[error("in “{label}” the customer key `{key}` is on rows {first} and {second}; each customer must appear once, so choose the key column or remove the duplicate.")]
    DuplicateKey {
        /// The snapshot.
        label: String,
        /// The key.
        key: String,
        /// The first row with it (from 1).
        first: usize,
        /// The next row with it (from 1).
        second: usize,
    },
    /// A snapshot file has no column of the key's name.
    #[error("{file} has no column `{column}` to match the customers by; choose a column both files have (its columns are {columns}).")]
    NoKeyColumn {
        /// The file.
        file: String,
        /// The key column asked for.
        column: String,
        /// Its columns, as a list.
        columns: String,
    },
    /// No customer is in both snapshots.
    #[error(
        "no customer of “{before}” is in “{after}” (no key in common); check that both use the same customer key."
    )]
    NothingInCommon {
        /// The earlier snapshot.
        before: String,
        /// The later snapshot.
        after: String,
    },
    /// The matrix of moves would pass the memory one step may use.
    #[error(transparent)]
    Budget(#[from] crate::budget::TooLarge),
    /// The caller's monitor asked to stop.
    #[error("{}", crate::progress::CANCELLED)]
    Cancelled,
}

impl From<Cancelled> for MovementError {
    fn from(_: Cancelled) -> Self {
        MovementError::Cancelled
    }
}

/// The transition matrix from `before` to `after`, reporting to `monitor` as "Matching customers"
/// (the later snapshot's rows).
///
/// # Errors
/// [`MovementError`] when a snapshot's keys do not fit its rows or repeat, when no customer is in
/// both, or when cancelled.
pub fn movement(
    before: Snapshot<'_>,
    after: Snapshot<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Movement, MovementError> {
    let earlier = index(before)?;
    check_length(after)?;
    let mut stage = Stage::start(monitor, "Matching customers", after.keys.len() as u64, REPORT_EVERY)?;
    let (b, a) = (before.assignment.segments.len(), after.assignment.segments.len());
    // One more row (new customers) and column (gone); a Vec's length + 1 never saturates, and the
    // counts below count rows, so adding one to them never saturates either.
    crate::budget::cells::<u64>(
        &[a.saturating_add(1), b.saturating_add(1)],
        || format!("a movement matrix of {} × {} segments", crate::format::thousands(b), crate::format::thousands(a)),
        "compare segmentations with fewer segments.",
    )?;
    let mut counts = vec![vec![0u64; a.saturating_add(1)]; b.saturating_add(1)];
    let mut seen = vec![false; before.keys.len()];
    let (mut matched, mut stayed, mut later_without) = (0u64, 0u64, 0u64);
    let mut later: HashMap<&str, usize> = HashMap::with_capacity(after.keys.len());
    for (row, (key, &to)) in after.keys.iter().zip(&after.assignment.codes).enumerate() {
        stage.step()?;
        let Some(key) = key.as_deref() else {
            later_without = later_without.saturating_add(1);
            continue;
        };
        if let Some(first) = later.insert(key, row) {
            return Err(duplicate(after.label, key, first, row));
        }
        let from = match earlier.get(key) {
            Some(&r) => {
                if let Some(s) = seen.get_mut(r) {
                    *s = true;
                }
                matched = matched.saturating_add(1);
                let from = before.assignment.codes.get(r).map_or(b, |&c| c as usize);
                if before.assignment.segments.get(from).map(|s| &s.name)
                    == after.assignment.segments.get(to as usize).map(|s| &s.name)
                {
                    stayed = stayed.saturating_add(1);
                }
                from
            }
            None => b,
        };
        if let Some(cell) = counts.get_mut(from).and_then(|r| r.get_mut(to as usize)) {
            *cell = cell.saturating_add(1);
        }
    }
    if matched == 0 {
        return Err(MovementError::NothingInCommon { before: before.label.into(), after: after.label.into() });
    }
    for (row, (key, &from)) in before.keys.iter().zip(&before.assignment.codes).enumerate() {
        if key.is_some() && !seen.get(row).copied().unwrap_or(true) {
            if let Some(cell) = counts.get_mut(from as usize).and_then(|r| r.get_mut(a)) {
                *cell = cell.saturating_add(1);
            }
        }
    }
    stage.finish()?;
    let names = |s: &Assignment, extra: &str| {
        s.segments.iter().map(|g| g.name.clone()).chain(std::iter::once(extra.to_string())).collect()
    };
    Ok(Movement {
        before: before.label.to_string(),
        after: after.label.to_string(),
        rows: names(before.assignment, NEW),
        columns: names(after.assignment, GONE),
        counts,
        stayed,
        matched,
        without_key: (before.keys.iter().filter(|k| k.is_none()).count() as u64, later_without),
    })
}

/// Each key of `snapshot` and its row.
fn index<'a>(snapshot: Snapshot<'a>) -> Result<HashMap<&'a str, usize>, MovementError> {
    check_length(snapshot)?;
    let mut rows = HashMap::with_capacity(snapshot.keys.len());
    for (row, key) in snapshot.keys.iter().enumerate() {
        if let Some(key) = key.as_deref() {
            if let Some(first) = rows.insert(key, row) {
                return Err(duplicate(snapshot.label, key, first, row));
            }
        }
    }
    Ok(rows)
}

fn check_length(snapshot: Snapshot<'_>) -> Result<(), MovementError> {
    let (keys, rows) = (snapshot.keys.len(), snapshot.assignment.codes.len());
    if keys == rows {
        Ok(())
    } else {
        Err(MovementError::Length { label: snapshot.label.into(), keys, rows })
    }
}

fn duplicate(label: &str, key: &str, first: usize, second: usize) -> MovementError {
    // Rows counted from 1: an index + 1 never saturates.
    let (first, second) = (first.saturating_add(1), second.saturating_add(1));
    MovementError::DuplicateKey { label: label.into(), key: key.into(), first, second }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Segment;
    use crate::progress::Quiet;

    fn assignment(names: &[&str], codes: &[u32]) -> Assignment {
        Assignment {
            title: "t".into(),
            segments: names.iter().map(|n| Segment { name: (*n).into() }).collect(),
            codes: codes.to_vec(),
        }
    }

    fn keys(k: &[&str]) -> Vec<Option<String>> {
        k.iter().map(|k| (!k.is_empty()).then(|| (*k).to_string())).collect()
    }

    #[test]
    fn counts_moves_new_and_gone_customers_by_key() {
        // Before: a, b in Loyal; c in At risk; d in At risk (gone later).
        let b_keys = keys(&["a", "b", "c", "d"]);
        let b = assignment(&["Loyal", "At risk"], &[0, 0, 1, 1]);
        // After (another order): c back to Loyal, a stays, b lost, e is new in At risk.
        let a_keys = keys(&["e", "c", "b", "a"]);
        let a = assignment(&["Loyal", "At risk", "Lost"], &[1, 0, 2, 0]);
        let m = movement(
            Snapshot { label: "June", keys: &b_keys, assignment: &b },
            Snapshot { label: "December", keys: &a_keys, assignment: &a },
            &mut Quiet,
        )
        .unwrap();
        assert_eq!(m.rows, ["Loyal", "At risk", "New"]);
        assert_eq!(m.columns, ["Loyal", "At risk", "Lost", "Gone"]);
        assert_eq!(m.counts, vec![vec![1, 0, 1, 0], vec![1, 0, 0, 1], vec![0, 1, 0, 0]]);
        assert_eq!((m.matched, m.stayed), (3, 1));
        assert_eq!(m.shares_of(0), Some(vec![0.5, 0.0, 0.5]));
    }

    #[test]
    fn rows_without_a_key_are_left_out_and_counted() {
        let k = keys(&["a", "", "b"]);
        let s = assignment(&["X"], &[0, 0, 0]);
        let m = movement(
            Snapshot { label: "1", keys: &k, assignment: &s },
            Snapshot { label: "2", keys: &k, assignment: &s },
            &mut Quiet,
        )
        .unwrap();
        assert_eq!(m.counts, vec![vec![2, 0], vec![0, 0]]);
        assert_eq!(m.without_key, (1, 1));
    }

    #[test]
    fn a_repeated_key_is_an_error_naming_the_rows() {
        let k = keys(&["a", "b", "a"]);
        let s = assignment(&["X"], &[0, 0, 0]);
        let err = movement(
            Snapshot { label: "old.csv", keys: &k, assignment: &s },
            Snapshot { label: "new.csv", keys: &k, assignment: &s },
            &mut Quiet,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "in “old.csv” the customer key `a` is on rows 1 and 3; each customer must appear once, so choose the key column or remove the duplicate."
        );
    }

    #[test]
    fn snapshots_with_no_customer_in_common_are_an_error() {
        let (k1, k2) = (keys(&["a"]), keys(&["b"]));
        let s = assignment(&["X"], &[0]);
        let err = movement(
            Snapshot { label: "1", keys: &k1, assignment: &s },
            Snapshot { label: "2", keys: &k2, assignment: &s },
            &mut Quiet,
        )
        .unwrap_err();
        assert!(matches!(err, MovementError::NothingInCommon { .. }));
    }

    #[test]
    fn keys_that_do_not_fit_the_rows_are_an_error() {
        let k = keys(&["a"]);
        let s = assignment(&["X"], &[0, 0]);
        let err = movement(
            Snapshot { label: "1", keys: &k, assignment: &s },
            Snapshot { label: "2", keys: &k, assignment: &s },
            &mut Quiet,
        )
        .unwrap_err();
        assert_eq!(err, MovementError::Length { label: "1".into(), keys: 1, rows: 2 });
    }
}
