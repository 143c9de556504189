// Types shared by the framework bindings (session-guard/react, /vue, /svelte).
import type { SessionGuard, SessionState, ServerDeadlines, SignOutEvent, WarningEvent } from "../pkg/session_guard.js";
import type { StartFailedEvent, StartOptions } from "./start.js";

export type { StartFailedEvent };

/** A binding's options: the guard's, plus `failClosed` and `wasm` (see `start()`). */
export type SessionGuardBindingOptions = StartOptions;

/**
 * What the binding shows: `"checking"` until the guard has started and read
 * the stored session (and always during server rendering), then the guard's
 * state, or `"error"` when it could not start.
 */
export type SessionStatus = "checking" | SessionState | "error";

/** The live state of the guarded session. */
export interface SessionView {
  status: SessionStatus;
  /** Ms until the session ends, updated about once a second; null while checking or after an error. */
  remainingMs: number | null;
  /** Epoch ms of the end as it now stands; null while checking or after an error. */
  expiresAt: number | null;
  /** The open warning (its reason, and the time left when it opened); null when none is open. */
  warning: WarningEvent | null;
  /**
   * While a warning is open, the time left as a screen reader should hear it,
   * for a polite live region: `"3 minutes"` (whole minutes, rounded up) above
   * one minute, then `"1 minute"`, `"40 seconds"`, `"20 seconds"`. It changes
   * only at those steps (about once a minute, then every 20 seconds), never
   * every second; null when no warning is open.
   */
  announcement: `${number} minutes` | "1 minute" | "40 seconds" | "20 seconds" | null;
  /**
   * How the session ended, once it has: the guard's event (`onSignOut`'s), or
   * `reason: "error"` after a failed start (`reason: "manual"` for a
   * `signOut()` after one with `failClosed: false`). When the back-forward
   * cache shows the page again after the end, the guard tells the end once
   * more and this becomes that event, with `restored: true`.
   */
  signedOut: SignOutEvent | StartFailedEvent | null;
  /** Why the guard could not start (status `"error"`); null otherwise. */
  error: unknown;
  /** The running guard, for anything else; null until it runs. */
  guard: SessionGuard | null;
}

/**
 * What the app can do. Before the guard runs, each waits for it; after a
 * failed start they do nothing, but `signOut()` still calls `onSignOut`
 * (`reason: "manual"`) unless the failed start already did.
 */
export interface SessionActions {
  /** Counts as activity (an API call, a playing video). */
  touch(): void;
  /** The warning dialog's "Stay signed in": `touch()`, which closes the warning in every tab (also with `confirmToStay`). */
  staySignedIn(): void;
  /** Ends the session now (`reason: "manual"`), in every tab. */
  signOut(): void;
  /** Switches the idle window to the remember-me period (or back), in every tab. */
  setRememberMe(on: boolean): void;
  /** Stops idle enforcement in every tab until `resume()`. */
  pause(): void;
  /** Ends a pause; counts as activity. */
  resume(): void;
  /** Applies the server's deadlines; bad input throws (once the guard runs). */
  sync(server: ServerDeadlines): void;
}

/** State and actions together: what the hook, the composable and the store give. */
export type Session = SessionView & SessionActions;
