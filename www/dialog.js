// The warning dialog: opened when the guard calls onWarning, drawn for the
// warning's reason, closed when the guard's snapshot no longer holds the
// warning (after a short "you're still signed in" note) or at the sign-out.
// Which warnings activity can answer is the guard's business: this module
// only shows what the snapshot says.

import { countdown } from "./format.js";

const $ = (id) => document.getElementById(id);
const dialog = $("warning-dialog");
const title = $("warning-title");
const text = $("warning-text");
const stay = $("stay-signed-in");
const dismiss = $("warning-dismiss");

/** How long the "still signed in" note stays, so the buttons do not vanish under a moving pointer. */
const ANSWERED_NOTE_MS = 1500;

let focusBefore = null;
let closeTimer = 0;
/** The reason of the warning on show, or null (closed, or showing the note). */
let shown = null;

/** Opens the dialog (or redraws it) for a warning of `reason`, "idle" or "absolute". */
export function openWarning(reason) {
  const absolute = reason === "absolute";
  title.textContent = absolute ? "Your session is about to end" : "Are you still there?";
  text.replaceChildren(
    absolute ? "Your session reaches its maximum length in " : "You'll be signed out in ",
    Object.assign(document.createElement("strong"), { id: "warning-left", textContent: "--:--" }),
    absolute ? ". Save your work; staying active can't extend it." : " because of inactivity.",
  );
  stay.hidden = absolute;
  dismiss.hidden = !absolute;
  clearTimeout(closeTimer);
  shown = reason;
  if (!dialog.open) {
    focusBefore = document.activeElement;
    dialog.showModal();
  }
  (absolute ? dismiss : stay).focus();
}

export function closeWarning() {
  clearTimeout(closeTimer);
  shown = null;
  if (dialog.open) dialog.close();
}

/**
 * Follows the guard's snapshot while the dialog is open: the countdown, and
 * the end of the warning (activity here or in another tab answered it: say
 * so, then close).
 */
export function followWarning(snap) {
  if (!dialog.open) return;
  if (snap.signedOut) {
    closeWarning();
    return;
  }
  const left = $("warning-left");
  if (left) left.textContent = countdown(snap.remainingMs);
  if (shown !== null && snap.warning === null) {
    shown = null;
    title.textContent = "You're still signed in";
    text.textContent = "Activity moved the idle deadline; the warning is over.";
    clearTimeout(closeTimer);
    closeTimer = setTimeout(closeWarning, ANSWERED_NOTE_MS);
  }
}

dialog.addEventListener("close", () => {
  shown = null;
  const back = focusBefore;
  focusBefore = null;
  if (back && back.isConnected && typeof back.focus === "function" && !back.closest("[hidden]")) {
    back.focus();
  }
});
