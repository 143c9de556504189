import init, { SessionGuard, type ServerDeadlines } from "session-guard";

// The server session's own limits (cookie session): 30 min idle, 8 h in all.
const SERVER_IDLE_MS = 30 * 60_000;

await init();
export const guard = new SessionGuard({
  idleTimeoutMs: 15 * 60_000,
  maxDurationMs: 8 * 60 * 60_000,
  warnBeforeMs: 60_000,
  keepAliveMs: SERVER_IDLE_MS / 3, // a third of the server's idle limit
  onKeepAlive: async (): Promise<ServerDeadlines> => {
    const response = await fetch("/api/session/keep-alive", {
      method: "POST",
      credentials: "same-origin",
      signal: AbortSignal.timeout(30_000), // well within the period
    });
    if (response.status === 401) {
      guard.signOut(); // the server session is over: in every tab
      return {};
    }
    if (!response.ok) throw new Error(`keep-alive: HTTP ${response.status}`); // to onError; not a sign-out
    return response.json(); // { expiresAt, idleExpiresAt, now }: applied as guard.sync(...)
  },
  onSignOut: (e) => location.assign(`/signed-out?reason=${e.reason}`),
});
