// The order in which a tab takes news, as a user of the built package sees it:
// a tab settles what is due before it takes news, and takes news only from its
// own session ("The rules", "Sessions, tabs and reloads" and "Following the
// server" in the contract). One test (or a few) per case.
//
// Playwright's clock.setSystemTime moves the wall clock without firing any
// timer (timers run on the clock's ticks): forwards it stands for a laptop's
// sleep and for a background tab whose timers Chrome throttles by up to a
// minute; backwards, for a user who sets the system clock back.

import { test } from "node:test";
import {
  HOUR,
  MINUTE,
  T0,
  advance,
  assert,
  call,
  expectEveryEnd,
  expectInspect,
  expectLog,
  expectNoEnd,
  inspect,
  logOf,
  makeGuard,
  pressKey,
  propagate,
  recordKeepAlive,
  runTo,
  settle,
  setup,
  waitUntil,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
/** The default storageKey: the localStorage key and the BroadcastChannel name. */
const KEY = "session-guard";

/** An end event with `at` relative to T0, for comparison. */
const end = ({ reason, at, remote }) => ({ reason, at, remote });

// A tab settles what is due before it takes news. Tab B's 1 s window ended the
// session at T0 + 1 s; its timers ran late, so when tab A's news (activity,
// remember-me, a pause) arrives at T0 + 5 s the end is still unsettled. The
// news must not revive it: B ends with its own due end, and A follows.
const NEWS = {
  "a key press": (a) => pressKey(a),
  "setRememberMe(true)": (a) => call(a, "setRememberMe", true),
  "pause()": (a) => call(a, "pause"),
};

for (const [news, make] of Object.entries(NEWS)) {
  test(`late news revives no due end: ${news} in tab A after tab B's end was due ends B ("idle") and A follows`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 2);
    const [a, b] = s.pages;
    await makeGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
    await makeGuard(b, { idleTimeoutMs: 1000, maxDurationMs: HOUR });
    await expectInspect(b, { state: "active", expiresAt: T0 + 1000 }, { message: "tab B joined the session" });

    // No activity after T0. The clock reaches T0 + 5 s and no timer runs.
    await s.clock.setSystemTime(T0 + 5000);
    await expectNoEnd([a, b], "before anything woke either tab");

    await make(a);
    await expectInspect(b, { state: "signedOut" }, {
      message: `tab B's end was due at T0+1000, before ${news} in tab A at T0+5000: it must end, not take the news`,
    });
    const seen = await expectEveryEnd(s, [a, b]);
    const [ea] = seen.filter((e) => e.tab === 0);
    const [eb] = seen.filter((e) => e.tab === 1);
    assert.deepEqual(end(eb), { reason: "idle", at: 1000, remote: false }, "tab B ends on its own window, when that end was due");
    assert.deepEqual(end(ea), { reason: "idle", at: 1000, remote: true }, "tab A follows tab B's end");
  });
}

test("localStorage.clear() by the app never extends the session: A keeps its absolute end and a tab opened later joins it", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: -1, maxDurationMs: 5000 }; // no startedAt: no new sign-in
  await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: T0 + 5000 });

  await runTo(s, a, 2000, 100);
  // The app's own code clears storage (a page gets no storage event for it).
  await a.evaluate(() => localStorage.clear());
  await runTo(s, a, 2500, 100);

  const c = await s.open();
  await makeGuard(c, options);
  await settle(100);
  await expectInspect(a, { state: "active", expiresAt: T0 + 5000 }, {
    message: "tab A's absolute end stays T0+5000 (begun at T0, maxDurationMs 5000) after a tab opened at T0+2500",
  });
  // Tab A may put its session back on a timer of its own: up to a second.
  await propagate(s, async () => (await inspect(c)).expiresAt === T0 + 5000, {
    fakeBudget: 1000,
    message: "the tab opened at T0+2500 to join tab A's session (expiresAt T0+5000)",
  });
  await expectInspect(a, { state: "active", expiresAt: T0 + 5000 });
  await expectInspect(c, { state: "active", expiresAt: T0 + 5000 });

  await runTo(s, a, 4990);
  await expectNoEnd([a, c], "before T0+5000");
  await runTo(s, a, 5000);
  for (const e of await expectEveryEnd(s, [a, c])) {
    assert.deepEqual({ reason: e.reason, at: e.at }, { reason: "absolute", at: 5000 }, `tab ${e.tab}: ${JSON.stringify(e)}`);
  }
});

/**
 * Page side, before the package loads: while `window.newsHeld` is true, the
 * storage events and channel messages that reach the page wait, in the order
 * they came, until `window.releaseNews()` delivers them (a tab whose tasks run
 * late). localStorage itself is not held: a read sees the other tabs' writes.
 * `window.heard` records every message on the session's channel.
 */
function HOLD_NEWS() {
  const held = [];
  window.newsHeld = false;
  const hold = (target, copy) => (e) => {
    if (!window.newsHeld) return;
    e.stopImmediatePropagation();
    held.push(() => target.dispatchEvent(copy(e)));
  };
  const storage = ({ key, oldValue, newValue, url, storageArea }) =>
    new StorageEvent("storage", { key, oldValue, newValue, url, storageArea });
  window.addEventListener("storage", hold(window, storage), true);
  const Channel = window.BroadcastChannel;
  window.BroadcastChannel = class BroadcastChannel extends Channel {
    constructor(name) {
      super(name);
      this.addEventListener("message", hold(this, (e) => new MessageEvent("message", { data: e.data })), true);
    }
  };
  window.releaseNews = () => {
    window.newsHeld = false;
    for (const deliver of held.splice(0)) deliver();
  };
  window.heard = [];
  window.listener = new Channel("session-guard");
  window.listener.onmessage = (e) => window.heard.push(e.data);
}

/** Asserts that guard 0 of each page ended once and that guard 1 (the next sign-in) runs. */
async function expectNextSessionRuns(tabs, expiresAt, when) {
  for (const [name, page] of tabs) {
    await expectInspect(page, { state: "active", expiresAt }, { g: 1, message: `tab ${name}'s next session ${when}` });
    const signOuts = (await logOf(page, "onSignOut")).map((e) => ({ guard: e.g, ...end(e.event) }));
    assert.deepEqual(
      signOuts.map((e) => e.guard),
      [0],
      `only the previous session's guard signs out in tab ${name} ${when}: ${JSON.stringify(signOuts)}`,
    );
  }
}

test("an end belongs to its session: the previous end, delivered twice or late, never ends the sign-in made in onSignOut", TIMEOUT, async (t) => {
  // Both tabs run an app that signs in again as soon as it is signed out (a
  // new guard made in onSignOut): the next session begins in the same
  // millisecond the previous one ended.
  const s = await h.tabs(t, 2, { initScript: HOLD_NEWS });
  const [a, b] = s.pages;
  const tabs = [
    ["A", a],
    ["B", b],
  ];
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  const signInAgain = {
    after: `({ onSignOut: () => { if (window.guards.length === 1) window.makeGuard(${JSON.stringify(options)}); } })`,
  };
  await makeGuard(a, options, signInAgain);
  await makeGuard(b, options, signInAgain);
  await runTo(s, a, 10_000, 1000);
  const X = T0 + 10_000;

  // Tab B hears of the end only after tab A's next session is stored.
  await b.evaluate(() => (window.newsHeld = true));
  await call(a, "signOut");
  await waitUntil(() => a.evaluate(() => window.guards.length === 2), { message: "the sign-in made in onSignOut in tab A" });
  const next = await waitUntil(
    () => b.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null")?.endedAt === null && localStorage.getItem(key), KEY),
    { message: "tab A's next session in tab B's storage" },
  );
  assert.equal(JSON.parse(next).startedAt, X, "tab A's next session began the millisecond the previous one ended");
  await b.evaluate(() => window.releaseNews());
  await waitUntil(() => b.evaluate(() => window.guards.length === 2), { message: "the sign-in made in onSignOut in tab B" });
  for (const [page, remote] of [
    [a, false],
    [b, true],
  ]) {
    const [first] = await logOf(page, "onSignOut");
    assert.deepEqual({ guard: first.g, ...end(first.event) }, { guard: 0, reason: "manual", at: X, remote });
  }
  // Tab B heard the end twice: as a storage event and as a channel message.
  await settle(100);
  await expectNextSessionRuns(tabs, X + MINUTE, "after the previous end reached it");

  // The previous session's end arrives once more, a second later: its channel
  // message (as a tab posted it), then its storage event.
  await runTo(s, a, 11_000, 100);
  const ended = await a.evaluate(() => window.heard.find((m) => JSON.parse(m).endedAt !== null));
  assert.ok(ended, "the previous session's end was posted on the channel");
  await a.evaluate((m) => window.listener.postMessage(m), ended);
  await settle(100);
  await expectNextSessionRuns(tabs, X + MINUTE, "after the previous end's message arrived late");
  for (const page of [a, b]) {
    await page.evaluate(
      ({ key, value }) => window.dispatchEvent(new StorageEvent("storage", { key, newValue: value, storageArea: localStorage })),
      { key: KEY, value: ended },
    );
  }
  await settle(100);
  await expectNextSessionRuns(tabs, X + MINUTE, "after the previous end's storage event arrived late");
});

// The clock rule: the page's clock moving back by more than a minute never
// buys time; it is reported and ends the session (fails closed), as a record
// from the future does (README: with reason "absolute"), the next time the
// guard looks at the clock.
const WAKES = {
  "the page gets focus": (s, p) => p.evaluate(() => window.dispatchEvent(new FocusEvent("focus"))),
  "its timers fire": (s) => advance(s, MINUTE, { step: 1000 }),
};

for (const [wake, act] of Object.entries(WAKES)) {
  test(`the system clock set back two hours ends an idle session when ${wake}, reported to onError`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 1);
    const [p] = s.pages;
    await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: 3 * HOUR });
    await runTo(s, p, 30_000, 1000);
    await pressKey(p); // last activity T0 + 30 s: the idle end stands at T0 + 90 s
    await expectInspect(p, { state: "active", expiresAt: T0 + 90_000 });
    await runTo(s, p, 31_000, 1000);

    await s.clock.setSystemTime(T0 + 31_000 - 2 * HOUR);
    await act(s, p);
    await expectInspect(p, { state: "signedOut" }, {
      message: `the clock went back two hours; when ${wake} the session must end, not stay open until T0+90 s comes again`,
    });
    const [signOut] = await expectLog(p, "onSignOut", 1);
    assert.equal(signOut.event.reason, "absolute", `treated as a record from the future: ${JSON.stringify(signOut.event)}`);
    assert.ok((await logOf(p, "onError")).length >= 1, "the clock set back is reported to onError");
  });
}

// Keep-alive: the time a pause holds counts as activity, so a keep-alive made
// during a pause reports the time of the call as lastActivity.
const BEFORE_PAUSE = {
  "at the start": async () => {},
  "after a key press at +300 ms": async (s, p) => {
    await runTo(s, p, 300, 100);
    await pressKey(p);
    await runTo(s, p, 500, 100);
  },
};

for (const [when, before] of Object.entries(BEFORE_PAUSE)) {
  test(`a keep-alive during a pause (paused ${when}) reports lastActivity as the time of the call`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 1);
    const [p] = s.pages;
    const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, keepAliveMs: 1000 };
    await makeGuard(p, options, { options: recordKeepAlive() });
    await before(s, p);
    await call(p, "pause");
    await expectInspect(p, { state: "paused" });
    for (const k of [1, 2]) {
      await runTo(s, p, k * 1000, 100);
      await expectLog(p, "onKeepAlive", k);
    }
    const calls = (await logOf(p, "onKeepAlive")).map((c) => ({ calledAt: c.now - T0, lastActivity: c.event.lastActivity - T0 }));
    assert.deepEqual(
      calls,
      [
        { calledAt: 1000, lastActivity: 1000 },
        { calledAt: 2000, lastActivity: 2000 },
      ],
      "during a pause lastActivity is the time of the call (times relative to T0)",
    );
  });
}

test("a hung keep-alive counts as failed one period after it began and the next call is made then: calls at +1 s, +2 s, +3 s", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [p] = s.pages;
  assert.equal(await p.evaluate(() => typeof navigator.locks?.request), "function", "Web Locks are on");
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, keepAliveMs: 1000 };
  // Every call hangs, as a fetch without a timeout to a server that never answers.
  await makeGuard(p, options, { options: recordKeepAlive("new Promise(() => {})") });
  const calls = async () => (await logOf(p, "onKeepAlive")).map((c) => c.now - T0);

  for (const k of [1, 2, 3]) {
    // Activity throughout: a key press every 250 ms.
    for (let at = (k - 1) * 1000 + 250; at <= k * 1000; at += 250) {
      await runTo(s, p, at, 250);
      await pressKey(p);
    }
    // The call goes out once the keep-alive lock is granted (a real promise).
    // A call that does not come shows below, with the times of those made.
    await waitUntil(async () => (await calls()).length >= k, { timeout: 3000 }).catch(() => {});
  }
  assert.deepEqual(await calls(), [1000, 2000, 3000], "onKeepAlive called at these times (relative to T0)");
  const errors = (await logOf(p, "onError")).map((e) => e.now - T0);
  assert.equal(errors[0], 2000, `the first hung call reported to onError when it counts as failed: at ${JSON.stringify(errors)}`);
});
