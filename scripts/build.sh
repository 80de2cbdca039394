#!/usr/bin/env bash
# scripts/build.sh: release build of the web app into dist/ with Trunk.
#   - relative asset URLs (--public-url ./), so dist/ can be served from any sub-path such as /tools/segscope/;
#   - the post_build hook (scripts/csp-hash.mjs, see Trunk.toml) writes the inline loader's hash into the CSP;
#     this script then checks dist/index.html: no placeholder left, every inline script allowed by hash.
# Extra arguments go to `trunk build`. SEGSCOPE_DIST=dir changes the output dir (default dist).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
t0=$SECONDS
dist="${SEGSCOPE_DIST:-dist}"

echo "== build: setup"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

echo "== build: cargo fetch (network only if crates are missing; Trunk then builds --offline)"
cargo fetch --quiet
(
  # shellcheck source=/dev/null
  source .tools/wasm-env.sh
  if [[ "$SEGSCOPE_WASM_MODE" == fallback ]]; then
    cargo fetch --quiet --manifest-path "$SEGSCOPE_STD_SRC/Cargo.toml" --target wasm32-unknown-unknown
  fi
)

echo "== build: trunk build --release --offline --public-url ./ (wasm toolchain: see .tools/wasm-env.sh)"
(
  # The wasm env (fallback toolchain variables, if any) applies to Trunk only, never to native cargo commands.
  # shellcheck source=/dev/null
  source .tools/wasm-env.sh
  [[ "$SEGSCOPE_WASM_MODE" == fallback ]] && echo "   (fallback: Debian rustc $(/usr/bin/rustc --version | cut -d' ' -f2) with -Zbuild-std=std,panic_abort)"
  trunk build --release --offline --public-url ./ --dist "$dist" "$@"
)

echo "== build: verify $dist/index.html"
# Fails if a CSP <meta> still holds the placeholder or any inline script's hash is missing. (A plain grep for the
# placeholder would be wrong: index.html may mention it in a comment.)
node scripts/csp-hash.mjs --check "$dist/index.html"
node scripts/service-worker.mjs --check "$dist"
if grep -Eq '(src|href)="/[^/]' "$dist/index.html"; then
  echo "ERROR: $dist/index.html has root-absolute asset URLs; it would not work from a sub-path" >&2
  grep -Eo '(src|href)="/[^"]*"' "$dist/index.html" >&2
  exit 1
fi
shopt -s nullglob
# The page's bundle carries no analysis; the worker's is the engine. Both sizes, raw and gzip -9 (what a server sends).
for f in "$dist"/*.wasm "$dist"/*.js; do
  printf '   %-52s %9s bytes, gzip %9s bytes\n' "$f" "$(wc -c < "$f")" "$(gzip -9 -c "$f" | wc -c)"
done
echo "== build: done in $((SECONDS - t0))s -> $dist/"
