// `scroll` is no default activity event: a page that scrolls itself (an
// auto-scrolling log, a live feed) makes trusted scroll events, and with the
// default options it still signs an absent user out on time. A guard that
// does listen for `scroll` in the same page shows what the default avoids.

import { test } from "node:test";
import { SECOND, T0, assert, expectLog, inspect, logOf, run, setup } from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
/** The default idleTimeoutMs. */
const IDLE = 300_000;

test("a page that scrolls itself signs out on time with the default options (scroll is no default event)", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await p.evaluate(() => {
    // Two sessions in one page: the defaults, and one that counts scroll.
    const record = (g) => (e) => window.record("onSignOut", g, e);
    window.guards.push(new window.SessionGuard({ onSignOut: record(0) }));
    window.guards.push(new window.SessionGuard({ onSignOut: record(1), storageKey: "with-scroll", events: ["scroll"] }));
    // A live log: the page scrolls itself every 5 s, nobody touches it.
    window.trustedScrolls = 0;
    addEventListener("scroll", (e) => (window.trustedScrolls += e.isTrusted ? 1 : 0));
    document.body.style.height = "100000px";
    setInterval(() => window.scrollBy(0, 20), 5000);
  });
  // Real time after each step: the browser dispatches scroll events as it renders.
  for (let at = 0; at < IDLE - 5 * SECOND; at += 5 * SECOND) await run(s, 5 * SECOND);
  await run(s, 4 * SECOND);
  assert.deepEqual(await logOf(p, "onSignOut"), [], "no end before the idle deadline");
  await run(s, 2 * SECOND, { step: SECOND });
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.deepEqual(
    { g: end.g, ...end.event },
    { g: 0, reason: "idle", at: T0 + IDLE, remote: false },
    "the default guard signs out at its idle deadline, however the page scrolls",
  );
  const scrolls = await p.evaluate(() => window.trustedScrolls);
  assert.ok(scrolls >= 50, `the page made trusted scroll events (${scrolls})`);
  // The guard that counts scroll never saw an idle user.
  const other = await inspect(p, 1);
  assert.equal(other.state, "active");
  assert.ok(other.expiresAt > T0 + IDLE + 4 * 60 * SECOND, `its deadline followed the scrolling: T0 + ${other.expiresAt - T0}`);
});
