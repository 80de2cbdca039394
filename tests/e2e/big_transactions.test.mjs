// A real business's transactions in the browser (issue #14): a generated ~200 MB transactions file (400,000
// customers, about 4,000,000 rows) is read a record at a time in the worker with progress; Cancel mid-file leaves the
// customers as they were (no transactions attached); a second load completes, and the RFM the page downloads equals
// `segscope rfm` on the same file, row for row. Opened alone ("Open transactions only"), the same file is read a
// part at a time from the browser's File (never copied whole into the engine) and its RFM equals `segscope rfm` exactly.
// The first test adds the parts up on three helper workers beside the engine's (`?workers=3`), the second on the
// engine's worker alone (`?workers=0`): both equal the command line, so every worker count gives the same result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, download, goTo, scratchDir, useSite, server, browser } from './harness.mjs';

const CUSTOMERS = 400_000;
const work = scratchDir('big-transactions');
const segscope = (...args) =>
  execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });

useSite(async () => {
  segscope('sample', '--out', work, '--customers', String(CUSTOMERS));
});

test('a ~200 MB transactions file: progress, Cancel keeps the customers, then it loads and RFM equals segscope rfm', async () => {
  const transactions = join(work, 'transactions.csv');
  const mb = statSync(transactions).size / 1e6;
  assert.ok(mb > 150, `the generated file is ${mb.toFixed(0)} MB`);
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(`${server.url}?workers=3`); // three helper workers beside the engine's, whatever the cores
  await page.setInputFiles('#file-input', join(work, 'customers.csv'));
  await page.waitForFunction(
    (n) => document.querySelector('#dataset-summary')?.textContent?.startsWith(`${n} rows`),
    CUSTOMERS,
    { timeout: 120_000 },
  );
  const summary = await page.textContent('#dataset-summary');

  // Attach the transactions; progress moves; Cancel mid-file.
  await page.setInputFiles('#transactions-input', transactions);
  await page.waitForSelector('#busy-progress');
  const progress = () => page.$eval('#busy-progress', (p) => Number(p.value)).catch(() => 0);
  const first = await progress();
  await page.waitForFunction((v) => Number(document.querySelector('#busy-progress')?.value) > v, first, { timeout: 60_000 });
  assert.ok((await progress()) < Number(await page.$eval('#busy-progress', (p) => p.max)), 'still mid-file');
  await page.screenshot({ path: join(artifactsDir, 'big-transactions-progress.png') });
  await page.click('#cancel');
  await page.waitForSelector('#notice');
  assert.match(await page.textContent('#notice'), /Cancelled\. Everything is as it was before\./);
  await page.waitForFunction(() => !document.querySelector('#busy'), null, { timeout: 120_000 });
  assert.equal(await page.textContent('#dataset-summary'), summary, 'the customers are as they were');
  assert.equal(await page.$('#transactions-report'), null, 'no transactions are attached after Cancel');

  // Load again, to the end.
  await page.setInputFiles('#transactions-input', transactions);
  await page.waitForSelector('#transactions-report', { timeout: 300_000 });
  const report = await page.textContent('#transactions-report');
  assert.match(report, /\d+ transactions read; \d+ customers have transactions/);
  await goTo(page, 'segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell', { timeout: 120_000 });
  await page.screenshot({ path: join(artifactsDir, 'big-transactions-rfm.png') });

  // The page's per-customer RFM equals the command line's on the same file, row for row.
  const csv = (await download(page, '#rfm-download-csv', '.csv')).bytes.toString('utf8');
  segscope('rfm', '--transactions', transactions, '--output', join(work, 'rfm.csv'));
  const cli = readFileSync(join(work, 'rfm.csv'), 'utf8').trim().split('\n');
  const app = new Set(csv.trim().split('\n'));
  let missing = 0;
  for (const line of cli) if (!app.has(line)) missing += 1;
  assert.equal(missing, 0, `${missing} of ${cli.length - 1} CLI rows are not in the app's RFM`);
  const cliSet = new Set(cli);
  const extra = [...app].filter((l) => !cliSet.has(l));
  assert.ok(extra.every((l) => l.endsWith(',0,0.00,,,,No purchases')), 'customers without transactions are "No purchases"');

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('the ~200 MB transactions file opened alone is read in parts: one customer per key, RFM equals segscope rfm', async () => {
  const transactions = join(work, 'transactions.csv');
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(`${server.url}?workers=0`); // the engine's worker alone
  await page.setInputFiles('#transactions-only-input', transactions);
  await page.waitForSelector('#busy-progress');
  await page.waitForSelector('#transactions-report', { timeout: 300_000 });
  assert.match(await page.textContent('#dataset-summary'), /^\d+ rows/);
  const report = await page.textContent('#transactions-report');
  assert.match(report, /\d+ transactions read; \d+ customers have transactions/);
  await goTo(page, 'segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell', { timeout: 120_000 });
  await page.screenshot({ path: join(artifactsDir, 'big-transactions-alone-rfm.png') });
  const csv = (await download(page, '#rfm-download-csv', '.csv')).bytes.toString('utf8');
  if (!statSync(join(work, 'rfm.csv'), { throwIfNoEntry: false })) {
    segscope('rfm', '--transactions', transactions, '--output', join(work, 'rfm.csv'));
  }
  const cli = readFileSync(join(work, 'rfm.csv'), 'utf8').trim().split('\n');
  const app = csv.trim().split('\n');
  assert.equal(app.length, cli.length, 'one row per customer key, as segscope rfm');
  const cliSet = new Set(cli);
  const differ = app.filter((l) => !cliSet.has(l));
  assert.equal(differ.length, 0, `${differ.length} rows differ, first: ${differ[0]}`);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
