import type { SessionActions, SessionGuardBindingOptions, SessionView } from "./session.js";

export type * from "./session.js";

/** A readable store of the live state (the svelte/store contract), with the actions as methods. */
export interface SessionStore extends SessionActions {
  subscribe(run: (value: SessionView) => void, invalidate?: () => void): () => void;
}

/**
 * A store that guards the session while it has subscribers: the first one
 * starts one guard (in the browser only), the last one leaving destroys it.
 */
export function sessionGuard(options: SessionGuardBindingOptions): SessionStore;
