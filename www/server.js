// A simulated server, for the demo only. It stands in for the app's real
// server, which holds the real session (a cookie session, say) with limits of
// its own. Nothing here is part of session-guard: these are the server's
// rules, and the guard learns them only from the server's answers, as it
// would from a real one.
//
// The server keeps one session per sign-in, shared by all of the demo's tabs
// (as one server serves every tab) through the demo's own localStorage key.
// Its clock is the page's clock. Every request it gets (a keep-alive, or any
// other API call) slides its idle limit, as a sliding-expiration cookie
// session does; a session that went that long without a request has ended,
// and the answer says so. A request takes LATENCY_MS there and back.
//
// An answer carries the server's deadlines in the shape `guard.sync()` takes:
//   { idleExpiresAt, now }                  the session is live
//   { expired: true, idleExpiresAt, now }   it ran out (no request for the idle limit)
//   { expired: true, expiresAt, now }       it was ended (button, or the page signed out)

const STORE_KEY = "acme-dashboard:server";
/** How long a request takes, there and back; the server acts halfway. */
export const LATENCY_MS = 400;

/** Why the server session ended. */
export const ENDED = Object.freeze({
  idle: "idle", // no request for the idle limit
  ended: "ended", // "End the server session now"
  signedOut: "signed-out", // the page signed out and told the server
});

/**
 * The stored server session, or null:
 * { startedAt, idleLimitMs (-1: none), lastSeen, requests, lastKeepAlive, ended: { at, why } | null }
 */
let memory = null; // when storage is blocked

function load() {
  try {
    const text = localStorage.getItem(STORE_KEY);
    return text === null ? memory : JSON.parse(text);
  } catch {
    return memory;
  }
}

function save(record) {
  memory = record;
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(record));
  } catch {
    // storage blocked: this tab's server only
  }
}

/** The record as the server sees it at `now`: a session past its idle limit has ended. */
function settle(record, now) {
  if (!record || record.ended || record.idleLimitMs < 0) return record;
  const lapse = record.lastSeen + record.idleLimitMs;
  if (now < lapse) return record;
  return { ...record, ended: { at: lapse, why: ENDED.idle } };
}

/**
 * The server session of the sign-in at `startedAt`: the stored one when it is
 * that sign-in's (a reload, another tab), else a new one with this idle limit.
 */
export function join(startedAt, idleLimitMs) {
  const record = load();
  if (record && record.startedAt === startedAt) return;
  save({
    startedAt,
    idleLimitMs,
    lastSeen: Math.max(startedAt, Date.now()),
    requests: 0,
    lastKeepAlive: null,
    ended: null,
  });
}

/** What the server holds now (for the page to draw), or null without a session. */
export function status() {
  const record = settle(load(), Date.now());
  if (!record) return null;
  return {
    ...record,
    idleExpiresAt: record.ended || record.idleLimitMs < 0 ? null : record.lastSeen + record.idleLimitMs,
  };
}

/** The answer to a request the server gets at `now`, and its record afterwards. */
function answer(record, now, kind) {
  const settled = settle(record, now);
  if (!settled) return { record, body: { expired: true, expiresAt: now, now } };
  if (settled.ended) {
    const { at, why } = settled.ended;
    const body = why === ENDED.idle ? { expired: true, idleExpiresAt: at, now } : { expired: true, expiresAt: at, now };
    return { record: settled, body };
  }
  const next = {
    ...settled,
    lastSeen: now,
    requests: settled.requests + 1,
    lastKeepAlive: kind === "keep-alive" ? now : settled.lastKeepAlive,
  };
  const body = next.idleLimitMs < 0 ? { now } : { idleExpiresAt: now + next.idleLimitMs, now };
  return { record: next, body };
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A request to the server ("keep-alive", or "api" for any other call). Resolves
 * to the server's answer after LATENCY_MS; the server handles it halfway.
 */
export async function request(kind) {
  await wait(LATENCY_MS / 2);
  const { record, body } = answer(load(), Date.now(), kind);
  if (record) save(record);
  await wait(LATENCY_MS / 2);
  return body;
}

/** Ends the server session now, whatever the page thinks ("End the server session now"). */
export function end() {
  const record = settle(load(), Date.now());
  if (!record || record.ended) return;
  save({ ...record, ended: { at: Date.now(), why: ENDED.ended } });
}

/** The page signed out at `at` and tells the server (a logout request). */
export function signOut(at) {
  const record = settle(load(), at);
  if (!record || record.ended) {
    if (record) save(record);
    return;
  }
  save({ ...record, ended: { at, why: ENDED.signedOut } });
}
