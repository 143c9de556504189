import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// BASELINE=1 builds the same app with a stand-in for session-guard/svelte
// that guards nothing (the size baseline).
const baseline = process.env.BASELINE ? fileURLToPath(new URL("baseline.ts", import.meta.url)) : undefined;

export default defineConfig({
  plugins: [
    sveltekit({
      compilerOptions: {
        // Force runes mode for the project, except for libraries. Can be removed in svelte 6.
        runes: ({ filename }) => (filename.split(/[/\\]/).includes("node_modules") ? undefined : true),
      },
      adapter: adapter({ out: baseline ? "build-baseline" : "build" }),
      outDir: baseline ? ".svelte-kit-baseline" : ".svelte-kit",
    }),
  ],
  resolve: { alias: baseline ? { "session-guard/svelte": baseline } : {} },
});
