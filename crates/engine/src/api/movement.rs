//! Movement between this data and another snapshot file of the same customers (issue #16): the
//! segmentation made again, from its spec, on the other file; customers matched by a key column
//! both files have.

use super::segmentations::{make, Data, Spec};
use super::{AssignmentId, Dataset, EngineError};
use crate::ingest::read_table;
use crate::movement::{keys_of, movement, Movement, Snapshot};
use crate::progress::Monitor;

/// Which of the two snapshots the other file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OtherFile {
    /// The other file is the earlier snapshot.
    Earlier,
    /// The other file is the later snapshot.
    Later,
}

/// The other snapshot file, as the request carries it.
pub(super) struct Other<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// Earlier or later than the open data.
    pub is: OtherFile,
    /// The column both files identify customers by.
    pub key: &'a str,
}

/// How the customers of segmentation `id` of `ds` moved to or from the same segmentation made on
/// the other file.
pub(super) fn from_file(
    ds: &Dataset,
    id: AssignmentId,
    other: &Other<'_>,
    monitor: &mut dyn Monitor,
) -> Result<Movement, EngineError> {
    let entry = ds.segmentations.get(id).ok_or(EngineError::UnknownAssignment)?;
    if matches!(entry.spec, Spec::Rfm { .. }) {
        return Err(EngineError::Segmentation(
            "RFM is made from each snapshot's transactions, which a customers file does not hold: to see how RFM \
             segments moved, make RFM again as of an earlier date in RFM and compare the two segmentations here."
                .into(),
        ));
    }
    let this = &ds.made(id)?.stored.assignment;
    let table = &ds.ingested.table;
    let this_keys = keys_of(table, other.key)?;
    let read = read_table(other.name, other.bytes, &ds.options, monitor)?;
    let other_keys = keys_of(&read.table, other.key)?;
    let made = make(AssignmentId(u32::MAX), &entry.spec, &Data { table: &read.table, attached: None }, monitor)
        .map_err(|e| {
            if e.is_cancelled() {
                e
            } else {
                EngineError::Segmentation(format!("“{}” cannot be made on {}: {e}", entry.name, other.name))
            }
        })?;
    let this_snapshot = Snapshot { label: &table.name, keys: &this_keys, assignment: this };
    let other_snapshot = Snapshot { label: other.name, keys: &other_keys, assignment: &made.stored.assignment };
    let (before, after) = match other.is {
        OtherFile::Earlier => (other_snapshot, this_snapshot),
        OtherFile::Later => (this_snapshot, other_snapshot),
    };
    Ok(movement(before, after, monitor)?)
}
