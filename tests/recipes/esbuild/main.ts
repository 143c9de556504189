// esbuild --bundle --format=esm src/main.ts --outdir=dist
// cp node_modules/session-guard/pkg/session_guard_bg.wasm dist/
import init, { SessionGuard } from "session-guard";

const status = document.getElementById("status")!;

await init(); // fetches session_guard_bg.wasm next to the bundle
new SessionGuard({
  idleTimeoutMs: 15 * 60_000,
  maxDurationMs: 8 * 60 * 60_000,
  warnBeforeMs: 60_000,
  onWarning: (e) => {
    status.textContent = `Signing out in ${Math.ceil(e.remainingMs / 1000)} s`;
  },
  onActivity: () => {
    status.textContent = "Signed in";
  },
  onSignOut: (e) => {
    location.assign(`/signed-out?reason=${e.reason}`);
  },
});
