// The demo in www/, driven as a person would use it, on Playwright's fake clock:
// the countdown runs, the warning dialog opens, "Stay signed in" moves the
// deadline, the idle limit signs out, and a sign-out in one tab reaches another;
// with keep-alive on, the demo's simulated server gets a keep-alive per period
// while the pointer moves, its deadline becomes the session's, and a server
// session ended on the server ends the session in every tab.
// Screenshots of the main states go to test-artifacts/ (gitignored):
//   demo-1-active.png                  signed in, countdowns running
//   demo-2-warning-dialog.png          the idle warning dialog, 10 s left
//   demo-3-signed-out-idle.png         the signed-out screen after the idle limit
//   demo-4-second-tab-signed-out.png   a second tab, signed out by the first
//   demo-5-keep-alive.png              keep-alives in the log, the server's deadline shown
//   demo-6-signed-out-server-idle.png  signed out by the server's idle limit
//   demo-7-server-ended.png            the server ended its session: signed out, in both tabs

import { test } from "node:test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ROOT, SECOND, T0, assert, moveMouse, propagate, run, waitUntil, setup } from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 90_000 };
const ARTIFACTS = path.join(ROOT, "test-artifacts");
// idle 20 s, maximum 60 s, warning 10 s before the end (the demo reads seconds).
const DEMO = "/www/?idle=20&max=60&warn=10";

async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), animations: "disabled", fullPage });
}

function watch(page) {
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err?.message ?? err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return errors;
}

/** Waits until the demo has a running guard. */
async function signedIn(page) {
  await page.locator('#state[data-state="active"]').waitFor();
}

/** What the demo shows, and what its guard says. */
function view(page) {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    const guard = window.demo.guard;
    return {
      now: Date.now(),
      state: $("state").dataset.state,
      remaining: $("remaining").textContent,
      expiresAtText: $("expires-at").textContent,
      expiresAt: guard ? guard.expiresAt() : null,
      dialogOpen: $("warning-dialog").open,
      warningLeft: $("warning-left")?.textContent ?? null,
      signedOutVisible: !$("signed-out").hidden,
      appVisible: !$("app").hidden,
      reason: $("signed-out-reason").textContent,
    };
  });
}

async function waitForView(page, check, message) {
  let last;
  try {
    await waitUntil(async () => check((last = await view(page))), { timeout: 5000, message });
  } catch (err) {
    assert.fail(`${err.message}; the demo shows ${JSON.stringify(last)}`);
  }
  return last;
}

test("demo: countdown, warning, stay signed in, idle sign-out", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
  const page = await s.context.newPage();
  const errors = watch(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(h.url + DEMO);
  await signedIn(page);

  // The settings came from the address.
  assert.equal(await page.inputValue("#idle"), "20");
  assert.equal(await page.inputValue("#max"), "60");
  assert.equal(await page.inputValue("#warn"), "10");

  const start = await view(page);
  assert.equal(start.now, T0);
  assert.equal(start.remaining, "00:20");
  assert.equal(start.expiresAt, T0 + 20 * SECOND, "the idle limit comes first");

  // The countdown moves with the clock.
  await run(s, 5 * SECOND);
  const later = await waitForView(page, (v) => v.remaining === "00:15", "the countdown at 00:15");
  assert.equal(later.state, "active");
  assert.equal(later.dialogOpen, false);
  await screenshot(page, "demo-1-active.png");

  // 10 s before the end the warning dialog opens.
  await run(s, 5 * SECOND);
  const warned = await waitForView(page, (v) => v.dialogOpen, "the warning dialog");
  assert.equal(warned.state, "warning");
  assert.equal(warned.warningLeft, "00:10");
  assert.equal(await page.locator("#warning-title").textContent(), "Are you still there?");
  assert.ok(await page.locator("#stay-signed-in").isVisible());
  await screenshot(page, "demo-2-warning-dialog.png");

  // "Stay signed in" moves the idle deadline 20 s on from now.
  await page.click("#stay-signed-in");
  const stayed = await waitForView(
    page,
    (v) => !v.dialogOpen && v.state === "active" && v.expiresAt === T0 + 30 * SECOND,
    "the dialog closed and the deadline moved",
  );
  assert.equal(stayed.remaining, "00:20");
  assert.notEqual(stayed.expiresAtText, warned.expiresAtText, "the shown end time moved");

  // Nobody touches anything: a new warning, then the idle sign-out at T0 + 30 s.
  await run(s, 10 * SECOND);
  await waitForView(page, (v) => v.dialogOpen && v.state === "warning", "the second warning");
  await run(s, 10 * SECOND);
  const out = await waitForView(page, (v) => v.signedOutVisible, "the signed-out screen");
  assert.equal(out.state, "signedOut");
  assert.equal(out.appVisible, false);
  assert.equal(out.dialogOpen, false, "the warning closes at the sign-out");
  assert.equal(out.reason, "You were signed out after 20 s of inactivity.");
  assert.ok(await page.locator("#signed-out").isVisible());
  assert.ok(await page.locator("#sign-in-again").isVisible());
  await screenshot(page, "demo-3-signed-out-idle.png");

  assert.deepEqual(errors, [], "no page errors");
});

test("demo: a sign-out in one tab reaches the other", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
  const first = await s.context.newPage();
  const errors = watch(first);
  await first.setViewportSize({ width: 1280, height: 900 });
  await first.goto(h.url + DEMO);
  await signedIn(first);
  await run(s, 2 * SECOND);

  // The demo's own link opens the session in a new tab (same context, same storage).
  const [second] = await Promise.all([s.context.waitForEvent("page"), first.click("#open-tab")]);
  const secondErrors = watch(second);
  await second.setViewportSize({ width: 1280, height: 900 });
  await second.waitForLoadState();
  await signedIn(second);
  assert.match(second.url(), /[?&]idle=20\b/);
  const joined = await view(second);
  const own = await view(first);
  assert.equal(
    await second.locator("#started-at").textContent(),
    await first.locator("#started-at").textContent(),
    "the second tab joined the same sign-in",
  );
  assert.equal(joined.state, "active");
  assert.equal(own.state, "active");

  // Sign out in the first tab: the second shows it within the contract's 100 ms.
  await first.click("#sign-out");
  await waitForView(first, (v) => v.signedOutVisible, "the first tab signed out");
  assert.equal((await view(first)).reason, "You signed out.");
  await propagate(s, async () => (await view(second)).signedOutVisible, {
    message: "the sign-out reaching the second tab",
  });
  const remote = await view(second);
  assert.equal(remote.state, "signedOut");
  assert.equal(remote.reason, "You signed out in another tab.");
  assert.ok(await second.locator("#signed-out").isVisible());
  await screenshot(second, "demo-4-second-tab-signed-out.png");

  assert.deepEqual(errors, [], "no page errors in the first tab");
  assert.deepEqual(secondErrors, [], "no page errors in the second tab");
});

test("demo: a pause in one tab holds the other, remember-me reaches it, a reload rejoins", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
  const first = await s.context.newPage();
  const errors = watch(first);
  await first.goto(h.url + DEMO);
  await signedIn(first);
  await run(s, 2 * SECOND);
  const [second] = await Promise.all([s.context.waitForEvent("page"), first.click("#open-tab")]);
  const secondErrors = watch(second);
  await second.waitForLoadState();
  await signedIn(second);

  const shown = (page) =>
    page.evaluate(() => {
      const $ = (id) => document.getElementById(id);
      return {
        note: $("state-note").hidden ? null : $("state-note").textContent,
        why: $("expires-why").textContent,
        idleCaption: $("idle-caption").textContent,
        idleLevel: $("idle-timer").dataset.level,
        rememberMe: $("remember-me").checked,
        startedAt: $("started-at").textContent,
      };
    });
  // The demo redraws every 250 ms of (fake) time: let the clock run past a tick.
  const until = async (page, check, message) => {
    let last;
    try {
      return await propagate(s, async () => check((last = await shown(page))) && last, { message, fakeBudget: 1000, tick: 50 });
    } catch (err) {
      assert.fail(`${err.message}; the demo shows ${JSON.stringify(last)}`);
    }
  };
  assert.equal((await shown(second)).note, null, "nothing holds the session yet");

  // A pause in the first tab holds the second one's idle timer; the maximum still ends it.
  await first.click("#pause");
  const held = await until(second, (v) => v.note !== null, "the hold reaching the second tab");
  assert.equal(held.note, "idle timer held by another tab");
  assert.equal(held.idleCaption, "held: paused in another tab");
  assert.equal(held.idleLevel, "held");
  assert.equal(held.why, "(maximum length)");
  assert.equal((await view(second)).expiresAt, T0 + 60 * SECOND);
  assert.equal((await shown(first)).idleCaption, "held while paused");
  assert.equal((await shown(first)).note, null, "the pausing tab is not held by another");

  await first.click("#pause"); // resume
  const free = await until(second, (v) => v.note === null, "the end of the hold in the second tab");
  assert.equal(free.idleCaption, "until idle sign-out");
  assert.equal(free.why, "(idle timeout)");

  // Remember-me switched in the second tab shows in the first.
  await second.click("#remember-me");
  const remembered = await until(first, (v) => v.rememberMe, "remember-me reaching the first tab");
  assert.equal(remembered.idleCaption, "until idle sign-out (remember me)");

  // A reload joins the same sign-in and keeps remember-me.
  await run(s, 3 * SECOND);
  await second.reload();
  await signedIn(second);
  const reloaded = await shown(second);
  assert.equal(reloaded.startedAt, (await shown(first)).startedAt, "the reload joined the same sign-in");
  assert.equal(reloaded.rememberMe, true);

  assert.deepEqual(errors, [], "no page errors in the first tab");
  assert.deepEqual(secondErrors, [], "no page errors in the second tab");
});

// Keep-alive every 5 s; the simulated server's idle limit, 15 s, is below the
// guard's own idle timeout of 30 s, so the server's deadline comes first.
const KEEP_ALIVE_DEMO = "/www/?idle=30&max=120&warn=5&keep-alive=5&server-idle=15";
// A request to the simulated server takes this long there and back (www/server.js).
const LATENCY = 400;

/** The keep-alive lines of the event log, oldest first, and what the page shows of the server. */
function keepAlives(page) {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    const hhmmss = (ms) => new Date(ms).toTimeString().slice(0, 8);
    const guard = window.demo.guard;
    const snap = guard.snapshot();
    return {
      now: Date.now(),
      calls: [...document.querySelectorAll('#log li[data-event="onKeepAlive"]')].reverse().map((li) => ({
        time: li.querySelector("time").textContent,
        detail: li.querySelector(".log-detail").textContent,
        answer: li.dataset.answer ?? null,
        answerText: li.querySelector(".log-answer")?.textContent ?? null,
      })),
      state: $("state").dataset.state,
      expiresAt: snap.expiresAt,
      ownIdleExpiresAt: snap.idleExpiresAt,
      expiresAtText: $("expires-at").textContent,
      expectedText: Number.isFinite(snap.expiresAt) ? hhmmss(snap.expiresAt) : null,
      why: $("expires-why").textContent,
      serverState: $("server-state").textContent,
      serverIdleLimit: $("server-idle-limit").textContent,
      serverIdleEnd: $("server-idle-end").textContent,
      serverIdleEndAt: Date.parse($("server-idle-end").getAttribute("datetime")),
      serverRequests: $("server-requests").textContent,
      serverLastKeepAlive: $("server-last-keep-alive").textContent,
      serverEndDisabled: $("server-end").disabled,
    };
  });
}

test("demo: keep-alives while the pointer moves, the server's deadline on the page, its idle limit signs out", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
  const page = await s.context.newPage();
  const errors = watch(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(h.url + KEEP_ALIVE_DEMO);
  await signedIn(page);
  assert.equal(await page.inputValue("#keep-alive"), "5");
  assert.equal(await page.inputValue("#server-idle"), "15");
  assert.match(await page.locator("#server-title").textContent(), /simulated/i, "the server is labelled a simulation");

  const start = await keepAlives(page);
  assert.deepEqual(start.calls, [], "no keep-alive before the first period");
  assert.equal(start.serverState, "session live");
  assert.equal(start.serverIdleLimit, "15 s");
  assert.equal(start.why, "(idle timeout)", "before any answer the guard's own idle timeout is the end");

  // The real pointer moves once a second for 12 s: keep-alives at 5 s and 10 s.
  for (let i = 0; i < 12; i++) {
    await moveMouse(page);
    await run(s, SECOND);
  }
  let shown;
  try {
    await waitUntil(async () => {
      shown = await keepAlives(page);
      return shown.calls.length >= 2 && shown.calls.every((c) => c.answer === "answer");
    }, { message: "two answered keep-alives in the event log" });
  } catch (err) {
    assert.fail(`${err.message}; the demo shows ${JSON.stringify(shown)}`);
  }
  assert.equal(shown.calls.length, 2, "one keep-alive per period while active");
  assert.deepEqual(shown.calls.map((c) => c.time), ["09:00:05", "09:00:10"], "at the end of each period");
  for (const c of shown.calls) {
    assert.match(c.detail, /^lastActivity: 09:00:\d\d\.\d{3}$/, "the call shows the latest activity");
    assert.match(c.answerText, /^server: idleExpiresAt: 09:00:\d\d\.\d{3} · now: 09:00:\d\d\.\d{3}$/, "and the server's answer");
  }
  assert.equal(shown.serverRequests, "2", "the server got both");
  assert.equal(shown.serverLastKeepAlive, "09:00:10");

  // The session now ends at the server's idle deadline (the guard's own idle end is later),
  // as the page shows: the server's idle end, corrected by the guard for the request's latency.
  assert.equal(shown.state, "active");
  assert.equal(shown.why, "(the server's deadline)");
  assert.ok(shown.ownIdleExpiresAt > shown.expiresAt + 10 * SECOND, `the guard's own idle end is later: ${JSON.stringify(shown)}`);
  assert.ok(
    shown.expiresAt >= shown.serverIdleEndAt && shown.expiresAt <= shown.serverIdleEndAt + LATENCY,
    `the end is the server's (${shown.serverIdleEnd}): ${JSON.stringify(shown)}`,
  );
  assert.equal(shown.expiresAtText, shown.expectedText);
  assert.equal(shown.expiresAtText, "09:00:25");
  await screenshot(page, "demo-5-keep-alive.png", { fullPage: true }); // the server's card is below the fold

  // Then nobody moves: one more keep-alive (there was activity after the last one), then none.
  await run(s, 12 * SECOND, { step: SECOND });
  const idle = await keepAlives(page);
  assert.equal(idle.calls.length, 3, `no keep-alive without activity: ${JSON.stringify(idle.calls)}`);
  assert.equal(idle.calls[2].time, "09:00:15");
  assert.equal(idle.state, "active");

  // 5 s before the server's deadline, the warning.
  await run(s, 2 * SECOND, { step: SECOND });
  const warned = await waitForView(page, (v) => v.dialogOpen, "the warning dialog");
  assert.equal(warned.state, "warning");
  assert.equal(warned.warningLeft, "00:05");

  // The server's idle limit ends the session, at 09:00:30, long before the guard's own would.
  await run(s, 5 * SECOND, { step: SECOND });
  const out = await waitForView(page, (v) => v.signedOutVisible, "the signed-out screen");
  assert.equal(out.reason, "You were signed out for inactivity: the server's session ended after 15 s without a request.");
  assert.equal(await page.locator("#signed-out-at").textContent(), "Signed out at 09:00:30.");
  assert.equal(
    await page.locator("#signed-out-server").textContent(),
    "The simulated server's session ended at 09:00:30: no request for 15 s.",
  );
  assert.equal((await keepAlives(page)).calls.length, 3, "no keep-alive after the end");
  await screenshot(page, "demo-6-signed-out-server-idle.png");

  assert.deepEqual(errors, [], "no page errors");
});

test("demo: the server ends its session, the next keep-alive answer signs out every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 0);
  const first = await s.context.newPage();
  const errors = watch(first);
  await first.setViewportSize({ width: 1280, height: 900 });
  await first.goto(h.url + KEEP_ALIVE_DEMO);
  await signedIn(first);
  await run(s, SECOND);
  const [second] = await Promise.all([s.context.waitForEvent("page"), first.click("#open-tab")]);
  const secondErrors = watch(second);
  await second.setViewportSize({ width: 1280, height: 900 });
  await second.waitForLoadState();
  await signedIn(second);

  // Ended on the server only: the server says so at once, the page does not know yet.
  await first.click("#server-end");
  const ended = await keepAlives(first);
  assert.match(ended.serverState, /^session ended 09:00:01: ended on the server$/);
  assert.equal(ended.serverEndDisabled, true);
  assert.equal(ended.state, "active", "the guard learns it only from the server's next answer");
  assert.equal((await keepAlives(second)).state, "active");

  // The click was activity: the keep-alive at the end of the first period gets "expired".
  await run(s, 5 * SECOND, { step: 500 });
  const views = [];
  for (const page of [first, second]) {
    views.push(await waitForView(page, (v) => v.signedOutVisible, "the signed-out screen in both tabs"));
  }
  // Each tab names the server as the reason. (Whether a tab says "in another tab" is the
  // guard's `remote`: a tab that learns the server's past deadline from the shared
  // session may end on it as its own end.)
  for (const v of views) {
    assert.match(v.reason, /^You were signed out( in another tab)? because the server ended the session\.$/);
    assert.equal(v.state, "signedOut");
  }
  const expired = [];
  for (const page of [first, second]) {
    expired.push(...(await keepAlives(page)).calls);
    assert.equal(
      await page.locator("#signed-out-server").textContent(),
      "The simulated server's session ended at 09:00:01: ended on the server.",
    );
  }
  assert.equal(expired.length, 1, `one keep-alive for both tabs: ${JSON.stringify(expired)}`);
  assert.equal(expired[0].answer, "expired");
  assert.match(expired[0].answerText, /^server: expired: true · expiresAt: 09:00:01\.\d{3} · now: 09:00:05\.200$/);
  await screenshot(first, "demo-7-server-ended.png");

  assert.deepEqual(errors, [], "no page errors in the first tab");
  assert.deepEqual(secondErrors, [], "no page errors in the second tab");
});
