// The fallbacks of "Sessions, tabs and reloads": browsers without
// BroadcastChannel (news through the `storage` event) and without Web Locks
// (pause holds announced on the channel and ended on `pagehide`).

import { test } from "node:test";
import {
  HOUR,
  MINUTE,
  NO_CHANNEL,
  NO_LOCKS,
  T0,
  assert,
  call,
  expectNoLog,
  inspect,
  logOf,
  makeGuard,
  propagate,
  run,
  settle,
  setup,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
const STEP = 1000;

test("without BroadcastChannel, activity and the end still reach the other tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2, { initScript: NO_CHANNEL });
  const [a, b] = s.pages;
  assert.equal(await a.evaluate(() => typeof window.BroadcastChannel), "undefined");
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  // Activity in A every 30 s for 3 minutes keeps B alive.
  for (let i = 0; i < 6; i++) {
    await run(s, 30_000, { step: STEP });
    await call(a, "touch");
    await run(s, 2 * STEP, { step: STEP });
  }
  assert.deepEqual(await logOf(b, "onSignOut"), []);
  const touchedAt = T0 + 6 * (30_000 + 2 * STEP) - 2 * STEP;
  await propagate(s, async () => (await inspect(b)).expiresAt === touchedAt + MINUTE, {
    fakeBudget: 0,
    message: "tab B to learn tab A's activity from the storage event",
  });
  await call(a, "signOut");
  await propagate(s, async () => (await logOf(b, "onSignOut")).length === 1, {
    message: "the sign-out to reach tab B through the storage event",
  });
  const [{ event }] = await logOf(b, "onSignOut");
  assert.equal(event.reason, "manual");
  assert.equal(event.remote, true);
});

test("without Web Locks, a pause still holds the other tab and closing the paused tab ends the hold", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2, { initScript: NO_LOCKS });
  const [a, b] = s.pages;
  assert.equal(await a.evaluate(() => typeof navigator.locks), "undefined");
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await call(a, "pause");
  await settle(100);
  await run(s, 5 * MINUTE, { step: 5000 });
  await expectNoLog(b, "onSignOut", "while tab A is paused");
  const closedAt = T0 + 5 * MINUTE;
  await s.closePage(a);
  await propagate(s, async () => (await inspect(b)).expiresAt === closedAt + MINUTE, {
    fakeBudget: 0,
    timeout: 5000,
    message: "tab B's idle window to restart when the paused tab went away",
  });
  await run(s, MINUTE, { step: STEP });
  await propagate(s, async () => (await logOf(b, "onSignOut")).length === 1, {
    message: "tab B to sign out one idle window after the hold ended",
  });
  const [{ event }] = await logOf(b, "onSignOut");
  assert.deepEqual(event, { reason: "idle", at: closedAt + MINUTE, remote: false });
});
