//! The engine's k-means, called from the benchmark page (bench/page/kmeans.mjs) on the benchmark's matrix.

use segscope_engine::cluster::kmeans::{fit, Algorithm, KMeansParams};
use segscope_engine::cluster::Matrix;
use segscope_engine::progress::Quiet;
use wasm_bindgen::prelude::*;

/// The matrix, copied into the module's memory once (not timed, as ml-kmeans's arrays are made before its timing).
#[wasm_bindgen]
pub struct Bench {
    x: Matrix,
}

#[wasm_bindgen]
impl Bench {
    /// `values`: rows of `features` values, one after another.
    #[wasm_bindgen(constructor)]
    pub fn new(values: Vec<f64>, features: usize) -> Result<Bench, String> {
        Matrix::new(values, features).map(|x| Bench { x }).map_err(|e| e.to_string())
    }

    /// One k-means fit as `segscope cluster` does it, with one k-means++ init (`n_init = 1`):
    /// `[inertia, iterations, size of each cluster...]`.
    pub fn fit(&self, k: usize, max_iter: usize, seed: u32, lloyd: bool) -> Result<Vec<f64>, String> {
        let algorithm = if lloyd { Algorithm::Lloyd } else { Algorithm::Hamerly };
        let params =
            KMeansParams { k, n_init: 1, max_iter, seed: u64::from(seed), algorithm, ..KMeansParams::default() };
        let f = fit(&self.x, &params, &mut Quiet).map_err(|e| e.to_string())?;
        let mut out = vec![f.inertia, f.n_iter as f64];
        out.extend(f.sizes().into_iter().map(|s| s as f64));
        Ok(out)
    }
}
