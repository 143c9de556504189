// Leaves SessionGuard one `free()`: the crate's own, which stops the guard as
// `destroy()` does (src/web/mod.rs).
//
//   node scripts/free-is-destroy.mjs pkg/session_guard.js pkg/session_guard.d.ts
//   (pkg-bundler/session_guard_bg.js for the --target bundler build)
//
// wasm-bindgen gives every exported class a `free()` that only releases the
// handle, and makes `[Symbol.dispose]` (what `using` calls) the same function:
// for a guard that would leave it running with no handle left to stop it. The
// crate exports a `free()` of its own, which comes later in the class and so
// replaces the generated one; this removes the generated one (and the
// `__destroy_into_raw()` only it calls) from the glue and the declarations, so
// that nothing depends on that order and the types say what
// `[Symbol.dispose]()` does. Garbage collection still only releases the
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
dts = replaceOnce(
  dts,
  dtsPath,
  "    free(): void;\n    [Symbol.dispose](): void;\n",
  "    /**\n     * `free()`: stops the guard as `destroy()` does (what `using` calls).\n     */\n    [Symbol.dispose](): void;\n",
);
if (count(dts, "free(): void;") !== 1) fail(`${dtsPath}: expected one free() declaration`);

writeFileSync(jsPath, js);
writeFileSync(dtsPath, dts);
