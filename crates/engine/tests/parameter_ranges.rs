//! Every number a user sets has a stated range (docs/parameters.md): each end is accepted, one
//! step past it is refused with the sentence that says the range, and sizes that cannot fit in
//! memory are a sentence, never an allocation abort (issue #17).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/session.rs"]
mod session;

use segscope_engine::api::{Request, Response, Session, MAX_OVERLAP_SEGMENTS};
use segscope_engine::budget::MAX_ARRAY_BYTES;
use segscope_engine::cluster::gmm::{self, GmmParams, MAX_MIXTURE_COLUMNS};
use segscope_engine::cluster::params::{ClusterParams, Method};
use segscope_engine::cluster::prep::{prepare, FeatureSpec, Missing, Scaling, MAX_PREPARED_COLUMNS, MAX_WEIGHT};
use segscope_engine::cluster::Matrix;
use segscope_engine::clv::ClvParams;
use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::profile::{NicheParams, ProfileOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rfm::RfmParams;
use segscope_engine::rules::{check, schema_of, Definition, RulesError, FORMAT};
use segscope_engine::sample::{sample_csv, SampleParams, MAX_CUSTOMERS};
use segscope_engine::split::SplitParams;
use segscope_engine::table::{ColumnData, Table};
use segscope_engine::typed::Typed;
use session::{error, ok, D};

fn text<T>(t: &str) -> Typed<T> {
    Typed::Text(t.to_string())
}

/// `check` accepts `lo` and `hi` and refuses `below` and `above`, each with a sentence that
/// contains `says` (the range) and the value typed.
fn pins(check: impl Fn(&str) -> Result<(), String>, [lo, hi]: [&str; 2], [below, above]: [&str; 2], says: &str) {
    for edge in [lo, hi] {
        assert_eq!(check(edge), Ok(()), "{says}: the edge {edge} is accepted");
    }
    for past in [below, above] {
        let e = check(past).err().unwrap_or_else(|| panic!("{says}: {past} is refused"));
        assert!(e.contains(says) && e.contains(&format!("(got `{past}`)")), "{past}: {e}");
    }
}

const CSV: &[u8] = b"id,age,joined\n1,25,2024-01-10\n2,35,2023-06-01\n3,45,2020-02-29\n";

fn table() -> Table {
    read_table("t.csv", CSV, &ReadOptions::default(), &mut Quiet).unwrap().table
}

/// The problems of a rule definition with these derived fields and segments, on [`CSV`].
fn rule_problems(derived: &str, segments: &str) -> Result<(), String> {
    let json =
        format!(r#"{{"format": "{FORMAT}", "as_of": "2024-02-01", "derived": [{derived}], "segments": [{segments}]}}"#);
    let d = Definition::from_json(&json).map_err(|e| e.to_string())?;
    match check(&d, &schema_of(&table()), None) {
        Ok(_) => Ok(()),
        Err(RulesError::Invalid(ps)) => Err(ps.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join(" | ")),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn rule_numbers_keep_to_their_ranges() {
    let in_last = |unit: &'static str| {
        move |n: &str| {
            rule_problems(
                "",
                &format!(
                    r#"{{"name": "s", "when": {{"column": "joined", "op": "in_last", "n": {n}, "unit": "{unit}"}}}}"#
                ),
            )
        }
    };
    pins(
        in_last("days"),
        ["1", "36500"],
        ["0", "36501"],
        "N in “in the last N days” must be a whole number from 1 to 36,500",
    );
    pins(
        in_last("months"),
        ["1", "1200"],
        ["0", "1201"],
        "N in “in the last N months” must be a whole number from 1 to 1200",
    );
    // The motivating bug: N at the edge of its type (and past it) is a sentence, not an abort.
    for n in ["4294967295", "4294967296", "9223372036854775807", "18446744073709551615", "-9223372036854775808"] {
        for unit in ["days", "months"] {
            let e = in_last(unit)(n).unwrap_err();
            assert!(e.ends_with(&format!("(got `{n}`).")), "{e}");
        }
    }
    let at_least = |k: &str| {
        let leaf = r#"{"column": "age", "op": "ge", "value": 18}"#;
        rule_problems("", &format!(r#"{{"name": "s", "when": {{"at_least": {k}, "of": [{leaf}, {leaf}, {leaf}]}}}}"#))
    };
    assert_eq!(at_least("1"), Ok(()));
    assert_eq!(at_least("3"), Ok(()));
    for k in ["0", "4"] {
        assert!(at_least(k).is_err_and(|e| e.contains("from 1 to 3")), "{k}: {:?}", at_least(k));
    }
    let bands = |n: usize| {
        let cuts: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        rule_problems(&format!(r#"{{"kind": "bands", "name": "b", "from": "age", "cuts": [{}]}}"#, cuts.join(", ")), "")
    };
    assert_eq!((bands(1), bands(19)), (Ok(()), Ok(())));
    for n in [0, 20] {
        assert_eq!(bands(n), Err(format!("bands need from 1 to 19 cut points, making 2 to 20 bands (got {n}).")));
    }
}

#[test]
fn rfm_clv_and_split_numbers_keep_to_their_ranges() {
    let bins =
        |b: &str| RfmParams { bins: text(b), ..RfmParams::default() }.check().map(drop).map_err(|e| e.to_string());
    pins(bins, ["3", "5"], ["2", "6"], "the number of bins must be a whole number from 3 to 5");
    let clv = |p: ClvParams| p.check().map(drop).map_err(|e| e.to_string());
    let horizon = |h: &str| clv(ClvParams { horizon_months: text(h), ..ClvParams::default() });
    pins(horizon, ["1", "120"], ["0", "121"], "the horizon in months must be a whole number from 1 to 120");
    let discount = |d: &str| clv(ClvParams { discount_monthly: text(d), ..ClvParams::default() });
    pins(discount, ["0", "0.999"], ["-0.001", "1"], "at least 0 and below 1");
    let margin = |m: &str| clv(ClvParams { margin: Some(text(m)), ..ClvParams::default() });
    pins(margin, ["0.001", "1"], ["0", "1.001"], "above 0 and at most 1");
    let t = table();
    let split = |p: SplitParams| p.check(&t).map(drop).map_err(|e| e.to_string());
    let bands = |b: &str| split(SplitParams { column: "age".into(), bands: text(b), ..SplitParams::default() });
    pins(bands, ["2", "20"], ["1", "21"], "the number of bands must be a whole number from 2 to 20");
    let most = |m: &str| split(SplitParams { column: "age".into(), max_segments: text(m), ..SplitParams::default() });
    pins(most, ["2", "100"], ["1", "101"], "the most segments to show must be a whole number from 2 to 100");
}

fn feature(column: &str) -> FeatureSpec {
    FeatureSpec { column: column.into(), log: false, scaling: Scaling::Zscore, weight: 1.0, score: None }
}

#[test]
fn cluster_numbers_keep_to_their_ranges() {
    let base = || ClusterParams { features: vec![feature("age")], ..ClusterParams::default() };
    let fit = |k: &str| base().check_fit(&text(k)).map(drop).map_err(|e| e.to_string());
    pins(fit, ["2", "50"], ["1", "51"], "the number of clusters (k) must be a whole number from 2 to 50");
    let scan = |k: &str| base().check_scan(&text("2"), &text(k)).map(drop).map_err(|e| e.to_string());
    pins(scan, ["2", "30"], ["1", "31"], "the largest k must be a whole number from 2 to 30");
    let n_init = |n: &str| ClusterParams { n_init: text(n), ..base() }.check().map(drop).map_err(|e| e.to_string());
    pins(n_init, ["1", "100"], ["0", "101"], "the number of restarts (n_init) must be a whole number from 1 to 100");
    let max_iter = |n: &str| ClusterParams { max_iter: text(n), ..base() }.check().map(drop).map_err(|e| e.to_string());
    pins(max_iter, ["1", "10000"], ["0", "10001"], "(max_iter) must be a whole number from 1 to 10,000");
    let gamma = |g: &str| {
        let p = ClusterParams { method: Method::Kprototypes, gamma: Some(text(g)), ..base() };
        p.check().map(drop).map_err(|e| e.to_string())
    };
    pins(
        gamma,
        ["0.001", "1000"],
        ["0.0009", "1000.1"],
        "γ, the weight of a category mismatch must be a number from 0.001 to 1000",
    );
    // A feature's weight and score bins are numbers in the file, not typed text.
    let weighted = |w: f64| {
        let p = ClusterParams { features: vec![FeatureSpec { weight: w, ..feature("age") }], ..base() };
        p.check().map(drop).map_err(|e| e.to_string())
    };
    assert_eq!((weighted(1e-9), weighted(MAX_WEIGHT)), (Ok(()), Ok(())));
    for w in [0.0, 1000.001, f64::INFINITY, f64::NAN] {
        let e = weighted(w).unwrap_err();
        assert!(e.starts_with("the weight of `age` must be a number above 0 and at most 1000 (got"), "{e}");
    }
    let scored = |b: u8| {
        let p = ClusterParams { features: vec![FeatureSpec { score: Some(b), ..feature("age") }], ..base() };
        p.check().map(drop).map_err(|e| e.to_string())
    };
    assert_eq!((scored(2), scored(10)), (Ok(()), Ok(())));
    for b in [1, 11, u8::MAX] {
        assert!(scored(b).is_err_and(|e| e.contains("choose from 2 to 10 bins")), "{b}");
    }
}

#[test]
fn profile_and_niche_numbers_keep_to_their_ranges() {
    let options = |o: ProfileOptions| o.check().map(drop).map_err(|e| e.to_string());
    let alpha = |a: &str| options(ProfileOptions { alpha: text(a), ..ProfileOptions::default() });
    pins(alpha, ["0.0001", "0.5"], ["0", "0.501"], "the significance level must be a number above 0 and at most 0.5");
    let callouts = |c: &str| options(ProfileOptions { callouts: text(c), ..ProfileOptions::default() });
    pins(callouts, ["1", "10"], ["0", "11"], "the number of traits to call out must be a whole number from 1 to 10");
    let lapsed = |d: &str| options(ProfileOptions { lapsed_days: text(d), ..ProfileOptions::default() });
    pins(lapsed, ["1", "3650"], ["0", "3651"], "counts as lapsed must be a whole number from 1 to 3650");
    let spend = ColumnData::Integer(vec![Some(1), Some(2)]);
    let columns = [("spend", &spend)];
    let niche = |p: NicheParams| p.check(&columns).map(drop).map_err(|e| e.to_string());
    let base = || NicheParams { value: "spend".into(), ..NicheParams::default() };
    let smallest = |s: &str| niche(NicheParams { min_share: text(s), max_share: 1.0.into(), ..base() });
    pins(smallest, ["0.0001", "1"], ["0", "1.01"], "the smallest niche share must be a number above 0 and at most 1");
    let largest = |s: &str| niche(NicheParams { min_share: 0.0001.into(), max_share: text(s), ..base() });
    pins(largest, ["0.0001", "1"], ["0", "1.01"], "the largest niche share must be a number above 0 and at most 1");
    let index = |i: &str| niche(NicheParams { min_index: text(i), ..base() });
    pins(index, ["100", "100000"], ["99.9", "100001"], "the niche index must be a number from 100 to 100000");
}

#[test]
fn a_sample_keeps_to_its_range_and_one_made_in_memory_to_the_memory_budget() {
    let customers = |n: &str| {
        SampleParams { customers: text(n), ..SampleParams::default() }.check().map(drop).map_err(|e| e.to_string())
    };
    pins(
        customers,
        ["1", "50000000"],
        ["0", "50000001"],
        "the number of customers must be a whole number from 1 to 50,000,000",
    );
    // The command line streams 50 million customers to files; in memory (the page's way) they would
    // pass the budget, and that is a sentence before anything is allocated.
    let valid = SampleParams::default().customers(MAX_CUSTOMERS).check().unwrap();
    let e = sample_csv(&valid).unwrap_err().to_string();
    assert!(e.starts_with("the sample's 50,000,000 customers (520 bytes of text each) would need about 26.0 GB of memory, more than the"), "{e}");
    assert!(
        e.ends_with(
            "choose fewer customers, or make the sample with `segscope sample --customers N` and open its files."
        ),
        "{e}"
    );
    let mut s = Session::new();
    let message = error(&mut s, Request::LoadSample { params: valid.params() });
    assert_eq!(message, e);
}

/// A category column with `levels` levels, each on one row.
fn levels(n: usize) -> ColumnData {
    ColumnData::Categorical {
        dictionary: (0..n).map(|i| format!("L{i}")).collect(),
        codes: (0..n).map(|i| Some(i as u32)).collect(),
    }
}

#[test]
fn a_clustering_takes_at_most_a_thousand_prepared_columns() {
    let at = levels(MAX_PREPARED_COLUMNS);
    let prepared = prepare(&[("city", &at)], &[feature("city")], Missing::Drop, None).unwrap();
    assert_eq!(prepared.matrix.columns(), MAX_PREPARED_COLUMNS);
    let past = levels(MAX_PREPARED_COLUMNS + 1);
    let e = prepare(&[("city", &past)], &[feature("city")], Missing::Drop, None).unwrap_err().to_string();
    assert_eq!(
        e,
        "the features make 1001 prepared columns (a category's levels count one each), more than the 1000 a clustering takes; choose fewer features, or group a category's rare levels (or leave it out)."
    );
}

/// `rows` × `columns` pseudo-random values (a fixed sequence: no two columns alike).
fn noise(rows: usize, columns: usize) -> Matrix {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let values = (0..rows * columns)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    Matrix::new(values, columns).unwrap()
}

#[test]
fn a_mixture_takes_at_most_a_hundred_columns() {
    let params = GmmParams { max_iter: 2, ..GmmParams::default() };
    assert!(gmm::fit(&noise(300, MAX_MIXTURE_COLUMNS), &params, &mut Quiet).is_ok());
    let e = gmm::fit(&noise(300, MAX_MIXTURE_COLUMNS + 1), &params, &mut Quiet).unwrap_err().to_string();
    assert_eq!(
        e,
        "the Gaussian mixture fits at most 100 prepared columns (a category's levels count one each) and these features make 101; choose fewer features, or use k-means."
    );
}

#[test]
fn overlaps_are_counted_for_up_to_two_hundred_segments() {
    let mut s = Session::new();
    let csv = b"id,age\n1,20\n2,30\n3,40\n".to_vec();
    ok(&mut s, Request::Ingest { name: "c.csv".into(), bytes: csv, options: ReadOptions::default() });
    let overlap = |s: &mut Session, n: usize| {
        let segments: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"name": "s{i}", "when": {{"column": "age", "op": "ge", "value": {i}}}}}"#))
            .collect();
        let json = format!(r#"{{"format": "{FORMAT}", "mode": "overlapping", "segments": [{}]}}"#, segments.join(","));
        let Response::Rules(v) =
            ok(s, Request::ApplyRules { dataset: D, definition: Definition::from_json(&json).unwrap() })
        else {
            panic!()
        };
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        assert_eq!(v.counts.len(), n, "every segment is counted");
        v.overlap.len()
    };
    assert_eq!(overlap(&mut s, MAX_OVERLAP_SEGMENTS), MAX_OVERLAP_SEGMENTS);
    assert_eq!(overlap(&mut s, MAX_OVERLAP_SEGMENTS + 1), 0);
}

#[test]
fn the_memory_budget_is_a_gigabyte_in_the_page_and_sixteen_natively() {
    let expected = if cfg!(target_pointer_width = "32") { 1_000_000_000 } else { 16_000_000_000 };
    assert_eq!(MAX_ARRAY_BYTES, expected);
}
