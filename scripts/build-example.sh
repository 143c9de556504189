#!/usr/bin/env bash
# Builds the Rust-only example (examples/countdown) with wasm-pack into
# examples/countdown/pkg/, and prints how long it took.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh
prepare_wasm_build build-example

# The crate's own target directory: the dependencies it shares with the
# package build are compiled once.
export CARGO_TARGET_DIR="$PWD/target"
started=$SECONDS
rm -rf examples/countdown/pkg
wasm-pack build --target web "${WASM_PACK_ARGS[@]}" examples/countdown </dev/null
rm -f examples/countdown/pkg/.gitignore
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
echo "build-example: examples/countdown/pkg in $((SECONDS - started)) s;" \
  "countdown_bg.wasm $(gz examples/countdown/pkg/countdown_bg.wasm) B gzip -9," \
  "countdown.js $(gz examples/countdown/pkg/countdown.js) B gzip -9" >&2
