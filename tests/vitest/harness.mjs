// What the Vitest tests share: setup() gives each test empty storage and
// real timers again after it, settle() lets the wasm load and a guard start,
// and the listener counter of every test layer (tests/common/listeners.js)
// tells how many guards listen and that none leaves anything behind.
import { afterEach, beforeEach, vi } from "vitest";
import { countListeners, guardCount } from "../common/listeners.js";

/** The fake clock's start: 2030-01-07 09:00 UTC. */
export const T0 = Date.UTC(2030, 0, 7, 9);

/** Lets the wasm load and a guard start (real time). */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

let counter;

/** Registers the file's hooks: storage cleared and the listeners counted from each test's start; real timers after it. */
export function setup() {
  beforeEach(() => {
    localStorage.clear();
    counter = countListeners();
  });
  afterEach(() => {
    counter.uninstall();
    vi.useRealTimers();
  });
}

/** How many guards listen (see guardCount). */
export function guards() {
  return guardCount(counter.listeners());
}

/** Everything registered on document or window, and the number of open channels. */
export function leftOver() {
  return {
    listeners: counter
      .listeners()
      .filter((e) => e.on === "document" || e.on === "window")
      .map((e) => e.type),
    channels: counter.openChannels().length,
  };
}
