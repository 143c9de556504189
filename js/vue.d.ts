import type { ComputedRef } from "vue";
import type { SessionActions, SessionGuardBindingOptions, SessionView } from "./session.js";

export type * from "./session.js";

/** The live state as read-only refs, and the actions. */
export type SessionRefs = { readonly [K in keyof SessionView]: ComputedRef<SessionView[K]> } & {
  /** The whole state in one ref. */
  readonly state: ComputedRef<SessionView>;
} & SessionActions;

/**
 * Guards the session while the calling component is mounted: one guard per
 * mount, destroyed on unmount, never started during server rendering.
 * Durations are read at mount; the callbacks see the options' latest values.
 */
export function useSessionGuard(options: SessionGuardBindingOptions): SessionRefs;

/** `useSessionGuard(options)`, shared with every descendant through `useSession()`. */
export function provideSessionGuard(options: SessionGuardBindingOptions): SessionRefs;

/** The session of the nearest ancestor that called `provideSessionGuard()`; throws without one. */
export function useSession(): SessionRefs;
