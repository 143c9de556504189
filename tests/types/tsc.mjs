// Runs the TypeScript compiler of the repository's node_modules on a project
// and parses its diagnostics. Shared by the types and recipes tests.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const require = createRequire(path.join(ROOT, "package.json"));

/** The path of tsc's launcher script (run with node). */
export function tscPath() {
  const manifest = require.resolve("typescript/package.json");
  const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
  return path.join(path.dirname(manifest), typeof bin === "string" ? bin : bin.tsc);
}

/** Fails early, with the fix, when the package has not been built. */
export function requireBuild() {
  const dts = path.join(ROOT, "pkg", "session_guard.d.ts");
  if (!existsSync(dts)) {
    throw new Error(`${path.relative(ROOT, dts)} is missing: run \`npm run build\` first`);
  }
  return dts;
}

/**
 * Runs `tsc -p <project> [...args]` in `cwd` (default: the project's folder).
 * Returns { status, output, diagnostics: [{ file, line, column, code, message }] }
 * with `file` relative to `cwd` (null for a global error).
 */
export function tsc(project, args = [], { cwd = path.dirname(project) } = {}) {
  const result = spawnSync(process.execPath, [tscPath(), "-p", project, "--pretty", "false", ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  const diagnostics = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    const global = /^error (TS\d+): (.*)$/.exec(line);
    if (m) {
      diagnostics.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), code: m[4], message: m[5] });
    } else if (global) {
      diagnostics.push({ file: null, line: 0, column: 0, code: global[1], message: global[2] });
    }
  }
  return { status: result.status, output, diagnostics };
}
