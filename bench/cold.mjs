// The page script of bench/cold.html and bench/cold-preload.html: the cold
// start of one guard, timed from the module import to a running guard.
// ?v=session-guard | session-guard-base | react-idle-timer | idle-timeout; the result lands in
// window.result = { total, steps: { name: ms, ... } } (or window.error).

const IDLE_MS = 15 * 60_000;
const v = new URLSearchParams(location.search).get("v");
const steps = {};
let last = performance.now();
const t0 = last;
const step = (name) => {
  const t = performance.now();
  steps[name] = t - last;
  last = t;
};
try {
  if (v === "session-guard" || v === "session-guard-base") {
    // pkg/, or pkg-base/: an earlier build (BENCH_BASELINE) in the same run.
    const dir = v === "session-guard" ? "pkg" : "pkg-base";
    const m = await import(`/bench/out/${dir}/session_guard.js`);
    step("import");
    // init() is fetch + compile + instantiate: timed apart here, the module
    // handed to init() as compiled.
    const bytes = await (await fetch(`/bench/out/${dir}/session_guard_bg.wasm`)).arrayBuffer();
    step("fetch");
    const module = await WebAssembly.compile(bytes);
    step("compile");
    await m.default({ module_or_path: module });
    step("instantiate");
    window.guard = new m.SessionGuard({ idleTimeoutMs: IDLE_MS, onSignOut() {} });
    step("construct");
  } else if (v === "react-idle-timer") {
    const m = await import("/bench/out/react-app.js");
    step("import");
    await m.mount({ timeout: IDLE_MS }); // render, commit, run the effects
    step("mount");
  } else if (v === "idle-timeout") {
    const m = await import("/bench/out/idle-timeout.js");
    step("import");
    window.timer = m.default(() => {}, { element: document, timeout: IDLE_MS });
    step("construct");
  } else {
    throw new Error(`unknown variant ${v}`);
  }
  window.result = { total: last - t0, steps };
} catch (err) {
  window.error = String(err?.stack ?? err);
}
  
