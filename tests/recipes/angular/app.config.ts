import type { ApplicationConfig } from "@angular/core";
import { provideSessionGuard } from "session-guard/angular";

// One guard for the whole app, started in the browser once the app boots.
export const appConfig: ApplicationConfig = {
  providers: [
    provideSessionGuard({
      idleTimeoutMs: 15 * 60_000,
      maxDurationMs: 8 * 60 * 60_000,
      warnBeforeMs: 60_000,
      confirmToStay: true,
      onSignOut: (e) => location.assign(`/signed-out?reason=${e.reason}`),
    }),
  ],
};
