// Page-side counters for the end-to-end tests, added with
// context.addInitScript (h.session({ initScript })) so that they wrap the
// browser's APIs before the package loads.

/**
 * Page side, before any other script: `window.listeners()` lists the listeners
 * registered now, as { on, type, capture, passive } (`on`: "window",
 * "document", "channel <name>", "#id" or the target's class), and
 * `window.openChannels()` the names of the BroadcastChannels not yet closed.
 */
export function countListeners() {
  const live = [];
  const label = (t) => {
    if (t === window) return "window";
    if (t === document) return "document";
    if (typeof BroadcastChannel === "function" && t instanceof BroadcastChannel) return `channel ${t.name}`;
    if (t && t.id) return `#${t.id}`;
    return t?.constructor?.name ?? String(t);
  };
  const captureOf = (o) => (typeof o === "boolean" ? o : !!(o && o.capture));
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, f, o) {
    const result = add.call(this, type, f, o);
    const capture = captureOf(o);
    const t = String(type);
    if (f && !live.some((e) => e.target === this && e.type === t && e.f === f && e.capture === capture)) {
      live.push({ target: this, type: t, f, capture, passive: !!(o && typeof o === "object" && o.passive) });
    }
    return result;
  };
  EventTarget.prototype.removeEventListener = function (type, f, o) {
    const result = remove.call(this, type, f, o);
    const capture = captureOf(o);
    const t = String(type);
    const i = live.findIndex((e) => e.target === this && e.type === t && e.f === f && e.capture === capture);
    if (i >= 0) live.splice(i, 1);
    return result;
  };
  const channels = new Set();
  const Channel = window.BroadcastChannel;
  if (typeof Channel === "function") {
    window.BroadcastChannel = class BroadcastChannel extends Channel {
      constructor(name) {
        super(name);
        channels.add(this);
      }
      close() {
        channels.delete(this);
        return super.close();
      }
    };
  }
  window.listeners = () =>
    live.map((e) => ({ on: label(e.target), type: e.type, capture: e.capture, passive: e.passive }));
  window.openChannels = () => [...channels].map((c) => c.name);
}

/**
 * Page side, before the package loads: counts localStorage.setItem calls for
 * the session's key and postMessage calls on its BroadcastChannel, each with
 * the fake time it happened at.
 */
export function countWrites() {
  const key = "session-guard";
  const writes = [];
  const posts = [];
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    if (this === window.localStorage && String(k) === key) writes.push(Date.now());
    return setItem.call(this, k, v);
  };
  const postMessage = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (m) {
    if (this.name === key) posts.push(Date.now());
    return postMessage.call(this, m);
  };
  window.sessionIo = () => ({ writes: [...writes], posts: [...posts] });
}
