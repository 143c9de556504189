// session-guard/svelte: sessionGuard(options) is a store (the svelte/store
// contract, so `$session` works in Svelte 4 and 5) that guards the session
// while it has subscribers. It imports nothing from Svelte.

import { ACTIONS, CHECKING, createSession } from "./session.js";

/**
 * A store of the live state, with the actions as methods. The first
 * subscriber starts one guard, in the browser only (server rendering
 * subscribes too: there it stays "checking"); the last one leaving destroys
 * it. Durations are read when it starts; the callbacks always see the options
 * object's latest values.
 */
export function sessionGuard(options) {
  const subscribers = new Set();
  let session = null;
  let value = CHECKING;
  const show = (next) => {
    value = next;
    for (const run of [...subscribers]) run(value);
  };
  const store = {
    subscribe(run) {
      subscribers.add(run);
      run(value);
      if (subscribers.size === 1 && typeof document !== "undefined") {
        session = createSession(() => options);
        session.subscribe(show);
        session.start();
      }
      return () => {
        if (!subscribers.delete(run) || subscribers.size) return;
        session?.stop();
        session = null;
        value = CHECKING;
      };
    },
  };
  for (const k of ACTIONS) {
    store[k] = (...args) => session?.actions[k](...args);
  }
  return store;
}
