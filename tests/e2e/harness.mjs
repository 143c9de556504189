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
import { createRequire } from "node:module";
import { LAUNCH_ARGS, findBrowser } from "../../scripts/browser.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { FIXTURE, ROOT, T0, makeGuard, ready, watch } from "./helpers.mjs";

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

