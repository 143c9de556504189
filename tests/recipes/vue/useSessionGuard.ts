import { onBeforeUnmount, onMounted, shallowRef } from "vue";
import init, {
  SessionGuard,
  type SessionGuardOptions,
  type SignOutEvent,
  type WarningEvent,
} from "session-guard";

/**
 * Guards the session while the calling component is mounted.
 *
 *   <script setup lang="ts">
 *   const { guard, warning } = useSessionGuard({
 *     idleTimeoutMs: 15 * 60_000,
 *     warnBeforeMs: 60_000,
 *     onSignOut: (e) => router.push({ path: "/signed-out", query: { reason: e.reason } }),
 *   });
 *   </script>
 *   <template>
 *     <div v-if="warning" role="alertdialog">
 *       You will be signed out soon.
 *       <button v-if="warning.reason === 'idle'" @click="guard?.touch()">Stay signed in</button>
 *     </div>
 *   </template>
 */
export function useSessionGuard(options: SessionGuardOptions) {
  const guard = shallowRef<SessionGuard | null>(null);
  const warning = shallowRef<WarningEvent | null>(null);
  const signedOut = shallowRef<SignOutEvent | null>(null);
  let unmounted = false;

  // onMounted never runs during server rendering: the guard starts in the browser only.
  onMounted(async () => {
    await init();
    if (unmounted) return; // unmounted while the wasm was loading
    guard.value = new SessionGuard({
      ...options,
      onSignOut: (e) => {
        warning.value = null;
        signedOut.value = e;
        options.onSignOut(e);
      },
      onWarning: (e) => {
        warning.value = e;
        options.onWarning?.(e);
      },
      onActivity: (e) => {
        if (warning.value?.reason === "idle") warning.value = null;
        options.onActivity?.(e);
      },
    });
  });

  onBeforeUnmount(() => {
    unmounted = true;
    guard.value?.destroy(); // stop guarding without signing out
  });

  return { guard, warning, signedOut };
}
