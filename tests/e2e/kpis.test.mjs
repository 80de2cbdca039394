// Your own KPIs, as a marketer defines them in Profiles: the share of customers with an income of at least 80,000
// (with a target) and the mean revenue of urban customers, built with the rule builder's condition editor and counted
// live; the values per segment checked against the split's own download computed here; edited, refused with a
// sentence when unnamed, saved as a file, removed and opened again; in the HTML report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, download, goTo, setColumn, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

useSite();

/** The KPI table's cells of one KPI: { segment: text }. */
async function cells(page, kpi) {
  return page.$$eval(`#custom-kpi-table tr[data-kpi="${kpi}"] td`, (tds) =>
    Object.fromEntries(tds.map((td) => [td.dataset.segment, td.querySelector('.kpi-value').textContent])));
}

test('KPIs of your own: defined with conditions, per segment with targets, saved, opened and reported', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' }); // the transactions are attached
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const split = parseCsv((await download(page, '#download-csv')).bytes.toString('utf8'));

  await goTo(page, 'profiles');
  await page.waitForSelector('#profile-segmentation option', { state: 'attached' });
  const byRegion = await page.$$eval('#profile-segmentation option', (os) => os.find((o) => /region/i.test(o.textContent)).value);
  await page.selectOption('#profile-segmentation', byRegion);
  await page.click('#run-profile');
  await page.waitForSelector('#custom-kpis #add-kpi');

  // 1. The share of customers with an income of at least 80,000, with a target for everyone.
  await page.click('#add-kpi');
  await page.fill('#kpi-name', 'High earners');
  await page.selectOption('#kpi-aggregate', 'share');
  assert.equal(await page.inputValue('#kpi-format'), 'percent', 'a share is shown as a percentage');
  await setColumn(page, 'kpi-seg0-c0-column', 'income');
  await page.selectOption('#kpi-seg0-c0-op', 'ge');
  await page.fill('#kpi-seg0-c0-value', '80000');
  await page.waitForFunction(() => /customers \([\d.]+%\) meet this condition/.test(document.querySelector('#kpi-condition-count')?.textContent ?? ''));
  await page.fill('.kpi-target[data-segment="All customers"]', '30%');
  await page.click('#kpi-save');
  await page.waitForSelector('#custom-kpi-table tr[data-kpi="High earners"]');

  // 2. Mean revenue of urban customers, as money.
  await page.click('#add-kpi');
  await page.fill('#kpi-name', 'Urban revenue');
  await page.selectOption('#kpi-aggregate', 'mean');
  await page.selectOption('#kpi-column', 'revenue');
  await page.selectOption('#kpi-format', 'currency');
  await page.check('#kpi-where');
  await setColumn(page, 'kpi-seg0-c0-column', 'urbanicity');
  await page.selectOption('#kpi-seg0-c0-op', 'is');
  await page.waitForSelector('#kpi-seg0-c0-value option[value="Urban"]', { state: 'attached' });
  await page.selectOption('#kpi-seg0-c0-value', 'Urban');
  await page.click('#kpi-save');
  await page.waitForSelector('#custom-kpi-table tr[data-kpi="Urban revenue"]');
  await page.locator('#custom-kpis').screenshot({ path: join(artifactsDir, 'kpis.png') });

  // The values per segment, against the split's download computed here.
  const [header, ...rows] = split.filter((r) => r.length > 1);
  const at = (name) => header.indexOf(name);
  const bySegment = new Map();
  for (const r of rows) {
    const g = r[header.length - 1];
    const s = bySegment.get(g) ?? { n: 0, high: 0 };
    s.n += 1;
    if (Number(r[at('income')]) >= 80000) s.high += 1;
    bySegment.set(g, s);
  }
  const shown = await cells(page, 'High earners');
  for (const [segment, s] of bySegment) {
    assert.equal(shown[segment], `${(100 * s.high / s.n).toFixed(1)}%`, `High earners in ${segment}`);
  }
  const all = [...bySegment.values()].reduce((a, s) => ({ n: a.n + s.n, high: a.high + s.high }), { n: 0, high: 0 });
  assert.equal(shown['All customers'], `${(100 * all.high / all.n).toFixed(1)}%`);
  const target = await page.textContent('#custom-kpi-table tr[data-kpi="High earners"] td[data-segment="All customers"] .kpi-target-words');
  assert.match(target, /(met \(target ≥ 30\.0%\)|of the way to the target \(≥ 30\.0%\))/);
  assert.equal(await page.locator('#custom-kpi-table tr[data-kpi="High earners"] td[data-segment="All customers"] progress').count(), 1);
  assert.match(Object.values(await cells(page, 'Urban revenue')).join(' '), /\d/);

  // Edit: rename; an empty name is refused with the engine's sentence, the form stays.
  await page.click('#kpi-list tr.kpi-row:first-child .edit-kpi');
  await page.fill('#kpi-name', '');
  await page.click('#kpi-save');
  await page.waitForSelector('#kpi-problem');
  assert.match(await page.textContent('#kpi-problem'), /it has no name; give it one/);
  await page.fill('#kpi-name', 'Earners 80k+');
  await page.click('#kpi-save');
  await page.waitForSelector('#custom-kpi-table tr[data-kpi="Earners 80k+"]');
  assert.equal(await page.locator('#kpi-form').count(), 0, 'the form closes once saved');

  // Save the KPIs as a file; remove one; open the file again.
  const saved = await download(page, '#kpis-save', '.kpis.json');
  assert.match(saved.name, /\.kpis\.json$/);
  const file = JSON.parse(saved.bytes.toString('utf8'));
  assert.equal(file.format, 'segscope.kpis/1');
  assert.deepEqual(file.kpis.map((k) => [k.name, k.aggregate]), [['Earners 80k+', 'share'], ['Urban revenue', 'mean']]);
  assert.deepEqual(file.kpis[0].where, { all: [{ column: 'income', op: 'ge', value: 80000 }] });
  assert.deepEqual(file.kpis[0].targets, [{ segment: 'All customers', value: 0.3 }]);
  const path = join(artifactsDir, saved.name);
  writeFileSync(path, saved.bytes);
  await page.click('#kpi-list tr.kpi-row:last-child .remove-kpi');
  await page.waitForFunction(() => document.querySelectorAll('#kpi-list tr.kpi-row').length === 1);
  await page.waitForFunction(() => !document.querySelector('#custom-kpi-table tr[data-kpi="Urban revenue"]'));
  await page.setInputFiles('#kpis-open', path);
  await page.waitForSelector('#custom-kpi-table tr[data-kpi="Urban revenue"]');
  assert.equal(await page.locator('#kpi-list tr.kpi-row').count(), 2);

  // The report carries them.
  const html = (await download(page, '#download-report-html', '.html')).bytes.toString('utf8');
  assert.ok(html.includes('<section id="custom-kpis"><h2>Your KPIs</h2>'));
  assert.ok(html.includes('<strong>Earners 80k+</strong>: share of customers for whom income ≥ 80,000.'), 'the KPI in words');

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
