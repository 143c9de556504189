// What the framework apps' test needs besides the browser: commands run with
// their output kept, long-running servers started and stopped, free ports,
// and the gzip -9 size of a build's JS and wasm.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** Runs a command; resolves to { code, stdout, stderr, ms }; rejects when it cannot start. */
export function run(cmd, args, { cwd, env, timeout = 300_000 } = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed (${signal})` : code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** run(), failing with the command's output unless it exits 0. */
export async function ok(what, cmd, args, options) {
  const r = await run(cmd, args, options);
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  return r;
}

/** A port no one listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process (in its own process group, so stop() ends it and
 * the children it forks) and waits until `url` answers. `output()` is what it
 * printed so far.
 */
export async function startProcess(what, cmd, args, { cwd, env, url, timeout = 120_000 }) {
  let output = "";
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let exited = null;
  child.on("exit", (code, signal) => (exited = signal ?? code));
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        resolve();
      }
    });
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exited !== null) throw new Error(`${what} exited (${exited}) before answering:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${what} did not answer ${url} within ${timeout / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop, output: () => output };
}

/** The gzip -9 bytes of every .js and .wasm file under `dir`, and how many .wasm files there are. */
export function gzipTree(dir) {
  let total = 0;
  let wasm = 0;
  for (const f of readdirSync(dir, { recursive: true }).map(String)) {
    if (!/\.(m?js|wasm)$/.test(f)) continue;
    if (f.endsWith(".wasm")) wasm++;
    total += gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length;
  }
  return { total, wasm };
}

/** The path of a package's bin script `name` in an app's node_modules. */
export function binOf(dir, pkg, name = pkg.split("/").pop()) {
  const root = path.join(dir, "node_modules", pkg);
  const { bin } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  return path.join(root, typeof bin === "string" ? bin : bin[name]);
}
