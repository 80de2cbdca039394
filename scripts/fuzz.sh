#!/usr/bin/env bash
# scripts/fuzz.sh: coverage-guided fuzzing of the engine with cargo-fuzz (libFuzzer), issue #17.
# Not part of scripts/test.sh or CI: each target runs for minutes to hours.
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [TARGET...]
#
#   --time SECONDS   run each target for SECONDS (default 60 when --runs is not given)
#   --runs N         run each target for N executions (the README's numbers: --runs 10000000); with --time
#                    too, each target stops at whichever comes first
#   TARGET...        the targets to run (default: all, one after another); `scripts/fuzz.sh --list` lists them
#
# Environment: FUZZ_LOGS (default /tmp/fuzz-logs) holds one log per target; FUZZ_TIMEOUT (default 10) is the
# seconds one input may take before it counts as a hang; FUZZ_BIN, a directory of fuzz binaries built earlier
# (copies of fuzz/target/x86_64-unknown-linux-gnu/release/TARGET), runs those instead of building (so a long
# campaign is not rebuilt by edits made while it runs).
#
# Installs cargo-fuzz from source (`cargo install cargo-fuzz --locked`) when it is missing, and needs a nightly
# toolchain (`rustup toolchain install nightly`). Each target is seeded from the repository's own files (test
# data, example definitions, fuzz/seeds/) into fuzz/corpus/TARGET, which grows across runs (git-ignored). One
# fuzz process at a time (no -jobs/-workers). A crash, hang or out-of-memory leaves the input in
# fuzz/artifacts/TARGET/; replay it with `cd fuzz && cargo +nightly fuzz run -s none -a --no-trace-compares TARGET
# ARTIFACT`, shrink it with `cargo +nightly fuzz tmin` and the same flags, then add it to crates/engine/tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# target  max_len  dictionary  seed files (globs, relative to the repository; those larger than max_len are skipped)
TARGETS=(
  "csv_ingest         2048  csv   crates/engine/tests/data/*.csv crates/engine/tests/data/*.tsv crates/engine/tests/data/*.txt crates/engine/tests/data/*.jsonl crates/engine/tests/data/*.gz tests/data/hostile/*.csv"
  "type_inference     2048  -     "
  "xlsx_ingest        4096  csv   crates/engine/tests/data/*.xlsx tests/data/hostile/*.xlsx"
  "xls_ingest         4096  -     "
  "stream_chunks      2048  csv   crates/engine/tests/data/*.csv crates/engine/tests/data/*.tsv crates/engine/tests/data/*.jsonl tests/data/hostile/*.csv"
  "rules_json         8192  json  examples/segments/*.json crates/engine/tests/data/definitions/*.json"
  "rfm_json           4096  json  fuzz/seeds/rfm_json/*"
  "cluster_model_json 4096  json  fuzz/seeds/cluster_model_json/*"
  "rules_eval         2048  -     "
  "rfm_transactions   2048  -     "
  "clv_transactions   2048  -     "
)

time=
runs=
wanted=()
while (($#)); do
  case "$1" in
    --time) time=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --list) for t in "${TARGETS[@]}"; do echo "${t%% *}"; done; exit 0 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) wanted+=("$1"); shift ;;
  esac
done

[[ -z $time && -z $runs ]] && time=60
mode=()
what=
[[ -n $runs ]] && mode+=(-runs="$runs") && what="$runs runs"
[[ -n $time ]] && mode+=(-max_total_time="$time") && what="${what:+$what or }$time s"

if ! command -v cargo-fuzz >/dev/null && [[ ! -x "$HOME/.cargo/bin/cargo-fuzz" ]]; then
  echo "cargo-fuzz is missing: building it from source (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi

logs=${FUZZ_LOGS:-/tmp/fuzz-logs}
mkdir -p "$logs"
# Safe Rust (the engine denies unsafe code): no sanitizer, which runs about twice as fast; debug assertions
# are on (-a), so an arithmetic overflow is a crash as well as a panic. No comparison tracing: it made the tabular
# targets five times slower (csv-core builds its parser's tables for each delimiter the sniffer tries, and every
# comparison there was traced); the dictionaries in fuzz/dicts/ give the JSON targets their words instead.
build=(-s none -a --no-trace-compares)
[[ -z ${FUZZ_BIN:-} ]] && (cd fuzz && cargo +nightly fuzz build "${build[@]}")

summary=()
status=0
for entry in "${TARGETS[@]}"; do
  read -r target max_len dict seeds <<<"$entry"
  if ((${#wanted[@]})) && [[ " ${wanted[*]} " != *" $target "* ]]; then continue; fi
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  for f in $seeds; do
    [[ -f $f && $(stat -c %s "$f") -le $max_len ]] && cp -n "$f" "$corpus/seed-$(basename "$f")"
  done
  flags=(-max_len="$max_len" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 "${mode[@]}")
  [[ $dict != - ]] && flags+=(-dict="$root/fuzz/dicts/$dict.dict")
  log=$logs/$target.log
  echo "== $target: $what (max_len $max_len), log $log"
  start=$SECONDS
  if [[ -n ${FUZZ_BIN:-} ]]; then
    run=("$FUZZ_BIN/$target" -artifact_prefix="$root/fuzz/artifacts/$target/" "${flags[@]}" "corpus/$target")
  else
    run=(cargo +nightly fuzz run "${build[@]}" "$target" "corpus/$target" -- "${flags[@]}")
  fi
  if (cd fuzz && "${run[@]}") >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH: see $log and fuzz/artifacts/$target/"
    status=1
  fi
  # libFuzzer's own count and time: "Done 10000000 runs in 1234 second(s)" (or the final stats after a crash).
  done_line=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
  if [[ -n $done_line ]]; then
    read -r _ runs_done _ _ seconds _ <<<"$done_line"
  else
    runs_done=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    seconds=$((SECONDS - start))
  fi
  runs_done=${runs_done:-?}
  rate=$([[ $runs_done != \? ]] && echo $((runs_done / (seconds > 0 ? seconds : 1))) || echo ?)
  line=$(printf '%-20s %12s runs %7s s %8s exec/s  %s' "$target" "$runs_done" "$seconds" "$rate" "$result")
  echo "$line"
  summary+=("$line")
done

echo
echo "== summary ($what per target, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
printf '%s\n' "${summary[@]}"
exit $status
