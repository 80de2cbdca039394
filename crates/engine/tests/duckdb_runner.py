"""Runs Segscope's generated SQL in DuckDB for the DuckDB tests (tests/rules_duckdb.rs, customers_duckdb.rs,
rfm_duckdb.rs, warehouse_duckdb.rs).

First line out: {"ready": "DuckDB <version>"} or {"error": "<what is missing and what to do>"}.
Then one JSON request per line on stdin: {"csv": path, "columns": {name: duckdb_type}, "query": sql}
(a table named `customers`) or {"tables": [{"name", "csv", "columns", "extra"?}, ...], "query": sql}, where
"columns" is {name: type} or [[name, type], ...] in the file's order and "extra" adds read_csv arguments
(e.g. ", dateformat='%Y%m%d'"). Each CSV is loaded with the given column types, empty fields as NULL, then
the query runs, and one JSON line answers: {"columns": [...], "rows": [[...], ...]} or {"error": "..."}.
"""
import json
import sys

try:
    import duckdb
except ImportError:
    sys.stdout.write(json.dumps({"error": "the duckdb Python package is not installed; run `bash scripts/setup.sh` to install it."}) + "\n")
    sys.exit(0)

con = duckdb.connect()
sys.stdout.write(json.dumps({"ready": f"DuckDB {duckdb.__version__}"}) + "\n")
sys.stdout.flush()
for line in sys.stdin:
    req = json.loads(line)
    try:
        tables = req.get("tables") or [{"name": "customers", "csv": req["csv"], "columns": req["columns"]}]
        for t in tables:
            con.execute(f"DROP TABLE IF EXISTS {t['name']}")
            pairs = t["columns"].items() if isinstance(t["columns"], dict) else t["columns"]
            cols = ", ".join("'" + k.replace("'", "''") + "': '" + v + "'" for k, v in pairs)
            con.execute(
                f"CREATE TABLE {t['name']} AS SELECT * FROM read_csv(?, header=true, delim=',', quote='\"', escape='\"', "
                f"nullstr='', columns={{{cols}}}{t.get('extra', '')})",
                [t["csv"]],
            )
        result = con.execute(req["query"])
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
        out = {
            "columns": columns,
            "rows": [[v if isinstance(v, (bool, int, float, str)) or v is None else str(v) for v in r] for r in rows],
        }
    except Exception as e:  # report to the Rust side, which fails the test with the message
        out = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
