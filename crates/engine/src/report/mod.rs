//! The report a marketer takes away (issue #16): a segmentation's profile, KPIs, typical
//! customers and niches as a file, in four formats built from one [`ReportInput`], so the app's
//! download and `segscope profile` write the same report.
//!
//! - [`ReportFormat::Json`]: the input itself as JSON (`segscope.report/1`: the profile and the
//!   niches as serde writes them), for other programs.
//! - [`ReportFormat::Csv`]: a tidy table, one row per segment × column × statistic or level,
//!   plain values ([`tidy`]).
//! - [`ReportFormat::Xlsx`]: a summary workbook with a sheet per part ([`xlsx`]).
//! - [`ReportFormat::Html`]: one self-contained page that works offline and prints cleanly, its
//!   charts inline SVG ([`html`]).
//!
//! Downloads keep plain machine-readable values (DECISIONS 24): the JSON, the CSV and the
//! workbook's cells hold numbers as computed (the workbook shows them with number formats); only
//! the HTML page writes numbers for people, through [`crate::format`].
//!
//! ```
//! use segscope_engine::assignment::{Assignment, Segment};
//! use segscope_engine::profile::{compute, ProfileData, ProfileOptions};
//! use segscope_engine::progress::Quiet;
//! use segscope_engine::report::{write_report, ReportFormat, ReportInput};
//! use segscope_engine::table::ColumnData;
//!
//! let spend = ColumnData::Decimal { values: (0..100).map(|i| Some(f64::from(i % 7 + if i < 30 { 90 } else { 10 }))).collect(), scale: 0 };
//! let columns = [("spend", &spend)];
//! let segments = vec![Segment { name: "Big".into() }, Segment { name: "Small".into() }];
//! let assignment = Assignment { title: "Tiers".into(), segments, codes: (0..100).map(|i| u32::from(i >= 30)).collect() };
//! let options = ProfileOptions::default().check().unwrap();
//! let profile = compute(&ProfileData::new(&columns), &assignment, &options, &mut Quiet).unwrap();
//! let input = ReportInput::new("customers.csv", "Tiers", "Segment column", "Segments as given.", profile);
//! let csv = String::from_utf8(write_report(&input, ReportFormat::Csv).unwrap()).unwrap();
//! assert!(csv.starts_with("segment,column,level,statistic,value,index,adjusted_p,significant\n"));
//! assert!(csv.contains("\nBig,,,customers,30,,,\n"));
//! ```

mod charts;
mod errors;
pub mod html;
mod kpis;
pub mod tidy;
pub mod xlsx;

pub use charts::{kpi_bars, KpiBars};
pub use errors::ReportError;

use serde::{Deserialize, Serialize};

use crate::profile::{NicheReport, Profile};

/// The JSON report's format tag and version.
pub const FORMAT: &str = "segscope.report/1";

/// What a report says: the data set, the segmentation (its name, kind and definition in words)
/// and what was found about it. The API and the command line build the same one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// Always [`FORMAT`].
    pub format: String,
    /// The data set: the customers file's name.
    pub dataset: String,
    /// The segmentation's name.
    pub segmentation: String,
    /// Which kind made it, as a person reads it ("Rules", "RFM", "Segment column").
    pub kind: String,
    /// How the segments are made, in words (a paragraph per line).
    pub in_words: String,
    /// The date the segmentation and the KPIs count back from (`YYYY-MM-DD`), when one was used.
    pub as_of: Option<String>,
    /// The profile.
    pub profile: Profile,
    /// The niches, when they were looked for.
    pub niches: Option<NicheReport>,
}

impl ReportInput {
    /// A report on `profile` of the segmentation `segmentation` (of kind `kind`, made as
    /// `in_words` says) of the data set `dataset`, without niches; the as-of date is the KPIs'.
    pub fn new(
        dataset: impl Into<String>,
        segmentation: impl Into<String>,
        kind: impl Into<String>,
        in_words: impl Into<String>,
        profile: Profile,
    ) -> Self {
        let as_of = profile.kpis.as_ref().and_then(|k| k.as_of.clone());
        ReportInput {
            format: FORMAT.to_string(),
            dataset: dataset.into(),
            segmentation: segmentation.into(),
            kind: kind.into(),
            in_words: in_words.into(),
            as_of,
            profile,
            niches: None,
        }
    }
}

/// The file formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// The report as JSON ([`FORMAT`]).
    Json,
    /// A tidy CSV: one row per segment × column × statistic or level.
    Csv,
    /// A summary workbook (Excel).
    Xlsx,
    /// A self-contained HTML page, printable to PDF.
    Html,
}

impl ReportFormat {
    /// Every format, in the order a menu lists them.
    pub const ALL: [ReportFormat; 4] = [ReportFormat::Html, ReportFormat::Xlsx, ReportFormat::Csv, ReportFormat::Json];

    /// The file name extension, without the dot; also the format's name on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Html => "html",
        }
    }

    /// The format named by its extension (`html`, `xlsx`, `csv`, `json`; any case).
    pub fn from_extension(name: &str) -> Option<ReportFormat> {
        let name = name.trim().trim_start_matches('.');
        Self::ALL.into_iter().find(|f| f.extension().eq_ignore_ascii_case(name))
    }

    /// The file's media type.
    pub fn mime(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Csv => "text/csv",
            ReportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ReportFormat::Html => "text/html",
        }
    }
}

/// The report `input` as a file of `format`.
///
/// # Errors
/// [`ReportError`] when the workbook, a chart or the JSON cannot be written (none is expected
/// for a profile the engine made).
pub fn write_report(input: &ReportInput, format: ReportFormat) -> Result<Vec<u8>, ReportError> {
    match format {
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(input).map_err(|e| ReportError::Json(e.to_string()))?;
            text.push('\n');
            Ok(text.into_bytes())
        }
        ReportFormat::Csv => tidy::write(input),
        ReportFormat::Xlsx => xlsx::write(input),
        ReportFormat::Html => Ok(html::write(input)?.into_bytes()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::assignment::{Assignment, Segment};
    use crate::profile::{compute, find_niches, KpiColumns, NicheParams, ProfileData, ProfileOptions};
    use crate::progress::Quiet;
    use crate::table::ColumnData;

    /// 300 customers in three segments (the last one named with `<&>`): spend, an area, a flag, a
    /// join date, a health column (flagged as sensitive), and the KPIs' aggregates.
    pub(crate) fn sample() -> ReportInput {
        let n = 300u32;
        let seg = |i: u32| {
            if i < 60 {
                0
            } else if i < 150 {
                1
            } else {
                2
            }
        };
        let spend = ColumnData::Decimal {
            values: (0..n).map(|i| Some(f64::from([400, 120, 60][seg(i) as usize] + i % 11))).collect(),
            scale: 2,
        };
        let area = ColumnData::Categorical {
            dictionary: vec!["Rural".into(), "Urban".into()],
            codes: (0..n).map(|i| Some(u32::from(if seg(i) == 0 { i % 5 != 0 } else { i % 3 == 0 }))).collect(),
        };
        let joined = ColumnData::Date((0..n).map(|i| Some(19_000 + i as i32)).collect());
        let health = ColumnData::Integer((0..n).map(|i| Some(i64::from(i % 4))).collect());
        let orders = ColumnData::Integer((0..n).map(|i| Some(i64::from([6, 2, 1][seg(i) as usize] + i % 2))).collect());
        let revenue = spend.clone();
        let last =
            ColumnData::Date((0..n).map(|i| Some(19_500 - [10, 100, 300][seg(i) as usize] - (i % 9) as i32)).collect());
        let columns = [
            ("spend", &spend),
            ("area", &area),
            ("joined", &joined),
            ("health_score", &health),
            ("orders", &orders),
            ("revenue", &revenue),
            ("last_order_date", &last),
        ];
        let names = ["Champions", "Loyal, \"steady\"", "Tom & <Jerry>"];
        let assignment = Assignment {
            title: "Value tiers".into(),
            segments: names.iter().map(|n| Segment { name: n.to_string() }).collect(),
            codes: (0..n).map(seg).collect(),
        };
        let transactions = KpiColumns::find(&columns[4..], Some(19_500)).unwrap();
        let data = ProfileData { columns: &columns, transactions, clv: None };
        let options = ProfileOptions { currency: Some("€".into()), ..ProfileOptions::default() }.check().unwrap();
        let profile = compute(&data, &assignment, &options, &mut Quiet).unwrap();
        let params = NicheParams {
            value: "spend".into(),
            min_index: 120.0.into(),
            max_share: 0.3.into(),
            ..NicheParams::default()
        };
        let niches = find_niches(&columns, &assignment, &params.check(&columns).unwrap(), &mut Quiet).unwrap();
        let mut input = ReportInput::new(
            "customers <2024>.csv",
            "Value tiers",
            "Rules",
            "Rule segments: first match.\nChampions: spend > 300.",
            profile,
        );
        input.niches = Some(niches);
        input
    }

    #[test]
    fn formats_are_named_by_their_extension() {
        for f in ReportFormat::ALL {
            assert_eq!(ReportFormat::from_extension(f.extension()), Some(f));
        }
        assert_eq!(ReportFormat::from_extension(".HTML"), Some(ReportFormat::Html));
        assert_eq!(ReportFormat::from_extension("pdf"), None);
    }

    #[test]
    fn the_json_report_reads_back_as_the_input() {
        let input = sample();
        let bytes = write_report(&input, ReportFormat::Json).unwrap();
        let back: ReportInput = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, input);
        assert_eq!(back.format, FORMAT);
    }
}
