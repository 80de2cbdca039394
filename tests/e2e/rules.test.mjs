// The rule builder as a marketer uses it: build three segments (one with a nested OR group) on the sample
// data, check the live counts against `segscope apply --summary` on the same file, save the definition, reload
// the page and open it again, download the CSV with segments and the SQL, and run that SQL in DuckDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newRecordedPage, artifactsDir, repoRoot, download, downloads, goTo, setColumn, scratchDir, useSite, server, browser } from './harness.mjs';
import { parseCsv } from './csv.mjs';

const work = scratchDir('rules');

function segscope(...args) {
  return execFileSync('cargo', ['run', '--quiet', '-p', 'segscope-cli', '--', ...args], { cwd: repoRoot, encoding: 'utf8' });
}

useSite(async () => {
  segscope('sample', '--out', work); // the same seed and size as the app's built-in sample
});

/** Live counts as shown: [[name, count], ...] with the remainder last. */
async function liveCounts(page) {
  return page.evaluate(() => {
    const out = [...document.querySelectorAll('li.segment-card')].map((li) => [
      li.querySelector('.segment-name').value,
      Number(li.querySelector('.segment-count').textContent.split(' ')[0]),
    ]);
    out.push([document.querySelector('#remainder-name').value, Number(document.querySelector('#remainder-count').textContent.split(' ')[0])]);
    return out;
  });
}

async function settled(page) {
  // Counts are debounced: wait until they stop changing.
  let last = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(150);
    const now = JSON.stringify(await liveCounts(page).catch(() => null));
    if (now === last && !now.includes('null') && !now.includes('NaN')) return JSON.parse(now);
    last = now;
  }
  throw new Error('live counts did not settle: ' + last);
}

test('build segments, compare live counts with the CLI, save, reopen, download CSV and SQL', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });

  // 1. Young adults: age < 30.
  await page.click('#add-segment');
  await page.fill('#segment-name-0', 'Young adults');
  await setColumn(page, 'seg0-c0-column', 'age');
  await page.selectOption('#seg0-c0-op', 'lt');
  await page.fill('#seg0-c0-value', '30');

  // 2. Families in towns: life_stage is "Family with children" AND (urbanicity is Urban OR Suburban).
  await page.click('#add-segment');
  await page.fill('#segment-name-1', 'Families in towns');
  await setColumn(page, 'seg1-c0-column', 'life_stage');
  await page.waitForSelector('#seg1-c0-value option[value="Family with children"]', { state: 'attached' });
  await page.selectOption('#seg1-c0-value', 'Family with children');
  await page.click('li.segment-card[data-index="1"] .group.root > .group-actions .add-group');
  await page.waitForSelector('#seg1-c1-group');
  assert.equal(await page.$eval('#seg1-c1-group', (s) => s.value), 'any');
  await setColumn(page, 'seg1-c1-0-column', 'urbanicity');
  await page.waitForSelector('#seg1-c1-0-value option[value="Urban"]', { state: 'attached' });
  await page.selectOption('#seg1-c1-0-value', 'Urban');
  await page.click('li.segment-card[data-index="1"] .group:not(.root) .add-condition');
  await setColumn(page, 'seg1-c1-1-column', 'urbanicity');
  await page.waitForSelector('#seg1-c1-1-value option[value="Suburban"]', { state: 'attached' });
  await page.selectOption('#seg1-c1-1-value', 'Suburban');

  // 3. Opted in: email_opt_in is true.
  await page.click('#add-segment');
  await page.fill('#segment-name-2', 'Opted in');
  await setColumn(page, 'seg2-c0-column', 'email_opt_in');
  await page.selectOption('#seg2-c0-op', 'is_true');
  await page.fill('#remainder-name', 'Everyone else');

  // What the editor shows is what was chosen, also after later edits re-rendered it.
  assert.equal(await page.$eval('#seg1-c0-value', (s) => s.value), 'Family with children');
  assert.equal(await page.$eval('#seg1-c1-1-value', (s) => s.value), 'Suburban');

  const counts = await settled(page);
  assert.equal(counts.length, 4);
  assert.equal(counts.reduce((n, c) => n + c[1], 0), 5000);
  assert.ok(counts.every(([, n]) => n > 0), JSON.stringify(counts));
  await page.locator('section.rules').screenshot({ path: join(artifactsDir, 'rule-builder.png') });

  // Save the definition; the CLI applied to the same file must give the same counts.
  const saved = await download(page, '#save-definition', '.segments.json');
  const defPath = join(work, saved.name);
  writeFileSync(defPath, saved.bytes);
  const def = JSON.parse(saved.bytes.toString('utf8'));
  assert.equal(def.format, 'segscope.segments/1');
  assert.equal(def.segments[1].when.all[1].any.length, 2, 'the nested OR group is saved');
  const summary = segscope('apply', '--definition', defPath, '--input', join(work, 'customers.csv'), '--output', join(work, 'out.csv'), '--summary');
  for (const [name, n] of counts) {
    const line = summary.split('\n').find((l) => l.startsWith(name + ' '));
    assert.ok(line, `CLI summary lists ${name}:\n${summary}`);
    assert.equal(Number(line.slice(name.length).trim().split(/\s+/)[0]), n, `${name}: UI ${n} vs CLI\n${summary}`);
  }

  // Reload the page and open the saved definition: the same segments and counts come back.
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.setInputFiles('#open-definition', defPath);
  await page.waitForSelector('li.segment-card[data-index="2"]');
  assert.deepEqual(await settled(page), counts);
  assert.equal(await page.$eval('#seg1-c1-1-value', (s) => s.value), 'Suburban');

  // Undo removes the last change, and can be undone step by step.
  await page.click('li.segment-card[data-index="2"] .delete-segment');
  await page.waitForFunction(() => document.querySelectorAll('li.segment-card').length === 2);
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelectorAll('li.segment-card').length === 3);

  // Overlapping mode: one flag per segment, and the overlap matrix's diagonal is each segment's size.
  await page.selectOption('#rules-mode', 'overlapping');
  await page.waitForFunction(() => !document.querySelector('#remainder-count'));
  await page.waitForSelector('#overlap-matrix');
  const flagged = await page.evaluate(() => [...document.querySelectorAll('li.segment-card .segment-count')].map((e) => Number(e.textContent.split(' ')[0])));
  const diagonal = await page.$$eval('#overlap-matrix tbody tr', (rows) => rows.map((r, i) => Number(r.cells[i + 1].textContent.split(' ')[0])));
  assert.deepEqual(diagonal, flagged);
  assert.equal(flagged[0], counts[0][1], 'the first segment takes the same customers in both modes');
  await page.click('#undo');
  await page.waitForSelector('#remainder-count');

  // Download the data with segments: every row, its segment as the CLI wrote it.
  // The CSV comes with its manifest (DECISIONS 12).
  const files = await downloads(page, '#rules-download-csv', (names) => names.length === 2);
  const csv = files.find((f) => f.name.endsWith('.csv'));
  const manifest = JSON.parse(files.find((f) => f.name.endsWith('.csv.manifest.json')).bytes.toString('utf8'));
  assert.equal(manifest.output_file, csv.name);
  const rows = parseCsv(csv.bytes.toString('utf8'));
  const cli = parseCsv(readFileSync(join(work, 'out.csv'), 'utf8'));
  assert.equal(rows.length, 5001);
  assert.deepEqual(rows, cli, 'the browser download equals `segscope apply` output');

  // Download the DuckDB SQL and run it on the same file: the same counts.
  const sql = await download(page, '#download-sql', '.sql');
  assert.match(sql.name, /\.duckdb\.sql$/);
  const query = sql.bytes.toString('utf8').trim().replace(/;$/, '');
  const py = `
import duckdb, json, sys
con = duckdb.connect()
con.execute("CREATE TABLE customers AS SELECT * FROM read_csv(?, header=true, nullstr=['', 'NA'], types={'customer_id': 'VARCHAR'})", [sys.argv[1]])
rows = con.execute("SELECT segment, count(*) FROM (" + sys.argv[2] + ") GROUP BY segment").fetchall()
print(json.dumps(dict(rows)))`;
  const duck = JSON.parse(execFileSync('python3', ['-c', py, join(work, 'customers.csv'), query], { encoding: 'utf8' }));
  for (const [name, n] of counts) assert.equal(duck[name] ?? 0, n, `DuckDB count for ${name}`);

  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('start from a template, edit it, and undo back', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.waitForSelector('#rules-template option:has-text("Age bands")', { state: 'attached' });
  const label = await page.$eval('#rules-template', (s) => [...s.options].find((o) => o.text.startsWith('Age bands')).value);
  await page.selectOption('#rules-template', label);
  await page.waitForSelector('li.segment-card[data-index="5"]');
  const ages = await settled(page);
  assert.deepEqual(ages.map((c) => c[0]), ['18–24', '25–34', '35–44', '45–54', '55–64', '65+', 'Under 18 or unknown']);
  assert.equal(ages.reduce((n, c) => n + c[1], 0), 5000);
  // Numbers in a range get a slider per bound; segments reorder by dragging.
  assert.equal(await page.locator('li.segment-card[data-index="0"] input.slider').count(), 2);
  await page.locator('li.segment-card[data-index="1"]').scrollIntoViewIfNeeded();
  await page.dragAndDrop('li.segment-card[data-index="1"] .drag', 'li.segment-card[data-index="0"] .order');
  await page.waitForFunction(() => document.querySelector('#segment-name-0')?.value === '25–34');
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#segment-name-0')?.value === '18–24');
  const life = await page.$eval('#rules-template', (s) => [...s.options].find((o) => o.text.startsWith('Life stage')).value);
  await page.selectOption('#rules-template', life);
  await page.waitForFunction(() => document.querySelector('#segment-name-0')?.value === 'Retired');
  assert.deepEqual((await settled(page)).map((c) => c[0]), ['Retired', 'Empty nester', 'Couple', 'Single']);
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#segment-name-0')?.value === '18–24');
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('a derived field (months since signup) is usable in a rule and counts like the CLI', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.fill('#rules-as-of', '2026-01-01');
  await page.click('.derived summary');
  await page.click('#add-derived');
  await page.waitForSelector('#derived-kind-0');
  assert.equal(await page.$eval('#derived-kind-0', (s) => s.value), 'tenure');
  assert.equal(await page.$eval('#derived-from-0', (s) => s.value), 'signup_date');
  await page.selectOption('#derived-unit-0', 'months');
  await page.fill('#derived-name-0', 'tenure_months');
  await page.click('#add-segment');
  await setColumn(page, 'seg0-c0-column', 'tenure_months');
  await page.selectOption('#seg0-c0-op', 'ge');
  await page.fill('#seg0-c0-value', '60');
  await page.fill('#segment-name-0', 'Loyal (5+ years)');
  const counts = await settled(page);
  // `segscope apply` on examples/segments/sample-tenure-income.json (as of 2026-01-01) on the same file.
  const summary = segscope('apply', '--definition', join(repoRoot, 'examples/segments/sample-tenure-income.json'),
    '--input', join(work, 'customers.csv'), '--output', join(work, 'tenure.csv'), '--summary');
  const line = summary.split('\n').find((l) => l.startsWith('Loyal (5+ years) '));
  assert.equal(counts[0][1], Number(line.slice('Loyal (5+ years)'.length).trim().split(/\s+/)[0]), summary);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('transactions: the sample comes with them, value rules count like the CLI, and the SQL runs in DuckDB', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample');
  await page.waitForSelector('#transactions-summary');
  assert.match(await page.textContent('#transactions-summary'), /sample-transactions\.csv: \d+ rows/);
  assert.match(await page.textContent('#transactions-report'), /have none \(0 orders, no dates\)/);
  const example = join(repoRoot, 'examples/segments/sample-value.json');
  await goTo(page, 'segment/rules');
  await page.setInputFiles('#open-definition', example);
  await page.waitForSelector('li.segment-card[data-index="3"]');
  const counts = await settled(page);
  const summary = segscope('apply', '--definition', example, '--input', join(work, 'customers.csv'),
    '--transactions', join(work, 'transactions.csv'), '--output', join(work, 'value.csv'), '--summary');
  for (const [name, n] of counts) {
    const line = summary.split('\n').find((l) => l.startsWith(name + ' '));
    assert.equal(Number(line.slice(name.length).trim().split(/\s+/)[0]), n, `${name}\n${summary}`);
  }
  const sql = await download(page, '#download-sql', '.sql');
  const query = sql.bytes.toString('utf8').trim().replace(/;$/, '');
  assert.match(query, /segscope_orders/);
  const py = `
import duckdb, json, sys
con = duckdb.connect()
con.execute("CREATE TABLE customers AS SELECT * FROM read_csv(?, header=true, nullstr=['', 'NA'], types={'customer_id': 'VARCHAR'})", [sys.argv[1]])
con.execute("CREATE TABLE transactions AS SELECT * FROM read_csv(?, header=true, types={'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'order_date': 'DATE'})", [sys.argv[2]])
print(json.dumps(dict(con.execute("SELECT segment, count(*) FROM (" + sys.argv[3] + ") GROUP BY segment").fetchall())))`;
  const duck = JSON.parse(execFileSync('python3', ['-c', py, join(work, 'customers.csv'), join(work, 'transactions.csv'), query], { encoding: 'utf8' }));
  for (const [name, n] of counts) assert.equal(duck[name] ?? 0, n, `DuckDB count for ${name}`);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('transactions from a file: keys match as text, and unmatched ones are reported', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url);
  await page.setInputFiles('#file-input', join(repoRoot, 'tests/e2e/fixtures/customers.csv'));
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  await page.setInputFiles('#transactions-input', join(repoRoot, 'tests/e2e/fixtures/transactions.csv'));
  await page.waitForSelector('#transactions-summary');
  const report = await page.textContent('#transactions-report');
  assert.match(report, /1 transactions of 1 customer keys that are not in the customers file were left out \(for example `7`\)/);
  assert.match(report, /leading zeros/);
  // An aggregate is a column like any other in the rule builder.
  await goTo(page, 'segment/rules');
  await page.click('#add-segment');
  await setColumn(page, 'seg0-c0-column', 'orders');
  await page.selectOption('#seg0-c0-op', 'ge');
  await page.fill('#seg0-c0-value', '1');
  const counts = await settled(page);
  const ids = new Set(readFileSync(join(repoRoot, 'tests/e2e/fixtures/transactions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]).filter((k) => k.length === 5));
  assert.equal(counts[0][1], ids.size, 'customers with at least one order');
  await page.screenshot({ path: join(artifactsDir, 'transactions.png'), fullPage: true });
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});

test('typed values: the engine reads them, its sentence stands beside the condition, and fixing it brings the count back', async () => {
  const rec = await newRecordedPage(browser, server.url);
  const { page } = rec;
  await page.goto(server.url + '?sample#/segment/rules');
  await page.waitForSelector('#dataset-summary', { state: 'attached' });
  const count = () => page.textContent('li.segment-card[data-index="0"] .segment-count');
  const sentence = async (id, text) => {
    await page.waitForFunction(([id, text]) => document.querySelector(`#${id}`)?.textContent === text, [id, text]);
    assert.equal(await count(), '', 'no count while the definition has a problem');
  };
  const fixed = async (id) => {
    await page.waitForFunction((id) => !document.querySelector(`#${id}`), id);
    await page.waitForFunction(() => /^\d+ customers/.test(document.querySelector('li.segment-card[data-index="0"] .segment-count').textContent));
  };

  // A number the engine cannot read: its sentence names the segment, the condition and what is allowed.
  await page.click('#add-segment');
  await setColumn(page, 'seg0-c0-column', 'age');
  await page.selectOption('#seg0-c0-op', 'lt');
  await page.fill('#seg0-c0-value', 'abc');
  await sentence('seg0-c0-problems', 'segment “Segment 1”, condition when.all[0] (`age` lt): the value `age` is compared with must be a number (got `abc`).');
  await page.fill('#seg0-c0-value', '30');
  await fixed('seg0-c0-problems');
  const young = await count();

  // "In the last N days": N out of range, either way, with the range in the sentence.
  await page.click('li.segment-card[data-index="0"] .group.root > .group-actions .add-condition');
  await setColumn(page, 'seg0-c1-column', 'signup_date');
  await page.selectOption('#seg0-c1-op', 'in_last');
  const range = (n) => `segment “Segment 1”, condition when.all[1] (\`signup_date\` in_last): N in “in the last N days” must be a whole number from 1 to 36,500 (got \`${n}\`).`;
  await page.fill('#seg0-c1-n', '0');
  await sentence('seg0-c1-problems', range('0'));
  await page.fill('#seg0-c1-n', '99999');
  await sentence('seg0-c1-problems', range('99999'));
  await page.fill('#seg0-c1-n', '365');
  await fixed('seg0-c1-problems');
  assert.notEqual(await count(), young, 'the second condition counts');

  // Typed cut points of a derived field: the sentence stands beside the field.
  await page.click('.derived summary');
  await page.click('#add-derived');
  await page.selectOption('#derived-kind-0', 'bands');
  await page.fill('#derived-cuts-0', '18, x');
  await page.waitForFunction(() => document.querySelector('#derived-problems-0')?.textContent.endsWith('the cut points must be numbers separated by commas such as 30, 90, 180 (got `x`).'));
  await page.fill('#derived-cuts-0', '18, 65');
  await fixed('derived-problems-0');

  // The saved definition holds the numbers read, never the text typed.
  const saved = JSON.parse((await download(page, '#save-definition', '.segments.json')).bytes.toString('utf8'));
  assert.equal(saved.segments[0].when.all[0].value, 30);
  assert.equal(saved.segments[0].when.all[1].n, 365);
  assert.deepEqual(saved.derived[0].cuts, [18, 65]);
  rec.assertNoForeignRequests();
  rec.assertNoErrors();
  await rec.close();
});
