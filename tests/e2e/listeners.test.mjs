// Every listener the guard adds, on its target, on window and document and on
// its BroadcastChannel, is removed again by destroy() and by every way the
// session ends; its channel is closed. An init script keeps a list of the
// listeners registered in the page (before the package loads), so a leak
// shows even where a destroyed guard's entry points all return early.

import { test } from "node:test";
import { added as beyond, countListeners, registered } from "../common/listeners.js";
import { DEFAULT_EVENTS, HOUR, MINUTE, assert, call, callOn, expectLog, logOf, makeGuard, propagate, run, settle, setup } from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };

/** What `page` has registered beyond `base` (see added() in tests/common/listeners.js). */
async function added(page, base) {
  return beyond(base, await registered(page));
}

async function expectNothingLeft(page, base, when) {
  await settle();
  assert.deepEqual(await added(page, base), { listeners: [], channels: [] }, `the guard left listeners or channels ${when}`);
}

/**
 * After the end: the one listener a guard keeps is `pageshow` (a page the
 * back-forward cache shows again tells the end once more), its channel is
 * closed; destroy() (through `destroy`) removes that listener too.
 */
async function expectOnlyPageshowLeft(page, base, when, destroy) {
  await settle();
  assert.deepEqual(await added(page, base), { listeners: ["window pageshow"], channels: [] }, `the guard left more than pageshow ${when}`);
  await destroy();
  await expectNothingLeft(page, base, `after destroy() ${when}`);
}

async function start(t, pages = 1) {
  const s = await h.tabs(t, pages, { initScript: countListeners });
  const bases = [];
  for (const page of s.pages) bases.push(await registered(page));
  return { s, bases };
}


test("a guard listens where the contract says: its events on document (capture, passive), focus, pageshow, visibilitychange, its channel", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  const now = await added(p, bases[0]);
  for (const type of DEFAULT_EVENTS) assert.ok(now.listeners.includes(`document ${type} (capture)`), `document ${type}: ${JSON.stringify(now)}`);
  for (const k of ["window focus", "window pageshow", "document visibilitychange", "channel session-guard message"]) {
    assert.ok(now.listeners.includes(k), `${k}: ${JSON.stringify(now)}`);
  }
  assert.deepEqual(now.channels, ["session-guard"]);
  const activity = (await registered(p)).listeners.filter((e) => e.on === "document" && DEFAULT_EVENTS.includes(e.type));
  assert.ok(activity.every((e) => e.capture && e.passive), `activity listeners are capture and passive: ${JSON.stringify(activity)}`);
  await call(p, "destroy");
  await expectNothingLeft(p, bases[0], "after destroy()");
});

for (const crossTab of [true, false]) {
  test(`destroy() removes every listener the guard added (crossTab: ${crossTab})`, TIMEOUT, async (t) => {
    const { s, bases } = await start(t);
    const [p] = s.pages;
    await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, crossTab });
    const during = await added(p, bases[0]);
    assert.ok(during.listeners.length >= DEFAULT_EVENTS.length + 3, `the guard's listeners: ${JSON.stringify(during)}`);
    assert.deepEqual(during.channels, crossTab ? ["session-guard"] : []);
    await run(s, 10_000);
    await call(p, "destroy");
    await expectNothingLeft(p, bases[0], "after destroy()");
    await call(p, "destroy"); // idempotent
    await expectNothingLeft(p, bases[0], "after a second destroy()");
  });
}

test("a custom target: destroy() removes the listeners from it", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, events: ["keydown", "input"] }, { options: "({ target: document.getElementById('field') })" });
  const during = await added(p, bases[0]);
  assert.ok(during.listeners.includes("#field keydown (capture)") && during.listeners.includes("#field input (capture)"), JSON.stringify(during));
  await call(p, "destroy");
  await expectNothingLeft(p, bases[0], "after destroy()");
});

test("signOut() removes every listener the guard added", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await run(s, 5000);
  await call(p, "signOut");
  await expectLog(p, "onSignOut", 1);
  await expectOnlyPageshowLeft(p, bases[0], "after signOut()", () => call(p, "destroy"));
});

test("an idle sign-out (the timer) removes every listener the guard added", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await run(s, MINUTE);
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.equal(end.event.reason, "idle");
  await expectOnlyPageshowLeft(p, bases[0], "after the idle sign-out", () => call(p, "destroy"));
});

test("a sign-out learned from another tab removes every listener the guard added", TIMEOUT, async (t) => {
  const { s, bases } = await start(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await makeGuard(b, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await run(s, 5000);
  await call(a, "signOut");
  await propagate(s, async () => (await logOf(b, "onSignOut")).length > 0, { message: "tab B to learn of the sign-out" });
  const [end] = await expectLog(b, "onSignOut", 1);
  assert.equal(end.event.remote, true);
  await expectOnlyPageshowLeft(a, bases[0], "in the tab that signed out", () => call(a, "destroy"));
  await expectOnlyPageshowLeft(b, bases[1], "in the tab that learned of the sign-out", () => call(b, "destroy"));
});

test("a session that ends while the guard starts (a corrupt stored record) leaves no listener", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  await p.evaluate(() => localStorage.setItem("session-guard", "garbage"));
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await expectLog(p, "onSignOut", 1);
  await expectOnlyPageshowLeft(p, bases[0], "after the guard ended at its start", () => call(p, "destroy"));
});

test("a callback that destroys the guard, and one that signs out, leave no listener", TIMEOUT, async (t) => {
  const { s, bases } = await start(t);
  const [p] = s.pages;
  const g = await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 }, { after: "({ onWarning: (e, g) => g.destroy() })" });
  await run(s, 50_000);
  await expectLog(p, "onWarning", 1);
  await expectNothingLeft(p, bases[0], "after destroy() from onWarning");
  await callOn(p, g, "destroy");

  const base = await registered(p);
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000, storageKey: "other" }, { after: "({ onWarning: (e, g) => g.signOut() })" });
  await run(s, 50_000);
  assert.equal((await expectLog(p, "onSignOut", 1))[0].event.reason, "manual");
  await expectOnlyPageshowLeft(p, base, "after signOut() from onWarning", () => call(p, "destroy"));
});
