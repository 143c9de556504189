// The core class under Vitest: the setup file session-guard/node loaded the
// wasm from the file system, happy-dom gives the document, and Vitest's fake
// timers drive the guard's clock.
import { beforeEach, expect, test, vi } from "vitest";
import init, { SessionGuard } from "session-guard";
import { T0, setup } from "./harness.mjs";

setup();
beforeEach(() => vi.useFakeTimers({ now: T0 }));

test("a guard started in a test warns, then signs out after the idle window", async () => {
  await init(); // already loaded by the setup file: nothing is fetched
  const onSignOut = vi.fn();
  const onWarning = vi.fn();
  const onError = vi.fn();
  const guard = new SessionGuard({ idleTimeoutMs: 60_000, warnBeforeMs: 10_000, onSignOut, onWarning, onError });
  expect(guard.state()).toBe("active");
  await vi.advanceTimersByTimeAsync(50_000);
  expect(onWarning).toHaveBeenCalledTimes(1);
  expect(guard.state()).toBe("warning");
  await vi.advanceTimersByTimeAsync(9_999);
  expect(onSignOut).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "idle", remote: false });
  expect(guard.state()).toBe("signedOut");
  expect(onError).not.toHaveBeenCalled();
});

test("events a test dispatches count as activity with allowSyntheticEvents", async () => {
  const onSignOut = vi.fn();
  const guard = new SessionGuard({ idleTimeoutMs: 60_000, allowSyntheticEvents: true, onSignOut });
  await vi.advanceTimersByTimeAsync(40_000);
  document.dispatchEvent(new Event("keydown"));
  await vi.advanceTimersByTimeAsync(40_000);
  expect(onSignOut).not.toHaveBeenCalled();
  expect(guard.remainingMs()).toBe(20_000);
  await vi.advanceTimersByTimeAsync(20_000);
  expect(onSignOut).toHaveBeenCalledTimes(1);
});
