// Must NOT compile: types.test.mjs runs tsc on this file (tsconfig.fail.json)
// and expects exactly the errors marked `// error TSnnnn: <part of the message>`,
// each on the line after its mark.
import { SessionGuard, type ServerDeadlines, type SignOutReason } from "session-guard";

const guard = new SessionGuard({
  // error TS2561: 'idleTimeout' does not exist in type 'SessionGuardOptions'
  idleTimeout: 15 * 60_000,
  onSignOut: (e) => {
    // error TS2367: '"expired"'
    if (e.reason === "expired") console.log("no such reason");
  },
});

// A misspelled event type: the DOM lib's event maps name every valid one.
new SessionGuard({
  // error TS2820: '"keydwn"' is not assignable to type 'ActivityEventType'
  events: ["pointerdown", "keydwn"],
  onSignOut() {},
});

// error TS2322: '"timeout"' is not assignable to type 'SignOutReason'
const reason: SignOutReason = "timeout";
console.log(reason);

// A misspelled field of sync()'s argument: the run time ignores unknown
// fields (a server's whole answer may be passed), so only the types catch it.
guard.sync({
  // error TS2561: 'expiresAT' does not exist in type 'ServerDeadlines'
  expiresAT: Date.now() + 60_000,
});

new SessionGuard({
  keepAliveMs: 60_000,
  onKeepAlive: async (): Promise<ServerDeadlines> => ({
    // error TS2561: 'idleExpiresAT' does not exist in type 'ServerDeadlines'
    idleExpiresAT: Date.now() + 60_000,
  }),
  onSignOut() {},
});
