// What the apps' tests (tests/apps, tests/frameworks) share to drive an app in
// the browser: a context on the fake clock whose pages' texts and problems are
// recorded, and the clock run in small steps for several tabs.

import { SECOND, T0 } from "../e2e/harness.mjs";

/**
 * A browser context on the fake clock (paused at T0) with `tabs` pages at
 * `url`. Every text the pages show is recorded (`seen`), across navigations;
 * page errors, console errors and warnings go to `problems`, but for a page
 * whose path `quiet(path)` accepts (a framework's own 404 page) and a
 * resource that failed to load (a favicon; the .wasm is checked on its own).
 * `wasm: false` makes the .wasm 404.
 */
export async function openApp(browser, t, url, { tabs = 1, initScript, wasm = true, timeout, quiet = () => false } = {}) {
  const context = await browser.newContext();
  t.after(() => context.close().catch(() => {}));
  context.setDefaultTimeout(timeout);
  await context.clock.install({ time: T0 });
  await context.clock.pauseAt(T0);
  const seen = [];
  await context.exposeFunction("__seen", (text) => seen.push(text));
  await context.addInitScript(() => {
    let last;
    const note = () => {
      const text = document.body?.innerText ?? "";
      if (text !== last) window.__seen((last = text));
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
  });
  if (initScript) await context.addInitScript(initScript);
  if (!wasm) await context.route("**/*.wasm", (route) => route.fulfill({ status: 404, body: "not found" }));
  const pages = [];
  const problems = [];
  for (let i = 0; i < tabs; i++) {
    const page = await context.newPage();
    const ignored = () => quiet(new URL(page.url()).pathname);
    page.on("pageerror", (err) => {
      if (!ignored()) problems.push(String(err?.message ?? err));
    });
    page.on("console", (msg) => {
      if (/^Failed to load resource/.test(msg.text()) || ignored()) return;
      if (msg.type() === "error" || msg.type() === "warning") problems.push(msg.text());
    });
    await page.goto(url);
    pages.push(page);
  }
  return { context, clock: context.clock, pages, page: pages[0], seen, problems };
}

/**
 * Runs the fake clock of several tabs: Playwright moves a context's pages one
 * after another, so small steps keep their clocks together (a message from a
 * tab minutes ahead would carry times from the future).
 */
export async function inSteps(clock, ms, step = 10 * SECOND) {
  for (let left = ms; left > 0; left -= step) await clock.runFor(Math.min(step, left));
}
