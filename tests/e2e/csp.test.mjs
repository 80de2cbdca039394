// The shipped page's Content-Security-Policy (dist/index.html, as scripts/build.sh leaves it) is strict: nothing is
// allowed by default, scripts only from the page's own origin, WebAssembly compiled without eval, the inline loader by
// hash, connections only to the page's own origin, and nothing loaded from anywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { inlineScripts, hashSource } from '../../scripts/csp-hash.mjs';

const html = readFileSync(join(repoRoot, 'dist', 'index.html'), 'utf8');

/** The policy's directives: name → list of sources. */
function policy() {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  assert.equal(metas.length, 1, 'exactly one policy');
  const out = {};
  for (const part of metas[0][1].split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    out[name] = sources;
  }
  return out;
}

test('the shipped policy allows nothing by default and only the page itself where it must', () => {
  const p = policy();
  assert.deepEqual(p['default-src'], ["'none'"]);
  assert.deepEqual(p['connect-src'], ["'self'"], 'no request to another origin');
  assert.deepEqual(p['worker-src'], ["'self'"]);
  assert.deepEqual(p['object-src'], ["'none'"]);
  assert.deepEqual(p['base-uri'], ["'none'"]);
  assert.deepEqual(p['form-action'], ["'none'"]);
  const scripts = p['script-src'];
  assert.deepEqual(scripts.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  const hashes = scripts.slice(2);
  assert.ok(hashes.length > 0 && hashes.every((h) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(h)), scripts.join(' '));
  // Every inline script is allowed by its hash, and nothing else is.
  assert.deepEqual(hashes.sort(), inlineScripts(html).map(hashSource).sort());
  for (const [name, sources] of Object.entries(p)) {
    for (const s of sources) {
      assert.ok(!["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:'].includes(s), `${name} allows ${s}`);
      assert.ok(!/^(https?:)?\/\//.test(s), `${name} names another origin: ${s}`);
    }
  }
});

test('the page loads nothing from another origin', () => {
  const urls = [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]);
  assert.ok(urls.length > 0);
  for (const u of urls) assert.ok(!/^(https?:)?\/\//i.test(u), `another origin: ${u}`);
  assert.equal(/fonts\.googleapis|cdn\.|googletagmanager|analytics/i.test(html), false);
});
