// Projects as a person uses them (issue #17): save the work as a .segscope file and open it in a new browser: the
// same segmentations come back (names, kinds, sizes, each workspace's settings) and download the same bytes. A project
// saved without its data asks for the data files; on another file it says what differs and opens only when asked.
// Nothing is stored in the browser unless "Remember my last project" is ticked; then the project reopens after a
// reload, and unticking deletes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, download, downloads, goTo, ruleTemplate, scratchDir, splitBy, useSite, server, browser } from './harness.mjs';

const work = scratchDir('projects');

useSite(async () => {
  execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', 'sample', '--out', work, '--customers', '2000'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
});

const row = (kind) => `#segmentations-table tbody tr[data-kind="${kind}"]`;

/** What the Segmentations workspace lists: name, kind, segments, unassigned, current. */
async function listed(page) {
  await goTo(page, 'segmentations');
  await page.waitForSelector('#segmentations-table tbody tr');
  return page.$$eval('#segmentations-table tbody tr', (rows) =>
    rows.map((r) => ({
      name: r.querySelector('.segmentation-name').value,
      kind: r.dataset.kind,
      cells: [...r.querySelectorAll('td.num')].map((c) => c.textContent),
      current: r.classList.contains('current'),
    })),
  );
}

/** Names of the IndexedDB databases this page's origin has. */
const databases = (page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

async function waitIdle(page) {
  await page.waitForFunction(() => !document.querySelector('#busy'), null, { timeout: 60_000 });
}

test('a project with its data opens in a new browser with the same segmentations and the same downloads', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await splitBy(page, 'region');
  await ruleTemplate(page, 'Life stage');
  const segmentCards = await page.$$eval('li.segment-card', (l) => l.length);
  const before = await listed(page);
  assert.equal(before.length, 3, 'RFM, split and rules');
  await page.fill(`${row('rules')} .segmentation-name`, 'Life stages Q1');
  await page.dispatchEvent(`${row('rules')} .segmentation-name`, 'change');
  await page.waitForFunction(() => !document.querySelector('#busy'));
  await page.click(`${row('split')} .make-current`);
  await page.waitForSelector(`${row('split')}.current`);
  await waitIdle(page);
  const expected = await listed(page);
  const rulesCsv = (await downloads(page, `${row('rules')} .download-csv`, (n) => n.length === 2)).find((f) => f.name.endsWith('.csv'));
  // A chart choice: the profile's KPI chart shows orders per customer.
  await goTo(page, 'profiles');
  await page.click('#run-profile');
  await page.waitForSelector('#kpi-chart');
  await page.selectOption('#kpi-chart-kpi', 'orders_per_customer');
  await waitIdle(page);

  await goTo(page, 'data');
  await page.check('#project-include-data');
  const project = await download(page, '#project-save', '.segscope');
  assert.equal(project.name, 'sample-customers.segscope');
  const saved = JSON.parse(project.bytes.toString('utf8'));
  assert.equal(saved.format, 'segscope.project/1');
  assert.equal(saved.segmentations.length, 3);
  assert.ok(saved.data?.input && saved.data?.transactions, 'the data are inside');
  assert.deepEqual(await databases(page), [], 'nothing is stored in the browser');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();

  // A new browser (nothing shared): open the project from the landing view.
  const fresh = await newRecordedPage(browser, server.url);
  const p2 = fresh.page;
  await p2.goto(server.url);
  await p2.waitForSelector('#try-sample');
  await p2.screenshot({ path: join(artifactsDir, 'projects-landing.png') });
  await p2.setInputFiles('#project-input', { name: project.name, mimeType: 'application/json', buffer: project.bytes });
  await p2.waitForSelector('#notice');
  assert.match(await p2.textContent('#notice'), /Opened the project sample-customers\.segscope: 3 segmentations\./);
  await waitIdle(p2);
  assert.deepEqual(await listed(p2), expected, 'names, kinds, sizes and the current one');
  const again = (await downloads(p2, `${row('rules')} .download-csv`, (n) => n.length === 2)).find((f) => f.name.endsWith('.csv'));
  assert.equal(again.name, rulesCsv.name);
  assert.ok(again.bytes.equals(rulesCsv.bytes), 'the rule segments download the same bytes');
  // Each workspace shows the project's settings.
  await goTo(p2, 'segment/rules');
  await p2.waitForFunction((n) => document.querySelectorAll('li.segment-card').length === n, segmentCards);
  await goTo(p2, 'segment/split');
  assert.equal(await p2.$eval('#split-column', (s) => s.value), 'region');
  await goTo(p2, 'profiles');
  await p2.click('#run-profile');
  await p2.waitForSelector('#kpi-chart');
  assert.equal(await p2.inputValue('#kpi-chart-kpi'), 'orders_per_customer', 'the chart choice comes back');
  await goTo(p2, 'segment/rfm');
  await p2.waitForSelector('#rfm-grid button.cell');
  await waitIdle(p2);
  assert.deepEqual(await listed(p2), expected, 'the workspaces taking their settings changed nothing');
  await p2.screenshot({ path: join(artifactsDir, 'projects-opened.png'), fullPage: true });
  assert.deepEqual(await databases(p2), [], 'opening a project stores nothing either');
  fresh.assertNoForeignRequests();
  fresh.assertNoErrors();
  await fresh.close();
});

test('without its data, a project asks for the files; on another file it says what differs and opens only when asked', async () => {
  const customers = join(work, 'customers.csv');
  const transactions = join(work, 'transactions.csv');
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', customers);
  await page.waitForSelector('#dataset-summary');
  await page.setInputFiles('#transactions-input', transactions);
  await page.waitForSelector('#transactions-report');
  await splitBy(page, 'urbanicity');
  await waitIdle(page);
  const expected = await listed(page);
  await goTo(page, 'data');
  const project = await download(page, '#project-save', '.segscope');
  assert.equal(JSON.parse(project.bytes.toString('utf8')).data, undefined, 'no data inside unless asked');
  await rec.close();

  // The same files: asked for, opened with the project's settings, everything back.
  const same = await newRecordedPage(browser, server.url);
  await same.page.goto(server.url);
  await same.page.setInputFiles('#project-input', { name: project.name, mimeType: 'application/json', buffer: project.bytes });
  await same.page.waitForSelector('#project-needs-data');
  const asked = await same.page.textContent('#project-needs-data');
  assert.match(asked, /Choose the customers file it was made from: customers\.csv/);
  assert.match(asked, /Its transactions: transactions\.csv/);
  assert.ok(await same.page.$eval('#project-open-with-data', (b) => b.disabled), 'waits for both files');
  await same.page.setInputFiles('#project-data-input', customers);
  await same.page.setInputFiles('#project-transactions-input', transactions);
  await same.page.click('#project-open-with-data');
  await same.page.waitForFunction(() => /Opened the project/.test(document.querySelector('#notice')?.textContent ?? ''));
  await waitIdle(same.page);
  assert.deepEqual(await listed(same.page), expected);
  assert.equal(await same.page.$('#project-differences'), null);
  same.assertNoErrors();
  await same.close();

  // Another file (the last customer left out): what differs is said, nothing changes until the user agrees.
  const text = readFileSync(customers, 'utf8').trimEnd().split('\n');
  const fewer = join(work, 'customers-fewer.csv');
  writeFileSync(fewer, text.slice(0, -1).join('\n') + '\n');
  const other = await newRecordedPage(browser, server.url);
  const p3 = other.page;
  await p3.goto(server.url);
  await p3.setInputFiles('#project-input', { name: project.name, mimeType: 'application/json', buffer: project.bytes });
  await p3.waitForSelector('#project-needs-data');
  await p3.setInputFiles('#project-data-input', fewer);
  await p3.setInputFiles('#project-transactions-input', transactions);
  await p3.click('#project-open-with-data');
  await p3.waitForSelector('#project-differences');
  const differs = await p3.textContent('#project-differences');
  assert.match(differs, /the data file customers-fewer\.csv is \d+ bytes; the project was saved with customers\.csv \(\d+ bytes\)\./);
  await p3.screenshot({ path: join(artifactsDir, 'projects-differences.png'), fullPage: true });
  await waitIdle(p3);
  await p3.click('#project-anyway');
  await p3.waitForFunction(() => /Opened the project/.test(document.querySelector('#notice')?.textContent ?? ''));
  await waitIdle(p3);
  await goTo(p3, 'data');
  assert.match(await p3.textContent('#project-report'), /Opened on data that differ: the data file customers-fewer\.csv/);
  const list = await listed(p3);
  assert.deepEqual(list.map((s) => [s.name, s.kind]), expected.map((s) => [s.name, s.kind]), 'made again on these data');
  other.assertNoErrors();
  await other.close();
});

test('"Remember my last project" keeps it in IndexedDB only when ticked; it reopens after a reload; unticking deletes it', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  await splitBy(page, 'region');
  await waitIdle(page);
  const expected = await listed(page);
  await goTo(page, 'data');
  assert.deepEqual(await databases(page), []);
  assert.match(await page.textContent('#privacy-stored'), /^None of your data/);
  await page.check('#project-include-data');
  await page.check('#project-remember');
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'segscope'));
  await page.waitForFunction(() => document.querySelector('#privacy-stored')?.textContent.startsWith('Your last project (sample-customers.segscope)'));
  await page.screenshot({ path: join(artifactsDir, 'projects-remember.png'), fullPage: true });

  // Reload: the landing view offers it back.
  await page.goto(server.url);
  await page.waitForSelector('#project-input-reopen');
  assert.equal(await page.textContent('#project-input-reopen'), 'Reopen sample-customers.segscope');
  await page.click('#project-input-reopen');
  await page.waitForFunction(() => /Opened the project/.test(document.querySelector('#notice')?.textContent ?? ''));
  await waitIdle(page);
  assert.deepEqual(await listed(page), expected);

  // Untick: the database is deleted.
  await goTo(page, 'data');
  assert.ok(await page.isChecked('#project-remember'));
  await page.uncheck('#project-remember');
  await page.waitForFunction(async () => (await indexedDB.databases()).length === 0);
  assert.match(await page.textContent('#privacy-stored'), /^None of your data/);
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  assert.equal(await page.$('#project-input-reopen'), null, 'nothing to reopen');
  assert.deepEqual(await databases(page), [], 'looking for a remembered project made no database');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
