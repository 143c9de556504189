"use client";

// session-guard/react: useSessionGuard(options) guards the session while the
// calling component is mounted; <SessionGuardProvider {...options}> does it
// for a tree, whose components read it with useSession().

import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { CHECKING, NO_ACTIONS, createSession } from "./session.js";

const nothing = () => () => {};
const checking = () => CHECKING;

/**
 * Starts one guard when the component mounts and destroys it when it
 * unmounts (StrictMode's second mount starts the one that stays). Durations
 * are read at mount; the callbacks always see the latest options. Effects
 * never run during server rendering: there the state is "checking".
 */
export function useSessionGuard(options) {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const [session, setSession] = useState(null);
  useEffect(() => {
    const s = createSession(() => latest.current);
    setSession(s);
    s.start();
    return () => s.stop();
  }, []);
  const state = useSyncExternalStore(session ? session.subscribe : nothing, session ? session.get : checking, checking);
  return useMemo(() => ({ ...state, ...(session ? session.actions : NO_ACTIONS) }), [state, session]);
}

const Context = createContext(null);

/** One guard for the tree below it: its props are the options. */
export function SessionGuardProvider({ children, ...options }) {
  const session = useSessionGuard(options);
  return createElement(Context.Provider, { value: session }, children);
}

/** The session of the nearest <SessionGuardProvider>. */
export function useSession() {
  const session = useContext(Context);
  if (!session) throw new Error("session-guard: useSession() needs a <SessionGuardProvider> above it");
  return session;
}
