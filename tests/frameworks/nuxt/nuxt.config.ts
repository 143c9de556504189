import { fileURLToPath } from "node:url";

// BASELINE=1 builds the same app with a stand-in for session-guard/vue that
// guards nothing (the size baseline).
const baseline = process.env.BASELINE ? fileURLToPath(new URL("baseline.ts", import.meta.url)) : undefined;

// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  devtools: { enabled: false },
  telemetry: false,
  // docs/frameworks.md's two options for `nuxt dev`: no warm-up crawl (it
  // would transform session_guard_bg.wasm as a module and print an error),
  // and no reload when the first page imports session-guard/vue.
  vite: { warmupEntry: false, optimizeDeps: { include: ["session-guard/vue"] } },
  ...(baseline ? { alias: { "session-guard/vue": baseline }, nitro: { output: { dir: ".output-baseline" } } } : {}),
});
