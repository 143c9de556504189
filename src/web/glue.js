// The bottom layer of the browser shell: the few things it does in JS, each a
// function that cannot throw, so no JS exception ever unwinds through a wasm
// frame. Bundled into
// pkg/session_guard.js by scripts/build.sh; its Rust face is glue.rs.
//
// Everything that comes back to the guard later (an event, a lock's answer, a
// settled keep-alive, a microtask) goes through one JS function, the guard's
// port: `port(code, value)`, with the codes of glue.rs's `Code`.
//
// A function here that can fail returns the message of its Error rather than
// throwing it: an import declared `catch` that returns a value leaves one slot
// of wasm-bindgen's table of JS values behind each time it throws.

// ------------------------------------------------------------------ values

/** `String(v)`, and when that throws (no `toString`, one that throws, a revoked Proxy) what still can be said. */
export function text(v) {
  try {
    return String(v);
  } catch {}
  try {
    return Object.prototype.toString.call(v);
  } catch {}
  return "[" + typeof v + "]";
}

/** How a message shows a value: a string in quotes, an array as JSON (so `null` shows), else as `text`. */
function describe(v) {
  try {
    if (typeof v === "string") return '"' + v + '"';
    if (Array.isArray(v)) return JSON.stringify(v);
  } catch {}
  return text(v);
}

/** The message of a refused option: `session-guard: <name> <problem> (got <value>)`. */
function message(name, problem, value) {
  return "session-guard: " + name + " " + problem + " (got " + describe(value) + ")";
}

/** The message of an option (or a field) that threw when read. */
function unreadable(name, e) {
  return "session-guard: " + name + " could not be read (reading it threw " + text(e) + ")";
}

/** The JS Error of a refused option, naming it and showing its value. */
export function refuse(name, problem, value) {
  return new Error(message(name, problem, value));
}

/** A JS Error with this message. */
export function error(message) {
  return new Error(message);
}

/** What a type letter of `read` wants: n a number, b true or false, f a function. */
const TYPES = { n: ["number", "must be a number"], b: ["boolean", "must be true or false"], f: ["function", "must be a function"] };

/**
 * Reads the options object for the option `names` (comma-separated), each
 * of the type its letter in `kinds` says (`TYPES`, or t an EventTarget; e,
 * the events, and s, the key, are the rules' to check). Returns the values
 * by position (`undefined`: not given) and after them a copy of `events`
 * (empty if it is no array of strings); or the message of the Error to throw for an
 * unknown option, a value of the wrong type, or an option whose getter (or
 * Proxy) throws.
 */
export function read(o, names, kinds) {
  let name = "options";
  try {
    if (typeof o !== "object" || o === null) return message(name, "must be an object with at least onSignOut", o);
    const known = names.split(",");
    const unknown = [];
    for (name of Object.keys(o)) {
      if (!known.includes(name)) unknown.push(message(name, "is not a known option", o[name]));
    }
    if (unknown.length) return unknown.join("; ");
    const values = [];
    let events;
    for (let i = 0; i < known.length; i++) {
      name = known[i];
      const v = o[name];
      const kind = kinds[i];
      const type = TYPES[kind];
      if (v !== undefined && (type ? typeof v !== type[0] : kind === "t" && !target(v))) {
        return message(name, type ? type[1] : "must be an EventTarget", v);
      }
      if (kind === "e" && v !== undefined) events = strings(v) || [];
      values.push(v);
    }
    values.push(events);
    return values;
  } catch (e) {
    return unreadable(name, e);
  }
}

function target(v) {
  try {
    return v instanceof EventTarget;
  } catch {
    return false;
  }
}

/** A copy of `v` when it is an array of strings (a later change to it changes nothing), else `undefined`. */
function strings(v) {
  try {
    if (!Array.isArray(v)) return;
    const out = [];
    for (let i = 0, n = v.length; i < n; i++) {
      const t = v[i];
      if (typeof t !== "string") return;
      out.push(t);
    }
    return out;
  } catch {}
}

/**
 * The numbers of `sync()`'s argument (or of what `onKeepAlive` resolved
 * to): `[expiresAt, idleExpiresAt, now]`, `undefined` for one not given
 * (`null` or `undefined`) and `NaN` for one that is no number, which the
 * rule refuses; or the message of the Error to throw when `o` is no object
 * or a field cannot be read.
 */
export function deadlines(o) {
  if (typeof o !== "object" || o === null) {
    return "session-guard: sync() takes an object { expiresAt, idleExpiresAt, now } of epoch ms";
  }
  let name;
  try {
    return ["expiresAt", "idleExpiresAt", "now"].map((field) => {
      const v = o[(name = field)];
      return v == null ? undefined : typeof v === "number" ? v : NaN;
    });
  } catch (e) {
    return unreadable("sync() " + name, e);
  }
}

/** Calls `f(arg)`: `undefined`, or `[what it threw]`. */
export function call(f, arg) {
  try {
    f(arg);
  } catch (e) {
    return [e];
  }
}

/** Calls `onError` (else `console.error`) with `e`; what either throws goes to the console, or nowhere. */
export function report(onError, e) {
  try {
    if (onError) return void onError(e);
  } catch (thrown) {
    e = thrown;
  }
  try {
    console.error(e);
  } catch {}
}

// ------------------------------------------------------------------ events

/** The contract's names of the core's `State` and `Reason` (after an empty one: 0 is none), in the enums' order (`tests/docs.rs` holds them to it). */
const STATES = ["active", "warning", "paused", "signedOut"];
const REASONS = ["", "idle", "absolute", "manual", "closed"];

/** `state()`'s name of the core's `State` `i`. */
export function stateName(i) {
  return STATES[i];
}

/**
 * The object a callback receives: `onSignOut` (kind 0: `{ reason, at,
 * remote }`, and `restored: true` with bit 2 of `flags`), `onWarning` (1:
 * `{ reason, remainingMs, expiresAt }`), `onActivity` (2: `{ at, remote }`)
 * or `onKeepAlive` (3: `{ lastActivity }`); `remote` is bit 1 of `flags`,
 * `reason` a number of `REASONS`.
 */
export function event(kind, r, a, b, flags) {
  const remote = !!(flags & 1);
  const reason = REASONS[r];
  return kind === 0
    ? flags & 2
      ? { reason, at: a, remote, restored: true }
      : { reason, at: a, remote }
    : kind === 1
      ? { reason, remainingMs: a, expiresAt: b }
      : kind === 2
        ? { at: a, remote }
        : { lastActivity: a };
}

/** `snapshot()`'s object: a time of -1 is `null`, and an end that nothing sets is `Infinity`; the state and the reasons are numbers of `STATES` and `REASONS` (0: no warning, no end), the two flags 0 or 1. */
export function snapshot(state, startedAt, lastActivity, rememberMe, idle, idleAt, absoluteAt, serverAt, serverIdleAt, expiresAt, remainingMs, warned, warnedAt, held, ended, endedAt) {
  const time = (t) => (t < 0 ? null : t);
  const endless = (t) => (t < 0 ? Infinity : t);
  return {
    state: STATES[state],
    startedAt,
    lastActivity,
    rememberMe: !!rememberMe,
    idleWindowMs: time(idle),
    idleExpiresAt: time(idleAt),
    absoluteExpiresAt: time(absoluteAt),
    serverExpiresAt: time(serverAt),
    serverIdleExpiresAt: time(serverIdleAt),
    expiresAt: endless(expiresAt),
    remainingMs: endless(remainingMs),
    warning: warned ? { reason: REASONS[warned], expiresAt: warnedAt } : null,
    held: !!held,
    signedOut: ended ? { reason: REASONS[ended], at: endedAt } : null,
  };
}

// ------------------------------------------------------------------ the port

/**
 * The guard's port: calls `f(code, value)` until `close(port)`, after which
 * a late answer (a lock, a promise) finds nobody and does nothing. It first
 * calls `f(start)` from a microtask: after the call that made it (the
 * constructor), before any other task.
 */
export function port(f, start) {
  const p = (code, value) => p.f && p.f(code, value);
  p.f = f;
  Promise.resolve().then(() => p(start));
  return p;
}

export function close(p) {
  p.f = null;
}

/**
 * Calls `onKeepAlive(event)` and hands what it gives, once settled, to
 * `port(code, value)` (an object: the server's deadlines; anything else as
 * `undefined`), or what it threw or rejected with to `port(code + 1, e)`;
 * always from a promise reaction, never from inside this call.
 */
export function keepAlive(f, event, p, code) {
  (async () => f(event))().then(
    (v) => p(code, typeof v === "object" && v !== null ? v : undefined),
    (e) => p(code + 1, e),
  );
}

// ------------------------------------------------------------------ the page

/** The default target, `document`, if there is one. */
export function doc() {
  return typeof document === "object" && document !== null ? document : undefined;
}

const win = () => (typeof window === "object" ? window : null);

/** Adds `f` for each of `types` (passive; in the capture phase if said); returns what removes them. */
function on(target, types, f, capture) {
  for (const type of types) {
    try {
      target.addEventListener(type, f, { capture, passive: true });
    } catch {}
  }
  return () => {
    for (const type of types) {
      try {
        target.removeEventListener(type, f, capture);
      } catch {}
    }
  };
}

/**
 * One listener for each of `types` (or, when `undefined`, of the
 * comma-separated `defaults`) on `target` (the activity events, in the
 * capture phase). An event that counts (trusted, or any with `synthetic`)
 * before the handle's `q` (epoch ms, set by the guard) only records its time
 * in `t`, which the guard takes before anything else it does; any other goes
 * to `port(code)`. A type the target refuses is skipped.
 */
export function listen(target, types, defaults, synthetic, p, code) {
  const h = { q: 0, t: 0 };
  h.stop = on(
    target,
    types || defaults.split(","),
    (e) => {
      if (synthetic || e.isTrusted) {
        const now = Date.now();
        if (now >= h.q) p(code);
        else if (now > h.t) h.t = now;
      }
    },
    true,
  );
  return h;
}

/**
 * The page's comings and goings, and the other tabs' writes: focus and
 * `visibilitychange` go to `port(code)`; with `crossTab`, `pagehide` to
 * `port(code + 1, persisted)` and a `storage` event for `key` (or a
 * `clear()`) to `port(code + 2, newValue)`. `pageshow` is `shown()`'s.
 */
export function page(p, code, crossTab, key) {
  const w = win();
  const d = doc();
  const stops = [];
  const add = (target, type, f) => target && stops.push(on(target, [type], f, false));
  add(w, "focus", () => p(code));
  add(d, "visibilitychange", () => p(code));
  if (crossTab) {
    add(w, "pagehide", (e) => p(code + 1, !!e.persisted));
    add(w, "storage", (e) => (e.key === null || e.key === key) && p(code + 2, e.newValue));
  }
  return { stop: () => stops.forEach((stop) => stop()) };
}

/** The guard's one timer: `port(code, setFor)` after `delay` ms, until `stop()`. */
export function timer(p, code, delay, setFor) {
  const id = setTimeout(() => p(code, setFor), delay);
  return { stop: () => clearTimeout(id) };
}

/** `pageshow` (the one listener a guard keeps after the end): `port(code, persisted)`. */
export function shown(p, code) {
  const w = win();
  return { stop: w ? on(w, ["pageshow"], (e) => p(code, !!e.persisted), false) : () => {} };
}

// ------------------------------------------------------------------ storage and channel

/** `localStorage[key]`: its text, `undefined` when there is none (or no storage), or `[what storage threw]`. */
export function load(key) {
  try {
    const s = globalThis.localStorage;
    const v = s ? s.getItem(key) : null;
    return typeof v === "string" ? v : undefined;
  } catch (e) {
    return [e];
  }
}

/** Stores `value` at `localStorage[key]`: `undefined`, or `[what storage threw]`. */
export function save(key, value) {
  try {
    const s = globalThis.localStorage;
    if (s) s.setItem(key, value);
  } catch (e) {
    return [e];
  }
}

/**
 * The session's BroadcastChannel, or `undefined` where there is none: its
 * messages go to `port(code, data)` (data that is no string as `""`, which
 * the guard rejects). `close()` and `open()` again for the back-forward
 * cache (a cached page with an open channel is evicted by any message).
 */
export function channel(name, p, code) {
  if (typeof BroadcastChannel !== "function") return;
  const f = (e) => p(code, typeof e.data === "string" ? e.data : "");
  let b;
  const c = {
    open() {
      try {
        if (!b) {
          b = new BroadcastChannel(name);
          b.addEventListener("message", f);
        }
      } catch {}
    },
    close() {
      try {
        b.removeEventListener("message", f);
        b.close();
      } catch {}
      b = null;
    },
    post(text) {
      try {
        b.postMessage(text);
      } catch {}
    },
  };
  c.open();
  return c;
}

// ------------------------------------------------------------------ Web Locks

/**
 * The session's Web Locks, or `undefined` where there are none: the names
 * are "session-guard:" + hold, presence or keep-alive + ":" + `key` (Web
 * Locks reserve names that start with "-", and the prefix keeps the guard's
 * locks apart from the page's own). Every request carries the set's signal,
 * and `unlock(set)` aborts them all: no answer comes after it.
 */
export function locks(key) {
  const name = (what) => "session-guard:" + what + ":" + key;
  try {
    const m = navigator.locks;
    if (m && typeof m.request === "function") {
      return { m, a: new AbortController(), hold: name("hold"), presence: name("presence"), keepAlive: name("keep-alive") };
    }
  } catch {}
}

/** Aborts every request of the set; no answer comes after it. */
export function unlock(l) {
  l.dead = true;
  try {
    l.a.abort();
  } catch {}
}

/**
 * Runs `f` and hands what it gives, once settled, to `port(code, value)`,
 * or what it threw or rejected with to `port(code + 1, error)`; always from
 * a promise reaction, and never once the set is dropped.
 */
function answer(l, p, code, f) {
  (async () => f())().then(
    (v) => l.dead || p(code, v),
    (e) => l.dead || p(code + 1, e),
  );
}

/**
 * Takes a lock of the set (`what`: 0 the hold or 1 the presence, shared; 2
 * the keep-alive, exclusive and only if no tab holds it) and keeps it until
 * `release(handle)`.
 * Answers `port(code, true)` once granted, `port(code, false)` when another
 * tab has the keep-alive lock, `port(code + 1, error)` when the request
 * fails; with `code` 0, nothing.
 */
export function take(l, what, p, code) {
  const h = {};
  (async () =>
    l.m.request([l.hold, l.presence, l.keepAlive][what], what > 1 ? { ifAvailable: true } : { mode: "shared", signal: l.a.signal }, (lock) => {
      if (h.done || l.dead) return;
      if (code) p(code, !!lock);
      return lock && new Promise((resolve) => (h.r = resolve));
    }))().catch((e) => code && !h.done && !l.dead && p(code + 1, e));
  return h;
}

/** Lets go of a lock of `take()`, or of its request if it is not granted yet. */
export function release(h) {
  h.done = true;
  h.r?.();
}

/** Waits (an exclusive request that lets go at once) until no tab holds the hold lock: `port(code, true)`, or the failure. */
export function wait(l, p, code) {
  answer(l, p, code, async () => {
    await l.m.request(l.hold, { mode: "exclusive", signal: l.a.signal }, () => {});
    return true;
  });
}

/** Whether the hold lock (bit 1) and the presence lock (bit 2) are held, from one `query()`: `port(code, bits)`, or the failure. */
export function probe(l, p, code) {
  answer(l, p, code, async () => {
    let bits = 0;
    for (const lock of (await l.m.query()).held || []) bits |= lock.name === l.hold ? 1 : lock.name === l.presence ? 2 : 0;
    return bits;
  });
}
