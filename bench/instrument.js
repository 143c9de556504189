// Init script (context.addInitScript) of the "work per event" pages: runs before
// any page script and wraps the calls that cost work beyond the listener itself
// with counters. Only the calls made between start() and stop() are counted.
//
//   window.__benchCounters.start();  ...  const counts = window.__benchCounters.stop();
//   window.__benchCounters.original.setTimeout   // uncounted, for the bench's own pacing
//
// Never used in the timing pages: the wrappers themselves cost time.
(() => {
  const names = ["setTimeout", "setInterval", "clearTimeout", "setItem", "postMessage"];
  const counts = Object.fromEntries(names.map((n) => [n, 0]));
  let on = false;

  const original = {
    setTimeout: window.setTimeout,
    setInterval: window.setInterval,
    clearTimeout: window.clearTimeout,
  };
  // Timers: replaced on window, so callers that look them up at call time
  // (wasm-bindgen's glue) and callers that bind them at load time
  // (react-idle-timer: setTimeout.bind(window)) both go through the counter.
  for (const name of ["setTimeout", "setInterval", "clearTimeout"]) {
    const fn = original[name];
    window[name] = function (...args) {
      if (on) counts[name]++;
      return fn.apply(window, args);
    };
  }
  const wrapMethod = (proto, method, counter) => {
    const fn = proto[method];
    proto[method] = function (...args) {
      if (on) counts[counter]++;
      return fn.apply(this, args);
    };
  };
  wrapMethod(Storage.prototype, "setItem", "setItem");
  wrapMethod(BroadcastChannel.prototype, "postMessage", "postMessage");

  Object.defineProperty(window, "__benchCounters", {
    value: Object.freeze({
      original: Object.freeze({ ...original }),
      start() {
        for (const n of names) counts[n] = 0;
        on = true;
      },
      stop() {
        on = false;
        return { ...counts };
      },
    }),
  });
})();
