//! The report as a tidy CSV: one row per segment × column × statistic (numbers, dates, KPIs,
//! sizes) or level (categories), with the columns `segment, column, level, statistic, value,
//! index, adjusted_p, significant`. Values are plain (numbers as computed, dates `YYYY-MM-DD`),
//! so a spreadsheet or a script reads them without parsing formatted text (DECISIONS 24).
//!
//! Rows, in order: sizes (`customers`, `share`); each number column's `count`, `missing`,
//! `mean` (with the index, the adjusted p-value and significance of the segment against the
//! rest), `min`, `q1`, `median`, `q3`, `max`; each category's `missing` and, per level, `count`
//! and `share` (with its index and test); each date column's `count`, `missing`, `min`,
//! `median`, `max`; the KPIs by their keys; the niches (`niche_customers`, `niche_mean` with
//! index and test); and the columns flagged as sensitive (`sensitive_category`). "All customers"
//! is the group of everyone.

use super::kpis::kpis;
use super::{ReportError, ReportInput};
use crate::profile::{significance::TraitTest, NumberSummary, ALL_CUSTOMERS};

/// The header of the tidy CSV.
pub const HEADER: [&str; 8] =
    ["segment", "column", "level", "statistic", "value", "index", "adjusted_p", "significant"];

/// One row, its cells as written.
struct Row<'a> {
    segment: &'a str,
    column: &'a str,
    level: &'a str,
    statistic: &'a str,
    value: String,
    index: Option<f64>,
    test: Option<(f64, bool)>,
}

impl<'a> Row<'a> {
    fn new(segment: &'a str, column: &'a str, statistic: &'a str, value: impl ToString) -> Self {
        Row { segment, column, level: "", statistic, value: value.to_string(), index: None, test: None }
    }

    fn cells(&self) -> [String; 8] {
        let plain = |x: Option<f64>| x.filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default();
        [
            self.segment.to_string(),
            self.column.to_string(),
            self.level.to_string(),
            self.statistic.to_string(),
            self.value.clone(),
            plain(self.index),
            plain(self.test.map(|t| t.0)),
            self.test.map(|t| t.1.to_string()).unwrap_or_default(),
        ]
    }
}

/// A test's adjusted p-value and verdict.
fn tested(test: Option<&TraitTest>) -> Option<(f64, bool)> {
    test.map(|t| (t.adjusted_p, t.significant))
}

/// A number column's rows for one group.
fn number_rows<'a>(
    rows: &mut Vec<Row<'a>>,
    segment: &'a str,
    column: &'a str,
    s: &NumberSummary,
    index: Option<f64>,
    test: Option<(f64, bool)>,
) {
    rows.push(Row::new(segment, column, "count", s.count));
    rows.push(Row::new(segment, column, "missing", s.missing));
    let Some(st) = &s.stats else { return };
    rows.push(Row { index, test, ..Row::new(segment, column, "mean", st.mean) });
    for (statistic, value) in [("min", st.min), ("q1", st.q1), ("median", st.median), ("q3", st.q3), ("max", st.max)] {
        rows.push(Row::new(segment, column, statistic, value));
    }
}

/// Every row of the report.
fn rows(input: &ReportInput) -> Vec<Row<'_>> {
    let p = &input.profile;
    let names: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
    let mut rows = Vec::new();
    for s in &p.segments {
        rows.push(Row::new(&s.name, "", "customers", s.count));
        rows.push(Row::new(&s.name, "", "share", s.share));
    }
    rows.push(Row::new(ALL_CUSTOMERS, "", "customers", p.customers));
    rows.push(Row::new(ALL_CUSTOMERS, "", "share", 1));
    for t in &p.numbers {
        number_rows(&mut rows, ALL_CUSTOMERS, &t.column, &t.all, None, None);
        for (name, s) in names.iter().zip(&t.segments) {
            number_rows(&mut rows, name, &t.column, &s.summary, s.index, tested(s.test.as_ref()));
        }
    }
    for t in &p.categories {
        rows.push(Row::new(ALL_CUSTOMERS, &t.column, "missing", t.all.missing));
        for (level, share) in t.levels.iter().zip(&t.all.levels) {
            rows.push(Row { level, ..Row::new(ALL_CUSTOMERS, &t.column, "count", share.count) });
            rows.push(Row { level, ..Row::new(ALL_CUSTOMERS, &t.column, "share", share.share) });
        }
        for (name, d) in names.iter().zip(&t.segments) {
            rows.push(Row::new(name, &t.column, "missing", d.missing));
            for (level, l) in t.levels.iter().zip(&d.levels) {
                rows.push(Row { level, ..Row::new(name, &t.column, "count", l.share.count) });
                let (index, test) = (l.index, tested(l.test.as_ref()));
                rows.push(Row { level, index, test, ..Row::new(name, &t.column, "share", l.share.share) });
            }
        }
    }
    for t in &p.dates {
        for (name, d) in std::iter::once(&ALL_CUSTOMERS).chain(&names).zip(std::iter::once(&t.all).chain(&t.segments)) {
            rows.push(Row::new(name, &t.column, "count", d.count));
            rows.push(Row::new(name, &t.column, "missing", d.missing));
            for (statistic, value) in [("min", &d.min), ("median", &d.median), ("max", &d.max)] {
                rows.push(Row::new(name, &t.column, statistic, value.clone().unwrap_or_default()));
            }
        }
    }
    if let Some(table) = &p.kpis {
        for kpi in kpis(table) {
            for g in std::iter::once(&table.all).chain(&table.segments) {
                let value = (kpi.get)(g).filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default();
                rows.push(Row::new(&g.segment, "", kpi.key, value));
            }
        }
    }
    for k in p.custom_kpis.iter().flat_map(|t| &t.kpis) {
        let name = k.definition.name.as_str();
        for g in std::iter::once(&k.all).chain(&k.segments) {
            let plain = |x: Option<f64>| x.filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default();
            rows.push(Row { level: name, ..Row::new(&g.segment, "", "custom_kpi", plain(g.value)) });
            if g.target.is_some() {
                rows.push(Row { level: name, ..Row::new(&g.segment, "", "custom_kpi_target", plain(g.target)) });
                rows.push(Row { level: name, ..Row::new(&g.segment, "", "custom_kpi_progress", plain(g.progress)) });
            }
        }
    }
    for n in input.niches.iter().flat_map(|r| &r.niches) {
        let (column, level) = (n.column.as_deref().unwrap_or(""), n.level.as_deref().unwrap_or(""));
        rows.push(Row { level, ..Row::new(&n.segment, column, "niche_customers", n.size) });
        let test = Some((n.adjusted_p, true));
        rows.push(Row { level, index: Some(n.index), test, ..Row::new(&n.segment, column, "niche_mean", n.mean) });
    }
    for s in &p.sensitive {
        let category = serde_json::to_value(s.category).ok().and_then(|v| v.as_str().map(str::to_string));
        rows.push(Row::new("", &s.column, "sensitive_category", category.unwrap_or_default()));
    }
    rows
}

/// The tidy CSV of `input`.
///
/// # Errors
/// [`ReportError::Csv`] when a row cannot be written (not expected in memory).
pub fn write(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ReportError::Csv(e.to_string());
    out.write_record(HEADER).map_err(fail)?;
    for row in rows(input) {
        out.write_record(row.cells()).map_err(fail)?;
    }
    out.into_inner().map_err(|e| ReportError::Csv(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    fn table() -> Vec<Vec<String>> {
        let bytes = write(&sample()).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
        r.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    fn find<'a>(rows: &'a [Vec<String>], segment: &str, column: &str, level: &str, statistic: &str) -> &'a [String] {
        rows.iter()
            .find(|r| r[0] == segment && r[1] == column && r[2] == level && r[3] == statistic)
            .unwrap_or_else(|| panic!("no row {segment} {column} {level} {statistic}"))
    }

    #[test]
    fn every_value_is_plain_and_sizes_come_first() {
        let rows = table();
        assert_eq!(rows[0][..5], ["Champions", "", "", "customers", "60"]);
        assert_eq!(find(&rows, "Tom & <Jerry>", "", "", "share")[4], "0.5");
        assert_eq!(find(&rows, "All customers", "", "", "customers")[4], "300");
        let revenue = find(&rows, "All customers", "", "", "revenue")[4].parse::<f64>().unwrap();
        assert!(revenue > 30_000.0, "a plain number, no thousands separator: {revenue}");
    }

    #[test]
    fn levels_carry_their_index_and_test() {
        let input = sample();
        let rows = table();
        let row = find(&rows, "Champions", "area", "Urban", "share");
        let level = &input.profile.categories[0];
        let urban = level.levels.iter().position(|l| l == "Urban").unwrap();
        let expected = &level.segments[0].levels[urban];
        assert_eq!(row[4], expected.share.share.to_string());
        assert_eq!(row[5], expected.index.unwrap().to_string());
        assert_eq!(row[7], "true");
        let mean = find(&rows, "Champions", "spend", "", "mean");
        assert!(mean[5].parse::<f64>().unwrap() > 100.0 && mean[7] == "true", "{mean:?}");
    }

    #[test]
    fn dates_niches_and_sensitive_columns_have_rows() {
        let rows = table();
        assert_eq!(find(&rows, "All customers", "joined", "", "min")[4], "2022-01-08");
        assert!(rows.iter().any(|r| r[3] == "niche_mean" && r[0] == "Champions"), "the Champions are a niche");
        assert_eq!(find(&rows, "", "health_score", "", "sensitive_category")[4], "health");
    }
}
