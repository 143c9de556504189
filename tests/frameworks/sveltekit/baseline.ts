// A stand-in for session-guard/svelte that guards nothing (the size baseline).
export const sessionGuard = () => ({
  subscribe(run: (value: object) => void) {
    run({ status: "active", warning: null, remainingMs: 0 });
    return () => {};
  },
  staySignedIn() {},
  signOut() {},
});
