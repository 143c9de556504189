// esbuild --bundle --format=esm src/main.ts --outdir=dist
// cp node_modules/session-guard/pkg/session_guard_bg.wasm dist/
import { start } from "session-guard/start";

const status = document.getElementById("status")!;

const guard = await start({
  idleTimeoutMs: 15 * 60_000,
  maxDurationMs: 8 * 60 * 60_000,
  warnBeforeMs: 60_000,
  onWarning: (e) => {
    status.textContent = `Signing out in ${Math.ceil(e.remainingMs / 1000)} s`;
  },
  onActivity: () => {
    status.textContent = "Signed in";
  },
  // Also called, with reason "error", when the guard cannot start.
  onSignOut: (e) => {
    location.assign(`/signed-out?reason=${e.reason}`);
  },
});

document.getElementById("sign-out")?.addEventListener("click", () => guard?.signOut());
