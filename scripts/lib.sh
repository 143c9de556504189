# shellcheck shell=bash
# Shared by the project's scripts (sourced, never run on its own).

# cargo's bin directory on PATH: CI and fresh shells may not have sourced the
# profile that adds it.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) [[ -d "$CARGO_BIN" ]] && export PATH="$CARGO_BIN:$PATH" ;;
esac

# Sets up a release `wasm-pack build` for the script named $1 and fills
# WASM_PACK_ARGS with the options every package build shares.
prepare_wasm_build() {
  local me="$1"
  # wasm-opt comes from the pinned npm package `binaryen`; put it ahead of any
  # system copy (Debian 12's binaryen 108 writes a broken wasm, see below).
  export PATH="$PWD/node_modules/.bin:$PATH"
  if ! command -v wasm-pack >/dev/null 2>&1; then
    echo "$me: error: wasm-pack is not installed. Run: npm run setup" >&2
    exit 1
  fi
  WASM_PACK_ARGS=(--release --mode no-install --no-pack --no-gitignore)

  # An old binaryen (Debian 12 ships 108) does not know the wasm features that
  # current rustc + wasm-bindgen output relies on (reference types, overlong
  # call_indirect table indices) and writes a wasm whose __wbindgen_externrefs
  # export points at the function table: init() then throws
  # "WebAssembly.Table.set(): Argument 1 is invalid for table". 132 (the npm
  # devDependency) is verified; anything older is skipped rather than trusted.
  local min_wasm_opt=132 version=""
  if command -v wasm-opt >/dev/null 2>&1; then
    version="$(wasm-opt --version 2>/dev/null | sed -nE 's/^wasm-opt version ([0-9]+).*/\1/p')" || true
  fi
  if [[ -z "$version" ]]; then
    echo "$me: warning: wasm-opt not found (run: npm run setup); building without it, the wasm will be larger" >&2
    WASM_PACK_ARGS+=(--no-opt)
  elif ((version < min_wasm_opt)); then
    echo "$me: warning: $(command -v wasm-opt) is version $version, which breaks wasm-bindgen output;" \
      "skipping wasm-opt (run: npm run setup to get binaryen from npm)" >&2
    WASM_PACK_ARGS+=(--no-opt)
  fi

  # Panic locations name source files: keep the builder's directories out of
  # the shipped wasm (and the build reproducible across machines). Every
  # package build uses the same flags, so they share cargo's cache.
  export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$PWD=."
}
