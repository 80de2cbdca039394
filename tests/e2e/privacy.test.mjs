// Privacy as a person checks it: a session over every workspace makes no request to another origin and none after
// start-up but for Segscope's own files; the Privacy panel says so (0 requests elsewhere) and that none of the data is
// stored in the browser, which is true (no cookies, local storage or IndexedDB; the only cache holds the app's own files,
// for offline use); a request elsewhere shows in its count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, goTo, download, useSite, server, browser } from './harness.mjs';

useSite();

test('a session over every workspace stays on the page and stores nothing; the Privacy panel says so', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rfm-grid button.cell', { state: 'attached' });
  const startUp = rec.requests.length;
  for (const path of ['data', 'segment/split', 'segment/rules', 'segment/rfm', 'segment/clusters', 'value/clv', 'profiles', 'segmentations']) {
    await goTo(page, path);
    await page.waitForTimeout(300);
  }
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const csv = await download(page, '#download-csv');
  assert.ok(csv.bytes.length > 1000);

  // After start-up, only the app's own build files (the engine's worker, started again after a cancel, fetches its own).
  const own = new Set(readdirSync(join(repoRoot, 'dist')).map((f) => new URL(f, server.url).href));
  const later = rec.requests.slice(startUp).filter((u) => u.startsWith('http'));
  assert.deepEqual(later.filter((u) => !own.has(u)), [], 'requests after start-up other than build files');
  rec.assertNoForeignRequests();

  await page.click('#privacy summary');
  await page.waitForSelector('#privacy-requests');
  await page.screenshot({ path: join(artifactsDir, 'privacy.png') });
  assert.equal(await page.textContent('#privacy-requests'), '0');
  assert.match(await page.textContent('#privacy-stored'), /^None of your data: no cookies, no local storage, no IndexedDB/);
  const stored = await page.evaluate(async () => {
    const kept = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) kept.push(r.url);
    return {
      cookies: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      kept,
    };
  });
  // The one thing kept: the service worker's copy of the app's own build files, for offline use.
  assert.deepEqual(stored.kept.filter((u) => !own.has(u)), [], 'only build files are kept');
  delete stored.kept;
  assert.deepEqual(stored, { cookies: '', local: 0, session: 0, databases: 0 });
  rec.assertNoErrors();

  // A request outside the app's folder (here: this server's root) is counted.
  await page.evaluate(() => fetch('/outside-the-app').then((r) => r.text()).catch(() => null));
  await page.waitForFunction(() => document.querySelector('#privacy-requests')?.textContent === '1');
  await rec.close();
});
