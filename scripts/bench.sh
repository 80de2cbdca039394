#!/usr/bin/env bash
# scripts/bench.sh: benchmarks, printed as ratios against peers measured in the same run.
#
#   Rule re-evaluation (the live counts; issue target: well under 100 ms on 100,000 customers), on the built-in
#   sample (`segscope sample --customers N`) with examples/segments/sample-lifestyle.json:
#     - the engine natively (release build, median of 21),
#     - the same engine in headless Chromium (the release web build reading the sample's customers.csv; the median
#       of 11 edits, timed from the page posting the request to the worker's answer) -- the "page step",
#     - peer: DuckDB (Python package, 1 thread) running the SQL Segscope exports for the same definition.
#
#   bash scripts/bench.sh [--native] [CUSTOMERS]     (CUSTOMERS: default 1000000)
#     --native   skip the page step: needs only cargo and Python's duckdb (no web build, Node or Chromium).
#
# It builds what it runs, from a fresh clone:
#   - always: `cargo build --release -p segscope-cli` (target/release/segscope) and the engine's bench_rules example;
#   - page step: sources scripts/setup.sh (installs trunk, wasm-bindgen, Node tools and Chromium when missing), then
#     runs scripts/build.sh when dist/ is missing or older than the app's sources. Its timeouts grow with CUSTOMERS.
# The sample is generated afresh into .bench/CUSTOMERS/ on every run (1,000,000 customers: about 8 s, 600 MB).
# Environment: PYTHON (default python3) runs DuckDB; CARGO_TARGET_DIR is honoured.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() {
  printf '\nbench: ERROR: %s\n' "$*" >&2
  exit 1
}
# Anything else that fails says which command it was (instead of exiting silently with its code).
on_error() { printf '\nbench: ERROR: exit %s from: %s (line %s)\n' "$1" "$2" "$3" >&2; }
trap 'on_error $? "$BASH_COMMAND" $LINENO' ERR
say() { printf '== bench: %s\n' "$*" >&2; }

usage="usage: bash scripts/bench.sh [--native] [CUSTOMERS]   (CUSTOMERS default 1000000)"
page=1
customers=1000000
for arg in "$@"; do
  case "$arg" in
    --native) page=0 ;;
    -h | --help)
      echo "$usage"
      exit 0
      ;;
    *[!0-9]* | '') die "unknown argument '$arg'. $usage" ;;
    *) customers=$((10#$arg)) ;;
  esac
done
[[ "$customers" -ge 1 ]] || die "CUSTOMERS must be at least 1 (got $customers). $usage"

# ---- What the page step needs: scripts/setup.sh installs it (and puts it on PATH); then the web build. ----
if [[ $page -eq 1 ]]; then
  say "setup (scripts/setup.sh: trunk, wasm-bindgen, Node tools, Chromium, Python duckdb)"
  # Sourced plainly (not in an `if`), so that its own errexit works; its failure is reported here.
  trap - ERR
  set +e
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh >/dev/null
  setup_rc=$?
  set -e
  trap 'on_error $? "$BASH_COMMAND" $LINENO' ERR
  if [[ $setup_rc -ne 0 ]]; then
    die "scripts/setup.sh failed (its messages are above): the page step needs trunk, Node >= 20 with tools/node_modules
       and Chromium. Fix that, or run with --native to measure without the browser."
  fi
  # Rebuild the web app when dist/ is missing or any of its sources is newer than dist/index.html.
  web_sources=(src crates/engine/src crates/engine/Cargo.toml index.html style Trunk.toml Cargo.toml Cargo.lock)
  if [[ ! -f dist/index.html ]] \
    || [[ -n "$(find "${web_sources[@]}" -newer dist/index.html -print -quit 2>/dev/null || true)" ]]; then
    say "web build (scripts/build.sh: trunk release build into dist/)"
    bash scripts/build.sh >&2 || die "scripts/build.sh failed (see above); the page step needs the release web build in dist/"
  else
    say "web build: dist/ is newer than its sources, reused"
  fi
else
  # Without setup.sh, still find what it would have put on PATH: rustup's cargo and setup's Python venv.
  [[ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]] && PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  [[ -x .tools/venv/bin/python3 ]] && PATH="$PWD/.tools/venv/bin:$PATH"
  export PATH
fi

# ---- What the native steps need. ----
command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust with rustup (https://rustup.rs)."
py="${PYTHON:-python3}"
command -v "$py" >/dev/null 2>&1 || die "$py is not on PATH: the DuckDB peer needs Python 3 (or set PYTHON=/path/to/python3)."
if ! duckdb_version="$("$py" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)"; then
  die "$py cannot import duckdb, which the DuckDB peer needs: run bash scripts/setup.sh (it installs it), or
       $py -m pip install duckdb, or set PYTHON to a Python that has it."
fi

say "building (release): segscope (segscope-cli) and the bench_rules example (segscope-engine)"
cargo build --release --quiet -p segscope-cli || die "cargo build --release -p segscope-cli failed (see above)"
cargo build --release --quiet -p segscope-engine --example bench_rules \
  || die "cargo build --release -p segscope-engine --example bench_rules failed (see above)"
target="${CARGO_TARGET_DIR:-target}"
segscope="$target/release/segscope"
bench_rules="$target/release/examples/bench_rules"
[[ -x "$segscope" ]] || die "$segscope is missing after the build (is the cargo target directory elsewhere? set CARGO_TARGET_DIR)"
[[ -x "$bench_rules" ]] || die "$bench_rules is missing after the build (set CARGO_TARGET_DIR if the target directory is elsewhere)"

work=".bench/$customers"
def=examples/segments/sample-lifestyle.json
say "sample: $customers customers into $work/ (segscope sample)"
rm -rf "$work"
mkdir -p "$work"
"$segscope" sample --out "$work" --customers "$customers" >/dev/null \
  || die "segscope sample --customers $customers failed (see above)"
"$segscope" sql --definition "$def" --dialect duckdb --table customers >"$work/rules.duckdb.sql" \
  || die "segscope sql --definition $def failed (see above)"

say "engine (native)"
native=$("$bench_rules" "$work/customers.csv" "$def" 21) || die "the native benchmark ($bench_rules) failed (see above)"
say "DuckDB $duckdb_version"
duck=$("$py" bench/duckdb_rules.py "$work/customers.csv" "$work/rules.duckdb.sql" 21) \
  || die "the DuckDB benchmark (bench/duckdb_rules.py) failed (see above)"
wasm=null
if [[ $page -eq 1 ]]; then
  say "engine in Chromium (wasm): $work/customers.csv chosen in the release web build"
  wasm=$(node bench/browser_rules.mjs "$customers" 11 "$work/customers.csv") || die "the page step (bench/browser_rules.mjs) failed (see above)"
fi

"$py" - "$native" "$duck" "$wasm" "$customers" <<'PY'
import json, sys
n, d, w, customers = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
segs = n["segments"]
print(f"\nRule re-evaluation, {customers:,} customers, {segs} segments (examples/segments/sample-lifestyle.json):")
print(f"  engine, native release        {n['evaluate_ms']:8.2f} ms")
if w is not None:
    print(f"  engine, wasm in {w['chromium'][:20]:<14}{w['wasm_ms']:8.2f} ms   (target: well under 100 ms)")
else:
    print("  engine, wasm in Chromium          --   (skipped: --native)")
print(f"  DuckDB {d['duckdb_version']:<8} (1 thread, SQL) {d['duckdb_ms']:8.2f} ms")
if w is not None:
    print(f"  ratio wasm / DuckDB            {w['wasm_ms'] / d['duckdb_ms']:8.2f}")
print(f"  ratio native / DuckDB          {n['evaluate_ms'] / d['duckdb_ms']:8.2f}")
line = f"  (reading the file: native {n['ingest_ms']:.0f} ms"
if w is not None:
    line += f"; reading customers.csv in the page: {w['wasm_read_ms']:.0f} ms"
print(line + ")")
PY
