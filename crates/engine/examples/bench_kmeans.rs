//! Times k-means on the benchmark's matrix: the sample's customers as 6 standardised features.
//!
//! `cargo run --release -p segscope-engine --example bench_kmeans -- MATRIX.f64 [CUSTOMERS] [K] [REPEATS] [ALGORITHM] [SEED]`
//!
//! When `MATRIX.f64` does not exist it is made first from the built-in sample (`DEFAULT_SEED`, customers `0..CUSTOMERS`,
//! default 1,000,000): per customer orders, ln(1 + net spend), days since the last order (to the day after the window,
//! or from the window's start for a customer without orders), `web_visits_90d`, `app_sessions_90d` and age, each
//! z-scored (population sd), written row after row as little-endian `f64` (6 a row). The matrix is then read back from
//! the file, the same bytes scikit-learn (`bench/sklearn_kmeans.py`) and the page (`bench/page/kmeans.mjs`) read.
//!
//! With `REPEATS` 0 it only makes the matrix. Otherwise it fits k-means (k = `K`, default 6; one k-means++ init, `n_init = 1`; seed `SEED`, default 0; `ALGORITHM` `hamerly` (default) or
//! `lloyd`, or `minibatch`: batches of 1,024) `REPEATS` times (default 3) and prints one JSON object: the median fit time in ms, the iterations, the
//! inertia, and the median time of a fit stopped after one iteration; `(fit − one) / (iterations − 1)` is the time of
//! one iteration (the k-means++ init and the final labelling are in both). Run by `scripts/bench.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // a measuring tool: fail loudly

use std::path::Path;
use std::time::Instant;

use segscope_engine::cluster::kmeans::{fit, Algorithm, KMeansParams};
use segscope_engine::cluster::Matrix;
use segscope_engine::progress::Quiet;
use segscope_engine::sample::{customer, DEFAULT_SEED, WINDOW_END, WINDOW_START};

const FEATURES: usize = 6;

/// CPU time of this process so far, in ms (user + system, from /proc/self/stat; 0 where there is none): on a busy
/// machine the time the fits had a core, beside the wall clock.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are the 14th and 15th fields, 12th and 13th after the command; 100 ticks a second.
    (ticks(11) + ticks(12)) * 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The sample's first `n` customers as 6 z-scored features, row-major.
fn make_matrix(n: usize) -> Vec<f64> {
    let after = WINDOW_END.succ_opt().unwrap();
    let mut v = Vec::with_capacity(n * FEATURES);
    for i in 0..n as u64 {
        let c = customer(DEFAULT_SEED, i);
        let last = c.last_order_date().unwrap_or(WINDOW_START);
        v.extend([
            c.orders() as f64,
            (c.net_spend_cents().max(0) as f64 / 100.0).ln_1p(),
            (after - last).num_days() as f64,
            f64::from(c.web_visits_90d),
            f64::from(c.app_sessions_90d),
            f64::from(c.age),
        ]);
    }
    for j in 0..FEATURES {
        let col = || v.iter().skip(j).step_by(FEATURES);
        let mean = col().sum::<f64>() / n as f64;
        let sd = (col().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64).sqrt();
        let sd = if sd > 0.0 { sd } else { 1.0 };
        for x in v.iter_mut().skip(j).step_by(FEATURES) {
            *x = (*x - mean) / sd;
        }
    }
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = Path::new(&args[1]);
    let n: usize = args.get(2).map_or(1_000_000, |a| a.parse().unwrap());
    let k: usize = args.get(3).map_or(6, |a| a.parse().unwrap());
    let repeats: usize = args.get(4).map_or(3, |a| a.parse().unwrap());
    let algorithm = match args.get(5).map_or("hamerly", String::as_str) {
        "lloyd" => Algorithm::Lloyd,
        "hamerly" => Algorithm::Hamerly,
        "minibatch" => Algorithm::MiniBatch { batch: 1024 },
        other => panic!("unknown algorithm {other}: lloyd, hamerly or minibatch"),
    };
    let mut made_ms = None;
    if !path.exists() {
        let t = Instant::now();
        let v = make_matrix(n);
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(path, bytes).unwrap();
        made_ms = Some(t.elapsed().as_secs_f64() * 1e3);
    }
    if repeats == 0 {
        // Only make the matrix (scripts/bench.sh, before the page steps read it).
        println!("{{\"made_matrix_ms\": {}}}", made_ms.map_or("null".to_string(), |m| format!("{m:.0}")));
        return;
    }
    let bytes = std::fs::read(path).unwrap();
    let values: Vec<f64> = bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect();
    let x = Matrix::new(values, FEATURES).unwrap();
    let seed: u64 = args.get(6).map_or(0, |a| a.parse().unwrap());
    let params = KMeansParams { k, n_init: 1, seed, algorithm, ..KMeansParams::default() };
    let mut times = Vec::new();
    let mut result = None;
    let cpu = cpu_ms();
    for _ in 0..repeats {
        let t = Instant::now();
        let f = fit(&x, &params, &mut Quiet).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        result = Some(f);
    }
    let cpu_per_fit = (cpu_ms() - cpu) / repeats as f64;
    let one = KMeansParams { max_iter: 1, ..params.clone() };
    let mut one_times = Vec::new();
    for _ in 0..repeats {
        let t = Instant::now();
        std::hint::black_box(fit(&x, &one, &mut Quiet).unwrap());
        one_times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let f = result.unwrap();
    let (ms, one_ms) = (median(times), median(one_times));
    let per_iteration = if f.n_iter > 1 { (ms - one_ms) / (f.n_iter - 1) as f64 } else { f64::NAN };
    println!(
        "{{\"rows\": {}, \"features\": {FEATURES}, \"k\": {k}, \"algorithm\": \"{algorithm:?}\", \"fit_ms\": {ms:.2}, \
         \"n_iter\": {}, \"inertia\": {:.6}, \"one_iteration_fit_ms\": {one_ms:.2}, \"ms_per_iteration\": {per_iteration:.3}, \
         \"sizes\": {:?}, \"runs\": {repeats}, \"cpu_ms_per_fit\": {cpu_per_fit:.1}, \"made_matrix_ms\": {}}}",
        x.rows(),
        f.n_iter,
        f.inertia,
        f.sizes(),
        made_ms.map_or("null".to_string(), |m| format!("{m:.0}")),
    );
}
