// session-guard/vue: useSessionGuard(options) guards the session while the
// calling component is mounted; provideSessionGuard(options) does it for the
// component's descendants, which read it with useSession().

import { computed, inject, onBeforeUnmount, onMounted, provide, shallowRef } from "vue";
import { ACTIONS, CHECKING, createSession } from "./session.js";

const KEY = Symbol("session-guard");

/**
 * Starts one guard when the component mounts (never during server
 * rendering) and destroys it before it unmounts. Returns read-only refs
 * (`status`, `remainingMs`, `warning`, ...) and the actions. Durations are
 * read at mount; the callbacks always see the options object's latest values.
 */
export function useSessionGuard(options) {
  const state = shallowRef(CHECKING);
  let session = null;
  onMounted(() => {
    session = createSession(() => options);
    session.subscribe((value) => {
      state.value = value;
    });
    session.start();
  });
  onBeforeUnmount(() => {
    session?.stop();
    session = null;
  });
  const out = { state: computed(() => state.value) };
  for (const k in CHECKING) out[k] = computed(() => state.value[k]);
  for (const k of ACTIONS) out[k] = (...args) => session?.actions[k](...args);
  return out;
}

/** useSessionGuard(options), shared with every descendant through useSession(). */
export function provideSessionGuard(options) {
  const session = useSessionGuard(options);
  provide(KEY, session);
  return session;
}

/** The session provided by the nearest ancestor that called provideSessionGuard(). */
export function useSession() {
  const session = inject(KEY, null);
  if (!session) throw new Error("session-guard: useSession() needs an ancestor that called provideSessionGuard()");
  return session;
}
