// Explicit resource management (TypeScript 5.2+, lib "esnext.disposable"):
// `using` frees the JS handle at the end of the block, as garbage collection
// would; only destroy() or a sign-out stops the guard.
import init, { SessionGuard } from "session-guard";

await init();
{
  using scoped = new SessionGuard({ idleTimeoutMs: -1, maxDurationMs: 60_000, onSignOut: () => {} });
  scoped.touch();
  scoped.destroy();
}
