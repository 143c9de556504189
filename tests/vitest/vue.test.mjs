// session-guard/vue under Vitest and happy-dom.
import { expect, test, vi } from "vitest";
import { createApp, defineComponent, h, nextTick } from "vue";
import { provideSessionGuard, useSession, useSessionGuard } from "session-guard/vue";
import { T0, guards, leftOver, settle, setup } from "./harness.mjs";

setup();

function mount(component) {
  const el = document.createElement("div");
  document.body.append(el);
  const app = createApp(component);
  app.mount(el);
  return { el, unmount: () => (app.unmount(), el.remove()) };
}

test("the composable: one guard per mounted component, refs that follow it, destroyed on unmount", async () => {
  const before = leftOver();
  const onSignOut = vi.fn();
  const seen = [];
  const { el, unmount } = mount(
    defineComponent({
      setup() {
        const s = useSessionGuard({ idleTimeoutMs: 60_000, onSignOut });
        return () => {
          seen.push(s.status.value);
          return h("button", { onClick: s.signOut }, `${s.status.value} ${s.remainingMs.value}`);
        };
      },
    }),
  );
  expect(el.textContent).toBe("checking null");
  await settle();
  await nextTick();
  expect(guards()).toBe(1);
  expect(el.textContent).toMatch(/^active \d+$/);
  el.querySelector("button").click();
  await nextTick();
  expect(el.textContent).toBe("signedOut 0");
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "manual" });
  expect(seen).not.toContain("error");
  unmount();
  expect(guards()).toBe(0);
  expect(leftOver()).toEqual(before);
});

test("unmounting destroys the guard without signing out", async () => {
  const onSignOut = vi.fn();
  const { unmount } = mount(
    defineComponent({
      setup() {
        useSessionGuard({ idleTimeoutMs: 60_000, onSignOut });
        return () => null;
      },
    }),
  );
  await settle();
  expect(guards()).toBe(1);
  unmount();
  expect(guards()).toBe(0);
  expect(onSignOut).not.toHaveBeenCalled();
  expect(JSON.parse(localStorage.getItem("session-guard"))).toBeTruthy();
});

test("provideSessionGuard serves the descendants with one guard; a failed start reaches them too", async () => {
  const onSignOut = vi.fn();
  const onError = vi.fn();
  const Child = defineComponent({
    setup() {
      const { status } = useSession();
      return () => h("i", null, status.value);
    },
  });
  const { el, unmount } = mount(
    defineComponent({
      setup() {
        provideSessionGuard({ idleTimeoutMs: 60_000, evnts: ["keydown"], onSignOut, onError });
        return () => [h(Child), h(Child)];
      },
    }),
  );
  await settle();
  await nextTick();
  expect(el.textContent).toBe("errorerror");
  expect(String(onError.mock.calls[0][0])).toMatch(/evnts/);
  expect(onSignOut.mock.calls[0][0]).toMatchObject({ reason: "error" });
  expect(guards()).toBe(0);
  unmount();
});

test("announcement is a ref that changes only at the paced steps: what reads it renders 5 times in a 2-minute session with a 60-second warning", async () => {
  vi.useFakeTimers({ now: T0 });
  const rendered = [];
  const { el, unmount } = mount(
    defineComponent({
      setup() {
        const { announcement } = useSessionGuard({ idleTimeoutMs: 120_000, warnBeforeMs: 60_000, onSignOut: () => {} });
        return () => {
          rendered.push(announcement.value);
          return h("p", { "aria-live": "polite" }, announcement.value ?? "");
        };
      },
    }),
  );
  await vi.advanceTimersByTimeAsync(90_000);
  expect(el.textContent).toBe("40 seconds");
  await vi.advanceTimersByTimeAsync(31_000);
  expect(rendered).toEqual([null, "1 minute", "40 seconds", "20 seconds", null]);
  unmount();
});
