#!/usr/bin/env bash
# scripts/bench.sh: benchmarks, printed as ratios against peers measured in the same run.
#
#   Rule re-evaluation (the live counts, issue target: well under 100 ms on 100,000 customers):
#     - the engine natively (release build, median of 21),
#     - the same engine in headless Chromium (the release web build, median of 11 edits),
#     - peer: DuckDB (Python package, 1 thread) running the SQL Segscope exports for the same definition.
#
#   bash scripts/bench.sh [CUSTOMERS]     (default 100000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
customers="${1:-100000}"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >/dev/null

work=".bench/$customers"
mkdir -p "$work"
echo "== bench: building (release)" >&2
cargo build --release --quiet -p segscope-cli -p segscope-engine --example bench_rules
if [[ ! -f "$work/customers.csv" ]]; then
  ./target/release/segscope sample --out "$work" --customers "$customers" >/dev/null 2>&1
fi
def=examples/segments/sample-lifestyle.json
./target/release/segscope sql --definition "$def" --dialect duckdb --table customers > "$work/rules.duckdb.sql"

echo "== bench: engine (native)" >&2
native=$(./target/release/examples/bench_rules "$work/customers.csv" "$def" 21)
echo "== bench: DuckDB" >&2
duck=$(python3 bench/duckdb_rules.py "$work/customers.csv" "$work/rules.duckdb.sql" 21)
echo "== bench: engine in Chromium (wasm)" >&2
[[ -f dist/index.html ]] || bash scripts/build.sh >&2
wasm=$(node bench/browser_rules.mjs "$customers" 11)

python3 - "$native" "$duck" "$wasm" "$customers" <<'PY'
import json, sys
n, d, w, customers = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
segs = n["segments"]
print(f"\nRule re-evaluation, {customers:,} customers, {segs} segments (examples/segments/sample-lifestyle.json):")
print(f"  engine, native release        {n['evaluate_ms']:8.2f} ms")
print(f"  engine, wasm in {w['chromium'][:20]:<14}{w['wasm_ms']:8.2f} ms   (target: well under 100 ms)")
print(f"  DuckDB {d['duckdb_version']:<8} (1 thread, SQL) {d['duckdb_ms']:8.2f} ms")
print(f"  ratio wasm / DuckDB            {w['wasm_ms'] / d['duckdb_ms']:8.2f}")
print(f"  ratio native / DuckDB          {n['evaluate_ms'] / d['duckdb_ms']:8.2f}")
print(f"  (reading the file: native {n['ingest_ms']:.0f} ms; generating + reading the sample in the page: {w['wasm_sample_ms']:.0f} ms)")
PY
