// The system Chromium the tests and the benchmark drive through
// playwright-core (never a downloaded browser).

import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Headless flags: no sandbox (CI runs as root), and none of the background
 * connections a closed network refuses.
 */
export const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** `$CHROME_PATH`, else the first Chromium or Chrome on PATH. */
export function findBrowser() {
  if (process.env.CHROME_PATH) {
    if (!existsSync(process.env.CHROME_PATH)) {
      throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, which does not exist`);
    }
    return process.env.CHROME_PATH;
  }
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(
    "No Chromium found: set CHROME_PATH, or install one " +
      "(chromium, chromium-browser, google-chrome or google-chrome-stable on PATH).",
  );
}
