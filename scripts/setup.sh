#!/usr/bin/env bash
# One idempotent setup for `npm start` and `npm test`.
#
# Silent when everything is present. Prints one line per thing it installs and
# stops with a message naming what is missing when it cannot install it.
# Works non-interactively (CI=true, no stdin). Set SETUP_VERBOSE=1 to see the
# full output of the installers.
#
# Everything comes from crates.io, the npm registry or the system package
# manager; nothing here downloads prebuilt binaries from anywhere else (so the
# npm package `wasm-pack` and `playwright install` are never used).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() {
  printf 'setup: error: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '       %s\n' "$line" >&2; done
  exit 1
}

LOG=""
cleanup() { [[ -n "$LOG" ]] && rm -f "$LOG"; return 0; }
trap cleanup EXIT

# Run an installer quietly; on failure show the tail of its output.
run_quiet() {
  if [[ -n "${SETUP_VERBOSE:-}" ]]; then
    "$@" </dev/null
    return
  fi
  [[ -n "$LOG" ]] || LOG="$(mktemp)"
  if ! "$@" </dev/null >"$LOG" 2>&1; then
    printf 'setup: command failed: %s\n' "$*" >&2
    tail -n 40 "$LOG" >&2
    return 1
  fi
}

# cargo's bin directory on PATH (CARGO_BIN), as every script needs it.
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

have() { command -v "$1" >/dev/null 2>&1; }

# --- node / npm ---------------------------------------------------------------
have node || die "node is not installed." "Install Node.js 20 or newer: https://nodejs.org/"
node_major="$(node --version)"
node_major="${node_major#v}"
node_major="${node_major%%.*}"
if ((node_major < 20)); then
  die "Node.js $(node --version) is too old; version 20 or newer is needed."
fi
have npm || die "npm is not installed." "It comes with Node.js: https://nodejs.org/"

# --- Rust -----------------------------------------------------------------------
have cargo || die "cargo (Rust) is not installed." \
  "Install Rust with rustup: https://rustup.rs/ (then open a new shell or run: . \"\$HOME/.cargo/env\")"

if have rustup; then
  if ! rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
    say "installing Rust target wasm32-unknown-unknown (rustup)"
    run_quiet rustup target add wasm32-unknown-unknown ||
      die "could not add the wasm32-unknown-unknown target." "Run: rustup target add wasm32-unknown-unknown"
  fi
  # cargo fmt and cargo clippy are part of the test run.
  components="$(rustup component list --installed 2>/dev/null || true)"
  for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$components"; then
      say "installing Rust component $component (rustup)"
      run_quiet rustup component add "$component" ||
        die "could not add the Rust component $component." "Run: rustup component add $component"
    fi
  done
elif [[ ! -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]]; then
  die "the Rust target wasm32-unknown-unknown is missing and rustup is not available to add it." \
    "Install Rust with rustup (https://rustup.rs/), then: rustup target add wasm32-unknown-unknown"
fi

# --- wasm-pack (from crates.io, never the npm package) ------------------------
if ! have wasm-pack; then
  say "installing wasm-pack (cargo install wasm-pack --locked, takes a few minutes)"
  run_quiet cargo install wasm-pack --locked ||
    die "could not install wasm-pack." "Run: cargo install wasm-pack --locked"
  have wasm-pack || die "wasm-pack was installed but is not on PATH." "Add $CARGO_BIN to PATH."
fi

# --- wasm-bindgen-cli, exactly the version in Cargo.lock ----------------------
[[ -f Cargo.toml ]] || die "Cargo.toml not found in $(pwd)."

lock_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; if ($1 == "version") { gsub(/"/, "", $3); print $3; exit } }' Cargo.lock
}
pin_version() {
  sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=.*"=[[:space:]]*([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Cargo.toml | head -n 1
}

if [[ ! -f Cargo.lock ]]; then
  say "generating Cargo.lock (cargo generate-lockfile)"
  run_quiet cargo generate-lockfile || warn "cargo generate-lockfile failed; using the version pinned in Cargo.toml"
fi
bindgen_version=""
[[ -f Cargo.lock ]] && bindgen_version="$(lock_version)"
[[ -n "$bindgen_version" ]] || bindgen_version="$(pin_version)"
[[ -n "$bindgen_version" ]] || die "cannot tell which wasm-bindgen version the crate uses." \
  "Cargo.lock has no wasm-bindgen entry and Cargo.toml has no exact pin like wasm-bindgen = \"=0.2.130\"."

installed_bindgen=""
if have wasm-bindgen; then
  installed_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2; exit }')" || true
fi
if [[ "$installed_bindgen" != "$bindgen_version" ]] || ! have wasm-bindgen-test-runner; then
  # No --locked: the lockfile shipped with wasm-bindgen-cli can pin crates the
  # registry no longer serves, while a fresh resolution installs fine.
  say "installing wasm-bindgen-cli $bindgen_version (cargo install, takes a few minutes)"
  run_quiet cargo install wasm-bindgen-cli --version "=$bindgen_version" --force ||
    die "could not install wasm-bindgen-cli $bindgen_version." \
      "Run: cargo install wasm-bindgen-cli --version =$bindgen_version"
  installed_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2; exit }')" || true
  [[ "$installed_bindgen" == "$bindgen_version" ]] ||
    die "wasm-bindgen on PATH is '${installed_bindgen:-missing}', expected $bindgen_version." \
      "Make sure $CARGO_BIN comes first in PATH."
fi

# --- browsers and drivers: Chromium, and Firefox as the second browser -------
# (wasm-opt is not taken from the system: it comes from the pinned npm package
# `binaryen`, because Debian 12's binaryen 108 writes a broken wasm for
# wasm-bindgen output; scripts/build.sh explains.)
find_browser() {
  if [[ -n "${CHROME_PATH:-}" ]]; then
    [[ -x "$CHROME_PATH" ]] && return 0
    die "CHROME_PATH is set to '$CHROME_PATH', which is not an executable file."
  fi
  local name
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    have "$name" && return 0
  done
  return 1
}

# The browser tests and the most important end-to-end tests also run in
# Firefox. The browser comes from the system package manager (Debian's
# firefox-esr), the driver for wasm-pack's tests from crates.io (pinned; the
# end-to-end tests drive Firefox with puppeteer-core over WebDriver BiDi and
# need no driver).
GECKODRIVER_VERSION=0.37.1
find_firefox() {
  if [[ -n "${FIREFOX_PATH:-}" ]]; then
    [[ -x "$FIREFOX_PATH" ]] && return 0
    die "FIREFOX_PATH is set to '$FIREFOX_PATH', which is not an executable file."
  fi
  local name
  for name in firefox-esr firefox; do
    have "$name" && return 0
  done
  return 1
}
missing_pkgs=()
find_browser || missing_pkgs+=(chromium)
have chromedriver || missing_pkgs+=(chromium-driver)
find_firefox || missing_pkgs+=(firefox-esr)

if ((${#missing_pkgs[@]} > 0)); then
  if [[ "$(id -u)" == 0 ]] && have apt-get; then
    say "installing ${missing_pkgs[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if ! { run_quiet apt-get update -q && run_quiet apt-get install -y -q "${missing_pkgs[@]}"; }; then
      warn "apt-get could not install ${missing_pkgs[*]}"
    fi
  fi
  if ! find_browser || ! have chromedriver; then
    die "a Chrome/Chromium browser and a matching chromedriver are needed for the tests." \
      "Debian/Ubuntu: sudo apt-get install chromium chromium-driver" \
      "Elsewhere: install Chrome or Chromium and its chromedriver, put both on PATH" \
      "(or point CHROME_PATH at the browser)."
  fi
  find_firefox || die "Firefox is needed for the tests in a second browser." \
    "Debian/Ubuntu: sudo apt-get install firefox-esr" \
    "Elsewhere: install Firefox and put it on PATH (or point FIREFOX_PATH at it)."
fi

# geckodriver, for wasm-pack's browser tests in Firefox.
installed_gecko=""
if have geckodriver; then
  installed_gecko="$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }')" || true
fi
if [[ "$installed_gecko" != "$GECKODRIVER_VERSION" ]]; then
  say "installing geckodriver $GECKODRIVER_VERSION (cargo install, takes a few minutes)"
  run_quiet cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked --force ||
    die "could not install geckodriver $GECKODRIVER_VERSION." \
      "Run: cargo install geckodriver --version =$GECKODRIVER_VERSION --locked"
  have geckodriver || die "geckodriver was installed but is not on PATH." "Add $CARGO_BIN to PATH."
fi

# --- npm dependencies -----------------------------------------------------------
if [[ -f package-lock.json ]]; then
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing npm dependencies (npm ci)"
    run_quiet npm ci --no-audit --no-fund || die "npm ci failed." "Run: npm ci"
  fi
elif [[ ! -d node_modules ]]; then
  say "installing npm dependencies (npm install)"
  run_quiet npm install --no-audit --no-fund || die "npm install failed." "Run: npm install"
fi
