import type { Provider, Signal } from "@angular/core";
import type { SessionActions, SessionGuardBindingOptions, SessionView } from "./session.js";

export type * from "./session.js";

/** The live state as read-only signals. */
export type SessionSignals = { readonly [K in keyof SessionView]: Signal<SessionView[K]> } & {
  /** The whole state in one signal. */
  readonly state: Signal<SessionView>;
};

/**
 * The guarded session of one injector: `inject(SessionGuardService)` where
 * `provideSessionGuard(options)` is in the providers (of the app, a route or
 * a component). One guard per injector, started in the browser only,
 * destroyed with the injector (no sign-out: the next guard resumes the session).
 */
export interface SessionGuardService extends SessionSignals, SessionActions {}
export declare class SessionGuardService {
  private constructor();
}

/**
 * The providers of one guard. `options`: the options object, or a function
 * returning it, called once in the injection context (it may `inject()`).
 */
export function provideSessionGuard(options: SessionGuardBindingOptions | (() => SessionGuardBindingOptions)): Provider[];
