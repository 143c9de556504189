// A small application server for the end-to-end tests: a cookie session with
// its own idle and absolute limits, on a clock the test moves, in front of the
// repository's static files (scripts/serve.mjs), so that the fixture page and
// the API share one origin.
//
//   import { startAppServer } from "./server.mjs";
//   const app = await startAppServer({ root, now: T0, idleMs: 5 * MINUTE, maxMs: HOUR });
//   // app.url: the origin of the pages and the API
//   app.setNow(t);       // the server's clock (epoch ms); the test moves it
//   app.flush();         // answers the API requests waiting for the clock (see below)
//   app.seen("/keep-alive")  // what the server saw: [{ path, status, at, sid }]
//   await app.close();
//
// Endpoints (every answer is JSON, `now` is the server's clock):
//   POST /login       a new session and its cookie:
//                     200 { startedAt, expiresAt, idleExpiresAt, now }
//   POST /keep-alive  refreshes the idle limit: 200 { expiresAt, idleExpiresAt, now }
//   GET  /api/data    any call of the app; activity for the server, as a real API
//                     call is: 200 { ok: true, now }
// A request without a live session (no cookie, an unknown one, or a session past
// its idle or absolute limit, or revoked) gets 401 { error }; an ended session
// never comes back.
//
// The clock. The server keeps no time of its own: it reads the `now` the test
// sets, which the test keeps at the page's fake clock plus a skew. API requests
// are held until `flush()` and answered then, at the clock the test has just
// set, while the page's clock stands still: a request the page makes while the
// test runs its clock is answered at the end of that clock step, as if it had
// taken that long to arrive. So the page always applies an answer at the same
// instant the server gave it, whatever the real timing of the browser.
//
// Faults: `app.fail(500)` answers API requests with that status; `app.stop()`
// closes the port (requests are refused: a server that is down) and
// `app.start()` opens it again on the same port; `app.revoke()` ends the
// session on the server (signed out elsewhere), unknown to the page.

import { createServer, request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { startServer } from "../../scripts/serve.mjs";

const API = new Set(["/login", "/keep-alive", "/api/data"]);

/**
 * Starts the static server for `root` and the application server in front of it.
 * @param {{ root: string, now: number, idleMs: number, maxMs: number, host?: string }} options
 */
export async function startAppServer({ root, now, idleMs, maxMs, host = "127.0.0.1" }) {
  const upstream = await startServer({ root, port: 0, host });
  const upstreamUrl = new URL(upstream.url);

  const app = {
    url: "",
    port: 0,
    clock: now,
    idleMs,
    maxMs,
    /** sid -> { startedAt, lastSeen, revoked, endedAt } */
    sessions: new Map(),
    /** Every API request answered: { path, method, status, at, sid }. */
    log: [],
    /** API requests waiting for flush(): [() => void]. */
    queue: [],
    failWith: 0,
    /** Whether the port is open (false between stop() and start()). */
    get listening() {
      return server.listening;
    },

    /** Back to a fresh server: no sessions, no log, these limits and this clock. */
    reset({ now, idleMs, maxMs }) {
      this.clock = now;
      this.idleMs = idleMs;
      this.maxMs = maxMs;
      this.sessions.clear();
      this.log = [];
      this.queue = [];
      this.failWith = 0;
    },
    setNow(t) {
      if (t < this.clock) throw new Error(`the server's clock cannot go back (${t} < ${this.clock})`);
      this.clock = t;
    },
    /** Answers every held API request at the current clock; returns how many. */
    flush() {
      const waiting = this.queue.splice(0);
      for (const answer of waiting) answer();
      return waiting.length;
    },
    /** Held API requests not yet answered. */
    held() {
      return this.queue.length;
    },
    /** API requests answered, optionally for one path only. */
    seen(path) {
      return path ? this.log.filter((e) => e.path === path) : [...this.log];
    },
    /** When the session `sid` ends (or ended) on the server's clock, as things stand. */
    endOf(sid) {
      const s = this.sessions.get(sid);
      if (!s) return undefined;
      if (s.endedAt !== undefined) return s.endedAt;
      return Math.min(s.lastSeen + this.idleMs, s.startedAt + this.maxMs);
    },
    /** The only session (the tests sign in once per browser context). */
    only() {
      const sids = [...this.sessions.keys()];
      if (sids.length !== 1) throw new Error(`expected one server session, found ${sids.length}`);
      return sids[0];
    },
    /** Ends a session on the server (signed out elsewhere, or revoked by an admin). */
    revoke(sid = this.only()) {
      const s = this.sessions.get(sid);
      s.revoked = true;
      s.endedAt ??= this.clock;
    },
    /** Answers API requests with `status` (0: normally again). */
    fail(status) {
      this.failWith = status;
    },
    stop,
    start,
    close,
  };

  /** The live session of a request, or undefined; ends a session past its limits. */
  function live(req) {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const s = sid && app.sessions.get(sid);
    if (!s) return { sid };
    if (s.endedAt === undefined && app.clock >= app.endOf(sid)) s.endedAt = app.endOf(sid);
    return s.endedAt === undefined ? { sid, session: s } : { sid };
  }

  function deadlines(s) {
    return {
      expiresAt: s.startedAt + app.maxMs,
      idleExpiresAt: s.lastSeen + app.idleMs,
      now: app.clock,
    };
  }

  function answerApi(req, res, path) {
    const json = (status, body, headers = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
        "Cache-Control": "no-store",
        ...headers,
      });
      res.end(text);
    };
    const at = app.clock;
    let sid;
    let status;
    if (app.failWith) {
      status = app.failWith;
      json(status, { error: "server error" });
    } else if (path === "/login" && req.method === "POST") {
      sid = randomBytes(12).toString("hex");
      const s = { startedAt: at, lastSeen: at };
      app.sessions.set(sid, s);
      status = 200;
      json(status, { startedAt: s.startedAt, ...deadlines(s) }, {
        "Set-Cookie": `sid=${sid}; Path=/; HttpOnly; SameSite=Strict`,
      });
    } else if ((path === "/keep-alive" && req.method === "POST") || (path === "/api/data" && req.method === "GET")) {
      const found = live(req);
      sid = found.sid;
      if (!found.session) {
        status = 401;
        json(status, { error: "no live session" });
      } else {
        found.session.lastSeen = at;
        status = 200;
        json(status, path === "/keep-alive" ? deadlines(found.session) : { ok: true, now: at });
      }
    } else {
      status = 405;
      json(status, { error: "method not allowed" });
    }
    app.log.push({ path, method: req.method, status, at, sid });
  }

  function proxy(req, res) {
    const forward = httpRequest(
      {
        host: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(forward);
  }

  const server = createServer((req, res) => {
    res.on("error", () => {});
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (!API.has(path)) return proxy(req, res);
    // The body (if any) is not needed; drain it, then wait for the clock.
    req.resume();
    app.queue.push(() => {
      if (!res.destroyed) answerApi(req, res, path);
    });
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  function listen(port) {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve(server.address().port);
      });
    });
  }

  /** Closes the port: the server is down (held requests are dropped). */
  function stop() {
    return new Promise((resolve) => {
      app.queue.length = 0;
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Opens the port again. */
  async function start() {
    await listen(app.port);
  }

  async function close() {
    if (server.listening) await stop();
    await upstream.close();
  }

  app.port = await listen(0);
  app.url = `http://${host}:${app.port}`;
  return app;
}
