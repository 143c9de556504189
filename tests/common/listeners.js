// The one listener counter of every test layer: the end-to-end tests and the
// apps' (in the page, as an init script: `initScript: countListeners`), the
// Vitest tests (in Node, on happy-dom) and the Rust browser tests (imported
// by tests/browser/mod.rs). It counts what a guard leaves behind: event
// listeners and open BroadcastChannels.
//
// countListeners() must stay self-contained (it is sent to pages as its
// source text): it uses nothing from outside its own body.

/**
 * Wraps `addEventListener`/`removeEventListener` (on the EventTarget
 * prototype, and on the global object where a DOM emulation copies the
 * window's methods onto it) and the BroadcastChannel class, once per global.
 * From then on:
 *   listeners(target?)  the listeners registered now (on `target` alone when
 *                       given), as { on, type, capture, passive }; `on` is
 *                       "window", "document", "channel <name>", "#id" or the
 *                       target's class
 *   openChannels()      the names of the BroadcastChannels not yet closed
 *   uninstall()         puts the wrapped functions back
 * Returns them (also set on the global object as window.listeners and
 * window.openChannels for page.evaluate).
 */
export function countListeners() {
  const g = globalThis;
  if (g.listeners?.counting) return g.listeners.counting;
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const live = [];
  const open = new Set();
  const undo = [];
  const Channel = g.BroadcastChannel;
  const label = (t) => {
    if (t === g) return "window";
    if (typeof document === "object" && t === document) return "document";
    if (typeof Channel === "function" && t instanceof Channel) return `channel ${t.name}`;
    if (t && t.id) return `#${t.id}`;
    return t?.constructor?.name ?? String(t);
  };
  const captureOf = (o) => (typeof o === "boolean" ? o : !!(o && o.capture));
  const find = (target, type, f, capture) =>
    live.findIndex((e) => e.target === target && e.type === type && e.f === f && e.capture === capture);
  /** Wraps `owner`'s methods; `self` is the target for methods bound to it. */
  const wrap = (owner, self) => {
    const add = owner.addEventListener;
    const remove = owner.removeEventListener;
    owner.addEventListener = function (type, f, o) {
      const result = add.call(this, type, f, o);
      const target = self ?? this;
      const capture = captureOf(o);
      const t = String(type);
      if (f && find(target, t, f, capture) < 0) {
        live.push({ target, type: t, f, capture, passive: !!(o && typeof o === "object" && o.passive) });
      }
      return result;
    };
    owner.removeEventListener = function (type, f, o) {
      const result = remove.call(this, type, f, o);
      const i = find(self ?? this, String(type), f, captureOf(o));
      if (i >= 0) live.splice(i, 1);
      return result;
    };
    undo.push(() => Object.assign(owner, { addEventListener: add, removeEventListener: remove }));
  };
  // The prototype that holds the methods: EventTarget's in a browser, the
  // DOM emulation's own class under Node.
  let proto = typeof document === "object" ? document : g.EventTarget.prototype;
  while (!has(proto, "addEventListener")) proto = Object.getPrototypeOf(proto);
  wrap(proto);
  // happy-dom and jsdom copy the window's methods onto Node's global object,
  // bound to their window: those calls never reach the prototype's.
  if (has(g, "addEventListener")) wrap(g, g);
  if (typeof Channel === "function") {
    g.BroadcastChannel = class BroadcastChannel extends Channel {
      constructor(name) {
        super(name);
        open.add(this);
      }
      close() {
        open.delete(this);
        return super.close();
      }
    };
    undo.push(() => (g.BroadcastChannel = Channel));
  }
  const counting = {
    listeners: (target) =>
      live
        .filter((e) => target === undefined || e.target === target)
        .map((e) => ({ on: label(e.target), type: e.type, capture: e.capture, passive: e.passive })),
    openChannels: () => [...open].map((c) => c.name),
    uninstall() {
      for (const f of undo.splice(0).reverse()) f();
      delete g.listeners;
      delete g.openChannels;
    },
  };
  g.listeners = Object.assign(counting.listeners, { counting });
  g.openChannels = counting.openChannels;
  return counting;
}

// What the tests make of the counts.

/** A page's listeners and open channels now (countListeners as its init script; Playwright or puppeteer). */
export function registered(page) {
  return page.evaluate(() => ({ listeners: window.listeners(), channels: window.openChannels() }));
}

/** How many guards listen: each has one pointermove listener on document, in the capture phase. */
export function guardCount(listeners) {
  return listeners.filter((e) => e.on === "document" && e.type === "pointermove" && e.capture).length;
}

/**
 * What `now` holds beyond `base` (both as registered() gives them): the
 * listeners as sorted "on type (capture)" strings, and the channels' names.
 */
export function added(base, now) {
  const key = (e) => `${e.on} ${e.type}${e.capture ? " (capture)" : ""}`;
  const left = base.listeners.map(key);
  const extra = [];
  for (const k of now.listeners.map(key)) {
    const i = left.indexOf(k);
    if (i >= 0) left.splice(i, 1);
    else extra.push(k);
  }
  return { listeners: extra.sort(), channels: now.channels.filter((c) => !base.channels.includes(c)) };
}
