// Other file formats read like their CSV twin (fixtures made by crates/engine/tests/data/make_formats.py):
// a .csv.gz, and an .xlsx whose second sheet `Orders` holds the rows with dates stored as Excel serials.
// Each is opened, split by `channel`, and its segment counts compared with the CSV's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, goTo, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

const data = join(repoRoot, 'crates', 'engine', 'tests', 'data');

useSite();

/** The CSV twin's rows per channel. */
function expectedCounts() {
  const rows = parseCsv(readFileSync(join(data, 'transactions.csv'), 'utf8')).slice(1).filter((r) => r.length > 1);
  const counts = {};
  for (const r of rows) counts[r[3]] = (counts[r[3]] ?? 0) + 1;
  return counts;
}

/** Splits the open dataset by `channel` and returns the segment table as {name: count}. */
async function splitByChannel(page) {
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'channel');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const rows = await page.$$eval('#segment-table tbody tr', (trs) =>
    trs.map((r) => [r.cells[0].textContent, Number(r.cells[1].textContent)]));
  return Object.fromEntries(rows);
}

test('a .csv.gz opens and splits like its CSV twin', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', join(data, 'transactions.csv.gz'));
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  assert.equal(await page.textContent('#dataset-summary'), '60 rows × 4 columns');
  assert.match(await page.textContent('#import-format'), /gzip-compressed CSV/);
  assert.deepEqual(await splitByChannel(page), expectedCounts());
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('an .xlsx opens on its first sheet, the sheet picker reads the second, and it splits like the CSV', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', join(data, 'transactions.xlsx'));
  await page.waitForSelector('#import-sheet');
  assert.equal(await page.textContent('#dataset-summary'), '2 rows × 3 columns');
  assert.deepEqual(await page.$$eval('#import-sheet option', (os) => os.map((o) => o.value)), ['Summary', 'Orders']);
  await page.selectOption('#import-sheet', 'Orders');
  await page.waitForFunction(() => document.querySelector('#dataset-summary')?.textContent === '60 rows × 4 columns');
  assert.equal(await page.textContent('#import-sheet-read'), 'Orders');
  // The delimiter and encoding are those of Segscope's converted text, not a choice the user made.
  assert.match(await page.textContent('#import-delimiter'), /\(the converted text\)/);
  assert.equal(await page.$eval('select.type-select[data-column="order_date"]', (s) => s.value), 'date');
  assert.equal(await page.textContent('#preview tbody tr:first-child td:nth-child(3)'), '2024-06-06', 'serials as dates');
  await page.screenshot({ path: join(artifactsDir, 'formats-xlsx.png'), fullPage: true });
  assert.deepEqual(await splitByChannel(page), expectedCounts());
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('a Parquet file is refused in the page with what to do, as customers or transactions, and the open data stays', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', join(data, 'transactions.csv'));
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  const refused = async (input) => {
    await page.setInputFiles(input, join(data, 'transactions.parquet'));
    await page.waitForSelector('#error');
    const message = await page.textContent('#error');
    await page.screenshot({ path: join(artifactsDir, `parquet-refused-${input.slice(1)}.png`) });
    assert.match(message, /transactions\.parquet: this is a Parquet file, which the page does not read/);
    assert.match(message, /command-line tool, `segscope`, which reads Parquet/);
    assert.equal(await page.textContent('#dataset-summary'), '60 rows × 4 columns');
    await page.click('#error button');
    await page.waitForSelector('#error', { state: 'detached' });
  };
  await refused('#file-input-again');
  await refused('#transactions-input');
  rec.assertNoForeignRequests();
  await rec.close();
});
