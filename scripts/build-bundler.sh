#!/usr/bin/env bash
# Builds the alternative package for bundlers into pkg-bundler/
# (`wasm-pack build --target bundler`): pkg-bundler/session_guard.js imports
# session_guard_bg.wasm as an ES module (the WebAssembly ESM integration), which
# webpack 5 supports (before 5.112 only with experiments.asyncWebAssembly) and
# Node runs with --experimental-wasm-modules. Vite 7 does not, so the npm
# package ships the --target web build of scripts/build.sh (pkg/), which Vite
# and webpack handle with no configuration; see "Bundlers" in README.md.
# It never downloads tools: run `npm run setup` (scripts/setup.sh) first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) [[ -d "$CARGO_BIN" ]] && export PATH="$CARGO_BIN:$PATH" ;;
esac
# wasm-opt from the pinned npm package `binaryen` (scripts/build.sh says why).
export PATH="$PWD/node_modules/.bin:$PATH"

if ! command -v wasm-pack >/dev/null 2>&1; then
  echo "build-bundler: error: wasm-pack is not installed. Run: npm run setup" >&2
  exit 1
fi

out=pkg-bundler
args=(--target bundler --out-dir "$out" --release --mode no-install --no-pack --no-gitignore)
if [[ ! -x node_modules/.bin/wasm-opt ]]; then
  echo "build-bundler: warning: node_modules/.bin/wasm-opt not found (run: npm run setup); building without it" >&2
  args+=(--no-opt)
fi

# The same RUSTFLAGS as scripts/build.sh (keep the two in step): panic
# locations carry no builder directories, and both builds share cargo's cache.
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$PWD=."

rm -rf "$out"
wasm-pack build "${args[@]}" </dev/null
rm -f "$out/.gitignore" "$out/package.json" "$out/README.md" "$out"/LICENSE*

for f in session_guard.js session_guard_bg.js session_guard_bg.wasm session_guard.d.ts; do
  if [[ ! -s "$out/$f" ]]; then
    echo "build-bundler: error: $out/$f was not produced" >&2
    exit 1
  fi
done
echo "build-bundler: $out/ ready: $(cd "$out" && ls | tr '\n' ' ')" >&2
