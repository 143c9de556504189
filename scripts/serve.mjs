// A tiny static file server for the demo and the end-to-end tests.
// No dependencies: node:http, node:fs, node:path only.
//
//   import { startServer } from "./scripts/serve.mjs";
//   const { url, port, close } = await startServer({ root: "." });
//   // url is the origin, e.g. "http://127.0.0.1:39123" (no trailing slash)
//   await close();
//
// Run directly (`node scripts/serve.mjs`) it serves the repository root on
// $PORT or 8080, moving to the next port while one is busy.

import { createServer } from "node:http";
import { createReadStream, realpathSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";

export const MIME_TYPES = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
});

function contentType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** An HTML page (served `no-cache`, see handle). */
function isPage(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()]?.startsWith("text/html") ?? false;
}

function isInside(dir, file) {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Counts a response in `requests` (pathname -> { status: n }). */
function count(requests, pathname, status) {
  const entry = requests.get(pathname) ?? {};
  entry[status] = (entry[status] ?? 0) + 1;
  requests.set(pathname, entry);
}

async function handle(realRoot, cache, requests, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, 405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
    return;
  }

  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    send(res, 400, "Bad Request\n");
    return;
  }
  if (pathname.includes("\0")) {
    send(res, 400, "Bad Request\n");
    return;
  }
  if (pathname === "/") {
    send(res, 302, "Found: /www/\n", { Location: "/www/" });
    return;
  }
  // Dot segments (".git", "..", ".env") are never served.
  const segments = pathname.split(/[\\/]/).filter(Boolean);
  if (segments.some((s) => s.startsWith("."))) {
    send(res, 404, "Not Found\n");
    return;
  }

  let file = path.resolve(realRoot, ...segments);
  let info;
  try {
    // realpath also resolves symlinks, so a link pointing outside root is refused.
    file = await realpath(file);
    if (!isInside(realRoot, file)) throw new Error("outside root");
    info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith("/")) {
        send(res, 301, `Moved: ${pathname}/\n`, { Location: `${encodeURI(pathname)}/` });
        return;
      }
      file = path.join(file, "index.html");
      info = await stat(file);
    }
    if (!info.isFile()) throw new Error("not a file");
  } catch {
    count(requests, pathname, 404);
    send(res, 404, "Not Found\n");
    return;
  }

  const headers = {
    "Content-Type": contentType(file),
    // Pages are `no-cache` (revalidated on every load, so always current)
    // rather than `no-store`: a `no-store` page never enters the
    // back-forward cache, which the end-to-end tests need.
    "Cache-Control": isPage(file) ? "no-cache" : "no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (cache) {
    // A repeat visit (the bench's cold start): cached, or revalidated with a 304.
    headers["Cache-Control"] = "max-age=3600";
    headers.ETag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    if (req.headers["if-none-match"] === headers.ETag) {
      count(requests, pathname, 304);
      res.writeHead(304, headers).end();
      return;
    }
  }
  count(requests, pathname, 200);
  res.writeHead(200, { ...headers, "Content-Length": info.size });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // pipeline destroys both streams on error or client disconnect; the
  // callback swallows the error so a dropped connection never crashes us.
  pipeline(createReadStream(file), res, () => {});
}

/**
 * Starts a static file server. Responses carry `Cache-Control: no-store` (the
 * demo and the tests always load the current build), HTML pages `no-cache`
 * (revalidated every time too, but a page may enter the back-forward cache),
 * or with `cache: true`
 * `max-age=3600` and a weak ETag, so a browser uses its cached copy or
 * revalidates it with a 304 (the bench's cold start is about a repeat visit).
 * @param {{ root: string, port?: number, host?: string, cache?: boolean }} options
 * @returns {Promise<{ url: string, port: number, requests: Map<string, Record<number, number>>, close: () => Promise<void> }>}
 *   `url` is the origin without a trailing slash, e.g. "http://127.0.0.1:8080";
 *   `requests` counts the responses to each path by status.
 */
export async function startServer({ root, port = 0, host = "127.0.0.1", cache = false } = {}) {
  if (typeof root !== "string" || root === "") {
    throw new TypeError("startServer: `root` must be a directory path");
  }
  const realRoot = await realpath(path.resolve(root));
  const requests = new Map();

  const server = createServer((req, res) => {
    res.on("error", () => {});
    handle(realRoot, cache, requests, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "Internal Server Error\n");
      else res.destroy();
    });
  });
  // Malformed requests and resets must not take the server down.
  server.on("clientError", (_err, socket) => {
    if (socket.writable && !socket.destroyed) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    } else {
      socket.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
  server.on("error", (err) => console.error("serve:", err.message));

  const actualPort = server.address().port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    requests,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const firstPort = Number.parseInt(process.env.PORT ?? "", 10) || 8080;
  const host = process.env.SERVE_HOST || "127.0.0.1";
  const attempts = 20;

  let server;
  for (let p = firstPort; p < firstPort + attempts && p <= 65535; p++) {
    try {
      server = await startServer({ root, port: p, host });
      break;
    } catch (err) {
      if (err.code !== "EADDRINUSE") throw err;
    }
  }
  if (!server) {
    console.error(`serve: ports ${firstPort}-${firstPort + attempts - 1} are all busy; set PORT to a free port`);
    process.exit(1);
  }

  const shownHost = host === "127.0.0.1" || host === "0.0.0.0" || host === "::" ? "localhost" : host;
  console.log(`session-guard demo: http://${shownHost}:${server.port}/www/`);

  const stop = () => server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function invokedDirectly() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main().catch((err) => {
    console.error("serve:", err.message);
    process.exit(1);
  });
}
