// The Value workspace: RFM on the sample, read the grid, paint a cell, see a cell's customers, and
// download the per-customer RFM CSV and compare it with `segscope rfm` on the same file, row for row; numbers typed
// wrong in CLV, RFM and split get the engine's sentence with the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, download, goTo, scratchDir, useSite, server, browser } from './harness.mjs';

const work = scratchDir('value');
const segscope = (...args) => execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8' });

useSite(async () => {
  segscope('sample', '--out', work);
});

test('RFM grid on the sample equals segscope rfm, row for row', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');
  assert.match(await page.textContent('#rfm-as-of-used'), /As of 2026-01-01 \(the day after the last transaction\)/);
  const cells = await page.$$eval('#rfm-grid button.cell', (bs) => bs.map((b) => ({ r: b.dataset.r, f: b.dataset.f, n: Number(b.querySelector('.count').textContent), seg: b.dataset.segment })));
  assert.equal(cells.length, 25);
  assert.equal(cells.find((c) => c.r === '5' && c.f === '5').seg, 'Champions');
  assert.equal(cells.find((c) => c.r === '1' && c.f === '1').seg, 'Hibernating');
  await page.locator('section[aria-labelledby="value-title"]').screenshot({ path: join(artifactsDir, 'rfm.png') });

  // The per-customer CSV equals the command line's on the same transactions file.
  const csv = (await download(page, '#rfm-download-csv', '.csv')).bytes.toString('utf8');
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
  // A segment that also uses M: the best spenders of the top cell.
  const champions = () => page.$$eval('#rfm-segments tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.querySelector('input.rfm-name')?.value ?? r.cells[0].textContent, Number(r.cells[1].textContent)])));
  await page.selectOption('#rfm-paint', '');
  const before = await champions();
  await page.click('#rfm-add-m-segment');
  await page.waitForSelector('#rfm-m-0');
  const big = await page.$eval('#rfm-paint', (s) => [...s.options].find((o) => o.text.includes('Big spenders')).value);
  await page.selectOption('#rfm-paint', big);
  await page.click('#rfm-grid button.cell[data-r="5"][data-f="4"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#rfm-segments tbody tr')].some((r) => r.querySelector('input.rfm-name')?.value === 'Big spenders' && Number(r.cells[1].textContent) > 0));
  const after = await champions();
  assert.equal(after['Champions'] + after['Big spenders'], before['Champions'], 'the M segment takes its customers from the cell\'s owner');
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
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
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

test('CLV: fit on the sample with a holdout check, and the CSV agrees with segscope clv', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/value/clv');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await page.fill('#clv-calibration', '2025-06-30');
  await page.dispatchEvent('#clv-calibration', 'change');
  await page.click('#clv-fit');
  await page.waitForSelector('#clv-fit-summary');
  assert.match(await page.textContent('#clv-fit-summary'), /BG\/NBD r = .*Gamma-Gamma p = .*Calibration to 2025-06-30, data to 2025-12-31/);
  assert.equal(await page.locator('#clv-top tbody tr').count(), 20);
  const bySegment = Object.fromEntries(await page.$$eval('#clv-by-segment tbody tr', (rows) => rows.map((r) => [r.cells[0].textContent, Number(r.cells[2].textContent)])));
  assert.ok(bySegment['Champions'] > 3 * bySegment['Hibernating'], JSON.stringify(bySegment));
  const inked = await page.$eval('#clv-calibration-chart', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 2] < 200) n++;
    return n;
  });
  assert.ok(inked > 500, 'the holdout chart has drawn');
  await page.locator('section[aria-labelledby="clv-title"]').screenshot({ path: join(artifactsDir, 'clv.png') });

  const [csvFile] = await Promise.all([page.waitForEvent('download'), page.click('#clv-download')]);
  const app = readFileSync(await csvFile.path(), 'utf8').trim().split('\n');
  segscope('clv', '--transactions', join(work, 'transactions.csv'), '--calibration-end', '2025-06-30', '--output', join(work, 'clv.csv'));
  const cli = readFileSync(join(work, 'clv.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(app[0], cli[0]);
  const byKey = new Map(app.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
  for (const line of cli.slice(1)) {
    const want = line.split(',');
    const got = byKey.get(want[0]);
    assert.ok(got, `customer ${want[0]} missing from the app's CLV`);
    for (let i = 1; i < want.length; i++) {
      const [a, b] = [Number(got[i]), Number(want[i])];
      assert.ok(got[i] === want[i] || Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `customer ${want[0]} column ${cli[0].split(',')[i]}: app ${got[i]}, CLI ${want[i]}`);
    }
  }
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('a saved RFM segmentation opens again with its settings and map', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');
  await page.selectOption('#rfm-bins', '4');
  await page.waitForFunction(() => document.querySelectorAll('#rfm-grid button.cell').length === 16);
  await page.fill('#rfm-name-0', 'Best of all');
  await page.dispatchEvent('#rfm-name-0', 'change');
  await page.waitForSelector('#rfm-grid button.cell[data-segment="Best of all"]');
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.click('#rfm-download-definition');
  for (let i = 0; i < 50 && downloads.length < 3; i++) await page.waitForTimeout(100);
  assert.equal(downloads.length, 3, 'the segment map, its SQL and their manifest');
  const files = await Promise.all(downloads.map(async (d) => ({ name: d.suggestedFilename(), path: await d.path() })));
  assert.ok(files.some((f) => f.name.endsWith('.manifest.json')), files.map((f) => f.name).join(', '));
  const defFile = files.find((f) => f.name.endsWith('.segments.json'));
  const sqlFile = files.find((f) => f.name.endsWith('.sql'));
  const def = JSON.parse(readFileSync(defFile.path, 'utf8'));
  assert.equal(def.format, 'segscope.rfm/1');
  assert.equal(def.params.bins, 4);
  assert.match(readFileSync(sqlFile.path, 'utf8'), /Best of all/);
  await page.goto(server.url + '?sample#/segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');
  await page.setInputFiles('#rfm-open', defFile.path);
  await page.waitForSelector('#rfm-grid button.cell[data-segment="Best of all"]');
  assert.equal(await page.$eval('#rfm-bins', (s) => s.value), '4');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('CDNOW: a transactions file alone gives the reference RFM and the lifetimes BG/NBD fit', async () => {
  const cdnow = join(repoRoot, 'crates/engine/tests/data/cdnow');
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', join(cdnow, 'cdnow_sample.csv'));
  await page.locator('section[aria-labelledby="transactions-title"]').screenshot({ path: join(artifactsDir, 'cdnow-transactions.png') });
  await page.click('#use-as-transactions');
  await goTo(page, 'segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');
  assert.match(await page.textContent('#rfm-as-of-used'), /As of 1998-07-01/);
  // RFM equals the pandas computation of the stated rules (make_expected.py), byte for byte.
  const csv = (await download(page, '#rfm-download-csv', '.csv')).bytes.toString('utf8');
  assert.equal(csv, readFileSync(join(cdnow, 'rfm_expected_rank.csv'), 'utf8'));

  // BG/NBD on the 39-week calibration agrees with lifetimes 0.11.3 fitted on the same purchases (positive amounts;
  // make_clv_transactions_expected.py) to 4 significant figures.
  await goTo(page, 'value/clv');
  await page.fill('#clv-calibration', '1997-09-30');
  await page.dispatchEvent('#clv-calibration', 'change');
  await page.click('#clv-fit');
  await page.waitForSelector('#clv-fit-summary');
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.click('#clv-download');
  for (let i = 0; i < 50 && downloads.length < 3; i++) await page.waitForTimeout(100);
  const files = await Promise.all(downloads.map(async (d) => ({ name: d.suggestedFilename(), path: await d.path() })));
  assert.ok(files.some((f) => f.name.endsWith('.csv.manifest.json')), files.map((f) => f.name).join(', '));
  const params = JSON.parse(readFileSync(files.find((f) => f.name.endsWith('.params.json')).path, 'utf8'));
  const expected = JSON.parse(readFileSync(join(cdnow, 'clv_transactions_expected.json'), 'utf8'));
  for (const k of ['r', 'alpha', 'a', 'b']) {
    const [got, want] = [params.bgnbd.params[k], expected.bgnbd[k]];
    assert.ok(Math.abs(got - want) <= 1e-4 * Math.abs(want), `BG/NBD ${k}: app ${got}, lifetimes ${want}`);
  }
  assert.equal(readFileSync(files.find((f) => f.name.endsWith('.csv')).path, 'utf8').trim().split('\n').length, 2358);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

// What a person types in a number field goes to the engine as typed; the engine's check answers, and its sentence
// (with the allowed range) is what the status panel shows. The page reads no number itself.
test('typed settings: the engine says what is wrong with a number, with its range', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  const error = async (sentence) => {
    await page.waitForFunction((s) => document.querySelector('#error p')?.textContent === s, sentence);
  };
  const type = async (selector, text) => {
    await page.fill(selector, text);
    await page.dispatchEvent(selector, 'change');
  };
  await page.goto(server.url + '?sample#/value/clv');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  assert.equal(await page.inputValue('#clv-horizon'), '12');
  assert.equal(await page.inputValue('#clv-discount'), '1%');

  // CLV: a horizon that is not a number, then one out of range.
  await type('#clv-horizon', 'abc');
  await page.click('#clv-fit');
  await error('CLV settings: the horizon in months must be a whole number from 1 to 120 (got `abc`).');
  await type('#clv-horizon', '0');
  await page.click('#clv-fit');
  await error('CLV settings: the horizon in months must be a whole number from 1 to 120 (got `0`).');
  await type('#clv-horizon', '6');
  await type('#clv-discount', '150%');
  await page.click('#clv-fit');
  await error('CLV settings: the monthly discount rate must be a number at least 0 and below 1, as a fraction or a percentage (0% to 100%) (got `150%`).');
  // Fixed: a percentage and a fraction both read; the fit runs and the error goes.
  await type('#clv-discount', '2%');
  await type('#clv-margin', '0.3');
  await page.click('#clv-fit');
  await page.waitForSelector('#clv-fit-summary');
  assert.match(await page.textContent('#clv-fit-summary'), /Total predicted value over 6 months/);
  await page.waitForSelector('#error', { state: 'detached' });

  // RFM: a threshold list with an item that is not a number.
  await goTo(page, 'segment/rfm');
  await page.selectOption('#rfm-method', 'thresholds');
  await page.waitForSelector('#rfm-r-cuts');
  await type('#rfm-r-cuts', '30,x,90');
  await error('RFM settings: the recency thresholds must be numbers separated by commas such as 30, 90, 180 (got `x`).');
  // Four ascending cuts for five bins: scored again, the error goes.
  await type('#rfm-r-cuts', '30, 90, 180, 365');
  await page.waitForFunction(() => /your cut points/.test(document.querySelector('#rfm-as-of-used')?.textContent ?? ''));
  await page.waitForSelector('#error', { state: 'detached' });
  // An M score outside the grid.
  await page.click('#rfm-add-m-segment');
  await page.waitForSelector('#rfm-m-0');
  await type('#rfm-m-0', '4, 9');
  await error('the RFM segment map: the M scores of “Big spenders” must be whole numbers from 1 to 5 separated by commas (got `9`).');

  // Split: bands typed as a word.
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'age');
  await type('#split-bands', 'four');
  await page.click('#run-split');
  await error('Cannot split: the number of bands must be a whole number from 2 to 20 (got `four`).');

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('?sample=0 gets the engine\'s sentence for the sample size', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample=0');
  await page.waitForSelector('#error');
  assert.equal(await page.textContent('#error p'), 'the number of customers must be a whole number from 1 to 50,000,000 (got `0`).');
  assert.equal(await page.locator('#try-sample').count(), 1, 'the landing view stays, with the sample one click away');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
