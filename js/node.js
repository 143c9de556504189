// session-guard/node: the package with its wasm already loaded from the file
// system, for tests under Node (Vitest, Jest) where init() would fetch() a
// file: URL and fail. Import it first, or name it in the test runner's setup
// files; afterwards init() and the bindings find the wasm loaded.

import "./node-globals.js"; // first: the glue creates a TextDecoder when imported
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initSync } from "../pkg/session_guard.js";

// A DOM emulation in Node (happy-dom, jsdom under a test runner) puts its
// window's members on Node's global object, which is no instance of its
// Window class: the guard would find no window (no default target, no focus
// or pageshow listeners). Let the global object count as the window.
if (typeof Window === "function" && typeof document === "object" && !(globalThis instanceof Window)) {
  const Emulated = Window;
  Object.defineProperty(Emulated, Symbol.hasInstance, {
    configurable: true,
    value: (value) => value === globalThis || Function.prototype[Symbol.hasInstance].call(Emulated, value),
  });
}

// A path, not new URL(..., import.meta.url): Vite (so Vitest) rewrites that
// pattern into a served asset's URL.
const here = dirname(fileURLToPath(import.meta.url));
initSync({ module: readFileSync(join(here, "..", "pkg", "session_guard_bg.wasm")) });

export * from "../pkg/session_guard.js";
export { default } from "../pkg/session_guard.js";
