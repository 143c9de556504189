import { Component, computed, inject } from "@angular/core";
import { SessionGuardService } from "session-guard/angular";

/** The warning dialog: with confirmToStay, only its buttons close it. */
@Component({
  selector: "app-session-warning",
  template: `
    @if (session.warning(); as warning) {
      <div role="alertdialog" aria-modal="true" aria-labelledby="session-warning">
        <p id="session-warning">
          @if (warning.reason === "idle") {
            You will be signed out in {{ seconds() }} s because of inactivity.
          } @else {
            Your session reaches its maximum length in {{ seconds() }} s.
          }
        </p>
        @if (warning.reason === "idle") {
          <button (click)="session.staySignedIn()">Stay signed in</button>
        }
        <button (click)="session.signOut()">Sign out</button>
      </div>
    }
  `,
})
export class SessionWarning {
  protected readonly session = inject(SessionGuardService);
  protected readonly seconds = computed(() => Math.ceil((this.session.remainingMs() ?? 0) / 1000));
}
