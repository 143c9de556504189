// The framework bindings in real apps, from the packed package: a React 18,
// a React 19, a Vue 3 and a Svelte 5 app, each built with Vite from the
// README's components (tests/recipes/<framework>/, used verbatim: a warning
// dialog with confirmToStay), the package installed from `npm pack` of this
// repository. For each app:
//   - server rendering in Node imports the binding, renders "checking" and
//     touches no browser API (no fetch, no wasm, no channel, no timer left);
//   - in Chromium on Playwright's fake clock: the warning; the real pointer
//     moved to "Stay signed in" keeps the dialog open and the click keeps the
//     session; Enter on the focused "Sign out" signs out; idling signs out;
//     unmounting destroys the guard (no listener or channel left; React's
//     StrictMode still runs one guard); two tabs share one session; a
//     session that ended while no tab was open never shows the dashboard;
//     a missing .wasm signs out;
//   - the warning dialog's accessibility (tests/apps/a11y.mjs): axe-core finds
//     no violation with it open; focus moves to "Stay signed in", Tab stays
//     in the dialog, Escape stays signed in and focus goes back; its polite
//     live region speaks at the paced steps only (2 changes in 60 s) while
//     the visible countdown ticks every second;
//   - (React 19) the README's Vitest test, in the app, from the package;
//     and the README's Jest test in a Jest project (tests/apps/jest/);
//   - the gzip -9 size of the built app's JS and wasm, against the same app
//     built with a stand-in that guards nothing.
// Each app's dependencies are pinned in tests/apps/<app>/package-lock.json
// and installed with `npm ci` (from the npm cache when it has them).
// Uses pkg/ as built (npm run build): the tarball is packed without running
// prepack again.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { LAUNCH_ARGS, MINUTE, ROOT, SECOND, findBrowser, sleep, waitUntil } from "../e2e/harness.mjs";
import { added, countListeners, guardCount, registered } from "../common/listeners.js";
import { startServer } from "../../scripts/serve.mjs";
import { requireBuild } from "../types/tsc.mjs";
import { dialogTests } from "./a11y.mjs";
import { inSteps, openApp } from "./open.mjs";
import { run } from "../frameworks/lib.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const HERE = path.join(ROOT, "tests", "apps");
const RECIPES = path.join(ROOT, "tests", "recipes");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The apps: their pinned dependencies (folder), their sources, the README's components. */
const ALL = [
  { name: "react18", framework: "react", binding: "session-guard/react", strictMode: true },
  // This one also runs the README's Vitest test (tests/recipes/vitest/).
  { name: "react19", framework: "react", binding: "session-guard/react", strictMode: true, vitest: true },
  { name: "vue", framework: "vue", binding: "session-guard/vue" },
  { name: "svelte", framework: "svelte", binding: "session-guard/svelte" },
];

// SESSION_GUARD_APPS=react19,vue,jest runs only those.
const only = process.env.SESSION_GUARD_APPS?.split(",");
const APPS = ALL.filter((a) => !only || only.includes(a.name));

const DIALOG = '[role="alertdialog"]';
const DASHBOARD = "Your dashboard";
const CHECKING = "Checking your session…";

const ctx = { dir: undefined, tarball: undefined, browser: undefined, servers: [], started: Date.now() };

async function ok(what, cmd, args, options) {
  const r = await run(cmd, args, { timeout: 240_000, ...options });
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Copies the app's files into the temporary folder, installs, builds. */
async function prepare(app) {
  const dir = path.join(ctx.dir, app.name);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(HERE, app.framework), dir, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(path.join(HERE, app.name, f), path.join(dir, f));
  for (const f of readdirSync(path.join(RECIPES, app.framework))) {
    cpSync(path.join(RECIPES, app.framework, f), path.join(dir, "src", f));
  }
  if (app.vitest) {
    cpSync(path.join(RECIPES, "vitest", "vitest.config.ts"), path.join(dir, "vitest.config.ts"));
    cpSync(path.join(RECIPES, "vitest", "session.test.tsx"), path.join(dir, "src", "session.test.tsx"));
  }
  const quiet = ["--no-audit", "--no-fund", "--prefer-offline"];
  const started = Date.now();
  await ok(`npm ci (${app.name})`, NPM, ["ci", ...quiet], { cwd: dir });
  await ok(`npm install <tarball> (${app.name})`, NPM, ["install", "--no-save", ...quiet, ctx.tarball], { cwd: dir });
  const installed = Date.now();
  const vite = path.join(dir, "node_modules", "vite", "bin", "vite.js");
  await ok(`vite build (${app.name})`, process.execPath, [vite, "build"], { cwd: dir });
  await ok(`vite build, baseline (${app.name})`, process.execPath, [vite, "build"], { cwd: dir, env: { BASELINE: "1" } });
  const ssrEntry = app.framework === "react" ? "src/ssr.tsx" : "src/ssr.ts";
  await ok(`vite build --ssr (${app.name})`, process.execPath, [vite, "build", "--ssr", ssrEntry, "--outDir", "dist-ssr"], { cwd: dir });
  const server = await startServer({ root: path.join(dir, "dist"), port: 0, host: "127.0.0.1" });
  ctx.servers.push(server);
  return { dir, url: server.url, installMs: installed - started, buildMs: Date.now() - installed };
}

before(async () => {
  requireBuild();
  ctx.dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-apps-"));
  const packed = await ok("npm pack", NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", ctx.dir], { cwd: ROOT });
  const [info] = JSON.parse(packed.stdout);
  ctx.tarball = path.join(ctx.dir, info.filename);
  const { chromium } = require("playwright-core");
  ctx.browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: LAUNCH_ARGS });
  // All four apps install and build at once.
  for (const app of APPS) {
    app.ready = prepare(app);
    app.ready.catch(() => {}); // reported by the app's own tests
  }
});

after(async () => {
  if (ctx.browser) await ctx.browser.close().catch(() => {});
  for (const s of ctx.servers) await s.close().catch(() => {});
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  console.log(`apps: ${((Date.now() - ctx.started) / 1000).toFixed(1)} s in all`);
});

/** A context with `tabs` pages of the app (see openApp). */
function open(t, app, { query = "", ...options } = {}) {
  return openApp(ctx.browser, t, app.url + "/index.html" + query, { timeout: 15_000, ...options });
}

const dialog = (page) => page.locator(DIALOG);

async function dashboard(page) {
  await page.getByText(DASHBOARD).waitFor();
}

/** The guard's end as the app learns it: its onSignOut navigates here. */
async function signedOut(page, reason) {
  await page.waitForURL((url) => url.pathname === "/signed-out" && url.searchParams.get("reason") === reason);
}

/** Moves the real pointer in steps from the page's corner to the middle of `locator`. */
async function pointTo(page, locator) {
  const box = await locator.boundingBox();
  assert.ok(box, "the button is on screen");
  await page.mouse.move(2, 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 25 });
}

function gzipOf(dist) {
  let total = 0;
  const files = readdirSync(path.join(dist, "assets")).filter((f) => /\.(js|wasm)$/.test(f));
  for (const f of files) total += gzipSync(readFileSync(path.join(dist, "assets", f)), { level: 9 }).length;
  return { total, files };
}

describe("a Jest project (jsdom, session-guard/node as the setup file)", { skip: only && !only.includes("jest") }, () => {
  test("the README's Jest test passes, with the package from its tarball", async () => {
    const dir = path.join(ctx.dir, "jest");
    mkdirSync(dir, { recursive: true });
    for (const f of ["package.json", "package-lock.json"]) cpSync(path.join(HERE, "jest", f), path.join(dir, f));
    for (const f of ["jest.config.js", "session.test.js"]) cpSync(path.join(RECIPES, "jest", f), path.join(dir, f));
    const quiet = ["--no-audit", "--no-fund", "--prefer-offline"];
    await ok("npm ci (jest)", NPM, ["ci", ...quiet], { cwd: dir });
    await ok("npm install <tarball> (jest)", NPM, ["install", "--no-save", ...quiet, ctx.tarball], { cwd: dir });
    const jest = path.join(dir, "node_modules", "jest", "bin", "jest.js");
    const r = await run(process.execPath, ["--experimental-vm-modules", jest, "--ci", "--verbose"], { cwd: dir, timeout: 120_000 });
    assert.equal(r.code, 0, `jest failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /✓ an idle user is signed out after 15 minutes/);
    assert.match(r.stderr, /Tests:\s+1 passed, 1 total/);
  });
});

for (const app of APPS) {
  describe(`${app.name} app (${app.binding})`, { timeout: 300_000 }, () => {
    before(async () => {
      Object.assign(app, await app.ready);
    });

    test("server rendering imports the binding in Node, renders \"checking\" and touches no browser API", async () => {
      const script = `
        const touched = [];
        const trap = (obj, name) => {
          const f = obj[name];
          if (typeof f === "function") obj[name] = function (...args) { touched.push(name); return f.apply(this, args); };
        };
        trap(globalThis, "fetch");
        trap(globalThis, "setInterval");
        for (const k of ["instantiate", "instantiateStreaming", "compile", "compileStreaming"]) trap(WebAssembly, k);
        const Module = WebAssembly.Module;
        WebAssembly.Module = class extends Module { constructor(b) { touched.push("WebAssembly.Module"); super(b); } };
        const Channel = globalThis.BroadcastChannel;
        globalThis.BroadcastChannel = class extends Channel { constructor(n) { touched.push("BroadcastChannel"); super(n); } };
        const { html } = await import("./dist-ssr/ssr.js");
        const out = await html();
        console.log(JSON.stringify({ html: out, touched, window: typeof window, document: typeof document }));
      `;
      const r = await ok("server rendering", process.execPath, ["--input-type=module", "-e", script], { cwd: app.dir, timeout: 30_000 });
      const result = JSON.parse(r.stdout.trim().split("\n").at(-1));
      assert.deepEqual(result.touched, [], "no fetch, no wasm, no channel, no interval during server rendering");
      assert.equal(result.window, "undefined");
      assert.equal(result.document, "undefined");
      assert.match(result.html, /Checking your session…/);
      assert.doesNotMatch(result.html, /Your dashboard/, "nothing protected is rendered on the server");
      assert.equal(r.stderr, "", "nothing written to stderr");
    });

    if (app.vitest) {
      test("the README's test runs under Vitest in Node (happy-dom, session-guard/node as the setup file)", async () => {
        const vitest = path.join(app.dir, "node_modules", "vitest", "vitest.mjs");
        const r = await run(process.execPath, [vitest, "run", "--reporter=verbose"], { cwd: app.dir, env: { CI: "1", NO_COLOR: "1" }, timeout: 120_000 });
        assert.equal(r.code, 0, `vitest failed:\n${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /an idle user is signed out after 15 minutes/);
        assert.match(r.stdout, /Tests\s+1 passed/);
      });
    }

    test("the warning opens; the real pointer reaches \"Stay signed in\" without closing it (confirmToStay), and the click keeps the session", async (t) => {
      const { clock, page, problems } = await open(t, app);
      await dashboard(page);
      await clock.runFor(14 * MINUTE);
      await dialog(page).waitFor();
      assert.match(await dialog(page).innerText(), /You will be signed out in 60 s because of inactivity\./);
      await clock.runFor(5 * SECOND);
      assert.match(await dialog(page).innerText(), /in 55 s/, "the countdown follows the clock");
      const stay = page.getByRole("button", { name: "Stay signed in" });
      await pointTo(page, stay);
      await clock.runFor(2 * SECOND);
      assert.ok(await dialog(page).isVisible(), "moving the pointer to the button did not close the dialog");
      await page.mouse.down();
      await page.mouse.up();
      await dialog(page).waitFor({ state: "detached" });
      // The click at 14:07 was activity: the next warning is at 28:07, the end at 29:07.
      await clock.runFor(14 * MINUTE - SECOND);
      assert.equal(await dialog(page).count(), 0, "no warning before 14 minutes after the click");
      await clock.runFor(2 * SECOND);
      await dialog(page).waitFor();
      assert.equal(new URL(page.url()).pathname, "/index.html", "still signed in");
      assert.deepEqual(problems, []);
    });

    dialogTests(app, { open, dashboard, dialog });

    test("Enter on the focused \"Sign out\" button signs out", async (t) => {
      const { clock, page } = await open(t, app);
      await dashboard(page);
      await clock.runFor(14 * MINUTE);
      await dialog(page).waitFor();
      await page.getByRole("button", { name: "Sign out" }).focus();
      await page.keyboard.press("Enter");
      await signedOut(page, "manual");
    });

    test("idling signs out at the end of the idle window", async (t) => {
      const { clock, page, problems } = await open(t, app);
      await dashboard(page);
      await clock.runFor(15 * MINUTE - SECOND);
      assert.equal(new URL(page.url()).pathname, "/index.html", "still signed in one second before the end");
      await clock.runFor(SECOND);
      await signedOut(page, "idle");
      assert.deepEqual(problems, []);
    });

    test(`unmounting destroys the guard: no listener or channel left${app.strictMode ? " (StrictMode: one guard while mounted)" : ""}`, async (t) => {
      const { page } = await open(t, app, { query: "?mounted=0", initScript: countListeners });
      const toggle = page.locator("#toggle");
      await toggle.waitFor();
      const base = await registered(page);
      await toggle.click();
      await dashboard(page);
      await sleep(100);
      const mounted = await registered(page);
      assert.equal(guardCount(mounted.listeners), 1, `one guard listens: ${JSON.stringify(mounted.listeners)}`);
      assert.deepEqual(mounted.channels, ["session-guard"]);
      await toggle.click();
      await page.getByText(DASHBOARD).waitFor({ state: "detached" });
      await sleep(100);
      assert.deepEqual(added(base, await registered(page)), { listeners: [], channels: [] }, "nothing left after unmount");
      // Mounted again, the guard resumes the session (unmounting did not sign out).
      await toggle.click();
      await dashboard(page);
    });

    test("two tabs share one session: \"Stay signed in\" in one closes the warning in both; idling signs both out", async (t) => {
      const { clock, pages } = await open(t, app, { tabs: 2 });
      const [a, b] = pages;
      await dashboard(a);
      await dashboard(b);
      await inSteps(clock, 14 * MINUTE);
      await dialog(a).waitFor();
      await dialog(b).waitFor();
      await a.bringToFront();
      const stay = a.getByRole("button", { name: "Stay signed in" });
      await pointTo(a, stay);
      await a.mouse.down();
      await a.mouse.up();
      await dialog(a).waitFor({ state: "detached" });
      await waitUntil(async () => (await dialog(b).count()) === 0, { message: "the other tab's warning to close" });
      await inSteps(clock, 15 * MINUTE);
      for (const [tab, page] of [["first", a], ["second", b]]) {
        await signedOut(page, "idle").catch(async (err) => {
          assert.fail(`the ${tab} tab: ${err.message}; at ${page.url()}: ${JSON.stringify(await page.evaluate(() => document.body.innerText))}`);
        });
      }
    });

    test("a session that ended while no tab was open signs out without showing the dashboard", async (t) => {
      const { clock, page, seen } = await open(t, app);
      await dashboard(page);
      await page.goto("about:blank"); // the only tab leaves; the session stays stored
      await clock.fastForward(20 * MINUTE);
      seen.length = 0;
      await page.goto(app.url + "/index.html");
      await signedOut(page, "idle");
      assert.ok(seen.some((text) => text.includes(CHECKING)), `"checking" was shown: ${JSON.stringify(seen)}`);
      assert.ok(!seen.some((text) => text.includes(DASHBOARD)), `the dashboard never showed: ${JSON.stringify(seen)}`);
    });

    test("a missing .wasm signs out (fails closed) and reports the error", async (t) => {
      const { page, seen, problems } = await open(t, app, { wasm: false });
      await signedOut(page, "error");
      assert.ok(!seen.some((text) => text.includes(DASHBOARD)), `the dashboard never showed: ${JSON.stringify(seen)}`);
      assert.ok(
        problems.some((p) => /Wasm|WebAssembly|404/i.test(p)),
        `the error went to console.error: ${JSON.stringify(problems)}`,
      );
    });

    test("size: the app's JS and wasm, gzip -9, against the app with a stand-in that guards nothing", () => {
      const withGuard = gzipOf(path.join(app.dir, "dist"));
      const baseline = gzipOf(path.join(app.dir, "dist-baseline"));
      assert.equal(withGuard.files.filter((f) => f.endsWith(".wasm")).length, 1, "the .wasm is emitted as an asset");
      const cost = withGuard.total - baseline.total;
      console.log(
        `size ${app.name}: ${withGuard.total} B with ${app.binding}, ${baseline.total} B without: +${cost} B gzip -9 ` +
          `(install ${(app.installMs / 1000).toFixed(1)} s, builds ${(app.buildMs / 1000).toFixed(1)} s)`,
      );
      assert.ok(cost > 0);
      // The core (wasm + glue) is about 34 KB; a binding adds about 1 KB more.
      assert.ok(cost < 36_000, `the package costs the app ${cost} B gzip -9`);
    });
  });
}
