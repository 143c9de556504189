// The view: draws the page from what the guard reports. Every time, deadline,
// hold and end on screen is a field of the guard's snapshot() (or of the
// onSignOut event); the demo's own settings only supply the words that
// describe them (the maximum length, the warning time, the remember-me
// window) and the size of the rings. The guard's end may be the server's
// deadline: the snapshot's expiresAt includes it, so an end that is neither
// of the guard's own two deadlines is the server's.
//
// The simulated server's card is drawn from the server's own state
// (server.js), which is the server's business, not the guard's.

import { clock, countdown, duration, iso } from "./format.js";

const $ = (id) => document.getElementById(id);

export const el = {
  state: $("state"),
  stateNote: $("state-note"),
  signOut: $("sign-out"),
  loadError: $("load-error"),
  app: $("app"),
  introTitle: $("intro-title"),
  introText: $("intro-text"),
  remaining: $("remaining"),
  expiresAt: $("expires-at"),
  expiresWhy: $("expires-why"),
  startedAt: $("started-at"),
  idleTimer: $("idle-timer"),
  idleLeft: $("idle-left"),
  idleCaption: $("idle-caption"),
  absoluteTimer: $("absolute-timer"),
  absoluteLeft: $("absolute-left"),
  absoluteCaption: $("absolute-caption"),
  rememberMe: $("remember-me"),
  rememberMePeriod: $("remember-me-period"),
  pause: $("pause"),
  touch: $("touch"),
  settings: $("settings"),
  resetSettings: $("reset-settings"),
  signedOut: $("signed-out"),
  signedOutTitle: $("signed-out-title"),
  signedOutReason: $("signed-out-reason"),
  signedOutAt: $("signed-out-at"),
  signInAgain: $("sign-in-again"),
  clearLog: $("clear-log"),
  stay: $("stay-signed-in"),
  warningSignOut: $("warning-sign-out"),
  warningDismiss: $("warning-dismiss"),
  serverState: $("server-state"),
  serverIdleLimit: $("server-idle-limit"),
  serverLastSeen: $("server-last-seen"),
  serverIdleEnd: $("server-idle-end"),
  serverKeepAlive: $("server-keep-alive"),
  serverLastKeepAlive: $("server-last-keep-alive"),
  serverRequests: $("server-requests"),
  serverSync: $("server-sync"),
  serverEnd: $("server-end"),
  signedOutServer: $("signed-out-server"),
};

const STATE_TEXT = {
  active: "active",
  warning: "warning",
  paused: "paused",
  signedOut: "signed out",
};

/** What the end shown in "session ends at" is. */
const END_TEXT = {
  "signed-out": "(signed out)",
  maximum: "(maximum length)",
  idle: "(idle timeout)",
  server: "(the server's deadline)",
};

/** Time left until `at` (epoch ms) as the page's clock reads it now. */
const until = (at) => Math.max(0, at - Date.now());

function setTimer(timer, { fraction, level }) {
  const fill = timer.querySelector(".ring-fill");
  const f = Math.min(1, Math.max(0, fraction));
  fill.style.strokeDashoffset = String(100 - f * 100);
  timer.dataset.level = level;
}

function setTime(node, at) {
  node.textContent = clock(at);
  node.dateTime = iso(at);
}

function drawIntro(snap, options) {
  const idle = snap.idleWindowMs;
  const parts = [];
  if (idle !== null) parts.push(`after ${duration(idle)} without activity`);
  if (options.maxDurationMs >= 0) parts.push(`${duration(options.maxDurationMs)} after you signed in, whatever you do`);
  let text = parts.length
    ? `This page signs you out ${parts.join(", and ")}.`
    : "This page signs you out when the session ends.";
  if (options.warnBeforeMs > 0) text += ` You get a warning ${duration(options.warnBeforeMs)} before.`;
  if (idle !== null) text += " Move the mouse or press a key to stay signed in.";
  el.introText.textContent = text;
}

function drawIdleTimer(snap) {
  const rm = snap.rememberMe ? " (remember me)" : "";
  if (snap.signedOut) {
    el.idleLeft.textContent = countdown(0);
    el.idleCaption.textContent = "signed out";
    setTimer(el.idleTimer, { fraction: 0, level: "done" });
  } else if (snap.idleWindowMs === null) {
    el.idleLeft.textContent = "off";
    el.idleCaption.textContent = "no idle limit";
    setTimer(el.idleTimer, { fraction: 0, level: "off" });
  } else if (snap.idleExpiresAt === null) {
    // A pause here or in another tab holds the idle deadline; the held time
    // counts as activity, so the full window runs again afterwards.
    el.idleLeft.textContent = countdown(snap.idleWindowMs);
    el.idleCaption.textContent = snap.held ? "held: paused in another tab" : "held while paused";
    setTimer(el.idleTimer, { fraction: 1, level: "held" });
  } else {
    const left = until(snap.idleExpiresAt);
    const ends = snap.idleExpiresAt === snap.expiresAt;
    const first = snap.expiresAt === snap.absoluteExpiresAt ? "the maximum" : "the server's deadline";
    el.idleLeft.textContent = countdown(left);
    el.idleCaption.textContent = ends ? `until idle sign-out${rm}` : `idle limit falls after ${first}${rm}`;
    const level = !ends ? "quiet" : snap.warning?.reason === "idle" ? "warn" : "ok";
    setTimer(el.idleTimer, { fraction: snap.idleWindowMs > 0 ? left / snap.idleWindowMs : 0, level });
  }
}

function drawAbsoluteTimer(snap, options) {
  if (snap.signedOut) {
    el.absoluteLeft.textContent = countdown(0);
    el.absoluteCaption.textContent = "signed out";
    setTimer(el.absoluteTimer, { fraction: 0, level: "done" });
  } else if (snap.absoluteExpiresAt === null) {
    el.absoluteLeft.textContent = "off";
    el.absoluteCaption.textContent = "no maximum length";
    setTimer(el.absoluteTimer, { fraction: 0, level: "off" });
  } else {
    const left = until(snap.absoluteExpiresAt);
    const max = options.maxDurationMs;
    el.absoluteLeft.textContent = countdown(left);
    el.absoluteCaption.textContent = "until the maximum length";
    setTimer(el.absoluteTimer, {
      fraction: max > 0 ? left / max : 0,
      level: snap.warning?.reason === "absolute" ? "warn" : "ok",
    });
  }
}

/** Draws the signed-in page from a snapshot; `options` are the demo's settings as guard options. */
export function render(snap, options) {
  const signedOut = snap.signedOut !== null;

  // header badge
  el.state.textContent = STATE_TEXT[snap.state] ?? String(snap.state);
  el.state.dataset.state = snap.state;
  el.stateNote.hidden = !snap.held;
  el.stateNote.textContent = snap.held ? "idle timer held by another tab" : "";

  // ends in / ends at (Infinity: paused with no maximum, so no end)
  if (Number.isFinite(snap.expiresAt)) {
    el.remaining.textContent = countdown(snap.remainingMs);
    setTime(el.expiresAt, snap.expiresAt);
    const end = signedOut
      ? "signed-out"
      : snap.expiresAt === snap.absoluteExpiresAt
        ? "maximum"
        : snap.expiresAt === snap.idleExpiresAt
          ? "idle"
          : "server";
    el.expiresWhy.textContent = END_TEXT[end];
    el.expiresWhy.dataset.end = end;
  } else {
    el.remaining.textContent = "never";
    el.expiresAt.textContent = "--:--:--";
    el.expiresAt.removeAttribute("datetime");
    el.expiresWhy.textContent = "(no end while the idle timer is held)";
    el.expiresWhy.dataset.end = "none";
  }
  setTime(el.startedAt, snap.startedAt);

  drawIdleTimer(snap);
  drawAbsoluteTimer(snap, options);

  // controls
  const paused = snap.state === "paused";
  el.signOut.disabled = signedOut;
  el.touch.disabled = signedOut;
  el.pause.disabled = signedOut;
  el.rememberMe.disabled = signedOut;
  el.rememberMe.checked = snap.rememberMe;
  el.pause.textContent = paused ? "Resume" : "Pause";
  el.pause.dataset.paused = String(paused);
  el.rememberMePeriod.textContent =
    options.rememberMePeriodMs >= 0 ? duration(options.rememberMePeriodMs) : "no idle limit";
  drawIntro(snap, options);
}

// ---------------------------------------------------------------- the simulated server

/** Why the server session ended, in words. */
function serverEndedText(ended, idleLimitMs) {
  switch (ended.why) {
    case "idle":
      return `no request for ${duration(idleLimitMs)}`;
    case "ended":
      return "ended on the server";
    case "signed-out":
      return "the page signed out";
    default:
      return String(ended.why);
  }
}

/**
 * Draws the simulated server's card: `status` is what server.js holds (or
 * null), `options` the guard's options (for the keep-alive period), and
 * `signedOut` whether this tab's guard has ended.
 */
export function renderServer(status, options, signedOut) {
  const live = status !== null && status.ended === null;
  el.serverState.dataset.state = live ? "active" : "signedOut";
  el.serverState.textContent = live
    ? "session live"
    : status
      ? `session ended ${clock(status.ended.at)}: ${serverEndedText(status.ended, status.idleLimitMs)}`
      : "no session";
  el.serverIdleLimit.textContent = !status ? "--" : status.idleLimitMs < 0 ? "none" : duration(status.idleLimitMs);
  if (status) setTime(el.serverLastSeen, status.lastSeen);
  else el.serverLastSeen.textContent = "--:--:--";
  if (status?.idleExpiresAt) setTime(el.serverIdleEnd, status.idleExpiresAt);
  else {
    el.serverIdleEnd.textContent = live ? "never" : "--:--:--";
    el.serverIdleEnd.removeAttribute("datetime");
  }
  el.serverKeepAlive.textContent = options.keepAliveMs > 0 ? `every ${duration(options.keepAliveMs)}` : "off";
  if (status?.lastKeepAlive) setTime(el.serverLastKeepAlive, status.lastKeepAlive);
  else {
    el.serverLastKeepAlive.textContent = "none yet";
    el.serverLastKeepAlive.removeAttribute("datetime");
  }
  el.serverRequests.textContent = status ? String(status.requests) : "--";
  el.serverEnd.disabled = !live;
  el.serverSync.disabled = signedOut;
}

// ---------------------------------------------------------------- screens

export function showSignedIn(moveFocus) {
  document.body.classList.remove("is-signed-out");
  el.app.hidden = false;
  el.signedOut.hidden = true;
  el.signOut.hidden = false;
  if (moveFocus && document.activeElement === el.signInAgain) {
    el.introTitle.tabIndex = -1;
    el.introTitle.focus();
  }
}

/**
 * Why the session ended, in words: `end` is the onSignOut event, `snap` the
 * guard's snapshot after it, `server` what the simulated server holds. The
 * server is named when its session ended first, in the way the guard's
 * reason says: by its idle limit ("idle"), or ended there ("absolute").
 */
function signedOutMessage({ reason, remote, at }, snap, options, server) {
  const where = remote ? " in another tab" : "";
  const serverEnd = server?.ended && server.ended.at <= at ? server.ended : null;
  if (reason === "idle" && serverEnd?.why === "idle") {
    return `You were signed out${where} for inactivity: the server's session ended after ${duration(server.idleLimitMs)} without a request.`;
  }
  if (reason === "absolute" && serverEnd?.why === "ended") {
    return `You were signed out${where} because the server ended the session.`;
  }
  switch (reason) {
    case "idle": {
      const w = snap?.idleWindowMs ?? null;
      const after = w !== null ? ` after ${duration(w)} of inactivity` : " for inactivity";
      return `You were signed out${where}${after}.`;
    }
    case "absolute": {
      const max = options.maxDurationMs;
      const length = max >= 0 ? ` (${duration(max)})` : "";
      return `You were signed out${where} because the session reached its maximum length${length}.`;
    }
    case "manual":
      return remote ? "You signed out in another tab." : "You signed out.";
    default:
      return `You were signed out${where} (reason: ${reason}).`;
  }
}

export function showSignedOut(end, snap, options, server) {
  el.signedOutReason.textContent = signedOutMessage(end, snap, options, server);
  el.signedOutAt.textContent = `Signed out at ${clock(end.at)}.`;
  el.signedOutServer.textContent = server?.ended
    ? `The simulated server's session ended at ${clock(server.ended.at)}: ${serverEndedText(server.ended, server.idleLimitMs)}.`
    : "";
  el.signedOutServer.hidden = !server?.ended;
  const hadFocusInApp = el.app.contains(document.activeElement) || document.activeElement === el.signOut;
  document.body.classList.add("is-signed-out");
  el.app.hidden = true;
  el.signedOut.hidden = false;
  el.signOut.hidden = true;
  window.scrollTo(0, 0);
  if (hadFocusInApp || document.activeElement === document.body || document.activeElement === null) {
    el.signedOutTitle.focus({ preventScroll: true });
  }
}

/** The badge when no guard runs: `state` "unavailable" (no build) or "none" (the settings were refused). */
export function showNoGuard(state, message) {
  el.state.textContent = state === "none" ? "not started" : "unavailable";
  el.state.dataset.state = state;
  if (state !== "none") {
    el.loadError.textContent = message;
    el.loadError.hidden = false;
  }
}
