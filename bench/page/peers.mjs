// The peers' steps, called one at a time by bench/browser.mjs through window.bench (each returns milliseconds taken
// in the page, performance.now()). Files come from the two file inputs, chosen by the driver with setInputFiles, so
// they reach each tool as a File, as they reach Segscope.
import * as duckdb from '../node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const file = (id) => {
  const f = document.getElementById(id).files[0];
  if (!f) throw new Error(`no file chosen in #${id}`);
  return f;
};
const dist = new URL('../node_modules/@duckdb/duckdb-wasm/dist/', import.meta.url).href;
let db, conn;

window.bench = {
  ready: true,

  // DuckDB-WASM: the single-threaded bundle (eh where the browser has wasm exceptions), in its own worker.
  async duckdbStart() {
    const t = performance.now();
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: dist + 'duckdb-mvp.wasm', mainWorker: dist + 'duckdb-browser-mvp.worker.js' },
      eh: { mainModule: dist + 'duckdb-eh.wasm', mainWorker: dist + 'duckdb-browser-eh.worker.js' },
    });
    db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker));
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    conn = await db.connect();
    const v = (await conn.query('SELECT version() AS v')).toArray()[0].v;
    return { ms: performance.now() - t, version: `duckdb-wasm ${duckdb.PACKAGE_VERSION ?? ''} (DuckDB ${v})`.replace('  ', ' '), bundle: bundle.mainModule.split('/').pop() };
  },
  async duckdbRead(which) {
    const f = file(which);
    const t = performance.now();
    await db.registerFileHandle(`${which}.csv`, f, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    const types = which === 'customers'
      ? "{'customer_id': 'VARCHAR'}"
      : "{'customer_id': 'VARCHAR', 'order_id': 'VARCHAR', 'order_date': 'DATE', 'amount': 'DECIMAL(18,2)'}";
    await conn.query(`CREATE OR REPLACE TABLE ${which} AS SELECT * FROM read_csv('${which}.csv', header=true, nullstr=['', 'NA'], types=${types})`);
    const ms = performance.now() - t;
    const rows = Number((await conn.query(`SELECT count(*) AS n FROM ${which}`)).toArray()[0].n);
    return { ms, rows };
  },
  // sql: a SELECT; the result is materialised as a table (as an app would keep it), its rows counted after timing.
  async duckdbQuery(sql, repeats = 1) {
    const times = [];
    let rows;
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await conn.query(`CREATE OR REPLACE TABLE result AS ${sql}`);
      times.push(performance.now() - t);
      rows = Number((await conn.query('SELECT count(*) AS n FROM result')).toArray()[0].n);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], rows, runs: repeats };
  },

  // PapaParse 5 on the main thread (worker: false), header + dynamicTyping, streamed by chunks from the File, into
  // columns: numbers into Float64Array (NaN for missing), everything else (text, dates) as arrays of strings.
  papaParse(which) {
    const f = file(which);
    const t = performance.now();
    return new Promise((resolve, reject) => {
      let cols = null, names = null, n = 0;
      window.Papa.parse(f, {
        header: true, dynamicTyping: true, skipEmptyLines: true, worker: false,
        chunk(res) {
          if (!names) {
            names = res.meta.fields;
            cols = names.map(() => ({ num: new Float64Array(1 << 16), text: null }));
          }
          for (const r of res.data) {
            if (n === cols[0].num.length) for (const c of cols) if (c.num) { const g = new Float64Array(n * 2); g.set(c.num); c.num = g; }
            for (let j = 0; j < names.length; j++) {
              const v = r[names[j]], c = cols[j];
              if (c.num && (typeof v === 'number' || v === null || v === '')) c.num[n] = typeof v === 'number' ? v : NaN;
              else {
                if (!c.text) { c.text = Array.from(c.num.subarray(0, n), String); c.num = null; }
                c.text.push(v == null ? '' : String(v));
              }
            }
            n++;
          }
        },
        complete() {
          const typed = cols.filter((c) => c.num).length;
          window.__papaKeep = cols; // kept until the step ends, like a loaded table
          resolve({ ms: performance.now() - t, rows: n, numeric_columns: typed, columns: names.length });
        },
        error: (e) => reject(new Error(String(e))),
      });
    });
  },
  papaClear() { window.__papaKeep = null; },
};
