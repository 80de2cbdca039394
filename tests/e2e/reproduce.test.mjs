// Reproducible results as a person checks them: a file opened in the page, split, and the CSV with segments and its
// manifest downloaded; then `segscope verify MANIFEST INPUT` (the command line, on the same input file) re-runs the
// manifest, says `identical`, and its own copy of the CSV (`--out`) is byte for byte the page's download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launchBrowser, newRecordedPage, artifactsDir, repoRoot, goTo, download, scratchDir } from './harness.mjs';

const input = join(repoRoot, 'tests', 'e2e', 'fixtures', 'customers.csv');
const work = scratchDir('reproduce');
let server, browser, segscope;

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  execFileSync('cargo', ['build', '--quiet', '-p', 'segscope-cli'], { cwd: repoRoot });
  segscope = join(repoRoot, 'target', 'debug', 'segscope');
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the page's download and its manifest verify with the command line, byte for byte", async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.waitForSelector('#try-sample');
  await page.setInputFiles('#file-input', input);
  await page.waitForFunction(() => document.querySelector('.nav-data')?.textContent.startsWith('customers.csv:'));
  await goTo(page, 'segment/split');
  await page.selectOption('#split-column', 'country');
  await page.click('#run-split');
  await page.waitForSelector('#segment-table tbody tr');
  const csv = await download(page, '#download-csv');
  const manifest = await download(page, '#download-manifest');
  assert.match(csv.name, /\.csv$/);
  assert.equal(manifest.name, `${csv.name}.manifest.json`);
  writeFileSync(join(work, csv.name), csv.bytes);
  writeFileSync(join(work, manifest.name), manifest.bytes);
  const recorded = JSON.parse(manifest.bytes.toString('utf8'));
  assert.equal(recorded.format, 'segscope.manifest/2');

  const out = join(work, 'cli');
  const run = spawnSync(segscope, ['verify', join(work, manifest.name), input, '--out', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, `segscope verify: ${run.stdout}${run.stderr}`);
  assert.match(run.stdout, /identical\n$/);
  assert.ok(readFileSync(join(out, csv.name)).equals(csv.bytes), "the CLI's CSV is the page's, byte for byte");

  // Another file under the same name is said to be another file.
  const other = join(work, 'customers.csv');
  writeFileSync(other, readFileSync(input, 'utf8').replace('France', 'Franse'));
  const changed = spawnSync(segscope, ['verify', join(work, manifest.name), other], { encoding: 'utf8' });
  assert.notEqual(changed.status, 0);
  assert.match(changed.stdout + changed.stderr, /SHA-256/);
  rec.assertNoErrors();
  await rec.close();
});
