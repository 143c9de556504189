#!/usr/bin/env bash
# Builds the browser package into pkg/:
#   pkg/session_guard.js, pkg/session_guard_bg.wasm, pkg/session_guard.d.ts
#   (+ pkg/session_guard_bg.wasm.d.ts; the crate's JS snippets are bundled into the .js)
# It never downloads tools: run `npm run setup` (scripts/setup.sh) first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
prepare_wasm_build build

# Start from an empty pkg/ so no stale file can end up in the npm tarball.
rm -rf pkg
# `no-std`: the wasm without std's panic machinery and its formatting (Cargo.toml).
wasm-pack build --target web "${WASM_PACK_ARGS[@]}" -- --features no-std </dev/null

# wasm-pack may still leave files that do not belong in the tarball; in
# particular a pkg/.gitignore containing `*` makes `npm pack` drop all of pkg/.
rm -f pkg/.gitignore pkg/package.json pkg/README.md pkg/LICENSE*

# One free() on SessionGuard, the crate's: it stops the guard, and so do
# [Symbol.dispose]() and `using` (see the script).
node scripts/free-is-destroy.mjs pkg/session_guard.js pkg/session_guard.d.ts
# What users see of the loader: a clear Error for `new SessionGuard()` before
# `init()`, and declarations free of wasm-bindgen's internals (see the script).
node scripts/public-api.mjs pkg/session_guard.js pkg/session_guard.d.ts

# Bundle the JS glue with the crate's JS snippet (src/web/glue.js) into one
# minified file, so the package stays the three files of the contract: no
# extra request, no pkg/snippets/. esbuild keeps the literal
# `new URL('session_guard_bg.wasm', import.meta.url)` that bundlers look for,
# and the export names; pages and bundlers load it unchanged.
if [[ -x node_modules/.bin/esbuild ]]; then
  node_modules/.bin/esbuild pkg/session_guard.js --bundle --minify --format=esm --log-level=warning --log-override:duplicate-object-key=silent \
    --outfile=pkg/session_guard.min.js
  mv pkg/session_guard.min.js pkg/session_guard.js
  rm -rf pkg/snippets
  # Short import names in the .wasm and the glue (the hashed ones do not compress).
  node scripts/short-imports.mjs pkg/session_guard_bg.wasm pkg/session_guard.js
  # Once more through esbuild: what the short import object no longer names
  # (the snippet's functions only its namespace object kept) goes.
  node_modules/.bin/esbuild pkg/session_guard.js --minify --format=esm --log-level=warning \
    --outfile=pkg/session_guard.min.js
  mv pkg/session_guard.min.js pkg/session_guard.js
  grep -q 'new URL("session_guard_bg.wasm",import.meta.url)' pkg/session_guard.js || {
    echo "build: error: bundling lost the glue's new URL('session_guard_bg.wasm', import.meta.url)" >&2
    exit 1
  }
else
  echo "build: warning: esbuild not installed (run: npm run setup); the JS glue is not minified and imports pkg/snippets/" >&2
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
