// The package's TypeScript declarations (pkg/session_guard.d.ts, generated from
// the typescript_custom_section in src/web/mod.rs), checked with `tsc --strict`
// the way a user's code meets them: through the package name "session-guard"
// and its "exports" (tsconfig.json here: moduleResolution "bundler").
//
//   usage.ts        must compile (and its @ts-expect-error lines must stay errors)
//   disposable.ts   `using` a guard, with lib "esnext.disposable"
//   fail.ts         must NOT compile, with exactly the errors marked in it

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { requireBuild, tsc } from "./tsc.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function describe(result) {
  return `tsc exited ${result.status}:\n${result.output}`;
}

/** A temporary tsconfig extending this folder's, for usage.ts alone, removed after the test. */
function variant(t, compilerOptions) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-types-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "tsconfig.json");
  const config = {
    extends: path.join(HERE, "tsconfig.json"),
    compilerOptions,
    files: [path.join(HERE, "usage.ts")],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

test("the declarations exist and type the constructor with SessionGuardOptions", () => {
  const dts = readFileSync(requireBuild(), "utf8");
  for (const name of ["SessionGuardOptions", "SignOutEvent", "WarningEvent", "ActivityEvent", "KeepAliveEvent", "ServerDeadlines"]) {
    assert.match(dts, new RegExp(`export interface ${name}\\b`), `${name} is declared`);
  }
  for (const name of ["SignOutReason", "SessionState"]) {
    assert.match(dts, new RegExp(`export type ${name}\\b`), `${name} is declared`);
  }
  assert.match(dts, /constructor\(options: SessionGuardOptions\)/);
  assert.match(dts, /sync\(server: ServerDeadlines\): void/);
  assert.match(dts, /export default function __wbg_init\b/);
});

test("usage.ts and disposable.ts type-check under --strict (the @ts-expect-error lines stay errors)", () => {
  requireBuild();
  const result = tsc(path.join(HERE, "tsconfig.json"));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});

test("fail.ts does not compile: a misspelled option or sync() field and wrong literals are errors", () => {
  requireBuild();
  const file = path.join(HERE, "fail.ts");
  // Each `// error TSnnnn: <part of the message>` marks an error on the next line.
  const expected = [];
  readFileSync(file, "utf8")
    .split(/\r?\n/)
    .forEach((text, i) => {
      const m = /\/\/ error (TS\d+): (.+)$/.exec(text);
      if (m) expected.push({ line: i + 2, code: m[1], part: m[2].trim() });
    });
  assert.ok(expected.length >= 3, "fail.ts marks its expected errors");

  const result = tsc(path.join(HERE, "tsconfig.fail.json"));
  assert.notEqual(result.status, 0, `tsc must fail on fail.ts; ${describe(result)}`);
  const got = result.diagnostics.map((d) => ({ ...d, file: path.basename(d.file) }));
  for (const e of expected) {
    const hit = got.find((d) => d.file === "fail.ts" && d.line === e.line && d.code === e.code);
    assert.ok(hit, `expected ${e.code} on fail.ts line ${e.line}; ${describe(result)}`);
    assert.ok(hit.message.includes(e.part), `the ${e.code} message names ${e.part}: ${hit.message}`);
  }
  assert.equal(got.length, expected.length, `no other errors; ${describe(result)}`);
  // The misspelling is named, and the right name suggested.
  const typo = got.find((d) => d.message.includes("'idleTimeout'"));
  assert.ok(typo, describe(result));
  assert.match(typo.message, /'idleTimeoutMs'/);
  // So is a misspelled field of sync()'s argument.
  const field = got.find((d) => d.message.includes("'expiresAT'"));
  assert.ok(field, describe(result));
  assert.match(field.message, /'expiresAt'/);
});

test("a common project setup compiles too: lib without esnext.disposable, skipLibCheck", (t) => {
  requireBuild();
  const result = tsc(variant(t, { lib: ["es2022", "dom"], skipLibCheck: true }));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});

test("with exactOptionalPropertyTypes, an option or a sync() field given as undefined compiles (undefined counts as not given)", (t) => {
  requireBuild();
  const result = tsc(variant(t, { exactOptionalPropertyTypes: true }));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});

test("without esnext.disposable and skipLibCheck, the only errors are Symbol.dispose in the .d.ts (README FAQ)", (t) => {
  requireBuild();
  const result = tsc(variant(t, { lib: ["es2022", "dom"], skipLibCheck: false }));
  for (const d of result.diagnostics) {
    assert.ok(
      d.file && path.basename(d.file) === "session_guard.d.ts" && /\bdispose\b/.test(d.message),
      `only the [Symbol.dispose] declaration may need the lib; got ${JSON.stringify(d)}`,
    );
  }
});
