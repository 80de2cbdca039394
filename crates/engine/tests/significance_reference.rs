//! The significance tests against scipy 1.17.1 and statsmodels 0.15.0 (numpy 2.4.6), on seeded
//! samples and tables made by `tests/data/stats/make_significance_reference.py` (the versions are
//! also in the JSON): Welch's t as `ttest_ind(equal_var=False)` and `ttest_ind_from_stats`,
//! Mann–Whitney U as `mannwhitneyu(alternative="two-sided", method="asymptotic")`, the chi-square
//! test as `chi2_contingency` with and without Yates' correction, Cramér's V as
//! `contingency.association`, and the Benjamini–Hochberg and Holm adjusted p-values as
//! `multipletests(method="fdr_bh" / "holm")`. Cohen's d, Hedges' g and the rank-biserial
//! correlation follow pingouin's formulas, computed in the script with numpy.
//!
//! Tolerances: statistics, degrees of freedom and effect sizes within 1e-10 relative; p-values
//! within 1e-9 relative or 1e-300 absolute (p-values down to 1e-290 are compared, and a p-value
//! scipy rounds to 0 must be 0 here, never negative).

use segscope_engine::stats::significance::{
    benjamini_hochberg, chi_square, holm, mann_whitney_u, welch_from_moments, welch_t, ContingencyTable, Moments,
    YatesCorrection,
};
use serde_json::Value;

const STATISTIC: f64 = 1e-10;
const P_RELATIVE: f64 = 1e-9;
const P_ABSOLUTE: f64 = 1e-300;

fn reference() -> Value {
    let text = include_str!("data/stats/significance_reference.json");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"))
}

fn number(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or_else(|| panic!("no number `{key}` in {v}"))
}

fn array<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v.get(key).and_then(Value::as_array).unwrap_or_else(|| panic!("no array `{key}`"))
}

fn floats(values: &[Value]) -> Vec<f64> {
    values.iter().map(|x| x.as_f64().unwrap_or_else(|| panic!("{x} is not a number"))).collect()
}

fn assert_statistic(what: &str, got: f64, expected: f64) {
    let ok = (got - expected).abs() <= STATISTIC * expected.abs() || (got == 0.0 && expected == 0.0);
    assert!(ok, "{what}: {got:e}, scipy {expected:e} (relative {:e})", (got - expected).abs() / expected.abs());
}

fn assert_p(what: &str, got: f64, expected: f64) {
    assert!((0.0..=1.0).contains(&got), "{what}: p = {got:e} outside [0, 1]");
    let ok = (got - expected).abs() <= P_RELATIVE * expected || (got - expected).abs() <= P_ABSOLUTE;
    assert!(ok, "{what}: p = {got:e}, scipy {expected:e} (relative {:e})", (got - expected).abs() / expected);
}

/// The sample a case stores as values, as (value, count) pairs, or (the largest) by formula.
fn sample(case: &Value, side: &str) -> Vec<f64> {
    if let Some(values) = case.get(side).and_then(Value::as_array) {
        return floats(values);
    }
    if let Some(counts) = case.get(format!("{side}_counts")).and_then(Value::as_array) {
        return counts
            .iter()
            .flat_map(|pair| {
                let pair = floats(pair.as_array().unwrap_or_else(|| panic!("{pair} is not a pair")));
                std::iter::repeat_n(pair[0], pair[1] as usize)
            })
            .collect();
    }
    // The script's formula: x_i = (7919 i mod 1009) / 10, y_j = (104729 j mod 1013) / 10.
    let (n, factor, modulus) = if side == "x" { (1_000_000u64, 7919, 1009) } else { (4_000_000, 104_729, 1013) };
    (0..n).map(|i| (i * factor % modulus) as f64 / 10.0).collect()
}

#[test]
fn welch_matches_scipy_ttest_ind() {
    let reference = reference();
    for case in array(&reference, "samples") {
        let name = case["name"].as_str().unwrap_or_default();
        let (x, y) = (sample(case, "x"), sample(case, "y"));
        let expected = &case["welch"];
        let got = welch_t(&x, &y).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_statistic(&format!("{name}: t"), got.statistic, number(expected, "statistic"));
        assert_statistic(&format!("{name}: df"), got.df, number(expected, "df"));
        assert_statistic(&format!("{name}: Cohen's d"), got.cohens_d, number(expected, "cohens_d"));
        assert_statistic(&format!("{name}: Hedges' g"), got.hedges_g, number(expected, "hedges_g"));
        assert_p(&format!("{name}: Welch"), got.p_value, number(expected, "p_value"));
    }
}

#[test]
fn welch_from_moments_matches_scipy_ttest_ind_from_stats() {
    let reference = reference();
    for case in array(&reference, "moments") {
        let moments = |side: &str| Moments {
            n: number(&case[side], "n") as u64,
            mean: number(&case[side], "mean"),
            variance: number(&case[side], "variance"),
        };
        let got = welch_from_moments(moments("first"), moments("second")).unwrap_or_else(|e| panic!("{e}"));
        assert_statistic(&format!("{case}: t"), got.statistic, number(case, "statistic"));
        assert_p(&format!("{case}"), got.p_value, number(case, "p_value"));
    }
}

#[test]
fn mann_whitney_matches_scipy_including_a_million_against_four_million() {
    let reference = reference();
    for case in array(&reference, "samples") {
        let name = case["name"].as_str().unwrap_or_default();
        let (x, y) = (sample(case, "x"), sample(case, "y"));
        let expected = &case["mann_whitney"];
        let got = mann_whitney_u(&x, &y).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_statistic(&format!("{name}: U"), got.u, number(expected, "u"));
        assert_statistic(&format!("{name}: rank-biserial"), got.rank_biserial, number(expected, "rank_biserial"));
        assert_p(&format!("{name}: Mann-Whitney"), got.p_value, number(expected, "p_value"));
    }
}

fn table_rows(case: &Value) -> Vec<Vec<u64>> {
    array(case, "rows")
        .iter()
        .map(|r| {
            let r = r.as_array().unwrap_or_else(|| panic!("{r} is not a row"));
            r.iter().map(|c| c.as_u64().unwrap_or_else(|| panic!("{c} is not a count"))).collect()
        })
        .collect()
}

#[test]
fn chi_square_matches_scipy_chi2_contingency_with_and_without_yates() {
    let reference = reference();
    for case in array(&reference, "tables") {
        let name = case["name"].as_str().unwrap_or_default();
        let table = ContingencyTable::new(&table_rows(case)).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (key, correction) in [("yates", YatesCorrection::WhenOneDegreeOfFreedom), ("plain", YatesCorrection::Never)]
        {
            let got = chi_square(&table, correction);
            let expected = &case[key];
            assert_statistic(&format!("{name} ({key}): χ²"), got.statistic, number(expected, "statistic"));
            assert_eq!(got.df, expected["df"].as_u64().unwrap_or_default(), "{name}: df");
            assert_p(&format!("{name} ({key})"), got.p_value, number(expected, "p_value"));
            assert_statistic(&format!("{name}: Cramér's V"), got.cramers_v, number(case, "cramers_v"));
        }
    }
}

#[test]
fn segment_vs_rest_builds_the_table_scipy_tested() {
    let reference = reference();
    let case = array(&reference, "tables")
        .iter()
        .find(|c| c.get("segment").is_some())
        .unwrap_or_else(|| panic!("no segment-vs-rest case"));
    let counts = |key: &str| -> Vec<u64> { array(case, key).iter().filter_map(Value::as_u64).collect() };
    let table = ContingencyTable::segment_vs_rest(&counts("segment"), &counts("all")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(table, ContingencyTable::new(&table_rows(case)).unwrap_or_else(|e| panic!("{e}")));
}

#[test]
fn corrections_match_statsmodels_multipletests() {
    let reference = reference();
    for case in array(&reference, "corrections") {
        let p = floats(array(case, "p_values"));
        for (key, got) in [("fdr_bh", benjamini_hochberg(&p)), ("holm", holm(&p))] {
            let got = got.unwrap_or_else(|e| panic!("{e}"));
            let expected = floats(array(case, key));
            assert_eq!(got.len(), expected.len());
            for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
                assert_p(&format!("{key} [{i}]"), *g, *e);
            }
        }
    }
}
