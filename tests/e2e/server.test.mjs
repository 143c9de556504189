// Following the server, against a real one: the application server of
// server.mjs keeps a cookie session with its own idle and absolute limits, on a
// clock the test keeps at the page's fake clock plus a skew. The page signs in
// with POST /login and passes the answer to sync(); its onKeepAlive is the plain
// fetch recipe (POST /keep-alive, whose JSON answer the guard applies as sync);
// its API wrapper calls guard.signOut() on a 401.
//
// Every clock step ends with the server answering what it was asked during the
// step, at the step's end, and with the test waiting until every page has taken
// its answers and has no keep-alive lock request unanswered: the page applies
// each answer at the very instant, on its own clock, the server gave it (see
// server.mjs). Times in the assertions are page times; the server's are
// converted by the skew.

import { after, before, test } from "node:test";
import {
  DAY,
  HOUR,
  MINUTE,
  ROOT,
  SECOND,
  T0,
  assert,
  call,
  inspect,
  logOf,
  makeGuard,
  moveMouse,
  pressKey,
  recordKeepAlive,
  setup,
  sleep,
} from "./harness.mjs";
import { startAppServer } from "./server.mjs";

const h = setup();
let app;
before(async () => {
  app = await startAppServer({ root: ROOT, now: T0, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  h.url = app.url; // the fixture pages come from the application server's origin
});
after(() => app?.close());

const TIMEOUT = { timeout: 240_000 };
/**
 * Fake-clock steps: a second keeps the tabs of a context within a second of
 * each other; one tab can take longer ones. The server answers at the end of
 * a step, so a call reaches it up to a step after the page made it.
 */
const TAB_STEP = SECOND;
const SOLO_STEP = 5 * SECOND;
const PERIOD = MINUTE; // keepAliveMs

/** Page side, before the package loads: the app's calls to its server. */
function appSide() {
  const net = { pending: 0, locking: 0, log: [] };
  window.net = net;
  // Lock requests made with ifAvailable (answered at once, in real time) not
  // yet answered: the guard asks for the keep-alive lock before it calls, and
  // the test lets it have its answer before the clock moves on.
  const Locks = window.LockManager;
  if (Locks) {
    const request = Locks.prototype.request;
    Locks.prototype.request = function (name, options, callback) {
      if (typeof options === "function" || !options?.ifAvailable) return request.apply(this, arguments);
      net.locking++;
      let answered = false;
      const answer = () => {
        if (!answered) {
          answered = true;
          net.locking--;
        }
      };
      const result = request.call(this, name, options, (lock) => {
        answer();
        return callback(lock);
      });
      result.then(undefined, answer);
      return result;
    };
  }
  // Notes each call and its outcome; returns the same promise.
  window.track = (kind, promise) => {
    const entry = { kind, sentAt: Date.now() };
    net.log.push(entry);
    net.pending++;
    promise
      .then(
        (value) => {
          entry.value = value;
        },
        (err) => {
          entry.error = String(err?.message ?? err);
        },
      )
      .finally(() => {
        entry.doneAt = Date.now();
        net.pending--;
      });
    return promise;
  };
  window.login = () =>
    window.track(
      "login",
      fetch("/login", { method: "POST", credentials: "same-origin" }).then((r) =>
        r.ok ? r.json() : Promise.reject(new Error(r.status)),
      ),
    );
  // The keep-alive recipe: a cookie-session endpoint answering with its deadlines.
  window.keepAlive = () =>
    window.track(
      "keep-alive",
      fetch("/keep-alive", { method: "POST", credentials: "same-origin" }).then((r) =>
        r.ok ? r.json() : Promise.reject(new Error(r.status)),
      ),
    );
  // The app's API wrapper: a 401 means the server session is gone, in every tab.
  window.api = (path = "/api/data") =>
    window.track(
      "api",
      fetch(path, { credentials: "same-origin" }).then((r) => {
        if (r.status === 401) window.guard?.signOut();
        return r.status;
      }),
    );
}

/** Page-side options added to every guard: onKeepAlive, recorded in window.log. */
const KEEP_ALIVE = {
  options: recordKeepAlive("window.keepAlive()"),
};

/**
 * A browser context of `tabs` fixture pages and a fresh server session store,
 * the server's clock at T0 + `skew` (server minus page: positive when the
 * user's clock runs behind the server's).
 */
async function world(t, { tabs = 1, skew = 0, idleMs, maxMs, step = tabs === 1 ? SOLO_STEP : TAB_STEP }) {
  app.reset({ now: T0 + skew, idleMs, maxMs });
  if (!app.listening) await app.start(); // a test that stopped it failed midway
  const s = await h.tabs(t, tabs, { initScript: appSide });
  const w = {
    s,
    skew,
    step,
    pages: s.pages,
    /** The page clock, as the test moved it. */
    now: T0,
    /** Page time of a server time. */
    page: (serverTime) => serverTime - skew,

    /**
     * Lets the server answer what it was asked, until every page has taken
     * every answer and has no call or keep-alive lock request on its way, so
     * that nothing lands after the clock moved on. A call made after this is
     * answered at the end of the next step: as consistent.
     */
    async quiet({ timeout = 10_000 } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        app.flush();
        const busy = await Promise.all(w.pages.map((p) => p.evaluate(() => window.net.pending + window.net.locking)));
        if (busy.every((n) => n === 0) && app.flush() === 0) return;
        if (Date.now() > deadline) throw new Error(`calls still pending after ${timeout} ms: ${busy}`);
        await sleep(2);
      }
    },

    /** Moves the page clock (and the server's with it) by `ms`, a step at a time. */
    async advance(ms) {
      let left = ms;
      while (left > 0) {
        const d = Math.min(step, left);
        await s.clock.runFor(d);
        w.now += d;
        left -= d;
        app.setNow(w.now + skew);
        await w.quiet();
      }
    },
    /**
     * Waits for a cross-tab effect: polls `check` in real time, letting both
     * clocks run 10 ms at a time up to 100 ms in all, then real time only.
     */
    async propagate(check, message, { fakeBudget = 100, timeout = 3000 } = {}) {
      const deadline = Date.now() + timeout;
      let spent = 0;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${message} (fake time spent: ${spent} ms)`);
        if (spent < fakeBudget) {
          await w.advance(10);
          spent += 10;
        }
        await sleep(10);
      }
    },
    /** Moves both clocks to T0 + `at`. */
    async to(at) {
      assert.ok(T0 + at >= w.now, `the clock is already at T0+${w.now - T0}`);
      await w.advance(T0 + at - w.now);
    },
    /**
     * Real user input until T0 + `until`: a key press or a pointer move every
     * `every` ms, in the tabs in turn; the clocks then stand at T0 + `until`.
     * Returns the time of the last input.
     */
    async activeUntil(until, { every = 20 * SECOND, tabs = w.pages } = {}) {
      let i = 0;
      let last;
      while (w.now + every <= T0 + until) {
        await w.advance(every);
        const page = tabs[i % tabs.length];
        if (i % 2) await moveMouse(page);
        else await pressKey(page);
        last = w.now;
        i++;
      }
      if (w.now < T0 + until) await w.to(until);
      return last;
    },

    /** The page signs in: POST /login, a guard, and the answer passed to sync(). */
    async signIn(page, options, { startedAt = false } = {}) {
      await page.evaluate(() => void window.login());
      await w.quiet();
      const answer = await lastCall(page, "login");
      assert.ok(answer.value, `the sign-in failed: ${JSON.stringify(answer)}`);
      const given = startedAt ? { ...options, startedAt: answer.value.startedAt } : options;
      await makeGuard(page, given, KEEP_ALIVE);
      await call(page, "sync", answer.value);
      return answer.value;
    },
    /** Another tab joins the session (the shared record brings the server's deadlines). */
    async join(page, options) {
      await makeGuard(page, options, KEEP_ALIVE);
    },
    /** The app calls GET /api/data from `page`; returns the status it got. */
    async api(page) {
      await page.evaluate(() => void window.api());
      await w.quiet();
      const entry = await lastCall(page, "api");
      return entry.value;
    },

    /** What the server saw at `path`, with page times. */
    seen(path) {
      return app.seen(path).map((e) => ({ ...e, at: w.page(e.at) }));
    },
    /** The server session's end, in page time. */
    serverEnd() {
      return w.page(app.endOf(app.only()));
    },
    /** Every entry of `type` in the pages' callback logs, in time order: [{ tab, ...event, calledAt }]. */
    async logs(type) {
      const out = [];
      for (const [tab, page] of w.pages.entries()) {
        for (const e of await logOf(page, type)) out.push({ tab, ...e.event, calledAt: e.now });
      }
      return out.sort((x, y) => x.calledAt - y.calledAt || x.tab - y.tab);
    },
  };
  return w;
}

/** Log entries in tab order (each tab's own in time order). */
const byTab = (entries) => [...entries].sort((x, y) => x.tab - y.tab || x.calledAt - y.calledAt);

async function lastCall(page, kind) {
  const log = await page.evaluate(() => window.net.log);
  return log.filter((e) => e.kind === kind).at(-1);
}

const rel = (t) => (t === undefined ? t : `T0${t >= T0 ? "+" : "-"}${Math.abs(t - T0) / 1000}s`);

/** Asserts `actual` within [expected, expected + slack] (a call lands in the step after it was due). */
function near(actual, expected, message, slack) {
  assert.ok(
    actual >= expected && actual <= expected + slack,
    `${message}: ${rel(actual)}, expected ${rel(expected)} (+${slack} ms at most)`,
  );
}

const SKEWS = [
  { skew: 0, name: "the clocks agree" },
  { skew: -10 * MINUTE, name: "the user's clock 10 min ahead of the server's" },
  { skew: 10 * MINUTE, name: "the user's clock 10 min behind the server's" },
];
/** For the active and the idle user, also a clock a day off (a wrong date). */
const WIDE_SKEWS = [
  ...SKEWS,
  { skew: -DAY, name: "the user's clock a day ahead of the server's" },
  { skew: DAY, name: "the user's clock a day behind the server's" },
];

// --------------------------------- the active user, the idle user, a clock off

/**
 * A user who types and moves the pointer for ten keep-alive periods, with
 * API calls more than the server's idle limit apart, is never refused.
 */
async function activeUser(t, skew) {
  const w = await world(t, { skew, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  const [a] = w.pages;
  const options = { idleTimeoutMs: 5 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  const login = await w.signIn(a, options);
  assert.equal(w.page(login.now), T0);
  const statuses = [await w.api(a)];
  await w.activeUntil(5 * MINUTE + 30 * SECOND);
  statuses.push(await w.api(a)); // 5 min 30 s after the first: past the server's idle limit
  await w.activeUntil(10 * MINUTE + 30 * SECOND);
  statuses.push(await w.api(a));

  assert.deepEqual(statuses, [200, 200, 200], "the server never refused the active user");
  const kept = w.seen("/keep-alive");
  assert.equal(kept.length, 10, `one keep-alive per period: ${kept.map((e) => rel(e.at))}`);
  kept.forEach((e, i) => {
    assert.equal(e.status, 200);
    near(e.at, T0 + (i + 1) * PERIOD, `keep-alive ${i + 1}`, w.step);
  });
  assert.deepEqual(await w.logs("onSignOut"), []);
  assert.deepEqual(await w.logs("onError"), []);
  const info = await inspect(a);
  assert.equal(info.state, "active");
  // The guard's end is the server's idle end as of the last keep-alive (the
  // API call after it moved the server's end again, unknown to the guard).
  assert.equal(info.expiresAt, kept.at(-1).at + 5 * MINUTE, "expiresAt() is the end the last keep-alive answered");
  assert.ok(w.serverEnd() >= info.expiresAt, "and the server session lasts at least as long");
}

/**
 * A user who stops: the keep-alive due for their last activity goes out,
 * then none; the guard signs out no later than the server session ends, and
 * the server session does end. `guardIdle`: the guard's own idle limit (the
 * server's is 5 min).
 */
async function idleUser(t, skew, guardIdle) {
  const w = await world(t, { skew, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  const [a] = w.pages;
  const options = { idleTimeoutMs: guardIdle, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  await w.signIn(a, options);
  assert.equal((await inspect(a)).expiresAt, T0 + 5 * MINUTE, "after the sign-in the end is the server's idle end");
  const last = await w.activeUntil(2 * MINUTE + 40 * SECOND);
  assert.equal(last, T0 + 160 * SECOND);
  await w.to(9 * MINUTE);

  const kept = w.seen("/keep-alive");
  assert.equal(kept.length, 3, `keep-alives: ${kept.map((e) => rel(e.at))}`);
  kept.forEach((e, i) => near(e.at, T0 + (i + 1) * PERIOD, `keep-alive ${i + 1}`, w.step));
  assert.ok(kept.every((e) => e.at <= last + PERIOD + 3 * w.step), "no keep-alive while the user was idle");

  const ends = await w.logs("onSignOut");
  assert.equal(ends.length, 1, JSON.stringify(ends));
  const [end] = ends;
  const serverEnd = w.serverEnd();
  near(serverEnd, kept.at(-1).at + 5 * MINUTE, "the server session ended 5 min after its last keep-alive", 0);
  assert.equal(end.reason, "idle");
  assert.ok(end.at <= serverEnd, `the guard signed out at ${rel(end.at)}, after the server session ended at ${rel(serverEnd)}`);
  // Its own idle end, or the server's when that comes first.
  assert.equal(end.at, Math.min(last + guardIdle, serverEnd), `signed out at ${rel(end.at)}`);
  assert.equal(await w.api(a), 401, "the server session has ended");
  assert.deepEqual(await w.logs("onError"), []);
  return { end, serverEnd };
}

// The sign-in passes the server's answer to sync(), which corrects it by the
// answer's `now`, and no startedAt: a startedAt is a time on the server's
// clock, which the guard cannot correct (the test after these shows what it
// does with one from a server whose clock is ahead).
for (const { skew, name } of WIDE_SKEWS) {
  test(`an active user is never refused by the server over ten keep-alive periods (${name})`, TIMEOUT, (t) =>
    activeUser(t, skew),
  );
  test(`an idle user is signed out no later than the server session ends, which does end (${name})`, TIMEOUT, async (t) => {
    const { end, serverEnd } = await idleUser(t, skew, 5 * MINUTE);
    assert.equal(end.at, T0 + 160 * SECOND + 5 * MINUTE, "the guard's own idle end came first");
    assert.ok(serverEnd > end.at);
  });
  test(`a guard whose idle limit is longer than the server's signs out when the server session ends (${name})`, TIMEOUT, async (t) => {
    const { end, serverEnd } = await idleUser(t, skew, 10 * MINUTE);
    assert.equal(end.at, serverEnd, "the server's idle end");
  });
}

test("a startedAt from a server 10 min ahead is taken as now, reported, and sync() puts the end where the server has it", TIMEOUT, async (t) => {
  const w = await world(t, { skew: 10 * MINUTE, idleMs: 5 * MINUTE, maxMs: 15 * MINUTE });
  const [a] = w.pages;
  const login = await w.signIn(a, { idleTimeoutMs: 5 * MINUTE, maxDurationMs: HOUR, keepAliveMs: PERIOD }, { startedAt: true });
  assert.equal(login.startedAt, T0 + 10 * MINUTE);
  const errors = await w.logs("onError");
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].message, /startedAt/);
  await w.activeUntil(16 * MINUTE);
  const [end] = await w.logs("onSignOut");
  assert.equal(end?.reason, "absolute", JSON.stringify(end));
  assert.equal(end.at, T0 + 15 * MINUTE, "the server's absolute end, on the page's clock");
  assert.equal(w.serverEnd(), T0 + 15 * MINUTE);
  assert.equal(await w.api(a), 401);
  assert.equal((await w.logs("onError")).length, 1, "nothing else went wrong");
});

// ------------------------------------------------------------------------ tabs

test("five tabs: one keep-alive per period for the whole session, none without activity", TIMEOUT, async (t) => {
  const w = await world(t, { tabs: 5, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  const options = { idleTimeoutMs: 5 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  await w.signIn(w.pages[0], options);
  for (const page of w.pages.slice(1)) await w.join(page, options);

  // Active in every tab in turn to 5:50, idle to 8:30, active again to 12:20, idle to 14:00.
  await w.activeUntil(5 * MINUTE + 50 * SECOND, { every: 10 * SECOND });
  await w.to(8 * MINUTE + 20 * SECOND);
  await w.activeUntil(12 * MINUTE + 20 * SECOND, { every: 10 * SECOND });
  await w.to(14 * MINUTE);

  // The calls, as the tabs made them (page clock) and as the server saw them.
  const calls = await w.logs("onKeepAlive");
  const made = calls.map((c) => c.calledAt);
  const kept = w.seen("/keep-alive");
  const at = kept.map((e) => e.at);
  assert.equal(calls.length, 11, `onKeepAlive at ${made.map(rel)}`);
  assert.equal(kept.length, calls.length, `every call reached the server: ${at.map(rel)}`);
  assert.ok(kept.every((e) => e.status === 200));
  // Each when it fell due: a period after the previous one, or at once when
  // activity resumed at 8:30 after the period had passed.
  let slip = 0;
  made.forEach((t, i) => {
    const due = i === 0 ? T0 + PERIOD : i === 6 ? T0 + 8.5 * MINUTE : made[i - 1] + PERIOD;
    near(t, due, `keep-alive ${i + 1}`, w.step);
    slip = Math.max(slip, t - due);
  });
  // Per period, counted on the server: the periods of the two active stretches
  // (from 1:00 and from the return at 8:30), and the idle time between and after.
  const count = (from, to) => at.filter((t) => t >= T0 + from * MINUTE && t < T0 + to * MINUTE).length;
  const periods = [1, 2, 3, 4, 5, 6, 8.5, 9.5, 10.5, 11.5, 12.5];
  const perPeriod = periods.map((m) => count(m, m + 1));
  assert.deepEqual(perPeriod, periods.map(() => 1), `one keep-alive per period; the server saw them at ${at.map(rel)}`);
  assert.equal(count(7, 8.5), 0, "none while every tab was idle");
  assert.equal(count(13.5, 14), 0, "none after the one due for the last activity");

  const byTab = w.pages.map((_, i) => calls.filter((c) => c.tab === i).length);
  console.log(
    `five tabs: ${kept.length} keep-alives reached the server in ${periods.length} periods with activity ` +
      `(per period: ${perPeriod.join(",")}; none in 2.5 idle periods), calls per tab ${byTab.join("/")}, ` +
      `largest delay after due ${slip} ms`,
  );
  assert.deepEqual(await w.logs("onSignOut"), []);
  assert.deepEqual(await w.logs("onError"), []);
});

// -------------------------------------------------------------------- failures

test("keep-alives that fail (500, then the server down) sign nobody out, reach onError, and resume when the server is back", TIMEOUT, async (t) => {
  const w = await world(t, { tabs: 2, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  const [a, b] = w.pages;
  const options = { idleTimeoutMs: 5 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  await w.signIn(a, options);
  await w.join(b, options);

  await w.activeUntil(2 * MINUTE + 30 * SECOND);
  app.fail(500);
  await w.activeUntil(3 * MINUTE + 30 * SECOND);
  app.fail(0);
  await app.stop();
  await w.activeUntil(4 * MINUTE + 30 * SECOND);
  await app.start();
  await w.activeUntil(8 * MINUTE + 30 * SECOND);

  const calls = await w.logs("onKeepAlive");
  assert.equal(calls.length, 8, `onKeepAlive at ${calls.map((c) => rel(c.calledAt))}`);
  calls.forEach((c, i) => near(c.calledAt, T0 + (i + 1) * PERIOD, `onKeepAlive ${i + 1}`, w.step));
  const kept = w.seen("/keep-alive");
  assert.deepEqual(
    kept.map((e) => e.status),
    [200, 200, 500, 200, 200, 200, 200],
    "the call of 4:00 never reached the server (down); the ones after it did",
  );
  const errors = await w.logs("onError");
  assert.deepEqual(
    errors.map((e) => [e.name, e.message]),
    [
      ["Error", "500"],
      ["TypeError", "Failed to fetch"],
    ],
  );
  assert.deepEqual(await w.logs("onSignOut"), [], "a failed keep-alive signs nobody out");
  for (const page of w.pages) assert.equal((await inspect(page)).state, "active");
  assert.equal(await w.api(b), 200, "the server session lived through the outage");
});

// ------------------------------------------------------ the server's deadlines

test("a server idle limit shorter than the guard's ends the session when the server's does, reason idle, in every tab", TIMEOUT, async (t) => {
  const w = await world(t, { tabs: 3, idleMs: 3 * MINUTE, maxMs: 2 * HOUR });
  const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  await w.signIn(w.pages[0], options);
  for (const page of w.pages.slice(1)) await w.join(page, options);
  const last = await w.activeUntil(2 * MINUTE + 40 * SECOND);
  await w.to(8 * MINUTE);

  const kept = w.seen("/keep-alive");
  assert.equal(kept.length, 3);
  const serverEnd = w.serverEnd();
  near(serverEnd, T0 + 6 * MINUTE, "the server session ends 3 min after the keep-alive of 3:00", w.step);
  const ends = byTab(await w.logs("onSignOut"));
  assert.deepEqual(ends.map((e) => [e.tab, e.reason]), [[0, "idle"], [1, "idle"], [2, "idle"]]);
  for (const e of ends) {
    assert.equal(e.at, serverEnd, `tab ${e.tab} signed out at ${rel(e.at)}, the server session ended at ${rel(serverEnd)}`);
  }
  assert.ok(serverEnd < last + 10 * MINUTE, "before the guard's own idle end");
  assert.equal(await w.api(w.pages[2]), 401);
});

for (const { skew, name } of SKEWS) {
  test(`an absolute end from the login answer sooner than the guard's ends an active session, reason absolute, warned, in every tab (${name})`, TIMEOUT, async (t) => {
    const w = await world(t, { tabs: 3, skew, idleMs: 10 * MINUTE, maxMs: 8 * MINUTE });
    const options = { idleTimeoutMs: 10 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD, warnBeforeMs: MINUTE };
    const login = await w.signIn(w.pages[0], options);
    assert.equal(w.page(login.expiresAt), T0 + 8 * MINUTE);
    for (const page of w.pages.slice(1)) await w.join(page, options);
    for (const page of w.pages) {
      assert.equal((await inspect(page)).expiresAt, T0 + 8 * MINUTE, "from the sign-in on, in every tab, the end is the server's");
    }
    await w.activeUntil(9 * MINUTE);

    const warnings = byTab(await w.logs("onWarning"));
    assert.deepEqual(
      warnings.map((e) => [e.tab, e.reason, e.expiresAt]),
      [0, 1, 2].map((tab) => [tab, "absolute", T0 + 8 * MINUTE]),
      "one absolute warning in each tab, for the server's end",
    );
    for (const e of warnings) near(e.calledAt, T0 + 7 * MINUTE, `the warning in tab ${e.tab}`, w.step);
    const ends = byTab(await w.logs("onSignOut"));
    assert.deepEqual(
      ends.map((e) => [e.tab, e.reason, e.at]),
      [0, 1, 2].map((tab) => [tab, "absolute", T0 + 8 * MINUTE]),
      "every tab signed out at the server's absolute end, though the user was active",
    );
    assert.equal(w.serverEnd(), T0 + 8 * MINUTE);
    const kept = w.seen("/keep-alive");
    assert.equal(kept.length, 7, `keep-alives at ${kept.map((e) => rel(e.at))}`);
    assert.ok(kept.every((e) => e.status === 200 && e.at < T0 + 8 * MINUTE));
    assert.equal(await w.api(w.pages[1]), 401);
    assert.deepEqual(await w.logs("onError"), []);
  });
}

// ----------------------------------------------------------------------- a 401

test("a 401 from the API (the session revoked on the server) signs out every tab through guard.signOut()", TIMEOUT, async (t) => {
  const w = await world(t, { tabs: 3, idleMs: 5 * MINUTE, maxMs: 2 * HOUR });
  const options = { idleTimeoutMs: 5 * MINUTE, maxDurationMs: 2 * HOUR, keepAliveMs: PERIOD };
  await w.signIn(w.pages[0], options);
  for (const page of w.pages.slice(1)) await w.join(page, options);
  await w.activeUntil(2 * MINUTE + 20 * SECOND);
  app.revoke(); // signed out on another device
  await w.to(2 * MINUTE + 40 * SECOND);
  for (const page of w.pages) assert.equal((await inspect(page)).state, "active", "the guard cannot know yet");

  assert.equal(await w.api(w.pages[1]), 401);
  const outAt = w.now;
  // Within 100 ms of fake time (and some real time for the cross-tab message).
  await w.propagate(async () => (await w.logs("onSignOut")).length === 3, "every tab's onSignOut");
  const ends = byTab(await w.logs("onSignOut"));
  assert.deepEqual(
    ends.map((e) => [e.tab, e.reason, e.at, e.remote]),
    [
      [0, "manual", outAt, true],
      [1, "manual", outAt, false],
      [2, "manual", outAt, true],
    ],
  );
  await w.to(6 * MINUTE);
  assert.ok(w.seen("/keep-alive").every((e) => e.at < outAt), "no keep-alive after the sign-out");
  assert.equal((await w.logs("onSignOut")).length, 3);
});
