// esbuild --bundle --format=esm --loader:.wasm=file src/main.ts --outdir=dist
import init, { SessionGuard } from "session-guard";
import wasmUrl from "session-guard/session_guard_bg.wasm"; // dist/session_guard_bg-HASH.wasm

// The loader's URL is relative to the page; resolve it against the bundle.
await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
new SessionGuard({
  idleTimeoutMs: 15 * 60_000,
  onSignOut: (e) => location.assign(`/signed-out?reason=${e.reason}`),
});
