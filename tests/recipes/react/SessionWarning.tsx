import { useSession } from "session-guard/react";

/** The warning dialog: with confirmToStay, only its buttons close it. */
export function SessionWarning() {
  const { warning, remainingMs, staySignedIn, signOut } = useSession();
  if (!warning) return null;
  const seconds = Math.ceil((remainingMs ?? 0) / 1000);
  return (
    <div role="alertdialog" aria-modal="true" aria-labelledby="session-warning">
      <p id="session-warning">
        {warning.reason === "idle"
          ? `You will be signed out in ${seconds} s because of inactivity.`
          : `Your session reaches its maximum length in ${seconds} s.`}
      </p>
      {warning.reason === "idle" && <button onClick={staySignedIn}>Stay signed in</button>}
      <button onClick={signOut}>Sign out</button>
    </div>
  );
}
