// Back after the end: a page the back-forward cache shows again after its
// session ended hears the end once more, with `restored: true` (the
// contract's onSignOut). Every binding shows that event as `signedOut` and
// passes it to the app's onSignOut. The guard tells it on a `pageshow` with
// `persisted`, which no DOM emulation gives: the test calls the options'
// onSignOut the guard was made with, as the guard does then.
import { expect, test, vi } from "vitest";
import { StrictMode, act, createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { sessionGuard } from "session-guard/svelte";
import { useSessionGuard } from "session-guard/react";
import { settle, setup } from "./harness.mjs";

/** The options of each guard the bindings made, in order. */
const made = vi.hoisted(() => []);
vi.mock(import("../../pkg/session_guard.js"), async (original) => {
  const glue = await original();
  class Guard extends glue.SessionGuard {
    constructor(options) {
      super(options);
      made.push(options);
    }
  }
  return { ...glue, SessionGuard: Guard };
});

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
setup();

test("the store: signedOut becomes the restored end, and the app's onSignOut hears it", async () => {
  const onSignOut = vi.fn();
  const values = [];
  const stop = sessionGuard({ idleTimeoutMs: 60_000, onSignOut }).subscribe((v) => values.push(v));
  await settle();
  values.at(-1).guard.signOut();
  const [end] = onSignOut.mock.calls[0];
  expect(values.at(-1)).toMatchObject({ status: "signedOut", signedOut: end });
  const again = { ...end, restored: true };
  made.at(-1).onSignOut(again);
  expect(onSignOut.mock.calls).toEqual([[end], [again]]);
  expect(values.at(-1).status).toBe("signedOut");
  expect(values.at(-1).signedOut).toBe(again);
  expect(values.at(-1).signedOut.restored).toBe(true);
  stop();
});

test("the React hook (StrictMode): the component renders the restored end", async () => {
  const onSignOut = vi.fn();
  const seen = [];
  function Probe() {
    const s = useSessionGuard({ idleTimeoutMs: 60_000, onSignOut });
    seen.push(s);
    return h("p", null, s.signedOut?.restored ? "restored" : s.status);
  }
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(h(StrictMode, null, h(Probe))));
  await act(settle);
  act(() => seen.at(-1).signOut());
  expect(container.textContent).toBe("signedOut");
  const [end] = onSignOut.mock.calls[0];
  const again = { ...end, restored: true };
  act(() => made.at(-1).onSignOut(again));
  expect(container.textContent).toBe("restored");
  expect(seen.at(-1).signedOut).toBe(again);
  expect(onSignOut.mock.calls).toEqual([[end], [again]]);
  act(() => root.unmount());
  container.remove();
});
