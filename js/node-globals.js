// What the wasm's glue needs at import time and Jest's jsdom environment
// leaves out. Imported by session-guard/node before the glue.
import { TextDecoder, TextEncoder } from "node:util";

globalThis.TextDecoder ??= TextDecoder;
globalThis.TextEncoder ??= TextEncoder;
