// `npm run bench`: session-guard side by side with idle-timeout and
// react-idle-timer, in one headless run of the system Chromium.
//
//   bash scripts/setup.sh && bash scripts/build.sh && node bench/run.mjs
//
// Prints a Markdown report on stdout (progress goes to stderr) and writes
// bench/results.json with every raw sample. bench/README.md explains what is
// measured and why each peer is configured the way it is.
//
// Sections:
//   1. per-event cost of a dispatched pointermove (ns/event, interleaved rounds)
//   2. work per event: timers, localStorage.setItem, BroadcastChannel.postMessage
//      per 10,000 events, and per second under constant real-time activity
//   3. cold start: module import to a running guard, HTTP cache warm
//   4. transfer size: gzip -9 and brotli (quality 11)
//   5. cross-tab sign-out latency with 2 and 10 tabs

import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import { LAUNCH_ARGS, findBrowser } from "../scripts/browser.mjs";
import { startServer } from "../scripts/serve.mjs";
import { DEFAULT_EVENTS } from "../tests/e2e/helpers.mjs";

const require = createRequire(import.meta.url);
const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, "..");
const OUT = path.join(BENCH, "out");
// The build under test, copied from pkg/ right after `npm run build`: the pages
// load it from here, so a rebuild of pkg/ while the bench runs changes nothing.
const PKG = path.join(OUT, "pkg");

// ---------------------------------------------------------------- settings

const EVENTS = 100_000; // events per timed run (section 1)
const WARMUP_EVENTS = 20_000; // per page, twice, before the timed rounds
const ROUNDS = 7; // timed runs per variant, interleaved across variants
const COUNT_EVENTS = 100_000; // events under the counters (section 2), reported per 10,000
const ACTIVITY_MS = 5_000; // constant activity: real time...
const ACTIVITY_EVERY_MS = 10; // ...one event every this many ms
const COLD_WARMUP_LOADS = 2; // per variant, not counted: fill the HTTP cache
const COLD_LOADS = 21; // counted fresh page loads per variant
const XTAB_TRIALS = 50; // sign-out trials per tab count
const XTAB_TABS = [2, 10];
const XTAB_SETTLE_MS = 30; // real time between arming the guards and the sign-out
const XTAB_TIMEOUT_MS = 3_000; // a receiver not signed out by then counts as missed

// Section 1 and 2 variants. Each gets its own fresh page in its own browser
// context (so storage and BroadcastChannels are not shared between variants).
// `type` is the event type dispatched on document; `source` is "fresh" (a
// `new PointerEvent(type)` per dispatch, always at the same position) or "pool"
// (pre-built events at ever-changing positions: a moving pointer); see
// bench/page.mjs. Overheads are taken over the baselines of the same source
// (FLOORS: one empty listener; NONES: no listener).
// react-idle-timer is given the event types session-guard listens to by
// default (its own default list has no pointer events at all).
const RIT_EVENTS = { events: [...DEFAULT_EVENTS] };
const VARIANTS = [
  { id: "none", label: "no listener", kind: "none", type: "pointermove", source: "fresh" },
  { id: "empty", label: "one empty passive listener (floor)", kind: "empty", type: "pointermove", source: "fresh" },
  { id: "react", label: "React 18 app, no idle timer (control)", kind: "react-only", type: "pointermove", source: "fresh" },
  { id: "sg", label: "session-guard, crossTab: true (default)", kind: "session-guard", type: "pointermove", source: "fresh", options: {} },
  { id: "sg-local", label: "session-guard, crossTab: false", kind: "session-guard", type: "pointermove", source: "fresh", options: { crossTab: false } },
  { id: "rit", label: "react-idle-timer, eventsThrottle: 200 (default)", kind: "react-idle-timer", type: "pointermove", source: "fresh", options: RIT_EVENTS },
  { id: "rit-0", label: "react-idle-timer, eventsThrottle: 0", kind: "react-idle-timer", type: "pointermove", source: "fresh", options: { ...RIT_EVENTS, eventsThrottle: 0 } },
  {
    id: "rit-x",
    label: "react-idle-timer, crossTab: true, syncTimers: 1000",
    kind: "react-idle-timer",
    type: "pointermove",
    source: "fresh",
    options: { ...RIT_EVENTS, crossTab: true, syncTimers: 1000 },
  },
  { id: "it-still", label: "idle-timeout, mousemove¹ at an unchanged position", kind: "idle-timeout", type: "mousemove", source: "fresh", options: {} },
  // A moving pointer (pre-built events), with its own baselines.
  { id: "none-pool", label: "no listener, moving²", kind: "none", type: "pointermove", source: "pool" },
  { id: "empty-pool", label: "one empty passive listener (floor), moving²", kind: "empty", type: "pointermove", source: "pool" },
  { id: "sg-pool", label: "session-guard, crossTab: true, moving²", kind: "session-guard", type: "pointermove", source: "pool", options: {} },
  { id: "it", label: "idle-timeout, mousemove¹, moving²", kind: "idle-timeout", type: "mousemove", source: "pool", options: {} },
];
// BENCH_BASELINE=<folder with session_guard.js and session_guard_bg.wasm>: an
// earlier build of session-guard measured in the same run, as one more variant
// (a change's before and after on the same machine at the same moment).
const BASELINE = process.env.BENCH_BASELINE;
if (BASELINE) {
  const sg = VARIANTS.findIndex((v) => v.id === "sg");
  VARIANTS.splice(sg + 1, 0, {
    ...VARIANTS[sg],
    id: "sg-base",
    label: "session-guard, crossTab: true, the BENCH_BASELINE build",
    options: { pkg: "pkg-base" },
  });
}
const FLOORS = { fresh: "empty", pool: "empty-pool" };
const NONES = { fresh: "none", pool: "none-pool" };
const BASELINES = ["none", "empty", "none-pool", "empty-pool"];
// The ratios printed: session-guard's overhead over each peer's (same source).
const RATIOS = [
  ...(BASELINE ? [["sg", "sg-base"]] : []),
  ["sg", "rit"],
  ["sg", "rit-0"],
  ["sg", "rit-x"],
  ["sg-pool", "it"],
  ["sg-local", "rit"],
  ["sg-local", "rit-0"],
];
// Section 2: the watchers under the counters, and under constant real-time activity.
const WITH_BASE = BASELINE ? ["sg-base"] : [];
const COUNTED = ["react", "sg", ...WITH_BASE, "sg-local", "rit", "rit-0", "rit-x", "it-still", "it"];
const ACTIVE = ["sg", ...WITH_BASE, "sg-local", "rit", "rit-0", "rit-x", "it"];
const byId = (id) => VARIANTS.find((v) => v.id === id);

// ---------------------------------------------------------------- helpers

const log = (...args) => console.error("bench:", ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/** Quantile with linear interpolation, q in [0, 1]. */
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function summary(values) {
  return {
    n: values.length,
    median: quantile(values, 0.5),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    p95: quantile(values, 0.95),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const range = (s, digits = 1) => `${fmt(s.min, digits)}–${fmt(s.max, digits)}`;
const bytes = (n) => n.toLocaleString("en-US");

/** Markdown table from a header row and rows of cells. */
function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

async function openPage(context, url) {
  const page = await context.newPage();
  page.errorsSeen = [];
  page.on("pageerror", (err) => page.errorsSeen.push(String(err?.message ?? err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") page.errorsSeen.push(msg.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => window.bench !== undefined);
  return page;
}

// ---------------------------------------------------------------- bundles

/** Copies the built package (pkg/) to bench/out/pkg/. */
function snapshotPackage(from = path.join(ROOT, "pkg"), to = PKG) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of ["session_guard.js", "session_guard_bg.wasm", "snippets"]) {
    if (existsSync(path.join(from, f))) cpSync(path.join(from, f), path.join(to, f), { recursive: true });
    else if (f !== "snippets") throw new Error(`${path.join(from, f)} is missing: run npm run build first`);
  }
}

/** Bundles the peers with esbuild (production React, minified) into bench/out/. */
async function bundle() {
  const common = {
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2022",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
    absWorkingDir: ROOT,
  };
  await build({
    ...common,
    entryPoints: {
      "react-app": path.join(BENCH, "entries/react-app.jsx"),
      "react-only": path.join(BENCH, "entries/react-only.jsx"),
      "idle-timeout": path.join(BENCH, "entries/idle-timeout.mjs"),
    },
    outdir: OUT,
  });
  // Size context only: react-idle-timer alone (React left out) and the
  // session-guard glue as a user's bundler would minify it.
  await build({
    ...common,
    stdin: { contents: 'export { useIdleTimer } from "react-idle-timer";', resolveDir: ROOT, loader: "js" },
    external: ["react", "react-dom", "react/jsx-runtime"],
    outfile: path.join(OUT, "react-idle-timer-only.js"),
  });
  await build({
    ...common,
    bundle: false,
    entryPoints: [path.join(PKG, "session_guard.js")],
    outfile: path.join(OUT, "session_guard.min.js"),
  });
}

// ---------------------------------------------------------------- 1. per-event cost

async function perEventCost(browser, url) {
  log(`per-event cost: ${VARIANTS.length} variants × ${ROUNDS} rounds × ${EVENTS} events`);
  const pages = [];
  for (const v of VARIANTS) {
    const context = await browser.newContext();
    const page = await openPage(context, `${url}/bench/page.html`);
    const info = await page.evaluate(([kind, options]) => window.bench.setup(kind, options), [v.kind, v.options ?? {}]);
    pages.push({ v, context, page, info });
  }
  // Warm-up: let V8 optimise the loop and every handler in every page.
  for (const { v, page } of pages) {
    for (let i = 0; i < 2; i++) await page.evaluate(([n, t, s]) => window.bench.loop(n, t, s), [WARMUP_EVENTS, v.type, v.source]);
  }
  // Interleaved rounds: each round runs every variant once, the order rotated
  // each round, so drift (thermal, other load) spreads over all variants.
  const samples = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < pages.length; i++) {
      const { v, page } = pages[(i + r) % pages.length];
      const ms = await page.evaluate(([n, t, s]) => window.bench.loop(n, t, s), [EVENTS, v.type, v.source]);
      samples[v.id][r] = (ms * 1e6) / EVENTS;
    }
  }
  const errors = {};
  for (const { v, page } of pages) {
    const e = [...page.errorsSeen, ...(await page.evaluate(() => window.bench.errors()))];
    if (e.length) errors[v.id] = e;
  }
  const visibility = [...new Set(pages.map((p) => `${p.info.visibilityState}${p.info.hasFocus ? "+focus" : ""}`))];
  for (const { context } of pages) await context.close();

  // Overhead above the floor of the same event source, paired per round
  // (variant_r − floor_r) so that a slow round affects both sides of the
  // difference; and above no listener at all (which shows the floor itself).
  const results = VARIANTS.map((v) => {
    const ns = samples[v.id];
    const floor = samples[FLOORS[v.source]];
    const none = samples[NONES[v.source]];
    return {
      id: v.id,
      label: v.label,
      kind: v.kind,
      type: v.type,
      source: v.source,
      options: v.options ?? null,
      nsPerEvent: ns,
      stats: summary(ns),
      overFloor: summary(ns.map((x, r) => x - floor[r])),
      overNone: summary(ns.map((x, r) => x - none[r])),
    };
  });
  const get = (id) => results.find((r) => r.id === id);
  // Ratios of overheads: of the medians (the headline), and of the minima
  // (each variant's least disturbed run minus the floor's), which holds up
  // better when other work on the machine disturbs some runs.
  const ratio = (num, den) => (den > 0 ? num / den : null);
  const minOver = (id) => get(id).stats.min - get(FLOORS[get(id).source]).stats.min;
  const ratios = RATIOS.map(([a, b]) => ({
    a,
    b,
    ratio: ratio(get(a).overFloor.median, get(b).overFloor.median),
    ratioOfMinima: ratio(minOver(a), minOver(b)),
  }));
  return { events: EVENTS, rounds: ROUNDS, warmupEvents: WARMUP_EVENTS, visibility, errors, results, ratios };
}

// ---------------------------------------------------------------- 2. work per event

async function workPerEvent(browser, url) {
  log(`work per event: ${COUNT_EVENTS} counted events per variant, then ${ACTIVITY_MS} ms of real-time activity`);
  const instrument = path.join(BENCH, "instrument.js");
  const pages = [];
  for (const v of VARIANTS.filter((x) => COUNTED.includes(x.id))) {
    const context = await browser.newContext();
    await context.addInitScript({ path: instrument });
    const page = await openPage(context, `${url}/bench/page.html`);
    await page.evaluate(([kind, options]) => window.bench.setup(kind, options), [v.kind, v.options ?? {}]);
    pages.push({ v, context, page });
  }
  const perTenThousand = {};
  for (const { v, page } of pages) {
    await page.evaluate(([n, t, s]) => window.bench.loop(n, t, s), [WARMUP_EVENTS, v.type, v.source]); // uncounted
    const { ms, counts } = await page.evaluate(([n, t, s]) => window.bench.counted(n, t, s), [COUNT_EVENTS, v.type, v.source]);
    perTenThousand[v.id] = {
      windowMs: ms,
      counts,
      per10k: Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, (c * 10_000) / COUNT_EVENTS])),
    };
  }
  // Constant activity in real time, all peers at once (each in its own page;
  // an event every 10 ms is light work even on 2 cores).
  const activity = {};
  await Promise.all(
    pages
      .filter(({ v }) => ACTIVE.includes(v.id))
      .map(async ({ v, page }) => {
        const r = await page.evaluate(([d, e, t]) => window.bench.activity(d, e, t), [ACTIVITY_MS, ACTIVITY_EVERY_MS, v.type]);
        const s = r.elapsed / 1000;
        activity[v.id] = {
          ...r,
          perSecond: {
            events: r.events / s,
            timers: (r.counts.setTimeout + r.counts.setInterval) / s,
            clearTimeout: r.counts.clearTimeout / s,
            setItem: r.counts.setItem / s,
            postMessage: r.counts.postMessage / s,
          },
        };
      }),
  );
  for (const { context } of pages) await context.close();
  return { countEvents: COUNT_EVENTS, perTenThousand, activity: { durationMs: ACTIVITY_MS, everyMs: ACTIVITY_EVERY_MS, results: activity } };
}

// ---------------------------------------------------------------- 3. cold start

async function coldStart(browser, server) {
  // Each variant: the page and its ?v=. "session-guard+preload" is the same
  // guard in a page whose <head> has the preload hints of the README.
  const PAGES = {
    "session-guard": "cold.html?v=session-guard",
    "session-guard+preload": "cold-preload.html?v=session-guard",
    "react-idle-timer": "cold.html?v=react-idle-timer",
    "idle-timeout": "cold.html?v=idle-timeout",
    // BENCH_BASELINE: the earlier build, loaded and timed the same way.
    ...(BASELINE ? { "session-guard-base": "cold.html?v=session-guard-base" } : {}),
  };
  const variants = Object.keys(PAGES);
  log(`cold start: ${COLD_WARMUP_LOADS} warm-up + ${COLD_LOADS} counted loads per variant`);
  // One context = one HTTP cache, shared by every page load below.
  const context = await browser.newContext();
  const load = async (v) => {
    const page = await context.newPage();
    await page.goto(`${server.url}/bench/${PAGES[v]}`);
    const handle = await page.waitForFunction(() => window.result ?? window.error);
    const value = await handle.jsonValue();
    await page.close();
    if (typeof value === "string") throw new Error(`cold start of ${v} failed: ${value}`);
    return value;
  };
  for (let i = 0; i < COLD_WARMUP_LOADS; i++) for (const v of variants) await load(v);

  const watched = ["/bench/out/pkg/session_guard.js", "/bench/out/pkg/session_guard_bg.wasm", "/bench/out/react-app.js", "/bench/out/idle-timeout.js"];
  if (BASELINE) watched.push("/bench/out/pkg-base/session_guard.js", "/bench/out/pkg-base/session_guard_bg.wasm");
  const before = Object.fromEntries(watched.map((p) => [p, { ...(server.requests.get(p) ?? {}) }]));
  const samples = Object.fromEntries(variants.map((v) => [v, []]));
  for (let i = 0; i < COLD_LOADS; i++) {
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length];
      samples[v].push(await load(v));
    }
  }
  // Requests that reached the server while counting (0 = served from the HTTP cache).
  const requests = Object.fromEntries(
    watched.map((p) => {
      const now = server.requests.get(p) ?? {};
      const diff = {};
      for (const status of Object.keys(now)) diff[status] = now[status] - (before[p][status] ?? 0);
      return [p, Object.fromEntries(Object.entries(diff).filter(([, n]) => n > 0))];
    }),
  );
  await context.close();

  const results = Object.fromEntries(
    variants.map((v) => {
      const steps = Object.keys(samples[v][0].steps);
      return [
        v,
        {
          total: summary(samples[v].map((s) => s.total)),
          steps: Object.fromEntries(steps.map((k) => [k, summary(samples[v].map((s) => s.steps[k]))])),
          samples: samples[v],
        },
      ];
    }),
  );
  return { warmupLoads: COLD_WARMUP_LOADS, loads: COLD_LOADS, requestsWhileCounting: requests, results };
}

// ---------------------------------------------------------------- 4. transfer size

/** The directory and package.json of an installed package (some export no ./package.json). */
function packageInfo(name) {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, "package.json")) || JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).name !== name) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the package.json of ${name}`);
    dir = up;
  }
  return { dir, json: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) };
}

function moduleFile(pkg) {
  const { dir, json } = packageInfo(pkg);
  const rel = json.exports?.["."]?.import ?? json.module;
  return path.join(dir, rel);
}

function sizes() {
  const measure = (file) => {
    const data = readFileSync(file);
    return {
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }).length,
    };
  };
  const sum = (parts) => ({
    raw: parts.reduce((a, p) => a + p.raw, 0),
    gzip: parts.reduce((a, p) => a + p.gzip, 0),
    brotli: parts.reduce((a, p) => a + p.brotli, 0),
  });
  const rel = (file) => path.relative(ROOT, file).split(path.sep).join("/");
  const wasm = measure(path.join(PKG, "session_guard_bg.wasm"));
  const glue = measure(path.join(PKG, "session_guard.js"));
  const glueMin = measure(path.join(OUT, "session_guard.min.js"));
  const ritFile = moduleFile("react-idle-timer");
  const itFile = moduleFile("idle-timeout");
  return [
    { id: "sg-wasm", label: "session-guard: pkg/session_guard_bg.wasm", ...wasm },
    { id: "sg-js", label: "session-guard: pkg/session_guard.js", ...glue },
    { id: "sg", label: "**session-guard: wasm + js (as shipped)**", ...sum([wasm, glue]) },
    { id: "sg-min", label: "session-guard: wasm + js minified by esbuild", ...sum([wasm, glueMin]) },
    { id: "rit", label: `**react-idle-timer 5.7.3: ${rel(ritFile)} (as shipped)**`, ...measure(ritFile) },
    { id: "rit-only", label: "react-idle-timer 5.7.3: useIdleTimer bundled, React external", ...measure(path.join(OUT, "react-idle-timer-only.js")) },
    { id: "it", label: `**idle-timeout 2.5.0: ${rel(itFile)} (as shipped)**`, ...measure(itFile) },
    { id: "it-min", label: "idle-timeout 2.5.0: bundled, minified", ...measure(path.join(OUT, "idle-timeout.js")) },
    { id: "react-only", label: "context: minimal React 18 app (react + react-dom), no timer", ...measure(path.join(OUT, "react-only.js")) },
    { id: "react-app", label: "context: the same app + react-idle-timer (bench/out/react-app.js)", ...measure(path.join(OUT, "react-app.js")) },
  ];
}

// ---------------------------------------------------------------- 5. cross-tab sign-out

async function crossTab(browser, url) {
  const out = [];
  for (const tabs of XTAB_TABS) {
    log(`cross-tab sign-out: ${tabs} tabs × ${XTAB_TRIALS} trials`);
    const context = await browser.newContext(); // one context: shared storage and channels
    const pages = [];
    for (let i = 0; i < tabs; i++) pages.push(await openPage(context, `${url}/bench/page.html`));
    const worst = []; // per trial: until every other tab ran onSignOut
    const each = []; // every receiver of every trial
    const seen = new Set(); // visibility states observed
    let missed = 0;
    let notRemote = 0;
    for (let t = 0; t < XTAB_TRIALS; t++) {
      // A fresh storageKey per trial: every tab's guard joins one new session.
      const key = `bench-xtab-${tabs}-${t}`;
      for (const page of pages) {
        const info = await page.evaluate((k) => window.bench.arm(k), key);
        seen.add(`${info.visibilityState}${info.hasFocus ? "+focus" : ""}`);
      }
      await sleep(XTAB_SETTLE_MS);
      const sender = pages[t % tabs]; // the signing-out tab rotates
      const receivers = pages.filter((p) => p !== sender);
      const t0 = await sender.evaluate(() => window.bench.signOut());
      // The latency is computed from the tabs' own timestamps; polling from
      // here only decides when the trial is over.
      const got = new Map();
      const deadline = Date.now() + XTAB_TIMEOUT_MS;
      while (got.size < receivers.length && Date.now() < deadline) {
        for (const p of receivers) {
          if (got.has(p)) continue;
          const s = await p.evaluate(() => window.bench.signedOut());
          if (s) got.set(p, s);
        }
        if (got.size < receivers.length) await sleep(5);
      }
      missed += receivers.length - got.size;
      const latencies = [...got.values()].map((s) => {
        if (!s.remote) notRemote++;
        return s.at - t0;
      });
      each.push(...latencies);
      if (got.size === receivers.length) worst.push(Math.max(...latencies));
    }
    const errors = [];
    for (const p of pages) errors.push(...p.errorsSeen, ...(await p.evaluate(() => window.bench.errors())));
    await context.close();
    out.push({
      tabs,
      trials: XTAB_TRIALS,
      allOthers: summary(worst),
      eachReceiver: summary(each),
      missedReceivers: missed,
      notRemote,
      visibility: [...seen],
      errors: [...new Set(errors)],
      samples: worst,
    });
  }
  return out;
}

// ---------------------------------------------------------------- report

function machine(browserVersion) {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()'s model
  }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    chromium: browserVersion,
    node: process.version,
    loadAvgAtStart: os.loadavg()[0],
  };
}

function report(r) {
  const out = [];
  const p = (...lines) => out.push(...lines);
  const ver = (name) => packageInfo(name).json.version;
  const sgVersion = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;

  p("# session-guard benchmark", "");
  p(`Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}; Chromium ${r.machine.chromium} (headless); Node ${r.machine.node}.`);
  p(
    `Load average (1 min) at start / end: ${fmt(r.machine.loadAvgAtStart, 2)} / ${fmt(r.loadAvgAtEnd, 2)}` +
      (Math.max(r.machine.loadAvgAtStart, r.loadAvgAtEnd) > r.machine.cores / 2 ? " — other work was running on this machine, so expect inflated times and wide spreads." : "."),
  );
  p(
    `Packages: session-guard ${sgVersion} (this build, release), idle-timeout ${ver("idle-timeout")}, react-idle-timer ${ver("react-idle-timer")}, react ${ver("react")} + react-dom ${ver("react-dom")} (production builds, bundled by esbuild ${ver("esbuild")}).`,
    "",
  );

  // 1
  const pe = r.perEvent;
  p(`## 1. Per-event cost: synthetic pointermove dispatched on document`, "");
  p(
    `${pe.events.toLocaleString("en-US")} events per run, ${pe.rounds} interleaved rounds (order rotated each round), each variant alone in a fresh page in its own browser context, after ${(2 * pe.warmupEvents).toLocaleString("en-US")} warm-up events. ` +
      `"Over floor" = variant − the empty listener of the same event source, paired per round; "over none" = variant − no listener (same source). Pages were ${pe.visibility.join(", ")}.`,
    "",
  );
  const isBaseline = (x) => BASELINES.includes(x.id);
  p(
    table(
      ["variant", "median ns/event", "min–max", "IQR", "over floor, median", "over floor, min–max", "over none, median"],
      pe.results.map((x) => [
        x.label,
        fmt(x.stats.median),
        range(x.stats),
        `${fmt(x.stats.q1)}–${fmt(x.stats.q3)}`,
        isBaseline(x) || x.id === "react" ? "—" : fmt(x.overFloor.median),
        isBaseline(x) || x.id === "react" ? "—" : range(x.overFloor),
        x.id === NONES[x.source] ? "—" : fmt(x.overNone.median),
      ]),
    ),
    "",
  );
  p(
    table(
      ["session-guard overhead ÷ peer overhead (both over floor)", "ratio of medians", "ratio of minima"],
      pe.ratios.map(({ a, b, ratio, ratioOfMinima }) => [
        `${byId(a).label} ÷ ${byId(b).label}`,
        ...[ratio, ratioOfMinima].map((x) => (x === null ? "n/a (peer not above floor)" : `${fmt(x, 2)}×`)),
      ]),
    ),
    "",
  );
  p(
    "Ratio of minima: (fastest run of each − fastest run of its floor), less sensitive to runs slowed by other work on the machine. " +
      "Events: every row but the moving² ones dispatches a `new PointerEvent(type)` built in the loop (no init dictionary: with one, Chromium's constructor alone costs several µs and drowns the listeners), so every event is at the same position. " +
      "² moving: 1,024 events at distinct positions, built before the clock starts and dispatched round-robin, compared with their own empty-listener floor.",
    "",
    "¹ idle-timeout 2.5.0 listens to a fixed list with no pointer events (mousemove, mousedown, keydown, wheel, touch…), so a pointermove costs it nothing: its rows dispatch `mousemove` instead (same `PointerEvent` constructor), with `element: document` (its default, `document.body`, never sees an event dispatched on document). It ignores a mousemove whose position did not change, so only the moving row shows its real per-move work (clearTimeout + setTimeout + `new Date()`).",
    "",
    "react-idle-timer 5.7.3 is given `events` = session-guard's default list (its own default list has no pointer events). With its default `eventsThrottle: 200` the handler runs at most once per 200 ms and every other event costs a `new Date()`; `eventsThrottle: 0` runs the handler for every event (clearTimeout + setTimeout). It runs in a minimal React 18 app; React itself listens on the app's root element, not on document, so the React control row costs nothing over no listener here, but real events on elements inside a React root also pass React's root listeners, whichever idle timer is used. Neither peer checks `isTrusted`; session-guard runs with `allowSyntheticEvents: true`. All timeouts are 15 minutes.",
  );
  if (Object.keys(pe.errors).length) p("", `Page errors: ${JSON.stringify(pe.errors)}`);
  p("");

  // 2
  const w = r.work;
  p(`## 2. Work per event`, "");
  p(
    `Calls made while ${w.countEvents.toLocaleString("en-US")} events were dispatched in a tight loop (same event sources as above, in another set of fresh pages whose setTimeout, setInterval, clearTimeout, Storage.prototype.setItem and BroadcastChannel.prototype.postMessage are wrapped with counters by an init script), per 10,000 events:`,
    "",
  );
  p(
    table(
      ["variant", "setTimeout + setInterval", "clearTimeout", "localStorage.setItem", "BroadcastChannel.postMessage", "loop ms"],
      COUNTED.map((id) => {
        const x = w.perTenThousand[id];
        return [byId(id).label, fmt(x.per10k.setTimeout + x.per10k.setInterval), fmt(x.per10k.clearTimeout), fmt(x.per10k.setItem), fmt(x.per10k.postMessage), fmt(x.windowMs, 0)];
      }),
    ),
    "",
  );
  const a = w.activity;
  p(
    `Constant activity in real time: one event (at a new position each time) every ${a.everyMs} ms for ${a.durationMs / 1000} s, all variants at once, each in its own page; calls per second:`,
    "",
  );
  p(
    table(
      ["variant", "events/s", "timers/s", "clearTimeout/s", "setItem/s", "postMessage/s"],
      ACTIVE.map((id) => {
        const x = a.results[id].perSecond;
        return [byId(id).label.replace(", moving²", ""), fmt(x.events, 0), fmt(x.timers, 2), fmt(x.clearTimeout, 2), fmt(x.setItem, 2), fmt(x.postMessage, 2)];
      }),
    ),
    "",
  );

  // 3
  const c = r.cold;
  p(`## 3. Cold start: module import → running guard (HTTP cache warm)`, "");
  p(
    `Median of ${c.loads} fresh page loads per variant (a new tab each, interleaved) after ${c.warmupLoads} uncounted warm-up loads, all in one browser context; files served with \`Cache-Control: max-age=3600\` + ETag by scripts/serve.mjs (\`cache: true\`). Requests that still reached the server while counting: ${Object.entries(
      c.requestsWhileCounting,
    )
      .map(([k, v]) => `${k} ${Object.keys(v).length ? JSON.stringify(v) : "none"}`)
      .join("; ")}.`,
    "",
  );
  const stepText = (s) =>
    Object.entries(s)
      .map(([k, v]) => `${k} ${fmt(v.median, 2)}`)
      .join(" + ");
  p(
    table(
      ["variant", "what is timed", "median ms", "min–max", "IQR", "median steps (ms)"],
      [
        ["session-guard", "import JS + fetch, compile and instantiate the wasm (init()) + new SessionGuard", c.results["session-guard"]],
        ...(c.results["session-guard-base"] ? [["session-guard, the BENCH_BASELINE build", "the same, the earlier build", c.results["session-guard-base"]]] : []),
        ["session-guard, preload hints", "the same, in a page whose <head> preloads both files (README, \"Loading faster\")", c.results["session-guard+preload"]],
        ["react-idle-timer 5.7.3", "import bundled React app + createRoot().render() until its first effect ran", c.results["react-idle-timer"]],
        ["idle-timeout 2.5.0", "import bundle + idleTimeout()", c.results["idle-timeout"]],
      ].map(([name, what, x]) => [name, what, fmt(x.total.median, 2), range(x.total, 2), `${fmt(x.total.q1, 2)}–${fmt(x.total.q3, 2)}`, stepText(x.steps)]),
    ),
    "",
  );
  p("performance.now() is coarsened to 0.1 ms in pages that are not cross-origin isolated. The react-idle-timer time includes React itself (it cannot run without it).", "");

  // 4
  p(`## 4. Transfer size`, "");
  p(table(["artifact", "raw B", "gzip -9 B", "brotli q11 B"], r.sizes.map((x) => [x.label, bytes(x.raw), bytes(x.gzip), bytes(x.brotli)])), "");
  p("Shipped files are the packages' ESM entry (`exports[\".\"].import`). react-idle-timer's is already minified; idle-timeout's is not (hence its minified bundle row). Sums of per-file compression, as a server compresses each response.", "");

  // 5
  p(`## 5. Cross-tab sign-out latency (session-guard)`, "");
  p(
    "`guard.signOut()` in one tab until `onSignOut` ran in every other tab of the same browser context and storageKey; instants are `performance.timeOrigin + performance.now()` in each tab. The signing-out tab rotates; a fresh storageKey per trial.",
    "",
  );
  p(
    table(
      ["tabs", "trials", "median ms (all others)", "p95 ms", "worst ms", "median ms (each receiver)", "missed", "pages were"],
      r.crossTab.map((x) => [
        x.tabs,
        x.trials,
        fmt(x.allOthers.median, 2),
        fmt(x.allOthers.p95, 2),
        fmt(x.allOthers.max, 2),
        fmt(x.eachReceiver.median, 2),
        x.missedReceivers + (x.notRemote ? ` (${x.notRemote} not remote)` : ""),
        x.visibility.join(", "),
      ]),
    ),
    "",
  );
  const states = [...new Set(r.crossTab.flatMap((x) => x.visibility))];
  p(
    `Observed: every tab reported ${states.map((x) => `\`${x}\``).join(" or ")} (visibilityState, +focus when document.hasFocus()) in every trial: headless Chromium shows each Playwright page in its own window, so no tab here was hidden or a throttled background tab. ` +
      "In a desktop browser the other tabs are hidden; Chromium throttles their timers (to once a second, or once a minute after 5 minutes hidden) but not the delivery of a BroadcastChannel message, so a sign-out that arrives by message should not wait for a throttled timer; this run does not measure hidden tabs.",
  );
  const xerr = r.crossTab.flatMap((x) => x.errors);
  if (xerr.length) p("", `Page errors: ${JSON.stringify([...new Set(xerr)])}`);
  p("", `Total bench time: ${fmt(r.seconds, 0)} s. Raw samples: bench/results.json.`);
  return out.join("\n");
}

// ---------------------------------------------------------------- main

/** Medians only, for BENCH_ONLY: every stats object becomes its median. */
function brief(value) {
  if (Array.isArray(value)) return value.map(brief);
  if (value && typeof value === "object") {
    if ("median" in value && "q1" in value) return Math.round(value.median * 100) / 100;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => !Array.isArray(v) || v.length < 20).map(([k, v]) => [k, brief(v)]));
  }
  return value;
}

async function main() {
  const started = Date.now();
  snapshotPackage();
  if (BASELINE) snapshotPackage(path.resolve(BASELINE), path.join(OUT, "pkg-base"));
  log("bundling the peers with esbuild into bench/out/");
  await bundle();

  const { chromium } = require("playwright-core");
  const server = await startServer({ root: ROOT, cache: true });
  const browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: LAUNCH_ARGS });
  let results;
  try {
    const m = machine(browser.version());
    log(`${m.cpu}, ${m.cores} cores, Chromium ${m.chromium}`);
    const timed = async (name, fn) => {
      const t0 = Date.now();
      const value = await fn();
      log(`  ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return value;
    };
    // The timed sections, by the name BENCH_ONLY knows them by.
    const sections = {
      perEvent: ["per-event cost", () => perEventCost(browser, server.url)],
      work: ["work per event", () => workPerEvent(browser, server.url)],
      cold: ["cold start", () => coldStart(browser, server)],
      crossTab: ["cross-tab", () => crossTab(browser, server.url)],
    };
    const section = (name) => timed(...sections[name]);
    const only = process.env.BENCH_ONLY?.split(",").filter(Boolean);
    if (only?.length) {
      // A quick look at some sections while working: a summary on stdout,
      // bench/results.json and the README table untouched.
      const summary = { sizes: sizes().map(({ label, gzip }) => [label, gzip]) };
      for (const name of only) {
        if (!sections[name]) throw new Error(`BENCH_ONLY: unknown section ${name} (one of ${Object.keys(sections).join(", ")})`);
        summary[name] = brief(await section(name));
      }
      console.log(JSON.stringify(summary, null, 1));
      return;
    }
    const size = sizes();
    const perEvent = await section("perEvent");
    const work = await section("work");
    const cold = await section("cold");
    const xtab = await section("crossTab");
    results = {
      date: new Date().toISOString(),
      machine: m,
      perEvent,
      work,
      cold,
      sizes: size,
      crossTab: xtab,
      loadAvgAtEnd: os.loadavg()[0],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
  writeFileSync(path.join(BENCH, "results.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(report(results));
}

main().catch((err) => {
  console.error("bench: error:", err?.stack ?? err);
  process.exit(1);
});
