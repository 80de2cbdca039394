//! The result every kind of segmentation produces: which segment each row of a table is in.
//!
//! Profiles, charts and exports only ever read an [`Assignment`], so a new kind of segment
//! (rules, RFM, clusters) gets all of them without code of its own.

use serde::{Deserialize, Serialize};

/// One segment of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// The name shown to users and written into exports.
    pub name: String,
}

/// A segment's name and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSize {
    /// The segment's name.
    pub name: String,
    /// Rows in the segment.
    pub count: u64,
    /// Share of all rows, 0..=1.
    pub share: f64,
}

/// Which segment each row of a table is in (each row in exactly one segment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// A short description of how the segments were made, e.g. "Split by age (4 bands)".
    pub title: String,
    /// The segments, in display order.
    pub segments: Vec<Segment>,
    /// Per row, the index of its segment in `segments`.
    pub codes: Vec<u32>,
}

impl Assignment {
    /// Rows assigned.
    pub fn rows(&self) -> usize {
        self.codes.len()
    }

    /// The segment name of `row`.
    pub fn segment_of(&self, row: usize) -> Option<&str> {
        let code = *self.codes.get(row)?;
        self.segments.get(code as usize).map(|s| s.name.as_str())
    }

    /// Each segment's name, count and share, in display order.
    pub fn sizes(&self) -> Vec<SegmentSize> {
        let mut counts = vec![0u64; self.segments.len()];
        for &c in &self.codes {
            if let Some(n) = counts.get_mut(c as usize) {
                *n = n.saturating_add(1); // at most `self.codes.len()`
            }
        }
        let total = self.codes.len().max(1) as f64;
        self.segments
            .iter()
            .zip(counts)
            .map(|(s, count)| SegmentSize { name: s.name.clone(), count, share: count as f64 / total })
            .collect()
    }

    /// The rows in segment `code`, in table order.
    pub fn rows_in(&self, code: u32) -> impl Iterator<Item = usize> + '_ {
        self.codes.iter().enumerate().filter(move |(_, &c)| c == code).map(|(r, _)| r)
    }
}
