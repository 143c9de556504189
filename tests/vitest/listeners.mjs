// Counts the listeners registered on document and window (and the open
// BroadcastChannels), to see how many guards run and that none leaks.
import { afterEach, beforeEach } from "vitest";

const live = [];
let channels = 0;

export function countListeners() {
  const undo = [];
  let Channel;
  const capture = (o) => (typeof o === "boolean" ? o : !!o?.capture);
  /** Wraps `owner`'s add/removeEventListener; `as` names the target for bound methods. */
  const wrap = (owner, as) => {
    const add = owner.addEventListener;
    const remove = owner.removeEventListener;
    owner.addEventListener = function (type, f, o) {
      live.push({ target: as ?? this, type, f, capture: capture(o) });
      return add.call(this, type, f, o);
    };
    owner.removeEventListener = function (type, f, o) {
      const target = as ?? this;
      const i = live.findIndex((e) => e.target === target && e.type === type && e.f === f && e.capture === capture(o));
      if (i >= 0) live.splice(i, 1);
      return remove.call(this, type, f, o);
    };
    undo.push(() => Object.assign(owner, { addEventListener: add, removeEventListener: remove }));
  };
  beforeEach(() => {
    live.length = 0;
    channels = 0;
    // The DOM emulation's EventTarget (document's), and the window's methods,
    // which the test environment copies onto the global object as bound functions.
    let proto = document;
    while (!Object.prototype.hasOwnProperty.call(proto, "addEventListener")) proto = Object.getPrototypeOf(proto);
    wrap(proto);
    if (Object.prototype.hasOwnProperty.call(globalThis, "addEventListener")) wrap(globalThis, globalThis);
    Channel = globalThis.BroadcastChannel;
    if (Channel) {
      globalThis.BroadcastChannel = class extends Channel {
        constructor(name) {
          super(name);
          channels++;
        }
        close() {
          channels--;
          return super.close();
        }
      };
    }
  });
  afterEach(() => {
    for (const f of undo.splice(0).reverse()) f();
    if (Channel) globalThis.BroadcastChannel = Channel;
  });
}

/** How many guards listen: their pointermove listeners on document (capture). */
export function guards() {
  return live.filter((e) => e.target === document && e.type === "pointermove" && e.capture).length;
}

/** Everything registered on document or window, and the open channels. */
export function leftOver() {
  return {
    listeners: live.filter((e) => e.target === document || e.target === globalThis).map((e) => e.type),
    channels,
  };
}
