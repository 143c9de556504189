import { SessionGuardProvider, useSession } from "session-guard/react";
import { SessionWarning } from "./SessionWarning";

export function App() {
  return (
    <SessionGuardProvider
      idleTimeoutMs={15 * 60_000}
      maxDurationMs={8 * 60 * 60_000}
      warnBeforeMs={60_000}
      confirmToStay
      onSignOut={(e) => location.assign(`/signed-out?reason=${e.reason}`)}
    >
      <Dashboard />
    </SessionGuardProvider>
  );
}

function Dashboard() {
  const { status } = useSession();
  // Until the guard has read the stored session, show nothing protected.
  if (status === "checking") return <p role="status">Checking your session…</p>;
  if (status === "signedOut" || status === "error") return <p role="status">Signed out.</p>;
  return (
    <>
      <SessionWarning />
      <main>Your dashboard</main>
    </>
  );
}
