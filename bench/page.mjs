// Page side of the benchmark (bench/page.html); session-guard is loaded from
// bench/out/pkg/, the copy of pkg/ that bench/run.mjs takes after the build.
// bench/run.mjs drives it with page.evaluate through `window.bench`:
//
//   await bench.setup(kind, options)   install one activity watcher in this page
//   bench.loop(n, type, source)        dispatch n synthetic events on document; ms taken
//   bench.counted(n, type, source)     the same, under the counters of bench/instrument.js
//   await bench.activity(ms, every, type)  one event every `every` ms for `ms` ms of real time
//   bench.arm(key) / bench.signOut() / bench.signedOut()   cross-tab sign-out trials
//
// Each page gets exactly one watcher, so listeners never stack.

const IDLE_MS = 15 * 60_000; // long enough that no watcher ever fires during the bench

const errors = [];
let SessionGuard; // the class, once the package is loaded
let guard; // the guard of the latest cross-tab trial

// `pkg`: the folder under bench/out/ to load it from ("pkg", or "pkg-base" for
// the build compared against, see BENCH_BASELINE in bench/run.mjs).
async function loadSessionGuard(pkg = "pkg") {
  if (!SessionGuard) {
    const m = await import(`/bench/out/${pkg}/session_guard.js`);
    await m.default();
    SessionGuard = m.SessionGuard;
  }
  return SessionGuard;
}

// Two sources of synthetic events for the timed loop:
//   "fresh": `new PointerEvent(type)` for every dispatch, no init dictionary
//            (with one, the constructor alone costs microseconds in Chromium);
//            every event is at (0, 0), i.e. a pointer that did not move.
//   "pool":  1,024 events with distinct coordinates, built before the clock
//            starts and dispatched round-robin: a moving pointer, for watchers
//            that ignore a move without a change of position (idle-timeout).
// Both are untrusted (isTrusted false) and do not bubble; they are dispatched
// on document, where every watcher here listens.
const POOL_SIZE = 1024; // a power of two: i & (POOL_SIZE - 1) picks the next one
const pools = new Map();

function movingEvent(type, i) {
  return new PointerEvent(type, { clientX: i & 1023, clientY: (i * 7) & 511 });
}

function pool(type) {
  if (!pools.has(type)) pools.set(type, Array.from({ length: POOL_SIZE }, (_, i) => movingEvent(type, i)));
  return pools.get(type);
}

function loop(n, type, source = "fresh") {
  if (source === "pool") {
    const events = pool(type);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) document.dispatchEvent(events[i & (POOL_SIZE - 1)]);
    return performance.now() - t0;
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) document.dispatchEvent(new PointerEvent(type));
  return performance.now() - t0;
}

window.bench = {
  /**
   * kind: "none" | "empty" | "react-only" | "session-guard" | "idle-timeout" | "react-idle-timer"
   * options: the watcher's own options (serialisable), merged over the bench defaults.
   */
  async setup(kind, options = {}) {
    switch (kind) {
      case "none":
        break;
      case "empty":
        // The physical floor: one listener that does nothing, registered the
        // way session-guard and react-idle-timer register theirs.
        document.addEventListener("pointermove", () => {}, { capture: true, passive: true });
        break;
      case "react-only": {
        const m = await import("/bench/out/react-only.js");
        await m.mount();
        break;
      }
      case "session-guard": {
        const { pkg, ...rest } = options;
        const SG = await loadSessionGuard(pkg);
        window.guard = new SG({
          idleTimeoutMs: IDLE_MS,
          allowSyntheticEvents: true,
          onSignOut() {},
          onError: (e) => errors.push(String(e?.message ?? e)),
          ...rest,
        });
        break;
      }
      case "idle-timeout": {
        const m = await import("/bench/out/idle-timeout.js");
        window.timer = m.default(() => {}, { timeout: IDLE_MS, element: document, ...options });
        break;
      }
      case "react-idle-timer": {
        const m = await import("/bench/out/react-app.js");
        await m.mount({ timeout: IDLE_MS, ...options });
        break;
      }
      default:
        throw new Error(`unknown kind ${kind}`);
    }
    return { visibilityState: document.visibilityState, hasFocus: document.hasFocus() };
  },

  loop,

  /** loop(), counting only the calls made while it runs (needs bench/instrument.js). */
  counted(n, type, source) {
    window.__benchCounters.start();
    const ms = loop(n, type, source);
    return { ms, counts: window.__benchCounters.stop() };
  },

  /**
   * Constant activity in real time: one event every `every` ms for `duration` ms,
   * each at a new position (a moving pointer), paced with the uninstrumented setTimeout so the driver itself is not counted.
   */
  activity(duration, every, type) {
    const { setTimeout } = window.__benchCounters.original;
    return new Promise((resolve) => {
      let i = 0;
      window.__benchCounters.start();
      const t0 = performance.now();
      const tick = () => {
        const elapsed = performance.now() - t0;
        if (elapsed >= duration) {
          resolve({ events: i, elapsed, counts: window.__benchCounters.stop() });
          return;
        }
        document.dispatchEvent(movingEvent(type, i++));
        setTimeout(tick, every);
      };
      tick();
    });
  },

  /** Cross-tab trials: a fresh guard on `storageKey`; its sign-out time is kept. */
  async arm(storageKey) {
    const SG = await loadSessionGuard();
    window.signedOutAt = null;
    guard = new SG({
      idleTimeoutMs: IDLE_MS,
      storageKey,
      onSignOut: (e) => {
        window.signedOutAt = { at: performance.timeOrigin + performance.now(), remote: e.remote };
      },
      onError: (e) => errors.push(String(e?.message ?? e)),
    });
    return { visibilityState: document.visibilityState, hasFocus: document.hasFocus() };
  },

  /** Signs out this tab's guard; returns the instant just before the call. */
  signOut() {
    const t0 = performance.timeOrigin + performance.now();
    guard.signOut();
    return t0;
  },

  signedOut: () => window.signedOutAt,
  errors: () => errors.slice(),
};
