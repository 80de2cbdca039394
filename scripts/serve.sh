#!/usr/bin/env bash
# scripts/serve.sh: build and serve the app at http://127.0.0.1:8080/
#
#   bash scripts/serve.sh               trunk serve --release --offline --no-autoreload: rebuilds on source changes
#                                       (reload the page yourself); the CSP hook runs on every rebuild.
#   bash scripts/serve.sh --static [--prefix /tools/segscope/] [--port N]
#                                       scripts/build.sh once, then a tiny Node static server over dist-serve/ (the same
#                                       server the browser tests use); --prefix checks sub-path deployment.
# Output goes to dist-serve/ (not dist/), so running the tests while serving does not disturb the server.
#
# Why --no-autoreload: Trunk's autoreload is an inline <script> whose text `trunk serve` rewrites on the fly
# (it fills in the server address), after the post_build hook has hashed it, so the strict CSP would block it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=trunk prefix=/ port=8080
while [[ $# -gt 0 ]]; do
  case "$1" in
    --static) mode=static ;;
    --prefix) prefix="$2"; shift ;;
    --port) port="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$prefix" == /* ]] || prefix="/$prefix"
[[ "$prefix" == */ ]] || prefix="$prefix/"
if [[ $mode == trunk && ( $prefix != / || $port != 8080 ) ]]; then
  echo "--prefix/--port need --static (trunk serve uses Trunk.toml: 127.0.0.1:8080, /)" >&2; exit 2
fi

echo "== serve: setup"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

url="http://127.0.0.1:${port}${prefix}"
banner() {
  cat <<MSG

  Segscope will be at   $url
  with the sample data: ${url}?sample
  (Ctrl-C to stop)

MSG
}

# Own output dir, so that scripts/build.sh / test.sh (dist/) and a running server never overwrite each other.
dist="dist-serve"

if [[ $mode == static ]]; then
  SEGSCOPE_DIST=$dist bash scripts/build.sh
  banner
  exec node scripts/static-serve.mjs --root "$dist" --prefix "$prefix" --port "$port"
fi

echo "== serve: cargo fetch"
cargo fetch --quiet
# shellcheck source=/dev/null
source .tools/wasm-env.sh
if [[ "$SEGSCOPE_WASM_MODE" == fallback ]]; then
  cargo fetch --quiet --manifest-path "$SEGSCOPE_STD_SRC/Cargo.toml" --target wasm32-unknown-unknown
fi
banner
echo "   (the first release build takes a few minutes; Trunk prints 'server listening' when it is ready)"
exec trunk serve --release --offline --no-autoreload --dist "$dist"
