import type { JSX, ReactNode } from "react";
import type { Session, SessionGuardBindingOptions } from "./session.js";

export type * from "./session.js";

/**
 * Guards the session while the calling component is mounted: one guard per
 * mount, destroyed on unmount. Durations are read at mount; the callbacks
 * always see the latest options. To start over with other options (a new
 * sign-in), give the component a new `key`.
 */
export function useSessionGuard(options: SessionGuardBindingOptions): Session;

/** The props of `<SessionGuardProvider>`: the options, and the tree it guards. */
export type SessionGuardProviderProps = SessionGuardBindingOptions & { children?: ReactNode };

/** One guard for the tree below it (`useSession()` reads it). */
export function SessionGuardProvider(props: SessionGuardProviderProps): JSX.Element;

/** The session of the nearest `<SessionGuardProvider>`; throws without one. */
export function useSession(): Session;
