// Offline use as a person would have it: open Segscope once from a sub-path (/tools/segscope/), then with the server
// gone and the network switched off, open it again: the page, the engine's worker and the sample all come from the
// service worker's copy, a split runs and downloads. The manifest and icons make it installable; the copy holds only
// the app's own files, under the sub-path's own name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, download, useSite, server, browser } from './harness.mjs';

useSite();

test('after one visit the app opens and works with the network off, from a sub-path', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');

  // Installable: a manifest whose icons are the build's own PNGs and SVG.
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]');
    const json = await (await fetch(link.href)).json();
    const icons = [];
    for (const icon of json.icons) {
      const r = await fetch(new URL(icon.src, link.href));
      icons.push({ ...icon, status: r.status, type: r.headers.get('content-type'), bytes: (await r.arrayBuffer()).byteLength });
    }
    return { ...json, icons };
  });
  assert.equal(manifest.short_name, 'Segscope');
  assert.equal(manifest.start_url, './');
  assert.equal(manifest.scope, './');
  assert.equal(manifest.display, 'standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
    assert.ok(icon && icon.status === 200 && icon.bytes > 500, `a ${size} PNG icon: ${JSON.stringify(manifest.icons)}`);
  }

  // The service worker takes over this page, with the sub-path as its scope, and keeps the build's files.
  const worker = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
    const names = await caches.keys();
    const kept = [];
    for (const name of names) for (const r of await (await caches.open(name)).keys()) kept.push(r.url);
    return { scope: registration.scope, names, kept };
  });
  assert.equal(worker.scope, server.url);
  assert.equal(worker.names.length, 1);
  assert.ok(worker.names[0].startsWith(`segscope ${server.url} `), worker.names[0]);
  const own = readdirSync(join(repoRoot, 'dist')).filter((f) => f !== 'sw.js').map((f) => new URL(f, server.url).href);
  assert.deepEqual(worker.kept.sort(), own.sort(), 'the copy holds exactly the build files');

  // The network goes: the server stops and the browser is offline.
  await server.close();
  await page.context().setOffline(true);
  const hitsBefore = server.hits.length;
  await page.goto(server.url + '?sample#/segment/split');
  await page.waitForSelector('#dataset-summary', { state: 'attached', timeout: 30_000 });
  await page.selectOption('#split-column', 'region');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const rows = await page.locator('#segment-table tbody tr').count();
  assert.ok(rows >= 2, `${rows} segments`);
  const csv = await download(page, '#download-csv');
  assert.ok(csv.bytes.length > 1000, 'the annotated download works offline');
  await page.screenshot({ path: join(artifactsDir, 'offline.png') });
  assert.equal(server.hits.length, hitsBefore, 'nothing reached the server');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await page.context().close();
});
