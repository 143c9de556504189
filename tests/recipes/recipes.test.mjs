// The README's recipes (sections "Recipes", "Framework bindings", "Starting
// without a framework", "Testing your app" and "Following the server") and
// the framework pages under docs/ are the files in this folder:
//   - each file here appears verbatim as one fenced code block of README.md
//     or of a page in docs/; those in server/ within the README's section
//     "Following the server"; and every code block of docs/frameworks.md is
//     one of these files;
//   - the .ts/.tsx files type-check with `tsc --strict` (tsconfig.json here)
//     against the package's own .d.ts, reached by its name "session-guard"
//     and its "exports", and the real React, Angular and Vitest types,
//     and (server/) the real oidc-client-ts, Auth0 SPA SDK and keycloak-js;
//     next/ and react-router/ type-check in their apps instead (next build,
//     react-router typegen + tsc), against the real Next.js and React Router.
// The esbuild apps, the start() app and the plain page also run in Chromium,
// from an installed `npm pack` tarball: tests/package/pack.test.mjs. The
// React, Vue and Svelte components (.vue and .svelte files are compiled, not
// type-checked) are the test apps of tests/apps/apps.test.mjs, built with Vite
// and run in Chromium; vitest/ runs there too, and jest/ in a Jest project.
// angular/, next/, nuxt/, sveltekit/ and react-router/ are the apps of
// tests/frameworks/frameworks.test.mjs, built with each framework's tools.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, requireBuild, tsc } from "../types/tsc.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The recipe files: everything here but the test and the tsconfig. */
function recipes() {
  return readdirSync(HERE, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|tsx|js|json|html|vue|svelte)$/.test(f) && f !== "recipes.test.mjs" && f !== "tsconfig.json")
    .sort();
}

/** The README, with \n line ends. */
function readme() {
  return readFileSync(path.join(ROOT, "README.md"), "utf8").replace(/\r\n/g, "\n");
}

/** The pages under docs/: { name: text } with \n line ends. */
function docs() {
  const dir = path.join(ROOT, "docs");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".md"))
      .map((f) => [f, readFileSync(path.join(dir, f), "utf8").replace(/\r\n/g, "\n")]),
  );
}

/** The bodies of the fenced code blocks of `text` (default: all of README.md). */
function codeBlocks(text = readme()) {
  return [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1].replace(/\n$/, ""));
}

/** README.md's section `## title`, up to the next `## ` heading. */
function section(title) {
  const text = readme();
  const start = text.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README.md has the section "${title}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** A recipe file's text as the README must show it. */
function recipe(f) {
  return readFileSync(path.join(HERE, f), "utf8").replace(/\r\n/g, "\n").replace(/\n$/, "");
}

test("README.md has the Recipes, FAQ and Following the server sections, in order", () => {
  const text = readme();
  assert.match(text, /^## Recipes$/m);
  assert.match(text, /^## FAQ$/m);
  const at = (h) => text.indexOf(`\n## ${h}\n`);
  assert.ok(at("Sessions, tabs and reloads") >= 0 && at("Following the server") > at("Sessions, tabs and reloads"));
  assert.ok(at("Following the server") < at("Browser support"), "Following the server comes right after Sessions, tabs and reloads");
});

test("every recipe file is in README.md verbatim", () => {
  const files = recipes();
  for (const f of [
    "react/App.tsx",
    "react/SessionWarning.tsx",
    "vue/App.vue",
    "vue/SessionWarning.vue",
    "svelte/App.svelte",
    "svelte/SessionWarning.svelte",
    "angular/app.config.ts",
    "angular/app.ts",
    "angular/session-warning.ts",
    "angular/assets.json",
    "next/session-guard.tsx",
    "next/layout.tsx",
    "next/session-gate.tsx",
    "next/page.tsx",
    "nuxt/app.vue",
    "nuxt/pages/index.vue",
    "sveltekit/lib/session.ts",
    "sveltekit/routes/+layout.svelte",
    "sveltekit/routes/+page.svelte",
    "react-router/root.tsx",
    "react-router/routes/home.tsx",
    "start/main.ts",
    "vitest/vitest.config.ts",
    "vitest/session.test.tsx",
    "jest/jest.config.js",
    "jest/session.test.js",
    "plain-page.html",
    "esbuild/main.ts",
    "server/session.ts",
    "server/api.ts",
    "server/oidc-client-ts.ts",
    "server/auth0.ts",
    "server/keycloak.ts",
  ]) {
    assert.ok(files.includes(path.normalize(f)), `tests/recipes/${f} exists`);
  }
  const blocks = [...codeBlocks(), ...Object.values(docs()).flatMap((text) => codeBlocks(text))];
  const server = codeBlocks(section("Following the server"));
  for (const f of files) {
    const inServer = f.startsWith(`server${path.sep}`);
    assert.ok(
      (inServer ? server : blocks).includes(recipe(f)),
      `${inServer ? "README.md's section Following the server" : "No page (README.md, docs/*.md)"} has a code block identical to tests/recipes/${f}; copy the file into the page (or the page's block into the file)`,
    );
  }
});

test("every code block of docs/frameworks.md is a recipe file (so it is built and run)", () => {
  const page = docs()["frameworks.md"];
  assert.ok(page, "docs/frameworks.md exists");
  const files = new Set(recipes().map(recipe));
  for (const block of codeBlocks(page)) {
    assert.ok(files.has(block), `docs/frameworks.md has a code block that is no file of tests/recipes/:\n${block}`);
  }
});

test("the server recipes keep to what the section promises", () => {
  // The token libraries' own renewal on a timer is off, renewal is forced past
  // any cache, and a JWT's seconds are turned into ms.
  const oidc = recipe("server/oidc-client-ts.ts");
  assert.match(oidc, /automaticSilentRenew: false/);
  assert.match(oidc, /\.signinSilent\(\)/);
  assert.match(oidc, /expires_at \* 1000/);
  const auth0 = recipe("server/auth0.ts");
  assert.match(auth0, /getTokenSilently\(\{ cacheMode: "off", detailedResponse: true \}\)/);
  assert.match(auth0, /expires_in \* 1000/);
  const keycloak = recipe("server/keycloak.ts");
  assert.match(keycloak, /\.updateToken\(-1\)/);
  assert.match(keycloak, /exp \* 1000/);
  assert.match(keycloak, /timeSkew/);
  assert.doesNotMatch(keycloak, /onTokenExpired\s*=/, "no refresh on keycloak-js's timer");
  // Every recipe with a keep-alive is activity-gated (keepAliveMs + onKeepAlive)
  // and answers a refusal with signOut().
  for (const f of ["server/session.ts", "server/oidc-client-ts.ts", "server/auth0.ts", "server/keycloak.ts"]) {
    const code = recipe(f);
    assert.match(code, /keepAliveMs: /, f);
    assert.match(code, /onKeepAlive: async \(\): Promise<ServerDeadlines> =>/, f);
    assert.match(code, /guard\.signOut\(\)/, f);
  }
  assert.match(recipe("server/api.ts"), /status === 401\) guard\.signOut\(\)/);
});

test("the recipes type-check under --strict against the package's .d.ts", () => {
  requireBuild();
  const result = tsc(path.join(HERE, "tsconfig.json"));
  assert.deepEqual(result.diagnostics, [], result.output);
  assert.equal(result.status, 0, result.output);
});
