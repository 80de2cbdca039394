// Smoke test for tests/e2e/harness.mjs and scripts/csp-hash.mjs. Needs Chromium and tools/node_modules
// (bash scripts/setup.sh), but not the app build.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { artifactsDir, launchBrowser, newRecordedPage, repoRoot, startServer } from './harness.mjs';

// Raw GET (path sent exactly as given, no URL normalisation by the client).
function get(origin, path) {
  return new Promise((ok, fail) => {
    const { hostname, port } = new URL(origin);
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode, type: res.headers['content-type'], location: res.headers.location, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('harness', () => {
  let dir, server, other, browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'segscope-harness-'));
    writeFileSync(join(dir, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>hello</title><script src="app.js"></script></head>' +
      '<body><h1 id="hello">Hello, harness</h1></body></html>');
    writeFileSync(join(dir, 'app.js'), "document.addEventListener('DOMContentLoaded', () => { document.body.dataset.js = 'ran'; });");
    writeFileSync(join(dir, 'tiny.wasm'), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'index.html'), '<p>sub</p>');
    server = await startServer({ root: dir });
    other = await startServer({ root: dir, prefix: '/' }); // a second origin (another port) for the foreign-request check
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('static server serves under the prefix only', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/tools\/segscope\/$/);
    const o = server.origin;
    let r = await get(o, '/tools/segscope/');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/html/);
    assert.match(r.body, /Hello, harness/);
    r = await get(o, '/tools/segscope/?sample');
    assert.equal(r.status, 200);
    r = await get(o, '/tools/segscope/app.js');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/javascript/);
    r = await get(o, '/tools/segscope/tiny.wasm');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/wasm');
    r = await get(o, '/tools/segscope/sub/');
    assert.equal(r.body, '<p>sub</p>');
    r = await get(o, '/tools/segscope?sample');
    assert.equal(r.status, 301);
    assert.equal(r.location, '/tools/segscope/?sample');
    for (const p of ['/', '/index.html', '/app.js', '/tools/', '/tools/segscope/missing.js',
      '/tools/segscope/%2e%2e/%2e%2e/etc/passwd', '/tools/segscope/..%2f..%2fetc%2fpasswd']) {
      r = await get(o, p);
      assert.equal(r.status, 404, `${p} should be 404, got ${r.status}`);
    }
  });

  test('page loads, requests are recorded, foreign-request assertion passes and fails as it should', async () => {
    const rec = await newRecordedPage(browser, server.url);
    await rec.page.goto(server.url + '?sample');
    assert.equal(await rec.page.textContent('#hello'), 'Hello, harness');
    await rec.page.waitForFunction(() => document.body.dataset.js === 'ran');
    assert.ok(rec.requests.some((u) => u.endsWith('/tools/segscope/app.js')), rec.requests.join(', '));
    rec.assertNoForeignRequests();
    rec.assertNoErrors();
    await rec.page.screenshot({ path: join(artifactsDir, 'harness-smoke.png') });

    // data: and blob: URLs are not foreign.
    await rec.page.evaluate(async () => {
      await fetch('data:text/plain,hi');
      await fetch(URL.createObjectURL(new Blob(['x'])));
    });
    rec.assertNoForeignRequests();

    // A request to another origin (the second local server) must make the assertion fail.
    await rec.page.evaluate(async (u) => { try { await fetch(u); } catch { /* CORS error expected */ } }, other.url + 'app.js');
    assert.throws(() => rec.assertNoForeignRequests(), /requests to origins other than/);

    // Console errors are recorded.
    await rec.page.evaluate(() => console.error('boom from the page'));
    assert.ok(rec.errors.some((e) => e.includes('boom from the page')), rec.errors.join('\n'));
    await rec.close();
  });

  test('scripts/csp-hash.mjs makes inline scripts pass a strict CSP in Chromium', async () => {
    const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-INLINE_SCRIPTS'; object-src 'none'";
    // CRLF line endings on purpose: the browser normalises them before hashing, so must the hook.
    writeFileSync(join(dir, 'csp.html'),
      `<!doctype html>\r\n<html><head><meta charset="utf-8">\r\n<meta http-equiv="Content-Security-Policy" content="${csp}">\r\n` +
      '<script type="module">\r\n  document.documentElement.dataset.module = "ran";\r\n</script>\r\n' +
      '</head><body><script>\n  document.body.dataset.classic = "ran";\n</script></body></html>');
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'csp-hash.mjs'), join(dir, 'csp.html')], { stdio: 'pipe' });
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'csp-hash.mjs'), '--check', join(dir, 'csp.html')], { stdio: 'pipe' });
    // A second run must fail loudly: the placeholder is gone.
    assert.throws(() => execFileSync(process.execPath, [join(repoRoot, 'scripts', 'csp-hash.mjs'), join(dir, 'csp.html')], { stdio: 'pipe' }));

    const rec = await newRecordedPage(browser, server.url);
    await rec.page.goto(server.url + 'csp.html');
    await rec.page.waitForFunction(() => document.documentElement.dataset.module === 'ran' && document.body.dataset.classic === 'ran');
    // An inline script that is not hashed must be refused (the CSP really is in force).
    await rec.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'document.body.dataset.injected = "ran"';
      document.body.append(s);
    });
    assert.equal(await rec.page.evaluate(() => document.body.dataset.injected), undefined);
    assert.ok(rec.errors.some((e) => /Content Security Policy/i.test(e)), rec.errors.join('\n'));
    rec.assertNoForeignRequests();
    await rec.close();
  });
});
