// The recipes of the README and of the pages under docs/ are the files in
// this folder:
//   - each file here appears verbatim as a fenced code block of README.md or
//     of a page in docs/, in exactly one place; those in server/ in
//     docs/server.md; and every code block of docs/frameworks.md is one of
//     these files;
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
// And every relative link of README.md and docs/*.md reaches a file, and a
// heading of it when it names one.

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

/** Every page: { "README.md": text, "docs/<name>.md": text, ... }. */
function pages() {
  const all = { "README.md": readme() };
  for (const [name, text] of Object.entries(docs())) all[`docs/${name}`] = text;
  return all;
}

const FENCE = /^```[^\n]*\n([\s\S]*?)^```$/gm;

/** The bodies of the fenced code blocks of `text`. */
function codeBlocks(text) {
  return [...text.matchAll(FENCE)].map((m) => m[1].replace(/\n$/, ""));
}

/** A recipe file's text as a page must show it. */
function recipe(f) {
  return readFileSync(path.join(HERE, f), "utf8").replace(/\r\n/g, "\n").replace(/\n$/, "");
}

/** GitHub's anchor for a heading: lower case, no punctuation, spaces as hyphens. */
function slug(heading) {
  return heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a page's headings (code blocks left out), with GitHub's -1, -2 for repeats. */
function anchors(text) {
  const seen = new Map();
  const out = new Set();
  for (const m of text.replace(FENCE, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

test("the README keeps its sections, in order, and links to every page under docs/", () => {
  const text = readme();
  const order = ["Install", "Start", "Bindings", "Options", "Methods", "The rules", "Browser support", "Documentation", "Develop"];
  const at = order.map((h) => text.indexOf(`\n## ${h}\n`));
  order.forEach((h, i) => assert.ok(at[i] >= 0, `README.md has the section "${h}"`));
  assert.deepEqual([...at].sort((x, y) => x - y), at, `README.md's sections in the order ${order.join(", ")}`);
  assert.match(text, /`npm start`/, "the README says how to run the demo");
  assert.match(text, /`npm test`/, "the README says how to run the tests");
  for (const name of Object.keys(docs())) {
    assert.ok(text.includes(`](docs/${name})`), `README.md links to docs/${name}`);
  }
});

test("every relative link of README.md and docs/*.md reaches a file, and the heading it names", () => {
  const all = pages();
  const broken = [];
  for (const [page, text] of Object.entries(all)) {
    for (const m of text.replace(FENCE, "").matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1];
      if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
      const [file, anchor] = link.split("#");
      const target = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      const exists = all[target] !== undefined || readdirSync(path.join(ROOT, path.dirname(target))).includes(path.basename(target));
      if (!exists) {
        broken.push(`${page}: ${link} (no file ${target})`);
      } else if (anchor !== undefined && target.endsWith(".md") && !anchors(all[target] ?? readFileSync(path.join(ROOT, target), "utf8")).has(anchor)) {
        broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
  }
  assert.deepEqual(broken, [], "broken links");
});

test("every recipe file is in exactly one page (README.md, docs/*.md), verbatim", () => {
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
  const blocks = Object.entries(pages()).flatMap(([page, text]) => codeBlocks(text).map((block) => ({ page, block })));
  for (const f of files) {
    const places = blocks.filter((b) => b.block === recipe(f)).map((b) => b.page);
    assert.equal(
      places.length,
      1,
      places.length === 0
        ? `no page (README.md, docs/*.md) has a code block identical to tests/recipes/${f}; copy the file into the page (or the page's block into the file)`
        : `tests/recipes/${f} is shown ${places.length} times (${places.join(", ")}): keep it in one place and link to it`,
    );
    if (f.startsWith(`server${path.sep}`)) {
      assert.equal(places[0], "docs/server.md", `tests/recipes/${f} belongs in docs/server.md`);
    }
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
