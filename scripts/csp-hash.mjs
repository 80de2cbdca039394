#!/usr/bin/env node
// scripts/csp-hash.mjs: allow Trunk's inline loader <script> under a strict Content-Security-Policy by hash.
//
// Runs as Trunk's post_build hook (Trunk.toml): Trunk has then written the final index.html, including its inline
// `<script type="module">` loader, to $TRUNK_STAGING_DIR, before moving the staging dir to dist/.
// Replaces the token 'sha256-INLINE_SCRIPTS' inside <meta http-equiv="Content-Security-Policy" content="...">
// with the 'sha256-…' hashes of the text of EVERY inline <script> (every <script> without a src attribute).
//
//   node scripts/csp-hash.mjs                      hook mode: $TRUNK_STAGING_DIR/index.html (or $TRUNK_HTML_OUTPUT)
//   node scripts/csp-hash.mjs FILE.html            rewrite that file
//   node scripts/csp-hash.mjs --check FILE.html    rewrite nothing; fail unless the file's CSP has no placeholder and
//                                                  allows every inline script by hash
// No dependencies. Exit code 1 with a message on any problem.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PLACEHOLDER = "'sha256-INLINE_SCRIPTS'";

function fail(msg) {
  console.error(`csp-hash: ERROR: ${msg}`);
  process.exit(1);
}

/** Text of every inline <script> element, in document order (comments skipped). */
export function inlineScripts(html) {
  const out = [];
  const re = /<!--[\s\S]*?-->|<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/script\s*>/gi;
  for (const m of html.matchAll(re)) {
    if (m[0].startsWith('<!--')) continue;
    const attrs = m[1] ?? '';
    if (/(?:^|\s)src\s*=/i.test(attrs)) continue;
    out.push(m[2]);
  }
  return out;
}

/** CSP source expression for a script text, as the browser computes it. */
export function hashSource(text) {
  // The HTML parser normalises CR LF and lone CR to LF before the script text exists; hash what the browser sees.
  const normalised = text.replace(/\r\n?/g, '\n');
  return `'sha256-${createHash('sha256').update(normalised, 'utf8').digest('base64')}'`;
}

/** All CSP <meta> tags: [{ start, end, tag, quote, content, contentStart, contentEnd }]. */
function cspMetas(html) {
  const metas = [];
  const re = /<meta\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
  for (const m of html.matchAll(re)) {
    const tag = m[0];
    if (!/\bhttp-equiv\s*=\s*(["']?)content-security-policy\1/i.test(tag)) continue;
    const c = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (!c) fail(`CSP <meta> without a quoted content attribute: ${tag}`);
    const content = c[1] ?? c[2];
    const valueOffset = c.index + c[0].length - content.length - 1;
    metas.push({ start: m.index, tag, content, contentStart: m.index + valueOffset, contentEnd: m.index + valueOffset + content.length });
  }
  return metas;
}

function rewrite(html) {
  const metas = cspMetas(html);
  if (metas.length === 0) fail('no <meta http-equiv="Content-Security-Policy" content="..."> found');
  const withToken = metas.filter((m) => m.content.includes(PLACEHOLDER));
  if (withToken.length === 0) {
    fail(`placeholder ${PLACEHOLDER} not found in the CSP meta content: "${metas[0].content}". ` +
      `index.html must have script-src ... ${PLACEHOLDER} (it is replaced at build time).`);
  }
  const hashes = [...new Set(inlineScripts(html).map(hashSource))];
  let out = html;
  // Replace from the end so earlier offsets stay valid.
  for (const m of withToken.reverse()) {
    const replaced = m.content.split(PLACEHOLDER).join(hashes.join(' ')).replace(/[ \t]{2,}/g, ' ').replace(/ ;/g, ';');
    out = out.slice(0, m.contentStart) + replaced + out.slice(m.contentEnd);
  }
  return { out, hashes };
}

function check(html, file) {
  const metas = cspMetas(html);
  if (metas.length === 0) fail(`${file}: no CSP <meta> tag`);
  for (const m of metas) {
    if (m.content.includes('INLINE_SCRIPTS')) fail(`${file}: CSP still contains the placeholder: "${m.content}"`);
  }
  const scripts = inlineScripts(html);
  for (const [i, text] of scripts.entries()) {
    const h = hashSource(text);
    if (!metas.some((m) => m.content.includes(h))) {
      fail(`${file}: inline script #${i + 1} (${JSON.stringify(text.slice(0, 60))}…) has hash ${h}, which the CSP does not allow`);
    }
  }
  return scripts.length;
}

function main(argv) {
  const args = argv.slice(2);
  const checkMode = args[0] === '--check';
  if (checkMode) args.shift();
  let file = args[0];
  if (!file) {
    const staging = process.env.TRUNK_STAGING_DIR;
    if (!staging) fail('no file given and TRUNK_STAGING_DIR is not set (run as a Trunk post_build hook, or pass a path)');
    file = join(staging, process.env.TRUNK_HTML_OUTPUT || 'index.html');
  }
  let html;
  try {
    html = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
  if (checkMode) {
    const n = check(html, file);
    console.log(`csp-hash: ${file}: CSP allows all ${n} inline script(s) by hash, no placeholder left`);
    return;
  }
  const { out, hashes } = rewrite(html);
  writeFileSync(file, out);
  check(out, file);
  console.log(`csp-hash: ${file}: ${hashes.length} inline script hash(es) written into the CSP: ${hashes.join(' ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv);
