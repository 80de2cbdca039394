// Transactions whose customer key the customers file names differently: the page keeps them, says what is
// missing, and the user picks the customers' key in the mapping form (the choices come from the engine).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newRecordedPage, artifactsDir, repoRoot } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the customers key is chosen in the mapping form when the customers file names it differently', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  const customers = readFileSync(join(repoRoot, 'tests/e2e/fixtures/customers.csv'), 'utf8').replace(/^customer_id,/, 'client_ref,');
  await page.setInputFiles('#file-input', { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(customers) });
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.setInputFiles('#transactions-input', join(repoRoot, 'tests/e2e/fixtures/transactions.csv'));
  await page.waitForSelector('#transactions-unjoined');
  assert.match(await page.textContent('#transactions-unjoined'), /crm\.csv has no column `customer_id`.*`client_ref`/);
  // The form is open, and offers the customers' key columns the engine accepts.
  const keys = await page.$$eval('#map-customer-key option', (os) => os.map((o) => o.value));
  assert.ok(keys.includes('client_ref') && keys.includes('name'), keys.join());
  assert.ok(!keys.includes('spend') && !keys.includes('signup'), `a number or a date is no key: ${keys.join()}`);
  await page.selectOption('#map-customer-key', 'client_ref');
  await page.click('#remap');
  await page.waitForSelector('#transactions-unjoined', { state: 'detached' });
  const report = await page.textContent('#transactions-report');
  assert.match(report, /1 transactions of 1 customer keys that are not in the customers file were left out/);
  await page.screenshot({ path: join(artifactsDir, 'transactions-key.png'), fullPage: true });
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
