import { readable, type Readable } from "svelte/store";
import init, {
  SessionGuard,
  type SessionGuardOptions,
  type SignOutEvent,
  type WarningEvent,
} from "session-guard";

export interface SessionView {
  /** The running guard (touch, signOut, ...); null until the wasm has loaded. */
  guard: SessionGuard | null;
  /** The open warning; activity clears an idle warning. */
  warning: WarningEvent | null;
  /** How the session ended, once it has. */
  signedOut: SignOutEvent | null;
}

/**
 * A store that guards the session while it has subscribers (Svelte 4 and 5;
 * the example below is Svelte 5, where Svelte 4 writes on:click).
 *
 *   <script lang="ts">
 *     import { goto } from "$app/navigation";
 *     import { sessionGuard } from "$lib/session-guard";
 *     const session = sessionGuard({
 *       idleTimeoutMs: 15 * 60_000,
 *       warnBeforeMs: 60_000,
 *       onSignOut: (e) => goto(`/signed-out?reason=${e.reason}`),
 *     });
 *   </script>
 *   {#if $session.warning}
 *     <div role="alertdialog">
 *       You will be signed out soon.
 *       <button onclick={() => $session.guard?.touch()}>Stay signed in</button>
 *     </div>
 *   {/if}
 */
const NONE: SessionView = { guard: null, warning: null, signedOut: null };

export function sessionGuard(options: SessionGuardOptions): Readable<SessionView> {
  let view = NONE;
  return readable(view, (set) => {
    // Server rendering subscribes too: start the guard in the browser only.
    if (typeof window === "undefined") return;
    const show = (change: Partial<SessionView>) => set((view = { ...view, ...change }));
    let stopped = false;
    let guard: SessionGuard | null = null;
    init().then(() => {
      if (stopped) return; // the last subscriber left while the wasm was loading
      guard = new SessionGuard({
        ...options,
        onSignOut: (e) => {
          show({ warning: null, signedOut: e });
          options.onSignOut(e);
        },
        onWarning: (e) => {
          show({ warning: e });
          options.onWarning?.(e);
        },
        onActivity: (e) => {
          if (view.warning?.reason === "idle") show({ warning: null });
          options.onActivity?.(e);
        },
      });
      show({ guard });
    }, options.onError ?? console.error);
    return () => {
      stopped = true;
      guard?.destroy(); // the last subscriber left: stop guarding without signing out
      set((view = NONE));
    };
  });
}
