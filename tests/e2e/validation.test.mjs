// Validation: bad options throw a JS Error whose message names the option and
// the value, and a failed construction starts nothing.

import { test } from "node:test";
import {
  DAY,
  HOUR,
  MINUTE,
  T0,
  assert,
  call,
  expectInspect,
  expectLog,
  expectNoLog,
  logOf,
  makeGuard,
  moveMouse,
  pressKey,
  run,
  settle,
  setup,
  tryGuard,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };
const BASE = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };

async function page(t, sessionOptions) {
  const s = await h.tabs(t, 1, sessionOptions);
  return { s, p: s.pages[0] };
}

/** How a value may be spelt in an error message. */
function spellings(value) {
  if (typeof value === "string") return [value];
  if (typeof value === "number" && Number.isFinite(value) && Number.isInteger(value) && value > 1e12) {
    // an epoch: the number itself, or a date
    return [String(value), new Date(value).toISOString().slice(0, 16)];
  }
  return [String(value)];
}

/**
 * Asserts that new SessionGuard(options) throws an Error whose message contains
 * every name of `names` and (when `value` is given) a spelling of the value.
 */
async function expectThrow(p, options, names, { value, hooks, noValue = false } = {}) {
  const result = await tryGuard(p, options, hooks);
  const shown = JSON.stringify(options, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  assert.equal(result.ok, false, `new SessionGuard(${shown}) should throw`);
  assert.equal(result.isError, true, `what is thrown should be an Error, got ${result.name}: ${result.error}`);
  for (const name of names) {
    assert.ok(result.error.includes(name), `message ${JSON.stringify(result.error)} should name ${name}`);
  }
  if (!noValue && value !== undefined) {
    const ok = spellings(value).some((v) => result.error.includes(v));
    assert.ok(ok, `message ${JSON.stringify(result.error)} should show the value ${String(value)}`);
  }
  return result.error;
}

const BAD_DURATIONS = [NaN, Infinity, -Infinity, 1.5, -2, "100", true];

for (const option of ["idleTimeoutMs", "maxDurationMs", "rememberMePeriodMs", "warnBeforeMs"]) {
  test(`${option}: a value that is not an integer ≥ 0 or -1 throws, naming ${option} and the value`, TIMEOUT, async (t) => {
    const { p } = await page(t);
    const values = option === "warnBeforeMs" ? BAD_DURATIONS : [...BAD_DURATIONS, -1.5, -100];
    for (const value of values) {
      await t.test(`${option}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`, async () => {
        await expectThrow(p, { ...BASE, [option]: value }, [option], { value });
      });
    }
  });
}

test("both idleTimeoutMs and maxDurationMs disabled throws: nothing to enforce", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { idleTimeoutMs: -1, maxDurationMs: -1 }, ["idleTimeoutMs", "maxDurationMs", "-1"]);
});

test("idleTimeoutMs greater than maxDurationMs throws", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { idleTimeoutMs: 2 * HOUR, maxDurationMs: HOUR }, ["idleTimeoutMs"], { value: 2 * HOUR });
  await expectThrow(p, { idleTimeoutMs: HOUR + 1, maxDurationMs: HOUR }, ["idleTimeoutMs"], { value: HOUR + 1 });
  // the default maxDurationMs is 180 minutes
  await expectThrow(p, { idleTimeoutMs: 181 * MINUTE }, ["idleTimeoutMs"], { value: 181 * MINUTE });
});

test("warnBeforeMs not smaller than the idle window in force throws", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { ...BASE, warnBeforeMs: MINUTE }, ["warnBeforeMs"], { value: MINUTE });
  await expectThrow(p, { ...BASE, warnBeforeMs: 2 * MINUTE }, ["warnBeforeMs"], { value: 2 * MINUTE });
  // the default idle window is 5 minutes
  await expectThrow(p, { warnBeforeMs: 5 * MINUTE }, ["warnBeforeMs"], { value: 5 * MINUTE });
  // remember-me on: its period is the window in force
  await expectThrow(
    p,
    { ...BASE, rememberMe: true, rememberMePeriodMs: 10 * MINUTE, warnBeforeMs: 10 * MINUTE },
    ["warnBeforeMs"],
    { value: 10 * MINUTE },
  );
});

test("the warnBeforeMs error names the window it was compared with, and its value", TIMEOUT, async (t) => {
  const { p } = await page(t);
  const idle = await expectThrow(p, { ...BASE, warnBeforeMs: 2 * MINUTE }, ["warnBeforeMs"]);
  assert.ok(idle.includes(`idleTimeoutMs = ${MINUTE}`), idle);
  const remember = await expectThrow(
    p,
    { ...BASE, rememberMe: true, rememberMePeriodMs: 10 * MINUTE, warnBeforeMs: 20 * MINUTE },
    ["warnBeforeMs"],
  );
  assert.ok(remember.includes(`rememberMePeriodMs = ${10 * MINUTE}`), remember);
  const fallback = await expectThrow(p, { warnBeforeMs: 5 * MINUTE }, ["warnBeforeMs"]);
  assert.ok(fallback.includes(`idleTimeoutMs = ${5 * MINUTE}`), "the default window: " + fallback);
});

test("every unknown option is reported in one error, each with its value", TIMEOUT, async (t) => {
  const { p } = await page(t);
  const message = await expectThrow(p, { ...BASE, idleTimeout: 1000, onSignout: "x", remember_me: true }, [
    "idleTimeout",
    "onSignout",
    "remember_me",
  ]);
  for (const value of ["1000", '"x"', "true"]) assert.ok(message.includes(`(got ${value})`), message);
});

test("an unknown option name throws, naming it", TIMEOUT, async (t) => {
  const { p } = await page(t);
  for (const name of ["idleTimeout", "maxDuration", "idleTimeoutMS", "onSignout", "remember_me", "timeout"]) {
    await t.test(name, async () => {
      await expectThrow(p, { ...BASE, [name]: 1000 }, [name]);
    });
  }
});

test("onSignOut missing or not a function throws, naming onSignOut", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { ...BASE }, ["onSignOut"], { hooks: { omit: ["onSignOut"] } });
  await expectThrow(p, { ...BASE, onSignOut: "logout" }, ["onSignOut"], { value: "logout" });
  await expectThrow(p, { ...BASE, onSignOut: 42 }, ["onSignOut"], { value: 42 });
  await expectThrow(p, { ...BASE, onSignOut: null }, ["onSignOut"]);
  await expectThrow(p, { ...BASE, onSignOut: {} }, ["onSignOut"]);
});

test("new SessionGuard() without options throws an Error", TIMEOUT, async (t) => {
  const { p } = await page(t);
  const result = await p.evaluate(() => {
    try {
      new window.SessionGuard();
      return { ok: true };
    } catch (err) {
      return { ok: false, isError: err instanceof Error, message: String(err?.message ?? err) };
    }
  });
  assert.equal(result.ok, false);
  assert.equal(result.isError, true, result.message);
});

test("any other callback that is not a function throws, naming it and the value", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { ...BASE, onWarning: 5 }, ["onWarning"], { value: 5 });
  await expectThrow(p, { ...BASE, onActivity: "yes" }, ["onActivity"], { value: "yes" });
  await expectThrow(p, { ...BASE, onError: true }, ["onError"], { value: true });
  await expectThrow(p, { ...BASE, onWarning: {} }, ["onWarning"]);
  await expectThrow(p, { ...BASE, onError: null }, ["onError"]);
});

test("events empty, not an array, or holding anything but strings throws, naming events", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { ...BASE, events: [] }, ["events"]);
  await expectThrow(p, { ...BASE, events: [1] }, ["events"], { value: 1 });
  await expectThrow(p, { ...BASE, events: ["keydown", null] }, ["events"], { value: null });
  await expectThrow(p, { ...BASE, events: ["keydown", 7] }, ["events"], { value: 7 });
  await expectThrow(p, { ...BASE, events: "keydown" }, ["events"], { value: "keydown" });
});

test("startedAt not an integer epoch ms, or in seconds (below 100000000000), throws", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await expectThrow(p, { ...BASE, startedAt: T0 + 0.5 }, ["startedAt"], { value: T0 + 0.5 });
  await expectThrow(p, { ...BASE, startedAt: NaN }, ["startedAt"], { value: NaN });
  await expectThrow(p, { ...BASE, startedAt: Infinity }, ["startedAt"], { value: Infinity });
  await expectThrow(p, { ...BASE, startedAt: String(T0) }, ["startedAt"], { value: String(T0) });
  // A JWT iat is seconds: it must not end the session at once as 1970.
  const iat = Math.floor(T0 / 1000);
  await expectThrow(p, { ...BASE, startedAt: iat }, ["startedAt"], { value: iat });
  await expectThrow(p, { ...BASE, startedAt: 99_999_999_999 }, ["startedAt"], { value: 99_999_999_999 });
  await expectThrow(p, { ...BASE, startedAt: 0 }, ["startedAt"], { value: 0 });
});

test("a startedAt ahead of the page's clock is taken as now; more than a minute ahead is reported, and the guard starts", TIMEOUT, async (t) => {
  const { p } = await page(t);
  for (const [ahead, reported] of [[30_000, false], [MINUTE + 1, true], [2 * MINUTE, true], [DAY, true]]) {
    const result = await tryGuard(p, { idleTimeoutMs: -1, maxDurationMs: HOUR, startedAt: T0 + ahead, storageKey: `ahead-${ahead}` });
    assert.equal(result.ok, true, `startedAt ${ahead} ms ahead: ${result.error}`);
    await expectInspect(p, { state: "active", expiresAt: T0 + HOUR }, { message: `${ahead} ms ahead is taken as now` });
    const errors = await logOf(p, "onError");
    assert.equal(errors.length, reported ? 1 : 0, `${ahead} ms ahead: ${JSON.stringify(errors)}`);
    if (reported) assert.match(errors[0].event.message, /startedAt/);
    await p.evaluate(() => window.log.splice(0));
    await call(p, "destroy");
  }
});

test("a failed construction starts nothing: no callback, no listener, no timer, no shared session", TIMEOUT, async (t) => {
  const { s, p } = await page(t, { pages: 2 });
  const other = s.pages[1];
  // a live guard in another tab of the same session must not notice the failures
  await makeGuard(other, { ...BASE, warnBeforeMs: 10_000 });

  const failing = [
    { ...BASE, idleTimeoutMs: 1.5 },
    { ...BASE, idleTimeout: 5000 },
    { idleTimeoutMs: -1, maxDurationMs: -1 },
    { idleTimeoutMs: 2 * HOUR, maxDurationMs: HOUR },
    { ...BASE, warnBeforeMs: MINUTE },
    { ...BASE, events: [] },
    { ...BASE, onWarning: 1 },
    { ...BASE, startedAt: Math.floor(T0 / 1000) },
    { ...BASE, keepAliveMs: MINUTE },
    { ...BASE, allowSyntheticEvents: true, idleTimeoutMs: NaN, warnBeforeMs: 1000 },
  ];
  for (const options of failing) {
    const result = await tryGuard(p, options);
    assert.equal(result.ok, false, `${JSON.stringify(options)} should throw`);
  }

  await pressKey(p);
  await moveMouse(p);
  await p.evaluate(() => {
    document.dispatchEvent(new Event("keydown"));
    document.dispatchEvent(new Event("pointermove"));
    window.dispatchEvent(new Event("focus"));
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await run(s, 50_000, { step: 10_000 });
  await expectInspect(other, { state: "warning", expiresAt: T0 + MINUTE }, { message: "the live tab is untouched" });
  await run(s, 10_000, { step: 10_000 });
  await run(s, DAY, { step: HOUR });
  await pressKey(p);
  await settle(100);
  assert.deepEqual(await logOf(p), [], "a failed construction must never call back");
  assert.deepEqual(p.pageErrors, []);
  const [end] = (await expectLog(other, "onSignOut", 1)).map((e) => e.event);
  assert.deepEqual(end, { reason: "idle", at: T0 + MINUTE, remote: false }, "the live tab ended on its own deadline");
});

test("a failed construction writes no session for other tabs to join", TIMEOUT, async (t) => {
  const { s, p } = await page(t);
  const before = await p.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  await tryGuard(p, { ...BASE, idleTimeoutMs: 1.5 });
  await tryGuard(p, { ...BASE, startedAt: Math.floor(T0 / 1000) });
  await settle();
  const after = await p.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.equal(after, before, "localStorage unchanged by failed constructions");
  // a valid guard now begins its own session at now, not at a rejected startedAt
  await run(s, 30_000);
  await makeGuard(p, { idleTimeoutMs: -1, maxDurationMs: HOUR });
  await expectInspect(p, { expiresAt: T0 + 30_000 + HOUR });
});

test("valid edge values construct fine", TIMEOUT, async (t) => {
  const { p } = await page(t);
  const cases = [
    ["defaults only", {}],
    ["idleTimeoutMs -1 with a lifetime", { idleTimeoutMs: -1, maxDurationMs: HOUR }],
    ["maxDurationMs -1 with an idle limit", { idleTimeoutMs: MINUTE, maxDurationMs: -1 }],
    ["idleTimeoutMs equal to maxDurationMs", { idleTimeoutMs: HOUR, maxDurationMs: HOUR }],
    ["warnBeforeMs 0", { ...BASE, warnBeforeMs: 0 }],
    ["warnBeforeMs just under the idle window", { ...BASE, warnBeforeMs: MINUTE - 1 }],
    [
      "warnBeforeMs under the remember-me window in force",
      { ...BASE, rememberMe: true, rememberMePeriodMs: 10 * MINUTE, warnBeforeMs: 5 * MINUTE },
    ],
    ["rememberMePeriodMs longer than maxDurationMs", { ...BASE, rememberMePeriodMs: 2 * HOUR }],
    ["startedAt now", { ...BASE, startedAt: T0 }],
    ["startedAt within a minute in the future", { ...BASE, startedAt: T0 + 30_000 }],
    ["startedAt a minute in the future", { ...BASE, startedAt: T0 + MINUTE }],
    ["startedAt at the first epoch ms taken for ms", { ...BASE, maxDurationMs: -1, startedAt: 100_000_000_000 }],
    ["startedAt long ago without an absolute limit", { ...BASE, maxDurationMs: -1, startedAt: T0 - 30 * DAY }],
    ["custom events", { ...BASE, events: ["keydown", "my-app-activity"] }],
    ["every boolean and string option", { ...BASE, rememberMe: false, allowSyntheticEvents: true, crossTab: false, storageKey: "app-1" }],
  ];
  for (const [i, [name, options]] of cases.entries()) {
    await t.test(name, async () => {
      const result = await tryGuard(p, { storageKey: `valid-${i}`, ...options });
      assert.equal(result.ok, true, `${name}: ${result.error}`);
      await call(p, "destroy");
    });
  }
  await expectNoLog(p, "onError");
});

test("a startedAt within a minute in the future is taken as now, unreported", TIMEOUT, async (t) => {
  const { p } = await page(t);
  await makeGuard(p, { idleTimeoutMs: -1, maxDurationMs: HOUR, startedAt: T0 + 30_000 });
  await expectInspect(p, { state: "active", expiresAt: T0 + HOUR });
  await expectNoLog(p, "onError");
});

test("keepAliveMs and onKeepAlive are validated together", TIMEOUT, async (t) => {
  const { p } = await page(t);
  const ping = { options: "({ onKeepAlive: () => {} })" };
  for (const bad of [0, -2, 1.5, NaN, "60000"]) {
    await expectThrow(p, { ...BASE, keepAliveMs: bad }, ["keepAliveMs"], { value: bad, hooks: ping });
  }
  await expectThrow(p, { ...BASE, keepAliveMs: MINUTE }, ["keepAliveMs", "onKeepAlive"]);
  await expectThrow(p, { ...BASE }, ["onKeepAlive", "keepAliveMs"], { hooks: ping });
  await expectThrow(p, { ...BASE, keepAliveMs: -1 }, ["onKeepAlive"], { hooks: ping });
  await expectThrow(p, { ...BASE, keepAliveMs: MINUTE }, ["onKeepAlive"], { hooks: { options: "({ onKeepAlive: 1 })" } });
});

test("new SessionGuard() before init() throws an Error that says to call await init() first; after init() it starts", TIMEOUT, async (t) => {
  const { p } = await page(t);
  // A second copy of the package's module (another URL), whose wasm is not loaded yet.
  const result = await p.evaluate(async () => {
    const pkg = await import("/pkg/session_guard.js?before-init");
    const attempt = () => {
      try {
        new pkg.SessionGuard({ idleTimeoutMs: 60_000, storageKey: "before-init", onSignOut() {} });
        return { ok: true };
      } catch (error) {
        return { ok: false, isError: error instanceof Error, name: error?.name, message: String(error?.message ?? error) };
      }
    };
    const before = attempt();
    await pkg.default();
    const after = attempt();
    return { before, after };
  });
  assert.deepEqual(
    { ...result.before, message: undefined },
    { ok: false, isError: true, name: "Error", message: undefined },
    `a plain Error, not a TypeError: ${result.before.message}`,
  );
  assert.match(result.before.message, /^session-guard: /, "the message names the package");
  assert.match(result.before.message, /call await init\(\) first/, "and says what to do");
  assert.deepEqual(result.after, { ok: true }, "after init() the same options start a guard");
});
