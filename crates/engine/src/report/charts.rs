//! The report's charts as inline SVG, drawn by `segscope-charts` (the same drawing functions the
//! page draws on a canvas). Each SVG is ready to sit inside an HTML page: no namespace URL (HTML
//! knows `<svg>`), a role and a label for screen readers, and text the SVG backend escapes.

use segscope_charts::segment_sizes::{self, Bar, EVERYONE, PALETTE};
use segscope_charts::{index, svg::render, treemap};

use super::html::escape;
use super::kpis::{Kpi, Unit};
use super::ReportError;
use crate::format;
use crate::profile::{KpiTable, Profile};

/// How wide every chart is drawn, in pixels (it scales down to the page).
const WIDTH: u32 = 720;

/// The SVG text `drawn` made ready for inline use and labelled `label`.
fn inline(drawn: Result<String, String>, label: &str) -> Result<String, ReportError> {
    let out = drawn.map_err(ReportError::Chart)?.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    Ok(out.replacen("<svg ", &format!("<svg class=\"chart\" role=\"img\" aria-label=\"{}\" ", escape(label)), 1))
}

/// The segment sizes as horizontal bars, on an axis of customers.
pub(crate) fn sizes(profile: &Profile) -> Result<String, ReportError> {
    let bars: Vec<Bar> = profile
        .segments
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|(s, &colour)| Bar {
            name: s.name.clone(),
            value: s.count as f64,
            label: format!("{} ({})", format::count(s.count), format::share(s.share)),
            colour,
        })
        .collect();
    let label = "Bar chart: customers per segment (the table below gives the numbers)";
    let size = (WIDTH, segment_sizes::height_for(bars.len()));
    inline(render(size, |root| segment_sizes::draw_bars(root, &bars, "Customers", &|x| format::compact(x))), label)
}

/// The segment sizes as a treemap: each segment's area is its share of the customers.
pub(crate) fn treemap(profile: &Profile) -> Result<String, ReportError> {
    let segments: Vec<(String, u64)> = profile.segments.iter().map(|s| (s.name.clone(), s.count)).collect();
    let label = "Treemap: each segment's area is its share of all customers (the table below gives the numbers)";
    inline(render((WIDTH, 320), |root| treemap::draw(root, &segments)), label)
}

/// One KPI as bars across the segments and all customers (grey), ready for
/// [`segment_sizes::draw_bars`]: the report draws them as SVG, the app on a canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiBars {
    /// The KPI's key (`revenue_per_customer`, …).
    pub key: &'static str,
    /// The KPI's name.
    pub name: &'static str,
    /// The value axis' caption, with the unit.
    pub axis: String,
    /// The chart in words, for screen readers.
    pub label: String,
    /// A bar per segment with a value, then all customers.
    pub bars: Vec<Bar>,
    /// True when the values are shares (ticks in %).
    pub share: bool,
}

impl KpiBars {
    /// A value on the axis as people read it.
    pub fn tick(&self, x: f64) -> String {
        if self.share {
            format!("{:.0}%", x * 100.0)
        } else {
            format::compact(x)
        }
    }
}

/// Every KPI of `table` as bars, in the KPI table's order.
pub fn kpi_bars(table: &KpiTable) -> Vec<KpiBars> {
    super::kpis::kpis(table).iter().map(|kpi| bars_of(table, kpi)).collect()
}

/// `kpi` across the segments and all customers.
fn bars_of(table: &KpiTable, kpi: &Kpi) -> KpiBars {
    let currency = table.currency.as_deref();
    // The segments in the palette's colours, taken in turn; all customers in grey.
    let segments = table.segments.iter().zip(PALETTE.iter().copied().cycle());
    let groups = segments.chain(std::iter::once((&table.all, EVERYONE)));
    let bars: Vec<Bar> = groups
        .filter_map(|(g, colour)| {
            let value = (kpi.get)(g)?;
            Some(Bar { name: g.segment.clone(), value, label: super::kpis::shown(kpi, g, currency), colour })
        })
        .collect();
    let unit = match kpi.unit {
        Unit::Money => currency.map_or_else(|| "amount".to_string(), str::to_string),
        Unit::Share => "%".to_string(),
        Unit::Count => "count".to_string(),
        Unit::Number => "per customer".to_string(),
        Unit::Days => "days".to_string(),
    };
    KpiBars {
        key: kpi.key,
        name: kpi.label,
        axis: format!("{} ({unit})", kpi.label.trim_end_matches(" (days)")),
        label: format!("Bar chart: {} per segment and for all customers (the KPI table gives the numbers)", kpi.label),
        bars,
        share: kpi.unit == Unit::Share,
    }
}

/// One KPI across the segments and all customers (grey), on an axis in its unit.
pub(crate) fn kpi(table: &KpiTable, kpi: &Kpi) -> Result<String, ReportError> {
    let k = bars_of(table, kpi);
    let size = (WIDTH, segment_sizes::height_for(k.bars.len()));
    inline(render(size, |root| segment_sizes::draw_bars(root, &k.bars, &k.axis, &|x| k.tick(x))), &k.label)
}

/// A segment's traits (label, index) as bars from 100.
pub(crate) fn index(segment: &str, traits: &[(String, f64)]) -> Result<String, ReportError> {
    let label = format!(
        "Index chart of {segment}'s top traits: 100 is the same as all customers (the table gives the numbers)"
    );
    inline(render((WIDTH, index::height_for(traits.len())), |root| index::draw(root, traits, "all customers")), &label)
}
