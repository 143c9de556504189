import { expect, jest, test } from "@jest/globals";
import { start } from "session-guard/start";

test("an idle user is signed out after 15 minutes", async () => {
  jest.useFakeTimers();
  localStorage.clear();
  const onSignOut = jest.fn();
  const guard = await start({ idleTimeoutMs: 15 * 60_000, onSignOut });
  expect(guard?.state()).toBe("active");

  jest.advanceTimersByTime(15 * 60_000 - 1);
  expect(onSignOut).not.toHaveBeenCalled();
  jest.advanceTimersByTime(1);
  expect(onSignOut).toHaveBeenCalledWith(expect.objectContaining({ reason: "idle" }));
  expect(guard?.state()).toBe("signedOut");
});
