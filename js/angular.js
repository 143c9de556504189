// session-guard/angular: provideSessionGuard(options) in a providers list
// (bootstrapApplication's, a route's, a component's) gives that injector one
// SessionGuardService: the live state as signals, and the actions. It starts
// in the browser only and is destroyed with its injector. Plain JavaScript on
// Angular's public API (no compiler needed), zone.js or not.

import { DestroyRef, NgZone, PLATFORM_ID, computed, inject, signal } from "@angular/core";
import { ACTIONS, CHECKING, createSession } from "./session.js";

const MADE_BY_PROVIDER = Symbol("session-guard");

/**
 * The guarded session of one injector: read-only signals (`status()`,
 * `remainingMs()`, `warning()`, ...) and the actions. Made by the provider
 * from provideSessionGuard(options), never with `new`.
 */
export class SessionGuardService {
  constructor(key, options) {
    if (key !== MADE_BY_PROVIDER) {
      throw new Error("session-guard: SessionGuardService comes from provideSessionGuard(options) in a providers list");
    }
    // An injector without NgZone (a bare one, in a unit test) runs all as it is.
    const zone = inject(NgZone, { optional: true });
    const inside = (f) => (zone ? zone.run(f) : f());
    // The app's callbacks run in Angular's zone (with zone.js, a navigation
    // from onSignOut then runs change detection); the guard's own listeners
    // and its one-second interval run outside it. Without zone.js, NgZone
    // runs both as they are; the signals update the views either way.
    const given = typeof options === "function" ? options() : options;
    const zoned = {};
    for (const [k, v] of Object.entries(given ?? {})) {
      zoned[k] = typeof v === "function" ? (...args) => inside(() => v(...args)) : v;
    }
    const state = signal(CHECKING);
    this.state = state.asReadonly();
    for (const k in CHECKING) this[k] = computed(() => state()[k]);
    let session = null;
    // On the server it stays "checking" and starts nothing.
    if (inject(PLATFORM_ID) === "browser") {
      session = createSession(() => zoned);
      session.subscribe((value) => state.set(value));
      if (zone) zone.runOutsideAngular(() => session.start());
      else session.start();
    }
    inject(DestroyRef).onDestroy(() => {
      session?.stop(); // stops guarding without signing out
      session = null;
    });
    for (const k of ACTIONS) this[k] = (...args) => session?.actions[k](...args);
  }
}

/**
 * The providers of one guard: `providers: [provideSessionGuard(options)]`.
 * `options` is the options object, or a function returning it, called once
 * in the injection context (so it may `inject()` what its callbacks use).
 */
export function provideSessionGuard(options) {
  return [{ provide: SessionGuardService, useFactory: () => new SessionGuardService(MADE_BY_PROVIDER, options) }];
}
