// idle-timeout as an app would ship it: its ESM build, bundled (minified) by
// esbuild into bench/out/idle-timeout.js.
export { default } from "idle-timeout";
