import { SessionGate } from "./session-gate";

// A server component: the gate is a client component, the content stays here.
export default function Home() {
  return (
    <SessionGate>
      <main>Your dashboard</main>
    </SessionGate>
  );
}
