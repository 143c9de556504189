import { DestroyRef, Injectable, NgZone, inject, signal } from "@angular/core";
import type { SessionGuard, SignOutEvent, WarningEvent } from "session-guard";
import { start, type StartFailedEvent, type StartOptions } from "session-guard/start";

/**
 * One guard for the whole app. Start it from a component with afterNextRender,
 * which never runs during server rendering:
 *
 *   export class AppComponent {
 *     readonly session = inject(SessionGuardService);
 *     private readonly router = inject(Router);
 *     constructor() {
 *       afterNextRender(() =>
 *         this.session.start({
 *           idleTimeoutMs: 15 * 60_000,
 *           warnBeforeMs: 60_000,
 *           confirmToStay: true,
 *           onSignOut: (e) => this.router.navigate(["/signed-out"], { queryParams: { reason: e.reason } }),
 *         }),
 *       );
 *     }
 *   }
 *
 * and show `session.warning()` in its template.
 */
@Injectable({ providedIn: "root" })
export class SessionGuardService {
  private readonly zone = inject(NgZone);
  private readonly warningState = signal<WarningEvent | null>(null);
  private readonly signedOutState = signal<SignOutEvent | StartFailedEvent | null>(null);
  private guard: SessionGuard | null = null;
  private run = 0;

  /** The open warning; activity (with confirmToStay: only touch()) clears an idle warning. */
  readonly warning = this.warningState.asReadonly();
  /** How the session ended, once it has (`reason: "error"`: the guard could not start). */
  readonly signedOut = this.signedOutState.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /**
   * Starts guarding (again, after a new sign-in). Browser only. When the
   * guard cannot start (the .wasm does not load, bad options), `onSignOut`
   * gets `reason: "error"`: it fails closed.
   */
  async start(options: StartOptions): Promise<void> {
    this.stop();
    const run = this.run;
    this.signedOutState.set(null);
    // Outside the Angular zone, activity events do not trigger change
    // detection; the signals still update the view.
    const guard = await this.zone.runOutsideAngular(() =>
      start({
        ...options,
        onSignOut: (e) => {
          this.warningState.set(null);
          this.signedOutState.set(e);
          this.zone.run(() => options.onSignOut(e));
        },
        onWarning: (e) => {
          this.warningState.set(e);
          options.onWarning?.(e);
        },
        onActivity: (e) => {
          if (this.warningState()?.reason === "idle") this.warningState.set(null);
          options.onActivity?.(e);
        },
      }),
    );
    if (run !== this.run) guard?.destroy(); // stopped or restarted meanwhile
    else this.guard = guard;
  }

  /** "Stay signed in". */
  touch(): void {
    this.guard?.touch();
  }

  signOut(): void {
    this.guard?.signOut();
  }

  /** Stops guarding without signing out. */
  stop(): void {
    this.run++;
    this.guard?.destroy();
    this.guard = null;
    this.warningState.set(null);
  }
}
