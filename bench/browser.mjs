// The page steps of scripts/bench.sh (issue #14): Segscope's release web build (dist/) against DuckDB-WASM and
// PapaParse (bench/page/, served from bench/ at /bench/ on the same origin as the app), in headless Chromium, on the
// sample in DIR (customers.csv, transactions.csv, rules.duckdb.sql). Writes JSON rows for bench/bench.py.
//
//   node bench/browser.mjs --dir .bench/N --customers N --out .bench/N/browser.json [--only segscope,duckdb,papaparse,kmeans]
//
// Each tool runs in a fresh browser, so its peak memory is its own: the resident memory summed over the browser's
// process tree (every descendant of this Node process: the proportional set size, Pss, from /proc/PID/smaps_rollup,
// so shared pages count once in the sum; sampled every 200 ms),
// the peak during each step. Times: Segscope's load steps are wall clock from choosing the file to the page showing
// the result, with the engine's own time (from posting the request to the worker's answer, the page's
// data-engine-ms-KIND) kept beside it; recounts use the engine time (as bench/browser_rules.mjs did); the peers'
// times are performance.now() around each call in the page.
//
// Segscope's run: customers.csv in #file-input (Data) -> rule recounts (examples/segments/sample-lifestyle.json,
// 11 edits, median) -> transactions.csv in #transactions-input (the app attaches them and scores RFM by itself; done at
// #rfm-grid button.cell) -> the CLV fit (#clv-fit in #/value/clv, 100,000 customers and fewer). The longest main-thread
// task over the whole run comes from a PerformanceObserver('longtask') installed before the page loads.
//
// k-means (bench/page/kmeans.html, in one fresh browser): the matrix DIR/kmeans.f64 (made by the engine's bench_kmeans
// example) in #matrix; Segscope's engine compiled to wasm (bench/kmeans-wasm, built by scripts/bench.sh) and ml-kmeans
// (npm, bundled by esbuild into bench/node_modules/.segscope/) each fit it in the same page: k = 6, one k-means++ init,
// seed 0, median of 5 fits for Segscope (after one untimed fit: V8 optimises a wasm function from its second call) and
// 1 for ml-kmeans (about 9 s at 1,000,000 rows), and as many fits stopped after one iteration, for the time of one
// iteration.
//
// A step that fails (the page crashed, the engine's error shown in #engine-failed or #error, a timeout) is recorded as
// failed with the reason, the tool's later steps that need it are recorded as not run, and the other tools still run.
// Timeouts: 1 minute plus 0.6 ms per customer per step (10 minutes at 1,000,000), SEGSCOPE_BENCH_TIMEOUT_MS overrides.
// SEGSCOPE_BENCH_DIST serves another web build instead of dist/ (used to compare build settings).
// SEGSCOPE_BENCH_QUERY is added to the page's address (`?workers=0`: the engine's worker alone, no helpers).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, repoRoot } from '../tests/e2e/harness.mjs';

const { values: opt } = parseArgs({
  options: { dir: { type: 'string' }, customers: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } },
});
if (!opt.dir || !opt.customers || !opt.out) {
  console.error('usage: node bench/browser.mjs --dir DIR --customers N --out FILE [--only segscope,duckdb,papaparse,kmeans]');
  process.exit(2);
}
const n = Number(opt.customers);
const dir = opt.dir;
const customersCsv = join(dir, 'customers.csv');
const transactionsCsv = join(dir, 'transactions.csv');
const only = new Set((opt.only ?? 'segscope,duckdb,papaparse,kmeans').split(','));
const rulesSql = only.has('duckdb') ? readFileSync(join(dir, 'rules.duckdb.sql'), 'utf8').trim().replace(/;$/, '') : '';
const rfmSql = readFileSync(join(repoRoot, 'bench/rfm.duckdb.sql'), 'utf8')
  .split('\n').filter((l) => !l.trimStart().startsWith('--')).join('\n').trim().replace(/;$/, '');
const kmeansMatrix = join(dir, 'kmeans.f64');
const KMEANS_K = 6;
const timeout = Number(process.env.SEGSCOPE_BENCH_TIMEOUT_MS) || Math.min(600_000, 60_000 + Math.ceil(n * 0.6));
const RECOUNTS = 11;
const RFM_REPEATS = 3;
const log = (m) => process.stderr.write(`   page: ${m}\n`);

const rows = [];
const notes = [];
let chromium = null;
const row = (step, tool, ms, peak, runs, extra = {}) =>
  rows.push({ step, size: n, tool, median_ms: ms == null ? null : Math.round(ms * 10) / 10, peak_mb: peak == null ? null : Math.round(peak), runs, failed: null, ...extra });
const failedRow = (step, tool, reason) => rows.push({ step, size: n, tool, median_ms: null, peak_mb: null, runs: null, failed: reason });

// ---- memory: the browser's process tree ----
const pageSize = 4096;
function treeRssMb() {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch { /* gone */ }
  }
  let total = 0;
  for (const pid of parent.keys()) {
    let p = pid, mine = false;
    for (let hops = 0; p > 1 && hops < 64; hops++) {
      p = parent.get(p);
      if (p === process.pid) { mine = true; break; }
    }
    if (!mine) continue;
    try {
      // Proportional set size: a page shared by k processes counts 1/k in each, so the sum is the tree's real use.
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      total += m ? Number(m[1]) * 1024 : Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageSize;
    } catch { /* gone */ }
  }
  return total / 1024 / 1024;
}
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, treeRssMb()); }, 200);
sampler.unref();
/** Runs fn, returns [its value, wall ms, peak MB of the browser's tree during it]. */
async function measured(fn) {
  peak = treeRssMb();
  const t = performance.now();
  const v = await fn();
  const ms = performance.now() - t;
  peak = Math.max(peak, treeRssMb());
  return [v, ms, peak];
}

async function withBrowser(what, body) {
  let browser;
  try {
    browser = await launchBrowser();
    chromium ??= `Chromium ${browser.version()}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);
    let failed;
    const failure = new Promise((_, reject) => { failed = reject; });
    failure.catch(() => {});
    page.on('crash', () => failed(new Error('the page crashed (out of memory?)')));
    page.on('pageerror', (e) => failed(new Error(`the page reported an error: ${e.message}`)));
    const guard = (p, stepName) => {
      let timer;
      const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeout / 1000} s`)), timeout); });
      return Promise.race([p, failure, limit]).finally(() => clearTimeout(timer)).catch((e) => {
        throw new Error(`${stepName}: ${e.message.split('\n')[0]}`);
      });
    };
    return await body(page, guard, failed);
  } finally {
    await browser?.close().catch(() => {});
    log(`${what}: done`);
  }
}

// ---- Segscope ----
async function segscope(server) {
  const tool = 'segscope (wasm)';
  const steps = ['load customers (page)', 'rule recount (page)', 'load transactions (page)', 'RFM (page)', 'load both + RFM (page)', 'CLV fit (page)', 'longest main-thread task (page)'];
  const done = new Set();
  let current = steps[0];
  const record = (step, ...a) => { row(step, tool, ...a); done.add(step); };
  let pageRef;
  try {
    await withBrowser('segscope', async (page, guard) => {
      pageRef = page;
      await page.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push(e.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      // The engine's own errors, raced against every wait.
      const engineError = () => page.waitForSelector('#engine-failed p, #error p', { timeout: 0 })
        .then(async (el) => { throw new Error(`the page says: ${(await el.textContent()).trim().slice(0, 300)}`); });
      const wait = (p, step) => guard(Promise.race([p, engineError()]), step);
      const attr = (kind) => page.evaluate((k) => document.documentElement.getAttribute(`data-engine-ms-${k}`), kind).then((v) => (v == null ? null : Number(v)));

      // The longest main-thread task so far, also when a step fails on a page that is still alive.
      const longestTask = async () => {
        const [longest, count] = await page.evaluate(() => [Math.max(0, ...window.__longTasks), window.__longTasks.length]);
        record('longest main-thread task (page)', longest, null, 1, { long_tasks: count, ...(current === 'done' ? {} : { note: `up to the failure at ${current}` }) });
      };
      try {
      await guard(page.goto(server.url + (process.env.SEGSCOPE_BENCH_QUERY ?? '')), 'opening the page');
      await guard(page.waitForSelector('#file-input', { state: 'attached' }), 'opening the page');

      current = 'load customers (page)';
      log(`${current}`);
      const [, custMs, custPeak] = await measured(() => wait((async () => {
        await page.setInputFiles('#file-input', customersCsv);
        await page.waitForSelector('#dataset-summary', { state: 'attached' });
      })(), current));
      record(current, custMs, custPeak, 1, { engine_ms: await attr('ingest') });

      current = 'rule recount (page)';
      log(`${current} (${RECOUNTS}x)`);
      const [times, , recPeak] = await measured(() => wait((async () => {
        await page.evaluate(() => { location.hash = '#/segment/rules'; });
        await page.setInputFiles('#open-definition', join(repoRoot, 'examples/segments/sample-lifestyle.json'));
        await page.waitForSelector('li.segment-card[data-index="4"]');
        const t = [];
        for (let i = 0; i < RECOUNTS; i++) {
          await page.evaluate(() => document.documentElement.removeAttribute('data-engine-ms-apply-rules'));
          await page.fill('#segment-name-0', `New this half-year ${i}`);
          await page.waitForFunction(() => document.documentElement.hasAttribute('data-engine-ms-apply-rules'));
          t.push(await attr('apply-rules'));
        }
        return t.sort((a, b) => a - b);
      })(), current));
      record(current, times[Math.floor(times.length / 2)], recPeak, RECOUNTS);

      current = 'load transactions (page)';
      log(`${current} (and RFM, which the app runs by itself)`);
      await guard(page.evaluate(() => { location.hash = '#/data'; }), current);
      const [, txMs, txPeak] = await measured(() => wait((async () => {
        await page.setInputFiles('#transactions-input', transactionsCsv);
        await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
      })(), current));
      const attachMs = await attr('attach-transactions');
      const rfmMs = await attr('rfm');
      record(current, attachMs ?? txMs, txPeak, 1, { engine_ms: attachMs, wall_ms_with_rfm: Math.round(txMs) });
      if (rfmMs != null) record('RFM (page)', rfmMs, txPeak, 1, { note: "the app's own RFM request after the transactions" });
      else notes.push(`${n.toLocaleString('en')} customers: Segscope's page recorded no separate rfm request time`);
      record('load both + RFM (page)', custMs + txMs, Math.max(custPeak, txPeak), 1, { note: 'wall clock: customers chosen -> summary, plus transactions chosen -> RFM grid' });

      if (n <= 100_000) {
        current = 'CLV fit (page)';
        log(current);
        await guard(page.evaluate(() => { location.hash = '#/value/clv'; }), current);
        const [, , clvPeak] = await measured(() => wait((async () => {
          await page.click('#clv-fit');
          await page.waitForSelector('#clv-fit-summary');
        })(), current));
        record(current, await attr('clv'), clvPeak, 1);
      }
      current = 'done';
      await longestTask();
      } catch (e) {
        await Promise.race([longestTask(), new Promise((r) => setTimeout(r, 5000))]).catch(() => {});
        throw e;
      }
    });
  } catch (e) {
    log(`segscope failed at ${current}: ${e.message}`);
    failedRow(current, tool, e.message);
    done.add(current);
    // What the run got to: the longest task so far is still worth having, unless the page is gone.
    for (const s of steps) {
      if (done.has(s)) continue;
      if (s === 'CLV fit (page)' && n > 100_000) continue;
      failedRow(s, tool, `not run: ${current} failed`);
    }
  }
  void pageRef;
}

// ---- DuckDB-WASM and PapaParse, on bench/page/ ----
async function peers(server, which) {
  await withBrowser(which, async (page, guard) => {
    await guard(page.goto(server.url + 'page/'), 'opening the peer page');
    await guard(page.waitForFunction(() => window.bench?.ready), 'loading the peer page');
    await page.setInputFiles('#customers', customersCsv);
    await page.setInputFiles('#transactions', transactionsCsv);
    const call = (fn, ...a) => page.evaluate(([f, args]) => window.bench[f](...args), [fn, a]);
    if (which === 'duckdb') {
      let tool = 'duckdb-wasm';
      let current = 'starting DuckDB-WASM';
      const sofar = { ms: 0, peak: 0 };
      try {
        const start = await guard(call('duckdbStart'), current);
        tool = start.version;
        notes.push(`${tool}: bundle ${start.bundle} (single-threaded), started in ${Math.round(start.ms)} ms (not counted)`);
        for (const [step, fn, args] of [
          ['load customers (page)', 'duckdbRead', ['customers']],
          ['load transactions (page)', 'duckdbRead', ['transactions']],
          ['RFM (page)', 'duckdbQuery', [rfmSql, RFM_REPEATS]],
          ['rule recount (page)', 'duckdbQuery', [`SELECT segment, count(*) FROM (${rulesSql}) GROUP BY ALL`, RECOUNTS]],
        ]) {
          current = step;
          log(`duckdb: ${step}`);
          const [r, , pk] = await measured(() => guard(call(fn, ...args), step));
          row(step, tool, r.ms, pk, r.runs ?? 1, { rows: r.rows });
          if (step !== 'rule recount (page)') { sofar.ms += r.ms; sofar.peak = Math.max(sofar.peak, pk); }
          if (step === 'RFM (page)') row('load both + RFM (page)', tool, sofar.ms, sofar.peak, 1, { note: 'sum of the two reads and the RFM query' });
        }
      } catch (e) {
        log(`duckdb failed at ${current}: ${e.message}`);
        failedRow(current, tool, e.message);
      }
    } else {
      const tool = 'papaparse 5.7.1 (main thread)';
      for (const [step, what] of [['load customers (page)', 'customers'], ['load transactions (page)', 'transactions']]) {
        try {
          log(`papaparse: ${step}`);
          const [r, , pk] = await measured(() => guard(call('papaParse', what), step));
          await call('papaClear');
          row(step, tool, r.ms, pk, 1, { rows: r.rows, numeric_columns: r.numeric_columns });
        } catch (e) {
          failedRow(step, tool, e.message);
        }
      }
    }
  });
}

// ---- k-means: Segscope's engine (wasm) and ml-kmeans on bench/page/kmeans.html ----
async function kmeansPage(server) {
  const fitStep = `k-means fit, ${KMEANS_K} clusters, 1 init (page)`;
  const iterStep = 'k-means one iteration (page)';
  const tools = [['segscope (wasm)', 'segscope', 5], ['ml-kmeans 7.0.1', 'mlKMeans', 1]];
  await withBrowser('kmeans', async (page, guard) => {
    await guard(page.goto(server.url + 'page/kmeans.html'), 'opening the k-means page');
    await guard(page.waitForFunction(() => window.bench?.ready), 'loading the k-means page');
    await page.setInputFiles('#matrix', kmeansMatrix);
    const call = (fn, ...a) => page.evaluate(([f, args]) => window.bench[f](...args), [fn, a]);
    const { rows: m } = await guard(call('load'), 'reading the matrix');
    for (const [tool, fn, repeats] of tools) {
      try {
        log(`kmeans: ${tool}`);
        const [r, , pk] = await measured(() => guard(call(fn, KMEANS_K, repeats), `${tool} k-means`));
        // Below 0 only when a busy machine made the one-iteration fit slower than the whole one: not a time.
        const perIter = r.n_iter > 1 && r.ms > r.one_ms ? (r.ms - r.one_ms) / (r.n_iter - 1) : null;
        row(fitStep, tool, r.ms, pk, r.runs, { rows: m, features: 6, n_iter: r.n_iter, inertia: r.inertia, sizes: r.sizes, one_iteration_fit_ms: r.one_ms, ...(r.first_fit_ms == null ? {} : { first_fit_ms: Math.round(r.first_fit_ms), note: 'after one untimed fit (first_fit_ms), which V8 runs in its baseline compiler' }) });
        if (perIter != null) row(iterStep, tool, perIter, null, r.runs, { n_iter: r.n_iter, note: '(fit - fit stopped after one iteration) / (iterations - 1)' });
      } catch (e) {
        failedRow(fitStep, tool, e.message);
      }
    }
  });
}

let segServer, benchServer;
try {
  if (only.has('segscope')) segServer = await startServer({ root: process.env.SEGSCOPE_BENCH_DIST || 'dist' }); // dist/ under /tools/segscope/
  benchServer = await startServer({ root: 'bench', prefix: '/bench/' });
  if (only.has('segscope')) await segscope(segServer);
  for (const which of ['duckdb', 'papaparse']) {
    if (!only.has(which)) continue;
    try {
      await peers(benchServer, which);
    } catch (e) {
      failedRow('load customers (page)', which, e.message);
    }
  }
  if (only.has('kmeans')) {
    try {
      await kmeansPage(benchServer);
    } catch (e) {
      failedRow(`k-means fit, ${KMEANS_K} clusters, 1 init (page)`, 'segscope (wasm)', e.message);
    }
  }
} catch (e) {
  console.error(`bench/browser.mjs: ${e.message}`);
  process.exitCode = 1;
} finally {
  await segServer?.close();
  await benchServer?.close();
  writeFileSync(opt.out, JSON.stringify({ chromium, rows, notes }, null, 1) + '\n');
}
