// A stand-in for session-guard/vue that guards nothing (the size baseline).
import { computed } from "vue";

const session = () => ({
  status: computed(() => "active"),
  warning: computed(() => null),
  remainingMs: computed(() => 0),
  staySignedIn() {},
  signOut() {},
});
export const provideSessionGuard = session;
export const useSession = session;
