// The npm package as a user gets it: `npm pack` (prepack builds pkg/), the
// tarball installed into a fresh project outside the repository, then
//   - imported by name from Node (what server rendering does),
//   - type-checked by name with tsc,
//   - bundled with esbuild both ways the README shows (the .wasm copied next
//     to the bundle; esbuild's file loader), and the README's start() app
//     (session-guard/start, also with a .wasm that fails to load), and
//   - the README's plain-page recipe with the files copied from the package,
// each app run in Chromium on Playwright's fake clock to a warning and an
// idle sign-out. The apps and the page are the README recipes in
// tests/recipes/, used verbatim.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { LAUNCH_ARGS, MINUTE, ROOT, SECOND, T0, findBrowser, waitUntil } from "../e2e/harness.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { tsc } from "../types/tsc.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const RECIPES = path.join(ROOT, "tests", "recipes");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const TIMEOUT = { timeout: 120_000 };

const ctx = {
  dir: undefined, // the temporary project
  tarball: undefined,
  packed: undefined, // npm pack --json result
  installed: undefined, // node_modules/session-guard in the project
  server: undefined,
  browser: undefined,
};

function npm(args, cwd) {
  const result = spawnSync(NPM, args, { cwd, encoding: "utf8", timeout: 300_000 });
  if (result.error) throw result.error;
  return result;
}

before(async () => {
  ctx.dir = mkdtempSync(path.join(os.tmpdir(), "session-guard-consumer-"));

  // npm pack runs prepack (npm run build): pkg/ is rebuilt from the sources.
  const packed = npm(["pack", "--json", "--pack-destination", ctx.dir], ROOT);
  assert.equal(packed.status, 0, `npm pack failed:\n${packed.stderr}`);
  [ctx.packed] = JSON.parse(packed.stdout);
  ctx.tarball = path.join(ctx.dir, ctx.packed.filename);

  // A fresh project with the tarball as its only dependency (it has none of its own).
  writeFileSync(
    path.join(ctx.dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2),
  );
  const args = ["install", ctx.tarball, "--no-audit", "--no-fund"];
  let installed = npm([...args, "--offline"], ctx.dir);
  if (installed.status !== 0) installed = npm(args, ctx.dir);
  assert.equal(installed.status, 0, `npm install <tarball> failed:\n${installed.stderr}`);
  ctx.installed = path.join(ctx.dir, "node_modules", "session-guard");

  ctx.server = await startServer({ root: ctx.dir, port: 0, host: "127.0.0.1" });
  const { chromium } = require("playwright-core");
  ctx.browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: LAUNCH_ARGS });
});

after(async () => {
  if (ctx.browser) await ctx.browser.close().catch(() => {});
  if (ctx.server) await ctx.server.close().catch(() => {});
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

/** Writes `text` to `rel` inside the temporary project and returns the path. */
function put(rel, text) {
  const file = path.join(ctx.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function recipe(rel) {
  return readFileSync(path.join(RECIPES, rel), "utf8");
}

/** A page that loads an esbuild bundle, with the element the apps write to. */
function pageLoading(script, { csp } = {}) {
  const policy = csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8">${policy}<title>consumer</title><script type="module" src="${script}"></script></head>
<body><p id="status" role="status">Signed in</p></body>
</html>
`;
}

async function bundle(entry, outdir, loader = {}) {
  const esbuild = require("esbuild");
  const result = await esbuild.build({
    absWorkingDir: ctx.dir,
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2022",
    outdir,
    loader,
    logLevel: "silent",
  });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, [], "esbuild has nothing to warn about");
}

/**
 * Opens `pathname` on a fake clock and runs it to the end of its 15-minute idle
 * limit: a warning at 14 min (when the app shows one), then the app's own
 * sign-out navigation to /signed-out?reason=idle. Returns the requests made.
 */
async function runToSignOut(pathname, { warns }) {
  const context = await ctx.browser.newContext();
  try {
    context.setDefaultTimeout(15_000);
    await context.clock.install({ time: T0 });
    await context.clock.pauseAt(T0);
    const page = await context.newPage();
    const problems = [];
    const requests = [];
    page.on("pageerror", (err) => problems.push(String(err?.message ?? err)));
    page.on("console", (msg) => {
      // A failed load is checked below, from the responses.
      if (/^Failed to load resource/.test(msg.text())) return;
      if (msg.type() === "error" || msg.type() === "warning") problems.push(msg.text());
    });
    page.on("response", (res) => {
      requests.push({ path: new URL(res.url()).pathname, status: res.status(), type: res.headers()["content-type"] });
    });

    await page.goto(ctx.server.url + pathname);
    // The guard has started once it stored its session (README: localStorage[storageKey]).
    await waitUntil(() => page.evaluate(() => localStorage.getItem("session-guard") !== null), {
      message: "the guard to start",
    }).catch((err) => {
      assert.fail(`${err.message}; page errors: ${JSON.stringify(problems)}; responses: ${JSON.stringify(requests)}`);
    });
    assert.deepEqual(problems, [], "the app loaded without errors");
    const wasm = requests.filter((r) => r.path.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `one .wasm request: ${JSON.stringify(requests)}`);
    assert.equal(wasm[0].status, 200);
    assert.equal(wasm[0].type, "application/wasm");

    const status = page.locator("#status");
    if (warns) {
      await context.clock.runFor(14 * MINUTE);
      await waitUntil(async () => /^Signing out in 60 s/.test(await status.textContent()), {
        message: "the warning",
      });
      await context.clock.runFor(59 * SECOND);
      assert.equal(new URL(page.url()).pathname, pathname, "still signed in one second before the end");
      await context.clock.runFor(1 * SECOND);
    } else {
      await context.clock.runFor(15 * MINUTE - SECOND);
      assert.equal(new URL(page.url()).pathname, pathname, "still signed in one second before the end");
      await context.clock.runFor(1 * SECOND);
    }
    await page.waitForURL((url) => url.pathname === "/signed-out" && url.searchParams.get("reason") === "idle");
    assert.deepEqual(problems, [], "no errors");
    // Only the sign-out page (and a favicon) are missing from this site.
    const failed = requests.filter((r) => r.status >= 400 && !["/signed-out", "/favicon.ico"].includes(r.path));
    assert.deepEqual(failed, [], "every request of the app succeeded");
    return requests;
  } finally {
    await context.close().catch(() => {});
  }
}

test("npm pack ships the build, the types, the licences and nothing else", () => {
  const files = ctx.packed.files.map((f) => f.path).sort();
  const shipped = [
    "package.json",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "pkg/session_guard.js",
    "pkg/session_guard_bg.wasm",
    "pkg/session_guard.d.ts",
    // The entry points beside the core: session-guard/start, /react, /vue, /svelte, /angular, /node.
    ...["session", "start", "react", "vue", "svelte", "angular", "node"].flatMap((e) => [`js/${e}.js`, `js/${e}.d.ts`]),
    "js/node-globals.js",
  ];
  for (const f of shipped) {
    assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(", ")}`);
  }
  // Nothing else: no pkg/snippets/ (bundled into the glue), no
  // session_guard_bg.wasm.d.ts (the module's raw exports, which no import resolves to).
  for (const f of files) {
    assert.ok(shipped.includes(f), `${f} does not belong in the tarball`);
  }
  // The licences are the repository's, as the manifest's "license" names them.
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.ok(readFileSync(path.join(ctx.installed, f)).equals(readFileSync(path.join(ROOT, f))), `${f} is the repository's`);
  }
  const manifest = JSON.parse(readFileSync(path.join(ctx.installed, "package.json"), "utf8"));
  assert.equal(manifest.name, "session-guard");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.types, "./pkg/session_guard.d.ts");
  assert.deepEqual(manifest.exports["."], { types: "./pkg/session_guard.d.ts", default: "./pkg/session_guard.js" });
  assert.equal(manifest.exports["./session_guard_bg.wasm"], "./pkg/session_guard_bg.wasm");
  assert.ok(manifest.license && manifest.repository, "license and repository are set");
  assert.equal(manifest.dependencies, undefined, "no runtime dependencies");
  // What was installed is what was built.
  for (const f of ["session_guard.js", "session_guard_bg.wasm", "session_guard.d.ts"]) {
    assert.ok(
      readFileSync(path.join(ctx.installed, "pkg", f)).equals(readFileSync(path.join(ROOT, "pkg", f))),
      `pkg/${f} in the tarball matches the build`,
    );
  }
});

test("importing the package by name works in Node (server rendering imports it too)", () => {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import init, { SessionGuard, initSync } from "session-guard";
       console.log(JSON.stringify({ init: typeof init, SessionGuard: typeof SessionGuard, initSync: typeof initSync,
         wasm: import.meta.resolve("session-guard/session_guard_bg.wasm").endsWith("/pkg/session_guard_bg.wasm") }));`,
    ],
    { cwd: ctx.dir, encoding: "utf8" },
  );
  assert.deepEqual(JSON.parse(out), { init: "function", SessionGuard: "function", initSync: "function", wasm: true });
});

test("the README's esbuild app type-checks against the installed package", () => {
  put("src/main.ts", recipe("esbuild/main.ts"));
  put("src/main-file-loader.ts", recipe("esbuild/main-file-loader.ts"));
  put("src/wasm.d.ts", recipe("esbuild/wasm.d.ts"));
  const project = put(
    "tsconfig.json",
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          lib: ["es2022", "dom", "esnext.disposable"],
          skipLibCheck: false,
          types: [],
        },
        include: ["src"],
      },
      null,
      2,
    ),
  );
  const result = tsc(project);
  assert.deepEqual(result.diagnostics, [], result.output);
  assert.equal(result.status, 0, result.output);
});

/** The README's esbuild recipe, bundled into site/assets/ with the .wasm copied next to it. */
let copied;
function copyBundle() {
  copied ??= (async () => {
    put("src/main.ts", recipe("esbuild/main.ts"));
    await bundle("src/main.ts", "site/assets");
    // README: copy the .wasm next to the bundle, where the glue's
    // new URL("session_guard_bg.wasm", import.meta.url) looks for it.
    copyFileSync(
      path.join(ctx.installed, "pkg", "session_guard_bg.wasm"),
      path.join(ctx.dir, "site/assets/session_guard_bg.wasm"),
    );
    return "/site/assets/main.js";
  })();
  return copied;
}

test("esbuild, .wasm copied next to the bundle: runs to a warning and an idle sign-out", TIMEOUT, async () => {
  // The page sits in another folder than the bundle.
  put("site/app/index.html", pageLoading(await copyBundle()));
  const requests = await runToSignOut("/site/app/index.html", { warns: true });
  assert.ok(requests.some((r) => r.path === "/site/assets/session_guard_bg.wasm"));
});

test("esbuild, file loader for .wasm: runs to an idle sign-out", TIMEOUT, async () => {
  put("src/main-file-loader.ts", recipe("esbuild/main-file-loader.ts"));
  await bundle("src/main-file-loader.ts", "site/hashed", { ".wasm": "file" });
  const emitted = readdirSync(path.join(ctx.dir, "site/hashed"));
  const wasm = emitted.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `one hashed .wasm emitted: ${emitted}`);
  assert.match(wasm[0], /^session_guard_bg-[A-Z0-9]+\.wasm$/);
  put("site/page/index.html", pageLoading("/site/hashed/main-file-loader.js"));
  const requests = await runToSignOut("/site/page/index.html", { warns: false });
  assert.ok(requests.some((r) => r.path === `/site/hashed/${wasm[0]}`), "the hashed file was fetched");
});

test("the README's start() app: runs to a warning and an idle sign-out", TIMEOUT, async () => {
  await startBundle();
  put("site/start/index.html", pageLoading("/site/start-assets/start.js"));
  const requests = await runToSignOut("/site/start/index.html", { warns: true });
  assert.ok(requests.some((r) => r.path === "/site/start-assets/session_guard_bg.wasm"));
});

test("the README's start() app fails closed: a .wasm that does not load signs out with reason \"error\"", TIMEOUT, async () => {
  await startBundle();
  put("site/start/index.html", pageLoading("/site/start-assets/start.js"));
  const context = await ctx.browser.newContext();
  try {
    await context.route("**/*.wasm", (route) => route.fulfill({ status: 404, body: "not found" }));
    const page = await context.newPage();
    const errors = [];
    page.on("console", (msg) => {
      if (msg.type() === "error" && !/^Failed to load resource/.test(msg.text())) errors.push(msg.text());
    });
    await page.goto(ctx.server.url + "/site/start/index.html");
    await page.waitForURL((url) => url.pathname === "/signed-out" && url.searchParams.get("reason") === "error");
    assert.equal(errors.length, 1, `the error went to console.error once: ${JSON.stringify(errors)}`);
    assert.match(errors[0], /404|Wasm|WebAssembly/i);
  } finally {
    await context.close().catch(() => {});
  }
});

/** The README's start() recipe, bundled into site/start-assets/ with the .wasm copied next to it. */
let started;
function startBundle() {
  started ??= (async () => {
    put("src/start.ts", recipe("start/main.ts"));
    await bundle("src/start.ts", "site/start-assets");
    copyFileSync(
      path.join(ctx.installed, "pkg", "session_guard_bg.wasm"),
      path.join(ctx.dir, "site/start-assets/session_guard_bg.wasm"),
    );
  })();
  return started;
}

test("the README's plain page, with the files copied from the package, runs to a warning and an idle sign-out", TIMEOUT, async () => {
  // README: copy session_guard.js and session_guard_bg.wasm side by side into /vendor/session-guard/.
  mkdirSync(path.join(ctx.dir, "vendor/session-guard"), { recursive: true });
  for (const f of ["session_guard.js", "session_guard_bg.wasm"]) {
    copyFileSync(path.join(ctx.installed, "pkg", f), path.join(ctx.dir, "vendor/session-guard", f));
  }
  put("index.html", recipe("plain-page.html"));
  const requests = await runToSignOut("/index.html", { warns: true });
  assert.ok(requests.some((r) => r.path === "/vendor/session-guard/session_guard_bg.wasm"));
});

test("Content-Security-Policy: the README's policy lets the guard start; one without 'wasm-unsafe-eval' does not", TIMEOUT, async () => {
  const script = await copyBundle();
  const start = async (csp) => {
    put("site/csp/index.html", pageLoading(script, { csp }));
    const context = await ctx.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (err) => errors.push(String(err?.message ?? err)));
      await page.goto(ctx.server.url + "/site/csp/index.html");
      const stored = () => page.evaluate(() => localStorage.getItem("session-guard") !== null);
      await waitUntil(async () => (await stored()) || errors.length > 0, {
        message: "the guard to start or the page to fail",
      });
      const started = await stored();
      return { started, errors };
    } finally {
      await context.close().catch(() => {});
    }
  };

  const allowed = await start("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
  assert.deepEqual(allowed, { started: true, errors: [] });

  const blocked = await start("default-src 'self'; script-src 'self'");
  assert.equal(blocked.started, false);
  assert.equal(blocked.errors.length, 1, JSON.stringify(blocked.errors));
  assert.match(blocked.errors[0], /WebAssembly|Wasm|wasm-unsafe-eval/i);
});
