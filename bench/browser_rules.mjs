// Times the live-count update in the real app: headless Chromium, the release build, a 100,000-customer
// sample (?sample=100000), the example definition opened through the UI. Reads the engine's own timing
// of each apply-rules request (data-engine-ms-apply-rules on <html>) and prints the median as JSON.
import { join } from 'node:path';
import { startServer, launchBrowser, repoRoot } from '../tests/e2e/harness.mjs';

const customers = Number(process.argv[2] ?? 100000);
const repeats = Number(process.argv[3] ?? 11);
const server = await startServer();
const browser = await launchBrowser();
const page = await (await browser.newContext()).newPage();
await page.goto(server.url + `?sample=${customers}`);
await page.waitForSelector('#dataset-summary', { timeout: 120000 });
await page.setInputFiles('#open-definition', join(repoRoot, 'examples/segments/sample-lifestyle.json'));
await page.waitForSelector('li.segment-card[data-index="4"]');
const times = [];
for (let i = 0; i < repeats; i++) {
  await page.evaluate(() => document.documentElement.removeAttribute('data-engine-ms-apply-rules'));
  await page.fill('#segment-name-0', `New this half-year ${i}`); // any edit triggers a recount
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-engine-ms-apply-rules'), null, { timeout: 60000 });
  times.push(Number(await page.evaluate(() => document.documentElement.getAttribute('data-engine-ms-apply-rules'))));
}
times.sort((a, b) => a - b);
const ingest = Number(await page.evaluate(() => document.documentElement.getAttribute('data-engine-ms-load-sample')));
console.log(JSON.stringify({ wasm_ms: times[Math.floor(times.length / 2)], wasm_sample_ms: ingest, chromium: browser.version() }));
await browser.close();
await server.close();
