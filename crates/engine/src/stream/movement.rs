//! Movement between two snapshot files of the same customers (`segscope movement`): one
//! segmentation made on each file, customers matched by a key column both have.

use super::customers::CustomerTable;
use super::segments::{file_name, SegmentSource};
use super::StreamError;
use crate::movement::{keys_of, movement, Movement, Snapshot};
use crate::progress::Monitor;

/// How the customers of `before` moved to the segments of `after`, both segmented by `source`
/// and matched by the column `key`.
///
/// # Errors
/// [`StreamError`] when a file cannot be segmented, has no `key` column, repeats a key, or shares
/// no customer with the other; or a cancel.
pub fn movement_between(
    before: &CustomerTable,
    after: &CustomerTable,
    source: &SegmentSource<'_>,
    key: &str,
    monitor: &mut dyn Monitor,
) -> Result<Movement, StreamError> {
    let (b, a) = (&before.customers.table, &after.customers.table);
    let (before_keys, after_keys) = (keys_of(b, key)?, keys_of(a, key)?);
    let (before_segments, after_segments) = (before.segment(source, monitor)?, after.segment(source, monitor)?);
    let (before_label, after_label) = (file_name(&b.name), file_name(&a.name));
    Ok(movement(
        Snapshot { label: before_label, keys: &before_keys, assignment: &before_segments.assignment },
        Snapshot { label: after_label, keys: &after_keys, assignment: &after_segments.assignment },
        monitor,
    )?)
}
