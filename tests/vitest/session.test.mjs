// What every binding builds on (js/session.js, no entry point of its own):
// a session's phases only move on, so it starts one guard at most, none once
// stopped, and a stopped one neither shows nor does anything more.
import { expect, test, vi } from "vitest";
import { createSession } from "../../js/session.js";
import { guards, leftOver, settle, setup } from "./harness.mjs";

setup();

test("start() twice starts one guard; start() after stop() starts none", async () => {
  const before = leftOver();
  const s = createSession(() => ({ idleTimeoutMs: 60_000, onSignOut: () => {} }));
  s.start();
  s.start();
  await settle();
  expect(guards()).toBe(1);
  expect(s.get().status).toBe("active");
  s.stop();
  s.start();
  await settle();
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
});

test("stop() while the guard loads: nothing starts, nothing is shown, the actions asked for do nothing", async () => {
  const onSignOut = vi.fn();
  const s = createSession(() => ({ idleTimeoutMs: 60_000, onSignOut }));
  const seen = [];
  s.subscribe((state) => seen.push(state.status));
  s.actions.signOut();
  s.start();
  s.stop();
  s.actions.signOut();
  await settle();
  expect(guards()).toBe(0);
  expect(seen).toEqual([]);
  expect(s.get().status).toBe("checking");
  expect(onSignOut).not.toHaveBeenCalled();
  expect(localStorage.getItem("session-guard")).toBeNull();
});
