// The system browsers the tests drive: Chromium through playwright-core (the
// tests and the benchmark), Firefox through puppeteer-core (the tests in a
// second browser). Never a downloaded browser.

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
  return find(
    "CHROME_PATH",
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"],
    "No Chromium found: set CHROME_PATH, or install one " +
      "(chromium, chromium-browser, google-chrome or google-chrome-stable on PATH).",
  );
}

/** `$FIREFOX_PATH`, else Firefox ESR or Firefox on PATH. */
export function findFirefox() {
  return find(
    "FIREFOX_PATH",
    ["firefox-esr", "firefox"],
    "No Firefox found: set FIREFOX_PATH, or install one (Debian: apt-get install firefox-esr).",
  );
}

function find(variable, names, missing) {
  const given = process.env[variable];
  if (given) {
    if (!existsSync(given)) throw new Error(`${variable} is set to ${given}, which does not exist`);
    return given;
  }
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(missing);
}
