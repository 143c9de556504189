// The minimum browser versions of docs/browsers.md, kept true: the release
// .wasm needs exactly the WebAssembly features listed here (binaryen's
// validator accepts it with them and refuses it without any one of them), and
// esbuild lowers nothing in the shipped browser JS for the minimum versions.
// The version each feature came in is MDN's browser-compat-data (8.1.9).
// Run after `npm run build`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT } from "../e2e/helpers.mjs";

const require = createRequire(import.meta.url);
const WASM = path.join(ROOT, "pkg", "session_guard_bg.wasm");
// wasm-opt of the pinned npm package `binaryen` (scripts/build.sh uses it too).
const WASM_OPT = path.join(ROOT, "node_modules", ".bin", "wasm-opt");

/** binaryen's name of each feature the .wasm uses -> the first version with it. */
const FEATURES = {
  "reference-types": { chrome: 96, edge: 96, firefox: 79, safari: 15.1 },
  "bulk-memory": { chrome: 75, edge: 79, firefox: 79, safari: 15.1 },
  "nontrapping-float-to-int": { chrome: 75, edge: 18, firefox: 64, safari: 15.1 },
  multivalue: { chrome: 86, edge: 86, firefox: 78, safari: 13.1 },
};

/** The minimums docs/browsers.md and the README state. */
const MINIMUM = { chrome: 96, edge: 96, firefox: 79, safari: 15.1 };

/** The JS a page loads (js/node*.js are for Node only). */
const BROWSER_JS = ["pkg/session_guard.js", ...["session", "start", "react", "vue", "svelte"].map((e) => `js/${e}.js`)];

function validates(features) {
  const args = ["--mvp-features", ...features.map((f) => `--enable-${f}`), WASM, "-o", "/dev/null"];
  const result = spawnSync(WASM_OPT, args, { encoding: "utf8" });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

test("the .wasm needs exactly the documented WebAssembly features", () => {
  const all = Object.keys(FEATURES);
  const withAll = validates(all);
  assert.ok(withAll.ok, `the .wasm uses a feature beyond ${all.join(", ")}:\n${withAll.output.slice(0, 2000)}`);
  for (const feature of all) {
    const without = validates(all.filter((f) => f !== feature));
    assert.ok(!without.ok, `the .wasm no longer needs ${feature}: drop it from docs/browsers.md and this test`);
  }
});

test("the minimum versions are those of the newest feature", () => {
  for (const browser of Object.keys(MINIMUM)) {
    const newest = Math.max(...Object.values(FEATURES).map((v) => v[browser]));
    assert.equal(MINIMUM[browser], newest, browser);
  }
  const stated = `Chrome/Edge ${MINIMUM.chrome}+, Firefox ${MINIMUM.firefox}+, Safari ${MINIMUM.safari}+`;
  for (const doc of ["README.md", "docs/browsers.md"]) {
    const text = readFileSync(path.join(ROOT, doc), "utf8").replace(/\s+/g, " ");
    assert.ok(text.includes(stated), `${doc} states "${stated}"`);
  }
});

test("the shipped browser JS needs no syntax newer than the minimum versions", async () => {
  const esbuild = require("esbuild");
  const target = Object.entries(MINIMUM).map(([browser, v]) => `${browser}${v}`);
  for (const file of BROWSER_JS) {
    const code = readFileSync(path.join(ROOT, file), "utf8");
    const as = async (t) => (await esbuild.transform(code, { target: t, format: "esm" })).code;
    assert.equal(await as(target), await as("esnext"), `${file}: esbuild lowers syntax for ${target.join(", ")}`);
  }
});
