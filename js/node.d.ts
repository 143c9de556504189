// The package with its wasm loaded from the file system (Node only).
export * from "../pkg/session_guard.js";
export { default } from "../pkg/session_guard.js";
