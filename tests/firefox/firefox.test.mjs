// The end-to-end tests that matter most, in Firefox (the system Firefox ESR,
// driven by puppeteer-core over WebDriver BiDi, on a fake clock: see
// harness.mjs): the idle and absolute deadlines, trusted and untrusted input,
// the warning, two tabs (activity, sign-out, reload), a pause held with Web
// Locks, keep-alive across tabs, and the README's start() app. The full
// suite runs in Chromium (tests/e2e); these are the same rules, asserted the
// same way, in the second browser.

import { test } from "node:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import {
  HOUR,
  MINUTE,
  ROOT,
  SECOND,
  T0,
  assert,
  call,
  expectInspect,
  expectLog,
  expectNoLog,
  inspect,
  logOf,
  makeGuard,
  moveMouse,
  pressKey,
  propagate,
  run,
  settle,
  setup,
  waitUntil,
} from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
/** Fake-clock step for several tabs: keeps their clocks within a second of each other. */
const STEP = SECOND;
const require = createRequire(import.meta.url);

/** Waits until `page` has exactly one onSignOut and returns its event. */
async function endOf(s, page, { fakeBudget = 100 } = {}) {
  await propagate(s, async () => (await logOf(page, "onSignOut")).length > 0, {
    fakeBudget,
    message: `onSignOut in ${page.url()}`,
  });
  const [entry] = await expectLog(page, "onSignOut", 1);
  return entry.event;
}

/** No uncaught error and nothing on console.error in the pages of `s`. */
function assertClean(s) {
  for (const page of s.pages) {
    assert.deepEqual(page.pageErrors, [], "no page errors");
    assert.deepEqual(
      page.consoleMessages.filter((m) => m.type === "error"),
      [],
      "no console errors",
    );
  }
}

// ------------------------------------------------------------------ one tab

test("idle sign-out happens exactly idleTimeoutMs after the start, once, with reason idle", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await expectInspect(p, { state: "active", remainingMs: MINUTE, expiresAt: T0 + MINUTE, now: T0 });

  await run(s, MINUTE - 1);
  await expectNoLog(p, "onSignOut", "1 ms before the idle deadline");
  await expectInspect(p, { remainingMs: 1 });
  await run(s, 1);
  const [entry] = await expectLog(p, "onSignOut", 1);
  assert.deepEqual(entry.event, { reason: "idle", at: T0 + MINUTE, remote: false });
  assert.equal(entry.now, T0 + MINUTE, "onSignOut is called at the deadline itself");
  await expectInspect(p, { state: "signedOut", remainingMs: 0 });

  await run(s, HOUR);
  await expectLog(p, "onSignOut", 1);
  assertClean(s);
});

test("trusted key presses and mouse moves postpone the idle sign-out; script-dispatched events do not", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR });
  await run(s, 30_000);
  await pressKey(p);
  await expectInspect(p, { expiresAt: T0 + 90_000 }, { message: "a key press is activity" });
  await run(s, 30_000);
  await moveMouse(p);
  await expectInspect(p, { expiresAt: T0 + 120_000 }, { message: "a mouse move is activity" });

  await run(s, 30_000);
  await p.evaluate(() => {
    document.dispatchEvent(new Event("keydown"));
    document.body.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true, key: "a" }));
    document.body.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: 5, clientY: 5 }));
    document.body.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
    document.dispatchEvent(new WheelEvent("wheel", { deltaY: 10 }));
  });
  await expectInspect(p, { expiresAt: T0 + 120_000 }, { message: "untrusted events must not move the deadline" });

  await run(s, 30_000 - 1);
  await expectNoLog(p, "onSignOut");
  await run(s, 1);
  assert.deepEqual((await expectLog(p, "onSignOut", 1))[0].event, { reason: "idle", at: T0 + 120_000, remote: false });
  assertClean(s);
});

test("the absolute deadline signs out at maxDurationMs despite constant activity", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: 5 * MINUTE });
  for (let elapsed = 0; elapsed < 5 * MINUTE - 20_000; elapsed += 20_000) {
    await run(s, 20_000);
    await pressKey(p);
    await moveMouse(p);
  }
  await expectInspect(p, { expiresAt: T0 + 5 * MINUTE }, { message: "activity never extends the absolute deadline" });
  await run(s, 20_000 - 1);
  await expectNoLog(p, "onSignOut", "1 ms before the absolute deadline");
  await run(s, 1);
  assert.deepEqual((await expectLog(p, "onSignOut", 1))[0].event, { reason: "absolute", at: T0 + 5 * MINUTE, remote: false });
  assertClean(s);
});

test("warning fires once at end − warnBeforeMs; activity returns to active and re-arms it", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await makeGuard(p, { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 });
  await run(s, 50_000 - 1);
  await expectNoLog(p, "onWarning");
  await run(s, 1);
  let warnings = await expectLog(p, "onWarning", 1);
  assert.deepEqual(warnings[0].event, { reason: "idle", remainingMs: 10_000, expiresAt: T0 + MINUTE });
  assert.equal(warnings[0].now, T0 + 50_000);
  await expectInspect(p, { state: "warning" });

  await run(s, 5_000);
  await expectLog(p, "onWarning", 1);
  await pressKey(p); // T0 + 55 s
  await expectInspect(p, { state: "active", expiresAt: T0 + 115_000 }, { message: "activity ends an idle warning" });

  await run(s, 50_000);
  warnings = await expectLog(p, "onWarning", 2);
  assert.deepEqual(warnings[1].event, { reason: "idle", remainingMs: 10_000, expiresAt: T0 + 115_000 });
  await run(s, 10_000);
  assert.deepEqual((await expectLog(p, "onSignOut", 1))[0].event, { reason: "idle", at: T0 + 115_000, remote: false });
  assertClean(s);
});

// ----------------------------------------------------------------- two tabs

test("activity in either tab keeps the other alive; the idle end reaches both", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 };
  await makeGuard(a, options);
  await makeGuard(b, options);
  for (let i = 1; i <= 4; i++) {
    await run(s, 30_000, { step: STEP });
    const [from, to] = i % 2 ? [a, b] : [b, a];
    if (i % 2) await pressKey(from);
    else await moveMouse(from);
    const at = (await inspect(from)).now;
    await expectInspect(from, { expiresAt: at + MINUTE });
    await propagate(s, async () => (await inspect(to)).expiresAt === at + MINUTE, {
      fakeBudget: 1000,
      tick: 50,
      message: "the other tab's idle deadline to follow the activity",
    });
  }
  for (const page of [a, b]) await expectNoLog(page, "onSignOut");

  const last = (await inspect(a)).now;
  await run(s, MINUTE + 2 * STEP, { step: STEP });
  for (const page of [a, b]) {
    const [w] = await expectLog(page, "onWarning", 1);
    assert.equal(w.event.reason, "idle");
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (last + MINUTE)) <= STEP, `at T0+${e.at - T0}, expected about T0+${last + MINUTE - T0}`);
  }
  assertClean(s);
});

test("signOut() in one tab reaches the other: same reason and end, remote: true", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR });
  await makeGuard(b, { idleTimeoutMs: 10 * MINUTE, maxDurationMs: HOUR });
  await run(s, 5000, { step: STEP });
  await call(a, "signOut");
  assert.deepEqual(await endOf(s, a, { fakeBudget: 0 }), { reason: "manual", at: T0 + 5000, remote: false });
  assert.deepEqual(await endOf(s, b), { reason: "manual", at: T0 + 5000, remote: true });
  const [entry] = await logOf(b, "onSignOut");
  assert.ok(entry.now - (T0 + 5000) <= 100, `tab B learned ${entry.now - T0 - 5000} ms of fake time later`);
  await expectInspect(b, { state: "signedOut", remainingMs: 0 });
  assertClean(s);
});

test("a reload resumes the stored session: the absolute deadline carries over", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [a] = s.pages;
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: 30 * MINUTE };
  await makeGuard(a, options);
  for (let i = 0; i < 5; i++) {
    await run(s, 5 * MINUTE);
    await pressKey(a);
  }
  await expectInspect(a, { expiresAt: T0 + 30 * MINUTE });
  await s.reload(a);
  await makeGuard(a, options);
  await expectInspect(a, { state: "active", expiresAt: T0 + 30 * MINUTE, now: T0 + 25 * MINUTE });
  await run(s, 5 * MINUTE - 1);
  await expectNoLog(a, "onSignOut");
  await run(s, 1);
  assert.deepEqual(await endOf(s, a), { reason: "absolute", at: T0 + 30 * MINUTE, remote: false });
  assertClean(s);
});

// ------------------------------------------------------- pause (Web Locks)

/** The lock a paused guard holds (README): "session-guard:hold:" + storageKey. */
const HOLD = "shared session-guard:hold:session-guard";

/** Locks of the origin, as "mode name" strings (navigator.locks.query()). */
const heldLocks = (page) =>
  page.evaluate(async () => (await navigator.locks.query()).held.map((l) => `${l.mode} ${l.name}`));

test("a pause in one tab holds the other with a Web Lock; resume() restarts the idle window", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR, warnBeforeMs: 10_000 };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await run(s, 10_000, { step: STEP });
  await call(a, "pause");
  await waitUntil(async () => (await heldLocks(b)).includes(HOLD), { message: "the paused tab's lock, seen from tab B" });
  await settle(100);
  await run(s, 5 * MINUTE, { step: 5000 });
  for (const page of [a, b]) {
    await expectNoLog(page, "onSignOut", "while a tab of the session is paused");
    await expectNoLog(page, "onWarning", "while a tab of the session is paused");
  }

  const resumedAt = (await inspect(a)).now;
  await call(a, "resume");
  await expectInspect(a, { state: "active", expiresAt: resumedAt + MINUTE });
  await waitUntil(async () => !(await heldLocks(b)).includes(HOLD), { message: "the lock to go with resume()" });
  await propagate(s, async () => (await inspect(b)).expiresAt === resumedAt + MINUTE, {
    fakeBudget: 1000,
    tick: 50,
    message: "the idle window to run again from resume() in tab B",
  });
  await run(s, MINUTE + 2 * STEP, { step: STEP });
  for (const page of [a, b]) {
    const e = await endOf(s, page);
    assert.equal(e.reason, "idle");
    assert.ok(Math.abs(e.at - (resumedAt + MINUTE)) <= STEP, `at T0+${e.at - T0}`);
  }
  assertClean(s);
});

test("closing the paused tab releases its lock: the idle window runs again from that moment", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: MINUTE, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  await run(s, 10_000, { step: STEP });
  await call(a, "pause");
  await waitUntil(async () => (await heldLocks(b)).includes(HOLD), { message: "the paused tab's lock" });
  await settle(100);
  await run(s, 5 * MINUTE, { step: 5000 });
  await expectNoLog(b, "onSignOut", "while tab A is paused");

  const closedAt = T0 + 5 * MINUTE + 10_000;
  await s.closePage(a); // no destroy(), no resume(): the browser releases the lock
  await waitUntil(async () => !(await heldLocks(b)).includes(HOLD), { message: "the browser to release the lock" });
  await propagate(s, async () => (await inspect(b)).expiresAt === closedAt + MINUTE, {
    fakeBudget: 0,
    timeout: 5000,
    message: "tab B's idle window to restart when the paused tab closed",
  });
  await run(s, MINUTE - 1);
  await expectNoLog(b, "onSignOut");
  await run(s, 1);
  assert.deepEqual(await endOf(s, b), { reason: "idle", at: closedAt + MINUTE, remote: false });
  assertClean(s);
});

// --------------------------------------------------------------- keep-alive

/** Page-side onKeepAlive: recorded in window.log, answered at once. */
const KEEP_ALIVE = {
  options:
    "({ onKeepAlive: (e) => { window.record('onKeepAlive', window.guards.length - 1, e); return Promise.resolve(); } })",
};

test("two tabs: one keep-alive per period while the user is active, none while idle, one at the return", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const options = { idleTimeoutMs: 5 * MINUTE, maxDurationMs: HOUR, keepAliveMs: MINUTE };
  for (const page of s.pages) await makeGuard(page, options, KEEP_ALIVE);

  // Active in the tabs in turn every 20 s up to 4:40, idle to 7:30, back at 7:30.
  let i = 0;
  for (let at = 20 * SECOND; at <= 4 * MINUTE + 40 * SECOND; at += 20 * SECOND) {
    await run(s, 20 * SECOND, { step: STEP });
    const page = s.pages[i % 2];
    if (i++ % 2) await moveMouse(page);
    else await pressKey(page);
  }
  await run(s, 2 * MINUTE + 50 * SECOND, { step: STEP }); // to 7:30
  await pressKey(s.pages[1]);
  await run(s, 10 * SECOND, { step: STEP });

  const calls = [];
  for (const [tab, page] of s.pages.entries()) {
    for (const e of await logOf(page, "onKeepAlive")) calls.push({ tab, at: e.now, lastActivity: e.event.lastActivity });
  }
  calls.sort((x, y) => x.at - y.at);
  const rel = (ms) => `T0+${(ms - T0) / 1000}s`;
  const due = [1, 2, 3, 4, 5, 7.5].map((m) => T0 + m * MINUTE);
  assert.equal(calls.length, due.length, `keep-alives at ${calls.map((c) => rel(c.at))}`);
  calls.forEach((c, k) => {
    assert.ok(c.at >= due[k] && c.at <= due[k] + 2 * STEP, `keep-alive ${k + 1} at ${rel(c.at)}, due ${rel(due[k])}`);
  });
  assert.equal(calls.at(-1).lastActivity, T0 + 7.5 * MINUTE, "the call at the return carries that activity");
  for (const page of s.pages) await expectNoLog(page, "onSignOut");
  assertClean(s);
});

// ---------------------------------------------------------------- start()

/**
 * The README's start() app (tests/recipes/start/main.ts) bundled with esbuild
 * against the repository's package (linked as node_modules/session-guard), in
 * a site of its own; `wasm` false leaves the .wasm out (it 404s).
 */
async function startSite(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-firefox-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(ROOT, path.join(dir, "node_modules", "session-guard"), "dir");
  const esbuild = require("esbuild");
  for (const [out, wasm] of [
    ["app", true],
    ["broken", false],
  ]) {
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: [path.join(ROOT, "tests/recipes/start/main.ts")],
      nodePaths: [path.join(dir, "node_modules")],
      bundle: true,
      format: "esm",
      target: "es2022",
      outdir: path.join(dir, out),
      logLevel: "silent",
    });
    if (wasm) copyFileSync(path.join(ROOT, "pkg/session_guard_bg.wasm"), path.join(dir, out, "session_guard_bg.wasm"));
    writeFileSync(
      path.join(dir, out, "index.html"),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title>` +
        `<script type="module" src="main.js"></script></head><body><p id="status">Signed in</p></body></html>\n`,
    );
  }
  const server = await startServer({ root: dir, port: 0, host: "127.0.0.1" });
  t.after(() => server.close());
  return server.url;
}

const pathOf = (page) => new URL(page.url());

/**
 * Page side: what console.error was given, as text, kept in sessionStorage
 * across the app's sign-out navigation (puppeteer shows an Error argument only
 * as a handle, which that navigation invalidates).
 */
function RECORD_ERRORS() {
  const error = console.error;
  console.error = (...args) => {
    const seen = JSON.parse(sessionStorage.getItem("console.error") ?? "[]");
    seen.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" "));
    sessionStorage.setItem("console.error", JSON.stringify(seen));
    error.apply(console, args);
  };
}
const consoleErrors = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem("console.error") ?? "[]"));

test("the README's start() app: a warning, then its own sign-out navigation; a .wasm that 404s fails closed", { timeout: 120_000 }, async (t) => {
  const origin = await startSite(t);
  const s = await h.tabs(t, 0, { initScript: RECORD_ERRORS });
  const page = await s.openPage(`${origin}/app/index.html`);
  await waitUntil(() => page.evaluate(() => localStorage.getItem("session-guard") !== null), {
    message: "the guard to start",
  });
  const status = () => page.evaluate(() => document.getElementById("status").textContent);
  await run(s, 14 * MINUTE);
  await waitUntil(async () => /^Signing out in 60 s/.test(await status()), { message: "the warning" });
  await run(s, 59 * SECOND);
  assert.equal(pathOf(page).pathname, "/app/index.html", "still signed in one second before the end");
  await run(s, SECOND);
  await waitUntil(() => pathOf(page).pathname === "/signed-out", { message: "the app's sign-out navigation" });
  assert.equal(pathOf(page).searchParams.get("reason"), "idle");
  assert.deepEqual(page.pageErrors, []);
  assert.deepEqual(await consoleErrors(page), []);

  const broken = await s.openPage(`${origin}/broken/index.html`);
  await waitUntil(() => pathOf(broken).pathname === "/signed-out", { message: "the sign-out of a guard that cannot start" });
  assert.equal(pathOf(broken).searchParams.get("reason"), "error");
  const errors = await consoleErrors(broken);
  assert.equal(errors.length, 1, `the error went to console.error once: ${JSON.stringify(errors)}`);
  assert.match(errors[0], /404|Wasm|WebAssembly/i);
});
