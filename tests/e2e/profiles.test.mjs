// Profiles as a marketer reads them: the sample segmented three ways (a split, rule segments, RFM), each profiled in
// the Profiles workspace: sizes, KPIs from the transactions, a typical customer per segment with its call-outs, every
// column by segment with its index, and the niche finder; the numbers agree with the segmentation's own counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newRecordedPage, artifactsDir, goTo } from './harness.mjs';

let server, browser;
before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The numbers in a formatted cell: `1,234` → 1234, `62.0%` → 62. */
const num = (text) => Number(text.replace(/[^0-9.\-]/g, ''));

test('a split, rule segments and RFM each get sizes, KPIs, typical customers, indexes and niches', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  await goTo(page, 'segment/rules');
  await page.waitForSelector('#rules-template option:has-text("Life stage")', { state: 'attached' });
  const life = await page.$eval('#rules-template', (s) => [...s.options].find((o) => o.text.startsWith('Life stage')).value);
  await page.selectOption('#rules-template', life);
  await page.waitForSelector('li.segment-card');
  await page.waitForSelector('#remainder-count');

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
  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});
