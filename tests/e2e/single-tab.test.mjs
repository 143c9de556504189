// One tab, one guard: the rules of the contract as a user of one page sees them.
// Every test runs in its own browser context (fresh storage) with the fake clock
// paused at T0, so only runFor / fastForward / setSystemTime move time.

import { test } from "node:test";
import {
  DAY,
  HOUR,
  MINUTE,
  T0,
  assert,
  call,
  logOf,
  makeGuard,
  moveMouse,
  pressKey,
  settle,
  setup,
  waitUntil,
  expectInspect,
  inspect,
  expectLog,
  expectNoLog,
  run,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };

/** A fresh context with one fixture page and one guard in it. */
async function start(t, options, hooks, sessionOptions) {
  const s = await h.tabs(t, 1, sessionOptions);
  const p = s.pages[0];
  if (options) await makeGuard(p, options, hooks);
  // `clock.runFor(ms)` runs the fake clock, then lets real time settle.
  const clock = {
    runFor: (ms) => run(s, ms),
    fastForward: async (ms) => {
      await s.clock.fastForward(ms);
      await settle();
    },
    setSystemTime: async (time) => {
      await s.clock.setSystemTime(time);
      await settle();
    },
  };
  return { s, p, clock };
}

/** Waits for exactly one onSignOut and returns its event (deep-equal to `expected` when given). */
async function oneSignOut(p, expected) {
  const [entry] = await expectLog(p, "onSignOut", 1);
  if (expected) assert.deepEqual(entry.event, expected);
  return entry.event;
}

async function assertNoSignOut(p, when = "") {
  await expectNoLog(p, "onSignOut", when);
}

test("idle sign-out happens exactly idleTimeoutMs after the start, once, with reason idle", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });

  await expectInspect(p, { state: "active", remainingMs: 60_000, expiresAt: T0 + 60_000, now: T0 });

  await clock.runFor(59_999);
  await assertNoSignOut(p, "1 ms before the idle deadline");
  await expectInspect(p, { remainingMs: 1 });

  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 60_000, remote: false });
  const [entry] = await logOf(p, "onSignOut");
  assert.equal(entry.now, T0 + 60_000, "onSignOut is called at the deadline itself");
  await expectInspect(p, { state: "signedOut", remainingMs: 0 });

  await clock.runFor(HOUR);
  await oneSignOut(p);
  await expectNoLog(p, "onWarning", "(warnBeforeMs defaults to 0)");
});

test("idle warning and sign-out are decided synchronously when the timer fires (no waiting)", TIMEOUT, async (t) => {
  // What a test of the contract would do: run the clock, then look at once.
  const { s, p } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await s.clock.runFor(50_000);
  assert.equal((await logOf(p, "onWarning")).length, 1, "onWarning right when the clock reached the warning");
  assert.equal((await inspect(p)).state, "warning");
  await s.clock.runFor(10_000);
  const ends = await logOf(p, "onSignOut");
  assert.equal(ends.length, 1, "onSignOut right when the clock reached the deadline");
  assert.deepEqual(ends[0].event, { reason: "idle", at: T0 + 60_000, remote: false });
  assert.equal((await inspect(p)).state, "signedOut");
});

test("defaults: a 5 minute idle window and a 180 minute lifetime", TIMEOUT, async (t) => {
  const { s, p, clock } = await start(t, {});
  await expectInspect(p, { expiresAt: T0 + 5 * MINUTE }, { message: "idleTimeoutMs defaults to 300000" });
  await clock.runFor(5 * MINUTE);
  assert.equal((await oneSignOut(p)).reason, "idle");

  const other = await s.open();
  await makeGuard(other, { idleTimeoutMs: -1, crossTab: false });
  const info = await inspect(other);
  assert.equal(info.expiresAt, info.now + 180 * MINUTE, "maxDurationMs defaults to 10800000");
});

test("a trusted key press postpones the idle sign-out", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(40_000);
  await pressKey(p);
  await expectInspect(p, { expiresAt: T0 + 100_000 });

  await clock.runFor(59_999);
  await assertNoSignOut(p, "before last activity + idleTimeoutMs");
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 100_000, remote: false });
});

test("a trusted mouse move postpones the idle sign-out", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(30_000);
  await moveMouse(p);
  await expectInspect(p, { expiresAt: T0 + 90_000 });
  await clock.runFor(50_000);
  await moveMouse(p);
  await expectInspect(p, { expiresAt: T0 + 140_000 });
  await clock.runFor(59_999);
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 140_000, remote: false });
});

test("every move of a burst moves the deadline at once, and the last one decides the end", TIMEOUT, async (t) => {
  // Moves well under a second apart: after the first ones, the listener only
  // time-stamps them (no call into the guard). Each must still count, both in
  // what the guard reports at once and in when it signs out.
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(30_000);
  for (let i = 0; i < 8; i++) {
    await moveMouse(p);
    // Not asked after the last move: only the guard's next wake learns of it.
    if (i < 7) await expectInspect(p, { expiresAt: T0 + 90_000 + i * 100, remainingMs: 60_000, state: "active" });
    await clock.runFor(100);
  }
  // The last move was at T0 + 30,700.
  await clock.runFor(90_700 - 30_800 - 1);
  await assertNoSignOut(p, "before the last move of the burst + idleTimeoutMs");
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 90_700, remote: false });
});

test("a burst of untrusted events between trusted ones still counts for nothing", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(10_000);
  await moveMouse(p);
  await clock.runFor(200);
  await p.evaluate(() => {
    for (let i = 0; i < 20; i++) document.dispatchEvent(new PointerEvent("pointermove"));
  });
  await expectInspect(p, { expiresAt: T0 + 70_000 });
  await clock.runFor(59_800 - 1);
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 70_000, remote: false });
});

const SYNTHETIC = () => {
  document.dispatchEvent(new Event("keydown"));
  document.body.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true, key: "a" }));
  document.body.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: 5, clientY: 5 }));
  document.body.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
  document.dispatchEvent(new WheelEvent("wheel", { deltaY: 10 }));
};

test("script-dispatched (untrusted) events do not count as activity by default", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(40_000);
  await p.evaluate(SYNTHETIC);
  await expectInspect(p, { expiresAt: T0 + 60_000 }, { message: "synthetic events must not move the deadline" });
  await expectNoLog(p, "onActivity");
  await clock.runFor(20_000);
  await oneSignOut(p, { reason: "idle", at: T0 + 60_000, remote: false });
});

test("allowSyntheticEvents: true makes script-dispatched events count", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR, allowSyntheticEvents: true });
  await clock.runFor(40_000);
  await p.evaluate(() => document.dispatchEvent(new Event("keydown")));
  await expectInspect(p, { expiresAt: T0 + 100_000 });
  await clock.runFor(20_000);
  await assertNoSignOut(p, "after a counted synthetic keydown");
  await clock.runFor(40_000);
  assert.equal((await oneSignOut(p)).reason, "idle");
});

test("events: only the listed event types count", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR, events: ["keydown"] });
  await clock.runFor(20_000);
  await moveMouse(p);
  await moveMouse(p);
  await expectInspect(p, { expiresAt: T0 + 60_000 }, { message: "pointermove is not in events" });
  await pressKey(p);
  await expectInspect(p, { expiresAt: T0 + 80_000 }, { message: "keydown is in events" });
});

test("target: only events reaching the given EventTarget count", TIMEOUT, async (t) => {
  const { p, clock } = await start(
    t,
    { idleTimeoutMs: 60_000, maxDurationMs: HOUR },
    { options: "({ target: document.getElementById('field') })" },
  );
  await clock.runFor(20_000);
  await moveMouse(p); // over #pad, not the field
  await pressKey(p); // focus is on <body>
  await expectInspect(p, { expiresAt: T0 + 60_000 }, { message: "events outside the target do not count" });
  await p.focus("#field");
  await pressKey(p, "a");
  await expectInspect(p, { expiresAt: T0 + 80_000 }, { message: "a key press in the target counts" });
});

test("the absolute deadline signs out at maxDurationMs despite constant activity", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: 5 * MINUTE });
  for (let elapsed = 0; elapsed < 5 * MINUTE - 20_000; elapsed += 20_000) {
    await clock.runFor(20_000);
    await pressKey(p);
    await moveMouse(p);
  }
  // now T0 + 280 s; last activity just now
  await expectInspect(p, { expiresAt: T0 + 5 * MINUTE }, { message: "activity never extends the absolute deadline" });
  await assertNoSignOut(p);
  await clock.runFor(19_999);
  await assertNoSignOut(p, "1 ms before the absolute deadline");
  await clock.runFor(1);
  await oneSignOut(p, { reason: "absolute", at: T0 + 5 * MINUTE, remote: false });
});

test("equal idle and absolute deadlines end with reason absolute", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: 60_000 });
  await clock.runFor(60_000);
  await oneSignOut(p, { reason: "absolute", at: T0 + 60_000, remote: false });
});

test("startedAt in the past shortens the absolute deadline", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: 2 * MINUTE,
    maxDurationMs: 5 * MINUTE,
    startedAt: T0 - 4 * MINUTE,
  });
  await expectInspect(p, { expiresAt: T0 + MINUTE, remainingMs: MINUTE });
  await clock.runFor(MINUTE - 1);
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "absolute", at: T0 + MINUTE, remote: false });
});

test("startedAt so far back that the lifetime is over signs out at once with reason absolute", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: MINUTE,
    maxDurationMs: 5 * MINUTE,
    startedAt: T0 - 10 * MINUTE,
  });
  const e = await oneSignOut(p);
  assert.equal(e.reason, "absolute");
  assert.equal(e.remote, false);
  assert.ok(e.at >= T0 - 5 * MINUTE && e.at <= T0, `at ${e.at - T0} ms from now should be between the deadline and now`);
  await expectInspect(p, { state: "signedOut" });
});

test("remember-me replaces the idle window", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: MINUTE,
    maxDurationMs: HOUR,
    rememberMe: true,
    rememberMePeriodMs: 10 * MINUTE,
  });
  await expectInspect(p, { expiresAt: T0 + 10 * MINUTE });
  await clock.runFor(5 * MINUTE);
  await assertNoSignOut(p, "after idleTimeoutMs while remember-me is on");
  await clock.runFor(5 * MINUTE);
  await oneSignOut(p, { reason: "idle", at: T0 + 10 * MINUTE, remote: false });
});

test("remember-me never carries the session past maxDurationMs", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: MINUTE,
    maxDurationMs: 5 * MINUTE,
    rememberMe: true,
    rememberMePeriodMs: 10 * MINUTE,
  });
  await expectInspect(p, { expiresAt: T0 + 5 * MINUTE });
  await clock.runFor(5 * MINUTE);
  await oneSignOut(p, { reason: "absolute", at: T0 + 5 * MINUTE, remote: false });
});

test("remember-me with the default 30-day period (longer than a setTimeout can wait) holds for 30 days", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: -1, rememberMe: true });
  await expectInspect(p, { expiresAt: T0 + 30 * DAY });
  await clock.runFor(HOUR);
  await assertNoSignOut(p, "an hour into a 30-day remember-me window");
  await clock.runFor(20 * DAY);
  await assertNoSignOut(p, "20 days into a 30-day remember-me window");
  await clock.runFor(10 * DAY - HOUR - 1);
  await assertNoSignOut(p, "1 ms before the 30-day window ends");
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 30 * DAY, remote: false });
});

test("remember-me on by default options is capped by the default 180 minute lifetime", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { rememberMe: true });
  await expectInspect(p, { expiresAt: T0 + 180 * MINUTE });
  await clock.runFor(180 * MINUTE);
  assert.equal((await oneSignOut(p)).reason, "absolute");
});

test("setRememberMe(true) and setRememberMe(false) switch the idle window at once", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: MINUTE,
    maxDurationMs: HOUR,
    rememberMePeriodMs: 10 * MINUTE,
  });
  await clock.runFor(30_000);
  await pressKey(p); // last activity T0 + 30 s
  await expectInspect(p, { expiresAt: T0 + 90_000 });
  await call(p, "setRememberMe", true);
  await expectInspect(p, { expiresAt: T0 + 30_000 + 10 * MINUTE }, { message: "remember-me on: the long window at once" });

  await clock.runFor(2 * MINUTE); // T0 + 150 s: past the short window
  await assertNoSignOut(p, "while remember-me is on");
  await pressKey(p); // last activity T0 + 150 s
  await call(p, "setRememberMe", false);
  await expectInspect(p, { expiresAt: T0 + 150_000 + MINUTE }, { message: "remember-me off: the short window at once" });
  await clock.runFor(MINUTE);
  await oneSignOut(p, { reason: "idle", at: T0 + 210_000, remote: false });
});

test("setRememberMe(false) after the short idle window has passed signs out at once", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, {
    idleTimeoutMs: MINUTE,
    maxDurationMs: HOUR,
    rememberMe: true,
    rememberMePeriodMs: 10 * MINUTE,
  });
  await clock.runFor(2 * MINUTE);
  await call(p, "setRememberMe", false);
  const e = await oneSignOut(p);
  assert.equal(e.reason, "idle");
  assert.ok(e.at >= T0 + MINUTE && e.at <= T0 + 2 * MINUTE, `at ${e.at - T0} should lie between the deadline and now`);
});

test("warning fires once at end − warnBeforeMs; activity returns to active and re-arms it", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await clock.runFor(49_999);
  await expectNoLog(p, "onWarning");
  await expectInspect(p, { state: "active" });

  await clock.runFor(1);
  let warnings = await expectLog(p, "onWarning", 1);
  assert.deepEqual(warnings[0].event, { reason: "idle", remainingMs: 10_000, expiresAt: T0 + 60_000 });
  assert.equal(warnings[0].now, T0 + 50_000);
  await expectInspect(p, { state: "warning" });

  await clock.runFor(5_000);
  await expectLog(p, "onWarning", 1); // the warning fires once per deadline

  await pressKey(p); // T0 + 55 s
  await expectInspect(p, { state: "active", expiresAt: T0 + 115_000 }, { message: "activity during an idle warning returns to active" });

  await clock.runFor(49_999);
  await expectLog(p, "onWarning", 1);
  await clock.runFor(1);
  warnings = await expectLog(p, "onWarning", 2); // armed again for the new deadline
  assert.deepEqual(warnings[1].event, { reason: "idle", remainingMs: 10_000, expiresAt: T0 + 115_000 });
  await expectInspect(p, { state: "warning" });

  await clock.runFor(10_000);
  await oneSignOut(p, { reason: "idle", at: T0 + 115_000, remote: false });
  await expectLog(p, "onWarning", 2);
});

test("an absolute warning is not cancelled by activity", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: 120_000, warnBeforeMs: 10_000 });
  for (let i = 0; i < 5; i++) {
    await clock.runFor(20_000);
    await pressKey(p);
  }
  // T0 + 100 s, idle deadline T0 + 160 s, absolute T0 + 120 s
  await expectNoLog(p, "onWarning");
  await clock.runFor(10_000);
  const warnings = await expectLog(p, "onWarning", 1);
  assert.deepEqual(warnings[0].event, { reason: "absolute", remainingMs: 10_000, expiresAt: T0 + 120_000 });

  await pressKey(p);
  await moveMouse(p);
  await call(p, "touch");
  await settle();
  await expectInspect(p, { state: "warning", expiresAt: T0 + 120_000 }, { message: "activity cannot cancel an absolute warning" });
  await clock.runFor(9_999);
  await expectLog(p, "onWarning", 1); // no second warning for the same deadline
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "absolute", at: T0 + 120_000, remote: false });
});

test("pause() stops idle enforcement while the absolute deadline still holds", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: 10 * MINUTE, warnBeforeMs: 10_000 });
  await clock.runFor(10_000);
  await call(p, "pause");
  await expectInspect(
    p,
    { state: "paused", expiresAt: T0 + 10 * MINUTE, remainingMs: 10 * MINUTE - 10_000 },
    { message: "while paused the session ends at the absolute deadline" },
  );

  await clock.runFor(5 * MINUTE);
  await assertNoSignOut(p, "while paused");
  await pressKey(p);
  await expectInspect(p, { state: "paused" }, { message: "activity does not end a pause" });
  await clock.runFor(4 * MINUTE + 39_999); // T0 + 9 min 49.999 s
  await expectNoLog(p, "onWarning");
  await clock.runFor(1);
  const warnings = await expectLog(p, "onWarning", 1);
  assert.deepEqual(warnings[0].event, { reason: "absolute", remainingMs: 10_000, expiresAt: T0 + 10 * MINUTE });
  await clock.runFor(10_000);
  await oneSignOut(p, { reason: "absolute", at: T0 + 10 * MINUTE, remote: false });
  await expectInspect(p, { state: "signedOut" });
});

test("resume() counts as activity", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await call(p, "pause");
  await clock.runFor(5 * MINUTE);
  await call(p, "resume");
  await expectInspect(p, { state: "active", expiresAt: T0 + 6 * MINUTE });
  await clock.runFor(MINUTE - 1);
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 6 * MINUTE, remote: false });
});

test("touch() counts as activity", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await clock.runFor(40_000);
  await call(p, "touch");
  await expectInspect(p, { expiresAt: T0 + 100_000 });
  await clock.runFor(59_999);
  await assertNoSignOut(p);
  await clock.runFor(1);
  await oneSignOut(p, { reason: "idle", at: T0 + 100_000, remote: false });
});

test("signOut() ends the session at once with reason manual", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await clock.runFor(12_345);
  await call(p, "signOut");
  await oneSignOut(p, { reason: "manual", at: T0 + 12_345, remote: false });
  await expectInspect(p, { state: "signedOut", remainingMs: 0 });
  await call(p, "signOut");
  await clock.runFor(HOUR);
  await oneSignOut(p);
});

test("remainingMs(), expiresAt() and state() follow the clock", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await clock.runFor(15_000);
  await expectInspect(p, { state: "active", remainingMs: 45_000, expiresAt: T0 + MINUTE, now: T0 + 15_000 });
  await clock.runFor(44_000);
  await expectInspect(p, { state: "active", remainingMs: 1_000, expiresAt: T0 + MINUTE, now: T0 + 59_000 });
});

test("expiresAt() and remainingMs() never jump while a warning or an end is being decided", TIMEOUT, async (t) => {
  // Sampled right after the clock reaches each instant, before anything settles:
  // whatever the guard is still working out, the end as it stands is the idle deadline.
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const s = await h.session();
    const p = s.pages[0];
    await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
    for (const ms of [50_000, 10_000]) {
      await s.clock.runFor(ms);
      samples.push(await p.evaluate(() => ({ expiresAt: window.guard.expiresAt(), remainingMs: window.guard.remainingMs(), now: Date.now() })));
      await settle(100);
    }
    await s.close();
  }
  for (const { expiresAt, remainingMs, now } of samples) {
    const at = `at T0+${now - T0}`;
    assert.equal(expiresAt, T0 + MINUTE, `${at}: expiresAt() is T0+${expiresAt - T0}`);
    assert.equal(remainingMs, T0 + MINUTE - now, `${at}: remainingMs() is ${remainingMs}`);
  }
});

test("after sign-out nothing revives the guard", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await clock.runFor(MINUTE);
  await oneSignOut(p);
  const before = await logOf(p);

  await pressKey(p);
  await moveMouse(p);
  for (const [method, ...args] of [["touch"], ["resume"], ["pause"], ["resume"], ["setRememberMe", true], ["signOut"]]) {
    await call(p, method, ...args);
  }
  await clock.runFor(2 * HOUR);
  await pressKey(p);
  await settle();

  await expectInspect(p, { state: "signedOut", remainingMs: 0 });
  assert.deepEqual(await logOf(p), before, "no callback of any kind after the end");
});

test("destroy() removes everything without signing out; idempotent; no callback afterwards", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: 10 * MINUTE, warnBeforeMs: 10_000 });
  await clock.runFor(10_000);
  await pressKey(p);
  await call(p, "destroy");
  const before = await logOf(p);
  assert.deepEqual(before.filter((e) => e.type !== "onActivity"), [], "nothing but onActivity before destroy");

  await call(p, "destroy");
  await pressKey(p);
  await moveMouse(p);
  await p.evaluate(() => {
    window.dispatchEvent(new Event("focus"));
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await clock.runFor(2 * HOUR);
  await clock.setSystemTime(T0 + DAY);
  await pressKey(p);
  await settle(50);
  assert.deepEqual(await logOf(p), before, "no callback after destroy()");
  assert.deepEqual(p.pageErrors, []);
});

test("a callback that throws is reported to onError and the guard keeps working", TIMEOUT, async (t) => {
  const { p, clock } = await start(
    t,
    { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 },
    {
      after: `({
        onActivity: () => { throw new Error("activity-boom"); },
        onWarning: () => { throw new Error("warning-boom"); },
        onSignOut: () => { throw new Error("signout-boom"); },
      })`,
    },
  );
  await clock.runFor(10_000);
  await pressKey(p); // last activity T0 + 10 s
  let errors = await expectLog(p, "onError", 1);
  assert.match(errors[0].event.message, /activity-boom/);
  await expectInspect(p, { expiresAt: T0 + 70_000 }, { message: "the activity still counted" });

  await clock.runFor(50_000);
  errors = await expectLog(p, "onError", 2);
  assert.match(errors[1].event.message, /warning-boom/);
  await expectInspect(p, { state: "warning" });

  await clock.runFor(10_000);
  await oneSignOut(p, { reason: "idle", at: T0 + 70_000, remote: false });
  errors = await expectLog(p, "onError", 3);
  assert.match(errors[2].event.message, /signout-boom/);
  await expectInspect(p, { state: "signedOut" });
  assert.deepEqual(p.pageErrors, []);
});

test("onError defaults to console.error", TIMEOUT, async (t) => {
  const { p, clock } = await start(
    t,
    { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 },
    { omit: ["onError"], after: `({ onWarning: () => { throw new Error("unhandled-warning-boom"); } })` },
  );
  await clock.runFor(50_000);
  await expectLog(p, "onWarning", 1);
  await waitUntil(
    () => p.consoleMessages.find((m) => m.type === "error" && m.text.includes("unhandled-warning-boom")),
    { timeout: 3000, message: "a console.error naming the thrown error" },
  );
  await clock.runFor(10_000);
  assert.equal((await oneSignOut(p)).reason, "idle", "the guard kept working");
});

test("onActivity fires at most once a second under constant activity", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  for (let i = 0; i < 50; i++) {
    await moveMouse(p);
    if (i % 5 === 0) await pressKey(p);
    await clock.runFor(100);
  }
  const calls = await logOf(p, "onActivity");
  assert.ok(calls.length >= 3, `onActivity should fire while activity goes on: ${calls.length} calls in 5 s`);
  assert.ok(calls.length <= 6, `at most once a second: ${calls.length} calls in 5 s`);
  for (let i = 1; i < calls.length; i++) {
    assert.ok(calls[i].now - calls[i - 1].now >= 1000, `calls ${calls[i - 1].now - T0} and ${calls[i].now - T0} are < 1 s apart`);
  }
  for (const c of calls) {
    assert.equal(c.event.remote, false);
    assert.ok(c.event.at >= T0 && c.event.at <= T0 + 5000);
  }
});

test("onSignOut may call guard.state() and guard.destroy()", TIMEOUT, async (t) => {
  const { p, clock } = await start(
    t,
    { idleTimeoutMs: MINUTE, maxDurationMs: HOUR },
    {
      after: `({
        onSignOut: (e, g) => {
          window.seenState = g.state();
          window.seenRemaining = g.remainingMs();
          g.destroy();
          window.destroyed = true;
        },
      })`,
    },
  );
  await clock.runFor(MINUTE);
  await oneSignOut(p);
  await settle();
  const seen = await p.evaluate(() => ({ state: window.seenState, remaining: window.seenRemaining, destroyed: window.destroyed }));
  assert.deepEqual(seen, { state: "signedOut", remaining: 0, destroyed: true });
  assert.deepEqual(await logOf(p, "onError"), []);
  assert.deepEqual(p.pageErrors, []);
});

test("onWarning may call guard.touch()", TIMEOUT, async (t) => {
  const { p, clock } = await start(
    t,
    { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 },
    { after: `({ onWarning: (e, g) => { if (window.touched) return; g.touch(); window.touched = g.state(); } })` },
  );
  await clock.runFor(50_000);
  await expectLog(p, "onWarning", 1);
  assert.equal(await p.evaluate(() => window.touched), "active");
  await expectInspect(p, { state: "active", expiresAt: T0 + 110_000 }, { message: "touch() inside onWarning moved the idle deadline" });
  assert.deepEqual(await logOf(p, "onError"), []);
  assert.deepEqual(p.pageErrors, []);
  await clock.runFor(60_000);
  await oneSignOut(p, { reason: "idle", at: T0 + 110_000, remote: false });
});

test("sleep/wake: the first key press after the end was due signs out, never extends", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await clock.runFor(10_000);
  await clock.setSystemTime(T0 + 10_000 + 2 * HOUR); // the laptop slept; no timer ran
  await assertNoSignOut(p, "before anything woke the page");
  await pressKey(p);
  const e = await oneSignOut(p);
  assert.equal(e.reason, "idle", `both deadlines passed; the idle one (T0+60 s) came first: ${JSON.stringify({ ...e, at: "T0+" + (e.at - T0) })}`);
  assert.equal(e.remote, false);
  assert.ok(e.at >= T0 + MINUTE && e.at <= T0 + 10_000 + 2 * HOUR, `at ${e.at - T0} between the deadline and now`);
  await expectInspect(p, { state: "signedOut" });
  await expectNoLog(p, "onActivity", "(the late key press must not count as activity)");
});

test("sleep/wake past the absolute deadline signs out with reason absolute", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: -1, maxDurationMs: HOUR });
  await clock.runFor(10_000);
  await clock.setSystemTime(T0 + 2 * HOUR);
  await moveMouse(p);
  const e = await oneSignOut(p);
  assert.equal(e.reason, "absolute");
  assert.ok(e.at >= T0 + HOUR && e.at <= T0 + 2 * HOUR);
});

test("a timer that fires late (fastForward) signs out with the due reason", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await clock.fastForward(5 * MINUTE);
  const e = await oneSignOut(p);
  assert.equal(e.reason, "idle");
  assert.ok(e.at >= T0 + MINUTE && e.at <= T0 + 5 * MINUTE);
  await expectInspect(p, { state: "signedOut" });
});

for (const [name, dispatch] of [
  ["focus", () => window.dispatchEvent(new FocusEvent("focus"))],
  ["visibilitychange", () => document.dispatchEvent(new Event("visibilitychange"))],
  ["pageshow", () => window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }))],
]) {
  test(`deadlines are checked again on ${name}, without any timer or activity`, TIMEOUT, async (t) => {
    const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
    await clock.runFor(10_000);
    await clock.setSystemTime(T0 + 10 * MINUTE);
    await settle(20);
    await assertNoSignOut(p, "before the page was woken");
    await p.evaluate(dispatch);
    await settle(20);
    const e = await oneSignOut(p);
    assert.equal(e.reason, "idle");
    assert.ok(e.at >= T0 + MINUTE && e.at <= T0 + 10 * MINUTE);
  });
}

test("a re-check that finds nothing due changes nothing", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await clock.runFor(10_000);
  await p.evaluate(() => {
    window.dispatchEvent(new FocusEvent("focus"));
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expectInspect(p, { expiresAt: T0 + MINUTE }, { message: "focus/visibility are not activity" });
  await assertNoSignOut(p);
});

test("idleTimeoutMs: -1 disables the idle limit", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: -1, maxDurationMs: 10 * MINUTE });
  await expectInspect(p, { expiresAt: T0 + 10 * MINUTE });
  await clock.runFor(10 * MINUTE - 1);
  await assertNoSignOut(p, "with no idle limit");
  await clock.runFor(1);
  await oneSignOut(p, { reason: "absolute", at: T0 + 10 * MINUTE, remote: false });
});

test("maxDurationMs: -1 disables the absolute limit", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: HOUR, maxDurationMs: -1 });
  for (let i = 1; i <= 5; i++) {
    await clock.runFor(50 * MINUTE);
    await call(p, "touch");
    await expectInspect(p, { expiresAt: T0 + i * 50 * MINUTE + HOUR });
  }
  await assertNoSignOut(p, "past the default 180 minutes with no absolute limit");
  await clock.runFor(HOUR);
  await oneSignOut(p, { reason: "idle", at: T0 + 250 * MINUTE + HOUR, remote: false });
});

test("no page errors and no console errors in a clean run", TIMEOUT, async (t) => {
  const { p, clock } = await start(t, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 5_000 }, { omit: ["onError"] });
  await pressKey(p);
  await moveMouse(p);
  await clock.runFor(MINUTE);
  await oneSignOut(p);
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(p.consoleMessages.filter((m) => m.type === "error"), []);
});

