// session-guard/start: `const guard = await start(options)`, failing closed.
import { expect, test, vi } from "vitest";
import { SessionGuard } from "session-guard";
import { start } from "session-guard/start";
import { T0, setup } from "./harness.mjs";

setup();

test("start() resolves to a running guard", async () => {
  const onSignOut = vi.fn();
  const guard = await start({ idleTimeoutMs: 60_000, onSignOut });
  expect(guard).toBeInstanceOf(SessionGuard);
  expect(guard.state()).toBe("active");
  guard.signOut();
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "manual" });
});

test("a session that ended while no page was open has signed out by the time start() resolves", async () => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
  new SessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} }).destroy();
  vi.setSystemTime(T0 + 60 * 60_000);
  const onSignOut = vi.fn();
  const guard = await start({ idleTimeoutMs: 60_000, onSignOut });
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(guard.state()).toBe("signedOut");
});

test("bad options: the error goes to onError, onSignOut gets reason \"error\", start() resolves to null", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  expect(await start({ idleTimeoutMs: 60_000, maxDurationMs: 1_000, onSignOut, onError })).toBeNull();
  expect(String(onError.mock.calls[0][0])).toMatch(/idleTimeoutMs/);
  expect(onSignOut.mock.calls).toEqual([[{ reason: "error", at: expect.any(Number), remote: false, error: onError.mock.calls[0][0] }]]);
});

test("without onError the error goes to console.error; failClosed: false does not sign out", async () => {
  const errors = vi.spyOn(console, "error").mockImplementation(() => {});
  const onSignOut = vi.fn();
  expect(await start({ idleTimeoutMs: "15 min", failClosed: false, onSignOut })).toBeNull();
  expect(errors).toHaveBeenCalledTimes(1);
  expect(String(errors.mock.calls[0][0])).toMatch(/idleTimeoutMs/);
  expect(onSignOut).not.toHaveBeenCalled();
  errors.mockRestore();
});
