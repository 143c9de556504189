import { reactRouter } from "@react-router/dev/vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// BASELINE=1 builds the same app with a stand-in for session-guard/react
// that guards nothing (the size baseline).
const baseline = process.env.BASELINE ? fileURLToPath(new URL("baseline.tsx", import.meta.url)) : undefined;

export default defineConfig({
  plugins: [reactRouter()],
  resolve: { alias: baseline ? { "session-guard/react": baseline } : {} },
});
