/** Why a session ended. */
export type SignOutReason = "idle" | "absolute" | "manual" | "closed";
/** What `state()` returns. */
export type SessionState = "active" | "warning" | "paused" | "signedOut";

/** Passed to `onSignOut`. */
export interface SignOutEvent {
  /** Which deadline ended the session; `"manual"` after `signOut()`. */
  reason: SignOutReason;
  /** Epoch ms of the end. */
  at: number;
  /** True in a tab that learned of the end from another tab. */
  remote: boolean;
  /**
   * True when the back-forward cache shows this page again after the end
   * (the user pressed Back): leave the page again, or hide its content.
   */
  restored?: true;
}

/** Passed to `onWarning`. */
export interface WarningEvent {
  /** The deadline that will end the session: `"idle"` or `"absolute"`. */
  reason: "idle" | "absolute";
  /** Ms left when the warning fired. */
  remainingMs: number;
  /** Epoch ms of the end. */
  expiresAt: number;
}

/** Passed to `onActivity`. */
export interface ActivityEvent {
  /** Epoch ms of the activity. */
  at: number;
  /** True when the activity happened in another tab. */
  remote: boolean;
}

/** What `snapshot()` returns: everything a UI shows about the session. Times are epoch ms. */
export interface SessionSnapshot {
  /** What `state()` returns. */
  state: SessionState;
  /** When the session began; the absolute deadline counts from here. */
  startedAt: number;
  /** The latest activity in any tab, as far as this tab knows. */
  lastActivity: number;
  /** Remember-me, as the session has it. */
  rememberMe: boolean;
  /** The idle window in force (`rememberMePeriodMs` while remember-me is on); `null` without an idle limit. */
  idleWindowMs: number | null;
  /** The idle deadline; `null` without an idle limit, or while a pause (in this or another tab) holds it. */
  idleExpiresAt: number | null;
  /** `startedAt + maxDurationMs`; `null` without an absolute limit. */
  absoluteExpiresAt: number | null;
  /** The server's absolute end from `sync()`, on this page's clock; `null` until synced. */
  serverExpiresAt: number | null;
  /** The end the server's idle limit gives, from `sync()`, on this page's clock; `null` until synced. */
  serverIdleExpiresAt: number | null;
  /** As `expiresAt()` returns it. */
  expiresAt: number;
  /** As `remainingMs()` returns it. */
  remainingMs: number;
  /** The open warning, or `null`. */
  warning: { reason: "idle" | "absolute"; expiresAt: number } | null;
  /** Another tab's pause holds the session. */
  held: boolean;
  /** How the session ended, once it has; `null` before. */
  signedOut: { reason: SignOutReason; at: number } | null;
}

/**
 * An event type `events` accepts: a key of the DOM lib's `DocumentEventMap`,
 * `WindowEventMap` or `HTMLElementEventMap`, so a typo (`"keydwn"`) is a type
 * error. A custom event is added as TypeScript types it for
 * `addEventListener`, by augmenting one of those maps:
 * `declare global { interface DocumentEventMap { "app:activity": CustomEvent } }`.
 */
export type ActivityEventType = keyof DocumentEventMap | keyof WindowEventMap | keyof HTMLElementEventMap;

/** Options of `new SessionGuard(options)`. Durations are integer ms; `-1` disables a limit. */
export interface SessionGuardOptions {
  /** Sign out after this long with no activity in any tab. @default 300000 (5 min) */
  idleTimeoutMs?: number | undefined;
  /** Absolute lifetime from `startedAt`; activity never extends it. @default 10800000 (180 min) */
  maxDurationMs?: number | undefined;
  /** While true, `rememberMePeriodMs` replaces `idleTimeoutMs`. @default false */
  rememberMe?: boolean | undefined;
  /** The idle window while remember-me is on; never carries the session past `maxDurationMs`. @default 2592000000 (30 days) */
  rememberMePeriodMs?: number | undefined;
  /** `onWarning` fires this long before the end; `0` means no warning. @default 0 */
  warnBeforeMs?: number | undefined;
  /** While true, activity events do not close an open warning: only `touch()` (the app's "Stay signed in") or `signOut()` does. @default false */
  confirmToStay?: boolean | undefined;
  /** DOM event types that count as activity (see `ActivityEventType`). @default ["pointerdown","pointermove","keydown","wheel","touchstart"] */
  events?: readonly ActivityEventType[] | undefined;
  /** Where activity is listened for (capture phase, passive). @default document */
  target?: EventTarget | undefined;
  /** Count events dispatched by scripts (`isTrusted` false). @default false */
  allowSyntheticEvents?: boolean | undefined;
  /** Epoch ms the session began, e.g. the sign-in time from the server. @default the stored session's start, or now */
  startedAt?: number | undefined;
  /** Names the shared session: the localStorage key and BroadcastChannel name. @default "session-guard" */
  storageKey?: string | undefined;
  /** Share the session with every tab and reload of the origin. @default true */
  crossTab?: boolean | undefined;
  /** Called exactly once when the session ends. Required. */
  onSignOut: (event: SignOutEvent) => void;
  /** Called when the warning window opens. */
  onWarning?: ((event: WarningEvent) => void) | undefined;
  /** Called (at most once a second) when activity moves the idle deadline. */
  onActivity?: ((event: ActivityEvent) => void) | undefined;
  /** Receives errors thrown by callbacks, storage failures and rejected records. @default console.error */
  onError?: ((error: unknown) => void) | undefined;
  /** The session ends (reason `"closed"`) when no page of it has been open for this long; a reload, a navigation within the app or a new tab within it continues the session. Needs `crossTab`. `-1`: off. @default -1 */
  closedTimeoutMs?: number | undefined;
  /** While people are active, `onKeepAlive` runs at most once per this period for the whole session; `-1`: off. @default -1 */
  keepAliveMs?: number | undefined;
  /** Tells the server the user is active; required when `keepAliveMs` is on. May return a Promise (any thenable); an object it returns or resolves to is applied as `sync(value)`; a throw or rejection goes to `onError`. Annotate the return type (`Promise<ServerDeadlines>`) to have a misspelled field caught. */
  onKeepAlive?: ((event: KeepAliveEvent) => void | ServerDeadlines | PromiseLike<unknown>) | undefined;
}

/** Passed to `onKeepAlive`. */
export interface KeepAliveEvent {
  /** Epoch ms of the latest activity known (in any tab). */
  lastActivity: number;
}

/**
 * The server's deadlines, for `sync()`: integer epoch ms on the server's
 * clock, each optional (`null` or `undefined` counts as not given). Seconds
 * (a JWT `exp`) throw: multiply by 1000. Unknown fields are ignored at run
 * time, so a server's whole JSON answer may be passed; in an object literal
 * TypeScript still flags a misspelled field.
 */
export interface ServerDeadlines {
  /** The server session's absolute end. */
  expiresAt?: number | null | undefined;
  /** The end the server's idle limit gives, as of the activity it saw. */
  idleExpiresAt?: number | null | undefined;
  /** The server's clock when it answered: corrects for the client's clock. */
  now?: number | null | undefined;
}
