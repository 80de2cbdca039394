//! BG/NBD and Gamma-Gamma on the CDNOW sample (2,357 customers, 39-week calibration) agree with
//! `lifetimes` 0.11.3 (`tests/data/cdnow/make_clv_expected.py` made the expected files): parameters,
//! total log-likelihood, and per-customer expected purchases, P(alive), expected spend and 12-month
//! CLV at 1% a month, to at least 4 significant figures.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::clv::{fit_bgnbd, fit_gamma_gamma, lifetime_value, History, TimeUnit};
use segscope_engine::progress::Quiet;

fn close(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want.abs().max(1e-12);
    assert!(rel < 1e-4, "{what}: got {got}, lifetimes {want} (relative difference {rel:.2e})");
}

fn rows(text: &str) -> Vec<Vec<f64>> {
    text.lines().skip(1).map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap_or(f64::NAN)).collect()).collect()
}

#[test]
fn cdnow_fits_agree_with_lifetimes() {
    let data = rows(include_str!("data/cdnow/cdnow_summary.csv"));
    let expected: serde_json::Value = serde_json::from_str(include_str!("data/cdnow/clv_expected.json")).unwrap();
    let per_customer = rows(include_str!("data/cdnow/clv_expected_customers.csv"));
    let histories: Vec<History> = data.iter().map(|r| History { x: r[1], t_x: r[2], t: r[3] }).collect();
    let bg = fit_bgnbd(&histories, &mut Quiet).unwrap();
    assert!(bg.convergence.converged, "{:?}", bg.convergence);
    let e = &expected["bgnbd"];
    close(bg.params.r, e["r"].as_f64().unwrap(), "r");
    close(bg.params.alpha, e["alpha"].as_f64().unwrap(), "alpha");
    close(bg.params.a, e["a"].as_f64().unwrap(), "a");
    close(bg.params.b, e["b"].as_f64().unwrap(), "b");
    close(bg.log_likelihood, e["log_likelihood"].as_f64().unwrap(), "BG/NBD log-likelihood");
    close(bg.params.expected_purchases_new(39.0), expected["unconditional_expected_39"].as_f64().unwrap(), "E[X(39)]");

    let repeat: Vec<(f64, f64)> = data.iter().filter(|r| r[1] > 0.0).map(|r| (r[1], r[4])).collect();
    let gg = fit_gamma_gamma(&repeat, &mut Quiet).unwrap();
    let e = &expected["gamma_gamma"];
    close(gg.params.p, e["p"].as_f64().unwrap(), "p");
    close(gg.params.q, e["q"].as_f64().unwrap(), "q");
    close(gg.params.gamma, e["v"].as_f64().unwrap(), "gamma (v)");
    close(gg.log_likelihood, e["log_likelihood"].as_f64().unwrap(), "Gamma-Gamma log-likelihood");

    for (h, (row, want)) in histories.iter().zip(data.iter().zip(&per_customer)) {
        let id = row[0];
        close(bg.params.expected_purchases(39.0, h), want[1], &format!("customer {id} expected purchases"));
        close(bg.params.p_alive(h), want[2], &format!("customer {id} P(alive)"));
        if h.x > 0.0 {
            let spend = gg.params.expected_average_value(h.x, row[4]);
            close(spend, want[3], &format!("customer {id} expected spend"));
            close(
                lifetime_value(&bg.params, spend, h, 12, 0.01, TimeUnit::Weeks),
                want[4],
                &format!("customer {id} CLV"),
            );
        }
    }
}

#[test]
fn histories_from_the_cdnow_transactions_reproduce_the_published_summary() {
    use segscope_engine::clv::{histories, TimeUnit};
    use segscope_engine::customers::{Aggregates, TransactionMapping};
    use segscope_engine::ingest::{read_table, ReadOptions};
    use segscope_engine::progress::Quiet;
    let t = read_table(
        "cdnow_sample.csv",
        include_bytes!("data/cdnow/cdnow_sample.csv"),
        &ReadOptions::default(),
        &mut Quiet,
    )
    .unwrap()
    .table;
    let m = TransactionMapping::guess(&t, None).unwrap().check(&t, None).unwrap();
    let agg = Aggregates::from_table(&t, &m).unwrap_or_else(|e| panic!("{e}"));
    let summary = rows(include_str!("data/cdnow/cdnow_summary.csv"));
    // The summary numbers customers 1..2357 in the order they first appear in the file.
    let mut keys: Vec<Option<String>> = Vec::new();
    let ids = &t.columns[0].data;
    for r in 0..t.rows() {
        let k = ids.label(r).map(str::to_string);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    assert_eq!(keys.len(), summary.len());
    let cal_end = segscope_engine::rules::parse_iso_date("1997-09-30").unwrap();
    let last = segscope_engine::rules::parse_iso_date("1998-06-30").unwrap();
    let mut free = 0;
    for (h, row) in histories(&agg, &keys, cal_end, last, TimeUnit::Weeks).iter().zip(&summary) {
        // Customers whose only transactions have a zero amount made no purchase here; the
        // published summary counts them with x = 0.
        let Some(h) = h.history else {
            assert_eq!(row[1], 0.0, "customer {}", row[0]);
            free += 1;
            continue;
        };
        assert_eq!(h.x, row[1], "customer {}", row[0]);
        assert!(
            (h.t_x - row[2]).abs() < 0.006 && (h.t - row[3]).abs() < 0.006,
            "customer {}: {h:?} vs {row:?}",
            row[0]
        );
    }
    assert_eq!(free, 8);
}
