// confirmToStay: while the warning is open, activity events (the pointer on
// its way to the dialog's button, a key press) do not close it; only touch()
// (the app's "Stay signed in") or signOut() does. Real pointer and keyboard
// input through Playwright, on the fake clock.

import { test } from "node:test";
import { MINUTE, SECOND, T0, assert, expectInspect, expectLog, logOf, makeGuard, run, settle, setup } from "./harness.mjs";

const h = setup();
const TIMEOUT = { timeout: 60_000 };
const OPTIONS = { idleTimeoutMs: MINUTE, maxDurationMs: 60 * MINUTE, warnBeforeMs: 10 * SECOND };

/** A warning dialog with the two buttons, wired to the latest guard. */
async function dialog(p) {
  await p.evaluate(() => {
    const box = document.createElement("div");
    box.style.cssText = "position:absolute;left:400px;top:300px;padding:20px;background:#eee";
    box.innerHTML = '<button id="stay">Stay signed in</button> <button id="leave">Sign out</button>';
    document.body.append(box);
    document.getElementById("stay").onclick = () => window.guard.touch();
    document.getElementById("leave").onclick = () => window.guard.signOut();
  });
}

async function center(p, id) {
  const b = await p.locator(`#${id}`).boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test("the real pointer reaches Stay signed in and clicking it keeps the session; the way there does not", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await p.mouse.move(10, 10);
  await makeGuard(p, { ...OPTIONS, confirmToStay: true });
  await dialog(p);
  await run(s, 52 * SECOND, { step: 1000 });
  await expectInspect(p, { state: "warning", expiresAt: T0 + MINUTE });
  const to = await center(p, "stay");
  await p.mouse.move(to.x, to.y, { steps: 25 });
  await p.keyboard.press("Shift");
  await run(s, 2 * SECOND, { step: 100 });
  await expectInspect(p, { state: "warning", expiresAt: T0 + MINUTE }, { message: "the pointer's way and a key press leave the warning open" });
  await p.mouse.click(to.x, to.y);
  await settle();
  const now = T0 + 54 * SECOND;
  await expectInspect(p, { state: "active", expiresAt: now + MINUTE }, { message: "Stay signed in keeps the session" });
  await run(s, 30 * SECOND, { step: 1000 });
  assert.deepEqual(await logOf(p, "onSignOut"), []);
  const warnings = await logOf(p, "onWarning");
  assert.equal(warnings.length, 1);
});

test("Enter on the focused Sign out button signs out (the key press does not dismiss the dialog)", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await makeGuard(p, { ...OPTIONS, confirmToStay: true });
  await dialog(p);
  await run(s, 52 * SECOND, { step: 1000 });
  await expectInspect(p, { state: "warning" });
  await p.locator("#leave").focus();
  await p.keyboard.press("Enter");
  const [end] = await expectLog(p, "onSignOut", 1);
  assert.equal(end.event.reason, "manual");
  assert.equal(end.event.at, T0 + 52 * SECOND);
});

test("without confirmToStay the pointer's way to the button closes the warning", TIMEOUT, async (t) => {
  const s = await h.tabs(t);
  const [p] = s.pages;
  await p.mouse.move(10, 10);
  await makeGuard(p, OPTIONS);
  await dialog(p);
  await run(s, 52 * SECOND, { step: 1000 });
  await expectInspect(p, { state: "warning" });
  const to = await center(p, "stay");
  await p.mouse.move(to.x, to.y, { steps: 5 });
  await expectInspect(p, { state: "active", expiresAt: T0 + 52 * SECOND + MINUTE });
});

test("with confirmToStay, touch() in one tab closes the warning in every tab", TIMEOUT, async (t) => {
  const s = await h.tabs(t, 2);
  const [a, b] = s.pages;
  await makeGuard(a, { ...OPTIONS, confirmToStay: true });
  await makeGuard(b, { ...OPTIONS, confirmToStay: true });
  await run(s, 52 * SECOND, { step: 1000 });
  await expectInspect(b, { state: "warning" });
  await b.mouse.move(50, 50, { steps: 5 });
  await a.evaluate(() => window.guard.touch());
  await expectInspect(b, { state: "active", expiresAt: T0 + 52 * SECOND + MINUTE });
  await expectInspect(a, { state: "active", expiresAt: T0 + 52 * SECOND + MINUTE });
});
