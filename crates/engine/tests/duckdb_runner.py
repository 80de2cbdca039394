"""Runs Segscope's generated SQL in DuckDB for tests/rules_duckdb.rs.

Reads one JSON request per line on stdin: {"csv": path, "columns": {name: duckdb_type}, "query": sql}
(a table named `customers`) or {"tables": [{"name", "csv", "columns", "extra"?}, ...], "query": sql}
("extra": more read_csv arguments, e.g. ", dateformat='%Y%m%d'").
and answers one JSON line: {"rows": [[...], ...]} or {"error": "..."}. The CSV is loaded with the given
column types, empty fields as NULL, into a table named `customers`, then the query runs.
"""
import json
import sys

import duckdb

con = duckdb.connect()
for line in sys.stdin:
    req = json.loads(line)
    try:
        tables = req.get("tables") or [{"name": "customers", "csv": req["csv"], "columns": req["columns"]}]
        for t in tables:
            con.execute(f"DROP TABLE IF EXISTS {t['name']}")
            cols = ", ".join("'" + k.replace("'", "''") + "': '" + v + "'" for k, v in t["columns"].items())
            con.execute(
                f"CREATE TABLE {t['name']} AS SELECT * FROM read_csv(?, header=true, delim=',', quote='\"', escape='\"', "
                f"nullstr='', columns={{{cols}}}{t.get('extra', '')})",
                [t["csv"]],
            )
        rows = con.execute(req["query"]).fetchall()
        out = {"rows": [[v if isinstance(v, (bool, int, float, str)) or v is None else str(v) for v in r] for r in rows]}
    except Exception as e:  # report to the Rust side, which fails the test with the message
        out = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
