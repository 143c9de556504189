// BASELINE=1 builds the same app with a stand-in for session-guard/vue that
// guards nothing: the difference in size is what the package costs the app.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

const baseline = fileURLToPath(new URL("src/baseline.ts", import.meta.url));

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: process.env.BASELINE ? { "session-guard/vue": baseline } : {} },
  build: { outDir: process.env.BASELINE ? "dist-baseline" : "dist" },
  logLevel: "warn",
});
