// Page side of the end-to-end tests.
//
// Loads the built package (import init, { SessionGuard } from "/pkg/session_guard.js";
// await init()), then exposes on `window`:
//   window.SessionGuard         the class itself, for tests that build options by hand
//   window.log                  every callback call: { type, g, event, now }
//   window.guards / window.guard   the guards made by makeGuard (latest in window.guard)
//   window.makeGuard(options, hooks) -> { ok: true, index } | { ok: false, error, name }
//   window.ready = true         once init() has resolved (window.initError if it failed)
//
// makeGuard adds a recording onSignOut / onWarning / onActivity / onError unless
// `options` already has that key (so validation tests can pass bad values) or the
// name is listed in hooks.omit. hooks.after maps a callback name to a page-side
// function run after the call was recorded (`(event, guard) => ...`); what it
// throws propagates to the guard, so tests can make a callback throw.
window.log = [];
window.guards = [];
window.guard = undefined;

const CALLBACKS = ["onSignOut", "onWarning", "onActivity", "onError"];

function snapshot(type, value) {
  if (type === "onError") {
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (value && typeof value === "object" && "message" in value) return { message: String(value.message) };
    return { message: String(value) };
  }
  if (value === null || typeof value !== "object") return { value };
  const out = {};
  for (const key of ["reason", "at", "remote", "remainingMs", "expiresAt"]) {
    if (key in value) out[key] = value[key];
  }
  for (const key of Object.keys(value)) {
    if (!(key in out) && typeof value[key] !== "function") out[key] = value[key];
  }
  return out;
}

window.record = (type, g, value) => {
  window.log.push({ type, g, event: snapshot(type, value), now: Date.now() });
};

window.makeGuard = (options = {}, hooks = {}) => {
  const g = window.guards.length;
  const opts = { ...options };
  const omit = new Set(hooks.omit ?? []);
  const after = hooks.after ?? {};
  for (const name of CALLBACKS) {
    if (name in opts || omit.has(name)) continue;
    opts[name] = (value) => {
      window.record(name, g, value);
      if (after[name]) after[name](value, window.guards[g]);
    };
  }
  let guard;
  try {
    guard = new window.SessionGuard(opts);
  } catch (err) {
    window.guards.push(null);
    return {
      ok: false,
      name: err?.name,
      isError: err instanceof Error,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  window.guards.push(guard);
  window.guard = guard;
  return { ok: true, index: g };
};

// Reads the public surface of a guard without throwing.
window.inspect = (g = window.guards.length - 1) => {
  const guard = window.guards[g];
  const read = (f) => {
    try {
      return f();
    } catch (err) {
      return `threw: ${err?.message ?? err}`;
    }
  };
  return {
    state: read(() => guard.state()),
    remainingMs: read(() => guard.remainingMs()),
    expiresAt: read(() => guard.expiresAt()),
    now: Date.now(),
  };
};

// A dynamic import, so that a missing or broken build is reported instead of
// leaving the page silently without its globals.
try {
  const { default: init, SessionGuard } = await import("/pkg/session_guard.js");
  await init();
  window.SessionGuard = SessionGuard;
  window.ready = true;
} catch (err) {
  window.initError = `could not load /pkg/session_guard.js (run npm run build): ${err?.stack ?? err}`;
}
