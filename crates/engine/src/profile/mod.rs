//! Segment profiles (issue #16): who is in each segment of any segmentation (split, rules, RFM,
//! clusters) and how they differ from everyone else.
//!
//! [`compute`] reads the customer table's columns and an [`Assignment`] and returns plain data
//! ([`Profile`]): per segment and for all customers, the size and share; for each number column
//! the count, missing values, mean, quartiles, median, minimum and maximum; for each category
//! the share of every level and its index (segment share ÷ overall share × 100); for each date
//! the earliest, median and latest. Each segment is tested against the rest on every trait
//! ([`significance`]: a chi-square test per category level, Welch's t or Mann–Whitney per
//! number), a segment's p-values adjusted together (Benjamini–Hochberg unless changed). The
//! typical customer of each segment names its median, most common and median values and the
//! few significant traits that most set it apart, in words. When transactions are attached,
//! [`KpiTable`] gives each segment's KPIs. [`find_niches`] looks for small groups worth far more
//! than the average; [`sensitive_columns`] flags columns whose names suggest special categories
//! of personal data, and every profile carries those flags.
//!
//! The work is one pass over the rows per column (plus one sort per segment per number or date
//! column for its quartiles); no column is copied per segment.
//!
//! ```
//! use segscope_engine::assignment::{Assignment, Segment};
//! use segscope_engine::profile::{compute, ProfileData, ProfileOptions};
//! use segscope_engine::progress::Quiet;
//! use segscope_engine::table::ColumnData;
//!
//! let spend = ColumnData::Decimal { values: (0..200).map(|i| Some(if i < 50 { 300.0 } else { 100.0 } + f64::from(i % 9))).collect(), scale: 0 };
//! let columns = [("spend", &spend)];
//! let segments = vec![Segment { name: "Big".into() }, Segment { name: "Others".into() }];
//! let assignment = Assignment { title: "Demo".into(), segments, codes: (0..200).map(|i| u32::from(i >= 50)).collect() };
//! let options = ProfileOptions::default().check().unwrap_or_else(|e| panic!("{e}"));
//! let profile = compute(&ProfileData::new(&columns), &assignment, &options, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
//! assert_eq!(profile.segments[0].count, 50);
//! assert_eq!(profile.typical[0].callouts[0].sentence, "median spend 304 vs 106 overall");
//! ```

mod categories;
mod columns;
mod compare;
mod dates;
mod errors;
mod kpi;
mod niche;
mod numbers;
mod params;
mod sensitive;
pub(crate) mod sentences;
pub mod significance;
mod typical;

pub use categories::{CategoryTrait, Distribution, LevelInSegment, LevelShare, SegmentDistribution};
pub use columns::SkippedColumn;
pub use compare::{compare, Comparison, Difference, EVERYONE_ELSE};
pub use dates::{DateSummary, DateTrait};
pub use errors::ProfileError;
pub use kpi::{KpiColumns, KpiTable, SegmentKpis, LAST_ORDER_DATE, ORDERS, REVENUE};
pub use niche::{find_niches, Niche, NicheReport};
pub use numbers::{NumberInSegment, NumberSummary, NumberTrait};
pub use params::{
    NicheParams, NumberTest, ProfileOptions, ValidNicheParams, ValidProfileOptions, CALLOUTS, DEFAULT_ALPHA,
    DEFAULT_CALLOUTS, DEFAULT_LAPSED_DAYS, DEFAULT_MAX_SHARE, DEFAULT_MIN_INDEX, DEFAULT_MIN_SHARE, LAPSED_DAYS,
    MAX_LEVELS, NICHE_INDEX,
};
pub use sensitive::{sensitive_columns, special_category, SensitiveColumn, SpecialCategory};
pub use significance::{TestKind, TraitTest};
pub use typical::{Callout, TypicalCustomer, TypicalValue};

use serde::{Deserialize, Serialize};

use crate::assignment::{Assignment, SegmentSize};
use crate::clv::ClvRow;
use crate::progress::{Monitor, Stage};
use crate::stats::significance::Correction;
use crate::table::ColumnData;
use columns::{classify, Kind};

/// The name of the group of all customers, beside the segments.
pub const ALL_CUSTOMERS: &str = "All customers";

/// What a profile reads: the customers' columns, and what transactions and a CLV fit add.
#[derive(Debug, Clone, Copy)]
pub struct ProfileData<'a> {
    /// The customer table's columns, with the aggregates of attached transactions after them, as
    /// [`crate::table::Table::named_columns`] gives them; one value per customer of the segmentation.
    pub columns: &'a [(&'a str, &'a ColumnData)],
    /// The aggregate columns the KPIs read, when transactions are attached.
    pub transactions: Option<KpiColumns<'a>>,
    /// A CLV fit's rows, one per customer in the same order, for predicted value and P(alive).
    pub clv: Option<&'a [ClvRow]>,
}

impl<'a> ProfileData<'a> {
    /// The columns alone: no KPIs.
    pub fn new(columns: &'a [(&'a str, &'a ColumnData)]) -> Self {
        ProfileData { columns, transactions: None, clv: None }
    }
}

/// How the segments were compared, for the report to state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// The significance level.
    pub alpha: f64,
    /// The correction.
    pub correction: Correction,
    /// The test for numbers.
    pub number_test: NumberTest,
    /// The whole method in one paragraph.
    pub description: String,
}

/// A segmentation's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The segmentation's title.
    pub title: String,
    /// All customers.
    pub customers: u64,
    /// Each segment's name, size and share, in the segmentation's order.
    pub segments: Vec<SegmentSize>,
    /// The number columns, in column order.
    pub numbers: Vec<NumberTrait>,
    /// The categories (with yes/no columns and text of few values), in column order.
    pub categories: Vec<CategoryTrait>,
    /// The date and date-time columns, in column order.
    pub dates: Vec<DateTrait>,
    /// The columns not compared, and why.
    pub skipped: Vec<SkippedColumn>,
    /// Columns whose names suggest special categories of personal data (every view and export
    /// shows these).
    pub sensitive: Vec<SensitiveColumn>,
    /// Per segment, its typical customer.
    pub typical: Vec<TypicalCustomer>,
    /// The KPIs, when transactions are attached.
    pub kpis: Option<KpiTable>,
    /// The user's own KPIs, when any are defined ([`crate::custom_kpi`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_kpis: Option<crate::custom_kpi::CustomKpiTable>,
    /// How the segments were compared.
    pub method: Method,
}

/// Checks that every column has one value per customer of the segmentation and every code names a segment.
fn check_fit(columns: &[(&str, &ColumnData)], assignment: &Assignment) -> Result<(), ProfileError> {
    let rows = assignment.rows();
    if rows == 0 {
        return Err(ProfileError::NoCustomers);
    }
    if let Some((name, data)) = columns.iter().find(|(_, d)| d.len() != rows) {
        return Err(ProfileError::RowsDiffer { what: format!("column `{name}`"), found: data.len(), expected: rows });
    }
    let segments = assignment.segments.len();
    // Each segment gets a row of every column's table: for a category, a count, share, index and
    // test per level (at most MAX_LEVELS and the rest).
    crate::budget::cells::<f64>(
        &[segments, columns.len().max(1), params::MAX_LEVELS.saturating_add(1), 4],
        || format!("a profile of {} segments × {} columns", crate::format::thousands(segments), columns.len()),
        "profile a segmentation with fewer segments, or leave columns out of the profile.",
    )?;
    if let Some((row, &code)) = assignment.codes.iter().enumerate().find(|(_, &c)| c as usize >= segments) {
        return Err(ProfileError::UnknownSegment { row, code, segments });
    }
    Ok(())
}

/// Profiles the segments of `assignment` on `data`'s columns (one value per customer of the
/// segmentation, in its order).
///
/// # Errors
/// [`ProfileError::NoCustomers`], [`ProfileError::RowsDiffer`] or [`ProfileError::UnknownSegment`]
/// when the data and the segmentation do not fit; [`ProfileError::KpiOutOfRange`] when the KPIs'
/// orders or dates do not fit whole numbers; [`ProfileError::Cancelled`] when `monitor` asks to
/// stop (checked after every column).
pub fn compute(
    data: &ProfileData<'_>,
    assignment: &Assignment,
    options: &ValidProfileOptions,
    monitor: &mut dyn Monitor,
) -> Result<Profile, ProfileError> {
    check_fit(data.columns, assignment)?;
    let rows = assignment.rows();
    for (what, found) in [
        ("the KPIs' orders", data.transactions.map(|t| t.orders.len())),
        ("the KPIs' revenue", data.transactions.map(|t| t.revenue.len())),
        ("the KPIs' last order dates", data.transactions.map(|t| t.last_order_date.len())),
        ("the CLV predictions", data.clv.map(<[ClvRow]>::len)),
    ] {
        if let Some(found) = found.filter(|&f| f != rows) {
            return Err(ProfileError::RowsDiffer { what: what.to_string(), found, expected: rows });
        }
    }
    let segments = assignment.segments.len();
    let codes = &assignment.codes;
    // Progress units (rows × columns): far below u64::MAX, so they never saturate.
    let units = (rows as u64).saturating_mul((data.columns.len() as u64).saturating_add(1));
    let mut stage = Stage::start(monitor, "Profiling segments", units, 1)?;
    let mut profile = Profile {
        title: assignment.title.clone(),
        customers: rows as u64,
        segments: assignment.sizes(),
        numbers: Vec::new(),
        categories: Vec::new(),
        dates: Vec::new(),
        skipped: Vec::new(),
        sensitive: sensitive_columns(data.columns.iter().map(|(n, _)| *n)),
        typical: Vec::new(),
        kpis: None,
        custom_kpis: None,
        method: method(options),
    };
    for &(name, column) in data.columns {
        if options.leave_out.iter().any(|l| l == name) {
            let reason = "it was left out of the profile (for example, the segmentation was made from it)";
            profile.skipped.push(SkippedColumn { column: name.to_string(), reason: reason.to_string() });
        } else {
            match classify(name, column) {
                Kind::Number => {
                    profile.numbers.push(numbers::number_trait(name, column, codes, segments, options.number_test))
                }
                Kind::Category(levels) => {
                    profile.categories.push(categories::category_trait(name, &levels, codes, segments))
                }
                Kind::Date => profile.dates.push(dates::date_trait(name, column, codes, segments)),
                Kind::Skipped(reason) => profile.skipped.push(SkippedColumn { column: name.to_string(), reason }),
            }
        }
        stage.advance(rows as u64)?;
    }
    for s in 0..segments {
        let mut tests: Vec<&mut TraitTest> = profile
            .numbers
            .iter_mut()
            .filter_map(|t| t.segments.get_mut(s).and_then(|x| x.test.as_mut()))
            .chain(
                profile
                    .categories
                    .iter_mut()
                    .filter_map(|t| t.segments.get_mut(s))
                    .flat_map(|d| d.levels.iter_mut().filter_map(|l| l.test.as_mut())),
            )
            .collect();
        significance::correct(&mut tests, options.correction, options.alpha);
    }
    profile.typical = assignment
        .segments
        .iter()
        .enumerate()
        .map(|(s, seg)| {
            let (n, c, d) = (&profile.numbers, &profile.categories, &profile.dates);
            typical::typical_customer(s, &seg.name, n, c, d, options.callouts)
        })
        .collect();
    profile.kpis = data
        .transactions
        .map(|columns| {
            let currency = options.currency.as_deref();
            kpi::compute_kpis(&columns, data.clv, assignment, options.as_of, options.lapsed_days, currency)
        })
        .transpose()?;
    stage.finish()?;
    Ok(profile)
}

/// A customer table as a profile reads it, in the app and on the command line alike.
#[derive(Debug, Clone, Copy)]
pub struct Customers<'a> {
    /// The customers' columns with the transactions' aggregates after them, one value per customer.
    pub columns: &'a [(&'a str, &'a ColumnData)],
    /// The aggregates of attached transactions (empty without), which the KPIs read.
    pub aggregates: &'a [(&'a str, &'a ColumnData)],
    /// The day of the latest transaction (days since 1970-01-01), from which the default as-of date follows.
    pub latest_transaction: Option<i32>,
    /// The amount column's currency, when known.
    pub currency: Option<&'a str>,
    /// A CLV fit's rows, when one was made of these customers (used when there is one per customer).
    pub clv: Option<&'a [ClvRow]>,
}

impl<'a> Customers<'a> {
    /// What a profile of these customers reads, and `options` checked (the amount's currency when
    /// the options name none); a CLV fit is used when it has one row per customer of the
    /// segmentation (`rows`).
    ///
    /// # Errors
    /// [`ProfileError`] for options out of range or aggregates of the wrong type.
    pub fn prepare(
        &self,
        options: &ProfileOptions,
        rows: usize,
    ) -> Result<(ProfileData<'a>, ValidProfileOptions), ProfileError> {
        let mut options = options.clone();
        if options.currency.as_deref().is_none_or(|c| c.trim().is_empty()) {
            options.currency = self.currency.map(str::to_string);
        }
        let valid = options.check()?;
        let transactions = KpiColumns::find(self.aggregates, self.latest_transaction)?;
        let clv = self.clv.filter(|r| r.len() == rows);
        Ok((ProfileData { columns: self.columns, transactions, clv }, valid))
    }
}

/// The method as the report states it.
fn method(options: &ValidProfileOptions) -> Method {
    let description = format!(
        "Each segment is compared with all other customers: numbers by {}, each level of a category by a \
         chi-square test on the 2 × 2 table segment/rest × level/other levels (with Yates' correction). A \
         segment's p-values are adjusted together by {}, and a difference counts as significant when its \
         adjusted p-value is at most {}. Only significant differences are called out.",
        options.number_test.label(),
        options.correction.label(),
        options.alpha
    );
    Method { alpha: options.alpha, correction: options.correction, number_test: options.number_test, description }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Segment;
    use crate::progress::{Monitor, Quiet};

    fn assignment(codes: Vec<u32>, names: &[&str]) -> Assignment {
        Assignment {
            title: "t".into(),
            segments: names.iter().map(|n| Segment { name: n.to_string() }).collect(),
            codes,
        }
    }

    fn valid() -> ValidProfileOptions {
        ProfileOptions::default().check().unwrap_or_else(|e| panic!("{e}"))
    }

    /// 400 customers: segment "City" (the first 100) is 80% urban and spends about 300; the rest
    /// are 20% urban and spend about 100. Age is the same everywhere.
    fn table() -> (ColumnData, ColumnData, ColumnData, ColumnData, Assignment) {
        let spend = ColumnData::Decimal {
            values: (0..400).map(|i| Some(if i < 100 { 300.0 } else { 100.0 } + f64::from(i % 13))).collect(),
            scale: 0,
        };
        let urban = ColumnData::Categorical {
            dictionary: vec!["Rural".into(), "Urban".into()],
            codes: (0..400).map(|i| Some(u32::from(if i < 100 { i % 5 != 0 } else { i % 5 == 0 }))).collect(),
        };
        let age = ColumnData::Integer((0..400).map(|i| Some(30 + i64::from(i % 17))).collect());
        let id = ColumnData::Text((0..400).map(|i| Some(format!("C{i:04}"))).collect());
        let codes = (0..400).map(|i| u32::from(i >= 100)).collect();
        (spend, urban, age, id, assignment(codes, &["City", "Country"]))
    }

    #[test]
    fn significant_traits_are_called_out_and_the_rest_are_not() {
        let (spend, urban, age, id, a) = table();
        let columns = [("customer_id", &id), ("spend", &spend), ("area", &urban), ("age", &age)];
        let p = compute(&ProfileData::new(&columns), &a, &valid(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.skipped.len(), 1, "the key is skipped");
        assert_eq!(p.skipped[0].column, "customer_id");
        let city = &p.typical[0];
        let called: Vec<&str> = city.callouts.iter().map(|c| c.sentence.as_str()).collect();
        assert_eq!(called, ["median spend 306 vs 108 overall", "80.0% Urban in area vs 35.0% overall (index 229)"]);
        assert!(city.callouts.iter().all(|c| c.column != "age"), "age does not differ");
        assert_eq!(
            city.values.iter().map(|v| v.text.as_str()).collect::<Vec<_>>(),
            ["spend: 306 (median)", "age: 38 (median)", "area: Urban (80.0%)"]
        );
    }

    #[test]
    fn a_segments_p_values_are_adjusted_together() {
        let (spend, urban, age, _, a) = table();
        let columns = [("spend", &spend), ("area", &urban), ("age", &age)];
        let p = compute(&ProfileData::new(&columns), &a, &valid(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        let mut raw: Vec<f64> = Vec::new();
        let mut adjusted: Vec<f64> = Vec::new();
        for t in p.numbers.iter().filter_map(|n| n.segments[0].test) {
            raw.push(t.p_value);
            adjusted.push(t.adjusted_p);
        }
        for t in p.categories[0].segments[0].levels.iter().filter_map(|l| l.test) {
            raw.push(t.p_value);
            adjusted.push(t.adjusted_p);
        }
        assert_eq!(raw.len(), 4, "spend, age and two levels");
        let expected = crate::stats::significance::benjamini_hochberg(&raw).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(adjusted, expected);
    }

    #[test]
    fn columns_of_another_length_are_refused_with_a_sentence() {
        let (spend, ..) = table();
        let columns = [("spend", &spend)];
        let a = assignment(vec![0; 10], &["A"]);
        let e = compute(&ProfileData::new(&columns), &a, &valid(), &mut Quiet).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `spend` has 400 rows but the segmentation has 10; the segmentation was made from another table, \
             so make it again from this one."
        );
    }

    #[test]
    fn left_out_columns_are_listed_as_skipped() {
        let (spend, urban, ..) = table();
        let columns = [("spend", &spend), ("area", &urban)];
        let (_, _, _, _, a) = table();
        let options = ProfileOptions { leave_out: vec!["area".into()], ..Default::default() }.check();
        let options = options.unwrap_or_else(|e| panic!("{e}"));
        let p = compute(&ProfileData::new(&columns), &a, &options, &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.categories.is_empty());
        assert_eq!(p.skipped[0].column, "area");
    }

    struct CancelAt(usize, usize);
    impl Monitor for CancelAt {
        fn progress(&mut self, _: &str, _: u64, _: u64) {
            self.1 += 1;
        }
        fn is_cancelled(&self) -> bool {
            self.1 > self.0
        }
    }

    #[test]
    fn progress_is_reported_per_column_and_cancel_stops_the_profile() {
        let (spend, urban, age, _, a) = table();
        let columns = [("spend", &spend), ("area", &urban), ("age", &age)];
        let e = compute(&ProfileData::new(&columns), &a, &valid(), &mut CancelAt(2, 0)).unwrap_err();
        assert_eq!(e, ProfileError::Cancelled);
        let mut counting = CancelAt(usize::MAX, 0);
        assert!(compute(&ProfileData::new(&columns), &a, &valid(), &mut counting).is_ok());
        assert_eq!(counting.1, 5, "start, one per column, end");
    }

    #[test]
    fn sensitive_columns_travel_with_the_profile() {
        let (spend, _, _, _, a) = table();
        let columns = [("health_score", &spend)];
        let p = compute(&ProfileData::new(&columns), &a, &valid(), &mut Quiet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.sensitive.len(), 1);
        assert_eq!(p.sensitive[0].category, SpecialCategory::Health);
    }
}
