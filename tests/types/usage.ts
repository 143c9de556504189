// A user's code against the package's own .d.ts: it must type-check under
// `tsc --strict` (tsconfig.json here). Lines marked @ts-expect-error must stay
// errors: the types reject them.
import init, {
  SessionGuard,
  type ActivityEvent,
  type KeepAliveEvent,
  type ServerDeadlines,
  type SessionGuardOptions,
  type SessionState,
  type SignOutEvent,
  type SignOutReason,
  type WarningEvent,
  type ActivityEventType,
} from "session-guard";

declare global {
  interface DocumentEventMap {
    /** An event of the app's own, counted as activity below. */
    "app:activity": CustomEvent<{ source: string }>;
  }
}

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
    expectType<Equal<typeof e.reason, "idle" | "absolute" | "manual" | "closed">>();
    expectType<Equal<typeof e.at, number>>();
    expectType<Equal<typeof e.remote, boolean>>();
    expectType<Equal<typeof e.restored, true | undefined>>();
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

// events: DOM event type names, checked against the DOM lib's event maps.
const EVENTS = ["keydown", "pointerdown", "visibilitychange", "resize", "focusin"] as const;
new SessionGuard({ events: EVENTS, onSignOut() {} }).destroy();
const some: ActivityEventType[] = ["wheel", "touchstart"];
new SessionGuard({ events: some, target: window, onSignOut() {} }).destroy();
expectType<Equal<"keydown" extends ActivityEventType ? true : false, true>>();
// A custom event is added by augmenting a map, as for addEventListener.
new SessionGuard({ events: ["app:activity", "keydown"], onSignOut() {} }).destroy();
document.addEventListener("app:activity", (e) => console.log(e.detail.source));

// What the types reject:
// @ts-expect-error a misspelled event type ("keydwn")
new SessionGuard({ events: ["pointerdown", "keydwn"], onSignOut() {} });
declare const anyNames: string[];
// @ts-expect-error any string[]: its names are unchecked
new SessionGuard({ events: anyNames, onSignOut() {} });
// @ts-expect-error an event type no map declares (not augmented)
new SessionGuard({ events: ["app:unknown"], onSignOut() {} });
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

// Following the server: keepAliveMs with onKeepAlive, and sync().
const kept = new SessionGuard({
  idleTimeoutMs: 15 * 60_000,
  keepAliveMs: 5 * 60_000,
  // A keep-alive endpoint answering with the server's deadlines: the resolved
  // object is applied as sync(value). The annotation makes the answer checked.
  onKeepAlive: async ({ lastActivity }): Promise<ServerDeadlines> => {
    expectType<Equal<typeof lastActivity, number>>();
    const response = await fetch("/api/session/keep-alive", { method: "POST" });
    if (response.status === 401) {
      kept.signOut(); // the guard exists by then: callbacks never run inside the constructor
      return {};
    }
    const answer: { expiresAt: number; idleExpiresAt: number; now: number } = await response.json();
    return { expiresAt: answer.expiresAt, idleExpiresAt: answer.idleExpiresAt, now: answer.now };
  },
  onSignOut() {},
});
kept.destroy();

// What onKeepAlive may return: nothing, a Promise of anything (fetch's Response,
// a token library's boolean or user), any thenable, or the deadlines themselves.
expectType<Equal<Parameters<NonNullable<SessionGuardOptions["onKeepAlive"]>>, [KeepAliveEvent]>>();
function keepAlive(onKeepAlive: NonNullable<SessionGuardOptions["onKeepAlive"]>): void {
  new SessionGuard({ keepAliveMs: 60_000, onKeepAlive, onSignOut() {} }).destroy();
}
declare const thenable: PromiseLike<boolean>;
declare const refreshed: () => Promise<boolean>;
keepAlive(() => {
  void fetch("/api/ping", { method: "POST" });
});
keepAlive(() => fetch("/api/ping", { method: "POST" }));
keepAlive(async () => (await fetch("/api/session/keep-alive", { method: "POST" })).json());
keepAlive(() => refreshed());
keepAlive(() => thenable);
keepAlive(({ lastActivity }) => ({ idleExpiresAt: lastActivity + 30 * 60_000 }));
keepAlive(async (): Promise<ServerDeadlines | void> => {});
new SessionGuard({ keepAliveMs: -1, onKeepAlive: undefined, onSignOut() {} }).destroy();

// sync(): each field optional; null and undefined count as not given.
const now = Date.now();
guard.sync({ expiresAt: now + 8 * 60 * 60_000, idleExpiresAt: now + 30 * 60_000, now });
guard.sync({ expiresAt: now + 60_000 });
guard.sync({ idleExpiresAt: null, now: undefined });
guard.sync({});
declare const exp: number | undefined;
guard.sync({ expiresAt: exp === undefined ? undefined : exp * 1000 });
// A server's whole answer may be passed: unknown fields are ignored at run time.
declare const json: unknown;
guard.sync(json as ServerDeadlines);
const answer = { expiresAt: now + 60_000, now, user: "ada", roles: ["admin"] };
guard.sync(answer);
expectType<Equal<ReturnType<SessionGuard["sync"]>, void>>();

// What the types reject:
// @ts-expect-error a misspelled field in an object literal (the run time would ignore it)
guard.sync({ expiresAT: now + 60_000 });
// @ts-expect-error a misspelled field of an annotated keep-alive answer
new SessionGuard({ keepAliveMs: 60_000, onKeepAlive: async (): Promise<ServerDeadlines> => ({ idleExpiresAT: now }), onSignOut() {} });
// @ts-expect-error an object sync reads nothing from (an OIDC user's expires_at is seconds, under another name)
guard.sync({ expires_at: 1_700_000_000 } as { expires_at: number });
// @ts-expect-error times are epoch ms numbers, not dates or strings
guard.sync({ expiresAt: new Date() });
// @ts-expect-error sync takes an object, not a bare time
guard.sync(now + 60_000);
// @ts-expect-error keepAliveMs is a number
new SessionGuard({ keepAliveMs: "5m", onKeepAlive() {}, onSignOut() {} });
// @ts-expect-error onKeepAlive is a function
new SessionGuard({ keepAliveMs: 60_000, onKeepAlive: "/api/ping", onSignOut() {} });
