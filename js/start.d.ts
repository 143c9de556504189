import type { SessionGuard, SessionGuardOptions, SignOutEvent, InitInput } from "../pkg/session_guard.js";

/** What `onSignOut` gets when the guard could not start and `failClosed` is on. */
export interface StartFailedEvent {
  /** The guard could not start: the .wasm did not load or the options are bad. */
  reason: "error";
  /** Epoch ms of the failed start. */
  at: number;
  /** Always false: no other tab was involved. */
  remote: false;
  /** What went wrong (also given to `onError`). */
  error: unknown;
  /** Never set: only the guard's own end is told again (`SignOutEvent.restored`). */
  restored?: undefined;
}

/** The guard's options, plus how to load the wasm and whether a failed start signs out. */
export interface StartOptions extends Omit<SessionGuardOptions, "onSignOut"> {
  /** Called once when the session ends, or with `reason: "error"` when the guard could not start. Required. */
  onSignOut: (event: SignOutEvent | StartFailedEvent) => void;
  /** Sign out (`onSignOut` with `reason: "error"`) when the guard cannot start. @default true */
  failClosed?: boolean | undefined;
  /** Where to load the .wasm from (any input `init()` takes). @default the file next to the glue */
  wasm?: InitInput | Promise<InitInput> | undefined;
}

/**
 * Loads the wasm (once per page) and starts a guard. Resolves to the guard
 * once it has read the stored session, or to null when it could not start:
 * the error went to `onError` (else console.error) and, unless `failClosed`
 * is false, `onSignOut` got `{ reason: "error" }`.
 */
export function start(options: StartOptions): Promise<SessionGuard | null>;
