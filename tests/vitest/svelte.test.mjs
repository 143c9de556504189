// session-guard/svelte's store (and through it what every binding shares),
// under Vitest and happy-dom. The store calls its subscribers on every change,
// so these tests see each state the bindings pass through.
import { expect, test, vi } from "vitest";
import { SessionGuard } from "session-guard";
import { sessionGuard } from "session-guard/svelte";
import { T0, guards, leftOver, settle, setup } from "./harness.mjs";

setup();

/** Subscribes to `store`, recording each value; returns [values, unsubscribe]. */
function watch(store) {
  const values = [];
  const stop = store.subscribe((v) => values.push(v));
  return [values, stop];
}

test("the first subscriber starts one guard, the last one leaving destroys it", async () => {
  const before = leftOver();
  const store = sessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} });
  const [a, stopA] = watch(store);
  const [b, stopB] = watch(store);
  await settle();
  expect(guards()).toBe(1);
  expect(a.at(-1)).toBe(b.at(-1));
  expect(a.at(-1)).toMatchObject({ status: "active", warning: null, signedOut: null, error: null });
  expect(a.at(-1).guard).toBeInstanceOf(SessionGuard);
  stopA();
  expect(guards()).toBe(1);
  stopB();
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
});

test('the states go from "checking" to the stored session\'s truth: a session that ended while no page was open is never "active"', async () => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
  new SessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} }).destroy();
  vi.setSystemTime(T0 + 5 * 60_000);
  const onSignOut = vi.fn();
  const [values, stop] = watch(sessionGuard({ idleTimeoutMs: 60_000, onSignOut }));
  await settle();
  expect(values.map((v) => v.status)).toEqual(["checking", "signedOut"]);
  expect(values.at(-1).signedOut).toMatchObject({ reason: "idle", remote: false });
  expect(onSignOut).toHaveBeenCalledTimes(1);
  stop();
});

test("remaining time is updated about once a second, by one interval cleared on the sign-out", async () => {
  vi.useFakeTimers({ now: T0 });
  const store = sessionGuard({
    idleTimeoutMs: 60_000,
    warnBeforeMs: 10_000,
    confirmToStay: true,
    allowSyntheticEvents: true,
    onSignOut: () => {},
  });
  const [values, stop] = watch(store);
  await vi.advanceTimersByTimeAsync(0);
  expect(values.at(-1)).toMatchObject({ status: "active", remainingMs: 60_000, expiresAt: T0 + 60_000 });
  await vi.advanceTimersByTimeAsync(3_000);
  expect(values.at(-1).remainingMs).toBe(57_000);
  await vi.advanceTimersByTimeAsync(47_000);
  expect(values.at(-1)).toMatchObject({ status: "warning", warning: { reason: "idle", expiresAt: T0 + 60_000 } });
  // confirmToStay: a key press does not close the warning; staySignedIn() does.
  document.dispatchEvent(new KeyboardEvent("keydown"));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(values.at(-1)).toMatchObject({ status: "warning", remainingMs: 9_000 });
  store.staySignedIn();
  expect(values.at(-1)).toMatchObject({ status: "active", warning: null, remainingMs: 60_000 });
  await vi.advanceTimersByTimeAsync(60_000);
  expect(values.at(-1)).toMatchObject({ status: "signedOut", remainingMs: 0, signedOut: { reason: "idle" } });
  expect(vi.getTimerCount()).toBe(0);
  stop();
});

test("announcement: the time left for a screen reader, changed only at the paced steps while a warning is open", async () => {
  vi.useFakeTimers({ now: T0 });
  const store = sessionGuard({ idleTimeoutMs: 5 * 60_000, warnBeforeMs: 3 * 60_000, confirmToStay: true, onSignOut: () => {} });
  const [values, stop] = watch(store);
  await vi.advanceTimersByTimeAsync(0);
  expect(values.at(-1)).toMatchObject({ status: "active", announcement: null });
  const heard = []; // [seconds left, announcement] at each change
  for (let left = 5 * 60; left >= 0; left--) {
    const { announcement } = values.at(-1);
    if (announcement !== (heard.at(-1)?.[1] ?? null)) heard.push([left, announcement]);
    if (left) await vi.advanceTimersByTimeAsync(1_000);
  }
  expect(values.at(-1).status).toBe("signedOut");
  expect(heard).toEqual([
    [180, "3 minutes"],
    [120, "2 minutes"],
    [60, "1 minute"],
    [40, "40 seconds"],
    [20, "20 seconds"],
    [0, null],
  ]);
  // Each text holds between its steps, while the time left changed every second.
  expect(new Set(values.map((v) => v.remainingMs)).size).toBeGreaterThan(180);
  stop();
});

test("announcement: null again when \"Stay signed in\" closes the warning; an absolute warning has one too", async () => {
  vi.useFakeTimers({ now: T0 });
  const store = sessionGuard({ idleTimeoutMs: 60_000, maxDurationMs: 90_000, warnBeforeMs: 30_000, confirmToStay: true, onSignOut: () => {} });
  const [values, stop] = watch(store);
  await vi.advanceTimersByTimeAsync(30_000);
  expect(values.at(-1)).toMatchObject({ status: "warning", warning: { reason: "idle" }, announcement: "40 seconds" });
  store.staySignedIn();
  expect(values.at(-1)).toMatchObject({ status: "active", warning: null, announcement: null });
  await vi.advanceTimersByTimeAsync(35_000);
  expect(values.at(-1)).toMatchObject({ status: "warning", warning: { reason: "absolute" }, announcement: "40 seconds" });
  await vi.advanceTimersByTimeAsync(5_000);
  expect(values.at(-1)).toMatchObject({ warning: { reason: "absolute" }, announcement: "20 seconds" });
  stop();
});

test("the actions reach the guard, also before it runs", async () => {
  const onSignOut = vi.fn();
  const store = sessionGuard({ idleTimeoutMs: 60_000, onSignOut });
  const [values, stop] = watch(store);
  store.pause(); // before the wasm has loaded: done once the guard runs
  await settle();
  expect(values.at(-1).status).toBe("paused");
  store.resume();
  expect(values.at(-1).status).toBe("active");
  store.setRememberMe(true);
  expect(values.at(-1).guard.snapshot().rememberMe).toBe(true);
  store.sync({ expiresAt: Date.now() + 30_000, now: Date.now() });
  expect(values.at(-1).remainingMs).toBeLessThanOrEqual(30_000);
  expect(() => store.sync({ expiresAt: 1 })).toThrow(/expiresAt/);
  store.signOut();
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(values.at(-1)).toMatchObject({ status: "signedOut", signedOut: { reason: "manual" } });
  stop();
});

test("keepAliveMs and onKeepAlive pass through", async () => {
  vi.useFakeTimers({ now: T0 });
  const onKeepAlive = vi.fn(async () => ({ expiresAt: Date.now() + 20_000 }));
  const [values, stop] = watch(
    sessionGuard({ idleTimeoutMs: 60_000, keepAliveMs: 5_000, allowSyntheticEvents: true, onKeepAlive, onSignOut: () => {} }),
  );
  await vi.advanceTimersByTimeAsync(6_000);
  document.dispatchEvent(new KeyboardEvent("keydown"));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(onKeepAlive).toHaveBeenCalledTimes(1);
  expect(values.at(-1).expiresAt).toBe(T0 + 6_000 + 20_000);
  stop();
});

test("a failed start is reported and signs out, unless failClosed is false", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  const [values, stop] = watch(sessionGuard({ idleTimeoutMs: 60_000, warnBeforeMs: 60_000, onSignOut, onError }));
  await settle();
  expect(values.map((v) => v.status)).toEqual(["checking", "error"]);
  expect(String(onError.mock.calls[0][0])).toMatch(/warnBeforeMs/);
  expect(onSignOut.mock.calls).toEqual([[{ reason: "error", at: expect.any(Number), remote: false, error: onError.mock.calls[0][0] }]]);
  stop();

  const quiet = vi.fn();
  const [open, stopOpen] = watch(sessionGuard({ idleTimeoutMs: -1, maxDurationMs: -1, failClosed: false, onSignOut: quiet, onError }));
  await settle();
  expect(open.at(-1)).toMatchObject({ status: "error", signedOut: null });
  expect(quiet).not.toHaveBeenCalled();
  stopOpen();
});

test("a signOut() asked for while checking still signs out when the start fails with failClosed: false", async () => {
  const onSignOut = vi.fn();
  const store = sessionGuard({ idleTimeoutMs: -1, maxDurationMs: -1, failClosed: false, onSignOut, onError: () => {} });
  const [values, stop] = watch(store);
  expect(values.at(-1).status).toBe("checking");
  store.signOut();
  await settle();
  expect(values.at(-1)).toMatchObject({ status: "error", signedOut: { reason: "manual", remote: false } });
  expect(onSignOut.mock.calls).toEqual([[{ reason: "manual", at: expect.any(Number), remote: false }]]);
  stop();
});

test("server rendering: without a document the store stays \"checking\" and starts nothing", async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "document");
  Object.defineProperty(globalThis, "document", { value: undefined, configurable: true });
  try {
    const [values, stop] = watch(sessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} }));
    await settle();
    expect(values.map((v) => v.status)).toEqual(["checking"]);
    stop();
  } finally {
    Object.defineProperty(globalThis, "document", saved);
  }
  expect(guards()).toBe(0);
});
