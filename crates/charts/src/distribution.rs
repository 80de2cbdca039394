//! One feature's distribution in each group, laid out for an SVG drawn by the page: a number as a
//! horizontal box per group (first to third quartile, the median, whiskers to the 5th and 95th
//! percentiles) on an axis with round ticks, a category as a bar per group split into its levels'
//! shares. Plain geometry: no drawing backend, so the component writes the SVG elements itself and
//! a test can count them.

use super::numbers::grouped;
use super::segment_sizes::PALETTE;

/// Width of the chart, in pixels.
pub const WIDTH: f64 = 760.0;
/// Height of one group's row.
pub const ROW: f64 = 30.0;
/// Space above the rows (a category's legend goes there).
pub const TOP: f64 = 10.0;
/// Space below the rows: tick labels and the axis caption.
pub const BOTTOM: f64 = 44.0;
/// Space right of the plot, so the last tick label fits.
pub const RIGHT: f64 = 36.0;
/// Names longer than this many characters are cut (the full name is in the tooltip).
pub const NAME_CHARS: usize = 42;

/// One group's box: its 5th percentile, quartiles and 95th percentile, in the feature's units.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRow {
    /// The group's name.
    pub name: String,
    /// Its colour's index in [`PALETTE`].
    pub group: usize,
    /// 5th percentile, first quartile, median, third quartile, 95th percentile.
    pub five: [f64; 5],
}

/// One group's shares of a category's levels (in the levels' order, adding up to about 1).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    /// The group's name.
    pub name: String,
    /// Its colour's index in [`PALETTE`].
    pub group: usize,
    /// Share of each level, 0..1.
    pub shares: Vec<f64>,
}

/// What one feature's chart shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// A number: a box per group.
    Boxes {
        /// One per group, top to bottom.
        rows: Vec<BoxRow>,
        /// The axis caption (the feature and its unit).
        caption: String,
    },
    /// A category: a bar of shares per group.
    Shares {
        /// The levels, in the order their shares are stacked.
        levels: Vec<String>,
        /// One per group, top to bottom.
        rows: Vec<ShareRow>,
    },
}

/// The colour of group `g`, as an SVG colour (the scatter's and the size bars' colour for it).
pub fn colour(g: usize) -> String {
    let c = PALETTE[g % PALETTE.len()];
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

/// Colours for a category's levels: slate shades, dark to light, so they are not taken for groups.
pub const LEVEL_COLOURS: [&str; 6] = ["#2f3e4e", "#53657a", "#7a8ca1", "#a3b2c3", "#c9d3de", "#e6ebf1"];

/// The text colour that reads on level colour `i`.
pub fn level_ink(i: usize) -> &'static str {
    if i % LEVEL_COLOURS.len() < 3 {
        "#ffffff"
    } else {
        "#1f2328"
    }
}

/// Height of a chart with `rows` groups and `top` pixels above them.
pub fn height(rows: usize, top: f64) -> f64 {
    top + ROW * rows.max(1) as f64 + BOTTOM
}

/// About the width of a character of the chart's 12 px text, for laying out names.
pub const CHAR: f64 = 6.6;

/// Tick labels at least this far apart, in pixels.
pub const TICK_GAP: f64 = 64.0;

/// Where the plot starts: after the longest (cut) name and its colour swatch.
pub fn plot_left(names: &[&str]) -> f64 {
    let longest = names.iter().map(|n| short(n).chars().count()).max().unwrap_or(4);
    (34.0 + CHAR * longest as f64).clamp(90.0, 320.0)
}

/// `name` cut to [`NAME_CHARS`] characters with an ellipsis.
pub fn short(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(NAME_CHARS - 1).collect::<String>())
    }
}

/// An axis: round ticks covering `lo..=hi`, and the value ↔ pixel map from `left` to `right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Tick values, smallest first; the first and last are the axis' ends.
    pub ticks: Vec<f64>,
    /// Distance between ticks.
    pub step: f64,
    left: f64,
    right: f64,
}

impl Axis {
    /// Round ticks (1, 2, 2.5 or 5 times a power of ten) covering `lo..=hi`, as many as fit
    /// [`TICK_GAP`] apart between pixels `left` and `right`. A single value gets an axis around it.
    pub fn new(lo: f64, hi: f64, left: f64, right: f64) -> Axis {
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) if hi > lo => (lo, hi),
            (true, _) => around(lo),
            (false, true) => around(hi),
            (false, false) => (0.0, 1.0),
        };
        let intervals = ((right - left) / TICK_GAP).floor().max(1.0);
        let base = 10f64.powf(((hi - lo) / intervals).log10().floor());
        // 2.5 only where it does not add a decimal to whole steps.
        let multiples: &[f64] =
            if base >= 10.0 { &[1.0, 2.0, 2.5, 5.0, 10.0, 20.0] } else { &[1.0, 2.0, 5.0, 10.0, 20.0] };
        let step = multiples
            .iter()
            .map(|m| m * base)
            .find(|s| (hi / s).ceil() - (lo / s).floor() <= intervals)
            .unwrap_or(20.0 * base);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let ticks = (0..=(last - first) as usize).map(|i| (first + i as f64) * step).collect();
        Axis { ticks, step, left, right }
    }

    /// The pixel of value `v`.
    pub fn x(&self, v: f64) -> f64 {
        let (lo, hi) = (self.ticks.first().copied().unwrap_or(0.0), self.ticks.last().copied().unwrap_or(1.0));
        if hi > lo {
            self.left + (v - lo) / (hi - lo) * (self.right - self.left)
        } else {
            self.left
        }
    }

    /// Tick `v` as text: no more decimals than the step needs, thousands grouped.
    pub fn label(&self, v: f64) -> String {
        let decimals = (-self.step.log10().floor()).max(0.0) as usize;
        grouped(&format!("{:.*}", decimals, if v == 0.0 { 0.0 } else { v }))
    }
}

/// A range around the single value `v`.
fn around(v: f64) -> (f64, f64) {
    let pad = if v == 0.0 { 1.0 } else { v.abs() * 0.1 };
    (v - pad, v + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        let a = Axis::new(13.0, 87.0, 0.0, 400.0);
        assert_eq!(a.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let b = Axis::new(21_500.0, 148_000.0, 0.0, 400.0);
        assert_eq!(b.step, 25_000.0);
        assert_eq!(b.label(150_000.0), "150,000");
        // Labels keep their distance on a narrow axis.
        let narrow = Axis::new(21_500.0, 148_000.0, 0.0, 200.0);
        assert_eq!(narrow.ticks, [0.0, 50_000.0, 100_000.0, 150_000.0]);
        let c = Axis::new(0.12, 0.31, 0.0, 400.0);
        assert_eq!(c.label(c.ticks[1]), "0.15");
        assert!((c.x(0.2) - c.x(0.15) - (c.x(0.25) - c.x(0.2))).abs() < 1e-9);
    }

    #[test]
    fn a_single_value_gets_an_axis_around_it() {
        let a = Axis::new(5.0, 5.0, 0.0, 400.0);
        assert!(a.ticks.first().is_some_and(|&t| t < 5.0) && a.ticks.last().is_some_and(|&t| t > 5.0));
    }
}
