import { useEffect, useRef, useState } from "react";
import init, {
  SessionGuard,
  type SessionGuardOptions,
  type SignOutEvent,
  type WarningEvent,
} from "session-guard";

export interface SessionGuardView {
  /** The running guard (touch, signOut, setRememberMe, ...); null until the wasm has loaded. */
  guard: SessionGuard | null;
  /** The open warning; activity clears an idle warning. */
  warning: WarningEvent | null;
  /** How the session ended, once it has. */
  signedOut: SignOutEvent | null;
}

/**
 * Guards the session while the calling component is mounted. Durations are
 * read once, at mount; the callbacks always see the latest props. To start
 * over with other options (a new sign-in), give the component a new `key`.
 */
export function useSessionGuard(options: SessionGuardOptions): SessionGuardView {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const [guard, setGuard] = useState<SessionGuard | null>(null);
  const [warning, setWarning] = useState<WarningEvent | null>(null);
  const [signedOut, setSignedOut] = useState<SignOutEvent | null>(null);

  useEffect(() => {
    // Effects never run during server rendering: the guard starts in the browser only.
    let cancelled = false;
    let running: SessionGuard | null = null;
    init().then(
      () => {
        if (cancelled) return; // unmounted while the wasm was loading
        running = new SessionGuard({
          ...latest.current,
          onSignOut: (e) => {
            setWarning(null);
            setSignedOut(e);
            latest.current.onSignOut(e);
          },
          onWarning: (e) => {
            setWarning(e);
            latest.current.onWarning?.(e);
          },
          onActivity: (e) => {
            setWarning((w) => (w?.reason === "idle" ? null : w));
            latest.current.onActivity?.(e);
          },
          onError: (err) => (latest.current.onError ?? console.error)(err),
        });
        setGuard(running);
      },
      (err: unknown) => (latest.current.onError ?? console.error)(err),
    );
    return () => {
      cancelled = true;
      running?.destroy(); // unmount: stop guarding without signing out
    };
  }, []);

  return { guard, warning, signedOut };
}
