#!/usr/bin/env bash
# scripts/setup.sh: install what Segscope's build and tests need, skipping what is already present at the
# pinned version. Safe to run again and again; a run where everything is present installs nothing and takes
# a couple of seconds.
#
#   bash scripts/setup.sh        check/install everything
#   . scripts/setup.sh           the same, and also export PATH (and CHROMIUM) into the calling shell;
#                                build.sh, serve.sh and test.sh do this.
#
# What it manages (see /work/shared/TOOLCHAIN.md for why each pin exists):
#   - wasm32-unknown-unknown for Rust: `rustup target add`, or else the Debian fallback (rustc-web + cargo-web +
#     rust-web-src with -Zbuild-std). The choice is written to .tools/wasm-env.sh, which build.sh/serve.sh source
#     right before calling Trunk (never before native cargo commands).
#   - trunk 0.21.14 (cargo install --locked)
#   - wasm-bindgen-cli, at exactly the version of the wasm-bindgen crate in Cargo.lock (cargo install, NOT --locked)
#     and it must also equal Trunk.toml's [tools] wasm_bindgen
#   - Node >= 20 and the npm tools in tools/ (binaryen 132 for wasm-opt, playwright-core) via npm ci
#   - Chromium (Debian package) for the browser tests; never a Playwright-downloaded browser
#   - Python duckdb + pandas for reference tests, polars for the benchmark, and pyspark for the Spark warehouse tests (skipped when importable)
#   - PostgreSQL (Debian's postgresql; no `main` cluster: the tests start a throwaway one) and a Java runtime >= 17
#     (default-jre-headless) for Spark: the exported SQL is tested in DuckDB, PostgreSQL and Spark
#
# Environment knobs:
#   SEGSCOPE_WASM_FALLBACK=1   force the Debian rustc-web/build-std fallback even if rustup could add the target
#   SEGSCOPE_SKIP_PYTHON=1     do not check/install the Python packages
#   CHROMIUM=/path/to/chrome   use this browser binary for e2e tests

_segscope_sourced=0
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then _segscope_sourced=1; fi

SEGSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SEGSCOPE_ROOT

_segscope_env() {
  # PATH for callers and for the steps below: ~/.cargo/bin first (rustup's cargo/rustc for native builds, trunk,
  # wasm-bindgen), then tools/node_modules/.bin (wasm-opt 132 from npm: Trunk must never pick up Debian's binaryen
  # 108 in /usr/bin), then a Python venv if setup had to make one, then the rest.
  local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  local front=("$cargo_bin" "$SEGSCOPE_ROOT/tools/node_modules/.bin") d e rest=() old
  if [[ -x "$SEGSCOPE_ROOT/.tools/venv/bin/python3" ]]; then front+=("$SEGSCOPE_ROOT/.tools/venv/bin"); fi
  IFS=: read -r -a old <<< "$PATH"
  for e in "${old[@]}"; do                     # keep the rest of PATH in order, minus copies of the front entries
    for d in "${front[@]}"; do [[ "$e" == "$d" ]] && continue 2; done
    rest+=("$e")
  done
  PATH="$(IFS=:; echo "${front[*]}:${rest[*]}")"
  export PATH
  if [[ -z "${CHROMIUM:-}" ]]; then
    local c
    c="$(_segscope_find_chromium || true)"
    if [[ -n "$c" ]]; then export CHROMIUM="$c"; fi
  fi
}

_segscope_find_chromium() {
  if [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" ]]; then echo "$CHROMIUM"; return 0; fi
  if [[ -x /usr/bin/chromium ]]; then echo /usr/bin/chromium; return 0; fi
  local n
  for n in chromium chromium-browser; do
    if command -v "$n" >/dev/null 2>&1; then command -v "$n"; return 0; fi
  done
  return 1
}

_segscope_install() {
  set -euo pipefail
  local root="$SEGSCOPE_ROOT"
  local TRUNK_VERSION="0.21.14"
  local WASM_OPT_VERSION="version_132"
  local NODE_MIN_MAJOR=20
  local PYSPARK_VERSION="4.0.1"
  local JAVA_MIN_MAJOR=17
  local t0=$SECONDS
  local installed=()

  say()  { printf '[setup] %s\n' "$*" >&2; }
  ok()   { printf '[setup]   ok  %s\n' "$*" >&2; }
  die()  { printf '\n[setup] ERROR: %s\n' "$*" >&2; exit 1; }

  cd "$root"

  # ---- apt helper: root -> apt-get, else sudo apt-get; `apt-get update` at most once per run ----
  local apt_updated=0
  apt_install() {
    local sudo=()
    if ! command -v apt-get >/dev/null 2>&1; then
      die "apt-get is not available. Please install these yourself (Debian/Ubuntu package names): $*"
    fi
    if [[ $(id -u) -ne 0 ]]; then
      if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
        die "need root to install: $*  (not root and no sudo; run as root: apt-get install -y $*)"
      fi
    fi
    if [[ $apt_updated -eq 0 ]]; then
      say "apt-get update"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
      apt_updated=1
    fi
    say "apt-get install -y $*"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
      || die "apt-get install $* failed"
    installed+=("apt:$*")
  }

  # ---- root helper: run one command as root (directly, or with sudo) ----
  as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root to run: $*  (not root and no sudo)"
    fi
  }

  # ---- 1. Rust (rustup toolchain) ----
  say "Rust toolchain"
  command -v cargo >/dev/null 2>&1 || die "cargo not found. Install Rust with rustup (https://rustup.rs), then re-run."
  command -v rustc >/dev/null 2>&1 || die "rustc not found. Install Rust with rustup (https://rustup.rs), then re-run."
  ok "$(rustc --version) ($(command -v rustc))"
  # rustfmt and clippy: scripts/test.sh checks formatting and lints before the tests.
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null 2>&1; then
      say "rustup component add rustfmt clippy"
      rustup component add rustfmt clippy || die "could not add rustfmt and clippy: run rustup component add rustfmt clippy"
      installed+=("rustfmt clippy")
    else
      die "cargo fmt and cargo clippy are needed: install rustfmt and clippy for your Rust toolchain"
    fi
  fi
  ok "$(cargo fmt --version), $(cargo clippy --version)"

  # ---- 2. Cargo.lock, wasm-bindgen version, Trunk.toml agreement ----
  [[ -f Trunk.toml ]] || die "Trunk.toml is missing from $root"
  if [[ ! -f Cargo.lock ]]; then
    say "no Cargo.lock yet: cargo generate-lockfile"
    cargo generate-lockfile
  fi
  local wbg_version
  wbg_version="$(awk '/^\[\[package\]\]/{n=""} /^name = "wasm-bindgen"$/{n=1; next} n && /^version = /{gsub(/"/,"",$3); print $3; exit}' Cargo.lock)"
  [[ -n "$wbg_version" ]] || die "Cargo.lock has no wasm-bindgen package (is the app crate a workspace member with wasm-bindgen as a dependency?)"
  local trunk_wbg
  trunk_wbg="$(sed -n 's/^[[:space:]]*wasm_bindgen[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Trunk.toml | head -n1)"
  if [[ "$trunk_wbg" != "$wbg_version" ]]; then
    die "version mismatch: Cargo.lock has wasm-bindgen $wbg_version but Trunk.toml [tools] wasm_bindgen = \"${trunk_wbg:-<missing>}\".
         They must be equal (Trunk runs that wasm-bindgen-cli on the crate's output). Fix Trunk.toml, or pin the crate
         with wasm-bindgen = \"=$trunk_wbg\" in Cargo.toml and run cargo update -p wasm-bindgen."
  fi
  local trunk_wopt
  trunk_wopt="$(sed -n 's/^[[:space:]]*wasm_opt[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Trunk.toml | head -n1)"
  [[ "$trunk_wopt" == "$WASM_OPT_VERSION" ]] || die "Trunk.toml [tools] wasm_opt is \"$trunk_wopt\", expected \"$WASM_OPT_VERSION\" (npm binaryen 132 in tools/)"
  ok "wasm-bindgen $wbg_version in Cargo.lock and Trunk.toml"

  # ---- 3. wasm32 target: rustup, or the Debian rustc-web + build-std fallback ----
  say "wasm32-unknown-unknown target"
  local mode="" reason=""
  if [[ "${SEGSCOPE_WASM_FALLBACK:-0}" == 1 ]]; then
    mode=fallback; reason="forced by SEGSCOPE_WASM_FALLBACK=1"
  elif command -v rustup >/dev/null 2>&1; then
    if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
      mode=rustup
    elif rustup target add wasm32-unknown-unknown; then
      mode=rustup; installed+=("rustup target wasm32-unknown-unknown")
    else
      mode=fallback; reason="rustup target add wasm32-unknown-unknown failed"
    fi
  else
    local libdir
    libdir="$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null || true)"
    if [[ -n "$libdir" ]] && compgen -G "$libdir/libcore-*.rlib" >/dev/null; then
      mode=system
    else
      mode=fallback; reason="no rustup and the active rustc has no wasm32 std"
    fi
  fi

  mkdir -p .tools
  local envfile=.tools/wasm-env.sh envtext
  if [[ "$mode" == fallback ]]; then
    say "using the fallback: Debian rustc-web/cargo-web + std built from source ($reason)"
    if [[ ! -x /usr/bin/rustc || ! -x /usr/bin/cargo || ! -d /usr/lib/rustlib/src/rust/library ]] \
       || ! dpkg-query -W -f='${Status}' rustc-web cargo-web rust-web-src 2>/dev/null | grep -q '^\(install ok installed\)\{3\}$'; then
      apt_install rustc-web cargo-web rust-web-src
    fi
    # Linker for wasm32: rust-lld from the rustup toolchain (verified), else rust-lld/wasm-ld on PATH (untested).
    local host lld=""
    host="$(rustc -vV | sed -n 's/^host: //p')"
    if [[ -x "$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld" ]]; then
      lld="$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld"
    elif command -v rust-lld >/dev/null 2>&1; then lld="$(command -v rust-lld)"
    elif command -v wasm-ld >/dev/null 2>&1; then lld="$(command -v wasm-ld)"
    else
      apt_install lld
      lld="$(command -v wasm-ld || true)"
      [[ -n "$lld" ]] || die "no wasm linker found: need rust-lld (from a rustup toolchain) or wasm-ld (Debian package lld)"
    fi
    # Trunk runs plain `cargo`: a shim dir puts Debian's cargo first for Trunk only.
    mkdir -p .tools/wasm-fallback-bin
    ln -sfn /usr/bin/cargo .tools/wasm-fallback-bin/cargo
    envtext="# Generated by scripts/setup.sh: wasm32 toolchain = fallback ($reason).
# Sourced by scripts/build.sh and scripts/serve.sh right before Trunk; do not source it for native cargo builds.
export SEGSCOPE_WASM_MODE=fallback
export PATH=\"$root/.tools/wasm-fallback-bin:\$PATH\"
export RUSTC=/usr/bin/rustc
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
# std's own crates.io dependencies (e.g. dlmalloc for wasm32): build.sh/serve.sh \`cargo fetch\` them before the
# --offline build.
export SEGSCOPE_STD_SRC=/usr/lib/rustlib/src/rust/library
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=\"$lld\"
# Separate target dir so Debian-rustc artefacts never mix with the rustup ones in target/.
export CARGO_TARGET_DIR=\"$root/target/wasm-fallback\"
"
    ok "fallback: $(/usr/bin/rustc --version), linker $lld"
  else
    envtext="# Generated by scripts/setup.sh: wasm32 toolchain = $mode (the normal toolchain has the target).
export SEGSCOPE_WASM_MODE=$mode
"
    ok "wasm32-unknown-unknown installed ($mode)"
  fi
  if [[ ! -f "$envfile" ]] || [[ "$(cat "$envfile"; echo .)" != "$envtext." ]]; then
    printf '%s' "$envtext" > "$envfile"
    say "wrote $envfile (mode: $mode)"
  fi

  # ---- 4. trunk ----
  say "trunk $TRUNK_VERSION"
  if [[ "$(trunk --version 2>/dev/null || true)" == "trunk $TRUNK_VERSION" ]]; then
    ok "trunk $TRUNK_VERSION"
  else
    say "installing trunk $TRUNK_VERSION: cargo install --locked trunk@$TRUNK_VERSION (15-25 minutes on 2 cores)"
    cargo install --locked "trunk@$TRUNK_VERSION"
    [[ "$(trunk --version 2>/dev/null || true)" == "trunk $TRUNK_VERSION" ]] \
      || die "trunk --version does not print 'trunk $TRUNK_VERSION' after install (got: $(trunk --version 2>&1 || true); is ~/.cargo/bin first on PATH?)"
    installed+=("trunk $TRUNK_VERSION")
  fi

  # ---- 5. wasm-bindgen-cli (same version as the crate in Cargo.lock) ----
  say "wasm-bindgen-cli $wbg_version"
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $wbg_version"* ]]; then
    ok "wasm-bindgen $wbg_version"
  else
    # Not --locked: the CLI's own lockfile pins a webpki-roots release that some registry mirrors lack.
    say "installing: cargo install wasm-bindgen-cli@$wbg_version (about 4 minutes on 2 cores)"
    cargo install "wasm-bindgen-cli@$wbg_version"
    [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $wbg_version"* ]] \
      || die "wasm-bindgen --version does not print $wbg_version after install (got: $(wasm-bindgen --version 2>&1 || true))"
    installed+=("wasm-bindgen-cli $wbg_version")
  fi

  # ---- 6. Node >= 20 and the npm tools in tools/ ----
  say "Node.js >= $NODE_MIN_MAJOR and tools/node_modules"
  node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  if [[ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]]; then
    die "Node.js $(node --version 2>/dev/null || echo '(none)') is too old: need >= $NODE_MIN_MAJOR (playwright-core requires it;
         Debian 12's own nodejs package is 18). Install Node 20 or newer (e.g. from your distribution's backports,
         NodeSource or nvm) so that 'node' on PATH is >= $NODE_MIN_MAJOR, then re-run."
  fi
  ok "node $(node --version), npm $(npm --version 2>/dev/null)"
  [[ -f tools/package.json ]] || die "tools/package.json is missing"
  local stamp_want stamp_file=tools/node_modules/.segscope-stamp
  stamp_want="$(cat tools/package.json tools/package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1) node$(node_major)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_want" && -x tools/node_modules/.bin/wasm-opt ]]; then
    ok "tools/node_modules up to date"
  else
    if [[ -f tools/package-lock.json ]]; then
      say "npm ci in tools/"
      (cd tools && npm ci --no-audit --no-fund --loglevel=error)
    else
      say "npm install in tools/ (no package-lock.json yet: it will be created; commit it)"
      (cd tools && npm install --no-audit --no-fund --loglevel=error)
      stamp_want="$(cat tools/package.json tools/package-lock.json | sha256sum | cut -d' ' -f1) node$(node_major)"
    fi
    printf '%s' "$stamp_want" > "$stamp_file"
    installed+=("npm tools")
  fi
  local wopt
  wopt="$(tools/node_modules/.bin/wasm-opt --version 2>/dev/null || true)"
  [[ "$wopt" == *"($WASM_OPT_VERSION)"* ]] || die "tools/node_modules/.bin/wasm-opt --version printed '$wopt', expected $WASM_OPT_VERSION"
  [[ -f tools/node_modules/playwright-core/package.json ]] || die "playwright-core missing from tools/node_modules"
  ok "$wopt; playwright-core $(node -p 'require("./tools/node_modules/playwright-core/package.json").version')"

  # ---- 7. Chromium for the browser tests ----
  say "Chromium"
  local chrome
  if ! chrome="$(_segscope_find_chromium)"; then
    apt_install chromium
    chrome="$(_segscope_find_chromium)" || die "Chromium still not found after apt-get install chromium; set CHROMIUM=/path/to/chromium"
  fi
  ok "$chrome"

  # ---- 8. Python packages for reference tests and the Spark warehouse tests ----
  ensure_python_packages() {
    if [[ "${SEGSCOPE_SKIP_PYTHON:-0}" == 1 ]]; then say "Python packages: skipped (SEGSCOPE_SKIP_PYTHON=1)"; return 0; fi
    say "Python: duckdb, pandas, polars, pyspark"
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv python3-pip
    if python3 -c 'import duckdb, pandas, polars, pyspark' >/dev/null 2>&1; then ok "duckdb, pandas, polars, pyspark importable"; return 0; fi
    local m missing=() pkgs=()
    for m in duckdb pandas polars pyspark; do
      python3 -c "import $m" >/dev/null 2>&1 || missing+=("$m")
    done
    for m in "${missing[@]}"; do
      if [[ "$m" == pyspark ]]; then pkgs+=("pyspark==$PYSPARK_VERSION"); else pkgs+=("$m"); fi
    done
    say "pip install ${pkgs[*]} (pyspark is a download of about 430 MB)"
    if python3 -m pip --version >/dev/null 2>&1 && python3 -m pip install --quiet "${pkgs[@]}" 2>/dev/null; then
      installed+=("pip: ${pkgs[*]}")
    else
      # Debian's system Python refuses pip installs (PEP 668): use a project venv, put first on PATH by _segscope_env.
      say "pip install into the system Python failed or pip is missing: using a venv in .tools/venv"
      if [[ ! -x .tools/venv/bin/python3 ]]; then
        python3 -m venv .tools/venv >/dev/null 2>&1 || { apt_install python3-venv; python3 -m venv .tools/venv; }
      fi
      .tools/venv/bin/python3 -m pip install --quiet duckdb pandas polars "pyspark==$PYSPARK_VERSION"
      installed+=("venv pip: duckdb pandas polars pyspark==$PYSPARK_VERSION")
      _segscope_env
    fi
    python3 -c 'import duckdb, pandas, polars, pyspark' || die "duckdb/pandas/polars/pyspark still not importable"
    ok "duckdb, pandas, polars, pyspark"
  }
  ensure_python_packages

  # ---- 9. PostgreSQL for the warehouse tests (they start their own throwaway cluster) ----
  say "PostgreSQL"
  pg_bindir() { find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1; }
  local pg_bin
  pg_bin="$(pg_bindir || true)"
  if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" || ! -x "$pg_bin/pg_ctl" || ! -x "$pg_bin/psql" ]]; then
    # Only the binaries are needed: keep the package from creating (and starting) its own `main` cluster.
    as_root mkdir -p /etc/postgresql-common/createcluster.d
    printf 'create_main_cluster = false\n' | as_root tee /etc/postgresql-common/createcluster.d/segscope.conf >/dev/null
    apt_install postgresql
    pg_bin="$(pg_bindir || true)"
    [[ -n "$pg_bin" && -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" && -x "$pg_bin/psql" ]] \
      || die "initdb, pg_ctl and psql are still not in /usr/lib/postgresql/*/bin after apt-get install postgresql"
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "as root, the PostgreSQL tests run their cluster as the postgres system user, which is missing (reinstall postgresql-common)"
  fi
  ok "$("$pg_bin/postgres" --version) ($pg_bin)"

  # ---- 10. A Java runtime for Spark ----
  say "Java >= $JAVA_MIN_MAJOR (for Spark)"
  java_major() { java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1; }
  if ! command -v java >/dev/null 2>&1; then
    as_root mkdir -p /usr/share/man/man1   # slim images lack it and the JRE's postinst links a man page there
    apt_install default-jre-headless
  fi
  [[ "$(java_major)" -ge "$JAVA_MIN_MAJOR" ]] \
    || die "java on PATH is $(java -version 2>&1 | head -n1); Spark $PYSPARK_VERSION needs Java $JAVA_MIN_MAJOR or newer (apt-get install openjdk-17-jre-headless, and put it first on PATH)"
  ok "$(java -version 2>&1 | head -n1)"

  if [[ ${#installed[@]} -eq 0 ]]; then
    say "all tools present, nothing installed ($((SECONDS - t0))s)"
  else
    say "installed: ${installed[*]} ($((SECONDS - t0))s)"
  fi
}

_segscope_env
if [[ $_segscope_sourced -eq 1 ]]; then
  # Run the checks in a subshell so that a failure (exit) does not close an interactive shell that sourced us.
  # (Not `( ... ) || return`: errexit is ignored inside a subshell that is the left side of ||.)
  _segscope_errexit=0; [[ $- == *e* ]] && _segscope_errexit=1
  set +e
  ( _segscope_install )
  _segscope_rc=$?
  [[ $_segscope_errexit -eq 1 ]] && set -e
  unset _segscope_sourced _segscope_errexit
  if [[ $_segscope_rc -ne 0 ]]; then unset _segscope_rc; return 1; fi
  unset _segscope_rc
  _segscope_env
else
  set -euo pipefail
  _segscope_install
fi
