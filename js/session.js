// What the framework bindings share: one guard per owner (a mounted
// component, a store with subscribers), the wasm loaded once per page, the
// live state read from the guard, and the start that fails closed. The rules
// are the guard's (the wasm); this only shows what `snapshot()` says.

import init, { SessionGuard } from "../pkg/session_guard.js";

/** The state before the guard has read the stored session, and on the server. */
export const CHECKING = Object.freeze({
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

/**
 * One guarded session: `start()` loads the wasm and starts the guard,
 * `stop()` destroys it (no sign-out), `get()` is the current state (a new
 * object on every change), `subscribe(listener)` hears every change, and
 * `actions` act on the guard (before it runs they wait for it).
 * `options` is a function returning the app's latest options.
 */
export function createSession(options) {
  const report = reporter(options);
  const listeners = new Set();
  let state = CHECKING;
  let guard = null;
  let live = false;
  let started = false;
  let stopped = false;
  let timer;
  let warning = null;
  let signedOut = null;
  let waiting = [];

  const set = (next) => {
    if (stopped || same(next, state)) return;
    state = next;
    for (const listener of [...listeners]) listener(state);
  };

  const refresh = () => {
    if (!guard || !live || stopped) return;
    const snap = guard.snapshot();
    if (!snap) return;
    if (snap.state === "signedOut") clearInterval(timer);
    const open = snap.warning;
    if (!open) warning = null;
    else if (!warning || warning.expiresAt !== open.expiresAt || warning.reason !== open.reason) {
      warning = { reason: open.reason, remainingMs: snap.remainingMs, expiresAt: open.expiresAt };
    }
    set({
      status: snap.state,
      remainingMs: snap.remainingMs,
      expiresAt: snap.expiresAt,
      warning,
      announcement: warning && announce(snap.remainingMs),
      signedOut: snap.state === "signedOut" ? (signedOut ?? { ...snap.signedOut, remote: false }) : null,
      error: null,
      guard,
    });
  };

  const tellSignOut = (e) => signOutWith(options, e);

  const fail = (error) => {
    report(error);
    const closed = options().failClosed !== false;
    // A signOut() asked for while the guard was loading still signs out.
    const asked = waiting.some((a) => a.signOut);
    waiting = [];
    signedOut = closed ? failure(error) : asked ? { reason: "manual", at: Date.now(), remote: false } : null;
    set({ ...CHECKING, status: "error", error, signedOut });
    if (signedOut) tellSignOut(signedOut);
  };

  const hooks = {
    onSignOut: (e) => {
      signedOut = e;
      clearInterval(timer);
      refresh();
    },
    onWarning: (e) => {
      warning = e;
      refresh();
    },
    onActivity: () => refresh(),
  };

  async function start() {
    if (started || stopped) return;
    started = true;
    let made;
    try {
      await load(options().wasm);
      if (stopped) return; // stopped while the wasm was loading
      made = new SessionGuard(guardOptions(options, hooks));
    } catch (error) {
      if (!stopped) fail(error);
      return;
    }
    guard = made;
    // The constructor defers its first callbacks (the sign-out of a session
    // that ended while no page watched it) to a microtask; this one runs
    // after it, so the state goes from "checking" straight to the truth, and
    // the actions asked for meanwhile act on what those callbacks told.
    queueMicrotask(() => {
      if (stopped) return;
      for (const act of waiting.splice(0)) {
        try {
          act(made);
        } catch (error) {
          report(error);
        }
      }
      live = true;
      refresh();
      if (state.status !== "signedOut") timer = setInterval(refresh, 1000);
    });
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    waiting = [];
    listeners.clear();
    const g = guard;
    guard = null;
    g?.destroy(); // stop guarding without signing out
  }

  /** An action: on the running guard, or once it runs. */
  const act = (name) =>
    (...args) => {
      if (stopped) return;
      if (guard) {
        try {
          return guard[name](...args);
        } finally {
          refresh();
        }
      }
      if (state.status === "error") {
        if (name === "signOut" && !signedOut) {
          signedOut = { reason: "manual", at: Date.now(), remote: false };
          set({ ...state, signedOut });
          tellSignOut(signedOut);
        }
        return;
      }
      const queued = (g) => g[name](...args);
      queued.signOut = name === "signOut";
      waiting.push(queued);
    };

  const actions = {
    touch: act("touch"),
    staySignedIn: act("touch"),
    signOut: act("signOut"),
    setRememberMe: act("setRememberMe"),
    pause: act("pause"),
    resume: act("resume"),
    sync: act("sync"),
  };

  return {
    start,
    stop,
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
  };
}

/** The actions of no session (during server rendering): they do nothing. */
export const NO_ACTIONS = Object.freeze({
  touch() {},
  staySignedIn() {},
  signOut() {},
  setRememberMe() {},
  pause() {},
  resume() {},
  sync() {},
});
