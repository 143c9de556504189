import { sessionGuard } from "session-guard/svelte";

// One store for the app: the root layout subscribes, which starts the guard
// in the browser; on the server it stays "checking" and starts nothing.
export const session = sessionGuard({
  idleTimeoutMs: 15 * 60_000,
  maxDurationMs: 8 * 60 * 60_000,
  warnBeforeMs: 60_000,
  confirmToStay: true,
  onSignOut: (e) => location.assign(`/signed-out?reason=${e.reason}`),
});
