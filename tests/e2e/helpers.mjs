// The browser-neutral helpers of the end-to-end tests, shared by the Chromium
// harness (tests/e2e/harness.mjs, Playwright) and the Firefox one
// (tests/firefox/harness.mjs, puppeteer-core over WebDriver BiDi). They only
// use what both page objects offer: page.evaluate(fn, arg), page.mouse.move,
// page.keyboard.press and page.url(); and a session `s` whose `s.clock` runs
// the fake clock of all its pages with `runFor(ms)`.

import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURE = "/tests/e2e/fixture.html";

/** A fixed, whole-second wall-clock start for the fake clock: 2030-01-07 09:00:00 UTC. */
export const T0 = Date.UTC(2030, 0, 7, 9, 0, 0);

/**
 * The contract's default activity events (`events`): not `scroll`, which a
 * page that scrolls itself fires too.
 */
export const DEFAULT_EVENTS = Object.freeze(["pointerdown", "pointermove", "keydown", "wheel", "touchstart"]);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` (sync or async) in real time until it returns a truthy value,
 * and returns that value; throws with `message` after `timeout` ms.
 */
export async function waitUntil(check, { timeout = 5000, interval = 10, message = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message}; last value: ${JSON.stringify(last)}`);
    }
    await sleep(interval);
  }
}

/** Records a page's console messages and uncaught errors in page.consoleMessages and page.pageErrors. */
export function watch(page) {
  page.consoleMessages = [];
  page.pageErrors = [];
  page.on("console", (msg) => page.consoleMessages.push({ type: msg.type(), text: msg.text() }));
  page.on("pageerror", (err) => page.pageErrors.push(String(err?.message ?? err)));
}

/** Waits until the fixture page loaded the package (window.ready), or throws what it reported. */
export async function ready(page, { timeout = 15_000 } = {}) {
  const value = await waitUntil(() => page.evaluate(() => window.ready || window.initError), {
    timeout,
    message: "the fixture page to load the package",
  });
  if (value !== true) throw new Error(`the fixture failed to load the package: ${value}`);
}

/**
 * Makes a guard in `page` with `options` (serialisable values; the recording
 * callbacks are added page-side). `hooks` may hold:
 *   omit: ["onError"]          leave a callback out entirely (no recorder either)
 *   after: "({ onSignOut: (e, g) => g.state() })"
 *                              page-side source of an object of functions, each run
 *                              after the matching callback was recorded (g: the guard)
 *   options: "({ target: document.getElementById('field') })"
 *                              page-side source of more options (values that cannot
 *                              cross from node, e.g. DOM nodes or functions)
 * Returns the guard index; throws if construction threw.
 */
export async function makeGuard(page, options = {}, hooks = {}) {
  const result = await tryGuard(page, options, hooks);
  if (!result.ok) throw new Error(`new SessionGuard(${JSON.stringify(options)}) threw: ${result.error}`);
  return result.index;
}

/** Like makeGuard, but returns { ok, index } or { ok: false, error, isError, name } instead of throwing. */
export async function tryGuard(page, options = {}, hooks = {}) {
  return page.evaluate(
    ({ options, omit, after, extra }) => {
      const evaluate = (source) => (0, eval)(`(${source})`);
      const afterFns = after ? evaluate(after) : {};
      const all = extra ? { ...options, ...evaluate(extra) } : options;
      return window.makeGuard(all, { omit, after: afterFns });
    },
    { options, omit: hooks.omit ?? [], after: hooks.after ?? null, extra: hooks.options ?? null },
  );
}

/** The callback log of a page, optionally only one callback type ("onSignOut", ...). */
export async function logOf(page, type) {
  const log = await page.evaluate(() => window.log);
  return type ? log.filter((e) => e.type === type) : log;
}

/** state(), remainingMs(), expiresAt() and Date.now() of guard `g` (default: the latest). */
export async function inspect(page, g) {
  return page.evaluate((g) => window.inspect(g ?? window.guards.length - 1), g ?? null);
}

/** Calls a method of the latest guard of `page` and returns its result. */
export async function call(page, method, ...args) {
  return callOn(page, -1, method, ...args);
}

/** Calls a method of guard number `g` of `page` (-1: the latest) and returns its result. */
export async function callOn(page, g, method, ...args) {
  return page.evaluate(
    ({ g, method, args }) => {
      const guard = g < 0 ? window.guard : window.guards[g];
      return guard[method](...args);
    },
    { g, method, args },
  );
}

/** Page-side Date.now() (the fake clock). */
export async function now(page) {
  return page.evaluate(() => Date.now());
}

/**
 * Trusted user input: a real mouse move over the page (distinct points each time,
 * so the browser dispatches a pointermove) and/or a key press.
 */
let mouseStep = 0;
export async function moveMouse(page) {
  mouseStep = (mouseStep + 1) % 50;
  await page.mouse.move(100 + mouseStep * 3, 200 + (mouseStep % 7) * 5);
}

export async function pressKey(page, key = "Shift") {
  await page.keyboard.press(key);
}

/**
 * Runs the shared fake clock forward by `ms` in steps of at most `step` ms. Both
 * harnesses move the pages of a session one after another, so small steps keep the tabs'
 * clocks close together (a cross-tab message never comes from far in the future).
 */
export async function advance(s, ms, { step = ms } = {}) {
  let left = ms;
  while (left > 0) {
    const d = Math.min(step, left);
    await s.clock.runFor(d);
    left -= d;
  }
}

/**
 * Waits for a cross-tab effect: polls `check` in real time, and while it is false
 * lets the fake clock run in `tick` ms steps up to `fakeBudget` ms in all (timers
 * an implementation may use to deliver), then keeps polling real time only, up to
 * `timeout` ms of real time. Returns the value of `check`, or throws.
 */
export async function propagate(s, check, { fakeBudget = 100, tick = 10, timeout = 3000, message = "a cross-tab effect" } = {}) {
  const deadline = Date.now() + timeout;
  let spent = 0;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${message} (fake time spent: ${spent} ms); last value: ${JSON.stringify(last)}`);
    }
    if (spent < fakeBudget && s.clock) {
      const d = Math.min(tick, fakeBudget - spent);
      await s.clock.runFor(d);
      spent += d;
    }
    await sleep(10);
  }
}

/**
 * Opens a session of `pages` fixture pages with the harness `h` (the other
 * `options` as its openSession takes them) and closes it when the test `t`
 * ends. Each harness offers it as `h.tabs(t, pages, options)`.
 */
export async function tabs(h, t, pages = 1, options = {}) {
  const s = await h.session({ pages, ...options });
  t.after(() => s.close());
  return s;
}

/**
 * Lets real (not fake) time pass: cross-tab deliveries, and browser APIs that
 * answer asynchronously (an implementation may ask the browser something before
 * it acts), land in real time even while the fake clock stands still.
 */
export const SETTLE_MS = 40;
export async function settle(ms = SETTLE_MS) {
  await sleep(ms);
}

/** Runs the fake clock by `ms` (see advance), then lets real time settle. */
export async function run(s, ms, options) {
  await advance(s, ms, options);
  await settle();
}

/**
 * Waits (real time, up to `timeout`) until `page` logged at least `count` calls of
 * `type`, lets real time settle, then asserts exactly `count` and returns them.
 */
export async function expectLog(page, type, count = 1, { timeout = 3000 } = {}) {
  await waitUntil(async () => (await logOf(page, type)).length >= count, {
    timeout,
    message: `${count} × ${type}`,
  }).catch(async (err) => {
    assert.fail(`${err.message}; log: ${JSON.stringify(await logOf(page))}`);
  });
  await settle();
  const entries = await logOf(page, type);
  assert.equal(entries.length, count, `expected exactly ${count} × ${type}, got ${JSON.stringify(entries)}`);
  return entries;
}

/** Lets real time settle, then asserts that `page` logged no call of `type`. */
export async function expectNoLog(page, type, why = "") {
  await settle();
  const entries = await logOf(page, type);
  assert.deepEqual(entries, [], `no ${type} expected${why ? ` ${why}` : ""}`);
}

/**
 * Waits (real time, up to `timeout`) until inspect(page, g) matches every key of
 * `expected`, then asserts it (so a failure shows the last value seen, after
 * `message` when one is given).
 */
export async function expectInspect(page, expected, { g, timeout = 3000, message } = {}) {
  let last;
  const matches = (v) => Object.keys(expected).every((k) => Object.is(v[k], expected[k]));
  try {
    await waitUntil(async () => matches((last = await inspect(page, g))), { timeout, message: JSON.stringify(expected) });
  } catch {
    // fall through to the assertion, which reports the difference
  }
  const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, last[k]]));
  const seen = `: expected ${JSON.stringify(expected)}, got ${JSON.stringify(picked)} (now ${last.now})`;
  assert.deepEqual(picked, expected, message && message + seen);
  return last;
}

/**
 * Fake-clock step where the order of events between tabs matters: Playwright
 * runs the timers of every page of a context for one `runFor` before any page
 * handles another tab's message, so small steps give cross-tab deliveries (real
 * browser tasks) a real-time turn between 10 ms of fake time.
 */
export const TAB_STEP = 10;

/** Runs the shared clock to T0 + `at` (read in `page`) in `step` ms steps, never backwards. */
export async function runTo(s, page, at, step = TAB_STEP) {
  const left = T0 + at - (await now(page));
  assert.ok(left >= 0, `the clock is already past T0+${at}`);
  if (left > 0) await advance(s, left, { step });
}

/** Every onSignOut of `pages`, as { tab, reason, at, remote, calledAt } (calledAt relative to T0). */
export async function ends(pages) {
  const out = [];
  for (const [i, page] of pages.entries()) {
    for (const e of await logOf(page, "onSignOut")) out.push({ tab: i, ...e.event, calledAt: e.now - T0 });
  }
  return out;
}

/** Asserts that no page of `pages` has signed out (after real time settled). */
export async function expectNoEnd(pages, when) {
  await settle(100);
  const seen = await ends(pages);
  assert.deepEqual(
    seen.map((e) => ({ tab: e.tab, reason: e.reason, at: e.at - T0, remote: e.remote })),
    [],
    `no tab may sign out ${when}`,
  );
}

/**
 * Waits until every page signed out once (letting the fake clock run up to
 * `fakeBudget` ms in TAB_STEP steps meanwhile); returns their events, `at`
 * relative to T0.
 */
export async function expectEveryEnd(s, pages, { fakeBudget = 100 } = {}) {
  await propagate(
    s,
    async () => {
      for (const page of pages) if ((await logOf(page, "onSignOut")).length === 0) return false;
      return true;
    },
    { fakeBudget, tick: TAB_STEP, message: "onSignOut in every tab" },
  );
  await settle(100);
  const seen = await ends(pages);
  for (const [i] of pages.entries()) {
    assert.equal(seen.filter((e) => e.tab === i).length, 1, `exactly one onSignOut in tab ${i}: ${JSON.stringify(seen)}`);
  }
  return seen.map((e) => ({ ...e, at: e.at - T0 }));
}

/**
 * Init scripts (a session's `initScript`) for browsers without a feature the
 * guard uses: no BroadcastChannel (news through the `storage` event only), no
 * Web Locks (navigator.locks undefined).
 */
export const NO_CHANNEL = () => {
  delete window.BroadcastChannel;
};
export const NO_LOCKS = () => {
  Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });
};

/**
 * Page-side source of more options (makeGuard's `hooks.options`): an
 * `onKeepAlive` recorded in window.log, which then returns the value of the
 * page-side expression `returns` (a Promise that never settles: a hung call).
 */
export const recordKeepAlive = (returns = "undefined") =>
  `({ onKeepAlive: (e) => { window.record("onKeepAlive", window.guards.length - 1, e); return ${returns}; } })`;

export { assert };
