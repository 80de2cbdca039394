// tests/e2e/harness.mjs: helpers for Segscope's browser tests (Node >= 20, ESM, works with node:test).
//
//   import { startServer, launchBrowser, newRecordedPage, artifactsDir } from './harness.mjs';
//   const server = await startServer();                 // serves dist/ under http://127.0.0.1:PORT/tools/segscope/
//   const browser = await launchBrowser();              // system Chromium through playwright-core
//   const rec = await newRecordedPage(browser, server.url);
//   await rec.page.goto(server.url + '?sample');
//   ...
//   rec.assertNoForeignRequests(); rec.assertNoErrors();
//   await browser.close(); await server.close();
//
// playwright-core is resolved from tools/node_modules (installed by scripts/setup.sh), so tests need no
// package.json of their own and no NODE_PATH. It only drives the installed Chromium; it never downloads one.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where tests put screenshots and other artefacts (gitignored). */
export const artifactsDir = join(repoRoot, 'tests', 'e2e', 'artifacts');
mkdirSync(artifactsDir, { recursive: true });

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/**
 * Static file server for a build output, mounted under a URL prefix (to prove sub-path deployment works).
 * GET/HEAD only; `prefix` itself serves root/index.html, `prefix` without its trailing slash redirects to it,
 * anything outside the prefix or outside `root` is 404.
 * @param {{root?: string, prefix?: string, port?: number, host?: string}} [opts]
 *   root: directory to serve, relative to the repository root unless absolute (default 'dist');
 *   prefix: URL path prefix (default '/tools/segscope/'); port: 0 = random free port.
 * @returns {Promise<{url: string, origin: string, port: number, hits: string[], close: () => Promise<void>}>}
 *   url = origin + prefix; hits = every request path served (or refused), in order.
 */
export async function startServer({ root = 'dist', prefix = '/tools/segscope/', port = 0, host = '127.0.0.1' } = {}) {
  const rootDir = resolve(isAbsolute(root) ? root : join(repoRoot, root));
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';
  let st;
  try {
    st = statSync(rootDir);
  } catch {
    throw new Error(`startServer: ${rootDir} does not exist (build first: bash scripts/build.sh)`);
  }
  if (!st.isDirectory()) throw new Error(`startServer: ${rootDir} is not a directory`);

  const hits = [];
  const server = createServer((req, res) => {
    const send = (code, body, headers = {}) => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    hits.push(req.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname === prefix.slice(0, -1)) {
      const q = req.url.indexOf('?');
      return send(301, 'moved\n', { Location: prefix + (q >= 0 ? req.url.slice(q) : '') });
    }
    if (!pathname.startsWith(prefix) || pathname.includes('\0')) return send(404, 'not found\n');
    let file = resolve(rootDir, '.' + sep + pathname.slice(prefix.length));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return send(404, 'not found\n');
    let fst;
    try {
      fst = statSync(file);
      if (fst.isDirectory()) {
        file = join(file, 'index.html');
        fst = statSync(file);
      }
    } catch {
      return send(404, 'not found\n');
    }
    if (!fst.isFile()) return send(404, 'not found\n');
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': fst.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const origin = `http://${host}:${server.address().port}`;
  return {
    url: origin + prefix,
    origin,
    port: server.address().port,
    hits,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections?.();
      }),
  };
}

let playwright;
function loadPlaywright() {
  if (!playwright) {
    // Resolve from tools/ so the tests need no package.json or NODE_PATH of their own.
    const require = createRequire(join(repoRoot, 'tools', 'package.json'));
    try {
      playwright = require('playwright-core');
    } catch (e) {
      throw new Error(`playwright-core not found in tools/node_modules: run bash scripts/setup.sh (${e.message})`);
    }
  }
  return playwright;
}

/** Headless system Chromium (CHROMIUM env or /usr/bin/chromium) via playwright-core. */
export async function launchBrowser() {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    headless: true,
  });
}

/** The site's server and the browser of the test file that called [`useSite`], once started (live bindings). */
export let server;
/** See `server`. */
export let browser;

/**
 * Before the calling test file's tests: makes the artifacts folder, runs `prepare` (generating data files, building
 * the CLI), starts the site's server and the browser (exported as `server` and `browser`); after them, stops both.
 */
export function useSite(prepare = async () => {}) {
  before(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    await prepare();
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * A fresh browser context (downloads allowed) and page that records what happens.
 * @returns {Promise<{page, context, requests: string[], errors: string[],
 *   assertNoForeignRequests: () => void, assertNoErrors: () => void, close: () => Promise<void>}>}
 *   requests: every request URL (also from workers) and WebSocket URL; errors: console errors and page errors
 *   (CSP violations show up here as console errors). assertNoErrors ignores only the 404 of Chromium's automatic
 *   /favicon.ico request at the origin root.
 */
export async function newRecordedPage(browser, baseUrl) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.stack || err.message || err}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`worker console.error: ${msg.text()}`);
    });
  });

  const base = new URL(baseUrl);
  const sameOrigin = (u) => {
    if (/^(data|blob|about):/i.test(u)) return true;
    let x;
    try {
      x = new URL(u);
    } catch {
      return false;
    }
    if (x.protocol === 'ws:' || x.protocol === 'wss:') {
      return x.host === base.host && (x.protocol === 'wss:') === (base.protocol === 'https:');
    }
    return x.origin === base.origin;
  };

  return {
    page,
    context,
    requests,
    errors,
    assertNoForeignRequests() {
      const foreign = requests.filter((u) => !sameOrigin(u));
      assert.deepEqual(foreign, [], `requests to origins other than ${base.origin}:\n  ${foreign.join('\n  ')}`);
    },
    assertNoErrors() {
      // Chromium itself asks for /favicon.ico at the origin root when the page declares no icon; under a sub-path
      // that is a 404 the app cannot avoid, so it is not counted.
      const favicon = `${base.origin}/favicon.ico`;
      const real = errors.filter((e) => !(e.includes('status of 404') && e.includes(favicon)));
      assert.deepEqual(real, [], `console/page errors:\n  ${real.join('\n  ')}`);
    },
    close: () => context.close(),
  };
}

/**
 * Clicks `selector` and returns the download it starts: `{ name, bytes }`. When the click downloads several files (a
 * CSV and its manifest, a definition and its SQL), `endsWith` picks the one whose name ends so.
 */
export async function download(page, selector, endsWith = null) {
  const all = await downloads(page, selector, endsWith ? (names) => names.some((n) => n.endsWith(endsWith)) : () => true);
  return endsWith ? all.find((d) => d.name.endsWith(endsWith)) : all[0];
}

/**
 * Clicks `selector` and collects the downloads it starts until `done(names)` is true (or 60 s pass: the engine
 * prepares some downloads first, and a manifest hashes its input once):
 * `[{ name, bytes }]` in the order they came.
 */
export async function downloads(page, selector, done) {
  const got = [];
  const pending = [];
  const onDownload = (dl) => pending.push(dl);
  page.on('download', onDownload);
  try {
    await page.click(selector);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      while (pending.length) {
        const dl = pending.shift();
        got.push({ name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) });
      }
      if (got.length && done(got.map((d) => d.name))) return got;
      await page.waitForTimeout(50);
    }
    const shown = await page
      .evaluate(() => ['#error', '#notice', '#busy'].map((s) => document.querySelector(s)?.textContent?.trim()).filter(Boolean).join(' | '))
      .catch(() => '');
    throw new Error(
      `clicking ${selector} did not download the expected files (got: ${got.map((d) => d.name).join(', ') || 'none'}; the page shows: ${shown || 'nothing'})`,
    );
  } finally {
    page.off('download', onDownload);
  }
}

/**
 * A new empty folder under the system's temporary folder, named `segscope-<name>-…`, removed with everything in it
 * when the test process exits (generated files run to hundreds of MB; a machine running the suite daily must not fill).
 */
export function scratchDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `segscope-${name}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Splits the open data by `column` in the Split workspace and waits for its segments. */
export async function splitBy(page, column) {
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', column);
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
}

/** Starts rule segments from the template whose name starts with `prefix` (the Rules workspace) and waits for the count. */
export async function ruleTemplate(page, prefix) {
  await goTo(page, 'segment/rules');
  await page.waitForSelector(`#rules-template option:has-text("${prefix}")`, { state: 'attached' });
  const value = await page.$eval('#rules-template', (s, p) => [...s.options].find((o) => o.text.startsWith(p)).value, prefix);
  await page.selectOption('#rules-template', value);
  await page.waitForSelector('li.segment-card');
  await page.waitForSelector('#remainder-count');
}

/** The files of a zip (a download, or an xlsx), by name, as text, read by Python's zipfile. */
export function unzip(bytes) {
  const dir = scratchDir('zip');
  const path = join(dir, 'download.zip');
  writeFileSync(path, bytes);
  const script = 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/**
 * Opens a workspace of the app shell from its navigation link (`data`, `segment/split`, `segment/rules`,
 * `segment/rfm`, `value/clv`, `segmentations`) and waits until it shows.
 */
export async function goTo(page, path) {
  const id = path.replace('/', '-');
  await page.click(`#nav-${id}`);
  await page.waitForSelector(`#workspace-${id}:not(.hidden)`);
  await page.waitForFunction((h) => location.hash === h, `#/${path}`);
}

/** Sets a test's column by typing in its searchable column box. */
export async function setColumn(page, id, name) {
  // A just-named derived field reaches the column list after the rules' debounced recount: type it again until taken.
  const taken = `.test[data-column="${name}"] #${id}`;
  for (let attempt = 0; ; attempt += 1) {
    await page.fill(`#${id}`, name);
    await page.dispatchEvent(`#${id}`, 'change');
    try {
      await page.waitForFunction((sel) => document.querySelector(sel), taken, { timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}
