// Accessibility as a keyboard or screen-reader user meets it: an axe-core scan (the npm package in tools/, run inside
// the page) of every workspace, with data open and each one's results shown, reports no serious or critical issue;
// the whole flow (open the sample, split, download) works from the keyboard alone, with a visible focus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, goTo, ruleTemplate, splitBy, useSite, server, browser } from './harness.mjs';

const axeSource = readFileSync(join(repoRoot, 'tools', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

useSite();

/** axe-core's serious and critical violations on the page as it is, each as "rule: target (summary)". */
async function scan(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the shipped policy stays as it is.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 3).join(' ').trim()}`));
  });
  return violations;
}

test('every workspace, with its results shown, has no serious or critical axe issue', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  const found = {};
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  found.start = await scan(page);
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  found.data = await scan(page);
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  found.split = await scan(page);
  for (const path of ['segment/rules', 'segment/rfm', 'segment/clusters', 'value/clv', 'profiles', 'segmentations']) {
    await goTo(page, path);
    await page.waitForTimeout(500);
    found[path] = await scan(page);
  }
  await page.click('#privacy summary');
  found.privacy = await scan(page);
  const all = Object.entries(found).flatMap(([where, list]) => list.map((v) => `${where}: ${v}`));
  assert.deepEqual(all, [], `axe issues:\n  ${all.join('\n  ')}`);
  rec.assertNoErrors();
  await rec.close();
});

/** Presses Tab (at most `max` times) until the element matching `selector` has the focus; fails otherwise. */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

/** The focused element's outline, as drawn. */
async function focusRing(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor };
  });
}

test('the flow from the sample to a downloaded split works from the keyboard alone, with a visible focus', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  await tabTo(page, '#try-sample');
  const ring = await focusRing(page);
  assert.ok(ring.style !== 'none' && ring.width >= 2, `focus ring: ${JSON.stringify(ring)}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await tabTo(page, '#nav-segment-split');
  await page.keyboard.press('Enter');
  await tabTo(page, '#split-column');
  for (let i = 0; i < 60 && (await page.inputValue('#split-column')) !== 'region'; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#split-column'), 'region');
  await tabTo(page, '#run-split');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#segment-table tbody tr');
  await tabTo(page, '#download-csv');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  await page.screenshot({ path: join(artifactsDir, 'keyboard-split.png') });
  rec.assertNoErrors();
  await rec.close();
});

/**
 * Every chart on the page (in every workspace, shown or not): what it describes itself by is a table with at least
 * one row, and a chart whose groups share one canvas (lines, points) has a legend of each group's colour and shape.
 */
async function chartsWithoutNumbers(page) {
  return page.evaluate(() => {
    const missing = [];
    for (const chart of document.querySelectorAll('canvas.chart, svg.distribution-chart')) {
      const table = document.getElementById(chart.getAttribute('aria-describedby') ?? '');
      if (table?.tagName !== 'TABLE' || table.querySelectorAll('tbody tr').length === 0) missing.push(`${chart.id}: no table`);
    }
    for (const id of ['cluster-scatter', 'clv-calibration-chart', 'clv-alive-chart']) {
      const chart = document.getElementById(id);
      const legend = chart?.closest('.chart-box')?.previousElementSibling;
      if (chart && !(legend?.matches('.chart-legend') && legend.querySelectorAll('li svg path').length >= 1)) missing.push(`${id}: no legend`);
    }
    return missing;
  });
}

test('every chart has its numbers as a table, and groups on one chart differ by shape as well as colour', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await splitBy(page, 'region');
  await ruleTemplate(page, 'Life stage');
  await page.waitForSelector('#rules-chart');
  await goTo(page, 'segment/clusters');
  await page.waitForSelector('#feature-revenue', { state: 'attached' });
  for (const f of ['age', 'income', 'revenue']) await page.check(`#feature-${f}`);
  await page.selectOption('#cluster-missing', 'impute');
  await page.fill('#cluster-k', '3');
  await page.dispatchEvent('#cluster-k', 'change');
  await page.click('#run-fit');
  await page.waitForSelector('#cluster-scatter');
  await goTo(page, 'value/clv');
  await page.fill('#clv-calibration', '2025-06-30');
  await page.dispatchEvent('#clv-calibration', 'change');
  await page.click('#clv-fit');
  await page.waitForSelector('#clv-calibration-chart');
  await goTo(page, 'profiles');
  await page.waitForSelector('#profile-segmentation option', { state: 'attached' });
  await page.click('#run-profile');
  await page.waitForSelector('#kpi-chart');
  await page.waitForFunction(() => !document.querySelector('#busy'));
  const charts = await page.$$eval('canvas.chart, svg.distribution-chart', (l) => l.map((c) => c.id));
  for (const id of ['segment-chart', 'rules-chart', 'cluster-scatter', 'cluster-sizes', 'cluster-distributions', 'clv-calibration-chart', 'clv-alive-chart', 'profile-sizes-chart', 'profile-treemap', 'kpi-chart', 'typical-index-0']) {
    assert.ok(charts.includes(id), `${id} is drawn (charts: ${charts.join(', ')})`);
  }
  assert.deepEqual(await chartsWithoutNumbers(page), []);
  // The numbers fold open under a chart.
  await goTo(page, 'segment/clusters');
  await page.click('#cluster-scatter-data >> xpath=ancestor::details/summary');
  assert.ok(await page.isVisible('#cluster-scatter-data tbody tr'));
  await page.locator('section[aria-labelledby="clusters-result-title"]').screenshot({ path: join(artifactsDir, 'charts-with-numbers.png') });
  rec.assertNoErrors();
  await rec.close();
});
