// Times the live-count update in the real app: headless Chromium, the release build, the customers file of the
// benchmark's sample (CUSTOMERS customers, made by `segscope sample`) chosen in the page's file picker, the example
// definition opened through the UI. Reads the page's timing of each apply-rules request (data-engine-ms-apply-rules
// on <html>: from posting it to the engine's worker to the answer) and prints the median as JSON.
//
//   node bench/browser_rules.mjs CUSTOMERS REPEATS CUSTOMERS_CSV     (run by scripts/bench.sh; needs dist/ and Chromium)
//
// Customers only: rule re-evaluation needs no transactions, and attaching the sample's ten transactions a customer
// at 1,000,000 customers is the retail-scale issue's benchmark, not this one. Every wait's timeout grows with
// CUSTOMERS: 2 minutes plus 1.2 ms per customer. SEGSCOPE_BENCH_TIMEOUT_MS overrides it. A crash or an error on the
// page (for example running out of memory) fails at once, with what the page said.
import { join } from 'node:path';
import { startServer, launchBrowser, repoRoot } from '../tests/e2e/harness.mjs';

const customers = Number(process.argv[2] ?? 100000);
const repeats = Number(process.argv[3] ?? 11);
const file = process.argv[4];
if (!Number.isInteger(customers) || customers < 1 || !Number.isInteger(repeats) || repeats < 1 || !file) {
  console.error('usage: node bench/browser_rules.mjs CUSTOMERS REPEATS CUSTOMERS_CSV   (positive integers, a file)');
  process.exit(2);
}
const timeout = Number(process.env.SEGSCOPE_BENCH_TIMEOUT_MS) || 120_000 + Math.ceil(customers * 1.2);

let server, browser;
try {
  server = await startServer(); // fails with a clear message when dist/ is missing
  browser = await launchBrowser(); // ... or when playwright-core or Chromium is
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(timeout);
  page.setDefaultNavigationTimeout(timeout);
  // Fails every wait below as soon as the page crashes or reports an error, instead of at the timeout.
  let failed;
  const failure = new Promise((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {}); // handled where it is raced
  page.on('crash', () => failed(new Error(`the page crashed with ${customers.toLocaleString('en')} customers (out of memory?)`)));
  page.on('pageerror', (e) => failed(new Error(`the page reported an error: ${e.message}`)));
  const step = async (what, promise) => {
    const started = Date.now();
    try {
      return await Promise.race([promise, failure]);
    } catch (e) {
      throw new Error(`${what}: ${e.message} (after ${((Date.now() - started) / 1000).toFixed(0)} s; timeout ${timeout / 1000} s)`);
    }
  };

  await step('opening the page', page.goto(server.url));
  await step('choosing the customers file', page.setInputFiles('#file-input', file));
  await step('reading the customers file', page.waitForSelector('#dataset-summary', { state: 'attached' }));
  await step('opening the rule builder', page.evaluate(() => { location.hash = '#/segment/rules'; }));
  await step('opening the definition', page.setInputFiles('#open-definition', join(repoRoot, 'examples/segments/sample-lifestyle.json')));
  await step('counting the segments', page.waitForSelector('li.segment-card[data-index="4"]'));
  const times = [];
  for (let i = 0; i < repeats; i++) {
    await step('clearing the timing', page.evaluate(() => document.documentElement.removeAttribute('data-engine-ms-apply-rules')));
    await step('editing a segment name', page.fill('#segment-name-0', `New this half-year ${i}`)); // any edit triggers a recount
    await step(`recount ${i + 1} of ${repeats}`, page.waitForFunction(() => document.documentElement.hasAttribute('data-engine-ms-apply-rules')));
    times.push(Number(await page.evaluate(() => document.documentElement.getAttribute('data-engine-ms-apply-rules'))));
  }
  times.sort((a, b) => a - b);
  const ingest = Number(await page.evaluate(() => document.documentElement.getAttribute('data-engine-ms-ingest')));
  console.log(JSON.stringify({ wasm_ms: times[Math.floor(times.length / 2)], wasm_read_ms: ingest, chromium: browser.version() }));
} catch (e) {
  console.error(`bench/browser_rules.mjs: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await server?.close();
}
