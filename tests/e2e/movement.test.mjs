// Movement against another file of the same customers: the sample split by urbanicity, compared with an "earlier"
// export written here (some customers moved, some gone, the rest new): the segmentation is made again on that file,
// customers matched by customer_id, and the matrix on the page equals the one computed here from both files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, download, goTo, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

useSite();

const quote = (v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

test('a segmentation compared with another file of the same customers, matched by key', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.selectOption('#split-column', 'urbanicity');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const [header, ...rows] = parseCsv((await download(page, '#download-csv')).bytes.toString('utf8')).filter((r) => r.length > 1);
  const id = header.indexOf('customer_id');
  const urb = header.indexOf('urbanicity');
  const columns = header.length - 1; // the segment column the download added

  // The earlier export: the first 4,000 customers (a tenth of them in another area then), and 100 since gone.
  const areas = ['Urban', 'Suburban', 'Rural'];
  const earlier = rows.slice(0, 4000).map((r, i) => {
    const copy = r.slice(0, columns);
    if (i % 10 === 0) copy[urb] = areas[(areas.indexOf(copy[urb]) + 1) % 3];
    return copy;
  });
  for (let i = 0; i < 100; i++) {
    const copy = rows[i].slice(0, columns);
    copy[id] = `GONE${i}`;
    earlier.push(copy);
  }
  const file = join(artifactsDir, 'customers-earlier.csv');
  writeFileSync(file, [header.slice(0, columns), ...earlier].map((r) => r.map(quote).join(',')).join('\n') + '\n');

  // Expected: earlier area → area now; New (in this data only) → area now; earlier area → Gone.
  const now = new Map(rows.map((r) => [r[id], r[urb]]));
  const then = new Map(earlier.map((r) => [r[id], r[urb]]));
  const expected = {};
  const add = (from, to) => {
    expected[from] ??= {};
    expected[from][to] = (expected[from][to] ?? 0) + 1;
  };
  for (const [key, area] of then) add(area, now.get(key) ?? 'Gone');
  for (const [key, area] of now) if (!then.has(key)) add('New', area);

  await goTo(page, 'profiles');
  await page.waitForSelector('#movement-file-segmentation option', { state: 'attached' });
  const split = await page.$$eval('#movement-file-segmentation option', (os) => os.find((o) => /urbanicity/i.test(o.textContent)).value);
  await page.selectOption('#movement-file-segmentation', split);
  assert.equal(await page.inputValue('#movement-file-key'), 'customer_id', 'the key is guessed');
  assert.equal(await page.inputValue('#movement-file-when'), 'earlier');
  await page.setInputFiles('#movement-file', file);
  await page.waitForSelector('#movement-table tbody tr');
  const shown = await page.$$eval('#movement-table', ([t]) => {
    const heads = [...t.querySelectorAll('thead th')].slice(1).map((th) => th.textContent);
    const out = {};
    for (const tr of t.querySelectorAll('tbody tr')) {
      const from = tr.querySelector('th').textContent;
      out[from] = {};
      [...tr.querySelectorAll('td')].forEach((td, j) => {
        const n = Number(td.textContent.replaceAll(',', ''));
        if (n > 0) out[from][heads[j]] = n;
      });
    }
    return out;
  });
  assert.deepEqual(shown, expected);
  assert.match(await page.textContent('#movement-table thead th'), /customers-earlier\.csv ↓ \/ sample-customers\.csv →/);
  await page.locator('#movement-table').screenshot({ path: join(artifactsDir, 'movement-from-file.png') });

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
