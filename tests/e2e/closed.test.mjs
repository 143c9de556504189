// closedTimeoutMs with real page closes: the session ends ("closed") when
// no page of it has been open for longer than the window, and goes on
// through reloads, navigations and new tabs within it, and for as long as a
// page stays open, idle or not. Each case runs with Web Locks (the presence
// lock), without them (a ping on the BroadcastChannel), and without either
// (the ping through the storage event). The browser has its back-forward
// cache on, as users' browsers do.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import {
  FIXTURE,
  HOUR,
  MINUTE,
  NO_CHANNEL,
  NO_LOCKS,
  SECOND,
  T0,
  assert,
  ends,
  expectInspect,
  expectNoEnd,
  inspect,
  makeGuard,
  run,
  settle,
  setup,
} from "./harness.mjs";

const h = setup({ backForwardCache: true });
const TIMEOUT = { timeout: 120_000 };

const WINDOW = MINUTE;
const IDLE = 30 * MINUTE;
const OPTIONS = { idleTimeoutMs: IDLE, maxDurationMs: 2 * HOUR, closedTimeoutMs: WINDOW };

/** How each case finds out whether a page of the session is open. */
const PRESENCE = {
  "Web Locks": undefined,
  "no Web Locks: a ping on the channel": NO_LOCKS,
  "no Web Locks, no BroadcastChannel: a ping through storage": [NO_LOCKS, NO_CHANNEL],
};

/**
 * A guard that starts in `page`: made, then real time for the answers of the
 * other pages (a lock query, a ping's answer), then a second of fake time
 * (how long a page may wait for a ping's answer before it decides).
 */
async function start(s, page, options = OPTIONS) {
  await makeGuard(page, options);
  await settle(300);
  await run(s, SECOND, { step: 100 });
}

/** Asserts that `page` signed out exactly once, "closed" at T0 + `at`. */
async function expectClosed(page, at) {
  await settle(100);
  const seen = await ends([page]);
  assert.deepEqual(
    seen.map((e) => ({ reason: e.reason, at: e.at - T0, remote: e.remote })),
    [{ reason: "closed", at, remote: false }],
    "the session ends at once, closed, when its window ran out",
  );
  await expectInspect(page, { state: "signedOut", remainingMs: 0 });
}

/** Asserts that `page` goes on in the session begun at T0 with no activity since. */
async function expectGoesOn(page, when) {
  await expectNoEnd([page], when);
  await expectInspect(page, { state: "active", expiresAt: T0 + IDLE }, { message: `the session goes on ${when}` });
}

for (const [presence, initScript] of Object.entries(PRESENCE)) {
  test(`every tab closed for longer than closedTimeoutMs: the next page ends the session at once, "closed" (${presence})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 2, { initScript });
    const [a, b] = s.pages;
    await makeGuard(a, OPTIONS);
    await makeGuard(b, OPTIONS);
    await run(s, 10 * SECOND, { step: SECOND });
    await s.closePage(a);
    await run(s, 20 * SECOND, { step: SECOND });
    await s.closePage(b);
    // No page of the session: the window runs from the last close.
    await run(s, WINDOW + SECOND, { step: 10 * SECOND });
    const c = await s.open();
    await start(s, c);
    await expectClosed(c, 30 * SECOND + WINDOW);
  });

  test(`every tab closed, a new tab within closedTimeoutMs: the session goes on (${presence})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 2, { initScript });
    const [a, b] = s.pages;
    await makeGuard(a, OPTIONS);
    await makeGuard(b, OPTIONS);
    await run(s, 30 * SECOND, { step: SECOND });
    await s.closePage(a);
    await s.closePage(b);
    await run(s, WINDOW - 2 * SECOND, { step: 10 * SECOND });
    const c = await s.open();
    await start(s, c);
    await expectGoesOn(c, "in a tab opened within the window after the last one closed");
  });

  test(`a reload and a navigation within the app, long after the last activity, go on (${presence})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 1, { initScript });
    const [a] = s.pages;
    await makeGuard(a, OPTIONS);
    // Idle for ten windows, the page open all along.
    await run(s, 10 * WINDOW, { step: 10 * SECOND });
    await s.reload(a);
    await start(s, a);
    await expectGoesOn(a, "after a reload");
    await run(s, 10 * WINDOW, { step: 10 * SECOND });
    await s.navigate(a, `${FIXTURE}?next`);
    await start(s, a);
    await expectGoesOn(a, "after a navigation to another page of the app");
  });

  test(`a page kept open (idle) keeps the session open for a new tab; once it is closed too, the window runs (${presence})`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 2, { initScript });
    const [a, b] = s.pages;
    await makeGuard(a, OPTIONS);
    await makeGuard(b, OPTIONS);
    await run(s, 10 * SECOND, { step: SECOND });
    await s.closePage(a);
    // Tab B stays open with no activity for ten windows.
    await run(s, 10 * WINDOW, { step: 10 * SECOND });
    const c = await s.open();
    await start(s, c);
    await expectGoesOn(c, "in a new tab while tab B is open, however idle");
    await expectGoesOn(b, "in the idle tab B");
    const lastClose = 10 * SECOND + 10 * WINDOW + SECOND;
    await s.closePage(b);
    await s.closePage(c);
    await run(s, WINDOW + SECOND, { step: 10 * SECOND });
    const d = await s.open();
    await start(s, d);
    await expectClosed(d, lastClose + WINDOW);
  });

  test(`closing the whole browser and coming back after closedTimeoutMs: "closed" (${presence})`, TIMEOUT, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "session-guard-profile-"));
    const browsers = [];
    t.after(async () => {
      for (const b of browsers) await b.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const first = await h.persistentSession(dir, { pages: 2, initScript });
    browsers.push(first);
    for (const page of first.pages) await makeGuard(page, OPTIONS);
    await run(first, 10 * SECOND, { step: SECOND });
    const stored = await first.pages[0].evaluate(() => localStorage.getItem("session-guard"));
    assert.ok(stored, "the session is stored in the profile");
    // The browser goes, with every tab (no pagehide runs), and the profile stays.
    await first.close();
    const back = 10 * SECOND + WINDOW + MINUTE;
    const again = await h.persistentSession(dir, { pages: 1, time: T0 + back, initScript });
    browsers.push(again);
    const [c] = again.pages;
    assert.equal(await c.evaluate(() => localStorage.getItem("session-guard")), stored, "the profile kept the session");
    await start(again, c);
    await settle(100);
    const seen = await ends([c]);
    assert.equal(seen.length, 1, `one end: ${JSON.stringify(seen)}`);
    const [{ reason, at, remote }] = seen;
    assert.equal(reason, "closed");
    assert.equal(remote, false);
    // The browser closed somewhere after T0 + 10 s without saying when: the
    // end lies one window after what the record knew, no later than one
    // window after the close.
    assert.ok(at >= T0 + WINDOW && at <= T0 + 10 * SECOND + WINDOW, `at = T0 + ${at - T0}`);
    assert.equal((await inspect(c)).state, "signedOut");
  });
}
