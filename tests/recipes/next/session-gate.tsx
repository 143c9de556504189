"use client";

import type { ReactNode } from "react";
import { useSession } from "session-guard/react";
import { SessionWarning } from "./SessionWarning";

/** Shows a page's protected content once the guard has read the stored session. */
export function SessionGate({ children }: { children: ReactNode }) {
  const { status } = useSession();
  if (status === "checking") return <p role="status">Checking your session…</p>;
  if (status === "signedOut" || status === "error") return <p role="status">Signed out.</p>;
  return (
    <>
      <SessionWarning />
      {children}
    </>
  );
}
