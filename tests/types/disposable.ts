// Explicit resource management (TypeScript 5.2+, lib "esnext.disposable"):
// `using` stops the guard at the end of the block, as destroy() does.
import init, { SessionGuard } from "session-guard";

await init();
{
  using scoped = new SessionGuard({ idleTimeoutMs: -1, maxDurationMs: 60_000, onSignOut: () => {} });
  scoped.touch();
}
