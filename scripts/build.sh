#!/usr/bin/env bash
# Builds the browser package into pkg/:
#   pkg/session_guard.js, pkg/session_guard_bg.wasm, pkg/session_guard.d.ts
#   (+ pkg/session_guard_bg.wasm.d.ts, and pkg/snippets/ if the crate has JS snippets)
# It never downloads tools: run `npm run setup` (scripts/setup.sh) first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) [[ -d "$CARGO_BIN" ]] && export PATH="$CARGO_BIN:$PATH" ;;
esac
# wasm-opt comes from the pinned npm package `binaryen`; put it ahead of any
# system copy (Debian 12's binaryen 108 writes a broken wasm, see below).
export PATH="$PWD/node_modules/.bin:$PATH"

if ! command -v wasm-pack >/dev/null 2>&1; then
  echo "build: error: wasm-pack is not installed. Run: npm run setup" >&2
  exit 1
fi

args=(--target web --release --mode no-install --no-pack --no-gitignore)

# An old binaryen (Debian 12 ships 108) does not know the wasm features that
# current rustc + wasm-bindgen output relies on (reference types, overlong
# call_indirect table indices) and writes a wasm whose __wbindgen_externrefs
# export points at the function table: init() then throws "WebAssembly.Table.set():
# Argument 1 is invalid for table". 132 (the npm devDependency) is verified;
# anything older is skipped rather than trusted.
min_wasm_opt=132
wasm_opt_version=""
if command -v wasm-opt >/dev/null 2>&1; then
  wasm_opt_version="$(wasm-opt --version 2>/dev/null | sed -nE 's/^wasm-opt version ([0-9]+).*/\1/p')" || true
fi
if [[ -z "$wasm_opt_version" ]]; then
  echo "build: warning: wasm-opt not found (run: npm run setup); building without it, the wasm will be larger" >&2
  args+=(--no-opt)
elif ((wasm_opt_version < min_wasm_opt)); then
  echo "build: warning: $(command -v wasm-opt) is version $wasm_opt_version, which breaks wasm-bindgen output;" \
    "skipping wasm-opt (run: npm run setup to get binaryen from npm)" >&2
  args+=(--no-opt)
fi

# Panic locations name source files: keep the builder's directories out of
# the shipped wasm (and the build reproducible across machines).
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$PWD=."

# Start from an empty pkg/ so no stale file can end up in the npm tarball.
rm -rf pkg
wasm-pack build "${args[@]}" </dev/null

# wasm-pack may still leave files that do not belong in the tarball; in
# particular a pkg/.gitignore containing `*` makes `npm pack` drop all of pkg/.
rm -f pkg/.gitignore pkg/package.json pkg/README.md pkg/LICENSE*

# Minify the JS glue (about 2 KB less gzip). esbuild keeps the literal
# `new URL('session_guard_bg.wasm', import.meta.url)` that bundlers look for,
# and the export names; pages and bundlers load it unchanged.
if [[ -x node_modules/.bin/esbuild ]]; then
  node_modules/.bin/esbuild pkg/session_guard.js --minify --format=esm --log-level=warning \
    --outfile=pkg/session_guard.min.js
  mv pkg/session_guard.min.js pkg/session_guard.js
  grep -q 'new URL("session_guard_bg.wasm",import.meta.url)' pkg/session_guard.js || {
    echo "build: error: minifying lost the glue's new URL('session_guard_bg.wasm', import.meta.url)" >&2
    exit 1
  }
else
  echo "build: warning: esbuild not installed (run: npm run setup); the JS glue is not minified" >&2
fi

for f in pkg/session_guard.js pkg/session_guard_bg.wasm pkg/session_guard.d.ts; do
  if [[ ! -s "$f" ]]; then
    echo "build: error: $f was not produced" >&2
    exit 1
  fi
done

size() { wc -c <"$1" | tr -d ' '; }
gzsize() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
wasm=pkg/session_guard_bg.wasm
js=pkg/session_guard.js
# stderr, like wasm-pack's own output, so `npm pack --json` (prepack) stays parsable.
echo "build: $wasm $(size $wasm) B ($(gzsize $wasm) B gzip -9), $js $(size $js) B ($(gzsize $js) B gzip -9), wasm+js $(($(gzsize $wasm) + $(gzsize $js))) B gzip -9" >&2
