"""Times DuckDB running Segscope's generated SQL for a definition on a customer file (the peer in
scripts/bench.sh). Prints JSON: median ms over repeats of the segment query on an in-memory table."""
import json
import statistics
import sys
import time

import duckdb

csv, sql_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 21
con = duckdb.connect()
con.execute("SET threads TO 1")  # one core, like the page's engine
con.execute(
    "CREATE TABLE customers AS SELECT * FROM read_csv(?, header=true, nullstr=['', 'NA'], types={'customer_id': 'VARCHAR'})",
    [csv],
)
query = open(sql_file, encoding="utf-8").read().strip().rstrip(";")
counted = f"SELECT segment, count(*) FROM ({query}) GROUP BY ALL"
times = []
for _ in range(repeats):
    t = time.perf_counter()
    rows = con.execute(counted).fetchall()
    times.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"duckdb_ms": round(statistics.median(times), 2), "duckdb_version": duckdb.__version__, "counts": dict(rows)}))
