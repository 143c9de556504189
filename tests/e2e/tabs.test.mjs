// Sessions, tabs and reloads: several pages of one browser context (one origin,
// one localStorage) sharing Playwright's fake clock. Cross-tab deliveries are real
// asynchronous browser events, so assertions about another tab poll in real time.

import { test } from "node:test";
import {
  DAY,
  HOUR,
  MINUTE,
  T0,
  assert,
  call,
  callOn,
  expectInspect,
  expectLog,
  expectNoLog,
  inspect,
  logOf,
  makeGuard,
  moveMouse,
  pressKey,
  propagate,
  run,
  settle,
  setup,
  sleep,
  tryGuard,
  waitUntil,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
/** Fake-clock step for several tabs: keeps their clocks within 1 s of each other. */
const STEP = 1000;

/** Runs the shared clock in small steps, then lets real time settle. */
async function runAll(s, ms, step = STEP) {
  await run(s, ms, { step });
}

/** Waits until `page` has exactly one onSignOut (within a 100 ms fake-time budget) and returns its event. */
async function endOf(s, page, { fakeBudget = 100 } = {}) {
  await propagate(s, async () => (await logOf(page, "onSignOut")).length > 0, {
    fakeBudget,
    message: `onSignOut in ${page.url()}`,
  });
  const [entry] = await expectLog(page, "onSignOut", 1);
  return entry.event;
}

/** Rewrites a stored record so that every number in it is `value` (the record format is not ours to know). */
function tamper(source, value) {
  let record;
  try {
    record = JSON.parse(source);
  } catch {
    return source.replace(/\d{10,}/g, String(value));
  }
  const walk = (v) => {
    if (typeof v === "number") return value;
    if (typeof v === "string" && /^\d{10,}$/.test(v)) return String(value);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return JSON.stringify(walk(record));
}

test("activity in one tab keeps another tab alive", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);

  for (let i = 1; i <= 6; i++) {
    await runAll(s, 30_000);
    if (i % 2) await pressKey(a);
    else await moveMouse(a);
    const at = (await inspect(a)).now;
    await expectInspect(a, { expiresAt: at + MINUTE });
    await propagate(s, async () => (await inspect(b)).expiresAt === at + MINUTE, {
      fakeBudget: 1000,
      tick: 50,
      message: "tab B's idle deadline to follow tab A's activity",
    });
  }
  // T0 + 3 min: three idle windows have passed since B saw activity of its own
  await expectNoLog(b, "onSignOut");
  await expectInspect(b, { state: "active" });

  const last = (await inspect(a)).now; // no activity since the last press
  await runAll(s, MINUTE + 2 * STEP);
  for (const page of [a, b]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (last + MINUTE)) <= STEP, `at T0+${e.at - T0}, expected about T0+${last + MINUTE - T0}`);
  }
});

test("the last move of a burst in one tab decides the end in every tab", TIMEOUT, async (t) => {
  // After its first moves a burst is only time-stamped by the listener; the
  // next write must still carry the latest move to the other tabs.
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 30_000);
  const first = (await inspect(a)).now;
  for (let i = 0; i < 8; i++) {
    await moveMouse(a);
    await run(s, 100);
  }
  const last = first + 700;
  await propagate(s, async () => (await inspect(b)).expiresAt === last + MINUTE, {
    fakeBudget: 1500,
    tick: 50,
    message: "tab B's idle deadline to follow the last move of tab A's burst",
  });
  await runAll(s, last + MINUTE - (await inspect(a)).now - 200, 500);
  await expectNoLog(b, "onSignOut");
  await runAll(s, 1000, 500);
  for (const page of [a, b]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (last + MINUTE)) <= STEP, `at T0+${e.at - T0}, expected about T0+${last + MINUTE - T0}`);
  }
});

test("signOut() in one tab reaches the other within 100 ms: same reason, remote: true", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR });
  await makeGuard(b, { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR });
  await runAll(s, 5000);
  const before = Date.now();
  await call(a, "signOut");
  const ea = await endOf(s, a, { fakeBudget: 0 });
  const eb = await endOf(s, b, { fakeBudget: 100 });
  const realMs = Date.now() - before;
  assert.deepEqual(ea, { reason: "manual", at: T0 + 5000, remote: false });
  assert.equal(eb.reason, "manual");
  assert.equal(eb.remote, true);
  assert.equal(eb.at, T0 + 5000, "the remote tab reports the same end");
  const [entry] = await logOf(b, "onSignOut");
  assert.ok(entry.now - (T0 + 5000) <= 100, `tab B learned ${entry.now - T0 - 5000} ms of fake time later`);
  await expectInspect(b, { state: "signedOut", remainingMs: 0 });
  assert.ok(realMs < 3000, `real time to observe both ends: ${realMs} ms`);
});

test("an idle sign-out reaches every tab, exactly one onSignOut and one onWarning per tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 3);
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 };
  for (const page of s.pages) await makeGuard(page, options);
  await runAll(s, 50_000 + STEP);
  for (const page of s.pages) {
    const [w] = await expectLog(page, "onWarning", 1);
    assert.equal(w.event.reason, "idle");
    assert.equal(w.event.expiresAt, T0 + MINUTE);
  }
  await runAll(s, 10_000 + STEP);
  for (const page of s.pages) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (T0 + MINUTE)) <= STEP, `at T0+${e.at - T0}`);
  }
  await runAll(s, 10 * MINUTE, 60_000);
  for (const page of s.pages) {
    await expectLog(page, "onSignOut", 1);
    await expectLog(page, "onWarning", 1);
    await expectInspect(page, { state: "signedOut" });
  }
});

test("setRememberMe() in one tab switches the idle window in every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, rememberMePeriodMs: 10 * MINUTE };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await pressKey(a); // last activity T0 + 10 s in every tab
  await propagate(s, async () => (await inspect(b)).expiresAt === T0 + 10_000 + MINUTE, { fakeBudget: 1000, tick: 50 });
  await call(a, "setRememberMe", true);
  await propagate(s, async () => (await inspect(b)).expiresAt === T0 + 10_000 + 10 * MINUTE, {
    message: "remember-me to reach tab B",
  });
  await runAll(s, 5 * MINUTE, 5000);
  for (const page of [a, b]) await expectNoLog(page, "onSignOut", "while remember-me is on");

  await moveMouse(b); // T0 + 5 min 10 s
  const last = (await inspect(b)).now;
  await call(b, "setRememberMe", false);
  await propagate(s, async () => (await inspect(a)).expiresAt === last + MINUTE, {
    fakeBudget: 1000,
    tick: 50,
    message: "remember-me off to reach tab A",
  });
  await runAll(s, MINUTE + 2 * STEP);
  for (const page of [a, b]) assert.equal((await endOf(s, page)).reason, "idle");
});

test("a reload resumes the stored session: start and absolute deadline carry over", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: 30 * MINUTE };
  await makeGuard(a, options);
  for (let i = 0; i < 5; i++) {
    await run(s, 5 * MINUTE);
    await pressKey(a);
  }
  // T0 + 25 min: the absolute deadline T0 + 30 min comes before the idle one
  const before = await expectInspect(a, { expiresAt: T0 + 30 * MINUTE });
  await s.reload(a);
  await makeGuard(a, options);
  const after = await expectInspect(a, { state: "active", expiresAt: T0 + 30 * MINUTE });
  assert.equal(after.expiresAt, before.expiresAt, "expiresAt() is the same before and after the reload");
  await expectNoLog(a, "onSignOut");
  await run(s, 5 * MINUTE - 1);
  await expectNoLog(a, "onSignOut");
  await run(s, 1);
  assert.deepEqual(await endOf(s, a), { reason: "absolute", at: T0 + 30 * MINUTE, remote: false });
});

test("a reload keeps the last activity: the idle window is not restarted by loading a page", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await run(s, 2 * MINUTE);
  await pressKey(a); // last activity T0 + 2 min
  await run(s, 6 * MINUTE);
  await s.reload(a);
  await makeGuard(a, options);
  // Loading a page is not activity: an auto-refreshing page must not keep an idle session alive.
  const info = await expectInspect(a, { state: "active", expiresAt: T0 + 12 * MINUTE });
  await run(s, 4 * MINUTE);
  assert.deepEqual(await endOf(s, a), { reason: "idle", at: T0 + 12 * MINUTE, remote: false });
  assert.equal(info.now, T0 + 8 * MINUTE);
});

test("a new tab joins the live session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: 30 * MINUTE };
  await makeGuard(a, options);
  for (let i = 0; i < 5; i++) {
    await runAll(s, 5 * MINUTE, 10_000);
    await pressKey(a);
  }
  const c = await s.open();
  await makeGuard(c, options);
  await expectInspect(c, { state: "active", expiresAt: T0 + 30 * MINUTE });
  // activity in the new tab moves the first tab's idle deadline too
  await runAll(s, 60_000);
  await pressKey(c);
  const now = (await inspect(c)).now;
  assert.equal(now, T0 + 26 * MINUTE);
  await expectInspect(c, { expiresAt: T0 + 30 * MINUTE });
  await runAll(s, 4 * MINUTE);
  for (const page of [a, c]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "absolute");
    assert.ok(Math.abs(e.at - (T0 + 30 * MINUTE)) <= STEP);
  }
});

test("activity in a new tab keeps the first tab alive", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await runAll(s, 30_000);
  const c = await s.open();
  await makeGuard(c, options);
  await runAll(s, 20_000);
  await pressKey(c); // T0 + 50 s
  await propagate(s, async () => (await inspect(a)).expiresAt === T0 + 50_000 + MINUTE, { fakeBudget: 1000, tick: 50 });
  await runAll(s, 30_000);
  await expectNoLog(a, "onSignOut", "at T0 + 80 s after activity in the new tab at T0 + 50 s");
});

test("a stored session whose idle deadline passed while no page watched ends at once", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR };
  await makeGuard(s.pages[0], options);
  await run(s, 2 * MINUTE);
  await pressKey(s.pages[0]); // last activity T0 + 2 min: idle deadline T0 + 12 min
  await settle();
  await s.closePage(s.pages[0]);
  await s.clock.setSystemTime(T0 + 40 * MINUTE); // nobody watched
  const c = await s.open();
  await makeGuard(c, options);
  const e = await endOf(s, c, { fakeBudget: 0 });
  assert.equal(e.reason, "idle");
  assert.ok(e.at >= T0 + 12 * MINUTE && e.at <= T0 + 40 * MINUTE, `at T0+${e.at - T0}`);
  await expectInspect(c, { state: "signedOut", remainingMs: 0 });
});

test("a stored session whose absolute deadline passed while no page watched ends at once", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const options = { idleTimeoutMs: -1, maxDurationMs: 30 * MINUTE };
  await makeGuard(s.pages[0], options);
  await run(s, 5 * MINUTE);
  await s.closePage(s.pages[0]);
  await s.clock.setSystemTime(T0 + 2 * HOUR);
  const c = await s.open();
  await makeGuard(c, options);
  const e = await endOf(s, c, { fakeBudget: 0 });
  assert.equal(e.reason, "absolute");
  assert.ok(e.at >= T0 + 30 * MINUTE && e.at <= T0 + 2 * HOUR, `at T0+${e.at - T0}`);
});

test("after a sign-out the next guard begins a fresh session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: -1, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10 * MINUTE, 60_000);
  await call(a, "signOut");
  await endOf(s, b);
  await runAll(s, 5000);

  // a new sign-in in tab A: no startedAt, so it starts now
  const g = await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: T0 + 10 * MINUTE + 5000 + HOUR }, { g });
  await settle();
  assert.deepEqual((await logOf(a, "onSignOut")).filter((e) => e.g === g), [], "the new guard is not signed out");

  // and in tab B with an explicit startedAt
  const started = T0 + 10 * MINUTE;
  const g2 = await makeGuard(b, { ...options, startedAt: started });
  await expectInspect(b, { state: "active", expiresAt: started + HOUR }, { g: g2 });
  await settle(100);
  assert.deepEqual((await logOf(b, "onSignOut")).filter((e) => e.g === g2), []);
});

test("a stored session that ended is never resumed by a reload", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await run(s, MINUTE);
  await endOf(s, a);
  await run(s, 10_000);
  await s.reload(a);
  await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: T0 + 70_000 + MINUTE }, { message: "a new session from now" });
  await expectNoLog(a, "onSignOut");
});

test("a different startedAt begins a new session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: -1, maxDurationMs: HOUR, startedAt: T0 });
  await runAll(s, 10 * MINUTE, 60_000);

  // the same startedAt joins
  await makeGuard(b, { idleTimeoutMs: -1, maxDurationMs: HOUR, startedAt: T0 });
  await expectInspect(b, { expiresAt: T0 + HOUR });
  await call(b, "destroy");

  // a different one is a new sign-in
  const started = T0 + 10 * MINUTE - 1000;
  await makeGuard(b, { idleTimeoutMs: -1, maxDurationMs: HOUR, startedAt: started });
  await expectInspect(b, { state: "active", expiresAt: started + HOUR });
  await expectNoLog(b, "onSignOut");
});

test("a corrupt stored record is reported to onError and ends the session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  await a.evaluate(() => localStorage.setItem("session-guard", "garbage"));
  const made = await tryGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  assert.equal(made.ok, true, `a corrupt record is not an options error: ${made.error}`);
  const e = await endOf(s, a);
  assert.ok(["idle", "absolute", "manual"].includes(e.reason), `reason ${e.reason}`);
  const errors = await logOf(a, "onError");
  assert.ok(errors.length >= 1, "the rejected record is reported to onError");
  assert.equal(e.reason, "absolute", "a rejected record ends the session as over its lifetime (README)");
  const order = await a.evaluate(() => window.log.map((entry) => entry.type).filter((t) => t !== "onActivity"));
  assert.deepEqual(order.slice(0, 2), ["onError", "onSignOut"], "the error is reported before the sign-out it causes");
  await expectInspect(a, { state: "signedOut" });
});

test("a record tampered with while tabs run is reported and ends the session in every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 3);
  const [a, b, c] = s.pages; // c holds no guard: it is the tamperer
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await pressKey(a);
  await settle(100);
  const stored = await c.evaluate(() => localStorage.getItem("session-guard"));
  assert.ok(stored, "the shared session is stored under its storageKey");
  const future = T0 + 10_000 + DAY;
  const bad = tamper(stored, future);
  assert.notEqual(bad, stored);
  await c.evaluate((v) => localStorage.setItem("session-guard", v), bad);
  for (const page of [a, b]) await endOf(s, page);
  const errors = [...(await logOf(a, "onError")), ...(await logOf(b, "onError"))];
  assert.ok(errors.length >= 1, "the rejected record is reported to onError");
  for (const page of [a, b]) await expectInspect(page, { state: "signedOut" });
});

test("a garbage record written while tabs run ends the session in every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 3);
  const [a, b, c] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await c.evaluate(() => localStorage.setItem("session-guard", "{not json"));
  for (const page of [a, b]) await endOf(s, page);
  const errors = [...(await logOf(a, "onError")), ...(await logOf(b, "onError"))];
  assert.ok(errors.length >= 1, "the rejected record is reported to onError");
});

test("a stored record whose start lies far in the future fails validation and ends the session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(s.pages[0], options);
  await run(s, 10_000);
  await settle(100);
  const stored = await s.pages[0].evaluate(() => localStorage.getItem("session-guard"));
  assert.ok(stored, "the shared session is stored under its storageKey");
  await s.closePage(s.pages[0]);

  const c = await s.open();
  await c.evaluate((v) => localStorage.setItem("session-guard", v), tamper(stored, T0 + 30 * DAY));
  await makeGuard(c, options);
  await endOf(s, c);
  assert.ok((await logOf(c, "onError")).length >= 1, "the rejected record is reported to onError");
  await expectInspect(c, { state: "signedOut" });
});

test("a forged channel message that fails validation is reported and ends the session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await runAll(s, 10_000);
  // another script of the origin posts junk on the session's channel
  await b.evaluate(() => {
    const ch = new BroadcastChannel("session-guard");
    ch.postMessage("garbage");
    ch.postMessage({ type: 12, at: "never" });
    ch.close();
  });
  await endOf(s, a);
  assert.ok((await logOf(a, "onError")).length >= 1, "the rejected message is reported to onError");
});

const THROWING_STORAGE = {
  "localStorage access throws (storage disabled)": () => {
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
  },
  "every Storage method throws (storage broken)": () => {
    for (const name of ["getItem", "setItem", "removeItem", "key", "clear"]) {
      Storage.prototype[name] = function () {
        throw new DOMException("storage is broken", "InvalidStateError");
      };
    }
  },
  "setItem throws QuotaExceededError (storage full)": () => {
    Storage.prototype.setItem = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  },
};

for (const [name, initScript] of Object.entries(THROWING_STORAGE)) {
  test(`${name}: the guard still enforces both deadlines and reports to onError once, not per event`, TIMEOUT, async (t) => {
    const s = await h.tabs(t, 1, { initScript });
    const [a] = s.pages;
    await makeGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: 5 * MINUTE, warnBeforeMs: 10_000 });
    await settle(100);
    await expectInspect(a, { state: "active", expiresAt: T0 + MINUTE });
    // idle: activity still moves the deadline
    await run(s, 30_000);
    await pressKey(a);
    await expectInspect(a, { expiresAt: T0 + 30_000 + MINUTE });
    await waitUntil(async () => (await logOf(a, "onError")).length >= 1, {
      timeout: 3000,
      message: "the storage failure reported to onError",
    });
    const reported = (await logOf(a, "onError")).length;
    for (let i = 0; i < 20; i++) {
      await run(s, 1500);
      if (i % 2) await pressKey(a);
      else await moveMouse(a);
    }
    await settle(100);
    const errors = await logOf(a, "onError");
    assert.equal(errors.length, reported, `onError once, not per event: ${JSON.stringify(errors.map((e) => e.event.message))}`);
    assert.ok(reported <= 2, `${reported} reports of one storage failure`);
    // the absolute deadline, with constant activity
    for (let i = 0; i < 12; i++) {
      await run(s, 15_000);
      await pressKey(a);
    }
    // now T0 + 30 s + 30 s + 180 s = T0 + 240 s
    await run(s, MINUTE);
    const [end] = await expectLog(a, "onSignOut", 1);
    assert.deepEqual(end.event, { reason: "absolute", at: T0 + 5 * MINUTE, remote: false });
  });
}

test("storage unavailable: the idle deadline alone still signs out", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1, { initScript: THROWING_STORAGE["localStorage access throws (storage disabled)"] });
  const [a] = s.pages;
  await makeGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await run(s, MINUTE);
  assert.deepEqual(await endOf(s, a, { fakeBudget: 0 }), { reason: "idle", at: T0 + MINUTE, remote: false });
});

test("two different storageKeys do not interfere", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  const a1 = await makeGuard(a, { ...options, storageKey: "app-one" });
  const b1 = await makeGuard(b, { ...options, storageKey: "app-one" });
  const b2 = await makeGuard(b, { ...options, storageKey: "app-two" });
  await runAll(s, 30_000);
  await pressKey(a); // moves app-one only
  await propagate(s, async () => (await inspect(b, b1)).expiresAt === T0 + 90_000, { fakeBudget: 1000, tick: 50 });
  await expectInspect(b, { expiresAt: T0 + MINUTE }, { g: b2 });

  await runAll(s, 10_000);
  await callOn(a, a1, "signOut"); // ends app-one only
  await propagate(s, async () => (await logOf(b, "onSignOut")).some((e) => e.g === b1));
  await settle(100);
  const ends = await logOf(b, "onSignOut");
  assert.deepEqual(
    ends.map((e) => [e.g, e.event.reason, e.event.remote]),
    [[b1, "manual", true]],
    "only the app-one guard of tab B ended",
  );
  await expectInspect(b, { state: "active" }, { g: b2 });
  await runAll(s, 20_000 + 2 * STEP);
  await propagate(s, async () => (await logOf(b, "onSignOut")).some((e) => e.g === b2), { fakeBudget: 0 });
  await settle(100);
  const later = (await logOf(b, "onSignOut")).filter((e) => e.g === b2);
  assert.equal(later.length, 1);
  assert.deepEqual(later[0].event.reason, "idle");
  assert.ok(Math.abs(later[0].event.at - (T0 + MINUTE)) <= STEP);
});

test("crossTab: false keeps a guard to itself", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 3);
  const [a, b, c] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options); // shared
  await makeGuard(b, { ...options, crossTab: false }); // private
  await makeGuard(c, options); // shared: the control

  await runAll(s, 30_000);
  await pressKey(a);
  await propagate(s, async () => (await inspect(c)).expiresAt === T0 + 90_000, { fakeBudget: 1000, tick: 50 });
  await expectInspect(b, { expiresAt: T0 + MINUTE }, { message: "the private guard ignores other tabs' activity" });

  await runAll(s, 10_000);
  await pressKey(b); // private activity: moves neither a nor c
  const privateAt = (await inspect(b)).now;
  await expectInspect(b, { expiresAt: privateAt + MINUTE });
  await settle(100);
  await expectInspect(a, { expiresAt: T0 + 90_000 });

  await call(a, "signOut");
  await endOf(s, c);
  await settle(100);
  await expectNoLog(b, "onSignOut", "a shared sign-out must not reach a crossTab: false guard");
  await runAll(s, 60_000);
  const e = await endOf(s, b);
  assert.deepEqual(e, { reason: "idle", at: privateAt + MINUTE, remote: false });
});

test("crossTab: false does not resume a stored session on reload", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1);
  const [a] = s.pages;
  const options = { idleTimeoutMs: -1, maxDurationMs: HOUR, crossTab: false };
  await makeGuard(a, options);
  await run(s, 10 * MINUTE);
  await s.reload(a);
  await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: T0 + 10 * MINUTE + HOUR });
});

test("a pause in one tab keeps the other from idling; resume() restarts the idle window", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await call(a, "pause");
  await settle(100);
  await runAll(s, 5 * MINUTE, 5000);
  for (const page of [a, b]) {
    await expectNoLog(page, "onSignOut", "while a tab of the session is paused");
    await expectNoLog(page, "onWarning", "while a tab of the session is paused");
  }
  const resumedAt = (await inspect(a)).now;
  await call(a, "resume");
  await expectInspect(a, { state: "active", expiresAt: resumedAt + MINUTE });
  await propagate(s, async () => (await inspect(b)).expiresAt === resumedAt + MINUTE, {
    fakeBudget: 1000,
    tick: 50,
    message: "the idle window to run again from resume() in tab B",
  });
  await runAll(s, MINUTE - 2 * STEP);
  for (const page of [a, b]) await expectNoLog(page, "onSignOut");
  await runAll(s, 3 * STEP);
  for (const page of [a, b]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (resumedAt + MINUTE)) <= STEP, `at T0+${e.at - T0}`);
  }
});

test("closing the paused tab lets the idle window run again from that moment", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await call(a, "pause");
  await settle(100);
  await runAll(s, 5 * MINUTE, 5000);
  await expectNoLog(b, "onSignOut", "while tab A is paused");

  const closedAt = T0 + 5 * MINUTE + 10_000;
  await s.closePage(a);
  await propagate(s, async () => (await inspect(b)).expiresAt === closedAt + MINUTE, {
    fakeBudget: 0,
    timeout: 5000,
    message: "tab B's idle window to restart when the paused tab closed",
  });
  await run(s, MINUTE - 1);
  await expectNoLog(b, "onSignOut");
  await run(s, 1);
  assert.deepEqual(await endOf(s, b), { reason: "idle", at: closedAt + MINUTE, remote: false });
});

test("reloading the paused tab ends its hold", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await call(a, "pause");
  await settle(100);
  await runAll(s, 3 * MINUTE, 5000);
  await expectNoLog(b, "onSignOut", "while tab A is paused");
  await s.reload(a); // no guard in the reloaded page
  await propagate(s, async () => (await inspect(b)).expiresAt === T0 + 4 * MINUTE, {
    fakeBudget: 0,
    timeout: 5000,
    message: "the hold to end with the reload",
  });
  await runAll(s, MINUTE);
  assert.equal((await endOf(s, b)).reason, "idle");
});

test("destroy() of the paused guard ends its hold", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await call(a, "pause");
  await settle(100);
  await runAll(s, 3 * MINUTE, 5000);
  await call(a, "destroy");
  await propagate(s, async () => (await inspect(b)).expiresAt === T0 + 4 * MINUTE, {
    fakeBudget: 0,
    message: "the hold to end with destroy()",
  });
  await runAll(s, MINUTE);
  assert.equal((await endOf(s, b)).reason, "idle");
  await expectNoLog(a, "onSignOut", "a destroyed guard never calls back");
});

test("destroy() in one tab leaves the session running in the others", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await runAll(s, 10_000);
  await call(a, "destroy");
  await settle(100);
  await expectNoLog(b, "onSignOut", "destroy() does not sign out");
  await expectInspect(b, { state: "active", expiresAt: T0 + MINUTE });
  await call(b, "signOut");
  await endOf(s, b);
  await settle(100);
  assert.deepEqual(await logOf(a), [], "a destroyed guard hears nothing from the other tabs");
});

test("a pause holds the session for idleness only: the absolute deadline still ends every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: 5 * MINUTE };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await call(a, "pause");
  await settle(100);
  await runAll(s, 5 * MINUTE + 2 * STEP, 5000);
  for (const page of [a, b]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "absolute");
  }
});

test("ten tabs: one idle sign-out, exactly one onSignOut in each", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 10);
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  for (const page of s.pages) await makeGuard(page, options);
  await runAll(s, MINUTE + 2 * STEP, 5000);
  await settle(200);
  for (const page of s.pages) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
  }
  await runAll(s, 5 * MINUTE, 60_000);
  await settle(200);
  for (const page of s.pages) await expectLog(page, "onSignOut", 1);
});

test("ten tabs: signOut() in one reaches all, exactly one onSignOut in each", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 10);
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR };
  for (const page of s.pages) await makeGuard(page, options);
  await runAll(s, 5000);
  await call(s.pages[3], "signOut");
  for (const [i, page] of s.pages.entries()) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "manual");
    assert.equal(e.remote, i !== 3, `tab ${i} remote`);
  }
  await settle(200);
  for (const page of s.pages) await expectLog(page, "onSignOut", 1);
});

test("a tab that joined moments before still receives the sign-out (real time, many trials)", { timeout: 120_000 }, async (t) => {
  const s = await h.tabs(t, 2, { fakeClock: false });
  const [a, b] = s.pages;
  const TRIALS = 150;
  const missed = [];
  for (let i = 0; i < TRIALS; i++) {
    const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR, storageKey: `join-${i}` };
    const ga = await makeGuard(a, options);
    const gb = await makeGuard(b, options);
    await sleep((i % 11) * 10); // 0 to 100 ms after tab B joined
    await callOn(a, ga, "signOut");
    try {
      await waitUntil(() => b.evaluate((g) => window.log.some((e) => e.type === "onSignOut" && e.g === g), gb), {
        timeout: 2000,
        interval: 5,
      });
    } catch {
      missed.push({ trial: i, gapMs: (i % 11) * 10, tabB: await inspect(b, gb) });
    }
  }
  assert.deepEqual(missed, [], `tab B never learned of tab A's signOut() in ${missed.length} of ${TRIALS} trials`);
});

test("sign-out propagation latency between two tabs (real time)", { timeout: 120_000 }, async (t) => {
  const s = await h.tabs(t, 2, { fakeClock: false });
  const [a, b] = s.pages;
  const latencies = [];
  const TRIALS = 20;
  for (let i = 0; i < TRIALS; i++) {
    const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR, storageKey: `latency-${i}` };
    const ga = await makeGuard(a, options);
    const gb = await makeGuard(b, options);
    await sleep(30);
    const sentAt = await a.evaluate((g) => {
      const t = Date.now();
      window.guards[g].signOut();
      return t;
    }, ga);
    await waitUntil(
      () => b.evaluate((g) => window.log.some((e) => e.type === "onSignOut" && e.g === g), gb),
      { timeout: 5000, interval: 5, message: `tab B's onSignOut in trial ${i}` },
    );
    const entry = (await logOf(b, "onSignOut")).find((e) => e.g === gb);
    assert.equal(entry.event.remote, true);
    latencies.push(entry.now - sentAt); // Date.now() in both pages: the real clock here
  }
  const sorted = [...latencies].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted[sorted.length - 1];
  console.log(
    `sign-out propagation between two tabs over ${TRIALS} trials: median ${median} ms, worst ${worst} ms`,
  );
  assert.ok(median < 100, `median ${median} ms`);
  assert.ok(worst < 100, `worst ${worst} ms (contract: within 100 ms)`);
});

test("a tab of a newer release (fields this release does not know) shares the session", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages; // b plays a tab running a newer release of the package
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await runAll(s, 20_000);
  // The newer tab is active: it rewrites the record with its own extra fields
  // (every JSON shape) and posts it, as a newer guard would.
  const newer = await b.evaluate(() => {
    const record = JSON.parse(localStorage.getItem("session-guard"));
    const text = JSON.stringify({
      writer: "9.1.0",
      ...record,
      lastActivity: Date.now(),
      serverDeadlines: { idle: 1700000000000, list: [1, 2.5, null] },
      claims: [{ tab: "\u00e9\"", at: -1e3 }],
    });
    localStorage.setItem("session-guard", text);
    const channel = new BroadcastChannel("session-guard");
    channel.postMessage(text);
    channel.close();
    return JSON.parse(text).lastActivity;
  });
  assert.equal(newer, T0 + 20_000);
  await expectInspect(a, { state: "active", expiresAt: newer + MINUTE }, { message: "the newer tab's activity counts" });
  await expectNoLog(a, "onError");
  // A reload reads the newer record and resumes the session.
  await s.reload(a);
  await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: newer + MINUTE });
  await expectNoLog(a, "onError");
  await expectNoLog(a, "onSignOut");
});
