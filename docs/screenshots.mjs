// Takes the README's screenshots from the release build in dist/ (headless Chromium, 1440 × 900), so they can be
// taken again whenever the app's look changes:
//
//   bash scripts/build.sh && node docs/screenshots.mjs        (writes docs/screenshot-*.png)
//
// Each one walks the flow a person would, on the built-in sample (?sample).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, launchBrowser, repoRoot, goTo, setColumn } from '../tests/e2e/harness.mjs';

const out = (name) => join(repoRoot, 'docs', `screenshot-${name}.png`);

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => !document.querySelector('#busy'));
    await page.screenshot({ path: out(name) });
    console.log(`docs/screenshot-${name}.png`);
  };
  // A screenshot with `selector` at the top of the window.
  const shotAt = async (name, selector) => {
    await page.waitForFunction(() => !document.querySelector('#busy'));
    await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'start' }), selector);
    await page.screenshot({ path: out(name) });
    console.log(`docs/screenshot-${name}.png`);
  };

  await page.goto(server.url + '?sample#/segment/rfm');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell');
  await shot('rfm');

  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'country');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  await shot('split');

  await goTo(page, 'segment/rules');
  await page.waitForSelector('#rules-template option:has-text("Life stage")', { state: 'attached' });
  const life = await page.$eval('#rules-template', (s) => [...s.options].find((o) => o.text.startsWith('Life stage')).value);
  await page.selectOption('#rules-template', life);
  await page.waitForSelector('li.segment-card');
  await page.waitForSelector('#remainder-count');
  await shot('rules');

  await goTo(page, 'value/clv');
  await page.click('#clv-fit');
  await page.waitForSelector('#clv-fit-summary');
  await shot('clv');

  await goTo(page, 'segment/clusters');
  const tick = (name) => `#feature-${name.replace(/[^A-Za-z0-9]/g, '-')}`;
  await page.waitForSelector(tick('revenue'), { state: 'attached' });
  for (const f of ['age', 'income', 'app_sessions_90d', 'revenue', 'last_order_date']) await page.check(tick(f));
  await page.check(`#cluster-features tr:has(${tick('income')}) .feature-log`);
  await page.selectOption('#cluster-missing', 'impute');
  await page.click('#run-scan');
  await page.waitForSelector('#scan-table tbody tr');
  await shotAt('clusters-scan', '#scan-title');
  await page.click('#run-fit');
  await page.waitForSelector('#cluster-rules');
  await shotAt('clusters-profile', '#clusters-result-title');
  await shotAt('clusters-distributions', '#cluster-distributions-feature');
  await shotAt('clusters-rules', '#cluster-rules-agreement');

  await goTo(page, 'segmentations');
  await page.waitForFunction(() => document.querySelectorAll('#segmentations-table tbody tr').length === 4);
  await shot('segmentations');

  // Profiles of the life-stage rule segments: the profile, a typical-customer card, and the HTML report.
  await goTo(page, 'profiles');
  const rules = await page.$eval('#profile-segmentation', (s) => [...s.options].find((o) => /life stage|rule/i.test(o.text)).value);
  await page.selectOption('#profile-segmentation', rules);
  await page.click('#run-profile');
  await page.waitForSelector('#typical-cards .typical-card');
  await shotAt('profile', '#profile');
  await page.waitForFunction(() => !document.querySelector('#busy'));
  await page.locator('#typical-cards .typical-card').first().screenshot({ path: out('typical-card') });
  console.log('docs/screenshot-typical-card.png');
  // Two KPIs of one's own, with targets: their values per segment and each target's progress.
  const kpi = async (name, aggregate, of, column, op, value, targets) => {
    await page.click('#add-kpi');
    await page.fill('#kpi-name', name);
    await page.selectOption('#kpi-aggregate', aggregate);
    if (of) {
      await page.selectOption('#kpi-column', of);
      await page.selectOption('#kpi-format', 'currency');
      await page.check('#kpi-where');
    }
    await setColumn(page, 'kpi-seg0-c0-column', column);
    await page.selectOption('#kpi-seg0-c0-op', op);
    await page.fill('#kpi-seg0-c0-value', value);
    for (const [i, t] of targets) await page.fill(`#kpi-target-${i}`, t);
    await page.click('#kpi-save');
    await page.waitForSelector(`#custom-kpi-table tr[data-kpi="${name}"]`);
  };
  await kpi('High earners', 'share', null, 'income', 'ge', '80000', [[0, '30%'], [1, '30%']]);
  await kpi('Revenue of app users', 'mean', 'revenue', 'app_sessions_90d', 'gt', '10', [[1, '1500']]);
  await page.waitForFunction(() => !document.querySelector('#busy'));
  await page.locator('#custom-kpis').screenshot({ path: out('kpis') });
  console.log('docs/screenshot-kpis.png');
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#download-report-html')]);
  const html = join(repoRoot, 'target', 'screenshot-report.html');
  await report.saveAs(html);
  const offline = await context.newPage();
  await offline.goto(pathToFileURL(html).href);
  await offline.screenshot({ path: out('report') });
  console.log('docs/screenshot-report.png');
} finally {
  await browser.close();
  await server.close();
}
