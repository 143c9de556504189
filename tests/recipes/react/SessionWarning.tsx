import { useEffect, useRef, type KeyboardEvent } from "react";
import { useSession } from "session-guard/react";

/**
 * The warning dialog: with confirmToStay, only its buttons (and Escape, which
 * means "Stay signed in") close it. Focus moves into it when it opens and back
 * when it closes. The countdown ticks on screen; screen readers hear the time
 * left through a polite live region, only at `announcement`'s paced steps.
 */
export function SessionWarning() {
  const { warning, remainingMs, announcement, staySignedIn, signOut } = useSession();
  const dialog = useRef<HTMLDivElement>(null);
  const stay = useRef<HTMLButtonElement>(null);
  const open = warning !== null;
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement;
    (stay.current ?? dialog.current)?.focus();
    return () => {
      if (before instanceof HTMLElement) before.focus();
    };
  }, [open]);
  if (!warning) return null;

  const idle = warning.reason === "idle";
  const seconds = Math.ceil((remainingMs ?? 0) / 1000);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && idle) staySignedIn();
    if (e.key !== "Tab") return;
    // Tab and Shift+Tab go round the dialog's buttons (it is modal).
    const buttons = [...dialog.current!.querySelectorAll("button")];
    const edge = e.shiftKey ? buttons[0] : buttons.at(-1);
    if (document.activeElement === edge || document.activeElement === dialog.current) {
      e.preventDefault();
      (e.shiftKey ? buttons.at(-1) : buttons[0])?.focus();
    }
  };
  return (
    <div
      ref={dialog}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="session-warning-title"
      aria-describedby="session-warning-text"
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <h2 id="session-warning-title">You will be signed out soon</h2>
      <p id="session-warning-text">
        {idle
          ? `You will be signed out in ${seconds} s because of inactivity.`
          : `Your session reaches its maximum length in ${seconds} s.`}
      </p>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement && `You will be signed out in ${announcement}.`}
      </p>
      {idle && (
        <button ref={stay} onClick={staySignedIn}>
          Stay signed in
        </button>
      )}
      <button onClick={signOut}>Sign out</button>
    </div>
  );
}
