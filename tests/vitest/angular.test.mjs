// session-guard/angular's service in an Angular injector, under Vitest and
// happy-dom, without the Angular compiler (the binding needs none): one guard
// per injector, destroyed with it; nothing started on the server platform;
// options given as a function run in the injection context; signals that
// follow the guard, among them the paced announcement(). The real app
// (ng build, Chromium) is tests/frameworks/.
import { expect, test, vi } from "vitest";
import { InjectionToken, Injector, PLATFORM_ID, createEnvironmentInjector, inject } from "@angular/core";
import { SessionGuard } from "session-guard";
import { SessionGuardService, provideSessionGuard } from "session-guard/angular";
import { T0, guards, leftOver, settle, setup } from "./harness.mjs";

setup();

/** An environment injector (what bootstrapApplication makes) on `platform`, with `providers`. */
function injector(providers, platform = "browser") {
  const parent = Injector.create({ providers: [{ provide: PLATFORM_ID, useValue: platform }] });
  return createEnvironmentInjector(providers, parent);
}

test("one guard per injector, with signals of its state; destroying the injector destroys the guard without signing out", async () => {
  const before = leftOver();
  const onSignOut = vi.fn();
  const app = injector([provideSessionGuard({ idleTimeoutMs: 60_000, onSignOut })]);
  const session = app.get(SessionGuardService);
  expect(app.get(SessionGuardService)).toBe(session);
  expect(session.status()).toBe("checking");
  await settle();
  expect(guards()).toBe(1);
  expect(session.status()).toBe("active");
  expect(session.guard()).toBeInstanceOf(SessionGuard);
  expect(session.remainingMs()).toBeGreaterThan(59_000);
  expect(session.state()).toMatchObject({ status: "active", warning: null, signedOut: null, error: null });
  const other = injector([provideSessionGuard({ idleTimeoutMs: 60_000, onSignOut })]);
  other.get(SessionGuardService);
  await settle();
  expect(guards()).toBe(2);
  other.destroy();
  app.destroy();
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
  expect(onSignOut).not.toHaveBeenCalled();
});

test("the actions reach the guard: signOut() ends the session, and the signals show how", async () => {
  const onSignOut = vi.fn();
  const app = injector([provideSessionGuard({ idleTimeoutMs: 60_000, onSignOut })]);
  const session = app.get(SessionGuardService);
  session.signOut(); // asked for while the guard loads: it waits for it
  await settle();
  expect(session.status()).toBe("signedOut");
  expect(session.signedOut()).toMatchObject({ reason: "manual", remote: false });
  expect(onSignOut).toHaveBeenCalledTimes(1);
  app.destroy();
});

test("on the server platform it stays \"checking\" and starts nothing", async () => {
  const before = leftOver();
  const app = injector([provideSessionGuard({ idleTimeoutMs: 60_000, onSignOut: () => {} })], "server");
  const session = app.get(SessionGuardService);
  session.touch();
  await settle();
  expect(session.status()).toBe("checking");
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
  app.destroy();
});

test("options given as a function are read once, in the injection context (inject() works there)", async () => {
  const SIGN_OUT = new InjectionToken("sign-out");
  const onSignOut = vi.fn();
  const options = vi.fn(() => ({ idleTimeoutMs: 60_000, onSignOut: inject(SIGN_OUT) }));
  const app = injector([{ provide: SIGN_OUT, useValue: onSignOut }, provideSessionGuard(options)]);
  const session = app.get(SessionGuardService);
  await settle();
  session.signOut();
  expect(onSignOut).toHaveBeenCalledWith(expect.objectContaining({ reason: "manual" }));
  expect(options).toHaveBeenCalledTimes(1);
  app.destroy();
});

test("a bad option fails closed: status \"error\", onSignOut with reason \"error\"", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  const app = injector([provideSessionGuard({ idleTimeoutMs: 60_000, warnBeforeMs: 60_000, onSignOut, onError })]);
  const session = app.get(SessionGuardService);
  await settle();
  expect(session.status()).toBe("error");
  expect(onError).toHaveBeenCalledTimes(1);
  expect(onSignOut).toHaveBeenCalledWith(expect.objectContaining({ reason: "error", error: session.error() }));
  app.destroy();
});

test("announcement(): the paced time left for a screen reader, beside remainingMs() that changes every second", async () => {
  vi.useFakeTimers({ now: T0 });
  const app = injector([provideSessionGuard({ idleTimeoutMs: 120_000, warnBeforeMs: 60_000, onSignOut: () => {} })]);
  const session = app.get(SessionGuardService);
  const seen = [];
  for (let i = 0; i < 121; i++) {
    await vi.advanceTimersByTimeAsync(1_000);
    seen.push({ announcement: session.announcement(), remainingMs: session.remainingMs() });
  }
  const steps = seen.map((s) => s.announcement).filter((a, i, all) => i === 0 || a !== all[i - 1]);
  expect(steps).toEqual([null, "1 minute", "40 seconds", "20 seconds", null]);
  expect(new Set(seen.map((s) => s.remainingMs)).size).toBeGreaterThan(60);
  expect(session.status()).toBe("signedOut");
  expect(session.state().announcement).toBeNull();
  app.destroy();
});

test("it is made by the provider only", () => {
  expect(() => new SessionGuardService()).toThrow(/provideSessionGuard/);
});
