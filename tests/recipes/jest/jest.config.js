// Run with: node --experimental-vm-modules node_modules/jest/bin/jest.js
export default {
  testEnvironment: "jsdom",
  // Loads the .wasm from node_modules with fs: in Node, init() cannot fetch it.
  setupFiles: ["session-guard/node"],
  transform: {},
};
