// The back-forward cache, really on (setup({ backForwardCache: true })):
// Back after the end tells the app once more (restored), a paused page in
// the cache holds no other tab, a page shown again re-reads the session
// first, and one shown again after closedTimeoutMs with no page open ends
// the session ("closed"). First, the harness itself: back() only passes for
// a page that really came from the cache, and puts its fake clock in line.

import { test } from "node:test";
import {
  FIXTURE,
  HOUR,
  MINUTE,
  NO_CHANNEL,
  T0,
  assert,
  back,
  call,
  expectInspect,
  expectLog,
  expectNoLog,
  inspect,
  logOf,
  makeGuard,
  now,
  propagate,
  run,
  runTo,
  settle,
  setup,
  sleep,
} from "./harness.mjs";

const h = setup({ backForwardCache: true });
const TIMEOUT = { timeout: 120_000 };
const PLAIN = "/tests/e2e/plain.html";
const STEP = 1000;

async function open(t, pages, options) {
  const s = await h.session({ pages, ...options });
  t.after(() => s.close());
  return s;
}

test("harness: Back shows a plain page from the back-forward cache, and its fake clock is put back in line", TIMEOUT, async (t) => {
  const s = await open(t, 0);
  const page = await s.open(PLAIN);
  await page.evaluate(() => {
    window.kept = "the same document";
    window.fired = [];
    setTimeout(() => window.fired.push(Date.now()), 20_000);
  });
  await s.navigate(page, `${PLAIN}?next`);
  await run(s, 15_000);
  assert.equal(await now(page), T0 + 15_000, "the next page's clock runs");
  const time = await back(s, page);
  assert.equal(time, T0 + 15_000);
  assert.equal(await page.evaluate(() => window.kept), "the same document", "Back showed the page that was left");
  assert.equal(await now(page), T0 + 15_000, "the restored page's clock is the session's again");
  await run(s, 4_999);
  assert.deepEqual(await page.evaluate(() => window.fired), [], "its timers run on the session's clock");
  await run(s, 1);
  assert.deepEqual(await page.evaluate(() => window.fired), [T0 + 20_000]);
});

test("harness: back() fails for a page that was loaded again (an unload listener keeps it out of the cache)", TIMEOUT, async (t) => {
  const s = await open(t, 0);
  const page = await s.open(PLAIN);
  await page.evaluate(() => addEventListener("unload", () => {}));
  await s.navigate(page, `${PLAIN}?next`);
  await assert.rejects(back(s, page), (err) => {
    assert.match(err.message, /back-forward cache/);
    assert.match(err.message, /Unload/i, "Chromium's reason is given");
    return true;
  });
});
