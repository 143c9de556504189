import { useSession } from "session-guard/react";
import { SessionWarning } from "../SessionWarning";

export default function Home() {
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
