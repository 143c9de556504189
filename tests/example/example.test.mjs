// The Rust-only example (examples/countdown, built by scripts/build-example.sh)
// in headless Chromium with Playwright's fake clock: the time left, the
// warning, the real pointer on "Stay signed in", and the idle sign-out.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { LAUNCH_ARGS, findBrowser } from "../../scripts/browser.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { ROOT, T0, waitUntil } from "../e2e/harness.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const PAGE = "/examples/countdown/index.html";

let browser, server;
before(async () => {
  server = await startServer({ root: ROOT });
  browser = await chromium.launch({ executablePath: findBrowser(), headless: true, args: LAUNCH_ARGS });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  await context.clock.install({ time: T0 });
  await context.clock.pauseAt(T0);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(server.url + PAGE);
  const text = (id) => page.locator("#" + id).textContent();
  await waitUntil(async () => (await text("remaining")) === "1:00", { message: "the time left shown" });
  return { page, clock: context.clock, text, errors };
}

test("the example counts down, warns, keeps the session on a click, and signs out when idle", async (t) => {
  const { page, clock, text, errors } = await open(t);
  const warning = page.locator("#warning");
  assert.equal(await warning.isVisible(), false);

  await clock.runFor(41_000);
  await waitUntil(async () => (await text("remaining")) === "0:19", { message: "0:19 left" });
  await waitUntil(() => warning.isVisible(), { message: "the warning shown" });

  // The real pointer travels to the button: with confirmToStay the moves
  // do not close the warning, the click does.
  const box = await page.locator("#stay").boundingBox();
  await page.mouse.move(5, 5);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 15 });
  await clock.runFor(1_000);
  assert.equal(await warning.isVisible(), true, "moving the pointer closed the warning");
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await waitUntil(async () => !(await warning.isVisible()), { message: "the warning closed by the click" });
  await clock.runFor(1_000);
  assert.equal(await text("remaining"), "0:59", "the click did not restart the idle window");

  // Idle from here: the warning, then the end.
  await clock.runFor(61_000);
  await waitUntil(async () => (await text("remaining")) === "signed out", { message: "signed out" });
  assert.equal(await text("reason"), "idle");
  assert.equal(await warning.isVisible(), false);
  assert.deepEqual(errors, []);
});
