// A customers file too large to open whole (issue #14): before reading it, the engine estimates the memory it would
// take from its size and first 4 MB; past what is left (here capped with `?memory=6`, 6 MB) the page says so, with
// what fits: only some columns (their sizes shown, the total updated as they are ticked), a seeded random sample of
// its rows (the same seed gives the same rows), or the command-line tool. Both ways open a dataset, read a part at a
// time from the browser's File.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, scratchDir, useSite, server, browser } from './harness.mjs';

const CUSTOMERS = 20_000;
const work = scratchDir('too-large');

useSite(async () => {
  execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', 'sample', '--out', work, '--customers', String(CUSTOMERS)], {
    cwd: repoRoot,
  });
});

test('a file too large for the memory left offers its columns or a seeded sample, and each opens', async () => {
  const customers = join(work, 'customers.csv');
  const ids = new Set(readFileSync(customers, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]));
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(`${server.url}?memory=6`);
  await page.setInputFiles('#file-input', customers);
  await page.waitForSelector('#too-large');
  assert.match(await page.textContent('#too-large-message'), /whole would need about [\d.]+ MB of memory; this browser tab has about 6\.0 MB left/);
  assert.match(await page.textContent('#too-large .commands'), /segscope inspect customers\.csv/);
  assert.equal(await page.$('#dataset-summary'), null, 'nothing was opened');
  assert.ok(await page.$eval('#open-columns', (b) => b.disabled), 'all columns do not fit');
  await page.screenshot({ path: join(artifactsDir, 'too-large.png') });

  // Keep three columns: the total shown drops below what is left and the button opens them.
  const labels = await page.$$eval('.keep-columns label', (ls) => ls.map((l) => l.textContent));
  const keep = ['customer_id', 'age', 'income'];
  for (const [i, label] of labels.entries()) {
    if (!keep.includes(label.split(' (')[0])) await page.uncheck(`#keep-column-${i}`);
  }
  assert.match(await page.textContent('#columns-need'), /need about \d\.\d MB of the 6\.0 MB left/);
  await page.click('#open-columns');
  await page.waitForSelector('#dataset-summary');
  assert.equal(await page.textContent('#dataset-summary'), `${CUSTOMERS} rows × 3 columns`);
  assert.equal(await page.textContent('#dataset-title'), 'customers (3 columns).csv');
  assert.equal(await page.$('#too-large'), null, 'the panel is gone once a dataset opens');

  // The same file again: a sample of 500 rows with seed 7, twice, gives the same rows, each a row of the file.
  const sampled = async () => {
    await page.setInputFiles('#file-input-again', customers);
    await page.waitForSelector('#too-large');
    await page.fill('#sample-rows', '500');
    await page.fill('#sample-seed', '7');
    await page.click('#open-sample');
    await page.waitForFunction(() => document.querySelector('#dataset-title')?.textContent?.includes('seed 7'));
    assert.equal(await page.textContent('#dataset-summary'), '500 rows × 16 columns');
    return page.$$eval('#preview tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  };
  const first = await sampled();
  await page.screenshot({ path: join(artifactsDir, 'too-large-sample.png') });
  assert.ok(first.length > 0);
  for (const row of first) assert.ok(row.some((cell) => ids.has(cell)), `${row} is a customer of the file`);
  assert.deepEqual(await sampled(), first, 'the same seed gives the same rows');

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
