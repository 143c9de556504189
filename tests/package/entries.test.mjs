// The package's entry points pull in what they say and nothing more: the core
// no framework, each binding its own framework only, and none of them a
// browser API at import time (server rendering and test runners import them
// in Node), and their types check under --strict (types/bindings.tsx).
// Bundled with esbuild from the package's "exports", with every
// bare import left external and listed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ROOT, requireBuild, tsc } from "../types/tsc.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** The bare imports of an entry, after following its relative ones. */
async function importsOf(entry) {
  const esbuild = require("esbuild");
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "bare-external",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path === entry ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const bare = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) if (i.external) bare.add(i.path);
  }
  return [...bare].sort();
}

const EXPECTED = {
  "session-guard": [],
  "session-guard/start": [],
  "session-guard/react": ["react"],
  "session-guard/vue": ["vue"],
  "session-guard/svelte": [],
  "session-guard/angular": ["@angular/core"],
  "session-guard/node": ["node:fs", "node:path", "node:url", "node:util"],
};

test("every entry point is in the package's exports, with its types", () => {
  for (const entry of Object.keys(EXPECTED)) {
    const key = entry === "session-guard" ? "." : `./${entry.slice("session-guard/".length)}`;
    assert.ok(manifest.exports[key]?.types && manifest.exports[key]?.default, `exports["${key}"]`);
  }
  for (const framework of ["react", "vue", "svelte", "@angular/core"]) {
    assert.ok(manifest.peerDependencies[framework], `${framework} is a peer dependency`);
    assert.equal(manifest.peerDependenciesMeta[framework]?.optional, true, `${framework} is optional`);
  }
  assert.equal(manifest.dependencies, undefined, "no dependencies");
});

for (const [entry, expected] of Object.entries(EXPECTED)) {
  test(`${entry} imports ${expected.length ? expected.join(", ") : "no other package"}`, async () => {
    requireBuild();
    assert.deepEqual(await importsOf(entry), expected);
  });
}

test("importing every entry in Node touches no browser API and starts nothing", () => {
  requireBuild();
  const entries = Object.keys(EXPECTED).filter((e) => e !== "session-guard/node");
  const script = `
    const touched = [];
    for (const name of ["fetch", "setTimeout", "setInterval", "queueMicrotask", "BroadcastChannel"]) {
      const f = globalThis[name];
      globalThis[name] = new Proxy(f, {
        apply: (t, self, args) => (touched.push(name), Reflect.apply(t, self, args)),
        construct: (t, args) => (touched.push(name), Reflect.construct(t, args)),
      });
    }
    for (const k of ["instantiate", "instantiateStreaming", "compile", "compileStreaming"]) {
      const f = WebAssembly[k];
      WebAssembly[k] = (...args) => (touched.push("WebAssembly." + k), f(...args));
    }
    for (const e of ${JSON.stringify(entries)}) await import(e);
    console.log(JSON.stringify(touched));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), []);
});

test("the entry points' types: an app's use type-checks under --strict (skipLibCheck: false), its mistakes do not", () => {
  requireBuild();
  const result = tsc(path.join(ROOT, "tests", "package", "types", "tsconfig.json"));
  assert.deepEqual(result.diagnostics, [], result.output);
  assert.equal(result.status, 0, result.output);
});
