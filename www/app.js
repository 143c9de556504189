// Acme Dashboard: a small signed-in page wired to session-guard. This module
// is the wiring: it loads the package, starts and replaces the guard, routes
// its callbacks and the page's controls, and tells the demo's other tabs when
// this one signs in.
//
// The demo holds no session rule of its own. The guard owns the session (its
// start, deadlines, warnings, holds, the end, and sharing them across tabs
// and reloads); the page draws guard.snapshot() (view.js), redrawn by a
// 250 ms timer for the countdowns. A reload or a second tab joins the stored
// session because a guard started without `startedAt` resumes it. What the
// demo keeps is its configuration (settings.js).
//
// The server is simulated (server.js): it has a session of its own with its
// own idle limit. The guard's onKeepAlive asks it to keep that session alive
// and hands its answer back to the guard, which applies it as sync(); the
// page learns the server's deadline only through the guard's snapshot.
//
//   format.js    times and durations in words
//   settings.js  the form, the page address and the stored settings
//   view.js      drawing the page from a snapshot
//   dialog.js    the warning dialog
//   log.js       the event log
//   server.js    the simulated server and its session

import { clock } from "./format.js";
import { closeWarning, followWarning, openWarning } from "./dialog.js";
import { annotate, clearLog, describe, log } from "./log.js";
import * as server from "./server.js";
import {
  DEFAULT_SETTINGS,
  focusField,
  optionsFrom,
  readForm,
  resetForm,
  sameSettings,
  serverFrom,
  settingsFromUrl,
  settingsOf,
  showSettings,
  showSettingsError,
  storeSettings,
  storedSettings,
} from "./settings.js";
import { el, render, renderServer, showNoGuard, showSignedIn, showSignedOut } from "./view.js";

const TICK_MS = 250;
// The demo's tabs tell each other of a sign-in, as a server push would.
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("acme-dashboard") : null;

/** @type {any} the SessionGuard class, once the build is loaded */
let SessionGuard = null;
/** @type {any} the current guard (also after it signed out), or null */
let guard = null;
/** Incremented for every guard constructed; callbacks of older guards are only logged. */
let generation = 0;
/**
 * The current guard's companions:
 * { gen, settings, options, end: the onSignOut event | null,
 *   drawn: { startedAt, rememberMe } as last drawn, to note changes made in other tabs }
 */
let current = null;

window.demo = {
  get guard() {
    return guard;
  },
};

const messageOf = (err) => (err instanceof Error ? err.message : String(err));
const note = (name, detail) => log("note", name, detail, { gen: generation });

/** The guard's snapshot, or null (no guard; never expected to throw, but shown if it does). */
function snapshot() {
  if (!guard) return null;
  try {
    return guard.snapshot();
  } catch (err) {
    note("threw", messageOf(err));
    return null;
  }
}

/** Draws the page from the guard's snapshot, and the simulated server's card from the server. */
function redraw() {
  if (!guard || !current) return;
  const snap = snapshot();
  if (!snap) return; // the guard is busy: it never is outside its own callbacks
  noteOtherTabs(snap);
  followWarning(snap);
  render(snap, current.options);
  renderServer(server.status(), current.options, snap.signedOut !== null);
}

/** Logs what another tab changed in the shared session since the last drawing. */
function noteOtherTabs(snap) {
  const drawn = current.drawn;
  if (!drawn || snap.signedOut) return;
  if (snap.startedAt !== drawn.startedAt) {
    note("Joined another tab's sign-in", `session started ${clock(snap.startedAt)}`);
  } else if (snap.rememberMe !== drawn.rememberMe) {
    note("Remember me", `switched ${snap.rememberMe ? "on" : "off"} in another tab`);
  }
  current.drawn = { startedAt: snap.startedAt, rememberMe: snap.rememberMe };
}

// ---------------------------------------------------------------- guard lifecycle

/**
 * Constructs a guard with these settings. Without `startedAt` it resumes the
 * stored session when that is live (a reload, a second tab), else signs in
 * now. Throws what the constructor throws (validation), in which case nothing
 * changes. The caller destroys the previous guard first. Returns the new
 * guard's first snapshot.
 */
function startGuard({ settings, startedAt, rememberMe }) {
  const options = optionsFrom(settings);
  const serverConfig = serverFrom(settings); // throws before anything changes
  const gen = ++generation;
  const next = { gen, settings: { ...settings }, options, end: null, drawn: null };
  const previous = current;
  current = next; // callbacks may fire from inside the constructor
  try {
    guard = new SessionGuard({
      ...options,
      ...(startedAt !== undefined && { startedAt }),
      ...(rememberMe !== undefined && { rememberMe }),
      onSignOut: (e) => onSignOut(gen, e),
      onWarning: (e) => onWarning(gen, e),
      onActivity: (e) => onActivity(gen, e),
      onError: (err) => onError(gen, err),
      // Only with keep-alive on: the guard refuses onKeepAlive while it is off.
      ...(options.keepAliveMs !== -1 && { onKeepAlive: (e) => onKeepAlive(gen, e) }),
    });
  } catch (err) {
    current = previous;
    throw err;
  }
  const snap = snapshot();
  if (snap) next.drawn = { startedAt: snap.startedAt, rememberMe: snap.rememberMe };
  // The server session of this sign-in: a new one for a new sign-in, the same for a reload or another tab.
  if (snap && !snap.signedOut) server.join(snap.startedAt, serverConfig.idleLimitMs);
  showSignedIn(next.end === null);
  redraw();
  return snap;
}

function stopGuard() {
  if (guard && current && !current.end) {
    call("destroy", () => guard.destroy());
  }
  closeWarning();
}

/** Calls a guard method, logging the call and anything it throws. */
function call(name, fn, args = "") {
  log("call", `${name}(${args})`, "", { gen: generation });
  try {
    return fn();
  } catch (err) {
    note("threw", messageOf(err));
    console.error(err);
    return undefined;
  } finally {
    queueMicrotask(redraw);
  }
}

/** Keeps these settings for the next visit and tells the demo's other tabs of this tab's sign-in. */
function announce(signIn) {
  storeSettings(current.settings);
  const snap = snapshot();
  if (!channel || !snap || snap.signedOut) return;
  channel.postMessage({ signIn, settings: current.settings, startedAt: snap.startedAt, rememberMe: snap.rememberMe });
}

// ---------------------------------------------------------------- callbacks
// The guard calls these from inside its own work, when it cannot answer
// snapshot(): they log, then draw in a microtask, once the guard has returned.

function logCallback(gen, name, value) {
  const line = log("callback", name, describe(value), { gen: generation, stale: gen !== generation });
  return gen === generation && current !== null ? line : null;
}

function onSignOut(gen, e) {
  if (!logCallback(gen, "onSignOut", e)) return;
  // The tab that signed out tells the server, as an app's logout request would.
  if (e?.remote !== true) server.signOut(e.at);
  current.end = { reason: e?.reason, at: e?.at, remote: e?.remote === true };
  closeWarning();
  queueMicrotask(() => {
    if (gen !== generation) return;
    showSignedOut(current.end, snapshot(), current.options, server.status());
    redraw();
  });
}

function onWarning(gen, e) {
  if (!logCallback(gen, "onWarning", e)) return;
  queueMicrotask(() => {
    if (gen !== generation) return;
    const snap = snapshot();
    if (snap?.warning && !snap.signedOut) openWarning(snap.warning.reason);
    redraw();
  });
}

function onActivity(gen, e) {
  if (logCallback(gen, "onActivity", e)) queueMicrotask(redraw);
}

/**
 * The guard asks for a keep-alive: one tab of the session, at most once per
 * period, while people are active. The demo sends it to the simulated server
 * and returns the answer, which the guard applies as sync(). The log line of
 * the call gets the answer when it arrives.
 */
function onKeepAlive(gen, e) {
  const line = logCallback(gen, "onKeepAlive", e);
  if (line) annotate(line, "answer", "waiting for the server…");
  return server.request("keep-alive").then((answer) => {
    if (line) annotate(line, answer.expired ? "expired" : "answer", `server: ${describe(answer)}`);
    queueMicrotask(redraw);
    return answer;
  });
}

function onError(gen, err) {
  logCallback(gen, "onError", err);
  console.error(err);
}

// ---------------------------------------------------------------- controls

el.signOut.addEventListener("click", () => {
  if (guard) call("signOut", () => guard.signOut());
});

el.touch.addEventListener("click", () => {
  if (guard) call("touch", () => guard.touch());
});

el.pause.addEventListener("click", () => {
  if (!guard) return;
  if (snapshot()?.state === "paused") call("resume", () => guard.resume());
  else call("pause", () => guard.pause());
  redraw();
});

el.rememberMe.addEventListener("change", () => {
  if (!guard || !current) return;
  const on = el.rememberMe.checked;
  call("setRememberMe", () => guard.setRememberMe(on), String(on));
  const snap = snapshot();
  if (snap && current.drawn) current.drawn.rememberMe = snap.rememberMe; // this tab's own change
  redraw();
});

el.stay.addEventListener("click", () => {
  if (!guard) return;
  call("touch", () => guard.touch());
  closeWarning();
});

el.warningSignOut.addEventListener("click", () => {
  if (!guard) return;
  closeWarning();
  call("signOut", () => guard.signOut());
});

el.warningDismiss.addEventListener("click", closeWarning);

el.settings.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!SessionGuard) return;
  const settings = readForm();
  const previous = current && !current.end ? current : null;
  const wasPaused = previous !== null && snapshot()?.state === "paused";
  stopGuard();
  try {
    note("Apply", "new session with these settings");
    startGuard({ settings, startedAt: Date.now(), rememberMe: el.rememberMe.checked });
  } catch (err) {
    const message = messageOf(err);
    showSettingsError(message);
    note("new SessionGuard() threw", message);
    // Put the previous guard back: started without a sign-in time, it resumes the stored session.
    if (previous) {
      try {
        startGuard({ settings: previous.settings });
        if (wasPaused) call("pause", () => guard.pause());
        note("Restored", "the previous settings are still in force");
      } catch (again) {
        note("threw", messageOf(again));
      }
    }
    focusField(message);
    return;
  }
  showSettingsError("");
  showSettings(settings);
  announce(true);
});

el.resetSettings.addEventListener("click", resetForm);

el.signInAgain.addEventListener("click", () => {
  if (!SessionGuard) return;
  const settings = current?.settings ?? readForm();
  stopGuard();
  note("Sign in again", "new session");
  try {
    startGuard({ settings, startedAt: Date.now(), rememberMe: el.rememberMe.checked });
  } catch (err) {
    // Only reachable with settings the guard never accepted.
    showSettingsError(messageOf(err));
    return;
  }
  announce(true);
});

el.clearLog.addEventListener("click", clearLog);

// The simulated server's buttons. Any API request the app makes gets the
// server's deadlines back; "Ask the server" is one such request, applied with
// sync(). Ending the server session shows what the next answer does then.
el.serverSync.addEventListener("click", async () => {
  if (!guard || !current) return;
  const gen = current.gen;
  note("Request to the server", "an API call: its answer carries the server's deadlines");
  const answer = await server.request("api");
  if (gen !== generation) return;
  call("sync", () => guard.sync(answer), describe(answer));
});

el.serverEnd.addEventListener("click", () => {
  server.end();
  note("Server", "session ended on the server: its next answer says so");
  redraw();
});

// ---------------------------------------------------------------- other tabs

// Another tab signed in (again), applied new settings, or opened with a new
// session. The guard already shares the session itself; the demo follows
// where its own configuration or its signed-out screen must change: it
// restarts its guard with that tab's settings and sign-in time, which
// resumes the session that tab stored.
channel?.addEventListener("message", (event) => {
  if (!SessionGuard) return;
  const msg = event.data;
  const settings = settingsOf(msg?.settings);
  if (!settings || !Number.isSafeInteger(msg.startedAt)) return;
  const snap = snapshot();
  const sameSignIn = snap !== null && !snap.signedOut && snap.startedAt === msg.startedAt;
  if (sameSignIn && (!msg.signIn || sameSettings(settings, current.settings))) return;
  stopGuard();
  note("Following another tab", msg.signIn ? "it signed in again or applied new settings" : "it signed in");
  try {
    startGuard({ settings, startedAt: msg.startedAt, rememberMe: msg.rememberMe === true });
  } catch (err) {
    showSettingsError(messageOf(err));
    return;
  }
  showSettingsError("");
  showSettings(settings);
});

// ---------------------------------------------------------------- start

async function main() {
  let mod;
  try {
    mod = await import("../pkg/session_guard.js");
  } catch (err) {
    console.error(err);
    showNoGuard(
      "unavailable",
      "The session-guard build was not found at ../pkg/session_guard.js. " +
        "Run `npm run build` (or `npm start`) and reload this page.",
    );
    return;
  }
  try {
    await mod.default();
  } catch (err) {
    console.error(err);
    showNoGuard("unavailable", `The session-guard WebAssembly module failed to start: ${err?.message ?? err}`);
    return;
  }
  SessionGuard = mod.SessionGuard;
  setInterval(redraw, TICK_MS);

  // URL first (the other-tab link carries it), then the last applied settings, then defaults.
  const settings = settingsFromUrl() ?? storedSettings() ?? { ...DEFAULT_SETTINGS };
  showSettings(settings);

  // No sign-in time: the guard resumes the stored session when it is live,
  // so a reload or a second tab joins it; else this visit signs in now.
  const openedAt = Date.now();
  let snap;
  try {
    snap = startGuard({ settings });
  } catch (err) {
    const message = messageOf(err);
    showSettingsError(message);
    note("new SessionGuard() threw", message);
    showNoGuard("none");
    return;
  }
  if (!snap || snap.signedOut) return; // the stored session had run out: onSignOut says why
  note(snap.startedAt < openedAt ? "Resuming sign-in" : "Signed in", `session started ${clock(snap.startedAt)}`);
  announce(false);
}

main();
