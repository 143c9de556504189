// The entry points' types under --strict with skipLibCheck: false: what an app
// writes type-checks, and the mistakes below are type errors.
import type { SessionGuard } from "session-guard";
import { start, type StartFailedEvent } from "session-guard/start";
import { SessionGuardProvider, useSession, useSessionGuard } from "session-guard/react";
import { provideSessionGuard, useSession as useVueSession } from "session-guard/vue";
import { sessionGuard, type SessionStore } from "session-guard/svelte";
import { inject, type Provider } from "@angular/core";
import { SessionGuardService, provideSessionGuard as provideAngularGuard } from "session-guard/angular";
import initNode, { SessionGuard as NodeGuard } from "session-guard/node";

export async function plain(): Promise<SessionGuard | null> {
  const guard = await start({
    idleTimeoutMs: 60_000,
    confirmToStay: true,
    keepAliveMs: 60_000,
    onKeepAlive: async () => ({ expiresAt: Date.now() + 60_000 }),
    failClosed: false,
    wasm: new URL("session_guard_bg.wasm", import.meta.url),
    onSignOut: (e) => {
      const reason: "idle" | "absolute" | "manual" | "closed" | "error" = e.reason;
      if (e.restored) location.replace("/sign-in"); // Back showed the page after the end
      if (e.reason === "error") {
        const failed: StartFailedEvent = e;
        console.log(failed.error);
      }
      console.log(reason);
    },
  });
  // @ts-expect-error start() may resolve to null: the guard could not start
  guard.touch();
  // @ts-expect-error onSignOut is required
  await start({ idleTimeoutMs: 60_000 });
  // @ts-expect-error a misspelt option
  await start({ idleTimeout: 60_000, onSignOut: () => {} });
  return guard;
}

export function ReactApp() {
  return (
    <SessionGuardProvider idleTimeoutMs={60_000} warnBeforeMs={10_000} confirmToStay onSignOut={() => {}}>
      <Child />
    </SessionGuardProvider>
  );
}

function Child() {
  const s = useSession();
  const own = useSessionGuard({ onSignOut: () => {} });
  const status: "checking" | "active" | "warning" | "paused" | "signedOut" | "error" = s.status;
  // @ts-expect-error not a status
  if (own.status === "expired") return null;
  const seconds: number = Math.ceil((s.remainingMs ?? 0) / 1000);
  s.sync({ expiresAt: Date.now() });
  s.setRememberMe(true);
  // @ts-expect-error setRememberMe takes a boolean
  s.setRememberMe("yes");
  return (
    <p>
      {status} {seconds} {s.warning?.reason} <button onClick={s.staySignedIn}>Stay</button>
    </p>
  );
}

export function vue() {
  const { status, warning, staySignedIn } = provideSessionGuard({ onSignOut: () => {} });
  const reason: "idle" | "absolute" | undefined = warning.value?.reason;
  const again = useVueSession();
  again.signOut();
  staySignedIn();
  // @ts-expect-error a read-only ref
  status.value = "active";
  return [status.value, reason];
}

export function svelte(): SessionStore {
  const store = sessionGuard({ onSignOut: () => {}, storageKey: "app" });
  const stop = store.subscribe((v) => v.signedOut?.reason);
  stop();
  store.pause();
  return store;
}

export function angular(): Provider[] {
  const providers = provideAngularGuard({ idleTimeoutMs: 60_000, onSignOut: (e) => console.log(e.reason) });
  provideAngularGuard(() => ({ onSignOut: () => {} }));
  // @ts-expect-error onSignOut is required
  provideAngularGuard({ idleTimeoutMs: 60_000 });
  // @ts-expect-error made by the provider, never with new
  new SessionGuardService();
  const s = inject(SessionGuardService);
  const status: "checking" | "active" | "warning" | "paused" | "signedOut" | "error" = s.status();
  const seconds: number = Math.ceil((s.remainingMs() ?? 0) / 1000);
  s.staySignedIn();
  s.sync({ expiresAt: Date.now() });
  // @ts-expect-error a read-only signal
  s.status.set("active");
  // @ts-expect-error setRememberMe takes a boolean
  s.setRememberMe("yes");
  console.log(status, seconds, s.warning()?.reason, s.state().guard);
  return providers;
}

export async function node(): Promise<void> {
  await initNode();
  new NodeGuard({ onSignOut: () => {} }).destroy();
}
