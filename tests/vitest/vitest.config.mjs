// Code that uses the guard, tested under Vitest in Node, as the README's
// "Testing your app under Vitest or Jest" shows: a DOM environment and the
// package's session-guard/node entry as a setup file (it loads the wasm from
// the file system; init() would fetch it and fail in Node).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "happy-dom",
    setupFiles: ["session-guard/node"],
    include: ["tests/vitest/**/*.test.{js,mjs,jsx}"],
  },
});
