// The back-forward cache, really on (setup({ backForwardCache: true })):
// Back after the end tells the app once more (restored), a paused page in
// the cache holds no other tab, a page shown again re-reads the session
// first, and one shown again after closedTimeoutMs with no page open ends
// the session ("closed"). First, the harness itself: back() only passes for
// a page that really came from the cache, and puts its fake clock in line.

import { test } from "node:test";
import {
  HOUR,
  MINUTE,
  NO_CHANNEL,
  NO_LOCKS,
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
  settle,
  setup,
  sleep,
} from "./harness.mjs";

const h = setup({ backForwardCache: true });
const TIMEOUT = { timeout: 120_000 };
const PLAIN = "/tests/e2e/plain.html";
const STEP = 1000;
/**
 * Real time for a new guard to start (its lock requests and queries answered)
 * before its page navigates: these tests are about a page that had started.
 */
const STARTED = 300;

test("harness: Back shows a plain page from the back-forward cache, and its fake clock is put back in line", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
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
  const s = await h.tabs(t, 0);
  const page = await s.open(PLAIN);
  await page.evaluate(() => addEventListener("unload", () => {}));
  await s.navigate(page, `${PLAIN}?next`);
  await assert.rejects(back(s, page), (err) => {
    assert.match(err.message, /back-forward cache/);
    assert.match(err.message, /Unload/i, "Chromium's reason is given");
    return true;
  });
});

/** The end events of `page`, as the app got them (restored: whether it was marked so). */
async function signOuts(page) {
  return (await logOf(page, "onSignOut")).map(({ event: { reason, at, remote, restored } }) => ({
    reason,
    at,
    remote,
    restored: restored === true,
  }));
}

/** The app of the README's recipe: on the end, it leaves for the signed-out page. */
const LEAVES = `({ onSignOut: (e) => { if (!e.restored) location.assign("${PLAIN}?signed-out"); } })`;

const BACK_AFTER = {
  "its own idle end": {
    tabs: 1,
    end: (s) => run(s, MINUTE, { step: STEP }),
    told: { reason: "idle", at: T0 + MINUTE, remote: false },
  },
  "an end learned from another tab": {
    tabs: 2,
    end: (s) => call(s.pages[1], "signOut"),
    told: { reason: "manual", at: T0 + 10 * STEP, remote: true },
  },
};

for (const [how, { tabs, end, told }] of Object.entries(BACK_AFTER)) {
  test(`Back after sign-out (${how}): the page the cache shows again calls onSignOut once more, restored, with the end's reason and at; after destroy() it does not`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, tabs);
    const [p, q] = s.pages;
    const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
    await makeGuard(p, options, { after: LEAVES });
    if (q) await makeGuard(q, options);
    await settle(STARTED);
    await run(s, 10 * STEP, { step: STEP });
    await Promise.all([p.waitForURL(/signed-out/), end(s)]);
    // The user presses Back: the protected page comes back as it was left.
    await back(s, p);
    await expectLog(p, "onSignOut", 2);
    assert.deepEqual(
      await signOuts(p),
      [
        { ...told, restored: false },
        { ...told, restored: true },
      ],
      "the end, then the same end told once more, restored",
    );
    assert.equal((await inspect(p)).state, "signedOut");
    // Once destroyed, the guard has no listener left: Back tells nothing.
    await call(p, "destroy");
    await s.navigate(p, `${PLAIN}?again`);
    await back(s, p);
    await expectLog(p, "onSignOut", 2);
  });
}

const HELD = { idleTimeoutMs: 30_000, maxDurationMs: HOUR };

/** Tabs Q and P of one session, P paused for two minutes, then P navigates away (at leftAt). */
async function pausedThenAway(t, initScript) {
  const s = await h.tabs(t, 2, { initScript });
  const [q, p] = s.pages;
  await makeGuard(q, HELD);
  await makeGuard(p, HELD);
  await call(p, "pause");
  await settle(100);
  await run(s, 2 * MINUTE, { step: STEP });
  await expectNoLog(q, "onSignOut", "while tab P is paused");
  const leftAt = await now(p);
  await s.navigate(p, PLAIN);
  return { s, q, p, leftAt };
}

/** How a paused page holds the session: its hold lock, or, without Web Locks, news on the channel. */
const HOLDS = { "Web Locks": undefined, "no Web Locks": NO_LOCKS };

for (const [hold, initScript] of Object.entries(HOLDS)) {
  test(`a paused page in the back-forward cache holds no other tab: their idle window runs again from its navigation (${hold})`, TIMEOUT, async (t) => {
    const { s, q, p, leftAt } = await pausedThenAway(t, initScript);
    await propagate(s, async () => (await inspect(q)).expiresAt === leftAt + HELD.idleTimeoutMs, {
      fakeBudget: 0,
      message: "tab Q's idle window to run again from the paused page's navigation",
    });
    await run(s, HELD.idleTimeoutMs - STEP, { step: STEP });
    await expectNoLog(q, "onSignOut", "before its idle window ran out");
    await run(s, STEP, { step: STEP });
    const [end] = await expectLog(q, "onSignOut", 1);
    assert.deepEqual(end.event, { reason: "idle", at: leftAt + HELD.idleTimeoutMs, remote: false });
    // P sat in the cache all along; shown again, it knows the session ended.
    await back(s, p);
    const [told] = await expectLog(p, "onSignOut", 1);
    assert.deepEqual([told.event.reason, told.event.at], ["idle", leftAt + HELD.idleTimeoutMs]);
  });

  test(`a paused page shown again from the cache holds the other tabs again until it resumes (${hold})`, TIMEOUT, async (t) => {
    const { s, q, p } = await pausedThenAway(t, initScript);
    await run(s, 10 * STEP, { step: STEP });
    await back(s, p);
    await settle(100);
    assert.equal((await inspect(p)).state, "paused");
    await run(s, 5 * MINUTE, { step: STEP });
    await expectNoLog(q, "onSignOut", "while the page shown again is paused");
    const resumedAt = await now(p);
    await call(p, "resume");
    await run(s, HELD.idleTimeoutMs + STEP, { step: STEP });
    const [end] = await expectLog(q, "onSignOut", 1);
    assert.deepEqual([end.event.reason, end.event.at], ["idle", resumedAt + HELD.idleTimeoutMs]);
  });
}

for (const [path, initScript] of [
  ["BroadcastChannel", undefined],
  ["the storage event only", NO_CHANNEL],
]) {
  test(`a page shown again after another tab signed out says signedOut at once (${path})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 2, { initScript });
    const [q, p] = s.pages;
    await makeGuard(q, HELD);
    await makeGuard(p, HELD);
    await settle(STARTED);
    // The app looks at the guard as soon as the page shows again.
    await p.evaluate(() =>
      addEventListener("pageshow", (e) => window.record("pageshow", 0, { persisted: e.persisted, state: window.guard.state() })),
    );
    await s.navigate(p, PLAIN);
    await run(s, 5 * STEP, { step: STEP });
    const signedOutAt = await now(q);
    await call(q, "signOut");
    await settle(100);
    await back(s, p);
    const [shown] = await expectLog(p, "pageshow", 1);
    assert.deepEqual(shown.event, { persisted: true, state: "signedOut" }, "signedOut from the first moment the page shows");
    await expectLog(p, "onSignOut", 1);
    const [end] = await signOuts(p);
    assert.deepEqual([end.reason, end.at, end.remote], ["manual", signedOutAt, true]);
  });
}

const CLOSED = { idleTimeoutMs: HOUR, maxDurationMs: 2 * HOUR, closedTimeoutMs: MINUTE };

test("closedTimeoutMs: a page shown again from the cache within the window goes on, and counts as open again", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [p] = s.pages;
  await makeGuard(p, CLOSED);
  await settle(STARTED);
  await s.navigate(p, PLAIN);
  await run(s, 30 * STEP, { step: STEP });
  await back(s, p);
  await settle(STARTED);
  await run(s, STEP, { step: 100 });
  await expectNoLog(p, "onSignOut", "shown again within the window");
  await expectInspect(p, { state: "active", expiresAt: T0 + HOUR });
  // P stays open, idle, for ten windows: a new tab joins the open session.
  await run(s, 10 * MINUTE, { step: 10 * STEP });
  const r = await s.open();
  await makeGuard(r, CLOSED);
  await settle(STARTED);
  await run(s, STEP, { step: 100 });
  await expectNoLog(r, "onSignOut", "while the page shown again is open");
  await expectInspect(r, { state: "active", expiresAt: T0 + HOUR });
});

// A page's fake clock stands still in the cache (and the page acts on
// pageshow before back() can move it), so these run on the real clock with a
// short window; the page is away for twice that.
for (const [presence, initScript] of [
  ["Web Locks", undefined],
  ["no Web Locks", NO_LOCKS],
]) {
  test(`closedTimeoutMs: a page shown again from the cache after the window, no page open meanwhile, ends the session "closed" (${presence})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 1, { fakeClock: false, initScript });
    const [p] = s.pages;
    const window = 1500;
    await makeGuard(p, { ...CLOSED, closedTimeoutMs: window });
    await settle(STARTED);
    const leaving = Date.now();
    await s.navigate(p, PLAIN);
    await sleep(2 * window);
    const showing = Date.now();
    await back(s, p);
    await expectLog(p, "onSignOut", 1);
    const [end] = await signOuts(p);
    assert.equal(end.reason, "closed");
    assert.equal(end.remote, false);
    assert.ok(end.at >= leaving + window && end.at <= showing, `the end lies one window after the page left: ${JSON.stringify({ leaving, showing, at: end.at })}`);
  });
}
