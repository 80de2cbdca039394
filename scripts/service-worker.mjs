#!/usr/bin/env node
// scripts/service-worker.mjs: writes the app's service worker (pwa/sw.js, the template) into the build, with the list of
// the build's files to keep for offline use and a version that changes whenever any of them does (a new version makes
// browsers install the new worker, which drops the old copy).
//
//   node scripts/service-worker.mjs            Trunk's post_build hook: $TRUNK_STAGING_DIR
//   node scripts/service-worker.mjs DIR        write DIR/sw.js
//   node scripts/service-worker.mjs --check DIR  write nothing; fail unless DIR/sw.js lists exactly DIR's other files
// No dependencies. Exit code 1 with a message on any problem.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const template = fileURLToPath(new URL('../pwa/sw.js', import.meta.url));
const NAME = 'sw.js';

function fail(msg) {
  console.error(`service-worker: ERROR: ${msg}`);
  process.exit(1);
}

/** Every file under `dir` but the service worker itself, as URL paths relative to `dir`, sorted. */
function buildFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => f !== NAME).sort();
}

/** The service worker for the build in `dir`. */
function serviceWorker(dir) {
  const files = buildFiles(dir);
  if (!files.includes('index.html')) fail(`${dir} has no index.html`);
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  const version = hash.digest('hex').slice(0, 16);
  const text = readFileSync(template, 'utf8');
  if (!text.includes("'__SEGSCOPE_FILES__'") || !text.includes('__SEGSCOPE_VERSION__')) fail(`${template} lacks its placeholders`);
  return text.replace("['__SEGSCOPE_FILES__']", JSON.stringify(files)).replace('__SEGSCOPE_VERSION__', version);
}

const args = process.argv.slice(2);
if (args[0] === '--check') {
  const dir = args[1] ?? fail('--check needs a folder');
  let written;
  try {
    written = readFileSync(join(dir, NAME), 'utf8');
  } catch {
    fail(`${dir}/${NAME} is missing`);
  }
  if (written !== serviceWorker(dir)) fail(`${dir}/${NAME} does not list the build's files as they are (build again)`);
  console.log(`service-worker: ${dir}/${NAME} keeps ${buildFiles(dir).length} files for offline use`);
} else {
  const dir = args[0] ?? process.env.TRUNK_STAGING_DIR ?? fail('no folder given and TRUNK_STAGING_DIR is not set');
  writeFileSync(join(dir, NAME), serviceWorker(dir));
}
