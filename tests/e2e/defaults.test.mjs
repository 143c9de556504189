// The defaults of the contract, through the shipped package: guards built
// with nothing but onSignOut (plus the one option a case needs to see a
// default behind another), checked through what they do.

import { test } from "node:test";
import { countListeners } from "../common/listeners.js";
import {
  DEFAULT_EVENTS,
  HOUR,
  MINUTE,
  T0,
  advance,
  assert,
  call,
  expectInspect,
  expectLog,
  inspect,
  logOf,
  moveMouse,
  pressKey,
  propagate,
  run,
  settle,
  setup,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };

/** The defaults of the contract's options table. */
const IDLE = 300_000;
const MAX = 10_800_000;
const REMEMBER = 2_592_000_000;

/**
 * `new SessionGuard({ onSignOut, ...extra })` in `page`, without the recorders
 * makeGuard adds (so no option is given but these); onSignOut is recorded in
 * window.log. Returns nothing; inspect(page) reads the guard.
 */
async function bare(page, extra = {}) {
  await page.evaluate((extra) => {
    const g = window.guards.length;
    const guard = new window.SessionGuard({ onSignOut: (e) => window.record("onSignOut", g, e), ...extra });
    window.guards.push(guard);
    window.guard = guard;
  }, extra);
}

test("defaults: no option but onSignOut gives a 5 minute idle window, no warning, and an idle sign-out", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await bare(p);
  await expectInspect(p, { state: "active", expiresAt: T0 + IDLE, remainingMs: IDLE }, { message: "idleTimeoutMs defaults to 300000" });
  await run(s, IDLE - 1, { step: MINUTE });
  await expectInspect(p, { state: "active", remainingMs: 1 }, { message: "warnBeforeMs defaults to 0: no warning state" });
  assert.deepEqual(await logOf(p, "onSignOut"), []);
  await run(s, 1);
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.deepEqual(end.event, { reason: "idle", at: T0 + IDLE, remote: false });
});

test("defaults: the absolute lifetime is 180 minutes from now (startedAt defaults to now)", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await run(s, 5000);
  const start = T0 + 5000;
  await bare(p, { idleTimeoutMs: -1 });
  await expectInspect(p, { state: "active", expiresAt: start + MAX }, { message: "maxDurationMs defaults to 10800000" });
  await run(s, MAX - 1, { step: HOUR });
  assert.deepEqual(await logOf(p, "onSignOut"), []);
  await run(s, 1);
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.deepEqual(end.event, { reason: "absolute", at: start + MAX, remote: false });
});

test("defaults: rememberMe is off, and its window is 30 days, capped by the 180 minute lifetime", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await bare(p, { storageKey: "default-remember-1", maxDurationMs: -1 });
  await expectInspect(p, { expiresAt: T0 + IDLE }, { message: "rememberMe defaults to false" });
  await bare(p, { storageKey: "default-remember-2", rememberMe: true, maxDurationMs: -1 });
  await expectInspect(p, { expiresAt: T0 + REMEMBER }, { message: "rememberMePeriodMs defaults to 2592000000" });
  await bare(p, { storageKey: "default-remember-3", rememberMe: true });
  await expectInspect(p, { expiresAt: T0 + MAX }, { message: "the default lifetime caps the default remember-me window" });

  // setRememberMe() on a guard built with no option but onSignOut
  await bare(p, { storageKey: "default-remember-4" });
  await run(s, 10_000);
  await pressKey(p);
  await call(p, "setRememberMe", true);
  await expectInspect(p, { expiresAt: T0 + MAX });
  await run(s, 5 * MINUTE, { step: MINUTE });
  const ends = (await logOf(p, "onSignOut")).filter((e) => e.g === 3);
  assert.deepEqual(ends, [], "no idle sign-out with remember-me on");
});

test("defaults: crossTab is on and the session is stored under \"session-guard\"", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await bare(a);
  await bare(b);
  const stored = await a.evaluate(() => localStorage.getItem("session-guard"));
  assert.ok(stored, "storageKey defaults to \"session-guard\": the record is stored there");
  assert.deepEqual(await a.evaluate(() => Object.keys(localStorage)), ["session-guard"]);
  await run(s, MINUTE, { step: 1000 });
  await pressKey(a);
  await propagate(s, async () => (await inspect(b)).expiresAt === T0 + MINUTE + IDLE, {
    fakeBudget: 1000,
    tick: 50,
    message: "activity in tab A to move tab B's deadline (crossTab defaults to true)",
  });
  await call(a, "signOut");
  await propagate(s, async () => (await logOf(b, "onSignOut")).length > 0, { message: "the sign-out to reach tab B" });
  const [end] = await expectLog(b, "onSignOut", 1);
  assert.equal(end.event.reason, "manual");
  assert.equal(end.event.remote, true);
});

test("defaults: the five activity events (not scroll), listened for on document in the capture phase, passive", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 1, { initScript: countListeners });
  const [p] = s.pages;
  const before = await p.evaluate(() => window.listeners().length);
  await bare(p);
  const activity = (await p.evaluate(() => window.listeners()))
    .slice(before)
    .filter((e) => e.on === "document" && e.capture);
  assert.deepEqual(activity.map((e) => e.type).sort(), [...DEFAULT_EVENTS].sort(), "events defaults to the five types, target to document");
  assert.ok(activity.every((e) => e.passive), `passive listeners: ${JSON.stringify(activity)}`);

  // Each of them, trusted, moves the deadline. (The emulated touch also fires
  // pointer events, so for touchstart the list above is what tells.)
  const cdp = await s.context.newCDPSession(p);
  const inputs = {
    pointermove: () => moveMouse(p),
    pointerdown: async () => {
      await p.mouse.down();
      await p.mouse.up();
    },
    keydown: () => pressKey(p),
    wheel: () => p.mouse.wheel(0, 40),
    touchstart: async () => {
      await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: 50, y: 50 }] });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    },
    // A scroll the browser performs (trusted), with no key, wheel or pointer.
    scroll: () =>
      p.evaluate(() => {
        document.body.style.height = "5000px";
        window.scrollTo(0, 1000);
      }),
  };
  let at = T0;
  for (const type of DEFAULT_EVENTS) {
    await advance(s, 10_000);
    at += 10_000;
    await inputs[type]();
    await settle();
    await expectInspect(p, { expiresAt: at + IDLE }, { message: `a trusted ${type} counts by default` });
  }
  // A scroll is a trusted event too, but a page may make it itself.
  await advance(s, 10_000);
  await inputs.scroll();
  await settle();
  await expectInspect(p, { expiresAt: at + IDLE }, { message: "a scroll does not count by default" });
});

test("defaults: script-dispatched events do not count (allowSyntheticEvents defaults to false)", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await bare(p);
  await run(s, 30_000);
  await p.evaluate(() => {
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    document.body.dispatchEvent(new PointerEvent("pointermove", { bubbles: true }));
  });
  await expectInspect(p, { expiresAt: T0 + IDLE }, { message: "synthetic events moved the deadline" });
});

test("defaults: without onError, a rejected stored record goes to console.error and the session ends", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await p.evaluate(() => localStorage.setItem("session-guard", "garbage"));
  await bare(p);
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.equal(end.event.reason, "absolute", "fails closed");
  await settle();
  const errors = p.consoleMessages.filter((m) => m.type === "error" && !/Failed to load resource/.test(m.text));
  assert.equal(errors.length, 1, `console.error once: ${JSON.stringify(p.consoleMessages)}`);
});
