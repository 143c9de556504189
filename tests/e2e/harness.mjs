// Shared harness of the end-to-end tests: one system Chromium per test file,
// the repository served by scripts/serve.mjs, and helpers to open fixture
// pages whose browser context shares Playwright's fake clock.
//
//   import { setup, makeGuard, run, expectLog } from "./harness.mjs";
//   const h = setup();                         // registers before/after hooks
//   test("...", async (t) => {
//     const s = await h.tabs(t, 2);             // clock installed and paused at T0; closed after t
//     await makeGuard(s.pages[0], { idleTimeoutMs: 60_000 });
//     await run(s, 60_000);                     // fake time, then a little real time
//     await expectLog(s.pages[0], "onSignOut", 1);
//   });
//
// The guard may answer some events asynchronously (real browser promises), so
// positive expectations poll in real time (expectLog, expectInspect, propagate)
// and negative ones let real time settle first (expectNoLog).
//
// The back-forward cache: `setup({ backForwardCache: true })` launches
// Chromium with it (Playwright turns it off by default); `back(s, page)` goes
// Back and fails unless the page really came from the cache, then puts the
// page's fake clock back in line with the others'. `h.persistentSession(dir)`
// opens a context on a profile directory that outlives it (closing the whole
// browser and coming back).

import { after, before } from "node:test";
import { createRequire } from "node:module";
import { LAUNCH_ARGS, findBrowser } from "../../scripts/browser.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { FIXTURE, ROOT, T0, assert, makeGuard, now, ready, tabs, waitUntil, watch } from "./helpers.mjs";

// The browser-neutral helpers (waitUntil, makeGuard, run, expectLog, ...).
export * from "./helpers.mjs";

// A CommonJS require honours NODE_PATH as well as the repository's node_modules.
const require = createRequire(import.meta.url);

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

/**
 * Registers before/after hooks for one test file: a browser and a server shared by
 * the file's tests. Returns an object whose members are ready once `before` ran.
 *
 * options:
 *   backForwardCache  launch Chromium with its back-forward cache on (Playwright
 *                     passes --disable-back-forward-cache by default), and record
 *                     every page's pageshow/pagehide for back() (default false)
 */
export function setup({ backForwardCache = false } = {}) {
  const h = {
    browser: undefined,
    server: undefined,
    url: undefined,
    backForwardCache,
    /** The options of chromium.launch and launchPersistentContext. */
    launchOptions: undefined,
    chromium: undefined,
    sessions: new Set(),
    /** Opens a browser context with the fake clock; see openSession. */
    session: (options) => openSession(h, options),
    /** The same with `pages` pages, closed when the test `t` ends; see tabs() in helpers.mjs. */
    tabs: (t, pages, options) => tabs(h, t, pages, options),
    /** The same in a browser of its own on the profile `dir`; see openPersistentSession. */
    persistentSession: (dir, options) => openPersistentSession(h, dir, options),
  };

  before(async () => {
    const executablePath = findBrowser();
    h.chromium = loadPlaywright().chromium;
    h.server = await startServer({ root: ROOT, port: 0, host: "127.0.0.1" });
    h.url = h.server.url;
    h.launchOptions = { executablePath, headless: true, args: LAUNCH_ARGS };
    if (backForwardCache) h.launchOptions.ignoreDefaultArgs = ["--disable-back-forward-cache"];
    h.browser = await h.chromium.launch(h.launchOptions);
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
 *   initScript a function or string (or an array of them) added with
 *              context.addInitScript before navigation
 */
export async function openSession(h, options = {}) {
  const context = await h.browser.newContext();
  return session(h, context, options);
}

/**
 * Like openSession, but in a browser of its own whose profile lives in `dir`
 * (chromium.launchPersistentContext): its storage outlives `s.close()`, which
 * closes the whole browser, so a second call with the same `dir` is the user
 * coming back. (A normal context loses its storage when it closes.)
 */
export async function openPersistentSession(h, dir, options = {}) {
  const context = await h.chromium.launchPersistentContext(dir, h.launchOptions);
  try {
    // The browser's own first tab would take the fake clock at install and
    // run it on before it is paused: it goes first.
    for (const page of context.pages()) await page.close();
    return await session(h, context, options);
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}

async function session(h, context, { time = T0, pages = 1, fakeClock = true, paused = true, initScript } = {}) {
  context.setDefaultTimeout(15_000);
  if (fakeClock) {
    await context.clock.install({ time });
    if (paused) await context.clock.pauseAt(time);
  }
  if (h.backForwardCache) await context.addInitScript(RECORD_SHOWS);
  for (const script of [initScript ?? []].flat()) await context.addInitScript(script);

  const s = {
    context,
    clock: context.clock,
    fakeClock,
    paused: fakeClock && paused,
    pages: [],
    /** Opens one more page (a new tab): the fixture, or `pathname` (which sets window.ready too). */
    async open(pathname = FIXTURE) {
      const page = await context.newPage();
      watch(page);
      if (h.backForwardCache) await watchCache(context, page);
      await page.goto(h.url + pathname);
      await ready(page);
      s.pages.push(page);
      return page;
    },
    /** Navigates `page` to `pathname` on the server (a link followed in the tab) and waits for it. */
    async navigate(page, pathname = FIXTURE) {
      page.consoleMessages.length = 0;
      page.pageErrors.length = 0;
      await page.goto(h.url + pathname);
      await ready(page);
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


/**
 * Init script of a harness with the back-forward cache: every document of the
 * context records its pageshow and pagehide events in `window.shows`, in
 * order ({ type, persisted }), from its first script on.
 */
const RECORD_SHOWS = () => {
  window.shows = [];
  for (const type of ["pageshow", "pagehide"]) {
    addEventListener(type, (e) => window.shows.push({ type, persisted: e.persisted }));
  }
};

/**
 * Collects why Chromium did not restore `page` from the back-forward cache
 * (the DevTools event Page.backForwardCacheNotUsed), in page.notRestored.
 */
async function watchCache(context, page) {
  page.notRestored = [];
  const cdp = await context.newCDPSession(page);
  cdp.on("Page.backForwardCacheNotUsed", (e) => {
    page.notRestored.push(e.notRestoredExplanations.map((x) => `${x.type}:${x.reason}`).join(", "));
  });
  await cdp.send("Page.enable");
}

/**
 * Presses Back in `page`'s tab (a harness with `backForwardCache`) and
 * asserts that the previous page came back from the back-forward cache: its
 * latest pageshow had `persisted` true (a page loaded again fails this, with
 * Chromium's reasons). A restore fires no `load`, so Playwright waits for the
 * commit only. With a fake clock the restored page's clock stood still while
 * it was cached: it is put back in line with the session's (the time the page
 * left showed when Back was pressed), which is asserted too. Returns that time.
 */
export async function back(s, page) {
  const time = s.paused ? await now(page) : undefined;
  const reasons = page.notRestored?.length ?? 0;
  await page.goBack({ waitUntil: "commit" });
  const shown = await waitUntil(
    () =>
      page
        .evaluate(() => {
          const last = window.shows?.at(-1);
          return last?.type === "pageshow" ? last : false;
        })
        .catch(() => false),
    { message: "pageshow after Back" },
  );
  const why = page.notRestored?.slice(reasons).join("; ");
  assert.equal(
    shown.persisted,
    true,
    `Back must show the page from the back-forward cache (pageshow.persisted), but it was loaded again` +
      (why ? ` (Chromium: ${why})` : ""),
  );
  if (time !== undefined) await realign(s, page, time);
  return time;
}

/**
 * Puts the fake clock of a page restored from the back-forward cache (frozen
 * while it was cached) back at `time`, the session's time, where the other
 * pages' clocks are, and asserts it is there.
 */
export async function realign(s, page, time) {
  await s.clock.pauseAt(time);
  assert.equal(await now(page), time, "the restored page's fake clock is back in line");
}
