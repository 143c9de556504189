// The one piece of the shell written in JS: DOM listeners, so that the events
// of a burst (a moving pointer fires one per frame) never cross into wasm.
// Bundled into pkg/session_guard.js by scripts/build.sh.

/**
 * Adds one passive listener for each of `types` on `target` and returns a
 * handle whose `stop()` removes them all.
 *
 * `activity` 0: every event goes to `call`. 1 or 2: an activity listener
 * (1: trusted events only, 2: synthetic ones too). An activity event before
 * the handle's `q` (epoch ms, set by the guard) only records its time in
 * `t`, which the guard reads before anything else it does; any other goes
 * to `call`.
 */
export function listen(target, types, capture, activity, call) {
  const handle = { q: 0, t: 0 };
  const f = activity
    ? (e) => {
        if (activity > 1 || e.isTrusted) {
          const now = Date.now();
          if (now >= handle.q) call(e);
          else if (now > handle.t) handle.t = now;
        }
      }
    : call;
  const options = { capture, passive: true };
  // A target that throws (an odd EventTarget subclass) must not leave the
  // guard half-built: that type is skipped.
  for (const type of types) {
    try {
      target.addEventListener(type, f, options);
    } catch {}
  }
  handle.stop = () => {
    for (const type of types) {
      try {
        target.removeEventListener(type, f, capture);
      } catch {}
    }
  };
  return handle;
}
