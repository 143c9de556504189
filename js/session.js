// What the framework bindings share: one guard per owner (a mounted
// component, a store with subscribers), the wasm loaded once per page, the
// live state read from the guard, and the start that fails closed. The rules
// are the guard's (the wasm); this only shows what `snapshot()` says.

import init, { SessionGuard } from "../pkg/session_guard.js";

/** The state before the guard has read the stored session, and on the server. */
export const CHECKING = /* @__PURE__ */ Object.freeze({
  status: "checking",
  remainingMs: null,
  expiresAt: null,
  warning: null,
  announcement: null,
  signedOut: null,
  error: null,
  guard: null,
});

/**
 * The time left as a screen reader should hear it while a warning is open:
 * whole minutes ("3 minutes") above one minute, then "1 minute", "40
 * seconds", "20 seconds" (the GOV.UK/HMRC timeout dialog's steps). Each text
 * holds until the time left reaches the next step, so the text changes about
 * once a minute, then every 20 seconds: never every second.
 */
function announce(ms) {
  const s = Math.ceil(ms / 1000);
  return s > 60 ? `${Math.ceil(s / 60)} minutes` : s > 40 ? "1 minute" : s > 20 ? "40 seconds" : "20 seconds";
}

/** Loads the wasm once per page (init() keeps the first load; a failed one is retried). */
export function load(wasm) {
  return init(wasm === undefined ? undefined : { module_or_path: wasm });
}

/** Reports to the app's onError, else console.error; never throws. */
export function reporter(options) {
  return (error) => {
    const onError = options().onError;
    try {
      (typeof onError === "function" ? onError : console.error)(error);
    } catch (thrown) {
      console.error(thrown);
    }
  };
}

/**
 * What the app's onSignOut gets when the guard could not start (the .wasm did
 * not load, bad options) and `failClosed` is not false.
 */
export function failure(error) {
  return { reason: "error", at: Date.now(), remote: false, error };
}

/**
 * Calls the app's onSignOut (if any) with `e`, for an end the guard did not
 * tell: a failed start, or a sign-out asked for when no guard runs. What it
 * throws is reported.
 */
export function signOutWith(options, e) {
  const f = options().onSignOut;
  if (typeof f !== "function") return;
  try {
    f(e);
  } catch (thrown) {
    reporter(options)(thrown);
  }
}

/**
 * Splits the app's options into the binding's own (`failClosed`, `wasm`) and
 * the guard's, whose callbacks read the app's latest options when they run.
 * A callback that is given but is no function goes through as it is, so the
 * guard's validation names it.
 */
export function guardOptions(options, hooks = {}) {
  const { failClosed, wasm, ...given } = options();
  const out = { ...given };
  const wrap = (name, hook) => {
    const value = given[name];
    if (value != null && typeof value !== "function") return;
    if (value == null && !hook) return;
    out[name] = (e) => {
      hook?.(e);
      const f = options()[name];
      return typeof f === "function" ? f(e) : undefined;
    };
  };
  wrap("onSignOut", given.onSignOut == null ? undefined : hooks.onSignOut); // required: never made up
  wrap("onWarning", hooks.onWarning);
  wrap("onActivity", hooks.onActivity);
  wrap("onKeepAlive");
  if (given.onError == null || typeof given.onError === "function") out.onError = reporter(options);
  return out;
}

const same = (a, b) => Object.keys(a).every((k) => Object.is(a[k], b[k]));

/** What the app can do, in every binding (session.d.ts types them: SessionActions). */
export const ACTIONS = ["touch", "staySignedIn", "signOut", "setRememberMe", "pause", "resume", "sync"];

/** The actions of no session (during server rendering): they do nothing. */
export const NO_ACTIONS = /* @__PURE__ */ Object.fromEntries(ACTIONS.map((k) => [k, () => {}]));

// The phases of a session (see createSession), in order: it only moves
// forward, skipping some (idle, loading, running, ended, stopped; or idle,
// loading, failed, stopped), so nothing brings a stopped session back.
const IDLE = 0;
const LOADING = 1;
const RUNNING = 2;
const ENDED = 3;
const FAILED = 4;
const STOPPED = 5;

/**
 * One guarded session: `start()` loads the wasm and starts the guard,
 * `stop()` destroys it (no sign-out), `get()` is the current state (a new
 * object on every change), `subscribe(listener)` hears every change, and
 * `actions` act on the guard (before it runs they wait for it).
 * `options` is a function returning the app's latest options.
 *
 * A session is in one phase at a time, and `to()` alone moves it on:
 *   idle     made, not started: "checking"; actions wait.
 *   loading  start() loads the wasm and makes the guard, which reads the
 *            stored session: still "checking"; actions wait.
 *   running  the guard runs: its state is shown after each callback and
 *            action, and once a second.
 *   ended    the guard signed out: no more ticks. A page the back-forward
 *            cache shows again tells the end once more (`restored: true`),
 *            and `signedOut` becomes that event.
 *   failed   the guard could not start: status "error", signed out unless
 *            `failClosed` is false; only `signOut()` still does something.
 *   stopped  stop(): the guard is destroyed without a sign-out; nothing
 *            more is shown or done.
 */
export function createSession(options) {
  const report = reporter(options);
  const listeners = new Set();
  let phase = IDLE;
  let state = CHECKING;
  let guard; // made while loading
  const waiting = []; // [name, args] of each action asked for while idle or loading
  let timer; // the one-second refresh, while running
  let signedOut = null; // the end as onSignOut told it (or the failed start's)

  /** Moves on to phase `next` (never back, nor to the same); says whether it did. */
  const to = (next) => {
    if (next <= phase) return false;
    clearInterval(timer);
    phase = next;
    if (next === RUNNING) timer = setInterval(refresh, 1000);
    if (next === STOPPED) {
      listeners.clear();
      guard?.destroy(); // stops guarding without signing out
    }
    return true;
  };

  const set = (next) => {
    if (same(next, state)) return;
    state = next;
    for (const listener of [...listeners]) listener(state);
  };

  /** Shows the guard's state once it runs; `end` is an event of onSignOut. */
  const refresh = (end) => {
    if (end) signedOut = end;
    if (phase !== RUNNING && phase !== ENDED) return;
    const snap = guard.snapshot();
    if (!snap) return;
    if (snap.state === "signedOut") to(ENDED);
    const open = snap.warning;
    const shown = state.warning; // the same warning keeps its object
    const warning = !open
      ? null
      : shown?.expiresAt === open.expiresAt && shown.reason === open.reason
        ? shown
        : { reason: open.reason, remainingMs: snap.remainingMs, expiresAt: open.expiresAt };
    set({
      status: snap.state,
      remainingMs: snap.remainingMs,
      expiresAt: snap.expiresAt,
      warning,
      announcement: warning && announce(snap.remainingMs),
      signedOut: phase === ENDED ? (signedOut ?? { ...snap.signedOut, remote: false }) : null,
      error: null,
      guard,
    });
  };

  /** A sign-out asked for when no guard runs. */
  const manual = () => ({ reason: "manual", at: Date.now(), remote: false });

  const hooks = { onSignOut: refresh, onWarning: () => refresh(), onActivity: () => refresh() };

  async function start() {
    if (!to(LOADING)) return;
    try {
      await load(options().wasm);
      if (phase !== LOADING) return; // stopped while the wasm was loading
      guard = new SessionGuard(guardOptions(options, hooks));
    } catch (error) {
      // A signOut() asked for while the guard was loading still signs out.
      const asked = waiting.some(([name]) => name === "signOut");
      if (!to(FAILED)) return; // stopped meanwhile
      report(error);
      signedOut = options().failClosed !== false ? failure(error) : asked ? manual() : null;
      set({ ...CHECKING, status: "error", error, signedOut });
      if (signedOut) signOutWith(options, signedOut);
      return;
    }
    // The constructor defers its first callbacks (the sign-out of a session
    // that ended while no page watched it) to a microtask; this one runs
    // after it, so the state goes from "checking" straight to the truth, and
    // the actions asked for meanwhile act on what those callbacks told.
    queueMicrotask(() => {
      if (phase !== LOADING) return;
      // (One that an action's callback asks for meanwhile runs too.)
      for (const [name, args] of waiting) {
        try {
          guard[name](...args);
        } catch (error) {
          report(error);
        }
      }
      to(RUNNING);
      refresh();
    });
  }

  /** An action: on the guard once it runs, or queued until then. */
  const act = (name) =>
    (...args) => {
      if (phase === RUNNING || phase === ENDED) {
        try {
          return guard[name](...args);
        } finally {
          refresh();
        }
      }
      if (phase < RUNNING) waiting.push([name, args]); // idle or loading
      else if (phase === FAILED && name === "signOut" && !signedOut) {
        set({ ...state, signedOut: (signedOut = manual()) });
        signOutWith(options, signedOut);
      }
    };

  const actions = {};
  for (const k of ACTIONS) actions[k] = act(k === "staySignedIn" ? "touch" : k);

  return {
    start,
    stop() {
      to(STOPPED);
    },
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
  };
}
