// snapshot(): what a UI shows about the session, read-only, in one object.

import { test } from "node:test";
import { HOUR, MINUTE, SECOND, T0, assert, call, callOn, makeGuard, now, propagate, run, setup } from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };

test("snapshot() reports the session's start, deadlines, warning, holds and end", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10 * SECOND, rememberMePeriodMs: 10 * MINUTE };
  await makeGuard(a, options);
  await makeGuard(b, options);
  assert.deepEqual(await call(a, "snapshot"), {
    state: "active",
    startedAt: T0,
    lastActivity: T0,
    rememberMe: false,
    idleWindowMs: MINUTE,
    idleExpiresAt: T0 + MINUTE,
    absoluteExpiresAt: T0 + HOUR,
    serverExpiresAt: null,
    serverIdleExpiresAt: null,
    expiresAt: T0 + MINUTE,
    remainingMs: MINUTE,
    warning: null,
    held: false,
    signedOut: null,
  });

  await run(s, 52 * SECOND, { step: 1000 });
  const warned = await call(b, "snapshot");
  assert.equal(warned.state, "warning");
  assert.deepEqual(warned.warning, { reason: "idle", expiresAt: T0 + MINUTE });
  assert.equal(warned.remainingMs, 8 * SECOND);

  await call(a, "setRememberMe", true);
  await call(a, "pause");
  const held = await propagate(s, async () => {
    const v = await call(b, "snapshot");
    return v.held && v.rememberMe ? v : null;
  }, { message: "the pause in tab a reaches tab b's snapshot" });
  assert.equal(held.idleExpiresAt, null, "a held session has no idle deadline");
  assert.equal(held.idleWindowMs, 10 * MINUTE);
  assert.equal(held.expiresAt, T0 + HOUR);
  const paused = await call(a, "snapshot");
  assert.equal(paused.state, "paused");
  assert.equal(paused.held, false, "held means another tab's pause");

  await call(a, "resume");
  const at = await now(a); // propagate may have run the clock a little
  await call(a, "signOut");
  const ended = await call(a, "snapshot");
  assert.equal(ended.state, "signedOut");
  assert.deepEqual(ended.signedOut, { reason: "manual", at });
  assert.equal(ended.remainingMs, 0);
  const other = await propagate(s, async () => (await callOn(b, -1, "snapshot")).signedOut, { message: "the end in tab b" });
  assert.deepEqual(other, { reason: "manual", at });
});
