import { act } from "react";
import { createRoot } from "react-dom/client";
import { expect, test, vi } from "vitest";
import { SessionGuardProvider, useSession } from "session-guard/react";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Status() {
  return <p>{useSession().status}</p>;
}

test("an idle user is signed out after 15 minutes", async () => {
  vi.useFakeTimers();
  const onSignOut = vi.fn();
  const root = createRoot(document.body.appendChild(document.createElement("div")));
  await act(async () => {
    root.render(
      <SessionGuardProvider idleTimeoutMs={15 * 60_000} onSignOut={onSignOut}>
        <Status />
      </SessionGuardProvider>,
    );
  });
  await act(() => vi.advanceTimersByTimeAsync(0)); // the guard starts
  expect(document.body.textContent).toBe("active");

  await act(() => vi.advanceTimersByTimeAsync(15 * 60_000 - 1));
  expect(onSignOut).not.toHaveBeenCalled();
  await act(() => vi.advanceTimersByTimeAsync(1));
  expect(onSignOut).toHaveBeenCalledWith(expect.objectContaining({ reason: "idle" }));
  expect(document.body.textContent).toBe("signedOut");
  act(() => root.unmount());
});
