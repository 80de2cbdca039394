//! The profile of the built-in sample (2,000 customers, default seed, transactions aggregated as
//! the customer table states them) segmented by `life_stage`, against pandas 3.1.1, scipy 1.17.1
//! and statsmodels 0.15.0 (the versions are in the JSON): per-segment counts, means, quartiles
//! (pandas' linear `quantile`), medians, minima and maxima; level shares and indexes; date
//! minima, medians and maxima; Welch's t (`ttest_ind(equal_var=False)`), Mann–Whitney U
//! (`mannwhitneyu(method="asymptotic")`) and the per-level chi-square (`chi2_contingency`, Yates)
//! with Cohen's d, the rank-biserial correlation, Cramér's V, phi and the point-biserial
//! correlation (`pointbiserialr`); Benjamini–Hochberg per segment (`multipletests(fdr_bh)`); the
//! typical customer's call-outs and modes; the KPIs; the niches on revenue with DECISIONS 16's
//! defaults. `tests/data/profile/make_profile_reference.py` made the CSV and the JSON.
//!
//! Tolerance: 1e-9 relative for every number (p-values: or 1e-300 absolute).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::assignment::{Assignment, Segment};
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::profile::{
    compute, find_niches, KpiColumns, NicheParams, NumberTest, Profile, ProfileData, ProfileOptions, SegmentKpis,
    TraitTest,
};
use segscope_engine::progress::Quiet;
use segscope_engine::stats::NumericSummary;
use segscope_engine::table::{ColumnData, Table};
use serde_json::Value;

const RELATIVE: f64 = 1e-9;
const P_ABSOLUTE: f64 = 1e-300;

fn reference() -> Value {
    serde_json::from_str(include_str!("data/profile/profile_reference.json")).unwrap()
}

fn table() -> Table {
    let bytes = include_bytes!("data/profile/profile_customers.csv");
    read_table("profile_customers.csv", bytes, &ReadOptions::default(), &mut Quiet).unwrap().table
}

/// The segmentation by the reference's segment column, segments in the reference's order.
fn assignment(table: &Table, reference: &Value) -> Assignment {
    let names: Vec<String> = reference["profile"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().into())
        .collect();
    let column = table.column(reference["segment_column"].as_str().unwrap()).unwrap();
    let codes = (0..table.rows())
        .map(|r| names.iter().position(|n| Some(n.as_str()) == column.data.label(r)).unwrap() as u32)
        .collect();
    Assignment { title: "Life stage".into(), segments: names.into_iter().map(|name| Segment { name }).collect(), codes }
}

fn options(number_test: NumberTest, reference: &Value) -> ProfileOptions {
    ProfileOptions {
        number_test,
        leave_out: vec![reference["segment_column"].as_str().unwrap().into()],
        lapsed_days: (reference["kpis"]["lapsed_days"].as_u64().unwrap() as u32).into(),
        ..Default::default()
    }
}

fn profile_with(number_test: NumberTest) -> (Profile, Value) {
    let reference = reference();
    let table = table();
    let columns = table.named_columns(&[]);
    let transactions = KpiColumns::find(&columns, None).unwrap();
    assert!(transactions.is_some(), "orders, revenue and last_order_date are read as the KPIs need them");
    let data = ProfileData { columns: &columns, transactions, clv: None };
    let valid = options(number_test, &reference).check().unwrap();
    let profile = compute(&data, &assignment(&table, &reference), &valid, &mut Quiet).unwrap();
    (profile, reference)
}

fn close(what: &str, got: f64, expected: &Value) {
    let expected = expected.as_f64().unwrap_or_else(|| panic!("{what}: {expected} is not a number"));
    let ok = if expected == 0.0 { got.abs() <= 1e-12 } else { (got - expected).abs() <= RELATIVE * expected.abs() };
    assert!(ok, "{what}: {got:e}, reference {expected:e}");
}

fn close_option(what: &str, got: Option<f64>, expected: &Value) {
    match got {
        Some(g) => close(what, g, expected),
        None => assert!(expected.is_null(), "{what}: none, reference {expected}"),
    }
}

fn p_close(what: &str, got: f64, expected: &Value) {
    let expected = expected.as_f64().unwrap();
    let ok = (got - expected).abs() <= RELATIVE * expected || (got - expected).abs() <= P_ABSOLUTE;
    assert!(ok, "{what}: p = {got:e}, reference {expected:e}");
}

fn stats(what: &str, got: Option<NumericSummary>, expected: &Value) {
    let Some(s) = got else {
        assert!(expected.is_null(), "{what}: no statistics, reference {expected}");
        return;
    };
    for (name, value) in
        [("min", s.min), ("q1", s.q1), ("median", s.median), ("q3", s.q3), ("max", s.max), ("mean", s.mean)]
    {
        close(&format!("{what} {name}"), value, &expected[name]);
    }
}

fn test(what: &str, got: Option<TraitTest>, expected: &Value, corrected: bool) {
    let Some(t) = got else {
        assert!(expected.is_null(), "{what}: not tested, reference {expected}");
        return;
    };
    close(&format!("{what} statistic"), t.statistic, &expected["statistic"]);
    close(&format!("{what} effect"), t.effect, &expected["effect"]);
    p_close(&format!("{what} p"), t.p_value, &expected["p_value"]);
    if corrected {
        p_close(&format!("{what} adjusted p"), t.adjusted_p, &expected["adjusted_p"]);
        close(&format!("{what} strength"), t.strength, &expected["strength"]);
        assert_eq!(t.significant, expected["significant"].as_bool().unwrap(), "{what} significant");
    }
}

fn names(values: &Value) -> Vec<&str> {
    values.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

#[test]
fn columns_are_compared_as_numbers_categories_and_dates_and_keys_are_skipped() {
    let (p, r) = profile_with(NumberTest::Welch);
    assert_eq!(p.numbers.iter().map(|t| t.column.as_str()).collect::<Vec<_>>(), names(&r["numbers"]));
    assert_eq!(p.categories.iter().map(|t| t.column.as_str()).collect::<Vec<_>>(), names(&r["categories"]));
    assert_eq!(p.dates.iter().map(|t| t.column.as_str()).collect::<Vec<_>>(), names(&r["dates"]));
    let skipped: Vec<&str> = p.skipped.iter().map(|s| s.column.as_str()).collect();
    assert_eq!(skipped, ["customer_id", "life_stage"], "the key, and the column the segments were made from");
    assert_eq!(p.customers, r["customers"].as_u64().unwrap());
    for (got, expected) in p.segments.iter().zip(r["profile"]["segments"].as_array().unwrap()) {
        assert_eq!(got.count, expected["count"].as_u64().unwrap());
        close(&format!("{} share", got.name), got.share, &expected["share"]);
    }
}

#[test]
fn numbers_match_pandas_and_welch_with_benjamini_hochberg_matches_scipy_and_statsmodels() {
    let (p, r) = profile_with(NumberTest::Welch);
    for (got, expected) in p.numbers.iter().zip(r["profile"]["numbers"].as_array().unwrap()) {
        let c = &got.column;
        assert_eq!(got.all.count, expected["all"]["count"].as_u64().unwrap(), "{c}");
        assert_eq!(got.all.missing, expected["all"]["missing"].as_u64().unwrap(), "{c}");
        stats(&format!("{c} overall"), got.all.stats, &expected["all"]["stats"]);
        for ((seg, e), name) in got.segments.iter().zip(expected["segments"].as_array().unwrap()).zip(&p.segments) {
            let what = format!("{c} in {}", name.name);
            assert_eq!(seg.summary.count, e["count"].as_u64().unwrap(), "{what}");
            assert_eq!(seg.summary.missing, e["missing"].as_u64().unwrap(), "{what}");
            stats(&what, seg.summary.stats, &e["stats"]);
            close_option(&format!("{what} index"), seg.index, &e["index"]);
            test(&format!("{what} Welch"), seg.test, &e["welch"], true);
        }
    }
}

#[test]
fn mann_whitney_as_the_number_test_matches_scipy() {
    let (p, r) = profile_with(NumberTest::MannWhitney);
    for (got, expected) in p.numbers.iter().zip(r["profile"]["numbers"].as_array().unwrap()) {
        for ((seg, e), name) in got.segments.iter().zip(expected["segments"].as_array().unwrap()).zip(&p.segments) {
            test(&format!("{} in {} Mann–Whitney", got.column, name.name), seg.test, &e["mann_whitney"], false);
        }
    }
}

#[test]
fn level_shares_indexes_and_chi_square_tests_match_pandas_and_scipy() {
    let (p, r) = profile_with(NumberTest::Welch);
    for (got, expected) in p.categories.iter().zip(r["profile"]["categories"].as_array().unwrap()) {
        let c = &got.column;
        assert_eq!(got.levels, names(&expected["levels"]), "{c}: levels, most common first");
        assert_eq!(got.all.count, expected["all"]["count"].as_u64().unwrap(), "{c}");
        assert_eq!(got.all.missing, expected["all"]["missing"].as_u64().unwrap(), "{c}");
        for (l, e) in got.all.levels.iter().zip(expected["all"]["levels"].as_array().unwrap()) {
            assert_eq!(l.count, e["count"].as_u64().unwrap(), "{c}");
            close(&format!("{c} overall share"), l.share, &e["share"]);
        }
        for (s, (seg, e)) in got.segments.iter().zip(expected["segments"].as_array().unwrap()).enumerate() {
            let segment = &p.segments[s].name;
            assert_eq!((seg.count, seg.missing), (e["count"].as_u64().unwrap(), e["missing"].as_u64().unwrap()));
            assert_eq!(got.mode(s).map(|m| m.0), e["mode"].as_str(), "{c} in {segment}: mode");
            for ((level, l), le) in got.levels.iter().zip(&seg.levels).zip(e["levels"].as_array().unwrap()) {
                let what = format!("{c} = {level} in {segment}");
                assert_eq!(l.share.count, le["count"].as_u64().unwrap(), "{what}");
                close(&format!("{what} share"), l.share.share, &le["share"]);
                close_option(&format!("{what} index"), l.index, &le["index"]);
                test(&format!("{what} chi-square"), l.test, &le["chi_square"], true);
            }
        }
    }
}

#[test]
fn dates_match_pandas() {
    let (p, r) = profile_with(NumberTest::Welch);
    for (got, expected) in p.dates.iter().zip(r["profile"]["dates"].as_array().unwrap()) {
        let all = std::iter::once((&got.all, &expected["all"]));
        for (d, e) in all.chain(got.segments.iter().zip(expected["segments"].as_array().unwrap())) {
            assert_eq!((d.count, d.missing), (e["count"].as_u64().unwrap(), e["missing"].as_u64().unwrap()));
            for (name, value) in [("min", &d.min), ("median", &d.median), ("max", &d.max)] {
                assert_eq!(value.as_deref(), e[name].as_str(), "{} {name}", got.column);
            }
        }
    }
}

#[test]
fn the_typical_customer_calls_out_the_strongest_significant_traits() {
    let (p, r) = profile_with(NumberTest::Welch);
    for (typical, expected) in p.typical.iter().zip(r["profile"]["callouts"].as_array().unwrap()) {
        let got: Vec<(String, Option<String>)> =
            typical.callouts.iter().map(|c| (c.column.clone(), c.level.clone())).collect();
        let expected: Vec<(String, Option<String>)> = expected
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| (pair[0].as_str().unwrap().into(), pair[1].as_str().map(String::from)))
            .collect();
        assert_eq!(got, expected, "{}", typical.segment);
        assert!(typical.callouts.iter().all(|c| !c.sentence.is_empty() && c.adjusted_p <= 0.05));
    }
}

fn kpis(what: &str, got: &SegmentKpis, e: &Value) {
    assert_eq!(got.segment, e["segment"].as_str().unwrap());
    for (name, value) in [("customers", got.customers), ("buyers", got.buyers), ("orders", got.orders)] {
        assert_eq!(value, e[name].as_u64().unwrap(), "{what} {name}");
    }
    close(&format!("{what} customer share"), got.customer_share, &e["customer_share"]);
    close(&format!("{what} revenue"), got.revenue, &e["revenue"]);
    close_option(&format!("{what} revenue share"), got.revenue_share, &e["revenue_share"]);
    close_option(&format!("{what} orders per customer"), got.orders_per_customer, &e["orders_per_customer"]);
    close_option(&format!("{what} average order value"), got.average_order_value, &e["average_order_value"]);
    close_option(&format!("{what} revenue per customer"), got.revenue_per_customer, &e["revenue_per_customer"]);
    close_option(&format!("{what} recency"), got.mean_recency_days, &e["mean_recency_days"]);
    close_option(&format!("{what} repeat rate"), got.repeat_rate, &e["repeat_rate"]);
    close_option(&format!("{what} lapsed share"), got.lapsed_share, &e["lapsed_share"]);
    assert_eq!((got.mean_clv, got.total_clv, got.mean_p_alive), (None, None, None), "no CLV fit given");
}

#[test]
fn kpis_match_pandas() {
    let (p, r) = profile_with(NumberTest::Welch);
    let k = p.kpis.as_ref().unwrap();
    let e = &r["kpis"];
    assert_eq!(k.as_of.as_deref(), e["as_of"].as_str());
    assert!(k.as_of_is_default);
    assert_eq!(k.lapsed_before.as_deref(), e["lapsed_before"].as_str());
    kpis("all", &k.all, &e["all"]);
    for (got, expected) in k.segments.iter().zip(e["segments"].as_array().unwrap()) {
        kpis(&got.segment.clone(), got, expected);
    }
}

#[test]
fn niches_on_revenue_match_pandas_and_scipy() {
    let reference = reference();
    let table = table();
    let columns: Vec<(&str, &ColumnData)> = table.named_columns(&[]);
    let params = NicheParams {
        value: "revenue".into(),
        leave_out: vec![reference["segment_column"].as_str().unwrap().into()],
        ..Default::default()
    };
    let valid = params.check(&columns).unwrap();
    let report = find_niches(&columns, &assignment(&table, &reference), &valid, &mut Quiet).unwrap();
    let e = &reference["niches"];
    close("overall mean", report.overall_mean, &e["overall_mean"]);
    assert_eq!(report.candidates, e["candidates"].as_u64().unwrap(), "candidates tested");
    let expected = e["niches"].as_array().unwrap();
    assert!(!expected.is_empty());
    assert_eq!(report.niches.len(), expected.len());
    for (got, e) in report.niches.iter().zip(expected) {
        let what = &got.label;
        assert_eq!(got.label, e["label"].as_str().unwrap());
        assert_eq!(got.segment, e["segment"].as_str().unwrap());
        assert_eq!(got.column.as_deref(), e["column"].as_str());
        assert_eq!(got.level.as_deref(), e["level"].as_str());
        assert_eq!(got.size, e["size"].as_u64().unwrap(), "{what}");
        close(&format!("{what} share"), got.share, &e["share"]);
        close(&format!("{what} mean"), got.mean, &e["mean"]);
        close(&format!("{what} index"), got.index, &e["index"]);
        p_close(&format!("{what} p"), got.p_value, &e["p_value"]);
        p_close(&format!("{what} adjusted p"), got.adjusted_p, &e["adjusted_p"]);
        assert!(got.index >= 150.0 && got.adjusted_p <= 0.05 && (0.005..=0.1).contains(&got.share));
    }
}
