// The alternative build for bundlers (scripts/build-bundler.sh, `wasm-pack build
// --target bundler` into pkg-bundler/): its glue imports the .wasm as an ES
// module, so it starts on import, with no init(). Node runs that module format
// with --experimental-wasm-modules, which is how this test loads it and runs a
// guard (no DOM: an EventTarget as the target, crossTab off) to an idle sign-out.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../e2e/harness.mjs";

const OUT = path.join(ROOT, "pkg-bundler");
const GLUE = path.join(OUT, "session_guard.js");

function requireBundlerBuild() {
  if (!existsSync(GLUE)) throw new Error("pkg-bundler/ is missing: run `bash scripts/build-bundler.sh` first");
}

/** Runs `source` as an ES module in Node with the WebAssembly ESM integration; returns its JSON output. */
function runModule(source) {
  const out = execFileSync(
    process.execPath,
    ["--experimental-wasm-modules", "--no-warnings", "--input-type=module", "-e", source],
    { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
  );
  return JSON.parse(out);
}

test("the bundler build has its files, and the same types as the web build", () => {
  requireBundlerBuild();
  for (const f of ["session_guard.js", "session_guard_bg.js", "session_guard_bg.wasm", "session_guard.d.ts"]) {
    assert.ok(existsSync(path.join(OUT, f)), `pkg-bundler/${f}`);
  }
  assert.match(readFileSync(GLUE, "utf8"), /import \* as wasm from "\.\/session_guard_bg\.wasm"/);
  const section = (file) => {
    const dts = readFileSync(file, "utf8");
    const start = dts.indexOf("export type SignOutReason");
    const end = dts.indexOf("export class SessionGuard");
    assert.ok(start >= 0 && end > start, `${path.relative(ROOT, file)} declares the option and event types`);
    return dts.slice(start, end);
  };
  assert.equal(section(path.join(OUT, "session_guard.d.ts")), section(path.join(ROOT, "pkg", "session_guard.d.ts")));
});

test("the bundler build starts on import and signs out after the idle limit", () => {
  requireBundlerBuild();
  const result = runModule(`
    const mod = await import(${JSON.stringify(pathToFileURL(GLUE).href)});
    const started = Date.now();
    let resolve;
    const ended = new Promise((r) => (resolve = r));
    const errors = [];
    const guard = new mod.SessionGuard({
      idleTimeoutMs: 300,
      maxDurationMs: 60_000,
      crossTab: false,
      target: new EventTarget(),
      onSignOut: (e) => resolve({ reason: e.reason, remote: e.remote, after: Date.now() - started }),
      onError: (err) => errors.push(String(err)),
    });
    const before = guard.state();
    const event = await ended;
    console.log(JSON.stringify({ exports: Object.keys(mod).sort(), before, event, after: guard.state(), errors }));
  `);
  assert.deepEqual(result.exports, ["SessionGuard"]);
  assert.equal(result.before, "active");
  assert.equal(result.event.reason, "idle");
  assert.equal(result.event.remote, false);
  assert.ok(result.event.after >= 290, `signed out after ${result.event.after} ms, not before the idle limit`);
  assert.equal(result.after, "signedOut");
  assert.deepEqual(result.errors, []);
});

test("the bundler build validates options like the web build", () => {
  requireBundlerBuild();
  const result = runModule(`
    const { SessionGuard } = await import(${JSON.stringify(pathToFileURL(GLUE).href)});
    let message = null;
    try {
      new SessionGuard({ idleTimeout: 1000, target: new EventTarget(), crossTab: false, onSignOut() {} });
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    console.log(JSON.stringify({ message }));
  `);
  assert.ok(result.message, "an unknown option throws");
  assert.match(result.message, /idleTimeout/);
});
