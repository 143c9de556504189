// The README's recipes (section "Recipes") are the files in this folder:
//   - each file here appears verbatim as one fenced code block of README.md;
//   - the .ts/.tsx files type-check with `tsc --strict` (tsconfig.json here)
//     against the package's own .d.ts, reached by its name "session-guard"
//     and its "exports", and the real React, Vue, Angular and Svelte types.
// The esbuild apps and the plain page also run in Chromium, from an installed
// `npm pack` tarball: tests/package/pack.test.mjs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, requireBuild, tsc } from "../types/tsc.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The recipe files: everything here but the test and the tsconfig. */
function recipes() {
  return readdirSync(HERE, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|tsx|html)$/.test(f))
    .sort();
}

/** The bodies of README.md's fenced code blocks. */
function codeBlocks() {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8").replace(/\r\n/g, "\n");
  return [...readme.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1].replace(/\n$/, ""));
}

test("README.md has the Recipes and FAQ sections", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  assert.match(readme, /^## Recipes$/m);
  assert.match(readme, /^## FAQ$/m);
});

test("every recipe file is in README.md verbatim", () => {
  const files = recipes();
  for (const f of [
    "react/useSessionGuard.ts",
    "react/SessionWarning.tsx",
    "vue/useSessionGuard.ts",
    "angular/session-guard.service.ts",
    "svelte/session-guard.ts",
    "plain-page.html",
    "esbuild/main.ts",
  ]) {
    assert.ok(files.includes(path.normalize(f)), `tests/recipes/${f} exists`);
  }
  const blocks = codeBlocks();
  for (const f of files) {
    const code = readFileSync(path.join(HERE, f), "utf8").replace(/\r\n/g, "\n").replace(/\n$/, "");
    assert.ok(
      blocks.includes(code),
      `README.md has no code block identical to tests/recipes/${f}; copy the file into the README (or the README's block into the file)`,
    );
  }
});

test("the recipes type-check under --strict against the package's .d.ts", () => {
  requireBuild();
  const result = tsc(path.join(HERE, "tsconfig.json"));
  assert.deepEqual(result.diagnostics, [], result.output);
  assert.equal(result.status, 0, result.output);
});
