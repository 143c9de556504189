// BASELINE=1 builds the same app with a stand-in for session-guard/svelte that
// guards nothing: the difference in size is what the package costs the app.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const baseline = fileURLToPath(new URL("src/baseline.ts", import.meta.url));

export default defineConfig({
  plugins: [svelte()],
  resolve: { alias: process.env.BASELINE ? { "session-guard/svelte": baseline } : {} },
  build: { outDir: process.env.BASELINE ? "dist-baseline" : "dist" },
  logLevel: "warn",
});
