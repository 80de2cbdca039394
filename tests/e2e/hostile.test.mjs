// The hostile-file corpus (tests/data/hostile, made by its make.py) in the page: each file opens or gives a message
// naming it within seconds, the page never dies, and afterwards it still works (the last good dataset stays; the sample
// opens and splits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, goTo, useSite, server, browser } from './harness.mjs';

const corpus = join(artifactsDir, 'hostile');

useSite(async () => {
  execFileSync('python3', [join(repoRoot, 'tests', 'data', 'hostile', 'make.py'), corpus]);
});

// Each file, and what the page must show: the dataset's size, or an error naming the file with these words.
const cases = [
  ['binary_renamed.csv', { error: /this is a PNG image, not a CSV/ }],
  ['utf16le_no_bom.csv', { summary: '3 rows × 3 columns' }],
  ['only_header.csv', { error: /no data rows/ }],
  ['only_newlines.csv', { error: /the file is empty/ }],
  ['empty.csv', { error: /the file is empty/ }],
  ['mixed_line_endings.csv', { summary: '4 rows × 3 columns' }],
  ['nul_bytes.csv', { error: /NUL bytes/ }],
  ['not_a_zip.xlsx', { error: /named \.xlsx but it is not an Excel workbook/ }],
  ['damaged_cell_reference.xlsx', { error: /a cell reference past Excel's last cell/ }],
  ['extreme_transactions.csv', { summary: '8 rows × 3 columns' }],
  ['one_day_transactions.csv', { summary: '5000 rows × 3 columns' }],
  ['ten_mb_field.csv', { summary: '2 rows × 2 columns' }],
  ['bomb.csv.gz', { error: /expands more than 300-fold/ }],
  ['bomb.xlsx', { error: /expands more than 300-fold.*save the sheet as CSV/ }],
  ['far_cell.ods', { error: /the sheet `Data` spans 1048576 rows × 16384 columns \(out to cell XFD1048576\)/ }],
  ['repeated_cells.ods', { error: /the sheet `Data` spans 20003 rows × 16384 columns/ }],
  ['far_cell.xls', { error: /its sheet `Data` spans 65536 rows × 65536 columns \(out to cell CRXP65536\), more than an Excel 97-2003 sheet holds/ }],
  ['sheet_past_the_end.xls', { error: /is said to start at byte 2147483632 of the workbook's data, past its end/ }],
  ['wrapped_dimensions.xls', { error: /\(its Dimensions record\)/ }],
  ['damaged_name.xls', { error: /a record of type 0x0018 is 6 bytes long, too short for what it holds/ }],
  // Past what Segscope checks, calamine's reader panics: the engine restarts with the session as it was.
  ['damaged_strings.xls', { error: /its table of shared strings ends inside a string/ }],
  ['damaged_merged_cells.xls', { error: /lists merged cells past the end of its record/ }],
  ['damaged_formula.xls', { error: /reader stopped on something in this file it could not handle, so the file was not opened; your data and results are as they were before/ }],
  ['small_customers.xls', { summary: '2 rows × 2 columns' }],
  // Last: with one of them open the page takes the next file more slowly. Every list of columns puts at most 200 in the
  // page (a search finds the others), so 100,000 columns open in about 4 s here (15-58 s when every menu listed them).
  ['far_cell.xlsx', { summary: '3 rows × 16384 columns', limit: 20_000 }],
  ['fifty_thousand_same_name.csv', { summary: '1 rows × 50000 columns', limit: 20_000 }],
  ['hundred_thousand_columns.csv', { summary: '1 rows × 100000 columns', limit: 20_000 }],
];

test('every hostile file opens or is refused with a sentence, and the page stays usable', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  let opened = false;
  for (const [name, expected] of cases) {
    const started = Date.now();
    const input = opened ? '#file-input-again' : '#file-input';
    if (opened) await goTo(page, 'data');
    await page.setInputFiles(input, join(corpus, name));
    if (expected.error) {
      // Each file has its own name: the error shown is this file's once it names it.
      await page.waitForFunction((n) => document.querySelector('#error')?.textContent.includes(n), name, { timeout: 60_000 });
      assert.match(await page.textContent('#error'), expected.error, name);
    } else {
      await page.waitForFunction(
        ([n, want]) =>
          document.querySelector('.nav-data')?.textContent.startsWith(`${n}:`) &&
          document.querySelector('#dataset-summary')?.textContent === want,
        [name, expected.summary],
        { timeout: expected.limit ?? 60_000 },
      );
      opened = true;
    }
    const took = Date.now() - started;
    console.log(`${name}: ${took} ms`);
    assert.ok(took < (expected.limit ?? 30_000), `${name} took ${took} ms`);
  }
  await page.screenshot({ path: join(artifactsDir, 'hostile-last.png') });
  // With 100,000 columns open, every list of columns puts at most 200 in the page, and a search finds the others.
  const listed = await page.evaluate(() => document.querySelectorAll('option, #columns article').length);
  assert.ok(listed < 5_000, `${listed} options and column cards in the page`);
  await page.fill('#columns-find', 'c77777');
  await page.waitForFunction(() => [...document.querySelectorAll('#columns article h3')].some((h) => h.textContent.includes('c77777')));
  await goTo(page, 'segment/split');
  assert.equal(await page.locator('#split-column option').count(), 201, 'the placeholder and the first 200 columns');
  await page.fill('#split-column-find', 'c99999');
  await page.waitForFunction(() => [...document.querySelectorAll('#split-column option')].some((o) => o.value === 'c99999'));
  await page.selectOption('#split-column', 'c99999');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  await page.fill('#split-column-find', '');
  assert.equal(await page.inputValue('#split-column'), 'c99999', 'the chosen column stays listed and chosen');
  // Still usable: the sample opens and splits.
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  rec.assertNoForeignRequests();
  await rec.close();
});
