// Cross-tab timing: activity reaches every tab before any tab warns or ends on
// an older activity time, however short the idle window ("Sessions, tabs and
// reloads" in the contract). Several pages of one browser context share one
// fake clock.
//
// Why small clock steps: Playwright runs the fake clock of every page of a
// context at once (one evaluation per page, in parallel), and a page runs all
// the timers of one `runFor` before it handles any message or storage event
// from another tab. With 1 s windows a step of a second would let one tab
// reach a deadline before a write made by another tab earlier in that same
// step could possibly arrive, a delay no browser has. Steps of 10 ms give
// cross-tab deliveries (real browser tasks) a real-time turn between 10 ms of
// fake time, which is the only slack the contract allows.

import { test } from "node:test";
import {
  HOUR,
  T0,
  TAB_STEP,
  advance,
  assert,
  expectEveryEnd,
  expectInspect,
  expectNoEnd,
  inspect,
  logOf,
  makeGuard,
  moveMouse,
  now,
  pressKey,
  propagate,
  runTo,
  settle,
  setup,
  waitUntil,
} from "./harness.mjs";
import { countWrites } from "./counting.mjs";

const h = setup();
const TIMEOUT = { timeout: 120_000 };
/** Fake-clock step where the order of events between tabs matters (see above). */
const STEP = TAB_STEP;

for (const active of [0, 1]) {
  test(`two tabs, 1 s window: a key press in tab ${active ? "B" : "A"} at 800 ms keeps both tabs signed in at 1000 ms`, TIMEOUT, async (t) => {
    // Both deadlines stand at T0 + 1000 when the key is pressed 200 ms before
    // them; both tabs must move to T0 + 1800. Either tab may be the active one:
    // which of the two reaches T0 + 1000 first is up to the browser.
    const s = await h.tabs(t, 2);
    const pages = s.pages;
    const options = { idleTimeoutMs: 1000, maxDurationMs: HOUR };
    for (const page of pages) await makeGuard(page, options);
    const [a] = pages;

    await runTo(s, a, 800);
    await pressKey(pages[active]);
    await expectInspect(pages[active], { expiresAt: T0 + 1800, state: "active" });

    await runTo(s, a, 1000);
    await expectNoEnd(pages, "at T0 + 1000 ms: the other tab was active at T0 + 800 ms");
    await runTo(s, a, 1790);
    await expectNoEnd(pages, "before T0 + 1800 ms (last activity + 1000 ms)");
    for (const page of pages) await expectInspect(page, { state: "active", expiresAt: T0 + 1800 });

    await runTo(s, a, 1800);
    for (const e of await expectEveryEnd(s, pages)) {
      assert.equal(e.reason, "idle", JSON.stringify(e));
      assert.equal(e.at, 1800, `tab ${e.tab} ended at T0+${e.at}, expected T0+1800 (last activity + window)`);
    }
  });
}

test("two tabs, 1 s window: a key press 100 ms before the other tab's deadline counts, even less than a second after the last write", TIMEOUT, async (t) => {
  // The same rule where no tie between two timers decides it: tab A wrote its
  // activity of T0 + 500 ms at T0 + 1000 ms, so tab B's deadline is T0 + 1500 ms;
  // A's next key press, at T0 + 1400 ms, must reach B before then.
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: 1000, maxDurationMs: HOUR };
  await makeGuard(a, options);
  await makeGuard(b, options);
  for (const [page, at] of [
    [b, 200],
    [a, 500],
    [a, 1400],
  ]) {
    await runTo(s, a, at);
    await expectNoEnd([a, b], `before T0+${at} ms`);
    await pressKey(page);
  }
  await expectInspect(a, { expiresAt: T0 + 2400 });
  await runTo(s, a, 1600);
  await expectNoEnd([a, b], "at T0 + 1500 ms: tab A was active at T0 + 1400 ms");
  await runTo(s, a, 2390);
  await expectNoEnd([a, b], "before T0 + 2400 ms (last activity + 1000 ms)");
  await expectInspect(b, { state: "active", expiresAt: T0 + 2400 });
  await runTo(s, a, 2400);
  for (const e of await expectEveryEnd(s, [a, b])) {
    assert.equal(e.reason, "idle", JSON.stringify(e));
    assert.equal(e.at, 2400, `tab ${e.tab} ended at T0+${e.at}`);
  }
});

test("two tabs, 1 s window, 300 ms warning: a key press in one tab closes the warning in the other within 100 ms", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  const options = { idleTimeoutMs: 1000, maxDurationMs: HOUR, warnBeforeMs: 300 };
  await makeGuard(a, options);
  await makeGuard(b, options);

  await runTo(s, a, 750);
  for (const page of [a, b]) {
    await expectInspect(page, { state: "warning", expiresAt: T0 + 1000 });
    assert.equal((await logOf(page, "onWarning")).length, 1, "one onWarning in each tab at T0 + 700 ms");
  }
  await pressKey(a);
  await expectInspect(a, { state: "active", expiresAt: T0 + 1750 });
  // At most 100 ms of fake time (in 10 ms steps, real time between them) for
  // tab B to follow.
  await propagate(s, async () => (await inspect(b)).state === "active", {
    fakeBudget: 100,
    tick: STEP,
    message: "tab B to leave its warning after the key press in tab A",
  });
  const info = await inspect(b);
  assert.ok(info.now - T0 <= 850, `tab B left its warning at T0+${info.now - T0}, more than 100 ms after T0+750`);
  assert.equal(info.expiresAt, T0 + 1750, "tab B's deadline follows tab A's key press");

  // Nothing ends on the old deadline; the warning comes again for the new one.
  await runTo(s, a, 1000);
  await expectNoEnd([a, b], "at the old deadline T0 + 1000 ms");
  await runTo(s, a, 1460);
  for (const page of [a, b]) {
    await expectInspect(page, { state: "warning", expiresAt: T0 + 1750 });
    assert.equal((await logOf(page, "onWarning")).length, 2, "a second onWarning for the new deadline");
  }
  await runTo(s, a, 1750);
  for (const e of await expectEveryEnd(s, [a, b])) {
    assert.equal(e.reason, "idle");
    assert.equal(e.at, 1750);
  }
});

for (let run = 1; run <= 3; run++) {
  test(`twenty tabs, 1 s window: one key press in tab 0 at 800 ms, no tab signs out at 1000 ms (run ${run} of 3)`, TIMEOUT, async (t) => {
    // Intermittent when it fails: twenty tabs race to T0 + 1000 ms.
    const s = await h.tabs(t, 20);
    const pages = s.pages;
    const options = { idleTimeoutMs: 1000, maxDurationMs: HOUR };
    for (const page of pages) await makeGuard(page, options);
    const [first] = pages;

    await runTo(s, first, 800);
    await pressKey(first);
    await expectInspect(first, { expiresAt: T0 + 1800 });
    await runTo(s, first, 1100);
    await expectNoEnd(pages, "at T0 + 1000 ms: tab 0 was active at T0 + 800 ms");

    await runTo(s, first, 1800);
    for (const e of await expectEveryEnd(s, pages)) {
      assert.equal(e.reason, "idle", JSON.stringify(e));
      assert.equal(e.at, 1800, `tab ${e.tab} ended at T0+${e.at}`);
    }
  });
}

test("two tabs with different windows: the 1 s tab does not end while the 60 s tab is active, and its end follows its own window", TIMEOUT, async (t) => {
  // Tab A: 60 s window; tab B: 1 s window; one session. The contract: no tab
  // ends for idleness while another tab had activity within that tab's window,
  // and an end learned from another tab follows that tab's window. So while A
  // is active at least every 500 ms, B stays; once A stops, B ends one second
  // after A's last activity (idle, B's own end) and A learns of it (remote),
  // long before A's own 60 s window would end it.
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { idleTimeoutMs: 60_000, maxDurationMs: HOUR });
  await makeGuard(b, { idleTimeoutMs: 1000, maxDurationMs: HOUR });

  let last = 0;
  for (let at = 500; at <= 5000; at += 500) {
    await runTo(s, a, at);
    if (at % 1000) await pressKey(a);
    else await moveMouse(a);
    last = at;
  }
  await runTo(s, a, last + 990);
  await expectNoEnd([a, b], `while tab A was active within tab B's 1 s window (last at T0+${last})`);
  await expectInspect(a, { state: "active", expiresAt: T0 + last + 60_000 });
  await expectInspect(b, { state: "active", expiresAt: T0 + last + 1000 });

  await runTo(s, a, last + 1000);
  const seen = await expectEveryEnd(s, [a, b]);
  const [ea] = seen.filter((e) => e.tab === 0);
  const [eb] = seen.filter((e) => e.tab === 1);
  assert.deepEqual(
    { reason: eb.reason, at: eb.at, remote: eb.remote },
    { reason: "idle", at: last + 1000, remote: false },
    "tab B ends on its own 1 s window after tab A's last activity",
  );
  assert.deepEqual(
    { reason: ea.reason, at: ea.at, remote: ea.remote },
    { reason: "idle", at: last + 1000, remote: true },
    "tab A learns of the end from tab B",
  );
  assert.ok(ea.calledAt - eb.at <= 100, `tab A learned ${ea.calledAt - eb.at} ms of fake time after the end`);
});

test("constant activity with the default windows: at most one write and one message a second", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2, { initScript: countWrites });
  const [a, b] = s.pages;
  await makeGuard(a, {});
  await makeGuard(b, {});
  await settle(100);
  const io = async () => {
    const [x, y] = [await a.evaluate(() => window.sessionIo()), await b.evaluate(() => window.sessionIo())];
    return { writes: [...x.writes, ...y.writes].sort((p, q) => p - q), posts: [...x.posts, ...y.posts].sort((p, q) => p - q) };
  };
  // The counters see the package's calls: the first guard wrote the new session.
  assert.ok((await io()).writes.length >= 1, "the wrapped setItem saw the session's first write");

  await advance(s, 1000, { step: 100 });
  const from = await now(a);
  const before = await io();
  const DURATION = 10_500;
  // A real pointer move in tab A every 16 ms of fake time (a frame at 60 Hz).
  for (let elapsed = 0; elapsed < DURATION; elapsed += 16) {
    await moveMouse(a);
    await s.clock.runFor(16);
  }
  await settle(100);
  const to = await now(a);
  const after = await io();
  const writes = after.writes.slice(before.writes.length).map((w) => w - T0);
  const posts = after.posts.slice(before.posts.length).map((w) => w - T0);
  const seconds = (to - from) / 1000;
  const show = (times) => `${JSON.stringify(times.slice(0, 12))}${times.length > 12 ? ` and ${times.length - 12} more` : ""}`;
  const report = `over ${seconds} s of constant activity: writes at T0+${show(writes)}, messages at T0+${show(posts)}`;
  for (const [name, times] of [
    ["write", writes],
    ["message", posts],
  ]) {
    assert.ok(times.length <= Math.ceil(seconds) + 1, `${times.length} ${name}s ${report}`);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] - times[i - 1] >= 1000, `two ${name}s ${times[i] - times[i - 1]} ms apart ${report}`);
    }
  }
  // The activity still reached the other tab.
  const lastMove = to - 16;
  await waitUntil(async () => (await inspect(b)).expiresAt >= lastMove - 1100 + 5 * 60_000, {
    timeout: 3000,
    message: "tab B's idle deadline to follow tab A's moves",
  }).catch(async (err) => assert.fail(`${err.message}; tab B: ${JSON.stringify(await inspect(b))}; ${report}`));
  console.log(`constant activity, default windows: ${writes.length} writes and ${posts.length} messages in ${seconds} s`);
});
