import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "happy-dom",
    // Loads the .wasm from node_modules with fs: in Node, init() cannot fetch it.
    setupFiles: ["session-guard/node"],
  },
});
