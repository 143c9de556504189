// Acme Dashboard: a small signed-in page wired to session-guard.
//
// The guard does the real work (deadlines, warnings, cross-tab sharing). The
// demo only draws what the guard reports and keeps, like a server would, the
// sign-in time and the chosen timeouts under its own localStorage key, so a
// reload or a second tab knows when the session began. Its countdowns are
// redrawn by its own 250 ms timer; the guard needs no polling.

const DEFAULT_SETTINGS = Object.freeze({
  idle: "20",
  max: "60",
  warn: "10",
  "remember-period": "40",
});

// form field / URL parameter (seconds) -> SessionGuard option (milliseconds)
const FIELDS = [
  ["idle", "idleTimeoutMs"],
  ["max", "maxDurationMs"],
  ["warn", "warnBeforeMs"],
  ["remember-period", "rememberMePeriodMs"],
];

// The demo's own "server" record. Never the library's key ("session-guard").
const RECORD_KEY = "acme-dashboard";
const LOG_LIMIT = 200;
const TICK_MS = 250;

const $ = (id) => document.getElementById(id);

const el = {
  state: $("state"),
  stateNote: $("state-note"),
  signOut: $("sign-out"),
  loadError: $("load-error"),
  app: $("app"),
  introTitle: $("intro-title"),
  introText: $("intro-text"),
  openTab: $("open-tab"),
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
  settingsError: $("settings-error"),
  resetSettings: $("reset-settings"),
  signedOut: $("signed-out"),
  signedOutTitle: $("signed-out-title"),
  signedOutReason: $("signed-out-reason"),
  signedOutAt: $("signed-out-at"),
  signInAgain: $("sign-in-again"),
  log: $("log"),
  clearLog: $("clear-log"),
  dialog: $("warning-dialog"),
  warningTitle: $("warning-title"),
  warningText: $("warning-text"),
  stay: $("stay-signed-in"),
  warningSignOut: $("warning-sign-out"),
  warningDismiss: $("warning-dismiss"),
};

/** @type {any} the SessionGuard class, once the build is loaded */
let SessionGuard = null;
/** @type {any} the current guard (also after it signed out), or null */
let guard = null;
/** Incremented for every guard constructed; callbacks of older guards are only logged. */
let generation = 0;
/**
 * What the demo knows about the current guard:
 * { gen, settings, options, startedAt, rememberMe, paused, lastActivity,
 *   warning: {reason, expiresAt} | null, signedOut: {reason, at, remote} | null }
 */
let session = null;
let lastState = null;

window.demo = {
  get guard() {
    return guard;
  },
};

// ---------------------------------------------------------------- formatting

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** 14:03:22 (24-hour, local time) */
function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 14:03:22.123 */
function clockMs(ms) {
  return `${clock(ms)}.${pad(new Date(ms).getMilliseconds(), 3)}`;
}

/** mm:ss countdown (h:mm:ss past an hour, "Nd hh:mm:ss" past a day), rounded up. */
function countdown(ms) {
  if (!Number.isFinite(ms)) return "--:--";
  let s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${pad(m)}:${pad(s)}`;
}

/** A duration in words: "20 s", "1.5 s", "2 min 30 s", "30 days". */
function duration(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  const units = [
    [86_400_000, "day", "days"],
    [3_600_000, "h", "h"],
    [60_000, "min", "min"],
  ];
  const parts = [];
  let rest = ms;
  for (const [size, one, many] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      parts.push(`${n} ${n === 1 ? one : many}`);
    }
  }
  if (rest > 0 || parts.length === 0) {
    const s = Math.round(rest) / 1000;
    parts.push(`${s} s`);
  }
  return parts.slice(0, 2).join(" ");
}

// ---------------------------------------------------------------- settings

/** Seconds as typed -> integer ms; -1 stays -1 ("off"). Anything odd is passed
 *  through unrounded so that the library's own validation reports it. */
function toMs(text) {
  const trimmed = String(text ?? "").trim();
  if (trimmed === "") return NaN;
  const seconds = Number(trimmed);
  if (seconds === -1) return -1;
  const ms = seconds * 1000;
  const rounded = Math.round(ms);
  return Math.abs(ms - rounded) < 1e-6 ? rounded : ms;
}

function optionsFrom(settings) {
  const options = {};
  for (const [field, option] of FIELDS) options[option] = toMs(settings[field]);
  return options;
}

function isSettings(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    FIELDS.every(([field]) => typeof value[field] === "string" || typeof value[field] === "number")
  );
}

function normalizeSettings(value) {
  const out = {};
  for (const [field] of FIELDS) out[field] = String(value[field]);
  return out;
}

function settingsFromUrl() {
  const params = new URLSearchParams(location.search);
  if (!FIELDS.some(([field]) => params.has(field))) return null;
  const out = { ...DEFAULT_SETTINGS };
  for (const [field] of FIELDS) if (params.has(field)) out[field] = params.get(field);
  return out;
}

function urlFor(settings) {
  const url = new URL(location.href);
  for (const [field] of FIELDS) url.searchParams.set(field, settings[field]);
  url.hash = "";
  return url;
}

function showSettings(settings) {
  for (const [field] of FIELDS) $(field).value = settings[field];
  history.replaceState(history.state, "", urlFor(settings));
  el.openTab.href = urlFor(settings).href;
}

function readForm() {
  const out = {};
  for (const [field] of FIELDS) out[field] = $(field).value;
  return out;
}

/** The form field whose option the guard's error message names, if any. */
function fieldNamedIn(message) {
  let best = null;
  for (const [field, option] of FIELDS) {
    const at = message.indexOf(option);
    if (at >= 0 && (best === null || at < best.at)) best = { field, at };
  }
  return best ? $(best.field) : null;
}

function showSettingsError(message) {
  for (const [field] of FIELDS) {
    $(field).removeAttribute("aria-invalid");
    $(field).removeAttribute("aria-errormessage");
  }
  el.settingsError.textContent = message || "";
  el.settingsError.hidden = !message;
  const field = message ? fieldNamedIn(message) : null;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-errormessage", "settings-error");
  }
}

// ---------------------------------------------------------------- demo record ("server")

function readRecord() {
  try {
    const raw = localStorage.getItem(RECORD_KEY);
    if (!raw) return null;
    const rec = JSON.parse(raw);
    if (!rec || !Number.isSafeInteger(rec.startedAt) || !isSettings(rec.settings)) return null;
    return {
      startedAt: rec.startedAt,
      settings: normalizeSettings(rec.settings),
      rememberMe: rec.rememberMe === true,
    };
  } catch {
    return null; // storage blocked or garbage: behave as a fresh visit
  }
}

function writeRecord() {
  if (!session) return;
  try {
    localStorage.setItem(
      RECORD_KEY,
      JSON.stringify({
        startedAt: session.startedAt,
        settings: session.settings,
        rememberMe: session.rememberMe,
      }),
    );
  } catch {
    // storage blocked: tabs will not share the sign-in time, the guard still works
  }
}

/** Forget the sign-in, unless another tab has already signed in again since. */
function clearRecord(startedAt) {
  try {
    const rec = readRecord();
    if (rec && rec.startedAt === startedAt) localStorage.removeItem(RECORD_KEY);
  } catch {
    // ignore
  }
}

// ---------------------------------------------------------------- event log

function describe(value) {
  if (value instanceof Error) return value.message;
  if (value === undefined) return "";
  if (value === null || typeof value !== "object") return String(value);
  const parts = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "number" && /(^at$|At$)/.test(key) && v > 1e12) {
      parts.push(`${key}: ${clockMs(v)}`);
    } else if (v instanceof Error) {
      parts.push(`${key}: ${v.message}`);
    } else if (typeof v === "function") {
      continue;
    } else {
      parts.push(`${key}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
  }
  return parts.length ? parts.join(" · ") : String(value);
}

/**
 * kind: "callback" (something the guard called), "call" (something the demo
 * called on the guard) or "note" (what the demo did by itself).
 */
function log(kind, name, detail = "", { stale = false } = {}) {
  const now = Date.now();
  const top = el.log.firstElementChild;
  // onActivity fires up to once a second while someone moves the mouse:
  // fold a run of them into one line with a count.
  if (
    name === "onActivity" &&
    top &&
    top.dataset.event === "onActivity" &&
    top.dataset.gen === String(generation) &&
    !stale
  ) {
    const count = Number(top.dataset.count) + 1;
    top.dataset.count = String(count);
    top.querySelector("time").textContent = clock(now);
    top.querySelector("time").dateTime = new Date(now).toISOString();
    top.querySelector(".log-count").textContent = `×${count}`;
    top.querySelector(".log-detail").textContent = detail;
    return;
  }

  const li = document.createElement("li");
  li.className = `log-item log-${kind}`;
  if (kind === "callback") li.dataset.event = name;
  else li.dataset.call = name;
  li.dataset.gen = String(generation);
  li.dataset.count = "1";

  const time = document.createElement("time");
  time.dateTime = new Date(now).toISOString();
  time.textContent = clock(now);

  const label = document.createElement(kind === "note" ? "span" : "code");
  label.className = "log-name";
  label.textContent = kind === "call" ? `guard.${name}` : name;

  const count = document.createElement("span");
  count.className = "log-count";

  const text = document.createElement("span");
  text.className = "log-detail";
  text.textContent = stale ? `${detail} (from a replaced guard)` : detail;

  li.append(time, " ", label, " ", count, " ", text);
  el.log.prepend(li);
  while (el.log.children.length > LOG_LIMIT) el.log.lastElementChild.remove();
}

// ---------------------------------------------------------------- guard lifecycle

/** The idle window in force for the current session, or -1 when none. */
function idleWindow(s = session) {
  if (!s) return -1;
  return s.rememberMe ? s.options.rememberMePeriodMs : s.options.idleTimeoutMs;
}

function absoluteDeadline(s = session) {
  if (!s || !(s.options.maxDurationMs >= 0)) return null;
  return s.startedAt + s.options.maxDurationMs;
}

/**
 * Constructs a guard. Throws what the constructor throws (validation), in
 * which case nothing changes. The caller destroys the previous guard first.
 */
function startGuard({ settings, startedAt, rememberMe }) {
  const options = optionsFrom(settings);
  const gen = ++generation;
  const next = {
    gen,
    settings: { ...settings },
    options,
    startedAt,
    rememberMe,
    paused: false,
    lastActivity: Date.now(),
    warning: null,
    signedOut: null,
  };
  const previous = session;
  session = next; // callbacks may fire from inside the constructor
  try {
    guard = new SessionGuard({
      ...options,
      rememberMe,
      startedAt,
      onSignOut: (e) => onSignOut(gen, e),
      onWarning: (e) => onWarning(gen, e),
      onActivity: (e) => onActivity(gen, e),
      onError: (err) => onError(gen, err),
    });
  } catch (err) {
    session = previous;
    throw err;
  }
  lastState = null;
  showSignedIn(next.signedOut === null);
  render();
  return guard;
}

function stopGuard() {
  if (guard && session && !session.signedOut) {
    call("destroy", () => guard.destroy());
  }
  closeWarning();
}

/** Calls a guard method, logging the call and anything it throws. */
function call(name, fn, args = "") {
  log("call", `${name}(${args})`);
  try {
    return fn();
  } catch (err) {
    log("note", "threw", err instanceof Error ? err.message : String(err));
    console.error(err);
    return undefined;
  } finally {
    queueMicrotask(render);
  }
}

// ---------------------------------------------------------------- callbacks

function onSignOut(gen, e) {
  log("callback", "onSignOut", describe(e), { stale: gen !== generation });
  if (gen !== generation || !session) return;
  session.signedOut = {
    reason: e?.reason,
    at: typeof e?.at === "number" ? e.at : Date.now(),
    remote: e?.remote === true,
  };
  session.paused = false;
  clearRecord(session.startedAt);
  closeWarning();
  // Draw after the guard has returned from whatever called us.
  queueMicrotask(() => {
    showSignedOut();
    render();
  });
}

function onWarning(gen, e) {
  log("callback", "onWarning", describe(e), { stale: gen !== generation });
  if (gen !== generation || !session) return;
  session.warning = {
    reason: e?.reason,
    expiresAt: typeof e?.expiresAt === "number" ? e.expiresAt : null,
  };
  queueMicrotask(() => {
    openWarning();
    render();
  });
}

function onActivity(gen, e) {
  log("callback", "onActivity", describe(e), { stale: gen !== generation });
  if (gen !== generation || !session) return;
  session.lastActivity = typeof e?.at === "number" ? e.at : Date.now();
  if (session.warning && session.warning.reason !== "absolute") {
    session.warning = null;
    queueMicrotask(warningAnswered);
  }
  queueMicrotask(render);
}

function onError(gen, err) {
  log("callback", "onError", describe(err), { stale: gen !== generation });
  console.error(err);
}

// ---------------------------------------------------------------- warning dialog

let focusBeforeDialog = null;
let closeTimer = 0;

function openWarning() {
  if (!session || !session.warning || session.signedOut) return;
  const absolute = session.warning.reason === "absolute";
  el.warningTitle.textContent = absolute ? "Your session is about to end" : "Are you still there?";
  el.warningText.replaceChildren(
    absolute ? "Your session reaches its maximum length in " : "You'll be signed out in ",
    Object.assign(document.createElement("strong"), { id: "warning-left", textContent: "--:--" }),
    absolute ? ". Save your work; staying active can't extend it." : " because of inactivity.",
  );
  el.stay.hidden = absolute;
  el.warningDismiss.hidden = !absolute;
  clearTimeout(closeTimer);
  updateWarningCountdown();
  if (!el.dialog.open) {
    focusBeforeDialog = document.activeElement;
    el.dialog.showModal();
  }
  (absolute ? el.warningDismiss : el.stay).focus();
}

function closeWarning() {
  clearTimeout(closeTimer);
  if (!el.dialog.open) return;
  el.dialog.close();
}

/** Activity (here or in another tab) cancelled an idle warning: say so, then
 *  close. The short pause keeps the buttons where the pointer is heading. */
function warningAnswered() {
  if (!el.dialog.open || session?.warning) return;
  el.warningTitle.textContent = "You're still signed in";
  el.warningText.textContent = "Activity moved the idle deadline; the warning is over.";
  clearTimeout(closeTimer);
  closeTimer = setTimeout(closeWarning, 1500);
}

el.dialog.addEventListener("close", () => {
  const back = focusBeforeDialog;
  focusBeforeDialog = null;
  if (back && back.isConnected && typeof back.focus === "function" && !back.closest("[hidden]")) {
    back.focus();
  }
});

function updateWarningCountdown() {
  const left = $("warning-left");
  if (!left || !guard || !session) return;
  let ms;
  try {
    ms = guard.remainingMs();
  } catch {
    ms = session.warning?.expiresAt ? session.warning.expiresAt - Date.now() : 0;
  }
  left.textContent = countdown(ms);
}

el.stay.addEventListener("click", () => {
  if (!guard) return;
  call("touch", () => guard.touch());
  if (session) session.warning = null;
  closeWarning();
});

el.warningSignOut.addEventListener("click", () => {
  if (!guard) return;
  closeWarning();
  call("signOut", () => guard.signOut());
});

el.warningDismiss.addEventListener("click", closeWarning);

// ---------------------------------------------------------------- screens

function showSignedIn(moveFocus) {
  document.body.classList.remove("is-signed-out");
  el.app.hidden = false;
  el.signedOut.hidden = true;
  el.signOut.hidden = false;
  if (moveFocus && document.activeElement === el.signInAgain) {
    el.introTitle.tabIndex = -1;
    el.introTitle.focus();
  }
}

function signedOutMessage({ reason, remote }) {
  const where = remote ? " in another tab" : "";
  switch (reason) {
    case "idle": {
      const w = idleWindow();
      const after = w >= 0 ? ` after ${duration(w)} of inactivity` : " for inactivity";
      return `You were signed out${where}${after}.`;
    }
    case "absolute": {
      const max = session?.options.maxDurationMs;
      const length = max >= 0 ? ` (${duration(max)})` : "";
      return `You were signed out${where} because the session reached its maximum length${length}.`;
    }
    case "manual":
      return remote ? "You signed out in another tab." : "You signed out.";
    default:
      return `You were signed out${where} (reason: ${reason}).`;
  }
}

function showSignedOut() {
  if (!session?.signedOut) return;
  const { at } = session.signedOut;
  el.signedOutReason.textContent = signedOutMessage(session.signedOut);
  el.signedOutAt.textContent = `Signed out at ${clock(at)}.`;
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

// ---------------------------------------------------------------- drawing

const STATE_TEXT = {
  active: "active",
  warning: "warning",
  paused: "paused",
  signedOut: "signed out",
};

function setTimer(timer, { fraction, level }) {
  const fill = timer.querySelector(".ring-fill");
  const f = Math.min(1, Math.max(0, fraction));
  fill.style.strokeDashoffset = String(100 - f * 100);
  timer.dataset.level = level;
}

function describeIntro() {
  if (!session) return;
  const o = session.options;
  const idle = idleWindow();
  const parts = [];
  if (idle >= 0) parts.push(`after ${duration(idle)} without activity`);
  if (o.maxDurationMs >= 0) parts.push(`${duration(o.maxDurationMs)} after you signed in, whatever you do`);
  let text = parts.length
    ? `This page signs you out ${parts.join(", and ")}.`
    : "This page signs you out when the session ends.";
  if (o.warnBeforeMs > 0) text += ` You get a warning ${duration(o.warnBeforeMs)} before.`;
  if (idle >= 0) text += " Move the mouse or press a key to stay signed in.";
  el.introText.textContent = text;
}

function render() {
  if (!guard || !session) return;
  let state;
  let remaining;
  let expiresAt;
  try {
    state = guard.state();
    remaining = guard.remainingMs();
    expiresAt = guard.expiresAt();
  } catch (err) {
    // Never expected; show it rather than hide it.
    log("note", "threw", err instanceof Error ? err.message : String(err));
    return;
  }
  const now = Date.now();
  const signedOut = state === "signedOut";
  const w = idleWindow();
  const absolute = absoluteDeadline();
  const absoluteBinds = absolute !== null && expiresAt >= absolute - 1;

  // The guard reports no "held" state: a pause in another tab only shows as
  // an end that ignores the idle limit. Infer it when the idle deadline the
  // demo can vouch for (the last onActivity + the window, at most ~1 s early)
  // lies clearly before the end the guard reports.
  const heldElsewhere =
    !signedOut &&
    state !== "paused" &&
    w >= 0 &&
    (!Number.isFinite(expiresAt) || (absoluteBinds && session.lastActivity + w < expiresAt - 1500));

  // header badge
  el.state.textContent = STATE_TEXT[state] ?? String(state);
  el.state.dataset.state = state;
  el.stateNote.hidden = !heldElsewhere;
  el.stateNote.textContent = heldElsewhere ? "idle timer held by another tab" : "";

  // the warning dialog follows the state: it closes when "warning" ends
  if (lastState === "warning" && state !== "warning") {
    if (signedOut) {
      session.warning = null;
      closeWarning();
    } else if (session.warning?.reason !== "absolute") {
      session.warning = null;
      warningAnswered();
    }
  }
  lastState = state;
  if (el.dialog.open) updateWarningCountdown();

  // ends in / ends at (Infinity: paused with no maximum, so no end)
  if (Number.isFinite(remaining) && Number.isFinite(expiresAt)) {
    el.remaining.textContent = countdown(remaining);
    el.expiresAt.textContent = clock(expiresAt);
    el.expiresAt.dateTime = new Date(expiresAt).toISOString();
    el.expiresWhy.textContent = signedOut ? "(signed out)" : absoluteBinds ? "(maximum length)" : "(idle timeout)";
  } else {
    el.remaining.textContent = "never";
    el.expiresAt.textContent = "--:--:--";
    el.expiresAt.removeAttribute("datetime");
    el.expiresWhy.textContent = "(no end while the idle timer is held)";
  }
  el.startedAt.textContent = clock(session.startedAt);
  el.startedAt.dateTime = new Date(session.startedAt).toISOString();

  // idle timer
  const rm = session.rememberMe ? " (remember me)" : "";
  if (signedOut) {
    el.idleLeft.textContent = countdown(0);
    el.idleCaption.textContent = "signed out";
    setTimer(el.idleTimer, { fraction: 0, level: "done" });
  } else if (w < 0) {
    el.idleLeft.textContent = "off";
    el.idleCaption.textContent = "no idle limit";
    setTimer(el.idleTimer, { fraction: 0, level: "off" });
  } else if (state === "paused" || heldElsewhere) {
    // The held time counts as activity: the full window runs again afterwards.
    el.idleLeft.textContent = countdown(w);
    el.idleCaption.textContent = heldElsewhere ? "held: paused in another tab" : "held while paused";
    setTimer(el.idleTimer, { fraction: 1, level: "held" });
  } else {
    // When the idle limit comes first, the guard's end *is* the idle deadline.
    // Otherwise the idle deadline lies past the maximum and the guard does not
    // report it: estimate it from the last onActivity this tab saw.
    const exact = !absoluteBinds;
    const deadline = exact ? expiresAt : session.lastActivity + w;
    const left = Math.max(0, deadline - now);
    el.idleLeft.textContent = countdown(left);
    el.idleCaption.textContent = exact
      ? `until idle sign-out${rm}`
      : `idle limit falls after the maximum${rm} (estimate)`;
    const warn = session.options.warnBeforeMs;
    const level = !exact ? "quiet" : warn > 0 && left <= warn ? "warn" : "ok";
    setTimer(el.idleTimer, { fraction: w > 0 ? left / w : 0, level });
  }

  // absolute timer
  const max = session.options.maxDurationMs;
  if (signedOut) {
    el.absoluteLeft.textContent = countdown(0);
    el.absoluteCaption.textContent = "signed out";
    setTimer(el.absoluteTimer, { fraction: 0, level: "done" });
  } else if (absolute === null) {
    el.absoluteLeft.textContent = "off";
    el.absoluteCaption.textContent = "no maximum length";
    setTimer(el.absoluteTimer, { fraction: 0, level: "off" });
  } else {
    const left = Math.max(0, absolute - now);
    el.absoluteLeft.textContent = countdown(left);
    el.absoluteCaption.textContent = "until the maximum length";
    const warn = session.options.warnBeforeMs;
    setTimer(el.absoluteTimer, {
      fraction: max > 0 ? left / max : 0,
      level: warn > 0 && left <= warn ? "warn" : "ok",
    });
  }

  // controls
  el.signOut.disabled = signedOut;
  el.touch.disabled = signedOut;
  el.pause.disabled = signedOut;
  el.rememberMe.disabled = signedOut;
  el.rememberMe.checked = session.rememberMe;
  el.pause.textContent = session.paused ? "Resume" : "Pause";
  el.pause.dataset.paused = String(session.paused);
  el.rememberMePeriod.textContent =
    session.options.rememberMePeriodMs >= 0 ? duration(session.options.rememberMePeriodMs) : "no idle limit";
  describeIntro();
}

function showUnavailable(message) {
  el.state.textContent = "unavailable";
  el.state.dataset.state = "unavailable";
  el.loadError.textContent = message;
  el.loadError.hidden = false;
}

// ---------------------------------------------------------------- controls

el.signOut.addEventListener("click", () => {
  if (guard) call("signOut", () => guard.signOut());
});

el.touch.addEventListener("click", () => {
  if (!guard || !session) return;
  call("touch", () => guard.touch());
  session.lastActivity = Date.now();
});

el.pause.addEventListener("click", () => {
  if (!guard || !session) return;
  if (session.paused) {
    call("resume", () => guard.resume());
    session.paused = false;
    session.lastActivity = Date.now(); // resume counts as activity
  } else {
    call("pause", () => guard.pause());
    session.paused = true;
  }
  render();
});

el.rememberMe.addEventListener("change", () => {
  if (!guard || !session) return;
  const on = el.rememberMe.checked;
  call("setRememberMe", () => guard.setRememberMe(on), String(on));
  session.rememberMe = on;
  writeRecord();
  render();
});

el.settings.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!SessionGuard) return;
  const settings = readForm();
  const previous = session;
  const wasPaused = previous?.paused === true;
  stopGuard();
  try {
    log("note", "Apply", "new session with these settings");
    startGuard({ settings, startedAt: Date.now(), rememberMe: el.rememberMe.checked });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    showSettingsError(message);
    log("note", "new SessionGuard() threw", message);
    // Put the previous guard back: same sign-in time, so it resumes the stored session.
    if (previous && !previous.signedOut) {
      try {
        startGuard(previous);
        if (wasPaused) {
          call("pause", () => guard.pause());
          session.paused = true;
        }
        log("note", "Restored", "the previous settings are still in force");
      } catch (again) {
        log("note", "threw", again instanceof Error ? again.message : String(again));
      }
    }
    (fieldNamedIn(message) ?? $("idle")).focus();
    return;
  }
  showSettingsError("");
  showSettings(settings);
  writeRecord();
});

el.resetSettings.addEventListener("click", () => {
  for (const [field] of FIELDS) $(field).value = DEFAULT_SETTINGS[field];
  showSettingsError("");
});

el.signInAgain.addEventListener("click", () => {
  if (!SessionGuard) return;
  const settings = session?.settings ?? readForm();
  stopGuard();
  log("note", "Sign in again", "new session");
  try {
    startGuard({ settings, startedAt: Date.now(), rememberMe: el.rememberMe.checked });
  } catch (err) {
    // Only reachable with settings the guard never accepted.
    showSettingsError(err instanceof Error ? err.message : String(err));
    return;
  }
  writeRecord();
});

el.clearLog.addEventListener("click", () => el.log.replaceChildren());

// Another tab signed in again, applied new settings or switched remember-me.
window.addEventListener("storage", (event) => {
  if (!SessionGuard || (event.key !== RECORD_KEY && event.key !== null)) return;
  const rec = readRecord();
  if (!rec) return; // signed out there: the guard itself tells us
  if (session && rec.startedAt === session.startedAt) {
    if (rec.rememberMe !== session.rememberMe) {
      session.rememberMe = rec.rememberMe;
      log("note", "Remember me", `switched ${rec.rememberMe ? "on" : "off"} in another tab`);
      render();
    }
    return;
  }
  // A new sign-in elsewhere: follow it, with its settings.
  stopGuard();
  log("note", "Following another tab", "it signed in again or applied new settings");
  try {
    startGuard(rec);
  } catch (err) {
    showSettingsError(err instanceof Error ? err.message : String(err));
    return;
  }
  showSettingsError("");
  showSettings(rec.settings);
});

// ---------------------------------------------------------------- start

async function main() {
  let mod;
  try {
    mod = await import("../pkg/session_guard.js");
  } catch (err) {
    console.error(err);
    showUnavailable(
      "The session-guard build was not found at ../pkg/session_guard.js. " +
        "Run `npm run build` (or `npm start`) and reload this page.",
    );
    return;
  }
  try {
    await mod.default();
  } catch (err) {
    console.error(err);
    showUnavailable(`The session-guard WebAssembly module failed to start: ${err?.message ?? err}`);
    return;
  }
  SessionGuard = mod.SessionGuard;
  setInterval(render, TICK_MS);

  // URL first (the other-tab link carries it), then the stored sign-in, then defaults.
  const rec = readRecord();
  const settings = settingsFromUrl() ?? rec?.settings ?? { ...DEFAULT_SETTINGS };
  showSettings(settings);

  // Reuse the stored sign-in time so a reload or a second tab joins the same
  // session; without one, this visit is a fresh sign-in.
  const startedAt = rec ? rec.startedAt : Date.now();
  const rememberMe = rec ? rec.rememberMe : false;
  log("note", rec ? "Resuming sign-in" : "Signed in", `session started ${clock(startedAt)}`);
  try {
    startGuard({ settings, startedAt, rememberMe });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    showSettingsError(message);
    log("note", "new SessionGuard() threw", message);
    el.state.textContent = "not started";
    el.state.dataset.state = "none";
    return;
  }
  if (!rec) writeRecord();
}

main();
