// Leaves SessionGuard one `free()`: the crate's own, which stops the guard as
// `destroy()` does (src/web/class.rs).
//
//   node scripts/free-is-destroy.mjs pkg/session_guard.js pkg/session_guard.d.ts
//   (pkg-bundler/session_guard_bg.js for the --target bundler build)
//
// wasm-bindgen gives every exported class a `free()` that only releases the
// handle, and makes `[Symbol.dispose]` (what `using` calls) the same function:
// for a guard that would leave it running with no handle left to stop it. The
// crate exports a `free()` of its own, which comes later in the class and so
// replaces the generated one; this removes the generated one (and the
// `__destroy_into_raw()` only it calls) from the glue, so that nothing depends
// on that order. The declarations keep `destroy()` and declare
// `[Symbol.dispose]()` in a way that type-checks under any `lib` (below); the
// crate's `free()` stays in the glue for code that calls it, but not in the
// types, which name it `destroy()`. Garbage collection still only releases the
// handle (the FinalizationRegistry calls the generated export, which stays).
// Fails when the generated code does not have the expected shape.

import { readFileSync, writeFileSync } from "node:fs";

const [jsPath, dtsPath] = process.argv.slice(2);
if (!jsPath || !dtsPath) {
  console.error("usage: node scripts/free-is-destroy.mjs <glue.js> <types.d.ts>");
  process.exit(2);
}
const fail = (message) => {
  console.error(`free-is-destroy: error: ${message}`);
  process.exit(1);
};

/** Replaces the one occurrence of `from` in `text` (in `file`) by `to`. */
function replaceOnce(text, file, from, to) {
  const parts = text.split(from);
  if (parts.length !== 2) fail(`${file}: expected ${JSON.stringify(from)} once, found it ${parts.length - 1} times`);
  return parts.join(to);
}

const count = (text, s) => text.split(s).length - 1;

let js = readFileSync(jsPath, "utf8");
// The generated free() and `__destroy_into_raw()`, which only it calls.
js = replaceOnce(
  js,
  jsPath,
  "    __destroy_into_raw() {\n        const ptr = this.__wbg_ptr;\n        this.__wbg_ptr = 0;\n" +
    "        SessionGuardFinalization.unregister(this);\n        return ptr;\n    }\n" +
    "    free() {\n        const ptr = this.__destroy_into_raw();\n        wasm.__wbg_sessionguard_free(ptr, 0);\n    }\n",
  "",
);
if (count(js, "__destroy_into_raw") !== 0) fail(`${jsPath}: __destroy_into_raw() is still called`);
if (count(js, "    free() {\n        wasm.sessionguard_free(this.__wbg_ptr);\n    }\n") !== 1 || count(js, "free() {") !== 1) {
  fail(`${jsPath}: the crate's free() is not the class's only free()`);
}
if (count(js, "SessionGuard.prototype[Symbol.dispose] = SessionGuard.prototype.free;") !== 1) {
  fail(`${jsPath}: [Symbol.dispose] is no longer free()`);
}

let dts = readFileSync(dtsPath, "utf8");
// The declarations: wasm-bindgen's free() and [Symbol.dispose]() go, and so
// does the crate's free() (the same function as destroy() for the types:
// destroy() is the contract's name). [Symbol.dispose]() is declared through an
// interface merged with the class, present only when the project's `lib` has
// Symbol.dispose (esnext.disposable, or @types/node): a class member
// `[Symbol.dispose]()` would fail to type-check under a `lib` without it, even
// with code that never uses `using` (TS2550), unless skipLibCheck is on.
dts = replaceOnce(dts, dtsPath, "    free(): void;\n    [Symbol.dispose](): void;\n", "");
const crateFree = /\n    \/\*\*\n(?:     \*.*\n)*?     \*\/\n    free\(\): void;\n/g;
if ((dts.match(crateFree)?.length ?? 0) !== 1) fail(`${dtsPath}: expected one documented free() declaration`);
dts = dts.replace(crateFree, "\n");
if (/\bfree\(|Symbol\.dispose\]\(/.test(dts.replace(/\/\*\*[\s\S]*?\*\//g, ""))) {
  fail(`${dtsPath}: a free() or [Symbol.dispose]() declaration is left`);
}
const classEnd = dts.indexOf("\n}\n", dts.indexOf("\nexport class SessionGuard {"));
if (classEnd < 0 || !dts.includes("\nexport class SessionGuard {")) fail(`${dtsPath}: no class SessionGuard`);
dts =
  dts.slice(0, classEnd + 3) +
  `
/**
 * \`[Symbol.dispose]()\` (what \`using\` calls) stops the guard as \`destroy()\`
 * does. Declared when the project's \`lib\` has \`Symbol.dispose\`
 * (\`"esnext.disposable"\` or \`"esnext"\`); the declarations type-check without it.
 */
export interface SessionGuard extends SessionGuardDisposable {}

/** \`{ [Symbol.dispose](): void }\` when the project's \`lib\` has \`Symbol.dispose\`, else \`{}\`. */
export type SessionGuardDisposable = SymbolConstructor extends { readonly dispose: infer S extends symbol }
    ? { [K in S]: () => void }
    : {};
` +
  dts.slice(classEnd + 3);
writeFileSync(jsPath, js);
writeFileSync(dtsPath, dts);
