//! Behaviour of the built-in sample-data generator, read back through its CSV files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/monitor.rs"]
mod monitor;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use monitor::CancelAfter;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use segscope_engine::cluster::kmeans::{fit, KMeansParams};
use segscope_engine::cluster::Matrix;
use segscope_engine::progress::Quiet;
use segscope_engine::sample::{
    customer, sample_csv, write_sample, Persona, SampleError, SampleParams, ValidSampleParams, CATEGORIES, CHANNELS,
    COUNTRIES, CUSTOMER_HEADER, DEFAULT_SEED, GENDERS, LIFE_STAGES, MARITAL_STATUSES, SIGNUP_START, TRANSACTION_HEADER,
    URBANICITIES, WINDOW_END, WINDOW_START,
};

fn params(customers: u64, seed: u64) -> ValidSampleParams {
    SampleParams { customers: customers.into(), seed }.check().unwrap()
}

/// A customers.csv row as read back.
struct CustomerRow {
    fields: Vec<String>,
}

impl CustomerRow {
    fn get(&self, column: &str) -> &str {
        let i = CUSTOMER_HEADER.iter().position(|c| *c == column).unwrap();
        &self.fields[i]
    }
    fn id(&self) -> &str {
        self.get("customer_id")
    }
    fn number(&self, column: &str) -> f64 {
        self.get(column).parse().unwrap()
    }
    fn signup(&self) -> NaiveDate {
        self.get("signup_date").parse().unwrap()
    }
}

/// A transactions.csv row as read back.
struct TransactionRow {
    customer_id: String,
    order_id: String,
    date: NaiveDate,
    amount: f64,
    category: String,
}

fn read(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

struct Sample {
    customers: Vec<CustomerRow>,
    transactions: Vec<TransactionRow>,
}

fn sample(customers: u64, seed: u64) -> Sample {
    let (c, t) = sample_csv(&params(customers, seed)).unwrap();
    parse(&c, &t)
}

fn parse(c: &[u8], t: &[u8]) -> Sample {
    let (header, rows) = read(c);
    assert_eq!(header, CUSTOMER_HEADER);
    let customers = rows.into_iter().map(|fields| CustomerRow { fields }).collect();
    let (header, rows) = read(t);
    assert_eq!(header, TRANSACTION_HEADER);
    let transactions = rows
        .into_iter()
        .map(|f| TransactionRow {
            customer_id: f[0].clone(),
            order_id: f[1].clone(),
            date: f[2].parse().unwrap(),
            amount: f[3].parse().unwrap(),
            category: f[4].clone(),
        })
        .collect();
    Sample { customers, transactions }
}

fn as_of() -> NaiveDate {
    WINDOW_END.succ_opt().unwrap()
}

/// Per-customer aggregates from the transactions file, keyed by customer id.
#[derive(Default, Clone)]
struct Aggregate {
    orders: usize,
    spend: f64,
    last: Option<NaiveDate>,
}

fn aggregates(s: &Sample) -> BTreeMap<String, Aggregate> {
    let mut out: BTreeMap<String, Aggregate> =
        s.customers.iter().map(|c| (c.id().to_string(), Aggregate::default())).collect();
    for t in &s.transactions {
        let a = out.get_mut(&t.customer_id).unwrap();
        a.spend += t.amount;
        if t.amount > 0.0 {
            a.orders += 1;
            a.last = a.last.max(Some(t.date));
        }
    }
    out
}

fn personas(n: u64, seed: u64) -> Vec<Persona> {
    (0..n).map(|i| customer(seed, i).persona).collect()
}

#[test]
fn same_seed_gives_identical_bytes() {
    let a = sample_csv(&params(3_000, 17)).unwrap();
    let b = sample_csv(&params(3_000, 17)).unwrap();
    assert!(a == b);
}

#[test]
fn different_seeds_give_different_data() {
    let a = sample_csv(&params(1_000, 1)).unwrap();
    let b = sample_csv(&params(1_000, 2)).unwrap();
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
}

#[test]
fn a_smaller_sample_is_a_prefix_of_a_larger_one() {
    let small = sample_csv(&params(300, 5)).unwrap();
    let large = sample_csv(&params(900, 5)).unwrap();
    assert!(large.0.starts_with(&small.0));
    assert!(large.1.starts_with(&small.1));
}

#[test]
fn headers_are_exactly_the_documented_ones() {
    let (c, t) = sample_csv(&params(10, 1)).unwrap();
    let c = String::from_utf8(c).unwrap();
    let t = String::from_utf8(t).unwrap();
    assert_eq!(
        c.lines().next().unwrap(),
        "customer_id,age,gender,marital_status,life_stage,country,region,urbanicity,income,\
         signup_date,acquisition_channel,email_opt_in,web_visits_90d,app_sessions_90d,\
         support_tickets_12m,avg_rating"
    );
    assert_eq!(t.lines().next().unwrap(), "customer_id,order_id,order_date,amount,category");
}

#[test]
fn default_sample_has_five_thousand_customers_and_forty_to_sixty_thousand_transactions() {
    let p = SampleParams::default().check().unwrap();
    let (mut c, mut t) = (Vec::new(), Vec::new());
    let summary = write_sample(&p, &mut c, &mut t, &mut Quiet).unwrap();
    let s = parse(&c, &t);
    assert_eq!(s.customers.len(), 5_000);
    assert_eq!(summary.customers, 5_000);
    assert_eq!(summary.transactions, s.transactions.len() as u64);
    assert!((40_000..=60_000).contains(&s.transactions.len()), "{} transactions", s.transactions.len());
    let refunds = s.transactions.iter().filter(|t| t.amount < 0.0).count();
    assert_eq!(summary.refunds, refunds as u64);
    let net: f64 = s.transactions.iter().map(|t| t.amount).sum();
    assert!((summary.net_revenue_cents as f64 / 100.0 - net).abs() < 0.5);
}

#[test]
fn every_transaction_belongs_to_an_existing_customer_in_customer_order() {
    let s = sample(2_000, 3);
    let ids: Vec<&str> = s.customers.iter().map(|c| c.id()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, ids, "customer ids are unique and ascending");
    let known: BTreeSet<&str> = ids.iter().copied().collect();
    let mut previous = "";
    for t in &s.transactions {
        assert!(known.contains(t.customer_id.as_str()), "{}", t.customer_id);
        assert!(t.customer_id.as_str() >= previous, "grouped by customer");
        previous = &t.customer_id;
    }
}

#[test]
fn customer_ids_keep_leading_zeros() {
    let s = sample(120, 1);
    assert_eq!(s.customers[0].id(), "0000001");
    assert_eq!(s.customers[119].id(), "0000120");
    assert!(s.customers.iter().all(|c| c.id().len() == 7));
    let (_, t) = sample_csv(&params(5, 1)).unwrap();
    let text = String::from_utf8(t).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("0000001,O0000001-001,"));
}

#[test]
fn order_ids_are_unique_per_order_and_refunds_repeat_an_earlier_order() {
    let s = sample(3_000, 8);
    let mut orders: BTreeMap<&str, (&str, NaiveDate, f64)> = BTreeMap::new();
    for t in &s.transactions {
        if t.amount > 0.0 {
            let previous = orders.insert(&t.order_id, (&t.customer_id, t.date, t.amount));
            assert!(previous.is_none(), "duplicate order id {}", t.order_id);
        } else {
            let (owner, date, amount) = orders[t.order_id.as_str()];
            assert_eq!(owner, t.customer_id);
            assert!(t.date >= date);
            assert!(-t.amount <= amount + 1e-9);
        }
    }
}

#[test]
fn no_transaction_precedes_the_customers_signup() {
    let s = sample(5_000, DEFAULT_SEED);
    let signups: BTreeMap<&str, NaiveDate> = s.customers.iter().map(|c| (c.id(), c.signup())).collect();
    for t in &s.transactions {
        assert!(t.date >= signups[t.customer_id.as_str()], "{} {}", t.customer_id, t.order_id);
    }
}

#[test]
fn dates_are_within_their_windows() {
    let s = sample(5_000, 21);
    for c in &s.customers {
        assert!((SIGNUP_START..=WINDOW_END).contains(&c.signup()));
    }
    for t in &s.transactions {
        assert!((WINDOW_START..=WINDOW_END).contains(&t.date), "{}", t.date);
    }
    let first = s.transactions.iter().map(|t| t.date).min().unwrap();
    let last = s.transactions.iter().map(|t| t.date).max().unwrap();
    assert!(first < NaiveDate::from_ymd_opt(2023, 1, 15).unwrap());
    assert!(last > NaiveDate::from_ymd_opt(2025, 12, 15).unwrap());
}

#[test]
fn column_values_come_from_the_documented_sets() {
    let s = sample(3_000, 4);
    let mut missing_gender = 0;
    let mut missing_income = 0;
    let mut missing_rating = 0;
    for c in &s.customers {
        let age = c.number("age");
        assert!((18.0..=90.0).contains(&age));
        match c.get("gender") {
            "" => missing_gender += 1,
            g => assert!(GENDERS.contains(&g), "{g}"),
        }
        assert!(MARITAL_STATUSES.contains(&c.get("marital_status")));
        assert!(LIFE_STAGES.contains(&c.get("life_stage")));
        assert!(COUNTRIES.contains(&c.get("country")));
        assert!(!c.get("region").is_empty());
        assert!(URBANICITIES.contains(&c.get("urbanicity")));
        match c.get("income") {
            "NA" => missing_income += 1,
            v => assert_eq!(v.parse::<u32>().unwrap() % 100, 0),
        }
        assert!(CHANNELS.contains(&c.get("acquisition_channel")));
        assert!(["true", "false"].contains(&c.get("email_opt_in")));
        for col in ["web_visits_90d", "app_sessions_90d", "support_tickets_12m"] {
            assert!(c.get(col).parse::<u32>().is_ok(), "{col}");
        }
        match c.get("avg_rating") {
            "" => missing_rating += 1,
            r => {
                let (whole, tenth) = r.split_once('.').unwrap();
                assert_eq!(tenth.len(), 1);
                assert!(whole.parse::<u8>().is_ok());
                assert!((1.0..=5.0).contains(&r.parse::<f64>().unwrap()));
            }
        }
        if c.number("age") >= 66.0 {
            assert_eq!(c.get("life_stage"), "Retired");
        }
        if c.get("life_stage") == "Couple" {
            assert_eq!(c.get("marital_status"), "Married");
        }
    }
    let n = s.customers.len() as f64;
    assert!((0.005..0.04).contains(&(f64::from(missing_gender) / n)));
    assert!((0.015..0.05).contains(&(f64::from(missing_income) / n)));
    assert!(missing_rating > 0);
    for t in &s.transactions {
        assert!(CATEGORIES.contains(&t.category.as_str()));
    }
}

#[test]
fn persona_shares_match_the_documentation() {
    let p = personas(5_000, DEFAULT_SEED);
    for persona in Persona::ALL {
        let share = p.iter().filter(|&&x| x == persona).count() as f64 / p.len() as f64;
        assert!((share - persona.share()).abs() < 0.025, "{persona}: {share} vs {}", persona.share());
    }
}

#[test]
fn the_files_are_what_customer_returns() {
    let s = sample(200, 12);
    let mut transactions = s.transactions.iter();
    for (i, row) in s.customers.iter().enumerate() {
        let c = customer(12, i as u64);
        assert_eq!(row.id(), c.customer_id);
        assert_eq!(row.number("age") as u8, c.age);
        assert_eq!(row.signup(), c.signup_date);
        assert_eq!(row.get("region"), c.region);
        for expected in &c.transactions {
            let t = transactions.next().unwrap();
            assert_eq!(t.customer_id, c.customer_id);
            assert_eq!(t.order_id, expected.order_id);
            assert_eq!(t.date, expected.order_date);
            assert_eq!((t.amount * 100.0).round() as i64, expected.amount_cents);
        }
    }
    assert!(transactions.next().is_none());
}

/// Mean orders, spend, days since last order and order value per persona.
fn persona_means(n: u64, seed: u64) -> BTreeMap<Persona, [f64; 4]> {
    let s = sample(n, seed);
    let agg = aggregates(&s);
    let p = personas(n, seed);
    let mut sums: BTreeMap<Persona, ([f64; 4], [f64; 4])> = BTreeMap::new();
    for (c, persona) in s.customers.iter().zip(&p) {
        let a = &agg[c.id()];
        let e = sums.entry(*persona).or_default();
        e.0[0] += a.orders as f64;
        e.1[0] += 1.0;
        e.0[1] += a.spend;
        e.1[1] += 1.0;
        if let Some(last) = a.last {
            e.0[2] += (as_of() - last).num_days() as f64;
            e.1[2] += 1.0;
        }
        if a.orders > 0 {
            e.0[3] += a.spend / a.orders as f64;
            e.1[3] += 1.0;
        }
    }
    sums.into_iter().map(|(k, (s, n))| (k, [0, 1, 2, 3].map(|i| s[i] / n[i]))).collect()
}

#[test]
fn personas_differ_clearly_in_spend_frequency_and_recency() {
    let m = persona_means(5_000, DEFAULT_SEED);
    let [fam_orders, fam_spend, fam_recency, fam_value] = m[&Persona::AffluentFamily];
    let [bar_orders, bar_spend, bar_recency, bar_value] = m[&Persona::BargainHunter];
    let [loy_orders, loy_spend, loy_recency, loy_value] = m[&Persona::RuralLoyalist];
    let [pro_orders, pro_spend, pro_recency, pro_value] = m[&Persona::BusyProfessional];
    let [lap_orders, lap_spend, lap_recency, _] = m[&Persona::Lapsed];
    // Champions: most orders, most spend, most recent, by a clear margin.
    for other in [bar_orders, loy_orders, pro_orders, lap_orders] {
        assert!(fam_orders > 1.5 * other, "{fam_orders} vs {other}");
    }
    for other in [bar_spend, loy_spend, pro_spend, lap_spend] {
        assert!(fam_spend > 2.0 * other, "{fam_spend} vs {other}");
    }
    for other in [bar_recency, loy_recency, pro_recency, lap_recency] {
        assert!(fam_recency < other, "{fam_recency} vs {other}");
    }
    // Order value: professionals > families > loyalists > bargain hunters.
    assert!(pro_value > 1.3 * fam_value);
    assert!(fam_value > 1.5 * loy_value);
    assert!(loy_value > 1.5 * bar_value);
    // Frequency: bargain hunters and loyalists order often, professionals rarely, lapsed once.
    assert!(bar_orders > 2.0 * pro_orders);
    assert!(loy_orders > 1.5 * pro_orders);
    assert!(lap_orders < 1.5);
    // Lapsed: last order long before the end of the window.
    assert!(lap_recency > 500.0, "{lap_recency}");
    assert!(pro_recency < 150.0 && bar_recency < 60.0 && loy_recency < 80.0);
}

#[test]
fn lapsed_customers_last_ordered_long_before_the_window_end() {
    let n = 3_000;
    // Eighteen months before the end of the window.
    let cutoff = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
    for i in 0..n {
        let c = customer(DEFAULT_SEED, i);
        if c.persona == Persona::Lapsed {
            assert!(c.last_order_date().is_none_or(|d| d < cutoff), "{}", c.customer_id);
        } else {
            let last = c.last_order_date().unwrap();
            // Every active customer ordered within the last year.
            assert!(last >= NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), "{}", c.customer_id);
        }
    }
}

#[test]
fn one_time_buyers_and_customers_without_transactions_exist() {
    let s = sample(5_000, DEFAULT_SEED);
    let agg = aggregates(&s);
    let none = agg.values().filter(|a| a.orders == 0).count() as f64 / 5_000.0;
    let once = agg.values().filter(|a| a.orders == 1).count() as f64 / 5_000.0;
    assert!((0.015..=0.05).contains(&none), "{none}");
    assert!(once > 0.08, "{once}");
    let ids_with_rows: BTreeSet<&str> = s.transactions.iter().map(|t| t.customer_id.as_str()).collect();
    assert_eq!(ids_with_rows.len(), agg.values().filter(|a| a.orders > 0).count());
}

#[test]
fn about_two_percent_of_rows_are_refunds() {
    let s = sample(5_000, DEFAULT_SEED);
    let share = s.transactions.iter().filter(|t| t.amount < 0.0).count() as f64 / s.transactions.len() as f64;
    assert!((0.01..=0.03).contains(&share), "{share}");
}

#[test]
fn category_mixes_differ_by_persona() {
    let n = 4_000;
    let mut counts: BTreeMap<(Persona, &str), usize> = BTreeMap::new();
    for i in 0..n {
        let c = customer(2, i);
        for t in &c.transactions {
            *counts.entry((c.persona, t.category)).or_default() += 1;
        }
    }
    let top = |p: Persona| {
        CATEGORIES.iter().max_by_key(|cat| counts.get(&(p, **cat)).copied().unwrap_or(0)).copied().unwrap()
    };
    assert_eq!(top(Persona::BargainHunter), "Fashion");
    assert_eq!(top(Persona::AffluentFamily), "Grocery");
    assert_eq!(top(Persona::RuralLoyalist), "Grocery");
    assert_eq!(top(Persona::BusyProfessional), "Electronics");
}

#[test]
fn invalid_customer_counts_give_the_stated_error() {
    let err = SampleParams { customers: 0.into(), seed: 1 }.check().unwrap_err();
    assert!(matches!(&err, SampleError::CustomerCount(e) if e.got == "0"));
    assert_eq!(err.to_string(), "the number of customers must be a whole number from 1 to 50,000,000 (got `0`).");
    let err = SampleParams { customers: 60_000_000.into(), seed: 1 }.check().unwrap_err();
    assert!(err.to_string().contains("from 1 to 50,000,000 (got `60000000`)"), "{err}");
    let typed = SampleParams { customers: segscope_engine::typed::Typed::Text("2.5".into()), seed: 1 };
    assert!(typed.check().unwrap_err().to_string().ends_with("(got `2.5`)."));
}

#[test]
fn cancelling_through_the_monitor_returns_cancelled() {
    let p = params(50_000, 1);
    let mut monitor = CancelAfter::reports(3);
    let result = write_sample(&p, Vec::new(), Vec::new(), &mut monitor);
    assert!(matches!(result, Err(SampleError::Cancelled)), "{result:?}");
    assert_eq!(monitor.reports.len(), 3);
    assert_eq!(monitor.reports[2].1, 20_000);
}

#[test]
fn progress_is_reported_every_ten_thousand_customers() {
    let p = params(25_000, 1);
    let mut monitor = CancelAfter::never();
    write_sample(&p, std::io::sink(), std::io::sink(), &mut monitor).unwrap();
    let done: Vec<u64> = monitor.reports.iter().map(|r| r.1).collect();
    assert_eq!(done, [0, 10_000, 20_000, 25_000]);
    assert!(monitor.reports.iter().all(|r| r.2 == 25_000 && !r.0.is_empty()));
}

// ---- Planted drop-out: BG/NBD identifies it. ----

/// BG/NBD on the sample's transactions (default CLV settings: weeks, fitted on everything), with
/// the persona and P(alive) of every customer who bought.
fn bgnbd_on_the_sample(p: &ValidSampleParams, seed: u64) -> (segscope_engine::clv::BgNbdFit, Vec<(Persona, f64)>) {
    use segscope_engine::clv::ClvParams;
    use segscope_engine::ingest::ReadOptions;
    use segscope_engine::stream::{clv_from_transactions, PerCustomer, TransactionsInput};
    let (_, transactions) = sample_csv(p).unwrap();
    let mut input = std::io::Cursor::new(transactions);
    let options = ReadOptions::default();
    let mut tx = TransactionsInput {
        name: "transactions.csv",
        input: &mut input,
        options: &options,
        mapping: Default::default(),
        workers: &mut segscope_engine::customers::InOrder,
    };
    let clv = ClvParams::default().check().unwrap();
    let PerCustomer { keys, result, .. } = clv_from_transactions(&mut tx, &clv, &mut Quiet).unwrap();
    let p_alive = keys
        .iter()
        .zip(&result.rows)
        .filter_map(|(key, row)| {
            let index = key.parse::<u64>().unwrap() - 1;
            Some((customer(seed, index).persona, row.p_alive?))
        })
        .collect();
    (result.bgnbd, p_alive)
}

#[test]
fn default_sample_bgnbd_converges_inside_bounds_with_spread_p_alive() {
    use segscope_engine::clv::optimize::LOG_BOUND;
    let (fit, p_alive) = bgnbd_on_the_sample(&SampleParams::default().check().unwrap(), DEFAULT_SEED);
    assert!(fit.convergence.converged, "{:?}", fit.convergence);
    let b = fit.params;
    for (name, value) in [("r", b.r), ("alpha", b.alpha), ("a", b.a), ("b", b.b)] {
        // At least a factor of 10 away from the optimiser's bounds (1e-4 and 1e4).
        assert!(value.ln().abs() < LOG_BOUND - 10f64.ln(), "{name} = {value} is at a bound: {b:?}");
    }
    let n = p_alive.len() as f64;
    let share = |keep: &dyn Fn(f64) -> bool| p_alive.iter().filter(|(_, p)| keep(*p)).count() as f64 / n;
    let (low, high) = (share(&|p| p < 0.5), share(&|p| p > 0.9));
    assert!(low >= 0.04, "{low} of customers have P(alive) below 0.5");
    assert!(high >= 0.8, "{high} of customers have P(alive) above 0.9");
    // The low P(alive)s are where the drop-out was planted: the lapsed persona.
    let low_lapsed = p_alive.iter().filter(|(persona, p)| *p < 0.5 && *persona == Persona::Lapsed).count() as f64;
    assert!(low_lapsed >= 0.9 * low * n, "{low_lapsed} of {} customers below 0.5 are lapsed", low * n);
    let mean = |persona: Persona| {
        let of: Vec<f64> = p_alive.iter().filter(|(q, _)| *q == persona).map(|(_, p)| *p).collect();
        of.iter().sum::<f64>() / of.len() as f64
    };
    assert!(mean(Persona::Lapsed) < 0.8, "lapsed mean P(alive) {}", mean(Persona::Lapsed));
    assert!(mean(Persona::AffluentFamily) > 0.95, "champions' mean P(alive) {}", mean(Persona::AffluentFamily));
}

#[test]
fn lapsed_buyers_who_ordered_again_drop_out_after_a_few_orders() {
    let n = 5_000;
    let mut ordering = 0;
    let mut repeat = 0;
    for i in 0..n {
        let c = customer(DEFAULT_SEED, i);
        if c.persona != Persona::Lapsed || c.orders() == 0 {
            continue;
        }
        ordering += 1;
        if c.orders() > 1 {
            repeat += 1;
        }
    }
    let share = f64::from(repeat) / f64::from(ordering);
    // A drop-out probability of 50-75% after each order: about a third order again.
    assert!((0.25..=0.5).contains(&share), "{share} of ordering lapsed buyers ordered again");
}

// ---- Planted clusters: k-means on behavioural features recovers the personas. ----

/// Behavioural features per customer: orders, net spend, days since last order (days since
/// the window start plus a year for customers who never ordered), web visits, app sessions.
fn behavioural_features(s: &Sample) -> Vec<Vec<f64>> {
    let agg = aggregates(s);
    let never = (as_of() - WINDOW_START).num_days() as f64 + 365.0;
    s.customers
        .iter()
        .map(|c| {
            let a = &agg[c.id()];
            let recency = a.last.map_or(never, |d| (as_of() - d).num_days() as f64);
            vec![a.orders as f64, a.spend, recency, c.number("web_visits_90d"), c.number("app_sessions_90d")]
        })
        .collect()
}

fn standardise(rows: &mut [Vec<f64>]) {
    let n = rows.len() as f64;
    for j in 0..rows[0].len() {
        let mean = rows.iter().map(|r| r[j]).sum::<f64>() / n;
        let sd = (rows.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n).sqrt();
        for r in rows.iter_mut() {
            r[j] = (r[j] - mean) / sd;
        }
    }
}

/// The engine's k-means (scikit-learn's algorithm) on `rows`: the best of `restarts` by inertia.
fn kmeans(rows: &[Vec<f64>], k: usize, restarts: usize, seed: u64) -> Vec<usize> {
    let params = KMeansParams { k, n_init: restarts, seed, ..KMeansParams::default() };
    fit(&matrix(rows), &params, &mut Quiet).unwrap().labels.iter().map(|&l| l as usize).collect()
}

fn matrix(rows: &[Vec<f64>]) -> Matrix {
    Matrix::new(rows.concat(), rows[0].len()).unwrap()
}

fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let to = |v: &[usize]| v.iter().map(|&x| x as u32).collect::<Vec<_>>();
    segscope_engine::cluster::agreement::adjusted_rand_index(&to(a), &to(b))
}

fn persona_labels(n: u64, seed: u64) -> Vec<usize> {
    personas(n, seed).iter().map(|p| Persona::ALL.iter().position(|q| q == p).unwrap()).collect()
}

#[test]
fn kmeans_on_standardised_behaviour_recovers_the_personas() {
    let s = sample(5_000, DEFAULT_SEED);
    let mut rows = behavioural_features(&s);
    standardise(&mut rows);
    let labels = kmeans(&rows, Persona::ALL.len(), 5, 1);
    let ari = adjusted_rand_index(&labels, &persona_labels(5_000, DEFAULT_SEED));
    assert!(ari >= 0.8, "adjusted Rand index {ari}");
}

#[test]
fn kmeans_on_log_scaled_behaviour_recovers_the_personas() {
    let seed = 99;
    let s = sample(5_000, seed);
    let mut rows = behavioural_features(&s);
    for r in &mut rows {
        for x in r.iter_mut() {
            *x = x.max(0.0).ln_1p();
        }
    }
    standardise(&mut rows);
    let labels = kmeans(&rows, Persona::ALL.len(), 5, 1);
    let ari = adjusted_rand_index(&labels, &persona_labels(5_000, seed));
    assert!(ari >= 0.8, "adjusted Rand index {ari}");
}

#[test]
fn adjusted_rand_index_is_one_for_a_relabelling_and_near_zero_for_noise() {
    let a = [0, 0, 1, 1, 2, 2];
    let b = [5, 5, 3, 3, 4, 4];
    assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-12);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let x: Vec<usize> = (0..5_000).map(|_| rng.random_range(0..5)).collect();
    let y: Vec<usize> = (0..5_000).map(|_| rng.random_range(0..5)).collect();
    assert!(adjusted_rand_index(&x, &y).abs() < 0.02);
}

// ---- Measurements, run by hand: cargo test --release --test sample -- --ignored --nocapture ----

#[test]
#[ignore = "prints the persona table for the module docs"]
fn print_persona_table() {
    let n = 5_000;
    let s = sample(n, DEFAULT_SEED);
    let p = personas(n, DEFAULT_SEED);
    let m = persona_means(n, DEFAULT_SEED);
    for persona in Persona::ALL {
        let members: Vec<&CustomerRow> =
            s.customers.iter().zip(&p).filter(|(_, &q)| q == persona).map(|(c, _)| c).collect();
        let mean = |col: &str| {
            let v: Vec<f64> = members.iter().filter_map(|c| c.get(col).parse().ok()).collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        let [orders, spend, recency, value] = m[&persona];
        println!(
            "{persona}: share {:.3} age {:.1} income {:.0} web {:.1} app {:.1} tickets {:.2} rating {:.2} | orders {orders:.1} spend {spend:.0} recency {recency:.0} order value {value:.1}",
            members.len() as f64 / n as f64,
            mean("age"),
            mean("income"),
            mean("web_visits_90d"),
            mean("app_sessions_90d"),
            mean("support_tickets_12m"),
            mean("avg_rating"),
        );
    }
    let refunds = s.transactions.iter().filter(|t| t.amount < 0.0).count();
    println!(
        "customers {} transactions {} refunds {refunds} ({:.2}%)",
        s.customers.len(),
        s.transactions.len(),
        100.0 * refunds as f64 / s.transactions.len() as f64
    );
    let mut rows = behavioural_features(&s);
    standardise(&mut rows);
    let labels = kmeans(&rows, 5, 5, 1);
    let truth = persona_labels(n, DEFAULT_SEED);
    let ari = adjusted_rand_index(&labels, &truth);
    println!("ARI (standardised raw features): {ari:.3}");
    let mut confusion = [[0usize; 5]; 5];
    for (&l, &t) in labels.iter().zip(&truth) {
        confusion[t][l] += 1;
    }
    println!("confusion (persona rows, cluster columns): {confusion:?}");
    let mut rows = behavioural_features(&s);
    for r in &mut rows {
        for x in r.iter_mut() {
            *x = x.max(0.0).ln_1p();
        }
    }
    standardise(&mut rows);
    let labels = kmeans(&rows, 5, 5, 1);
    println!("ARI (log-scaled features): {:.3}", adjusted_rand_index(&labels, &truth));
    let (fit, p_alive) = bgnbd_on_the_sample(&params(n, DEFAULT_SEED), DEFAULT_SEED);
    println!("BG/NBD (weeks, fitted on everything): {:?}, {}", fit.params, fit.convergence.reason);
    let bought = p_alive.len() as f64;
    println!(
        "P(alive) below 0.5: {:.3}, above 0.9: {:.3} of {bought} customers who bought",
        p_alive.iter().filter(|(_, p)| *p < 0.5).count() as f64 / bought,
        p_alive.iter().filter(|(_, p)| *p > 0.9).count() as f64 / bought
    );
    for persona in Persona::ALL {
        let of: Vec<f64> = p_alive.iter().filter(|(q, _)| *q == persona).map(|(_, p)| *p).collect();
        let low = of.iter().filter(|p| **p < 0.5).count();
        println!(
            "{persona}: mean P(alive) {:.3}, {low} of {} below 0.5",
            of.iter().sum::<f64>() / of.len() as f64,
            of.len()
        );
    }
    for seed in [1, 2, 3, 99, 12_345] {
        let s = sample(n, seed);
        let truth = persona_labels(n, seed);
        let mut raw = behavioural_features(&s);
        let mut logged = raw.clone();
        standardise(&mut raw);
        for r in &mut logged {
            for x in r.iter_mut() {
                *x = x.max(0.0).ln_1p();
            }
        }
        standardise(&mut logged);
        let a = adjusted_rand_index(&kmeans(&raw, 5, 5, 1), &truth);
        let b = adjusted_rand_index(&kmeans(&logged, 5, 5, 1), &truth);
        println!("seed {seed}: ARI raw {a:.3}, log {b:.3}");
    }
}

#[test]
#[ignore = "timing of one million customers; run in release"]
fn one_million_customers_stream_quickly() {
    let p = params(1_000_000, DEFAULT_SEED);
    let start = std::time::Instant::now();
    let summary = write_sample(&p, std::io::sink(), std::io::sink(), &mut Quiet).unwrap();
    let elapsed = start.elapsed();
    println!("1,000,000 customers, {} transactions in {:.2} s", summary.transactions, elapsed.as_secs_f64());
}
