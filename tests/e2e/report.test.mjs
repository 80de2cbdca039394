// tests/e2e/report.test.mjs: the HTML report `segscope profile` writes, opened from disk (file://) in headless
// Chromium with every request but the page itself refused, as an e-mailed report is opened offline: every chart
// renders with a size, nothing is requested, and printed (print media, A4 at the report's own @page margins) no
// table is wider than the printable width. Needs no site: the CLI makes the page. Artefacts: report.png (the page),
// report-print.png (the print layout), report.pdf.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import { artifactsDir, launchBrowser, repoRoot, scratchDir } from './harness.mjs';

const work = scratchDir('report');
const segscope = (...args) =>
  execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });

/** A4 (210 mm) less the report's @page side margins (14 mm each), in CSS pixels (96 per inch). */
const PRINTABLE_WIDTH = Math.floor(((210 - 2 * 14) / 25.4) * 96);

test('the HTML report works offline: every chart renders, nothing is requested, printing cuts no table', async () => {
  segscope('sample', '--out', work, '--customers', '3000');
  const html = join(work, 'report.html');
  segscope('profile', '--input', join(work, 'customers.csv'), '--transactions', join(work, 'transactions.csv'),
    '--definition', join(repoRoot, 'examples', 'segments', 'sample-value.json'), '--niche-value', 'revenue',
    '--format', 'html', '--output', html);
  const url = pathToFileURL(html).href;

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    // Anything but the page itself is refused (and recorded above before it is).
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url, { waitUntil: 'load' });

    assert.equal(await page.title(), 'Segment report: Value from transactions (customers.csv)');
    const charts = await page.$$eval('figure svg', (svgs) => svgs.map((s) => {
      const r = s.getBoundingClientRect();
      return { width: r.width, height: r.height, texts: s.querySelectorAll('text').length, label: s.getAttribute('aria-label') };
    }));
    assert.ok(charts.length >= 8, `sizes, treemap, four KPI charts and index charts: ${charts.length}`);
    assert.equal(charts.length, await page.locator('svg').count(), 'every SVG is a chart in a figure');
    for (const c of charts) {
      assert.ok(c.width > 100 && c.height > 50, `a chart renders with a size: ${JSON.stringify(c)}`);
      assert.ok(c.texts > 0 && c.label, `a chart has labels and an accessible name: ${c.label}`);
    }
    await page.screenshot({ path: join(artifactsDir, 'report.png'), fullPage: true });

    // Print: the layout at the printable width of A4, in print media.
    await page.setViewportSize({ width: PRINTABLE_WIDTH, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const tables = await page.$$eval('table', (ts) => ts.map((t) => ({
      caption: t.caption?.textContent ?? '',
      scrollWidth: t.scrollWidth,
      right: t.getBoundingClientRect().right,
    })));
    const body = await page.evaluate(() => ({ width: document.body.clientWidth, right: document.body.getBoundingClientRect().right }));
    assert.ok(body.width <= PRINTABLE_WIDTH, `the body fits the printable width: ${body.width}`);
    assert.ok(tables.length >= 10, `sizes, KPIs, niches and each segment's tables: ${tables.length}`);
    for (const t of tables) {
      assert.ok(t.scrollWidth <= body.width + 1 && t.right <= body.right + 1,
        `"${t.caption}" is ${t.scrollWidth}px wide, the printable width ${body.width}px`);
    }
    const printed = await page.$$eval('svg', (s) => s.map((x) => x.getBoundingClientRect().right));
    assert.ok(printed.every((r) => r <= body.right + 1), 'no chart is wider than the page either');
    await page.screenshot({ path: join(artifactsDir, 'report-print.png'), fullPage: true });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(artifactsDir, 'report.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g).length >= 3, 'several pages');

    assert.deepEqual(requests.filter((r) => r !== url), [], 'the report requested nothing but itself');
    assert.deepEqual(errors, []);
    const source = readFileSync(html, 'utf8');
    assert.ok(!/https?:\/\//.test(source), 'no URL anywhere in the file');
  } finally {
    await browser.close();
  }
});
