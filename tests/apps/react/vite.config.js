// BASELINE=1 builds the same app with a stand-in for session-guard/react that
// guards nothing: the difference in size is what the package costs the app.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const baseline = fileURLToPath(new URL("src/baseline.tsx", import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: process.env.BASELINE ? { "session-guard/react": baseline } : {} },
  build: { outDir: process.env.BASELINE ? "dist-baseline" : "dist" },
  logLevel: "warn",
});
