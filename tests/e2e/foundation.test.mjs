// The foundation slice as a person uses it: open a file, see how it was read, change a type, split by a
// column, look at the chart, download the data with segments; plus the sample data and a bad file.
// Every request of the session must stay on the page's own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newRecordedPage, artifactsDir, repoRoot, download, goTo } from './harness.mjs';
import { parseCsv } from './csv.mjs';

const fixture = join(repoRoot, 'tests', 'e2e', 'fixtures', 'customers.csv');
let server, browser;

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  server = await startServer(); // dist/ under /tools/segscope/: a sub-path, as on an intranet
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Non-white pixels drawn on a canvas. */
async function inkedPixels(page, selector) {
  return page.$eval(selector, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
    return n;
  });
}

test('open a file, read its types, split it, chart it and download it with segments', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  await page.screenshot({ path: join(artifactsDir, 'landing.png'), fullPage: true });

  await page.setInputFiles('#file-input', fixture);
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  assert.equal(await page.textContent('#dataset-summary'), '40 rows × 6 columns');
  const diagnostics = await page.textContent('#diagnostics');
  assert.match(diagnostics, /utf-8/);
  assert.match(diagnostics, /CRLF/);
  assert.equal(await page.locator('#preview tbody tr').count(), 20);
  assert.equal(await page.textContent('#preview tbody tr:first-child td:nth-child(2)'), '00001', 'ids keep leading zeros');
  const type = (col) => page.$eval(`select.type-select[data-column="${col}"]`, (s) => s.value);
  assert.equal(await type('customer_id'), 'text');
  assert.equal(await type('age'), 'integer');
  assert.equal(await type('country'), 'categorical');
  assert.equal(await type('spend'), 'decimal');
  assert.equal(await type('signup'), 'date');
  assert.match(await page.textContent('article[data-column="signup"]'), /day-first dates/);

  // Change a type: the file is read again and the choice sticks.
  await page.selectOption('select.type-select[data-column="age"]', 'decimal');
  await page.waitForSelector('article[data-column="age"] .badge');
  assert.equal(await type('age'), 'decimal');

  // Per-column missing-value tokens: "Bob" becomes missing in `name` only.
  await page.click('article[data-column="name"] .column-missing summary');
  await page.fill('article[data-column="name"] .column-missing input', 'NA, Bob');
  await page.press('article[data-column="name"] .column-missing input', 'Enter');
  await page.waitForFunction(() => document.querySelector('article[data-column="name"] .stats dd')?.textContent === '9 of 40');
  assert.equal(await type('age'), 'decimal', 'earlier choices are kept');

  // Split by a category.
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'country');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const segments = await page.$$eval('#segment-table tbody tr', (rows) =>
    rows.map((r) => [r.cells[0].textContent, Number(r.cells[1].textContent)]));
  const source = parseCsv(readFileSync(fixture, 'utf8'));
  const countries = source.slice(1).map((r) => r[3]);
  assert.equal(segments.length, new Set(countries).size);
  for (const [name, count] of segments) assert.equal(count, countries.filter((c) => c === name).length, name);
  assert.ok((await inkedPixels(page, '#segment-chart')) > 2000, 'the chart has drawn bars');

  // Click a segment: the preview shows only its customers.
  await page.click('#segment-table tbody tr:first-child button');
  await page.waitForSelector('#segment-preview tbody tr');
  const shown = await page.$$eval('#segment-preview tbody tr', (rows) => rows.map((r) => r.cells[4].textContent));
  assert.ok(shown.length > 0 && shown.every((c) => c === segments[0][0]));
  await page.screenshot({ path: join(artifactsDir, 'split-by-country.png'), fullPage: true });

  // Download: every input row, original values untouched, plus the segment column.
  const csv = await download(page, '#download-csv');
  assert.equal(csv.name, 'customers-segments.csv');
  const out = parseCsv(csv.bytes.toString('utf8'));
  assert.equal(out.length, source.length, 'same number of records');
  assert.deepEqual(out[0], [...source[0], 'segment']);
  for (let i = 1; i < source.length; i++) assert.deepEqual(out[i], [...source[i], source[i][3]]);
  const original = readFileSync(fixture);
  assert.equal(csv.bytes.length, original.length + out.slice(1).reduce((n, r) => n + 1 + r.at(-1).length, 0) + ',segment'.length);
  const manifest = await download(page, '#download-manifest');
  const m = JSON.parse(manifest.bytes.toString('utf8'));
  assert.equal(m.format, 'segscope.manifest/2');
  assert.equal(m.input.name, 'customers.csv');
  assert.match(m.input.sha256, /^[0-9a-f]{64}$/);
  assert.equal(m.segments.reduce((n, s) => n + s.count, 0), 40);

  // Split a number into quartile bands.
  await page.selectOption('#split-column', 'spend');
  await page.fill('#split-bands', '4');
  await page.click('#run-split');
  await page.waitForFunction(() => document.querySelector('#split-result-title')?.textContent.includes('spend'));
  assert.equal(await page.locator('#segment-table tbody tr').count(), 4);
  const banded = parseCsv((await download(page, '#download-csv')).bytes.toString('utf8'));
  const counts = {};
  for (const r of banded.slice(1)) counts[r.at(-1)] = (counts[r.at(-1)] ?? 0) + 1;
  assert.deepEqual(Object.values(counts), [10, 10, 10, 10], 'quartiles of 40 distinct values hold 10 each');

  // A bad file: a clear error, and the open data stays.
  await goTo(page, 'data');
  await page.setInputFiles('#file-input-again', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await page.waitForSelector('#error');
  assert.match(await page.textContent('#error'), /empty\.csv: the file is empty/);
  assert.equal(await page.textContent('#dataset-summary'), '40 rows × 6 columns');

  // Zero egress: every request was for one of the app's own build files.
  const own = new Set(['', ...readdirSync(join(repoRoot, 'dist'))].map((f) => new URL(f, server.url).pathname));
  const paths = rec.requests.filter((u) => u.startsWith('http')).map((u) => new URL(u).pathname);
  assert.ok(paths.every((p) => own.has(p)), `only build files requested: ${paths.join(', ')}`);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('the import view names a column\'s currency, month names and ignored UTC offsets; the preview keeps the text', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  await page.setInputFiles('#file-input', join(repoRoot, 'crates', 'engine', 'tests', 'data', 'retail_values.csv'));
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  const type = (col) => page.$eval(`select.type-select[data-column="${col}"]`, (s) => s.value);
  const notes = (col) => page.$$eval(`article[data-column="${col}"] .format-note`, (b) => b.map((e) => e.textContent));
  assert.equal(await type('price_usd'), 'decimal');
  assert.deepEqual(await notes('price_usd'), ['thousands separators', 'currency $']);
  assert.deepEqual(await notes('price_eur'), ['decimal comma', 'currency €']);
  assert.deepEqual(await notes('refund'), ['currency $', 'negatives in parentheses']);
  assert.equal(await type('ordered_on'), 'date');
  assert.deepEqual(await notes('ordered_on'), ['month names (15-Jan-2024)']);
  assert.equal(await type('ordered_at'), 'datetime');
  assert.deepEqual(await notes('ordered_at'), ['UTC offsets ignored: dates and times as written']);
  assert.equal(await page.textContent('#preview tbody tr:first-child td:nth-child(3)'), '$1,234.50', 'the preview shows the text as written');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('?sample opens the built-in sample data directly', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  assert.equal(await page.textContent('#dataset-summary'), '5000 rows × 16 columns');
  assert.equal(await page.$eval('select.type-select[data-column="signup_date"]', (s) => s.value), 'date');
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'life_stage');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  assert.equal(await page.locator('#segment-table tbody tr').count(), 5);
  await page.screenshot({ path: join(artifactsDir, 'sample-life-stage.png'), fullPage: true });
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('"Try the sample data" is one click from the landing view', async () => {
  const rec = await newRecordedPage(browser, server.url);
  await rec.page.goto(server.url);
  await rec.page.click('#try-sample');
  await rec.page.waitForSelector('#dataset-summary');
  assert.match(await rec.page.textContent('#dataset-summary'), /^5000 rows/);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('a panic shows a readable message instead of a dead page', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  await page.evaluate(() => { try { window.wasmBindings.segscope_selftest_panic(); } catch (_) { /* the trap */ } });
  await page.waitForSelector('#fatal');
  const text = await page.textContent('#fatal');
  assert.match(text, /internal error/);
  assert.match(text, /Your files were not changed and nothing was sent anywhere/);
  assert.match(text, /self-test panic/);
  await page.screenshot({ path: join(artifactsDir, 'panic.png') });
  rec.assertNoForeignRequests();
  await rec.close();
});
