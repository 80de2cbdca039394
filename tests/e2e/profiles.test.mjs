// Profiles as a marketer reads them: the sample segmented three ways (a split, rule segments, RFM), each profiled in
// the Profiles workspace: sizes, KPIs from the transactions, a typical customer per segment with its call-outs, every
// column by segment with its index, the niche finder, two segments compared, and the movement of customers between
// RFM as of the last day frozen and made again as of half a year earlier; the report downloaded as HTML, a workbook
// and a tidy CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, download, downloads, goTo, unzip, ruleTemplate, splitBy, useSite, server, browser } from './harness.mjs';

useSite();

/** The numbers in a formatted cell: `1,234` → 1234, `62.0%` → 62. */
const num = (text) => Number(text.replace(/[^0-9.\-]/g, ''));

test('a split, rule segments and RFM each get sizes, KPIs, typical customers, indexes and niches', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await splitBy(page, 'region');
  await ruleTemplate(page, 'Life stage');

  await goTo(page, 'profiles');
  await page.waitForSelector('#profile-segmentation option', { state: 'attached' });
  const options = await page.$$eval('#profile-segmentation option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  assert.equal(options.length, 3, 'every segmentation can be profiled');
  for (const { value, text } of options) {
    await page.selectOption('#profile-segmentation', value);
    await page.click('#run-profile');
    await page.waitForFunction((t) => document.querySelector('#profile-sizes-title')?.textContent !== '' && document.querySelector('#profile') !== null, text);
    await page.waitForFunction(() => !document.querySelector('#busy'));
    // Sizes: the segments add up to the 5,000 customers.
    const counts = await page.$$eval('#profile-sizes tbody td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
    assert.equal(counts.map(num).reduce((a, b) => a + b, 0), 5000, `${text}: sizes add up`);
    // KPIs from the transactions: revenue shares add up to 100%.
    const shares = await page.$$eval('#profile-kpis tbody td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
    assert.ok(Math.abs(shares.map(num).reduce((a, b) => a + b, 0) - 100) < 0.5, `${text}: revenue shares ${shares}`);
    // A bar chart of any one KPI, revenue per customer first.
    assert.equal(await page.locator('#kpi-chart').count(), 1, `${text}: the KPI chart`);
    assert.equal(await page.inputValue('#kpi-chart-kpi'), 'revenue_per_customer');
    // A typical customer per segment, and at least one significant call-out somewhere.
    assert.equal(await page.locator('#typical-cards .typical-card').count(), counts.length);
    assert.ok((await page.locator('#typical-cards .callouts li').count()) > 0, `${text}: something sets a segment apart`);
    assert.ok((await page.locator('#profile-categories table.profile-category').count()) > 0);
    assert.ok((await page.locator('#profile-numbers td.sig-over, #profile-numbers td.sig-under').count()) > 0, `${text}: significant numbers marked`);
    await page.screenshot({ path: join(artifactsDir, `profile-${value}.png`), fullPage: true });
  }
  // A split by region leaves region out of its own profile.
  const split = options.find((o) => /region/i.test(o.text));
  await page.selectOption('#profile-segmentation', split.value);
  await page.click('#run-profile');
  await page.waitForFunction(() => /region/.test(document.querySelector('#profile-skipped')?.textContent ?? ''));
  assert.equal(await page.locator('#profile-categories table[data-column="region"]').count(), 0);

  // Niches on revenue with a looser index, so the sample has some.
  await page.fill('#niche-min-index', '120');
  await page.dispatchEvent('#niche-min-index', 'change');
  await page.click('#find-niches');
  await page.waitForSelector('#niches-table tbody tr, #niches-none');
  if (await page.locator('#niches-table').count()) {
    const idx = await page.$$eval('#niches-table tbody td:nth-child(5)', (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ''))));
    assert.ok(idx.every((i) => i >= 120), `indexes ${idx}`);
  }
  await page.screenshot({ path: join(artifactsDir, 'profile-niches.png'), fullPage: true });

  // Compare two segments: only their customers, significant differences with index, effect size and p.
  await page.selectOption('#compare-first', '0');
  await page.selectOption('#compare-second', '1');
  await page.click('#run-compare');
  await page.waitForSelector('#compare-table tbody tr, #compare-none');
  const heading = await page.textContent('#compare-heading');
  const names = await page.$$eval('#profile-sizes tbody th', (ths) => ths.map((t) => t.textContent));
  assert.equal(heading, `${names[0]} against ${names[1]}`);
  if (await page.locator('#compare-table').count()) {
    const p = await page.$$eval('#compare-table tbody td:nth-child(6)', (tds) => tds.map((t) => Number(t.textContent)));
    assert.ok(p.every((x) => x <= 0.05), `only significant differences: ${p}`);
  }
  await page.screenshot({ path: join(artifactsDir, 'profile-compare.png'), fullPage: true });

  // Every chart downloads as PNG (its pixels) and SVG (the same drawing as vectors).
  const [png] = await downloads(page, '.chart-png[data-chart="profile-treemap"]', (n) => n.length === 1);
  assert.equal(png.name, 'profile-treemap.png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const [svg] = await downloads(page, '.chart-svg[data-chart="profile-treemap"]', (n) => n.length === 1);
  const vector = svg.bytes.toString('utf8');
  assert.ok(vector.startsWith('<svg') && vector.includes('viewBox="0 0 640 320"'), vector.slice(0, 200));
  assert.ok(names.some((n) => vector.includes(n)), 'the SVG names the segments');
  assert.equal(await page.locator('.chart-png').count(), await page.locator('canvas.chart').count(), 'every chart has its downloads');

  // The report of the split, as a marketer takes it away: HTML, workbook and tidy CSV, with the niches searched above.
  const html = await download(page, '#download-report-html', '-report.html');
  assert.match(html.name, /-report\.html$/);
  const source = html.bytes.toString('utf8');
  assert.ok(!/https?:\/\//.test(source), 'the HTML report names no URL');
  assert.ok((source.match(/<svg/g) ?? []).length >= 4, 'the HTML report has its charts inline');
  for (const name of names) assert.ok(source.includes(name), `the HTML report names ${name}`);
  assert.match(source, /Niches/);
  const xlsx = await download(page, '#download-report-xlsx', '-report.xlsx');
  assert.match(xlsx.name, /-report\.xlsx$/);
  const book = unzip(xlsx.bytes);
  const sheets = [...book['xl/workbook.xml'].matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(sheets.length >= names.length + 2, `a sheet per segment and the summaries: ${sheets}`);
  assert.ok(names.every((n) => book['xl/sharedStrings.xml'].includes(n)), 'the workbook names every segment');
  const tidy = await download(page, '#download-report-csv', '.csv');
  const rows = tidy.bytes.toString('utf8').trim().split(/\r?\n/);
  assert.ok(rows.length > 50, `the tidy CSV has a row per segment, column and statistic: ${rows.length}`);
  assert.ok(names.every((n) => rows.some((r) => r.includes(n))), 'the tidy CSV names every segment');

  // Movement between two as-of dates: RFM as of the day after the last transaction frozen (duplicated), then made
  // again as of half a year earlier, when only the transactions before that day count.
  await goTo(page, 'segmentations');
  await page.waitForSelector('#segmentations-table tbody tr[data-kind="rfm"]');
  await page.click('#segmentations-table tbody tr[data-kind="rfm"] .duplicate');
  await page.waitForFunction(() => document.querySelectorAll('#segmentations-table tbody tr').length === 4);
  await goTo(page, 'segment/rfm');
  await page.waitForSelector('#rfm-as-of-used');
  const latest = (await page.textContent('#rfm-as-of-used')).match(/As of (\d{4}-\d{2}-\d{2})/)[1];
  const earlier = new Date(Date.parse(latest) - 182 * 86400000).toISOString().slice(0, 10);
  await page.fill('#rfm-as-of', earlier);
  await page.dispatchEvent('#rfm-as-of', 'change');
  await page.waitForFunction((d) => (document.querySelector('#rfm-as-of-used')?.textContent ?? '').startsWith(`As of ${d}.`), earlier);
  await page.waitForFunction(() => !document.querySelector('#busy'));
  const scoredThen = num((await page.textContent('#rfm-as-of-used')).match(/\. ([\d,]+) of/)[1]);
  await goTo(page, 'profiles');
  const segs = await page.$$eval('#movement-before option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const copy = segs.find((o) => /\(copy\)/.test(o.text));
  const working = segs.find((o) => o.text === 'RFM segments');
  await page.selectOption('#movement-before', working.value);
  await page.selectOption('#movement-after', copy.value);
  await page.click('#run-movement');
  await page.waitForSelector('#movement-table tbody tr');
  const cells = await page.$$eval('#movement-table tbody td', (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ''))));
  assert.equal(cells.reduce((a, b) => a + b, 0), 5000, 'every customer once');
  const lastRow = await page.$$eval('#movement-table tbody tr:last-child td', (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ''))));
  assert.equal(lastRow.reduce((a, b) => a + b, 0), 0, 'no new customers: the same customers');
  assert.match(await page.textContent('#movement-stayed'), /of the 5,000 customers in both/);
  // Who had bought nothing half a year earlier: the "No purchases" row of the earlier snapshot.
  const rowsOut = await page.$$eval('#movement-table tbody tr', (trs) => trs.map((tr) => ({
    name: tr.querySelector('th').textContent,
    total: [...tr.querySelectorAll('td')].reduce((a, td) => a + Number(td.textContent.replace(/,/g, '')), 0),
  })));
  const none = rowsOut.find((r) => /no purchase/i.test(r.name));
  assert.equal(none?.total ?? 0, 5000 - scoredThen, `customers without a purchase before ${earlier}: ${JSON.stringify(rowsOut)}`);
  await page.locator('#movement-heatmap').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifactsDir, 'profile-movement.png'), fullPage: true });
  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});
