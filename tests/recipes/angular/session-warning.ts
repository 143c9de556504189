import { Component, ElementRef, afterRenderEffect, computed, inject, untracked, viewChild } from "@angular/core";
import { SessionGuardService } from "session-guard/angular";

/**
 * The warning dialog: with confirmToStay, only its buttons (and Escape, which
 * means "Stay signed in") close it. Focus moves into it when it opens and back
 * when it closes. The countdown ticks on screen; screen readers hear the time
 * left through a polite live region, only at `announcement`'s paced steps.
 */
@Component({
  selector: "app-session-warning",
  template: `
    @if (session.warning(); as warning) {
      <div
        #dialog
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="session-warning-title"
        aria-describedby="session-warning-text"
        tabindex="-1"
        (keydown)="onKeyDown($event)"
      >
        <h2 id="session-warning-title">You will be signed out soon</h2>
        <p id="session-warning-text">
          @if (warning.reason === "idle") {
            You will be signed out in {{ seconds() }} s because of inactivity.
          } @else {
            Your session reaches its maximum length in {{ seconds() }} s.
          }
        </p>
        <p class="visually-hidden" aria-live="polite" aria-atomic="true">
          @if (session.announcement(); as a) {You will be signed out in {{ a }}.}
        </p>
        @if (warning.reason === "idle") {
          <button #stay (click)="session.staySignedIn()">Stay signed in</button>
        }
        <button (click)="session.signOut()">Sign out</button>
      </div>
    }
  `,
})
export class SessionWarning {
  protected readonly session = inject(SessionGuardService);
  protected readonly seconds = computed(() => Math.ceil((this.session.remainingMs() ?? 0) / 1000));
  private readonly dialog = viewChild<ElementRef<HTMLElement>>("dialog");
  private readonly stay = viewChild<ElementRef<HTMLElement>>("stay");
  private readonly open = computed(() => this.session.warning() !== null);

  constructor() {
    // After the render that puts the dialog in (or takes it out of) the page.
    afterRenderEffect((onCleanup) => {
      if (!this.open()) return;
      const before = document.activeElement;
      untracked(() => (this.stay() ?? this.dialog())?.nativeElement.focus());
      onCleanup(() => {
        if (before instanceof HTMLElement) before.focus();
      });
    });
  }

  protected onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape" && this.session.warning()?.reason === "idle") this.session.staySignedIn();
    if (e.key !== "Tab") return;
    // Tab and Shift+Tab go round the dialog's buttons (it is modal).
    const dialog = this.dialog()!.nativeElement;
    const buttons = [...dialog.querySelectorAll("button")];
    const edge = e.shiftKey ? buttons[0] : buttons.at(-1);
    if (document.activeElement === edge || document.activeElement === dialog) {
      e.preventDefault();
      (e.shiftKey ? buttons.at(-1) : buttons[0])?.focus();
    }
  }
}
