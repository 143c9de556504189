#!/usr/bin/env bash
# What each capability costs in the package, measured by removal: for each
# patch in scripts/size-by-removal/ (one per capability, each removing that
# capability's code and stubbing its entry points so the crate still
# compiles), a scratch copy of the commit is patched and built as
# scripts/build.sh builds the package, and the gzip -9 and brotli (quality 11)
# sizes of pkg/session_guard_bg.wasm + pkg/session_guard.js are compared with
# those of the unpatched build. Prints a Markdown table.
#
#   bash scripts/size-by-removal.sh [--rev <commit>] [capability ...]
#
# --rev: the commit to measure (default HEAD; the patches are always this
# checkout's). Capabilities: patch names without the number and `.patch`
# (default: all). The patches are measuring tools, never shipped: the builds
# they give need not work. A patch that no longer applies, or a build that
# fails, is named in the table and the others go on.
#
# The working tree is never touched: the commit is extracted to a scratch
# directory ($TMPDIR/session-guard-size-by-removal, or SIZE_SCRATCH), with a
# link to this checkout's node_modules; the builds share cargo's target
# directory target/size-by-removal (or SIZE_TARGET_DIR), so only the crate
# itself is compiled again for each patch.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

rev=HEAD
wanted=()
while (($#)); do
  case "$1" in
    --rev)
      rev="${2:?--rev needs a commit}"
      shift 2
      ;;
    -h | --help)
      sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      wanted+=("$1")
      shift
      ;;
  esac
done

say() { printf 'size-by-removal: %s\n' "$*" >&2; }

if [[ ! -x node_modules/.bin/esbuild || ! -x node_modules/.bin/wasm-opt ]]; then
  say "error: node_modules lacks esbuild or wasm-opt (run: npm run setup)"
  exit 1
fi
commit="$(git rev-parse --short=12 "$rev^{commit}")"
target="${SIZE_TARGET_DIR:-$root/target/size-by-removal}"
mkdir -p "$target"

# One path for every build, run after run: the build's flags name it
# (--remap-path-prefix), and cargo builds the dependencies again when the
# flags change. One run at a time uses it.
scratch="${SIZE_SCRATCH:-${TMPDIR:-/tmp}/session-guard-size-by-removal}"
mkdir -p "$scratch"
exec 9>"$scratch.lock"
if ! flock -n 9; then
  say "error: another run uses $scratch (SIZE_SCRATCH picks another directory)"
  exit 1
fi
tree="$scratch/session-guard"
logs="$scratch/logs"
trap 'rm -rf "$tree" "$logs"' EXIT
mkdir -p "$logs"

# A fresh copy of the commit in $tree.
extract() {
  rm -rf "$tree"
  mkdir -p "$tree"
  # -m: the files dated now, so cargo sees each copy as changed and builds it.
  git archive "$commit" | tar -x -m -C "$tree"
  ln -s "$root/node_modules" "$tree/node_modules"
  # A repository of its own, so that `git apply` patches it at its root (in
  # a directory inside another repository it would skip the patch's paths).
  git -C "$tree" init -q
}

# Builds $tree's package as scripts/build.sh does, its output in logs/$1.log.
build() {
  (cd "$tree" && CARGO_TARGET_DIR="$target" bash scripts/build.sh) >"$logs/$1.log" 2>&1
}

# "gzip brotli": the sums over the wasm and the JS glue of $tree/pkg.
measure() {
  local wasm="$tree/pkg/session_guard_bg.wasm" js="$tree/pkg/session_guard.js" gz br
  gz=$(($(gzip -9 -c "$wasm" | wc -c) + $(gzip -9 -c "$js" | wc -c)))
  br="$(node -e '
    const fs = require("fs");
    const zlib = require("zlib");
    let n = 0;
    for (const f of process.argv.slice(1)) {
      const data = fs.readFileSync(f);
      n += zlib.brotliCompressSync(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }).length;
    }
    console.log(n);
  ' "$wasm" "$js")"
  echo "$gz $br"
}

# Thousands separators, as the docs write figures.
fmt() { sed -E ":a;s/^(-?[0-9]+)([0-9]{3})/\1,\2/;ta" <<<"$1"; }

started=$SECONDS
say "commit $commit: building it unpatched"
extract
if ! build full; then
  say "error: the unpatched build failed:"
  tail -n 30 "$logs/full.log" >&2
  exit 1
fi
read -r full_gz full_br < <(measure)
say "unpatched: $full_gz B gzip -9, $full_br B brotli"

rows=()
failed=0
for patch in scripts/size-by-removal/*.patch; do
  name="$(basename "$patch" .patch)"
  name="${name#[0-9][0-9]-}"
  if ((${#wanted[@]})) && [[ " ${wanted[*]} " != *" $name "* ]]; then
    continue
  fi
  # The table's label: the patch's first line, after "# ".
  label="$(head -n 1 "$patch")"
  label="${label#\# }"
  extract
  if ! (cd "$tree" && git apply --whitespace=nowarn "$root/$patch") 2>"$logs/$name.log"; then
    say "$name: the patch does not apply to $commit (skipped):"
    sed 's/^/    /' "$logs/$name.log" >&2
    rows+=("| $label | patch does not apply | |")
    failed=$((failed + 1))
    continue
  fi
  say "$name: building"
  if ! build "$name"; then
    say "$name: the patched build failed (skipped):"
    grep -E '^(error|warning: unused)' -A 6 "$logs/$name.log" | head -n 30 | sed 's/^/    /' >&2 || true
    rows+=("| $label | build fails | |")
    failed=$((failed + 1))
    continue
  fi
  read -r gz br < <(measure)
  say "$name: $gz B gzip -9, $br B brotli"
  rows+=("| $label | $(fmt $((full_gz - gz))) | $(fmt $((full_br - br))) |")
done

echo "Measured on commit $commit (the package: wasm + JS glue, $(fmt "$full_gz") B gzip -9, $(fmt "$full_br") B brotli quality 11):"
echo
echo "| removed | gzip -9 B saved | brotli (quality 11) B saved |"
echo "|---|---:|---:|"
for row in "${rows[@]}"; do
  echo "$row"
done
echo "| **the whole package** | **$(fmt "$full_gz")** | **$(fmt "$full_br")** |"
say "done in $((SECONDS - started)) s"
if ((failed)); then
  say "$failed patch(es) could not be measured (see above)"
  exit 2
fi
