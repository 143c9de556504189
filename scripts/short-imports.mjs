// Gives the wasm's imports short names, in the .wasm and in the JS glue that
// provides them:
//
//   node scripts/short-imports.mjs pkg/session_guard_bg.wasm pkg/session_guard.js
//
// wasm-bindgen names each import after the function plus a 16-digit hash
// (`__wbg_getItem_49556a3e59cfb688`) and puts them in the module
// "./session_guard_bg.js"; those names are written twice (the wasm's import
// section, the glue's import object) and the hashes do not compress. Only the
// import section changes: no code, no export. The glue must name every import
// exactly once, as a key of its import object, or the build fails.
//
// A function of the crate's JS snippet (src/web/glue.js) that needs no
// conversion is imported straight from the snippet's module
// ("./snippets/session-guard-<hash>/src/web/glue.js", under its export
// name): that module gets a short name too ("s"), and so does each of those
// imports; the bundled glue's import object lists just them, in place of
// the namespace object esbuild makes of the whole snippet.
//
// The exports get short names too ($a, $b, …; `memory` keeps its name), in
// the .wasm and in the glue's `.name` accesses.

import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) {
  console.error("usage: node scripts/short-imports.mjs <file.wasm> <glue.js>");
  process.exit(2);
}
const fail = (message) => {
  console.error(`short-imports: error: ${message}`);
  process.exit(1);
};

const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");

function readU32(pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[pos++];
    if (byte === undefined) fail(`${wasmPath}: truncated`);
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, pos];
  }
}

function u32(n) {
  const bytes = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    bytes.push(byte);
  } while (n);
  return Buffer.from(bytes);
}

/** The name (a length-prefixed UTF-8 string) at `pos`, and where it ends. */
function readName(pos) {
  const [len, start] = readU32(pos);
  return [wasm.toString("utf8", start, start + len), start + len];
}

function name(s) {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([u32(bytes.length), bytes]);
}

/** Where the import description starting at `pos` ends (its bytes are kept as they are). */
function skipDescription(pos) {
  const kind = wasm[pos++];
  const limits = (p) => {
    const flags = wasm[p++];
    [, p] = readU32(p); // minimum
    if (flags & 1) [, p] = readU32(p); // maximum
    return p;
  };
  switch (kind) {
    case 0x00: // function: type index
      return readU32(pos)[1];
    case 0x01: // table: reference type, limits
      return limits(pos + 1);
    case 0x02: // memory: limits
      return limits(pos);
    case 0x03: // global: value type, mutability
      return pos + 2;
    case 0x04: // tag: attribute, type index
      return readU32(pos + 1)[1];
    default:
      return fail(`${wasmPath}: unknown import kind ${kind}`);
  }
}

/** a, b, …, z, A, …, Z, aa, ab, …: they only ever stand as property keys. */
function shortName(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return s;
}

/**
 * The export section with every export but `memory` renamed ($a, $b, …), and
 * the glue's property accesses (`.name`) renamed with it: the closure
 * shims' hashed names (`wasm_bindgen__convert__closures_____invoke__h…`) do
 * not compress either. The glue may name an export only as `.name`.
 */
function exportSection(start, end) {
  let p = start;
  let count;
  [count, p] = readU32(p);
  const entries = [u32(count)];
  for (let i = 0; i < count; i++) {
    let field;
    [field, p] = readName(p);
    const kindAndIndex = wasm.subarray(p, readU32(p + 1)[1]);
    p += kindAndIndex.length;
    let short = field;
    if (field !== "memory") {
      short = "$" + shortName(i);
      const access = new RegExp(`\\.${escape(field)}(?![\\w$])`, "g");
      js = js.replace(access, "." + short);
      // Any other mention would still say the old name.
      if (js.includes(field)) fail(`${jsPath} names the export ${field} other than as .${field}`);
    }
    entries.push(name(short), kindAndIndex);
  }
  if (p !== end) fail(`${wasmPath}: the export section has ${end - p} unread bytes`);
  const body = Buffer.concat(entries);
  return Buffer.concat([Buffer.from([7]), u32(body.length), body]);
}

const MODULE = "./session_guard_bg.js";
const SHORT_MODULE = "w";
const SNIPPETS = "./snippets/";
const SHORT_SNIPPET = "s";
let snippet;
/** The snippet's functions the wasm imports straight: [short name, export name]. */
const direct = [];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const out = [wasm.subarray(0, 8)];
let pos = 8;
let renamed = 0;
while (pos < wasm.length) {
  const id = wasm[pos];
  const [size, start] = readU32(pos + 1);
  const end = start + size;
  if (id === 7) {
    out.push(exportSection(start, end));
    pos = end;
    continue;
  }
  if (id !== 2) {
    out.push(wasm.subarray(pos, end));
    pos = end;
    continue;
  }
  let p = start;
  let count;
  [count, p] = readU32(p);
  const entries = [u32(count)];
  for (let i = 0; i < count; i++) {
    let module, field;
    [module, p] = readName(p);
    [field, p] = readName(p);
    const descEnd = skipDescription(p);
    const description = wasm.subarray(p, descEnd);
    p = descEnd;
    if (module.startsWith(SNIPPETS)) {
      // Straight from the snippet: module "s", a short name of its own.
      if (snippet !== undefined && snippet !== module) fail(`${wasmPath}: imports from two snippets, ${snippet} and ${module}`);
      snippet = module;
      const short = shortName(direct.length);
      direct.push([short, field]);
      entries.push(name(SHORT_SNIPPET), name(short), description);
      continue;
    }
    if (module !== MODULE) fail(`${wasmPath}: an import from "${module}", not "${MODULE}"`);
    const short = shortName(renamed++);
    const key = new RegExp(`(?<![\\w$])${escape(field)}(?![\\w$])`, "g");
    const uses = js.match(key)?.length ?? 0;
    if (uses !== 1) fail(`${jsPath} names the import ${field} ${uses} times, not once`);
    js = js.replace(key, short);
    entries.push(name(SHORT_MODULE), name(short), description);
  }
  if (p !== end) fail(`${wasmPath}: the import section has ${end - p} unread bytes`);
  const body = Buffer.concat(entries);
  out.push(Buffer.from([2]), u32(body.length), body);
  pos = end;
}

const moduleKey = new RegExp(`"${escape(MODULE)}"`, "g");
const moduleUses = js.match(moduleKey)?.length ?? 0;
if (moduleUses !== 1) fail(`${jsPath} names the module "${MODULE}" ${moduleUses} times, not once`);
js = js.replace(moduleKey, SHORT_MODULE);
if (snippet !== undefined) {
  // The bundled glue names the snippet's module once per import, as the
  // namespace object esbuild builds for it (a getter for each of its
  // exports): `var ns={};define(ns,{name:()=>local,...})`. The import object
  // gets the few functions the wasm imports, under their short names, and
  // the namespace object goes.
  const entry = new RegExp(`,?"${escape(snippet)}":([\\w$]+)`, "g");
  const objects = new Set([...js.matchAll(entry)].map((m) => m[1]));
  if (objects.size !== 1) fail(`${jsPath} does not name the module ${snippet} as one object`);
  const [object] = objects;
  js = js.replace(entry, "");
  const ns = new RegExp(`var ${escape(object)}=\\{\\};([\\w$]+)\\(${escape(object)},\\{([^}]*)\\}\\);?`);
  const found = ns.exec(js);
  if (!found) fail(`${jsPath}: no namespace object ${object} of the snippet's exports`);
  const locals = new Map(found[2].split(",").map((pair) => pair.split(":()=>")));
  const fields = direct.map(([short, field]) => {
    if (!locals.has(field)) fail(`${jsPath}: the snippet exports no ${field}`);
    return `${short}:${locals.get(field)}`;
  });
  // (Nothing else uses it: esbuild makes it for the import object alone.)
  js = js.replace(found[0], "");
  const end = `${SHORT_MODULE}:{`;
  if (!js.includes(end)) fail(`${jsPath}: no import object ${SHORT_MODULE}`);
  js = js.replace(end, `${SHORT_SNIPPET}:{${fields.join(",")}},${end}`);
  // esbuild's helper for namespace objects, and what it uses, when nothing else does.
  const helper = found[1];
  const define = new RegExp(`var ${escape(helper)}=\\(([\\w$]+),([\\w$]+)\\)=>\\{for\\(var ([\\w$]+) in \\2\\)([\\w$]+)\\(\\1,\\3,\\{get:\\2\\[\\3\\],enumerable:!0\\}\\)\\};?`);
  const helperFound = define.exec(js);
  if (helperFound && !new RegExp(`(?<![\\w$.])${escape(helper)}\\(`).test(js.replace(helperFound[0], ""))) {
    js = js.replace(helperFound[0], "");
    const defineProperty = helperFound[4];
    const decl = new RegExp(`var ${escape(defineProperty)}=Object\\.defineProperty;?`);
    const rest = js.replace(decl, "");
    if (decl.test(js) && !new RegExp(`(?<![\\w$.])${escape(defineProperty)}(?![\\w$])`).test(rest)) js = rest;
  }
}

writeFileSync(wasmPath, Buffer.concat(out));
writeFileSync(jsPath, js);
console.error(`short-imports: ${renamed} imports and the exports renamed in ${wasmPath} and ${jsPath}`);
