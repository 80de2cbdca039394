// Segmentations as a person uses them: make a split, rule segments and RFM in their workspaces; all three are
// listed in Segmentations; rename one; make each current in turn and download its CSV + manifest (and its
// definition and SQL where it has them); change a column type and see each made again or marked stale (the Split
// workspace shows its split made again); and the workspaces have URLs (reload, back and forward land where they should).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, download, downloads, goTo, unzip, ruleTemplate, splitBy, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

useSite();

const row = (kind) => `#segmentations-table tbody tr[data-kind="${kind}"]`;

test('split, rules and RFM in one list: rename, make current, download each, stale after a type change', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  // RFM is scored as soon as the sample's transactions arrive: let it finish first, so the order is known.
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await splitBy(page, 'region');
  await ruleTemplate(page, 'Life stage');

  await goTo(page, 'segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');

  await goTo(page, 'segmentations');
  await page.waitForFunction(() => document.querySelectorAll('#segmentations-table tbody tr').length === 3);
  const kinds = await page.$$eval('#segmentations-table tbody tr', (rows) => rows.map((r) => r.dataset.kind));
  assert.deepEqual(kinds, ['rfm', 'split', 'rules'], 'in the order made');
  await page.screenshot({ path: join(artifactsDir, 'segmentations.png'), fullPage: true });

  // Rename the rule segments.
  await page.fill(`${row('rules')} .segmentation-name`, 'Lifestyle Q1');
  await page.dispatchEvent(`${row('rules')} .segmentation-name`, 'change');
  await page.waitForFunction((sel) => document.querySelector(sel)?.value === 'Lifestyle Q1' && !document.querySelector('#busy'), `${row('rules')} .segmentation-name`);

  // Each in turn: make it current, download its CSV with the manifest, and its definition and SQL where it has them.
  for (const kind of ['split', 'rules', 'rfm']) {
    await page.click(`${row(kind)} .make-current`);
    await page.waitForSelector(`${row(kind)}.current`);
    const files = await downloads(page, `${row(kind)} .download-csv`, (names) => names.length === 2);
    const csv = files.find((f) => f.name.endsWith('.csv'));
    const manifest = JSON.parse(files.find((f) => f.name === `${csv.name}.manifest.json`).bytes.toString('utf8'));
    const rows = parseCsv(csv.bytes.toString('utf8'));
    assert.equal(rows.length, 5001, `${kind}: every customer`);
    assert.equal(rows[0].at(-1), 'segment');
    assert.equal(manifest.output_file, csv.name);
    assert.equal(manifest.segments.reduce((n, s) => n + s.count, 0), 5000, `${kind}: the manifest counts everyone`);
    if (kind === 'rules') assert.match(csv.name, /lifestyle-q1\.csv$/, 'named after the segmentation');
    // The zip for campaign tools: a CSV per segment, together every customer's row as in the CSV, the manifest inside.
    const [zip] = await downloads(page, `${row(kind)} .download-zip`, (names) => names.length === 1);
    assert.match(zip.name, /\.zip$/);
    const entries = unzip(zip.bytes);
    assert.ok(Object.keys(entries).some((n) => n.endsWith('.manifest.json')), `${kind}: the manifest is in the zip`);
    const perSegment = Object.entries(entries).filter(([n]) => n.endsWith('.csv'));
    assert.equal(perSegment.length, manifest.segments.length, `${kind}: a file per segment`);
    const whole = new Set(csv.bytes.toString('utf8').split(/\r?\n/).slice(1));
    let count = 0;
    for (const [name, text] of perSegment) {
      const lines = text.split(/\r?\n/).filter((l) => l !== '');
      assert.equal(lines[0], csv.bytes.toString('utf8').split(/\r?\n/)[0], `${name}: the same header`);
      for (const l of lines.slice(1)) assert.ok(whole.has(l), `${name}: a row as the CSV has it`);
      count += lines.length - 1;
    }
    assert.equal(count, 5000, `${kind}: every customer once`);
    if (kind === 'split') {
      assert.equal(await page.locator(`${row(kind)} .download-definition`).count(), 0, 'a split has no definition');
      continue;
    }
    const definition = await download(page, `${row(kind)} .download-definition`, '.segments.json');
    const parsed = JSON.parse(definition.bytes.toString('utf8'));
    assert.equal(parsed.format, kind === 'rules' ? 'segscope.segments/1' : 'segscope.rfm/1');
    await page.selectOption('#segmentations-dialect', 'postgres');
    const sql = await download(page, `${row(kind)} .download-sql`, '.postgres.sql');
    assert.match(sql.name, /\.postgres\.sql$/);
    assert.match(sql.bytes.toString('utf8'), /SELECT/i);
  }

  // Read `age` as text: the rules compare it as a number, so they go stale with the reason; the others are made again.
  await goTo(page, 'data');
  await page.selectOption('select.type-select[data-column="age"]', 'text');
  await page.waitForSelector('article[data-column="age"] .badge');
  await goTo(page, 'segmentations');
  await page.waitForSelector(`${row('rules')}.stale`);
  // The re-read marks it stale with its reason; the Rules workspace's own recount of the new data (debounced, so it
  // may land before or after this check) restates it as the rules' problems. Either names `age`.
  assert.match(
    await page.textContent(`${row('rules')} .stale-reason`),
    /(The data was read again, and it could not be made again|the rules have \d+ problem\(s\), the first): .*age/,
  );
  assert.equal(await page.locator(`${row('split')}.stale`).count(), 0);
  assert.equal(await page.locator(`${row('rfm')}.stale`).count(), 0);
  assert.ok(await page.isDisabled(`${row('rules')} .download-csv`), 'a stale segmentation cannot be downloaded');
  // The Split workspace shows the split the engine made again on the re-read data, without running it again.
  await goTo(page, 'segment/split');
  await page.waitForSelector('#workspace-segment-split #split-result-title');
  assert.match(await page.textContent('#split-result-title'), /^Split by region/);
  assert.ok((await page.locator('#segment-table tbody tr').count()) > 1, 'its segments are listed');
  assert.equal(await page.locator('#split-stale').count(), 0, 'it is not stale');

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('workspaces have URLs: reload lands on #/segment/rfm, back and forward move between workspaces', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rfm');
  await page.waitForSelector('#rfm-grid button.cell');
  await page.reload();
  await page.waitForSelector('#workspace-segment-rfm:not(.hidden) #rfm-grid button.cell');
  assert.equal(await page.getAttribute('#nav-segment-rfm', 'aria-current'), 'page');
  await goTo(page, 'value/clv');
  await page.goBack();
  await page.waitForSelector('#workspace-segment-rfm:not(.hidden)');
  await page.goForward();
  await page.waitForSelector('#workspace-value-clv:not(.hidden)');
  assert.ok(page.url().endsWith('?sample#/value/clv'), page.url());
  await page.screenshot({ path: join(artifactsDir, 'shell-clv.png') });
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
