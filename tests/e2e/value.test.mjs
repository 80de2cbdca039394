// The Value workspace: RFM on the sample, read the grid, paint a cell, see a cell's customers, and
// download the per-customer RFM CSV and compare it with `segscope rfm` on the same file, row for row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, launchBrowser, newRecordedPage, artifactsDir, repoRoot, download } from './harness.mjs';

let server, browser;
const work = mkdtempSync(join(tmpdir(), 'segscope-value-'));
const segscope = (...args) => execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8' });

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  segscope('sample', '--out', work);
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('RFM grid on the sample equals segscope rfm, row for row', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#rfm-grid button.cell');
  assert.match(await page.textContent('#rfm-as-of-used'), /As of 2026-01-01 \(the day after the last transaction\)/);
  const cells = await page.$$eval('#rfm-grid button.cell', (bs) => bs.map((b) => ({ r: b.dataset.r, f: b.dataset.f, n: Number(b.querySelector('.count').textContent), seg: b.dataset.segment })));
  assert.equal(cells.length, 25);
  assert.equal(cells.find((c) => c.r === '5' && c.f === '5').seg, 'Champions');
  assert.equal(cells.find((c) => c.r === '1' && c.f === '1').seg, 'Hibernating');
  await page.locator('section.value').screenshot({ path: join(artifactsDir, 'rfm.png') });

  // The per-customer CSV equals the command line's on the same transactions file.
  const csv = (await download(page, '#rfm-download-csv')).bytes.toString('utf8');
  segscope('rfm', '--transactions', join(work, 'transactions.csv'), '--output', join(work, 'rfm.csv'));
  const cli = readFileSync(join(work, 'rfm.csv'), 'utf8').trim().split('\n');
  const app = new Set(csv.trim().split('\n'));
  for (const line of cli) assert.ok(app.has(line), `missing from the app's RFM: ${line}`);
  const extra = [...app].filter((l) => !cli.includes(l));
  assert.ok(extra.every((l) => l.endsWith(',0,0.00,,,,No purchases')), 'customers without transactions are "No purchases"');
  assert.equal(cells.reduce((n, c) => n + c.n, 0), cli.length - 1, 'the grid holds every scored customer');

  // Clicking a cell shows its customers; painting moves it to another segment.
  await page.click('#rfm-grid button.cell[data-r="5"][data-f="5"]');
  await page.waitForSelector('#rfm-preview tbody tr');
  const paint = await page.$eval('#rfm-paint', (s) => [...s.options].find((o) => o.text.includes('Loyal')).value);
  await page.selectOption('#rfm-paint', paint);
  await page.click('#rfm-grid button.cell[data-r="5"][data-f="5"]');
  await page.waitForSelector('#rfm-grid button.cell[data-r="5"][data-f="5"][data-segment="Loyal"]');
  // Equal-count bins: every R score holds about a fifth of the scored customers.
  await page.selectOption('#rfm-method', 'quantile');
  await page.waitForFunction(() => /equal-count bins/.test(document.querySelector('#rfm-as-of-used')?.textContent ?? ''));
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('every control on the full workspace has an accessible name', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#rfm-grid button.cell');
  // Bring up the rule builder's controls too: a template fills every kind of editor.
  const label = await page.$eval('#rules-template', (s) => [...s.options].find((o) => o.text.startsWith('Life stage')).value);
  await page.selectOption('#rules-template', label);
  await page.waitForSelector('li.segment-card');
  await page.click('.derived summary');
  await page.click('#add-derived');
  await page.waitForSelector('#derived-kind-0');
  const unnamed = await page.evaluate(() => {
    const named = (el) => {
      if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title')) return true;
      if (el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.textContent.trim())) return true;
      if ((el.tagName === 'BUTTON' || el.tagName === 'SUMMARY') && el.textContent.trim()) return true;
      return false;
    };
    return [...document.querySelectorAll('input, select, button, textarea')].filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
  });
  assert.deepEqual(unnamed, [], 'controls without a label');
  // Keyboard: Tab reaches the first control and Enter on "Add segment" adds one.
  const before = await page.locator('li.segment-card').count();
  await page.focus('#add-segment');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('li.segment-card').length === n + 1, before);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
