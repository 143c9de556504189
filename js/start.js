// `const guard = await start(options)`: the wasm loaded once, a started
// guard, and a start that fails closed.

import { SessionGuard } from "../pkg/session_guard.js";
import { failure, guardOptions, load, reporter, signOutWith } from "./session.js";

/**
 * Loads the wasm (once per page) and starts a guard with `options`: the
 * guard's options, plus `failClosed` (default true) and `wasm` (where to
 * load the .wasm from; default: next to the glue). When the guard cannot
 * start (the .wasm does not load, bad options) the error goes to `onError`
 * (else console.error), `onSignOut` gets `{ reason: "error", at, remote:
 * false, error }` unless `failClosed` is false, and the promise resolves to
 * null. Resolves once the guard has read the stored session: a session that
 * ended while no page was open has called `onSignOut` by then.
 */
export async function start(options) {
  const given = () => options ?? {};
  let guard;
  try {
    await load(given().wasm);
    guard = new SessionGuard(guardOptions(given));
  } catch (error) {
    reporter(given)(error);
    if (given().failClosed !== false) signOutWith(given, failure(error));
    return null;
  }
  // The constructor's first callbacks run in a microtask; let them run.
  await null;
  return guard;
}
