// A user's code against the package's own .d.ts: it must type-check under
// `tsc --strict` (tsconfig.json here). Lines marked @ts-expect-error must stay
// errors: the types reject them.
import init, {
  SessionGuard,
  type ActivityEvent,
  type SessionGuardOptions,
  type SessionState,
  type SignOutEvent,
  type SignOutReason,
  type WarningEvent,
} from "session-guard";

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

await init();

function showDialog(remainingMs: number, reason: "idle" | "absolute"): void {
  console.log(remainingMs, reason);
}
function logout(reason: SignOutReason): void {
  console.log(reason);
}

const options: SessionGuardOptions = {
  idleTimeoutMs: 15 * 60_000,
  maxDurationMs: 8 * 60 * 60_000,
  rememberMe: false,
  rememberMePeriodMs: 30 * 24 * 60 * 60_000,
  warnBeforeMs: 60_000,
  events: ["pointerdown", "keydown"],
  target: document,
  allowSyntheticEvents: false,
  startedAt: Date.now(),
  storageKey: "my-app-session",
  crossTab: true,
  onSignOut: (e) => {
    expectType<Equal<typeof e, SignOutEvent>>();
    expectType<Equal<typeof e.reason, "idle" | "absolute" | "manual">>();
    expectType<Equal<typeof e.at, number>>();
    expectType<Equal<typeof e.remote, boolean>>();
    logout(e.reason);
  },
  onWarning: (e) => {
    expectType<Equal<typeof e, WarningEvent>>();
    expectType<Equal<typeof e.reason, "idle" | "absolute">>();
    showDialog(e.remainingMs, e.reason);
    console.log(new Date(e.expiresAt));
  },
  onActivity: (e: ActivityEvent) => console.log(e.at, e.remote),
  onError: (err) => {
    expectType<Equal<typeof err, unknown>>();
    console.error(err);
  },
};

const guard = new SessionGuard(options);
guard.touch();
guard.setRememberMe(true);
// @ts-expect-error remember-me takes a boolean
guard.setRememberMe("yes");
guard.pause();
guard.resume();
const state: SessionState = guard.state();
expectType<Equal<ReturnType<SessionGuard["state"]>, "active" | "warning" | "paused" | "signedOut">>();
const left: number = guard.remainingMs();
const end: number = guard.expiresAt();
console.log(state, left, end);
guard.signOut();
guard.destroy();

// The smallest guard: only onSignOut is required.
const minimal = new SessionGuard({ onSignOut: ({ reason }) => logout(reason) });
minimal.destroy();

// An element as the activity target, and `undefined` as "not given".
const area = document.createElement("div");
new SessionGuard({ target: area, startedAt: undefined, onSignOut() {} }).destroy();

// What the types reject:
// @ts-expect-error onSignOut is required
new SessionGuard({ idleTimeoutMs: 60_000 });
// @ts-expect-error durations are numbers, not strings
new SessionGuard({ idleTimeoutMs: "60000", onSignOut() {} });
// @ts-expect-error events is an array of event type names
new SessionGuard({ events: "keydown", onSignOut() {} });
// @ts-expect-error an unknown option (a typo) in an object literal
new SessionGuard({ idleTimeout: 60_000, onSignOut() {} });
// @ts-expect-error a warning is never "manual"
new SessionGuard({ onSignOut() {}, onWarning: (e) => e.reason === "manual" });
// @ts-expect-error "expired" is no state
if (guard.state() === "expired") console.log("never");
// @ts-expect-error "timeout" is no reason
const wrong: SignOutReason = "timeout";
console.log(wrong);
