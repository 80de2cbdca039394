// The k-means steps, called by bench/browser.mjs through window.bench on the matrix chosen in #matrix (the file
// bench_kmeans wrote: little-endian float64, 6 a row). Each tool gets the matrix in its own form before its timing
// starts (Segscope: copied into the wasm module's memory; ml-kmeans: an array of row arrays), then is timed with
// performance.now() around the fit: one k-means++ init, k clusters, seed 0, each tool's own iterations and tolerance.
// A second fit stopped after one iteration gives the time of one iteration: (fit - one) / (iterations - 1).
// Segscope's module is warmed up by one untimed fit first: V8 runs a wasm function's first call in its baseline
// compiler and the optimised code only from a later call (wasm has no on-stack replacement), while ml-kmeans's
// JavaScript is optimised during its own long run.
import { kmeans } from '../node_modules/.segscope/ml-kmeans.mjs';
import init, { Bench } from '../node_modules/.segscope/kmeans-wasm/segscope_bench_kmeans.js';

const FEATURES = 6;
let values = null;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const timed = (fn, repeats) => {
  const times = [];
  let out;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    out = fn();
    times.push(performance.now() - t);
  }
  return [median(times), out];
};

window.bench = {
  ready: true,

  async load() {
    const f = document.getElementById('matrix').files[0];
    if (!f) throw new Error('no matrix chosen in #matrix');
    values = new Float64Array(await f.arrayBuffer());
    return { rows: values.length / FEATURES };
  },

  async segscope(k, repeats) {
    const t = performance.now();
    await init();
    const startMs = performance.now() - t;
    const b = new Bench(values, FEATURES);
    try {
      const w = performance.now();
      b.fit(k, 300, 0, false);
      const warmMs = performance.now() - w;
      const [ms, out] = timed(() => b.fit(k, 300, 0, false), repeats);
      const [oneMs] = timed(() => b.fit(k, 1, 0, false), repeats);
      return { ms, one_ms: oneMs, inertia: out[0], n_iter: out[1], sizes: Array.from(out.slice(2)).sort((a, c) => a - c), runs: repeats, start_ms: startMs, first_fit_ms: warmMs };
    } finally {
      b.free();
    }
  },

  // ml-kmeans with its defaults (k-means++ init, at most 100 iterations, tolerance 1e-6), seeded.
  mlKMeans(k, repeats) {
    const rows = values.length / FEATURES;
    const data = new Array(rows);
    for (let i = 0; i < rows; i++) data[i] = Array.from(values.subarray(i * FEATURES, (i + 1) * FEATURES));
    const [ms, res] = timed(() => kmeans(data, k, { seed: 0, initialization: 'kmeans++' }), repeats);
    const [oneMs] = timed(() => kmeans(data, k, { seed: 0, initialization: 'kmeans++', maxIterations: 1 }), repeats);
    let inertia = 0;
    const sizes = new Array(k).fill(0);
    for (let i = 0; i < rows; i++) {
      const c = res.centroids[res.clusters[i]];
      sizes[res.clusters[i]]++;
      for (let j = 0; j < FEATURES; j++) inertia += (data[i][j] - c[j]) ** 2;
    }
    return { ms, one_ms: oneMs, inertia, n_iter: res.iterations, sizes: sizes.sort((a, c) => a - c), runs: repeats };
  },
};
