// Clusters as a person finds them: open the sample on the Clusters workspace, tick behaviour features (two from the
// transactions, one skewed with ln(1 + x) suggested), scan k = 2..8 and read the scores, the charts and the
// recommended k, choose k, fit, read the profiles (sizes, heat map, quartiles, the picture), rename a cluster, see
// its customers, download the CSV with clusters and the model; `segscope apply --model` on the same customers and
// transactions labels them the same, row for row; the clustering is in the Segmentations list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { newRecordedPage, artifactsDir, downloads, goTo, repoRoot, scratchDir, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

const work = scratchDir('clusters');
const segscope = (...args) =>
  execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });

useSite();

const FEATURES = ['age', 'income', 'app_sessions_90d', 'revenue', 'last_order_date'];
// A feature's tick box, as the workspace names it.
const tick = (name) => `#feature-${name.replace(/[^A-Za-z0-9]/g, '-')}`;

test('sample → Clusters: scan, fit, profiles, rename, downloads; segscope apply --model gives the same labels', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/clusters');
  // The transactions' aggregates join the offer once the sample's transactions are attached.
  await page.waitForSelector(tick('revenue'), { state: 'attached' });
  for (const f of FEATURES) await page.check(tick(f));
  // A skewed amount has ln(1 + x) ticked as suggested; income gets it by hand.
  assert.equal(await page.isChecked(`#cluster-features tr:has(${tick('revenue')}) .feature-log`), true, 'ln(1 + x) suggested for revenue');
  await page.check(`#cluster-features tr:has(${tick('income')}) .feature-log`);
  await page.selectOption('#cluster-missing', 'impute');
  await page.fill('#cluster-n-init', '4');
  await page.dispatchEvent('#cluster-n-init', 'change');

  // A k that is not a number gets the engine's sentence.
  await page.fill('#cluster-k', 'six');
  await page.click('#run-fit');
  await page.screenshot({ path: join(artifactsDir, 'clusters-features.png'), fullPage: true });
  await page.waitForFunction(() => document.body.innerText.includes('the number of clusters (k) must be a whole number from 2 to 50 (got `six`)'));

  await page.fill('#scan-min', '2');
  await page.dispatchEvent('#scan-min', 'change');
  await page.fill('#scan-max', '8');
  await page.dispatchEvent('#scan-max', 'change');
  await page.click('#run-scan');
  await page.waitForSelector('#scan-table tbody tr');
  const ks = await page.$$eval('#scan-table tbody tr td:first-child', (tds) => tds.map((t) => parseInt(t.textContent, 10)));
  assert.deepEqual(ks, [2, 3, 4, 5, 6, 7, 8]);
  const reason = await page.textContent('#scan-reason');
  assert.match(reason, /^Recommended: k = \d has the highest silhouette/);
  assert.equal(await page.locator('.scan-charts canvas').count(), 5, 'a chart per score');
  await page.screenshot({ path: join(artifactsDir, 'clusters-scan.png'), fullPage: true });

  // Choose k = 5 from the table and fit.
  await page.click('#scan-table tbody tr:nth-child(4) .use-k');
  assert.equal(await page.inputValue('#cluster-k'), '5');
  await page.click('#run-fit');
  await page.waitForSelector('#cluster-table tbody tr');
  assert.equal(await page.locator('#cluster-table tbody tr').count(), 5);
  const sizes = await page.$$eval('#cluster-table tbody tr .show-cluster', (b) => b.map((x) => parseInt(x.textContent, 10)));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 5000, 'every customer in a cluster');
  const names = await page.$$eval('.cluster-name', (i) => i.map((x) => x.value));
  assert.equal(new Set(names).size, 5, 'suggested names are distinct');
  assert.ok(names.every((n) => n.length > 0));
  assert.equal(await page.locator('#cluster-heatmap tbody tr').count(), FEATURES.length, 'a heat map row per feature');
  assert.ok(await page.locator('#cluster-heatmap td.heat-p3, #cluster-heatmap td.heat-n3').count() > 0, 'some cluster stands out');
  assert.equal(await page.locator('#cluster-quartiles tbody tr').count(), FEATURES.length);
  // The distributions chart opens on a feature (all five are numbers): a box per cluster, with its quartile box.
  assert.ok(FEATURES.includes(await page.$eval('#cluster-distributions-feature', (s) => s.selectedOptions[0].textContent)));
  assert.equal(await page.locator('#cluster-distributions .dist-box').count(), 5, 'a box per cluster');
  assert.equal(await page.locator('#cluster-distributions .dist-box rect[fill-opacity]').count(), 5);
  // The distribution chart downloads as a standalone SVG and as a PNG drawn from it.
  const [svg] = await downloads(page, '.chart-svg[data-chart="cluster-distributions"]', (n) => n.length === 1);
  const vector = svg.bytes.toString('utf8');
  assert.ok(vector.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && (vector.match(/class="dist-box"/g) ?? []).length === 5, vector.slice(0, 200));
  const [png] = await downloads(page, '.chart-png[data-chart="cluster-distributions"]', (n) => n.length === 1);
  assert.equal(png.name, 'cluster-distributions.png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  assert.ok(png.bytes.length > 2000, `the PNG has the chart drawn: ${png.bytes.length} bytes`);
  assert.match(await page.textContent('#clusters-facts'), /5000 of 5000/);

  // Rename cluster 2; the name is kept, and is what the CSV says.
  await page.fill('#cluster-name-2', 'App-first regulars');
  await page.dispatchEvent('#cluster-name-2', 'change');
  await page.waitForFunction(() => [...document.querySelectorAll('#cluster-sizes')].length && document.querySelector('#cluster-heatmap thead').textContent.includes('App-first regulars'));
  await page.click('#cluster-table tbody tr:nth-child(2) .show-cluster');
  await page.waitForSelector('#cluster-preview tbody tr');
  await page.screenshot({ path: join(artifactsDir, 'clusters-profile.png'), fullPage: true });

  const files = await downloads(page, '#clusters-download-csv', (n) => n.some((x) => x.endsWith('.csv')));
  const csv = files.find((f) => f.name.endsWith('.csv'));
  const rows = parseCsv(csv.bytes.toString('utf8'));
  assert.equal(rows.length, 5001);
  assert.equal(rows[0].at(-1), 'segment');
  assert.equal(rows.filter((r) => r.at(-1) === 'App-first regulars').length, sizes[1]);
  const modelFile = (await downloads(page, '#clusters-download-model', (n) => n.some((x) => x.endsWith('.cluster-model.json')))).find((f) => f.name.endsWith('.cluster-model.json'));
  const model = JSON.parse(modelFile.bytes.toString('utf8'));
  assert.equal(model.format, 'segscope.cluster-model/1');
  assert.equal(model.k, 5);
  assert.equal(model.clusters[1].name, 'App-first regulars');
  assert.ok(model.transactions, 'it reads aggregates of the transactions, so it keeps their mapping');

  // The same customers and transactions labelled by the command line with the downloaded model.
  segscope('sample', '--out', work, '--customers', '5000');
  writeFileSync(join(work, 'model.json'), modelFile.bytes);
  segscope('apply', '--model', join(work, 'model.json'), '--input', join(work, 'customers.csv'),
    '--transactions', join(work, 'transactions.csv'), '--output', join(work, 'labelled.csv'));
  const cli = parseCsv(readFileSync(join(work, 'labelled.csv'), 'utf8'));
  assert.equal(cli.length, rows.length);
  for (let i = 1; i < rows.length; i++) {
    assert.equal(cli[i].at(-1), rows[i].at(-1), `row ${i}: the page and segscope apply --model agree`);
  }

  // The same features, settings and seed fitted natively by the command line: the same centres, names and labels as
  // the page's WebAssembly fit (determinism across builds), and the model's SQL gives every customer's cluster in DuckDB.
  segscope('cluster', '--input', join(work, 'customers.csv'), '--transactions', join(work, 'transactions.csv'),
    '--features', FEATURES.join(','), '--log', model.features.filter((f) => f.log).map((f) => f.column).join(','), '--missing', 'impute', '--n-init', '4', '--seed', '0',
    '--k', '5', '--output', join(work, 'native.csv'), '--model', join(work, 'native-model.json'));
  const native = JSON.parse(readFileSync(join(work, 'native-model.json'), 'utf8'));
  assert.deepEqual(native.clusters.map((c) => c.centre), model.clusters.map((c) => c.centre), 'the same centres, to the bit');
  assert.equal(native.inertia, model.inertia);
  const nativeRows = parseCsv(readFileSync(join(work, 'native.csv'), 'utf8'));
  const renamed = (name) => (name === 'App-first regulars' ? native.clusters[1].name : name);
  for (let i = 1; i < rows.length; i++) {
    assert.equal(nativeRows[i].at(-1), renamed(rows[i].at(-1)), `row ${i}: the native fit labels it as the page did`);
  }
  await goTo(page, 'segmentations');
  await page.waitForSelector('#segmentations-table tbody tr[data-kind="clusters"]');
  await page.selectOption('#segmentations-dialect', 'duckdb');
  const sqlFile = (await downloads(page, '#segmentations-table tbody tr[data-kind="clusters"] .download-sql', (n) => n.some((x) => x.endsWith('.sql')))).find((f) => f.name.endsWith('.sql'));
  assert.match(sqlFile.name, /\.duckdb\.sql$/);
  const query = sqlFile.bytes.toString('utf8').trim().replace(/;$/, '');
  const py = `
import duckdb, json, sys
con = duckdb.connect()
con.execute("CREATE TABLE customers AS SELECT * FROM read_csv(?, header=true, nullstr=['', 'NA'], types={'customer_id': 'VARCHAR'})", [sys.argv[1]])
con.execute("CREATE TABLE transactions AS SELECT * FROM read_csv(?, header=true, types={'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'order_date': 'DATE'})", [sys.argv[2]])
print(json.dumps(con.execute("SELECT customer_id, cluster FROM (" + sys.argv[3] + ") ORDER BY customer_id").fetchall()))`;
  const duck = JSON.parse(execFileSync('python3', ['-c', py, join(work, 'customers.csv'), join(work, 'transactions.csv'), query], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const byId = new Map(rows.slice(1).map((r) => [r[0], r.at(-1)]));
  assert.equal(duck.length, 5000);
  for (const [id, cluster] of duck) assert.equal(cluster, byId.get(id), `customer ${id}: DuckDB puts them in the page's cluster`);
  await goTo(page, 'segment/clusters');

  // The clusters as rules: how often they agree, then opened in the rule builder as ordinary rule segments.
  const agreement = await page.textContent('#cluster-rules-agreement');
  const share = parseInt(agreement.match(/put (\d+)% of customers/)[1], 10);
  assert.ok(share >= 70, `the rules agree with the clusters for most customers (${agreement})`);
  assert.equal(await page.locator('#cluster-rules tbody tr').count(), 5);
  assert.ok((await page.textContent('#cluster-rules')).includes('App-first regulars'), 'the renamed cluster names its rules');
  await page.click('#clusters-open-rules');
  await page.waitForSelector('#workspace-segment-rules:not(.hidden)');
  await page.waitForFunction(() => document.querySelectorAll('li.segment-card').length >= 4);
  await page.waitForSelector('#remainder-count');
  const segmentNames = await page.$$eval('li.segment-card .segment-name', (i) => i.map((x) => x.value));
  assert.ok(segmentNames.includes('App-first regulars'), `rule segments named as the clusters: ${segmentNames}`);
  await page.screenshot({ path: join(artifactsDir, 'clusters-rules.png'), fullPage: true });

  // It is a segmentation like the others.
  await goTo(page, 'segmentations');
  await page.waitForSelector('#segmentations-table tbody tr[data-kind="clusters"]');
  const row = '#segmentations-table tbody tr[data-kind="clusters"]';
  assert.equal(await page.textContent(`${row} .download-definition`), 'Model');
  await page.selectOption('#segmentations-dialect', 'duckdb');
  const sql = (await downloads(page, `${row} .download-sql`, (n) => n.some((x) => x.endsWith('.sql')))).find((f) => f.name.endsWith('.sql'));
  assert.match(sql.name, /\.duckdb\.sql$/);
  assert.match(sql.bytes.toString('utf8'), /cluster/);

  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});

test('k-prototypes on numbers and categories: Gower scan, fit, and the native fit gives the page\'s labels', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/clusters');
  await page.waitForSelector(tick('life_stage'), { state: 'attached' });
  for (const f of ['age', 'income', 'life_stage', 'urbanicity']) await page.check(tick(f));
  await page.check(`#cluster-features tr:has(${tick('income')}) .feature-log`);
  await page.selectOption('#cluster-method', 'kprototypes');
  await page.waitForSelector('#cluster-gamma');
  await page.fill('#cluster-n-init', '3');
  await page.dispatchEvent('#cluster-n-init', 'change');
  await page.fill('#scan-min', '2');
  await page.dispatchEvent('#scan-min', 'change');
  await page.fill('#scan-max', '5');
  await page.dispatchEvent('#scan-max', 'change');
  await page.click('#run-scan');
  await page.waitForSelector('#scan-table tbody tr');
  assert.equal(await page.locator('#scan-table tbody tr').count(), 4);
  assert.match(await page.textContent('#workspace-segment-clusters'), /Silhouette: Gower's distance/);
  await page.fill('#cluster-k', '4');
  await page.click('#run-fit');
  await page.waitForSelector('#cluster-table tbody tr');
  assert.equal(await page.locator('#cluster-table tbody tr').count(), 4);
  assert.match(await page.textContent('#clusters-fitted-with'), /^k-prototypes \(Huang\).*γ = 0\.5$/);
  assert.match(await page.textContent('#clusters-facts'), /Gower's distance/);
  // A category's distribution is a bar of its levels' shares per cluster.
  await page.selectOption('#cluster-distributions-feature', { label: 'life_stage' });
  await page.screenshot({ path: join(artifactsDir, 'clusters-kprototypes.png'), fullPage: true });
  const files = await downloads(page, '#clusters-download-csv', (n) => n.some((x) => x.endsWith('.csv')));
  const rows = parseCsv(files.find((f) => f.name.endsWith('.csv')).bytes.toString('utf8'));
  const modelFile = (await downloads(page, '#clusters-download-model', (n) => n.some((x) => x.endsWith('.cluster-model.json')))).find((f) => f.name.endsWith('.cluster-model.json'));
  const model = JSON.parse(modelFile.bytes.toString('utf8'));
  assert.equal(model.algorithm, 'kprototypes');
  assert.ok(Math.abs(model.gamma - 0.5) < 1e-12, 'z-scored numbers: half their mean sd of 1');

  // Natively, the same settings and seed: the same centres and labels (determinism across builds).
  const dir = scratchDir('kproto');
  segscope('sample', '--out', dir, '--customers', '5000');
  segscope('cluster', '--input', join(dir, 'customers.csv'), '--features', 'age,income,life_stage,urbanicity', '--log', 'income',
    '--algorithm', 'kprototypes', '--n-init', '3', '--seed', '0', '--k', '4',
    '--output', join(dir, 'native.csv'), '--model', join(dir, 'native-model.json'));
  const native = JSON.parse(readFileSync(join(dir, 'native-model.json'), 'utf8'));
  assert.deepEqual(native.clusters.map((c) => c.centre), model.clusters.map((c) => c.centre), 'the same centres, to the bit');
  assert.equal(native.inertia, model.inertia);
  const nativeRows = parseCsv(readFileSync(join(dir, 'native.csv'), 'utf8'));
  assert.equal(nativeRows.length, rows.length);
  // A customer missing a value is in the page's segment of its own; the command line leaves the field empty.
  const asCli = (name) => (name === 'Not clustered (missing values)' ? '' : name);
  for (let i = 1; i < rows.length; i++) assert.equal(nativeRows[i].at(-1), asCli(rows[i].at(-1)), `row ${i}: the native fit labels it as the page did`);
  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});

test('a Gaussian mixture: BIC in the scan, soft membership in the profile, and the native fit gives the page\'s model', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/clusters');
  await page.waitForSelector(tick('revenue'), { state: 'attached' });
  for (const f of ['age', 'income', 'app_sessions_90d']) await page.check(tick(f));
  await page.check(`#cluster-features tr:has(${tick('income')}) .feature-log`);
  await page.selectOption('#cluster-method', 'mixture');
  await page.fill('#cluster-n-init', '2');
  await page.dispatchEvent('#cluster-n-init', 'change');
  await page.fill('#scan-min', '2');
  await page.dispatchEvent('#scan-min', 'change');
  await page.fill('#scan-max', '4');
  await page.dispatchEvent('#scan-max', 'change');
  await page.click('#run-scan');
  await page.waitForSelector('#scan-table tbody tr');
  assert.equal(await page.locator('#scan-table tbody tr').count(), 3);
  assert.equal(await page.locator('.scan-charts canvas').count(), 6, 'a chart per score, BIC included');
  await page.fill('#cluster-k', '3');
  await page.click('#run-fit');
  await page.waitForSelector('#cluster-table tbody tr');
  assert.match(await page.textContent('#clusters-fitted-with'), /^Gaussian mixture/);
  assert.match(await page.textContent('#clusters-membership'), /% of the customers clustered have no cluster with a probability of/);
  assert.equal(await page.locator('#cluster-table tbody td.membership').count(), 3, 'each cluster\'s members\' mean probability');
  await page.screenshot({ path: join(artifactsDir, 'clusters-mixture.png'), fullPage: true });
  const files = await downloads(page, '#clusters-download-csv', (n) => n.some((x) => x.endsWith('.csv')));
  const rows = parseCsv(files.find((f) => f.name.endsWith('.csv')).bytes.toString('utf8'));
  const modelFile = (await downloads(page, '#clusters-download-model', (n) => n.some((x) => x.endsWith('.cluster-model.json')))).find((f) => f.name.endsWith('.cluster-model.json'));
  const model = JSON.parse(modelFile.bytes.toString('utf8'));
  assert.equal(model.algorithm, 'mixture');
  assert.ok(model.mixture, 'the model keeps the weights and precisions');

  // Natively, the same settings and seed: the same model to the bit (logs and exponentials are the libm crate's).
  const dir = scratchDir('mixture');
  segscope('sample', '--out', dir, '--customers', '5000');
  segscope('cluster', '--input', join(dir, 'customers.csv'), '--features', 'age,income,app_sessions_90d', '--log', 'income',
    '--algorithm', 'mixture', '--n-init', '2', '--seed', '0', '--k', '3',
    '--output', join(dir, 'native.csv'), '--model', join(dir, 'native-model.json'));
  const native = JSON.parse(readFileSync(join(dir, 'native-model.json'), 'utf8'));
  assert.deepEqual(native.clusters.map((c) => c.centre), model.clusters.map((c) => c.centre), 'the same means, to the bit');
  assert.deepEqual(native.mixture, model.mixture, 'the same weights and precisions, to the bit');
  const nativeRows = parseCsv(readFileSync(join(dir, 'native.csv'), 'utf8'));
  const asCli = (name) => (name === 'Not clustered (missing values)' ? '' : name);
  for (let i = 1; i < rows.length; i++) assert.equal(nativeRows[i].at(-1), asCli(rows[i].at(-1)), `row ${i}: the native fit labels it as the page did`);
  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});

test('a fit shows its progress, and Cancel leaves the clusters made before as they were', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  page.setDefaultTimeout(120_000);
  await page.goto(server.url + '?sample=200000#/segment/clusters');
  await page.waitForSelector(tick('revenue'), { state: 'attached' });
  for (const f of ['age', 'income', 'app_sessions_90d']) await page.check(tick(f));
  await page.fill('#cluster-n-init', '2');
  await page.dispatchEvent('#cluster-n-init', 'change');
  await page.fill('#cluster-k', '3');
  await page.click('#run-fit');
  await page.waitForFunction(() => document.querySelectorAll('#cluster-table tbody tr').length === 3);
  const before = await page.$$eval('.cluster-name', (i) => i.map((x) => x.value));

  // A long fit: many restarts of k = 8. Its progress moves; Cancel stops it.
  await page.fill('#cluster-n-init', '100');
  await page.dispatchEvent('#cluster-n-init', 'change');
  await page.fill('#cluster-k', '8');
  await page.click('#run-fit');
  await page.waitForFunction(() => /k-means/.test(document.querySelector('#busy')?.textContent ?? ''));
  await page.waitForFunction(() => Number(document.querySelector('#busy-progress')?.value) > 0);
  await page.click('#cancel');
  await page.waitForSelector('#notice');
  assert.match(await page.textContent('#notice'), /Cancelled\. Everything is as it was before\./);
  await page.waitForFunction(() => !document.querySelector('#busy'), null, { timeout: 180_000 });
  assert.deepEqual(await page.$$eval('.cluster-name', (i) => i.map((x) => x.value)), before, 'the clusters shown are those made before');
  await goTo(page, 'segmentations');
  await page.waitForSelector('#segmentations-table tbody tr[data-kind="clusters"]');
  assert.equal(await page.inputValue('#segmentations-table tbody tr[data-kind="clusters"] .segmentation-name'), 'Clusters (k = 3)');
  rec.assertNoErrors();
  rec.assertNoForeignRequests();
  await rec.close();
});
