// Harness of the end-to-end tests in Firefox: the system Firefox (ESR) driven
// by puppeteer-core over WebDriver BiDi, one browser per test file, the
// repository served by scripts/serve.mjs, and the same helpers as the Chromium
// harness (tests/e2e/helpers.mjs: makeGuard, run, expectLog, propagate, ...).
//
//   import { setup, makeGuard, run, expectLog } from "./harness.mjs";
//   const h = setup();
//   test("...", async (t) => {
//     const s = await h.tabs(t, 2);             // fake clock at T0, paused; closed after t
//     await makeGuard(s.pages[0], { idleTimeoutMs: 60_000 });
//     await run(s, 60_000);
//     await expectLog(s.pages[0], "onSignOut", 1);
//   });
//
// The fake clock. Playwright's clock drives Chromium only, so each page gets
// @sinonjs/fake-timers, bundled by esbuild and added as a preload script
// (page.evaluateOnNewDocument: it runs before any script of the page, the
// package's glue included). It fakes what Playwright's clock fakes (Date,
// timeouts, intervals, animation and idle callbacks, performance.now) and
// nothing else: microtasks, promises and events stay real. Every page of a
// session starts at the session's current time, and `s.clock.runFor(ms)`
// runs each page's clock in turn (tickAsync, so promise callbacks run between
// timers), as Playwright runs the pages of a context. Time stands still
// between steps.

import { after, before } from "node:test";
import { createRequire } from "node:module";
import { findFirefox } from "../../scripts/browser.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { FIXTURE, ROOT, T0, makeGuard, ready, tabs, watch } from "../e2e/helpers.mjs";

export * from "../e2e/helpers.mjs";
export { findFirefox };

const require = createRequire(import.meta.url);

/** What the page clock fakes: Playwright's list (never queueMicrotask, which the guard relies on). */
const FAKED = [
  "Date",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "performance",
];

let clockBundle;
/** @sinonjs/fake-timers as a script that defines window.__fakeTimers (built once per process). */
export async function fakeTimersSource() {
  clockBundle ??= (async () => {
    const esbuild = require("esbuild");
    const result = await esbuild.build({
      stdin: {
        contents: 'import FakeTimers from "@sinonjs/fake-timers"; window.__fakeTimers = FakeTimers.withGlobal(window);',
        resolveDir: ROOT,
        loader: "js",
      },
      bundle: true,
      format: "iife",
      platform: "browser",
      minify: true,
      // Only reached under Node (`process` defined), never in a page.
      external: ["util"],
      write: false,
      logLevel: "silent",
    });
    return result.outputFiles[0].text;
  })();
  return clockBundle;
}

/** The preload script that installs a paused fake clock at `now` in a page. */
export async function clockScript(now) {
  const options = JSON.stringify({ now, toFake: FAKED, loopLimit: 100_000 });
  return `${await fakeTimersSource()}\nwindow.__clock = window.__fakeTimers.install(${options});`;
}

/** Launches the system Firefox over WebDriver BiDi (headless). */
export async function launchFirefox() {
  const puppeteer = require("puppeteer-core");
  return puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: findFirefox(),
    headless: true,
    // Nothing a closed network would refuse, and no first-run pages.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.reportingpolicy.firstRun": false,
    },
  });
}

/**
 * Registers before/after hooks for one test file: a Firefox and a server shared by
 * the file's tests. Returns an object whose members are ready once `before` ran.
 */
export function setup() {
  const h = {
    browser: undefined,
    server: undefined,
    url: undefined,
    sessions: new Set(),
    /** Opens a browser context (fresh storage) with the fake clock; see openSession. */
    session: (options) => openSession(h, options),
    /** The same with `pages` pages, closed when the test `t` ends; see tabs() in ../e2e/helpers.mjs. */
    tabs: (t, pages, options) => tabs(h, t, pages, options),
  };

  before(async () => {
    await fakeTimersSource();
    h.server = await startServer({ root: ROOT, port: 0, host: "127.0.0.1" });
    h.url = h.server.url;
    h.browser = await launchFirefox();
  });

  after(async () => {
    for (const s of h.sessions) await s.close().catch(() => {});
    if (h.browser) await h.browser.close().catch(() => {});
    if (h.server) await h.server.close().catch(() => {});
  });

  return h;
}

/**
 * Opens a browser context whose pages share one fake clock, then `pages`
 * fixture pages in it.
 *
 * options:
 *   time       wall-clock ms the fake clock starts at (default T0)
 *   pages      how many fixture pages to open at once (default 1)
 *   fakeClock  false for real time (default true)
 *   initScript a function or string run in every page before its scripts
 */
export async function openSession(h, { time = T0, pages = 1, fakeClock = true, initScript } = {}) {
  const context = await h.browser.createBrowserContext();
  const scripts = new Map(); // page -> preload script id of its clock

  /** Registers the clock at the session's current time for the next load of `page`. */
  async function arm(page) {
    if (!s.clock) return;
    if (scripts.has(page)) await page.removeScriptToEvaluateOnNewDocument(scripts.get(page));
    const { identifier } = await page.evaluateOnNewDocument(await clockScript(s.clock.now));
    scripts.set(page, identifier);
  }

  /** Runs `fn(page)` in each open page of the session, one after another. */
  async function each(fn) {
    for (const page of s.pages) await fn(page);
  }

  const s = {
    context,
    pages: [],
    clock: fakeClock && {
      now: time,
      /** Runs every page's clock by `ms`, firing the timers due (Playwright's runFor). */
      async runFor(ms) {
        await each((p) => p.evaluate((ms) => window.__clock.tickAsync(ms).then(() => undefined), ms));
        s.clock.now += ms;
      },
      /** Jumps every page's clock by `ms`, firing each due timer once (Playwright's fastForward). */
      async fastForward(ms) {
        await each((p) => p.evaluate((ms) => void window.__clock.jump(ms), ms));
        s.clock.now += ms;
      },
      /** Sets every page's wall clock to `time` without firing timers (Playwright's setSystemTime). */
      async setSystemTime(time) {
        await each((p) => p.evaluate((time) => void window.__clock.setSystemTime(time), time));
        s.clock.now = time;
      },
    },
    /** Opens one more fixture page in this context (a new tab), its clock at the session's time. */
    async open(pathname = FIXTURE) {
      const page = await s.openPage(h.url + pathname);
      await ready(page);
      return page;
    },
    /**
     * Opens `url` in a new page of this context, its clock at the session's time.
     * Each page is a window of its own, as in Chromium: a background tab of
     * Firefox gets no pointer input and runs its timers at most once a second.
     */
    async openPage(url) {
      const page = await context.newPage({ type: "window" });
      page.setDefaultTimeout(15_000);
      watch(page);
      await arm(page);
      if (initScript) await page.evaluateOnNewDocument(initScript);
      s.pages.push(page);
      await page.goto(url);
      return page;
    },
    /** Reloads a fixture page (its clock starts again at the session's time) and waits for the package. */
    async reload(page) {
      page.consoleMessages.length = 0;
      page.pageErrors.length = 0;
      await arm(page);
      await page.reload();
      await ready(page);
      return page;
    },
    /** Closes one page (a tab), running its unload handlers. */
    async closePage(page) {
      s.pages = s.pages.filter((p) => p !== page);
      scripts.delete(page);
      await page.close({ runBeforeUnload: false });
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
