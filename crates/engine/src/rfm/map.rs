//! Named RFM segments: which R × F cells (and optionally which M scores) each covers.

use serde::{Deserialize, Serialize};

use super::errors::RfmError;
use crate::typed::Typed;

/// A named segment of the RFM grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmSegment {
    /// Its name.
    pub name: String,
    /// Its colour (`#rrggbb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// The (R, F) score cells it covers.
    pub cells: Vec<[u8; 2]>,
    /// Only customers with one of these M scores (empty: any M), as numbers or as typed (`4, 5`);
    /// read by [`RfmMap::check`]. Such segments are tried first in map order, and may overlap the others.
    #[serde(default, skip_serializing_if = "Typed::is_empty_list")]
    pub m: Typed<Vec<u8>>,
}

/// The segment map: every R × F cell covered exactly once by the segments without an M filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmMap {
    /// The segments, in order.
    pub segments: Vec<RfmSegment>,
    /// The name for customers with no purchase.
    pub no_purchases: String,
}

fn seg(name: &str, color: &str, r: &[u8], f: &[u8]) -> RfmSegment {
    let cells = r.iter().flat_map(|&r| f.iter().map(move |&f| [r, f])).collect();
    RfmSegment { name: name.to_string(), color: Some(color.to_string()), cells, m: Typed::default() }
}

impl RfmMap {
    /// The default map for `bins` (3, 4 or 5) bins, as documented in the README.
    pub fn default_for(bins: u8) -> RfmMap {
        let segments = match bins {
            3 => vec![
                seg("Champions", "#4e79a7", &[3], &[3]),
                seg("Loyal", "#59a14f", &[2], &[3]),
                seg("Potential loyalists", "#76b7b2", &[3], &[2]),
                seg("New customers", "#edc948", &[3], &[1]),
                seg("Need attention", "#f28e2b", &[2], &[1, 2]),
                seg("At risk", "#e15759", &[1], &[3]),
                seg("Hibernating", "#bab0ac", &[1], &[1, 2]),
            ],
            4 => vec![
                seg("Champions", "#4e79a7", &[4], &[3, 4]),
                seg("Loyal", "#59a14f", &[3], &[3, 4]),
                seg("Potential loyalists", "#76b7b2", &[3, 4], &[2]),
                seg("New customers", "#edc948", &[4], &[1]),
                seg("Promising", "#b07aa1", &[3], &[1]),
                seg("At risk", "#e15759", &[1, 2], &[3]),
                seg("Can't lose them", "#ff9da7", &[1, 2], &[4]),
                seg("Hibernating", "#bab0ac", &[1, 2], &[1, 2]),
            ],
            _ => vec![
                seg("Champions", "#4e79a7", &[5], &[4, 5]),
                seg("Loyal", "#59a14f", &[3, 4], &[4, 5]),
                seg("Potential loyalists", "#76b7b2", &[4, 5], &[2, 3]),
                seg("New customers", "#edc948", &[5], &[1]),
                seg("Promising", "#b07aa1", &[4], &[1]),
                seg("Need attention", "#f28e2b", &[3], &[3]),
                seg("About to sleep", "#9c755f", &[3], &[1, 2]),
                seg("At risk", "#e15759", &[1, 2], &[3, 4]),
                seg("Can't lose them", "#ff9da7", &[1, 2], &[5]),
                seg("Hibernating", "#bab0ac", &[1, 2], &[1, 2]),
            ],
        };
        RfmMap { segments, no_purchases: "No purchases".to_string() }
    }

    /// Checks the map against a `bins`-bin grid: every R × F cell covered exactly once by the
    /// segments without an M filter, names set and distinct, and every M filter read as scores
    /// 1..bins. Returns the map with its M filters as plain numbers.
    ///
    /// # Errors
    /// [`RfmError::Map`] naming the cells left out or covered twice, or the M scores that are not
    /// whole numbers in 1..bins.
    pub fn check(&self, bins: u8) -> Result<ValidRfmMap, RfmError> {
        let m = self
            .segments
            .iter()
            .map(|s| s.m.read_list_in(&format!("the M scores of “{}”", s.name), 1..=bins))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| RfmError::Map(e.to_string()))?;
        let mut owner: Vec<Vec<Option<&str>>> = vec![vec![None; usize::from(bins)]; usize::from(bins)];
        let mut problems = Vec::new();
        for (i, (s, m)) in self.segments.iter().zip(&m).enumerate() {
            if s.name.trim().is_empty() {
                problems.push(format!("segment {} has no name", i.saturating_add(1)));
            }
            if self.segments.iter().take(i).any(|o| o.name == s.name) || s.name == self.no_purchases {
                problems.push(format!("two segments are called “{}”", s.name));
            }
            for &[r, f] in &s.cells {
                if !(1..=bins).contains(&r) || !(1..=bins).contains(&f) {
                    problems.push(format!("“{}” names cell R{r} F{f}, outside the {bins}-bin grid", s.name));
                    continue;
                }
                if !m.is_empty() {
                    continue;
                }
                match cell(&mut owner, r, f) {
                    Some(Some(other)) => {
                        problems.push(format!("cell R{r} F{f} is in both “{other}” and “{}”", s.name));
                    }
                    Some(slot) => *slot = Some(&s.name),
                    None => {}
                }
            }
        }
        for (r, row) in (1..=bins).zip(&owner) {
            for (f, slot) in (1..=bins).zip(row) {
                if slot.is_none() {
                    problems.push(format!("cell R{r} F{f} is in no segment (without an M filter)"));
                }
            }
        }
        if !problems.is_empty() {
            return Err(RfmError::Map(format!("{}; paint every cell with exactly one segment.", problems.join("; "))));
        }
        let mut map = self.clone();
        for (s, m) in map.segments.iter_mut().zip(&m) {
            s.m = Typed::Value(m.clone());
        }
        Ok(ValidRfmMap { map, m })
    }
}

/// The slot of cell R `r` F `f` (scores from 1) in a grid held row by row; `None` outside it.
fn cell<'g, 'n>(grid: &'g mut [Vec<Option<&'n str>>], r: u8, f: u8) -> Option<&'g mut Option<&'n str>> {
    grid.get_mut(usize::from(r.checked_sub(1)?))?.get_mut(usize::from(f.checked_sub(1)?))
}

/// A segment map that fits its bins ([`RfmMap::check`]), its M filters read as scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRfmMap {
    /// The map, its M filters as plain numbers (what views show and definition files save).
    map: RfmMap,
    /// Each segment's M scores (empty: any M).
    m: Vec<Vec<u8>>,
}

impl ValidRfmMap {
    /// The map as checked, its M filters as plain numbers.
    pub fn map(&self) -> &RfmMap {
        &self.map
    }

    /// The M scores segment `i` requires (empty: any M).
    pub fn m_scores(&self, i: usize) -> &[u8] {
        self.m.get(i).map_or(&[], Vec::as_slice)
    }

    /// The index of the segment of scores (r, f, m): M-filtered segments first, in order.
    pub fn segment_of(&self, r: u8, f: u8, m: u8) -> Option<usize> {
        let has = |i: usize| self.map.segments.get(i).is_some_and(|s| s.cells.contains(&[r, f]));
        let n = self.map.segments.len();
        (0..n)
            .find(|&i| has(i) && self.m_scores(i).contains(&m))
            .or_else(|| (0..n).find(|&i| has(i) && self.m_scores(i).is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_maps_cover_every_cell_exactly_once() {
        for bins in 3..=5 {
            RfmMap::default_for(bins).check(bins).unwrap();
        }
    }

    #[test]
    fn the_five_bin_map_is_the_documented_one() {
        let m = RfmMap::default_for(5).check(5).unwrap();
        let name = |r, f| m.map().segments[m.segment_of(r, f, 1).unwrap()].name.as_str();
        assert_eq!(name(5, 5), "Champions");
        assert_eq!(name(4, 4), "Loyal");
        assert_eq!(name(5, 1), "New customers");
        assert_eq!(name(4, 1), "Promising");
        assert_eq!(name(3, 3), "Need attention");
        assert_eq!(name(3, 2), "About to sleep");
        assert_eq!(name(2, 4), "At risk");
        assert_eq!(name(1, 5), "Can't lose them");
        assert_eq!(name(1, 1), "Hibernating");
    }

    #[test]
    fn gaps_and_overlaps_are_named() {
        let mut m = RfmMap::default_for(3);
        m.segments[0].cells.push([2, 3]);
        m.segments.pop();
        let e = m.check(3).unwrap_err().to_string();
        assert!(
            e.contains("cell R2 F3 is in both “Champions” and “Loyal”") && e.contains("cell R1 F1 is in no segment"),
            "{e}"
        );
    }

    /// The 3-bin map with "Big spenders": cell R3 F3 with the M scores as typed.
    fn with_big_spenders(m: &str) -> RfmMap {
        let mut map = RfmMap::default_for(3);
        let m = Typed::Text(m.into());
        map.segments.push(RfmSegment { name: "Big spenders".into(), color: None, cells: vec![[3, 3]], m });
        map
    }

    #[test]
    fn m_filtered_segments_come_first() {
        let valid = with_big_spenders("3").check(3).unwrap();
        assert_eq!(valid.map().segments[valid.segment_of(3, 3, 3).unwrap()].name, "Big spenders");
        assert_eq!(valid.map().segments[valid.segment_of(3, 3, 2).unwrap()].name, "Champions");
        assert_eq!(valid.map().segments.last().unwrap().m, Typed::Value(vec![3]), "read as numbers");
    }

    #[test]
    fn m_scores_must_be_scores_of_the_grid() {
        let e = with_big_spenders("3, 4").check(3).unwrap_err().to_string();
        assert_eq!(
            e,
            "the RFM segment map: the M scores of “Big spenders” must be whole numbers from 1 to 3 separated by commas (got `4`)."
        );
    }
}
