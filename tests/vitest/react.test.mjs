// session-guard/react under Vitest and happy-dom (React 18 here; the apps
// test runs React 18 and 19 in Chromium).
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { StrictMode, act, createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { SessionGuard } from "session-guard";
import { SessionGuardProvider, useSession, useSessionGuard } from "session-guard/react";
import { T0, guards, leftOver, settle, setup } from "./harness.mjs";

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
setup();

let container;
let root;
beforeEach(() => {
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

/** Renders `element`, then lets the wasm load and the guard start. */
async function render(element) {
  await act(async () => root.render(element));
  await act(settle);
}

/** A component that records every state it renders. */
function recorder(options) {
  const seen = [];
  function Probe() {
    const session = useSessionGuard(options);
    seen.push(session);
    return h("p", null, session.status);
  }
  return { seen, Probe };
}

test("StrictMode mounts twice: one guard runs, and unmount leaves no listener or channel", async () => {
  const before = leftOver();
  const { seen, Probe } = recorder({ idleTimeoutMs: 60_000, onSignOut: () => {} });
  await render(h(StrictMode, null, h(Probe)));
  expect(guards()).toBe(1);
  expect(seen.at(-1).status).toBe("active");
  expect(seen.at(-1).remainingMs).toBeGreaterThan(59_000);
  act(() => root.unmount());
  root = createRoot(container);
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
});

test('"checking" until the guard has read the stored session: a session that ended while no page was open never shows "active"', async () => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
  new SessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} }).destroy();
  vi.setSystemTime(T0 + 5 * 60_000);
  const onSignOut = vi.fn();
  const { seen, Probe } = recorder({ idleTimeoutMs: 60_000, onSignOut });
  await render(h(Probe));
  const statuses = [...new Set(seen.map((s) => s.status))];
  expect(statuses).toEqual(["checking", "signedOut"]);
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "idle" });
  expect(seen.at(-1).signedOut).toMatchObject({ reason: "idle" });
});

test("bad options fail closed: onError gets the error, onSignOut gets reason \"error\", the status is \"error\"", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  const { seen, Probe } = recorder({ idleTimeout: 60_000, onSignOut, onError });
  await render(h(Probe));
  expect(onError).toHaveBeenCalledTimes(1);
  expect(String(onError.mock.calls[0][0])).toMatch(/idleTimeout/);
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "error", remote: false });
  expect(seen.at(-1).status).toBe("error");
  expect(seen.map((s) => s.status)).not.toContain("active");
  expect(guards()).toBe(0);
});

test("failClosed: false reports the error and does not sign out", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  const { seen, Probe } = recorder({ idleTimeout: 60_000, failClosed: false, onSignOut, onError });
  await render(h(Probe));
  expect(onError).toHaveBeenCalledTimes(1);
  expect(onSignOut).not.toHaveBeenCalled();
  expect(seen.at(-1)).toMatchObject({ status: "error", signedOut: null });
});

test("announcement: the paced time left for a screen reader, beside remainingMs that changes every second", async () => {
  vi.useFakeTimers({ now: T0 });
  const { seen, Probe } = recorder({ idleTimeoutMs: 120_000, warnBeforeMs: 60_000, onSignOut: () => {} });
  await act(async () => root.render(h(Probe)));
  for (let i = 0; i < 121; i++) await act(() => vi.advanceTimersByTimeAsync(1_000)); // one render a second
  const steps = seen.map((s) => s.announcement).filter((a, i, all) => i === 0 || a !== all[i - 1]);
  expect(steps).toEqual([null, "1 minute", "40 seconds", "20 seconds", null]);
  expect(new Set(seen.map((s) => s.remainingMs)).size).toBeGreaterThan(60);
});

test("one provider serves the tree: its children share one guard and its actions", async () => {
  const onSignOut = vi.fn();
  const seen = [];
  function Child({ name }) {
    const s = useSession();
    seen.push([name, s.status]);
    return h("button", { id: name, onClick: s.signOut }, s.status);
  }
  await render(
    h(SessionGuardProvider, { idleTimeoutMs: 60_000, warnBeforeMs: 10_000, confirmToStay: true, onSignOut }, h(Child, { name: "a" }), h(Child, { name: "b" })),
  );
  expect(guards()).toBe(1);
  expect(container.textContent).toBe("activeactive");
  await act(async () => container.querySelector("#b").click());
  expect(onSignOut).toHaveBeenCalledTimes(1);
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "manual" });
  expect(container.textContent).toBe("signedOutsignedOut");
  expect(guards()).toBe(0);
});

test("useSession() outside a provider says what is missing", async () => {
  function Lost() {
    useSession();
    return null;
  }
  const errors = vi.spyOn(console, "error").mockImplementation(() => {});
  await expect(act(async () => root.render(h(Lost)))).rejects.toThrow(/SessionGuardProvider/);
  errors.mockRestore();
});
