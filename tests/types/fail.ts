// Must NOT compile: types.test.mjs runs tsc on this file (tsconfig.fail.json)
// and expects exactly the errors marked `// error TSnnnn: <part of the message>`,
// each on the line after its mark.
import { SessionGuard, type SignOutReason } from "session-guard";

new SessionGuard({
  // error TS2561: 'idleTimeout' does not exist in type 'SessionGuardOptions'
  idleTimeout: 15 * 60_000,
  onSignOut: (e) => {
    // error TS2367: '"expired"'
    if (e.reason === "expired") console.log("no such reason");
  },
});

// error TS2322: '"timeout"' is not assignable to type 'SignOutReason'
const reason: SignOutReason = "timeout";
console.log(reason);
