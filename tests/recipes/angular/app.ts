import { Component, inject } from "@angular/core";
import { SessionGuardService } from "session-guard/angular";
import { SessionWarning } from "./session-warning";

@Component({
  selector: "app-root",
  imports: [SessionWarning],
  template: `
    <!-- Until the guard has read the stored session, show nothing protected. -->
    @if (session.status() === "checking") {
      <p role="status">Checking your session…</p>
    } @else if (session.status() === "signedOut" || session.status() === "error") {
      <p role="status">Signed out.</p>
    } @else {
      <app-session-warning />
      <main>Your dashboard</main>
    }
  `,
})
export class App {
  protected readonly session = inject(SessionGuardService);
}
