// The package's TypeScript declarations (pkg/session_guard.d.ts, generated from
// the typescript_custom_section in src/web/class.rs), checked with `tsc --strict`
// the way a user's code meets them: through the package name "session-guard"
// and its "exports" (tsconfig.json here: moduleResolution "bundler").
//
//   usage.ts        must compile (and its @ts-expect-error lines must stay errors),
//                   with skipLibCheck off, under lib dom + es2020 as under esnext
//   disposable.ts   `using` a guard, with lib "esnext.disposable" (or "esnext")
//   bindings.ts     the framework bindings' live state (session-guard/react, /vue, /svelte, /angular)
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

/** A temporary tsconfig extending this folder's, for `files` (default: usage.ts alone), removed after the test. */
function variant(t, compilerOptions, files = ["usage.ts"]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-types-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "tsconfig.json");
  const config = {
    extends: path.join(HERE, "tsconfig.json"),
    compilerOptions,
    files: files.map((f) => path.join(HERE, f)),
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
  assert.match(dts, /export default function init\(/);
  assert.match(dts, /export function initSync\(/);
});

test("the declarations hold what a user needs and none of wasm-bindgen's internals", () => {
  const dts = readFileSync(requireBuild(), "utf8");
  // Raw exports of the module (sessionguard_new), the closure shims with
  // hashed names, the allocator and the table, the loader's internal names.
  for (const internal of ["__wbindgen", "__wbg", "_invoke__", "__externref", "sessionguard_", "wasm_bindgen"]) {
    assert.ok(!dts.includes(internal), `the .d.ts mentions ${internal}`);
  }
  // Exactly these names are exported: the loader, the class and the types.
  const exported = [...dts.matchAll(/^export (?:default )?(?:class|interface|type|function) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(exported)].sort(), [
    "ActivityEvent",
    "ActivityEventType",
    "InitInput",
    "InitOutput",
    "KeepAliveEvent",
    "ServerDeadlines",
    "SessionGuard",
    "SessionGuardDisposable",
    "SessionGuardOptions",
    "SessionSnapshot",
    "SessionState",
    "SignOutEvent",
    "SignOutReason",
    "SyncInitInput",
    "WarningEvent",
    "init",
    "initSync",
  ]);
  // InitOutput is opaque: the module's memory and nothing else.
  assert.match(dts, /export interface InitOutput \{\n\s*readonly memory: WebAssembly\.Memory;\n\}/);
  // One way to stop a guard in the types: destroy() (and [Symbol.dispose]() where the lib has it).
  const classBody = /export class SessionGuard \{([\s\S]*?)\n\}/.exec(dts)[1].replace(/\/\*\*[\s\S]*?\*\//g, "");
  assert.match(classBody, /\bdestroy\(\): void;/);
  assert.doesNotMatch(classBody, /\bfree\(|Symbol\.dispose/, "no free() beside destroy(), no [Symbol.dispose] member that needs a lib");
});

test("usage.ts, disposable.ts and bindings.ts type-check under --strict (the @ts-expect-error lines stay errors)", () => {
  requireBuild();
  const result = tsc(path.join(HERE, "tsconfig.json"));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});

test("fail.ts does not compile: a misspelled option, event type or sync() field and wrong literals are errors", () => {
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
  // A misspelled event type too: the DOM lib's name is suggested.
  const event = got.find((d) => d.message.includes(`'"keydwn"'`));
  assert.ok(event, describe(result));
  assert.match(event.message, /'"keydown"'/);
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

test("with skipLibCheck off and lib dom + es2020 (no Symbol.dispose), the .d.ts and usage.ts compile with no error", (t) => {
  requireBuild();
  const result = tsc(variant(t, { lib: ["dom", "es2020"], skipLibCheck: false }));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});

test("with skipLibCheck off and lib dom + esnext, usage.ts and `using` (disposable.ts) compile with no error", (t) => {
  requireBuild();
  const result = tsc(variant(t, { lib: ["dom", "esnext"], skipLibCheck: false }, ["usage.ts", "disposable.ts"]));
  assert.deepEqual(result.diagnostics, [], describe(result));
  assert.equal(result.status, 0, describe(result));
});
