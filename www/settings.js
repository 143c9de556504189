// Settings: the timeouts chosen in the demo's form. They are the app's
// configuration, not session state: the form holds them in seconds, the page
// address carries them (so a reload and the other-tab link use them), and the
// last applied ones are kept under the demo's own localStorage key for a visit
// whose address has none. The guard gets them as options in milliseconds and
// validates them itself; nothing here knows what a session does with them.
// The simulated server's idle limit is the server's configuration: it goes to
// server.js, never to the guard.

export const DEFAULT_SETTINGS = Object.freeze({
  idle: "20",
  max: "60",
  warn: "10",
  "remember-period": "40",
  "keep-alive": "10",
  "server-idle": "45",
});

// form field / URL parameter (seconds) -> SessionGuard option (milliseconds)
const FIELDS = [
  ["idle", "idleTimeoutMs"],
  ["max", "maxDurationMs"],
  ["warn", "warnBeforeMs"],
  ["remember-period", "rememberMePeriodMs"],
  ["keep-alive", "keepAliveMs"],
];

// form field / URL parameter (seconds) -> the simulated server's setting (milliseconds)
const SERVER_FIELDS = [["server-idle", "server idle limit"]];

const ALL_FIELDS = [...FIELDS, ...SERVER_FIELDS];

// The demo's configuration only; never the library's key ("session-guard").
const STORE_KEY = "acme-dashboard:settings";

const $ = (id) => document.getElementById(id);

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

/** The SessionGuard options these settings stand for. */
export function optionsFrom(settings) {
  const options = {};
  for (const [field, option] of FIELDS) options[option] = toMs(settings[field]);
  return options;
}

/**
 * The simulated server's configuration these settings stand for:
 * { idleLimitMs } (-1: no idle limit). Throws an Error naming the field when
 * it is not a number of seconds above 0, or -1.
 */
export function serverFrom(settings) {
  const [[field, name]] = SERVER_FIELDS;
  const ms = toMs(settings[field]);
  if (ms !== -1 && !(Number.isSafeInteger(ms) && ms > 0)) {
    throw new Error(`${name}: expected seconds above 0 (whole ms), or -1 for none; got ${JSON.stringify(settings[field])}`);
  }
  return { idleLimitMs: ms };
}

/** A copy holding exactly the known fields as strings, or null when `value` is not settings. */
export function settingsOf(value) {
  if (value === null || typeof value !== "object") return null;
  const out = {};
  for (const [field] of ALL_FIELDS) {
    const v = value[field];
    if (typeof v !== "string" && typeof v !== "number") return null;
    out[field] = String(v);
  }
  return out;
}

export function sameSettings(a, b) {
  return ALL_FIELDS.every(([field]) => a?.[field] === b?.[field]);
}

/** The settings in the page address, filled up with the defaults; null when it has none. */
export function settingsFromUrl() {
  const params = new URLSearchParams(location.search);
  if (!ALL_FIELDS.some(([field]) => params.has(field))) return null;
  const out = { ...DEFAULT_SETTINGS };
  for (const [field] of ALL_FIELDS) if (params.has(field)) out[field] = params.get(field);
  return out;
}

/** The last settings applied in any tab, or null. */
export function storedSettings() {
  try {
    return settingsOf(JSON.parse(localStorage.getItem(STORE_KEY) ?? "null"));
  } catch {
    return null; // storage blocked or garbage: the defaults will do
  }
}

export function storeSettings(settings) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(settings));
  } catch {
    // storage blocked: a visit without settings in its address uses the defaults
  }
}

function urlFor(settings) {
  const url = new URL(location.href);
  for (const [field] of ALL_FIELDS) url.searchParams.set(field, settings[field]);
  url.hash = "";
  return url;
}

/** Puts the settings in the form, the page address and the other-tab link. */
export function showSettings(settings) {
  for (const [field] of ALL_FIELDS) $(field).value = settings[field];
  history.replaceState(history.state, "", urlFor(settings));
  $("open-tab").href = urlFor(settings).href;
}

export function readForm() {
  const out = {};
  for (const [field] of ALL_FIELDS) out[field] = $(field).value;
  return out;
}

export function resetForm() {
  for (const [field] of ALL_FIELDS) $(field).value = DEFAULT_SETTINGS[field];
  showSettingsError("");
}

/** The form field whose option the guard's error message names, if any. */
export function fieldNamedIn(message) {
  let best = null;
  for (const [field, option] of ALL_FIELDS) {
    const at = message.indexOf(option);
    if (at >= 0 && (best === null || at < best.at)) best = { field, at };
  }
  return best ? $(best.field) : null;
}

/** Shows the guard's validation message under the form ("" clears it) and marks the field it names. */
export function showSettingsError(message) {
  for (const [field] of ALL_FIELDS) {
    $(field).removeAttribute("aria-invalid");
    $(field).removeAttribute("aria-errormessage");
  }
  const error = $("settings-error");
  error.textContent = message || "";
  error.hidden = !message;
  const field = message ? fieldNamedIn(message) : null;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-errormessage", "settings-error");
  }
}

/** Moves focus to the field the message names, else the first field. */
export function focusField(message) {
  (fieldNamedIn(message) ?? $(FIELDS[0][0])).focus();
}
