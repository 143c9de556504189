// Shared harness of the end-to-end tests: one system Chromium per test file,
// the repository served by scripts/serve.mjs, and helpers to open fixture
// pages whose browser context shares Playwright's fake clock.
//
//   import { setup, makeGuard, run, expectLog } from "./harness.mjs";
//   const h = setup();                         // registers before/after hooks
//   test("...", async (t) => {
//     const s = await h.session({ pages: 2 });  // clock installed and paused at T0
//     t.after(() => s.close());
//     await makeGuard(s.pages[0], { idleTimeoutMs: 60_000 });
//     await run(s, 60_000);                     // fake time, then a little real time
//     await expectLog(s.pages[0], "onSignOut", 1);
//   });
//
// The guard may answer some events asynchronously (real browser promises), so
// positive expectations poll in real time (expectLog, expectInspect, propagate)
// and negative ones let real time settle first (expectNoLog).

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LAUNCH_ARGS, findBrowser } from "../../scripts/browser.mjs";
import { startServer } from "../../scripts/serve.mjs";

// A CommonJS require honours NODE_PATH as well as the repository's node_modules.
const require = createRequire(import.meta.url);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURE = "/tests/e2e/fixture.html";

/** A fixed, whole-second wall-clock start for the fake clock: 2030-01-07 09:00:00 UTC. */
export const T0 = Date.UTC(2030, 0, 7, 9, 0, 0);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export { LAUNCH_ARGS, findBrowser };

function loadPlaywright() {
  try {
    return require("playwright-core");
  } catch (err) {
    throw new Error(
      `playwright-core is not installed (${err.message}); run npm install (it is a devDependency).`,
    );
  }
}

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

/**
 * Registers before/after hooks for one test file: a browser and a server shared by
 * the file's tests. Returns an object whose members are ready once `before` ran.
 */
export function setup() {
  const h = {
    browser: undefined,
    server: undefined,
    url: undefined,
    sessions: new Set(),
    /** Opens a browser context with the fake clock; see openSession. */
    session: (options) => openSession(h, options),
  };

  before(async () => {
    const executablePath = findBrowser();
    const { chromium } = loadPlaywright();
    h.server = await startServer({ root: ROOT, port: 0, host: "127.0.0.1" });
    h.url = h.server.url;
    h.browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
  });

  after(async () => {
    for (const s of h.sessions) await s.close().catch(() => {});
    if (h.browser) await h.browser.close().catch(() => {});
    if (h.server) await h.server.close().catch(() => {});
  });

  return h;
}

/**
 * Opens a browser context whose pages share one fake clock (installed on the
 * context before any navigation), then `pages` fixture pages in it.
 *
 * options:
 *   time       wall-clock ms the fake clock starts at (default T0)
 *   pages      how many fixture pages to open at once (default 1)
 *   fakeClock  false for real time (default true)
 *   paused     keep the fake clock paused, so only runFor/fastForward move it (default true)
 *   initScript a function or string added with context.addInitScript before navigation
 */
export async function openSession(h, { time = T0, pages = 1, fakeClock = true, paused = true, initScript } = {}) {
  const context = await h.browser.newContext();
  context.setDefaultTimeout(15_000);
  if (fakeClock) {
    await context.clock.install({ time });
    if (paused) await context.clock.pauseAt(time);
  }
  if (initScript) await context.addInitScript(initScript);

  const s = {
    context,
    clock: context.clock,
    pages: [],
    /** Opens one more fixture page in this context (a new tab). */
    async open(pathname = FIXTURE) {
      const page = await context.newPage();
      watch(page);
      await page.goto(h.url + pathname);
      await ready(page);
      s.pages.push(page);
      return page;
    },
    /** Reloads a fixture page and waits for the package to load again. */
    async reload(page) {
      page.consoleMessages.length = 0;
      page.pageErrors.length = 0;
      await page.reload();
      await ready(page);
      return page;
    },
    /** Closes one page (a tab), running its unload handlers. */
    async closePage(page) {
      await page.close({ runBeforeUnload: false });
      s.pages = s.pages.filter((p) => p !== page);
    },
    guard: (page, options, hooks) => makeGuard(page, options, hooks),
    async close() {
      h.sessions.delete(s);
      await context.close().catch(() => {});
    },
  };
  h.sessions.add(s);
  for (let i = 0; i < pages; i++) await s.open();
  return s;
}

function watch(page) {
  page.consoleMessages = [];
  page.pageErrors = [];
  page.on("console", (msg) => page.consoleMessages.push({ type: msg.type(), text: msg.text() }));
  page.on("pageerror", (err) => page.pageErrors.push(String(err?.message ?? err)));
}

async function ready(page) {
  const status = await page.waitForFunction(() => window.ready || window.initError, null, { polling: 10 });
  const value = await status.jsonValue();
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
 * so Chromium dispatches a pointermove) and/or a key press.
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
 * Runs the shared fake clock forward by `ms` in steps of at most `step` ms. Playwright
 * moves the pages of a context one after another, so small steps keep the tabs'
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
 * Page-side source of more options (makeGuard's `hooks.options`): an
 * `onKeepAlive` recorded in window.log, which then returns the value of the
 * page-side expression `returns` (a Promise that never settles: a hung call).
 */
export const recordKeepAlive = (returns = "undefined") =>
  `({ onKeepAlive: (e) => { window.record("onKeepAlive", window.guards.length - 1, e); return ${returns}; } })`;

export { assert };
