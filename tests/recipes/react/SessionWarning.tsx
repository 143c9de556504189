import { useSessionGuard } from "./useSessionGuard";

export function SessionWarning({ onSignedOut }: { onSignedOut: (reason: string) => void }) {
  const { guard, warning } = useSessionGuard({
    idleTimeoutMs: 15 * 60_000,
    maxDurationMs: 8 * 60 * 60_000,
    warnBeforeMs: 60_000,
    onSignOut: (e) => onSignedOut(e.reason),
  });
  if (!warning) return null;
  return (
    <div role="alertdialog" aria-labelledby="session-warning">
      <p id="session-warning">
        {warning.reason === "idle"
          ? "You will be signed out soon because of inactivity."
          : "Your session reaches its maximum length soon."}
      </p>
      {warning.reason === "idle" && <button onClick={() => guard?.touch()}>Stay signed in</button>}
      <button onClick={() => guard?.signOut()}>Sign out</button>
    </div>
  );
}
