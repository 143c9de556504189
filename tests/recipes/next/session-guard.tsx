"use client";

import type { ReactNode } from "react";
import { SessionGuardProvider } from "session-guard/react";

/** The provider in a client component: its options hold functions. */
export function SessionGuard({ children }: { children: ReactNode }) {
  return (
    <SessionGuardProvider
      idleTimeoutMs={15 * 60_000}
      maxDurationMs={8 * 60 * 60_000}
      warnBeforeMs={60_000}
      confirmToStay
      onSignOut={(e) => location.assign(`/signed-out?reason=${e.reason}`)}
    >
      {children}
    </SessionGuardProvider>
  );
}
