#!/usr/bin/env bash
# Builds the alternative package for bundlers into pkg-bundler/
# (`wasm-pack build --target bundler`): pkg-bundler/session_guard.js imports
# session_guard_bg.wasm as an ES module (the WebAssembly ESM integration), which
# webpack 5 supports (before 5.112 only with experiments.asyncWebAssembly) and
# Node runs with --experimental-wasm-modules. Vite 7 does not, so the npm
# package ships the --target web build of scripts/build.sh (pkg/), which Vite
# and webpack handle with no configuration; see docs/recipes.md.
# It never downloads tools: run `npm run setup` (scripts/setup.sh) first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
prepare_wasm_build build-bundler

out=pkg-bundler
rm -rf "$out"
wasm-pack build --target bundler --out-dir "$out" "${WASM_PACK_ARGS[@]}" -- --features no-std </dev/null
rm -f "$out/.gitignore" "$out/package.json" "$out/README.md" "$out"/LICENSE*
# One free() on SessionGuard, the crate's, as in scripts/build.sh.
node scripts/free-is-destroy.mjs "$out/session_guard_bg.js" "$out/session_guard.d.ts"
# Declarations free of wasm-bindgen's internals, as in scripts/build.sh.
node scripts/public-api.mjs "$out/session_guard_bg.js" "$out/session_guard.d.ts"

for f in session_guard.js session_guard_bg.js session_guard_bg.wasm session_guard.d.ts; do
  if [[ ! -s "$out/$f" ]]; then
    echo "build-bundler: error: $out/$f was not produced" >&2
    exit 1
  fi
done
echo "build-bundler: $out/ ready: $(cd "$out" && ls | tr '\n' ' ')" >&2
