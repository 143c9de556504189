#!/usr/bin/env bash
# The full check, in order, stopping at the first failure:
#   formatting, clippy (native and wasm32), native tests, crate docs and
#   package, browser tests (the JS class and the Rust API; Chrome and Firefox),
#   the Rust-only example,
#   the package build, its size budget and the minimum browser versions it
#   needs, the end-to-end suite (with the demo)
#   and its most important tests in Firefox, the TypeScript
#   types and README recipes, the --target bundler build and its test, and
#   the npm package (npm pack, installed and bundled, run in Chromium), and
#   the framework bindings (entry points, Vitest, four Vite apps in Chromium),
#   and the apps of docs/frameworks.md (Angular, Next.js, Nuxt, SvelteKit,
#   React Router, built with their own tools on a Node 24 from npm).
# Expects the tools from scripts/setup.sh (`npm test` runs that first).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# cargo's bin directory on PATH (CARGO_BIN), as every script needs it.
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

# The browser for the end-to-end tests (playwright-core drives the system
# browser, it never downloads one).
if [[ -z "${CHROME_PATH:-}" ]]; then
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then
      CHROME_PATH="$(command -v "$name")"
      export CHROME_PATH
      break
    fi
  done
elif [[ -z "${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-}" && ! -f webdriver.json ]]; then
  # An explicitly chosen browser is also used for the wasm-bindgen browser
  # tests: chromedriver reads it from the capabilities file.
  node -e 'process.stdout.write(JSON.stringify({ "goog:chromeOptions": { binary: process.argv[1] } }))' \
    "$CHROME_PATH" >"$TMP_DIR/webdriver.json"
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$TMP_DIR/webdriver.json"
fi

# Firefox for the browser tests and the end-to-end tests in a second browser:
# `$FIREFOX_PATH`, else firefox-esr or firefox on PATH (geckodriver finds the
# latter itself; an explicit one goes to it through a capabilities file).
if [[ -z "${FIREFOX_PATH:-}" ]]; then
  for name in firefox-esr firefox; do
    if command -v "$name" >/dev/null 2>&1; then
      FIREFOX_PATH="$(command -v "$name")"
      break
    fi
  done
fi
export FIREFOX_PATH

# wasm-pack's browser tests in Firefox (geckodriver on PATH), with Firefox's
# own capabilities file: the one above, if any, names a Chromium binary.
wasm_pack_test_firefox() {
  local caps="$TMP_DIR/webdriver-firefox.json"
  node -e 'process.stdout.write(JSON.stringify({ "moz:firefoxOptions": { binary: process.argv[1] } }))' \
    "$FIREFOX_PATH" >"$caps"
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$caps" wasm-pack test --headless --firefox --mode no-install
}

# A browser test may run longer than wasm-bindgen-test's default 20 s on a
# loaded 2-core machine (the memory test makes 2,000 guards in a debug build).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

shopt -s nullglob
e2e_files=(tests/e2e/*.test.mjs)
shopt -u nullglob

run_e2e() {
  if ((${#e2e_files[@]} == 0)); then
    echo "no end-to-end tests found (tests/e2e/*.test.mjs)" >&2
    return 1
  fi
  node --test "${e2e_files[@]}"
}

# The Rust-only example is its own crate: formatted, linted for wasm32 (in
# the package's target directory, whose dependencies it shares).
check_example() {
  cargo fmt --manifest-path examples/countdown/Cargo.toml -- --check
  CARGO_TARGET_DIR="$PWD/target" cargo clippy --manifest-path examples/countdown/Cargo.toml \
    --target wasm32-unknown-unknown -- -D warnings
}

# The crate docs, for the browser (the Rust API) and the host (the core),
# with every warning an error (missing docs among them: src/lib.rs denies it).
check_docs() {
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --target wasm32-unknown-unknown
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib
}

# The crate as crates.io would get it: only the Rust source, the README and
# the licences, and it builds from them (for wasm32, where its API lives).
check_package() {
  local list
  list="$(cargo package --list --allow-dirty)"
  if grep -vE '^(src/.*|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|README\.md|LICENSE-(MIT|APACHE)|\.cargo_vcs_info\.json)$' <<<"$list"; then
    echo "cargo package: the files above do not belong in the crate" >&2
    return 1
  fi
  cargo package --allow-dirty --target wasm32-unknown-unknown
}

STEPS=(
  "cargo fmt --check|cargo fmt --all -- --check"
  "cargo clippy (native)|cargo clippy --all-targets -- -D warnings"
  "cargo clippy (wasm32)|cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings"
  "cargo clippy (wasm32, no-std: the package build)|cargo clippy --target wasm32-unknown-unknown --lib --features no-std -- -D warnings"
  "cargo fmt and clippy of the Rust-only example (examples/countdown)|check_example"
  "cargo test (native)|cargo test"
  "cargo doc (wasm32 and native, warnings denied)|check_docs"
  "cargo package (the crate builds from what it ships)|check_package"
  "wasm-pack test (headless Chrome)|wasm-pack test --headless --chrome --mode no-install"
  "wasm-pack test (headless Firefox)|wasm_pack_test_firefox"
  "build (scripts/build.sh)|bash scripts/build.sh"
  "size budget (gzip -9 of pkg/)|node --test tests/size/size.test.mjs"
  "browser support: the .wasm's features and the JS syntax against docs/browsers.md|node --test tests/browsers/support.test.mjs"
  "Rust-only example: build (scripts/build-example.sh)|bash scripts/build-example.sh"
  "Rust-only example in Chromium|node --test tests/example/example.test.mjs"
  "end-to-end tests (node --test tests/e2e)|run_e2e"
  "end-to-end tests in Firefox (puppeteer-core, WebDriver BiDi)|node --test tests/firefox/firefox.test.mjs"
  "TypeScript types and README recipes (tsc)|node --test tests/types/types.test.mjs tests/recipes/recipes.test.mjs"
  "build for bundlers (scripts/build-bundler.sh)|bash scripts/build-bundler.sh"
  "bundler build test|node --test tests/package/bundler.test.mjs"
  "npm package test (npm pack, install, esbuild, Chromium)|node --test tests/package/pack.test.mjs"
  "entry points: what each imports (esbuild), Node imports|node --test tests/package/entries.test.mjs"
  "bindings and start() under Vitest (happy-dom, session-guard/node)|npx --no-install vitest run --config tests/vitest/vitest.config.mjs"
  "framework apps (React 18, React 19, Vue 3, Svelte 5; Vite, SSR, Chromium)|node --test tests/apps/apps.test.mjs"
  "framework apps of docs/frameworks.md (Angular, Next.js, Nuxt, SvelteKit, React Router; Node 24 from npm, Chromium)|node --test tests/frameworks/frameworks.test.mjs"
)

total=${#STEPS[@]}
started=$SECONDS
n=0
for entry in "${STEPS[@]}"; do
  n=$((n + 1))
  title="${entry%%|*}"
  cmd="${entry#*|}"
  printf '\n==> [%d/%d] %s\n    $ %s\n' "$n" "$total" "$title" "$cmd"
  step_started=$SECONDS
  status=0
  # Word splitting of $cmd is intended: the commands above hold no quoted args.
  # shellcheck disable=SC2086
  $cmd </dev/null || status=$?
  if ((status != 0)); then
    printf '\n==> FAILED at step %d/%d: %s (exit %d, %ds)\n' "$n" "$total" "$title" "$status" $((SECONDS - step_started)) >&2
    printf 'test: FAILED (%d of %d steps passed, %ds)\n' $((n - 1)) "$total" $((SECONDS - started)) >&2
    exit "$status"
  fi
  printf '==> ok: %s (%ds)\n' "$title" $((SECONDS - step_started))
done

printf '\ntest: all %d steps passed (%ds)\n' "$total" $((SECONDS - started))
