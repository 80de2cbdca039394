#!/usr/bin/env bash
# scripts/bench.sh: the benchmark of issue #14, Segscope against its peers measured in the same run, as one table
# (stdout) and JSON (.bench/results.json). Data: the built-in sample (`segscope sample --customers N`: customers.csv
# and about ten transactions a customer in transactions.csv, seeded) at each size, 100,000 and 1,000,000 by default.
#
#   Natively (bench/bench.py), each tool a whole process, time and peak resident memory from wait4:
#     - rule recount: the engine's bench_rules example (median of 21) against DuckDB (Python, 1 thread) running the SQL
#       Segscope exports for examples/segments/sample-lifestyle.json (bench/duckdb_rules.py, median of 21);
#     - RFM, read + RFM + write of transactions.csv: `segscope rfm` against polars and DuckDB (bench/native_rfm.py,
#       bench/rfm.duckdb.sql), median of 3 (1 above 1,000,000 customers); their recency/frequency/monetary are checked
#       against Segscope's for every customer;
#     - k-means, 6 standardised features of the sample's customers (.bench/N/kmeans.f64, written by the engine's
#       bench_kmeans example), k = 6, one k-means++ init: bench_kmeans (Hamerly and Lloyd, median of 3) against
#       scikit-learn's KMeans at 1 thread (bench/sklearn_kmeans.py, threadpoolctl), and the time of one iteration.
#   In headless Chromium (bench/browser.mjs; the "page steps"), each tool in a fresh browser, peak memory = the browser's
#   process tree (RSS from /proc every 200 ms):
#     - Segscope, the release web build (dist/): customers.csv chosen in the Data workspace, then transactions.csv (the
#       app scores RFM by itself), rule recounts (median of 11), the CLV fit (100,000 customers and fewer), the longest
#       main-thread task (PerformanceObserver 'longtask');
#     - DuckDB-WASM (bench/page/, npm @duckdb/duckdb-wasm served from the same origin): read_csv of both files, RFM as
#       SQL (bench/rfm.duckdb.sql), the rule SQL (median of 11);
#     - PapaParse: both files parsed to typed arrays;
#     - k-means (bench/page/kmeans.html): the same matrix, Segscope's engine compiled to wasm (bench/kmeans-wasm) against
#       the npm package ml-kmeans in the same page.
#   A step that fails (a crashed page, an engine error, a timeout) is a row with its reason; the run goes on.
#
#   bash scripts/bench.sh [--native] [--kmeans] [--sizes N,N,...] [--json FILE] [CUSTOMERS]
#     --native     skip the page steps: needs only cargo and Python's duckdb and polars (no web build, Node or Chromium);
#                  the k-means peer needs scikit-learn and threadpoolctl (a failed row without them).
#     --kmeans     the k-means steps alone (natively and, without --native, in the page): no sample files, web build,
#                  DuckDB or polars.
#     --sizes      customer counts (default 100000,1000000); CUSTOMERS alone is the same as --sizes CUSTOMERS.
#     --json       where to write the results (default .bench/results.json).
#
# It builds what it runs, from a fresh clone:
#   - always: `cargo build --release -p segscope-cli` (target/release/segscope) and the engine's bench_rules and
#     bench_kmeans examples;
#   - page steps: sources scripts/setup.sh (installs trunk, wasm-bindgen, Node tools and Chromium when missing), runs
#     scripts/build.sh when dist/ is missing or older than the app's sources, and `npm ci` in bench/ (DuckDB-WASM,
#     PapaParse, ml-kmeans, esbuild; bench/node_modules, gitignored) when bench/package-lock.json is newer than its
#     node_modules; then bundles ml-kmeans (esbuild) and builds bench/kmeans-wasm (cargo for wasm32-unknown-unknown
#     into target/bench-kmeans-wasm, then wasm-bindgen --target web), both into bench/node_modules/.segscope/.
# The sample is generated afresh into .bench/N/ on every run (1,000,000 customers: about 8 s, 600 MB).
# Environment: PYTHON (default python3) runs DuckDB and polars; CARGO_TARGET_DIR is honoured.
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

usage="usage: bash scripts/bench.sh [--native] [--kmeans] [--sizes N,N,...] [--json FILE] [CUSTOMERS]   (sizes default 100000,1000000)"
page=1
kmeans_only=0
sizes=100000,1000000
json_out=.bench/results.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --native) page=0 ;;
    --kmeans) kmeans_only=1 ;;
    --sizes)
      [[ $# -ge 2 ]] || die "--sizes needs a list, e.g. --sizes 100000. $usage"
      sizes="$2"
      shift
      ;;
    --sizes=*) sizes="${1#--sizes=}" ;;
    --json)
      [[ $# -ge 2 ]] || die "--json needs a file. $usage"
      json_out="$2"
      shift
      ;;
    --json=*) json_out="${1#--json=}" ;;
    -h | --help)
      echo "$usage"
      exit 0
      ;;
    *[!0-9]* | '') die "unknown argument '$1'. $usage" ;;
    *) sizes=$((10#$1)) ;;
  esac
  shift
done
size_list=()
IFS=, read -r -a size_list <<<"$sizes"
[[ ${#size_list[@]} -ge 1 ]] || die "--sizes is empty. $usage"
for n in "${size_list[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [[ $((10#$n)) -ge 1 ]] || die "each size must be a whole number of customers of at least 1 (got '$n'). $usage"
done

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
  if [[ $kmeans_only -eq 1 ]]; then
    say "web build: not needed for the k-means steps alone"
  elif [[ ! -f dist/index.html ]] \
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
command -v "$py" >/dev/null 2>&1 || die "$py is not on PATH: the DuckDB and polars peers need Python 3 (or set PYTHON=/path/to/python3)."
for m in duckdb polars; do
  [[ $kmeans_only -eq 1 ]] && break
  "$py" -c "import $m" 2>/dev/null || die "$py cannot import $m, which the native peers need: run bash scripts/setup.sh
       (it installs it), or $py -m pip install $m, or set PYTHON to a Python that has it."
done

say "building (release): segscope (segscope-cli) and the bench_rules and bench_kmeans examples (segscope-engine)"
[[ $kmeans_only -eq 1 ]] || cargo build --release --quiet -p segscope-cli || die "cargo build --release -p segscope-cli failed (see above)"
cargo build --release --quiet -p segscope-engine --example bench_rules --example bench_kmeans \
  || die "cargo build --release -p segscope-engine --example bench_rules --example bench_kmeans failed (see above)"
target="${CARGO_TARGET_DIR:-target}"
segscope="$target/release/segscope"
bench_rules="$target/release/examples/bench_rules"
bench_kmeans="$target/release/examples/bench_kmeans"
[[ $kmeans_only -eq 1 ]] || [[ -x "$segscope" ]] || die "$segscope is missing after the build (is the cargo target directory elsewhere? set CARGO_TARGET_DIR)"
[[ -x "$bench_rules" ]] || die "$bench_rules is missing after the build (set CARGO_TARGET_DIR if the target directory is elsewhere)"
[[ -x "$bench_kmeans" ]] || die "$bench_kmeans is missing after the build (set CARGO_TARGET_DIR if the target directory is elsewhere)"
if ! "$py" -c "import sklearn, threadpoolctl" 2>/dev/null; then
  say "$py cannot import sklearn and threadpoolctl: the k-means peer will be a failed row ($py -m pip install scikit-learn threadpoolctl)"
fi

# ---- The page steps' own npm packages (DuckDB-WASM, PapaParse) in bench/node_modules. ----
if [[ $page -eq 1 ]]; then
  if [[ ! -f bench/node_modules/.package-lock.json ]] || [[ ! -x bench/node_modules/.bin/esbuild ]] || [[ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]]; then
    say "npm ci in bench/ (@duckdb/duckdb-wasm, papaparse)"
    (cd bench && npm ci --no-audit --no-fund >&2) || die "npm ci in bench/ failed (see above): the page steps need DuckDB-WASM and PapaParse"
  fi
  say "k-means page: ml-kmeans bundled by esbuild, the engine's k-means for wasm (bench/kmeans-wasm) and wasm-bindgen"
  bench/node_modules/.bin/esbuild --bundle --format=esm --minify --log-level=warning \
    bench/node_modules/ml-kmeans/lib/index.js --outfile=bench/node_modules/.segscope/ml-kmeans.mjs \
    || die "esbuild could not bundle ml-kmeans (see above)"
  (
    # The wasm toolchain's variables (scripts/setup.sh), as scripts/build.sh applies them: to this build only.
    # shellcheck source=/dev/null
    [[ -f .tools/wasm-env.sh ]] && source .tools/wasm-env.sh
    cargo build --release --quiet --target wasm32-unknown-unknown --manifest-path bench/kmeans-wasm/Cargo.toml \
      --target-dir "$target/bench-kmeans-wasm"
  ) || die "cargo build of bench/kmeans-wasm for wasm32 failed (see above)"
  wasm-bindgen --target web --no-typescript --out-dir bench/node_modules/.segscope/kmeans-wasm \
    "$target/bench-kmeans-wasm/wasm32-unknown-unknown/release/segscope_bench_kmeans.wasm" \
    || die "wasm-bindgen failed on bench/kmeans-wasm's module (see above)"
fi

def=examples/segments/sample-lifestyle.json
browser_json=()
for n in "${size_list[@]}"; do
  n=$((10#$n))
  work=".bench/$n"
  rm -rf "$work"
  mkdir -p "$work"
  say "k-means matrix: the first $n sample customers, 6 standardised features, into $work/kmeans.f64 (bench_kmeans)"
  "$bench_kmeans" "$work/kmeans.f64" "$n" 6 0 >/dev/null || die "bench_kmeans could not write $work/kmeans.f64 (see above)"
  [[ $kmeans_only -eq 1 ]] && continue
  say "sample: $n customers into $work/ (segscope sample)"
  "$segscope" sample --out "$work" --customers "$n" >/dev/null 2>&1 \
    || die "segscope sample --customers $n failed (run it by hand to see why)"
  "$segscope" sql --definition "$def" --dialect duckdb --table customers >"$work/rules.duckdb.sql" \
    || die "segscope sql --definition $def failed (see above)"
done
if [[ $page -eq 1 ]]; then
  for n in "${size_list[@]}"; do
    n=$((10#$n))
    say "page steps, $n customers (bench/browser.mjs: Segscope, DuckDB-WASM, PapaParse in headless Chromium)"
    # A failing step is recorded in the JSON; only a failure of the driver itself lands here, and the run goes on.
    only=()
    [[ $kmeans_only -eq 1 ]] && only=(--only kmeans)
    node bench/browser.mjs --dir ".bench/$n" --customers "$n" --out ".bench/$n/browser.json" "${only[@]}" \
      || say "bench/browser.mjs failed for $n customers (see above); its rows are missing from the table"
    browser_json+=(--browser-json ".bench/$n/browser.json")
  done
fi

km_only=()
[[ $kmeans_only -eq 1 ]] && km_only=(--kmeans-only)
"$py" bench/bench.py --segscope "$segscope" --bench-rules "$bench_rules" --sizes "$(IFS=,; echo "${size_list[*]}")" \
  --bench-kmeans "$bench_kmeans" "${km_only[@]}" --work .bench --json "$json_out" --python "$(command -v "$py")" "${browser_json[@]}"
