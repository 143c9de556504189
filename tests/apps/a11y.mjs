// The accessibility of the README's warning dialog in a test app, registered
// for each app by apps.test.mjs (whose helpers open the app on the fake clock):
//   - axe-core (the pinned devDependency, injected into the page) finds no
//     violation with the dialog open;
//   - the keyboard: focus moves to "Stay signed in" when it opens, Tab and
//     Shift+Tab stay in the dialog, Escape stays signed in, and focus goes
//     back to where it was;
//   - its polite live region speaks only at the paced steps (WCAG 4.1.3: a
//     status message, not a screen reader reading every second) while the
//     visible countdown ticks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { MINUTE, ROOT, SECOND, waitUntil } from "../e2e/harness.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * What axe-core finds on the page (every rule axe runs by default):
 * `violations` as `{ id, impact, nodes }` with each node's selector, the ids
 * of the rules it could not decide (`incomplete`: for a person to review) and
 * how many rules passed. axe waits on timers, so the fake clock runs in real
 * time from then on.
 */
export async function axe(page, clock) {
  await page.addScriptTag({ content: AXE });
  await clock.resume();
  return page.evaluate(async () => {
    const result = await window.axe.run(document);
    return {
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) })),
      incomplete: result.incomplete.map((v) => v.id),
      passes: result.passes.length,
    };
  });
}

/**
 * Starts recording, in the page, every change of the text of the live regions
 * inside `selector` (elements with aria-live other than "off", or a live
 * role) and of the visible text outside them; `read()` returns
 * `{ live: [texts], visible: [texts], regions: [{ live, atomic, role }] }`.
 * A text written again unchanged counts as a change too: a screen reader may
 * say it again.
 */
export async function recordLive(page, selector) {
  await page.evaluate((selector) => {
    const root = document.querySelector(selector);
    const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"], [role="timer"], [role="marquee"]';
    const regions = () => [...root.querySelectorAll(LIVE)];
    const liveText = () => regions().map((r) => r.textContent.trim()).join(" | ");
    const visibleText = () => {
      const copy = root.cloneNode(true);
      for (const r of copy.querySelectorAll(LIVE)) r.remove();
      return copy.textContent.replace(/\s+/g, " ").trim();
    };
    const log = { live: [liveText()], visible: [visibleText()], regions: [] };
    log.regions = regions().map((r) => ({ live: r.getAttribute("aria-live"), atomic: r.getAttribute("aria-atomic"), role: r.getAttribute("role") }));
    new MutationObserver((records) => {
      const inLive = records.some((rec) => {
        const el = rec.target.nodeType === Node.ELEMENT_NODE ? rec.target : rec.target.parentElement;
        return el?.closest(LIVE) && root.contains(el);
      });
      if (inLive) log.live.push(liveText());
      const visible = visibleText();
      if (visible !== log.visible.at(-1)) log.visible.push(visible);
    }).observe(root, { subtree: true, childList: true, characterData: true });
    window.__liveLog = log;
  }, selector);
  return { read: () => page.evaluate(() => window.__liveLog) };
}

/**
 * The dialog's tests for `app` (its `name` labels the figures printed):
 * `open(t, app)` opens the app on the fake clock paused at T0 and resolves to
 * `{ clock, page, problems }`, `dashboard(page)` waits for the signed-in page
 * and `dialog(page)` is the locator of the warning dialog (apps.test.mjs's
 * helpers; an app with the same 15-minute idle window and 60-second warning
 * can use its own).
 */
export function dialogTests(app, { open, dashboard, dialog }) {
  test("axe-core finds no violation on the page with the warning dialog open", async (t) => {
    const { clock, page } = await open(t, app);
    await dashboard(page);
    await clock.runFor(14 * MINUTE);
    await dialog(page).waitFor();
    const found = await axe(page, clock);
    console.log(`axe ${app.name}: ${JSON.stringify(found)}`);
    assert.ok(found.passes > 0, "axe ran its rules");
    assert.deepEqual(found.violations, []);
  });

  test("the keyboard: focus moves to \"Stay signed in\" when the warning opens, Tab stays in the dialog, Escape stays signed in and focus goes back", async (t) => {
    const { clock, page, problems } = await open(t, app);
    await dashboard(page);
    // What the user was on before the warning: a button of the page's own,
    // outside the app's tree.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement("button"), { textContent: "Before the warning" })));
    await page.getByRole("button", { name: "Before the warning" }).focus();
    await clock.runFor(14 * MINUTE);
    await dialog(page).waitFor();
    const focused = () =>
      page.evaluate(() => (document.activeElement?.tagName === "BUTTON" ? document.activeElement.textContent.trim() : document.activeElement?.tagName));
    await waitUntil(async () => (await focused()) === "Stay signed in", { message: "focus on \"Stay signed in\"" });
    const order = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press("Tab");
      order.push(await focused());
    }
    await page.keyboard.press("Shift+Tab");
    order.push(await focused());
    assert.deepEqual(order, ["Sign out", "Stay signed in", "Sign out", "Stay signed in"], "Tab and Shift+Tab go round the dialog's buttons");
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "detached" });
    await waitUntil(async () => (await focused()) === "Before the warning", { message: "focus back on the element focused before" });
    // Escape was "Stay signed in": the next warning is 14 minutes later.
    await clock.runFor(14 * MINUTE - SECOND);
    assert.equal(await dialog(page).count(), 0, "no warning before 14 minutes after Escape");
    assert.equal(new URL(page.url()).pathname, "/index.html", "still signed in");
    assert.deepEqual(problems, []);
  });

  test("the live region speaks at most a few times during a 60-second warning, while the visible countdown ticks", async (t) => {
    const { clock, page } = await open(t, app);
    await dashboard(page);
    await clock.runFor(14 * MINUTE);
    await dialog(page).waitFor();
    const log = await recordLive(page, '[role="alertdialog"]');
    for (let s = 0; s < 59; s++) await clock.runFor(SECOND);
    const { live, visible, regions } = await log.read();
    console.log(`live ${app.name}: ${JSON.stringify({ live, regions, visibleChanges: visible.length - 1 })}`);
    assert.deepEqual(regions, [{ live: "polite", atomic: "true", role: null }], "one polite, atomic live region in the dialog");
    assert.ok(live.length - 1 <= 6, `the live region changed ${live.length - 1} times: ${JSON.stringify(live)}`);
    assert.deepEqual(
      live,
      ["You will be signed out in 1 minute.", "You will be signed out in 40 seconds.", "You will be signed out in 20 seconds."],
      "the time left is heard at the GOV.UK/HMRC steps",
    );
    assert.ok(visible.length - 1 >= 50, `the visible countdown ticks every second: ${JSON.stringify(visible)}`);
  });
}
