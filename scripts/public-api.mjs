// What the package shows its users of wasm-bindgen's loader, in the glue and
// the declarations (run after free-is-destroy.mjs, before bundling):
//
//   node scripts/public-api.mjs pkg/session_guard.js pkg/session_guard.d.ts
//   (pkg-bundler/session_guard_bg.js for the --target bundler build)
//
// - The glue: `new SessionGuard()` before the wasm is loaded throws an Error
//   that says to call `await init()` first, instead of wasm-bindgen's
//   "Cannot read properties of undefined (reading 'sessionguard_new')".
//   (--target web only: the bundler build imports the wasm as a module, so it
//   is always loaded.)
// - The declarations: `init()` and `initSync()` as users call them, with an
//   opaque `InitOutput`: wasm-bindgen lists every raw export of the module
//   there (`sessionguard_new`, `__wbindgen_malloc`, closure shims with hashed
//   names), none of which is for an app.
// Fails when the generated code does not have the expected shape.

import { readFileSync, writeFileSync } from "node:fs";

const [jsPath, dtsPath] = process.argv.slice(2);
if (!jsPath || !dtsPath) {
  console.error("usage: node scripts/public-api.mjs <glue.js> <types.d.ts>");
  process.exit(2);
}
const fail = (message) => {
  console.error(`public-api: error: ${message}`);
  process.exit(1);
};

/** Replaces the one occurrence of `from` in `text` (in `file`) by `to`. */
function replaceOnce(text, file, from, to) {
  const parts = text.split(from);
  if (parts.length !== 2) fail(`${file}: expected ${JSON.stringify(from)} once, found it ${parts.length - 1} times`);
  return parts.join(to);
}

let js = readFileSync(jsPath, "utf8");
let dts = readFileSync(dtsPath, "utf8");
const web = js.includes("\nasync function __wbg_init(");

if (web) {
  js = replaceOnce(
    js,
    jsPath,
    "    constructor(options) {\n        const ret = wasm.sessionguard_new(options);\n",
    "    constructor(options) {\n" +
      '        if (!wasm) throw new Error("session-guard: the wasm is not loaded: call await init() first");\n' +
      "        const ret = wasm.sessionguard_new(options);\n",
  );

  // Everything from `export type InitInput` on is wasm-bindgen's loader; it is
  // replaced by the same functions with an opaque InitOutput.
  const start = dts.indexOf("\nexport type InitInput = ");
  if (start < 0) fail(`${dtsPath}: no InitInput`);
  const loader = dts.slice(start);
  for (const expected of [
    "export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;",
    "export interface InitOutput {",
    "export type SyncInitInput = BufferSource | WebAssembly.Module;",
    "export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;",
    "export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;",
  ]) {
    if (!loader.includes(expected)) fail(`${dtsPath}: the loader's declarations changed: no ${JSON.stringify(expected)}`);
  }
  dts =
    dts.slice(0, start) +
    `
/** Where \`init()\` gets the \`.wasm\`: its URL (or a Request, a Response), its bytes, or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What \`initSync()\` takes: the \`.wasm\`'s bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** The loaded module, which \`init()\` and \`initSync()\` return; nothing in it is for the app. */
export interface InitOutput {
    readonly memory: WebAssembly.Memory;
}

/**
 * Loads the \`.wasm\` from bytes or a compiled module, synchronously:
 * \`initSync({ module: bytes })\`. Needed once, before \`new SessionGuard()\`;
 * later calls return the loaded module.
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * Loads the \`.wasm\`, by default from \`session_guard_bg.wasm\` next to this
 * file (\`new URL("session_guard_bg.wasm", import.meta.url)\`), or from
 * \`init({ module_or_path })\`. Await it once before \`new SessionGuard()\`;
 * later and concurrent calls share the first load.
 */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
`;
}

// Strings go to the wasm with TextEncoder.encodeInto, which every supported
// browser and Node have (docs/browsers.md): the polyfill for it goes, and so
// does the path for a caller without `realloc` (every call passes one), as
// wasm-bindgen's `--encode-into always` would have them (wasm-pack has no
// way to pass it).
js = replaceOnce(
  js,
  jsPath,
  "\nif (!('encodeInto' in cachedTextEncoder)) {\n    cachedTextEncoder.encodeInto = function (arg, view) {\n" +
    "        const buf = cachedTextEncoder.encode(arg);\n        view.set(buf);\n        return {\n" +
    "            read: arg.length,\n            written: buf.length\n        };\n    };\n}\n",
  "\n",
);
js = replaceOnce(
  js,
  jsPath,
  "    if (realloc === undefined) {\n        const buf = cachedTextEncoder.encode(arg);\n" +
    "        const ptr = malloc(buf.length, 1) >>> 0;\n" +
    "        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);\n" +
    "        WASM_VECTOR_LEN = buf.length;\n        return ptr;\n    }\n\n",
  "",
);
// What is left: one encodeInto into room for the longest encoding (3 bytes
// per UTF-16 unit), then the allocation cut to what was written, in place of
// wasm-bindgen's copy of the ASCII prefix byte by byte before it (the same
// bytes reach the wasm either way). An empty string allocates nothing.
js = replaceOnce(
  js,
  jsPath,
  "    let len = arg.length;\n    let ptr = malloc(len, 1) >>> 0;\n\n    const mem = getUint8ArrayMemory0();\n\n" +
    "    let offset = 0;\n\n    for (; offset < len; offset++) {\n        const code = arg.charCodeAt(offset);\n" +
    "        if (code > 0x7F) break;\n        mem[ptr + offset] = code;\n    }\n    if (offset !== len) {\n" +
    "        if (offset !== 0) {\n            arg = arg.slice(offset);\n        }\n" +
    "        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;\n" +
    "        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);\n" +
    "        const ret = cachedTextEncoder.encodeInto(arg, view);\n\n        offset += ret.written;\n" +
    "        ptr = realloc(ptr, len, offset, 1) >>> 0;\n    }\n\n    WASM_VECTOR_LEN = offset;\n    return ptr;\n",
  "    let len = arg.length * 3;\n    let ptr = malloc(len, 1) >>> 0;\n    if (len) {\n" +
    "        const written = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len)).written;\n" +
    "        ptr = realloc(ptr, len, (len = written), 1) >>> 0;\n    }\n    WASM_VECTOR_LEN = len;\n    return ptr;\n",
);
// The memory's DataView is stale once the memory grew: its buffer is then no
// longer the memory's (the one test, where wasm-bindgen also asks whether the
// old buffer is detached first).
js = replaceOnce(
  js,
  jsPath,
  "    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || " +
    "(cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {\n",
  "    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.memory.buffer) {\n",
);

// FinalizationRegistry is in every supported browser and Node
// (docs/browsers.md): the stand-in for its absence goes.
for (const name of ["SessionGuardFinalization", "CLOSURE_DTORS"]) {
  js = replaceOnce(
    js,
    jsPath,
    `const ${name} = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(`,
    `const ${name} = new FinalizationRegistry(`,
  );
}

for (const [, args] of js.matchAll(/passStringToWasm0\(([^()]*)\)/g)) {
  if (args.split(",").length !== 3) fail(`${jsPath}: a call of passStringToWasm0 without realloc: (${args})`);
}

// Nothing of wasm-bindgen's internals may be left in the declarations.
const internal = /__wbg|__wbindgen|_invoke__|__externref|sessionguard_|wasm_bindgen/;
const hit = internal.exec(dts);
if (hit) fail(`${dtsPath}: declares wasm-bindgen internals: ${JSON.stringify(dts.slice(hit.index - 40, hit.index + 40))}`);

writeFileSync(jsPath, js);
writeFileSync(dtsPath, dts);
