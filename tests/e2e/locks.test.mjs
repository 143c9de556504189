// Web Locks behind pause holds, and the ways a tab could stop enforcing
// through them: a lock name the browser refuses, lock calls that throw or
// reject (each reported to onError, and the tab fails closed), requests left
// queued by a destroyed guard, and the handle's free()/[Symbol.dispose]()
// against garbage collection.
//
// Lock failures are made with a stub of navigator.locks, installed in the
// pages whose URL says `?locks=<what>-<how>`: <what> is `query`, `shared` or
// `exclusive` (the request mode) or `ifAvailable` (the keep-alive's claim),
// <how> is `throws` (synchronously) or `rejects`.

import { test } from "node:test";
import { added, countListeners, registered } from "../common/listeners.js";
import {
  FIXTURE,
  HOUR,
  MINUTE,
  T0,
  assert,
  call,
  expectInspect,
  expectLog,
  expectNoLog,
  inspect,
  logOf,
  makeGuard,
  propagate,
  recordKeepAlive,
  run,
  settle,
  setup,
  waitUntil,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
const STEP = 1000;
const OPTIONS = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
/** The lock a paused guard holds: "session-guard:hold:" + storageKey (README). */
const lockName = (storageKey = "session-guard") => `session-guard:hold:${storageKey}`;
/**
 * The locks but the one every open page of a session holds (its presence, for
 * closedTimeoutMs), and how many of those are held: one per live guard.
 */
const apart = (l) => ({
  held: l.held.filter((n) => !n.includes(":presence:")),
  pending: l.pending.filter((n) => !n.includes(":presence:")),
  present: l.held.filter((n) => n.includes(":presence:")).length,
});

function STUB_LOCKS() {
  const how = new URLSearchParams(location.search).get("locks");
  if (!how || !navigator.locks) return;
  const [what, mode] = how.split("-");
  const locks = navigator.locks;
  const request = locks.request.bind(locks);
  const fail = () => {
    const error = new DOMException(`stubbed ${how}`, "InvalidStateError");
    if (mode === "throws") throw error;
    return Promise.reject(error);
  };
  if (what === "query") locks.query = fail;
  else {
    // `ifAvailable`: the keep-alive's claim, the only request that sets it.
    const stubbed = (options) => (what === "ifAvailable" ? !!options?.ifAvailable : options?.mode === what);
    locks.request = (name, options, callback) => (stubbed(options) ? fail() : request(name, options, callback));
  }
}

/** Counts the glue's finalizations of guard handles (its registry holds a number). */
function COUNT_FINALIZED() {
  const Registry = window.FinalizationRegistry;
  window.finalizedGuards = 0;
  window.FinalizationRegistry = class extends Registry {
    constructor(cleanup) {
      super((held) => {
        if (typeof held === "number") window.finalizedGuards++;
        cleanup(held);
      });
    }
  };
}

const INIT = `(${STUB_LOCKS})(); (${countListeners})(); (${COUNT_FINALIZED})();`;

/** A context with no page yet, the stubs and counters above in each page it opens. */
const session = (t) => h.tabs(t, 0, { initScript: INIT });

/** Opens a tab whose navigator.locks fails as `stub` says (see the top of the file). */
const openWith = (s, stub) => s.open(stub ? `${FIXTURE}?locks=${stub}` : FIXTURE);

/** navigator.locks.query() of the origin, as { held, pending } lists of "mode name". */
async function lockState(page) {
  return page.evaluate(async () => {
    const state = await navigator.locks.query();
    const list = (locks) => locks.map((l) => `${l.mode} ${l.name}`);
    return { held: list(state.held), pending: list(state.pending) };
  });
}

async function untilLocks(page, check, message) {
  return waitUntil(async () => check(await lockState(page)), { timeout: 3000, message });
}

/** Pauses the guard of `page` and waits until its hold is granted. */
async function pauseHeld(page, storageKey) {
  await call(page, "pause");
  await untilLocks(page, (l) => l.held.includes(`shared ${lockName(storageKey)}`), "the paused tab's lock");
  await settle(); // its announcement reaches storage and the other tabs
}

const errorsOf = async (page) => (await logOf(page, "onError")).map((e) => e.event.message);

test('a storageKey starting with "-" still gives a lock the browser grants: the pause holds the other tab', TIMEOUT, async (t) => {
  const s = await session(t);
  const [a, b] = [await openWith(s), await openWith(s)];
  const options = { ...OPTIONS, storageKey: "-k" };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await call(a, "pause");
  await settle(100);
  await run(s, 5 * MINUTE, { step: 5000 });
  assert.deepEqual(await errorsOf(a), [], "the hold request failed");
  await expectNoLog(b, "onSignOut", "while the tab with storageKey -k is paused");
  const locks = apart(await lockState(a));
  assert.deepEqual(locks.held, [`shared ${lockName("-k")}`]);
  assert.equal(locks.present, 2, "each open page holds the presence lock");
  const resumedAt = (await inspect(a)).now;
  await call(a, "resume");
  await propagate(s, async () => (await inspect(b)).expiresAt === resumedAt + MINUTE, {
    fakeBudget: 0,
    message: "the hold to end in tab B",
  });
});

for (const how of ["throws", "rejects"]) {
  test(`a lock query that ${how} is reported, and the new tab enforces the stored idle deadline`, TIMEOUT, async (t) => {
    const s = await session(t);
    const a = await openWith(s);
    await makeGuard(a, OPTIONS);
    await run(s, 10_000);
    await pauseHeld(a);
    // Tab B finds the stored `held` flag and asks the locks whether A still holds.
    const b = await openWith(s, `query-${how}`);
    await makeGuard(b, OPTIONS);
    await expectLog(b, "onError", 1);
    assert.deepEqual(await errorsOf(b), [`stubbed query-${how}`]);
    // Fails closed: the probe finds no hold, the stored last activity (T0) stands.
    await expectInspect(b, { state: "active", expiresAt: T0 + MINUTE });
    await run(s, MINUTE - 10_000, { step: STEP });
    const [{ event }] = await expectLog(b, "onSignOut", 1);
    assert.deepEqual(event, { reason: "idle", at: T0 + MINUTE, remote: false });
  });

  test(`a wait for the end of a hold that ${how} is reported and ends as if released`, TIMEOUT, async (t) => {
    const s = await session(t);
    const a = await openWith(s);
    await makeGuard(a, OPTIONS);
    await run(s, 10_000);
    await pauseHeld(a);
    const b = await openWith(s, `exclusive-${how}`);
    await makeGuard(b, OPTIONS);
    await expectLog(b, "onError", 1);
    assert.deepEqual(await errorsOf(b), [`stubbed exclusive-${how}`]);
    // The idle window runs again from the failure, as after a release.
    const startedAt = T0 + 10_000;
    await expectInspect(b, { state: "active", expiresAt: startedAt + MINUTE });
    await run(s, MINUTE - 1, { step: STEP });
    await expectNoLog(b, "onSignOut");
    await run(s, 1);
    const [{ event }] = await expectLog(b, "onSignOut", 1);
    assert.deepEqual(event, { reason: "idle", at: startedAt + MINUTE, remote: false });
  });

  test(`a keep-alive claim that ${how} is reported, and the tab calls onKeepAlive as without locks`, TIMEOUT, async (t) => {
    const s = await session(t);
    const a = await openWith(s, `ifAvailable-${how}`);
    await makeGuard(a, { ...OPTIONS, keepAliveMs: 10_000 }, { options: recordKeepAlive() });
    await run(s, 1_000);
    await call(a, "touch");
    await run(s, 9_000, { step: STEP });
    const [{ event }] = await expectLog(a, "onKeepAlive", 1);
    assert.equal(event.lastActivity, T0 + 1_000);
    await expectLog(a, "onError", 1);
    assert.deepEqual(await errorsOf(a), [`stubbed ifAvailable-${how}`]);
    // The next period with activity calls again: nothing stays stuck.
    await run(s, 1_000);
    await call(a, "touch");
    await run(s, 9_000, { step: STEP });
    await expectLog(a, "onKeepAlive", 2);
  });

  test(`a hold request that ${how} is reported and leaves the pause to its own tab`, TIMEOUT, async (t) => {
    const s = await session(t);
    const a = await openWith(s, `shared-${how}`);
    const b = await openWith(s);
    await makeGuard(a, OPTIONS);
    await makeGuard(b, OPTIONS);
    await call(a, "pause");
    await expectLog(a, "onError", 1);
    assert.deepEqual(await errorsOf(a), [`stubbed shared-${how}`]);
    await expectInspect(a, { state: "paused" });
    await expectInspect(b, { state: "active", expiresAt: T0 + MINUTE });
    await run(s, MINUTE, { step: STEP });
    const [{ event }] = await expectLog(b, "onSignOut", 1);
    assert.deepEqual(event, { reason: "idle", at: T0 + MINUTE, remote: false });
    await propagate(s, async () => (await logOf(a, "onSignOut")).length === 1, { message: "the end in tab A" });
  });
}

test("destroy() withdraws the guard's queued wait for another tab's hold; nothing calls back", TIMEOUT, async (t) => {
  const s = await session(t);
  const [a, b] = [await openWith(s), await openWith(s)];
  await makeGuard(a, OPTIONS);
  await makeGuard(b, OPTIONS);
  await pauseHeld(a);
  await untilLocks(b, (l) => l.pending.includes(`exclusive ${lockName()}`), "tab B's wait for the hold");
  await call(b, "destroy");
  await untilLocks(b, (l) => l.pending.length === 0, "no pending request after destroy()").catch(async (err) => {
    assert.fail(`${err.message}; locks: ${JSON.stringify(await lockState(b))}`);
  });
  const logged = (await logOf(b)).length;
  await call(a, "resume");
  await run(s, 2 * MINUTE, { step: 5000 });
  assert.equal((await logOf(b)).length, logged, "a destroyed guard called back");
  assert.deepEqual(b.pageErrors, []);
});

test("destroy() withdraws a hold request not yet granted", TIMEOUT, async (t) => {
  const s = await session(t);
  const a = await openWith(s);
  // Another script of the origin holds the lock exclusively: the pause waits.
  await a.evaluate((name) => {
    navigator.locks.request(name, { mode: "exclusive" }, () => new Promise((r) => (window.letGo = r)));
  }, lockName());
  await makeGuard(a, OPTIONS);
  await call(a, "pause");
  await untilLocks(a, (l) => l.pending.includes(`shared ${lockName()}`), "the hold request");
  await call(a, "destroy");
  await untilLocks(a, (l) => l.pending.length === 0, "no pending request after destroy()").catch(async (err) => {
    assert.fail(`${err.message}; locks: ${JSON.stringify(await lockState(a))}`);
  });
  await a.evaluate(() => window.letGo());
  await untilLocks(a, (l) => l.held.length === 0, "nothing held");
  await settle();
  assert.deepEqual(await logOf(a), []);
  assert.deepEqual(a.pageErrors, []);
});

test("a resume before the hold is granted lets the lock go at once, with nothing reported", TIMEOUT, async (t) => {
  const s = await session(t);
  const [a, b] = [await openWith(s), await openWith(s)];
  await a.evaluate((name) => {
    navigator.locks.request(name, { mode: "exclusive" }, () => new Promise((r) => (window.letGo = r)));
  }, lockName());
  await makeGuard(a, OPTIONS);
  await makeGuard(b, OPTIONS);
  await call(a, "pause");
  await untilLocks(a, (l) => l.pending.includes(`shared ${lockName()}`), "the hold request");
  await call(a, "resume");
  await a.evaluate(() => window.letGo());
  // Nothing but the two open pages' presence.
  await untilLocks(a, (l) => apart(l).held.length === 0 && apart(l).pending.length === 0 && apart(l).present === 2, "nothing held or pending");
  await settle();
  assert.deepEqual(await errorsOf(a), []);
  await expectInspect(a, { state: "active" });
  await expectInspect(b, { state: "active" });
  // Nothing holds the session: both tabs end on the idle window.
  await run(s, MINUTE, { step: STEP });
  for (const page of [a, b]) await expectLog(page, "onSignOut", 1);
});

for (const [method, source] of [
  ["free()", "window.guard.free()"],
  ["[Symbol.dispose]()", "window.guard[Symbol.dispose]()"],
  ["a using block", "(() => { using g = window.guard; })()"],
]) {
  test(`${method} stops the guard as destroy() does: no listener, no lock, no callback later`, TIMEOUT, async (t) => {
    const s = await session(t);
    const [a, b] = [await openWith(s), await openWith(s)];
    const before = await registered(a);
    await makeGuard(a, { ...OPTIONS, allowSyntheticEvents: true });
    await makeGuard(b, OPTIONS);
    assert.ok((await registered(a)).listeners.length > before.listeners.length, "the guard listens");
    await pauseHeld(a);
    await run(s, 10_000);
    await a.evaluate(source);
    assert.deepEqual(added(before, await registered(a)), { listeners: [], channels: [] }, "listeners left after it");
    // Only tab B's presence is left: A's hold and presence went with it.
    await untilLocks(a, (l) => apart(l).held.length === 0 && apart(l).pending.length === 0 && apart(l).present === 1, "the hold to go");
    // The hold ended with it, as with destroy(): tab B's idle window runs from here.
    await propagate(s, async () => (await inspect(b)).expiresAt === T0 + 10_000 + MINUTE, {
      fakeBudget: 0,
      message: "the hold to end in tab B",
    });
    await a.evaluate(() => document.dispatchEvent(new Event("pointerdown")));
    await run(s, 2 * MINUTE, { step: 5000 });
    assert.deepEqual(await logOf(a), [], "the guard called back after it");
    await expectLog(b, "onSignOut", 1);
    assert.deepEqual(a.pageErrors, []);
  });
}

test("a guard whose handle was dropped and garbage collected still signs out on time", TIMEOUT, async (t) => {
  const s = await session(t);
  const a = await openWith(s);
  await a.evaluate(({ options }) => {
    // Playwright's fake timers keep a `new Error()` of each timer's creation,
    // and its stack keeps the frames' receivers alive, the handle among them
    // (the guard arms its timer in the constructor): no stack, no such leak.
    Error.stackTraceLimit = 0;
    // No reference kept, as in a page that only writes `new SessionGuard({...})`.
    new window.SessionGuard({ ...options, onSignOut: (e) => window.record("onSignOut", 0, e) });
  }, { options: OPTIONS });
  await waitUntil(
    async () => {
      await a.requestGC();
      return a.evaluate(() => window.finalizedGuards === 1);
    },
    { timeout: 10_000, interval: 50, message: "the handle to be collected and finalized" },
  );
  await run(s, MINUTE - 1, { step: STEP });
  await expectNoLog(a, "onSignOut");
  await run(s, 1);
  const [{ event }] = await expectLog(a, "onSignOut", 1);
  assert.deepEqual(event, { reason: "idle", at: T0 + MINUTE, remote: false });
});
