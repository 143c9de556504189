// The size budget: fails when the gzip -9 total of the release build (the
// wasm plus its JS glue, what a page downloads) grows past the number
// committed in budget.json. Lower the budget whenever the size drops.
// Run after `npm run build`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
const budget = JSON.parse(readFileSync(new URL("budget.json", import.meta.url), "utf8"));

function gzip9(relative) {
  const path = fileURLToPath(new URL(relative, root));
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

test("the release build stays within its gzip -9 size budget", () => {
  const wasm = gzip9("pkg/session_guard_bg.wasm");
  const js = gzip9("pkg/session_guard.js");
  const total = wasm + js;
  console.log(
    `size: wasm ${wasm} B + js ${js} B = ${total} B gzip -9 (budget ${budget.gzipTotalBytes} B)`,
  );
  assert.ok(
    total <= budget.gzipTotalBytes,
    `the build grew to ${total} B gzip -9, over the budget of ${budget.gzipTotalBytes} B`,
  );
});
