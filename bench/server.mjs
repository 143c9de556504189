// A static file server for the benchmark pages that, unlike scripts/serve.mjs
// (which sends `Cache-Control: no-store` on purpose for the demo and the tests),
// lets the browser cache what it fetched: the cold-start measurement is about a
// repeat visit, where the package comes from the HTTP cache.
//
//   const server = await startCachingServer({ root });
//   server.url        // "http://127.0.0.1:PORT"
//   server.requests   // Map pathname -> { 200: n, 304: n, 404: n }, to check cache hits
//   await server.close();
//
// Responses carry `Cache-Control: max-age=3600` and a weak ETag, so a cached
// file is either used as is or revalidated with a 304.

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream";
import { MIME_TYPES } from "../scripts/serve.mjs";

export async function startCachingServer({ root, host = "127.0.0.1" }) {
  const realRoot = path.resolve(root);
  const requests = new Map();
  const count = (pathname, status) => {
    const entry = requests.get(pathname) ?? {};
    entry[status] = (entry[status] ?? 0) + 1;
    requests.set(pathname, entry);
  };

  const server = createServer(async (req, res) => {
    res.on("error", () => {});
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = path.resolve(realRoot, "." + pathname);
    const inside = file.startsWith(realRoot + path.sep);
    let info;
    try {
      if (!inside || pathname.split("/").some((s) => s.startsWith("."))) throw new Error("refused");
      info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
    } catch {
      count(pathname, 404);
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found\n");
      return;
    }
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers = {
      "Content-Type": MIME_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "Cache-Control": "max-age=3600",
      ETag: etag,
    };
    if (req.headers["if-none-match"] === etag) {
      count(pathname, 304);
      res.writeHead(304, headers).end();
      return;
    }
    count(pathname, 200);
    res.writeHead(200, { ...headers, "Content-Length": info.size });
    pipeline(createReadStream(file), res, () => {});
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  return {
    url: `http://${host}:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
