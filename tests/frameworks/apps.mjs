// The framework apps: where each one's files come from, how it is built
// (and built again with a stand-in that guards nothing, for the size), and
// how it is served. Every command runs on `node` (the Node the test
// installed from the npm registry), whose bin folder also leads PATH.

import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { binOf, freePort, ok, startProcess } from "./lib.mjs";

export const HERE = path.dirname(new URL(import.meta.url).pathname);
const RECIPES = path.join(HERE, "..", "recipes");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const QUIET = ["--no-audit", "--no-fund", "--prefer-offline"];

/**
 * name: the folder under tests/frameworks/; copy: [from tests/recipes/, to in
 * the app]; build/baseline: [package, bin, args] run in order (BASELINE=1
 * for the baseline); client/baselineClient: the built files the browser
 * loads (their JS and wasm are measured); serve(app, port): the server.
 */
export const ALL = [
  {
    name: "angular",
    binding: "session-guard/angular",
    copy: [["angular", "src/app"]],
    build: [["@angular/cli", "ng", ["build"]]],
    baseline: [["@angular/cli", "ng", ["build", "--configuration", "production,baseline"]]],
    client: "dist/browser",
    baselineClient: "dist-baseline/browser",
    serve: async (app) => startServer({ root: path.join(app.dir, "dist", "browser"), port: 0, host: "127.0.0.1" }),
  },
  {
    name: "next",
    binding: "session-guard/react",
    ssr: true,
    copy: [
      ["next", "app"],
      ["react/SessionWarning.tsx", "app/SessionWarning.tsx"],
    ],
    build: [["next", "next", ["build"]]],
    baseline: [["next", "next", ["build"]]],
    client: ".next/static",
    baselineClient: ".next-baseline/static",
    serve: (app, port) => app.spawn("next start", "next", "next", ["start", "-p", port, "-H", "127.0.0.1"], port),
    // next dev blocks its dev resources for other hosts than localhost (allowedDevOrigins).
    dev: { name: "next dev", start: (app, port) => app.spawn("next dev", "next", "next", ["dev", "-p", port], port, "localhost") },
  },
  {
    name: "nuxt",
    binding: "session-guard/vue",
    ssr: true,
    copy: [
      ["nuxt", "app"],
      ["vue/SessionWarning.vue", "app/components/SessionWarning.vue"],
    ],
    build: [["nuxt", "nuxt", ["build"]]],
    baseline: [["nuxt", "nuxt", ["build"]]],
    client: ".output/public",
    baselineClient: ".output-baseline/public",
    serve: (app, port) => app.spawnFile("nuxt server", ".output/server/index.mjs", [], port),
    dev: {
      name: "nuxt dev",
      start: (app, port) => app.spawn("nuxt dev", "nuxt", "nuxt", ["dev", "--port", port, "--host", "127.0.0.1"], port),
    },
  },
  {
    name: "sveltekit",
    binding: "session-guard/svelte",
    ssr: true,
    copy: [
      ["sveltekit", "src"],
      ["svelte/SessionWarning.svelte", "src/lib/SessionWarning.svelte"],
    ],
    build: [["vite", "vite", ["build"]]],
    baseline: [["vite", "vite", ["build"]]],
    client: "build/client",
    baselineClient: "build-baseline/client",
    serve: (app, port) => app.spawnFile("SvelteKit server (adapter-node)", "build/index.js", [], port),
  },
  {
    name: "react-router",
    binding: "session-guard/react",
    ssr: true,
    copy: [
      ["react-router", "app"],
      ["react/SessionWarning.tsx", "app/SessionWarning.tsx"],
    ],
    // The template's typecheck (route types, then tsc) checks the docs' files too.
    build: [
      ["@react-router/dev", "react-router", ["typegen"]],
      ["typescript", "tsc", []],
      ["@react-router/dev", "react-router", ["build"]],
    ],
    baseline: [["@react-router/dev", "react-router", ["build"]]],
    client: "build/client",
    baselineClient: "build-baseline/client",
    serve: (app, port) =>
      app.spawn("react-router-serve", "@react-router/serve", "react-router-serve", ["build/server/index.js"], port),
  },
];

/** The app's folder, the docs' files in it, angular.json with the docs' assets line. */
function lay(app, dir) {
  const from = path.join(HERE, app.name);
  cpSync(from, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
  for (const [src, dest] of app.copy) {
    cpSync(path.join(RECIPES, src), path.join(dir, dest), { recursive: true, dereference: true });
  }
  if (app.name === "angular") {
    const file = path.join(dir, "angular.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    const asset = JSON.parse(readFileSync(path.join(RECIPES, "angular", "assets.json"), "utf8"));
    config.projects.app.architect.build.options.assets.push(asset);
    writeFileSync(file, JSON.stringify(config, null, 2));
  }
}

/**
 * Copies, installs (npm ci from the app's lockfile, then the tarball),
 * builds (through `builds`, one build at a time), and measures. Returns the
 * app with `dir`, its timings, and `spawn`/`spawnFile` for its servers.
 */
export async function prepare(app, { root, tarball, node, builds }) {
  const dir = path.join(root, app.name);
  mkdirSync(dir, { recursive: true });
  lay(app, dir);
  const env = {
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
    NEXT_TELEMETRY_DISABLED: "1",
    NUXT_TELEMETRY_DISABLED: "1",
    NG_CLI_ANALYTICS: "false",
    CI: "1",
  };
  const t0 = Date.now();
  await ok(`npm ci (${app.name})`, NPM, ["ci", ...QUIET], { cwd: dir, env });
  await ok(`npm install <tarball> (${app.name})`, NPM, ["install", "--no-save", ...QUIET, tarball], { cwd: dir, env });
  const installMs = Date.now() - t0;
  const steps = async (list, extra = {}) => {
    for (const [pkg, bin, args] of list) {
      await ok(`${bin} ${args.join(" ")} (${app.name})`, node, [binOf(dir, pkg, bin), ...args], { cwd: dir, env: { ...env, ...extra } });
    }
  };
  let buildMs = 0;
  await builds(async () => {
    const t1 = Date.now();
    await steps(app.build);
    await steps(app.baseline, { BASELINE: "1" });
    buildMs = Date.now() - t1;
  });
  const spawnWith = (what, file, args, port, host = "127.0.0.1") =>
    startProcess(what, node, [file, ...args], {
      cwd: dir,
      env: { ...env, PORT: String(port), HOST: host },
      url: `http://${host}:${port}/`,
    }).then((server) => Object.assign(server, { url: `http://${host}:${port}` }));
  return {
    ...app,
    dir,
    installMs,
    buildMs,
    spawn: (what, pkg, bin, args, port, host) => spawnWith(what, binOf(dir, pkg, bin), args, port, host),
    spawnFile: (what, file, args, port) => spawnWith(what, path.join(dir, file), args, port),
  };
}

/** Starts the app's production server on a free port; resolves to { url, close }. */
export async function serve(app) {
  const server = await app.serve(app, await freePort());
  return { url: server.url, close: () => (server.close ?? server.stop)(), output: server.output ?? (() => "") };
}

/**
 * The Node for the apps: this one when it is new enough for all of them
 * (24.15 or later), else the pinned one (tests/frameworks/node, Linux x64 and
 * arm64) installed into `root`. Resolves to its binary.
 */
export async function installNode(root) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major > 24 || (major === 24 && minor >= 15)) return process.execPath;
  const dir = path.join(root, "node");
  mkdirSync(dir, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(path.join(HERE, "node", f), path.join(dir, f));
  await ok("npm ci (node)", NPM, ["ci", ...QUIET], { cwd: dir });
  const [pkg] = readdirSync(path.join(dir, "node_modules")).filter((f) => f.startsWith("node-"));
  if (!pkg) throw new Error(`no Node package for ${process.platform}-${process.arch} in tests/frameworks/node: run the test on Node 24.15 or later`);
  return path.join(dir, "node_modules", pkg, "bin", "node");
}
