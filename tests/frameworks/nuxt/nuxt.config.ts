import { fileURLToPath } from "node:url";

// BASELINE=1 builds the same app with a stand-in for session-guard/vue that
// guards nothing (the size baseline).
const baseline = process.env.BASELINE ? fileURLToPath(new URL("baseline.ts", import.meta.url)) : undefined;

// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  devtools: { enabled: false },
  telemetry: false,
  ...(baseline ? { alias: { "session-guard/vue": baseline }, nitro: { output: { dir: ".output-baseline" } } } : {}),
});
