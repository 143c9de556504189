// A stand-in for session-guard/angular that guards nothing (the size
// baseline): the build of configuration "baseline" maps the import here.
import { signal } from "@angular/core";

export class SessionGuardService {
  readonly status = signal<string>("active");
  readonly warning = signal<{ reason: "idle" | "absolute" } | null>(null);
  readonly remainingMs = signal<number | null>(0);
  readonly announcement = signal<string | null>(null);
  staySignedIn() {}
  signOut() {}
}

export const provideSessionGuard = (_options: { onSignOut: (e: { reason: string }) => void; [option: string]: unknown }) => [
  { provide: SessionGuardService, useFactory: () => new SessionGuardService() },
];
