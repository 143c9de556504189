// The framework bindings' types (session-guard/react, /vue, /svelte and
// /angular) as a user's code meets them: the live state's fields, among them
// the paced `announcement` for a screen reader's live region.
import type { Session, SessionGuardBindingOptions, SessionView } from "session-guard/react";
import type { SessionRefs } from "session-guard/vue";
import type { SessionStore } from "session-guard/svelte";
import type { SessionGuardService } from "session-guard/angular";

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | void {}

type Announcement = `${number} minutes` | "1 minute" | "40 seconds" | "20 seconds" | null;
expectType<Equal<SessionView["announcement"], Announcement>>();

declare const react: Session;
expectType<Equal<typeof react.announcement, Announcement>>();
const spoken: string = react.announcement ?? "";

declare const vue: SessionRefs;
expectType<Equal<typeof vue.announcement.value, Announcement>>();

declare const store: SessionStore;
store.subscribe((value) => {
  expectType<Equal<typeof value.announcement, Announcement>>();
  console.log(spoken, value.announcement?.toUpperCase());
});

declare const angular: SessionGuardService;
expectType<Equal<ReturnType<typeof angular.announcement>, Announcement>>();
expectType<Equal<ReturnType<typeof angular.state>["announcement"], Announcement>>();

// Back after the end: `signedOut` becomes the guard's end told once more,
// restored, in every binding; a failed start's end never is. The app's
// onSignOut reads `restored` on whatever it gets, a failed start's too.
type Restored = true | undefined;
expectType<Equal<NonNullable<SessionView["signedOut"]>["restored"], Restored>>();
expectType<Equal<NonNullable<ReturnType<typeof angular.signedOut>>["restored"], Restored>>();
expectType<Equal<NonNullable<typeof vue.signedOut.value>["restored"], Restored>>();
const leave: SessionGuardBindingOptions["onSignOut"] = (e) => {
  if (e.restored) location.replace("/sign-in");
};
if (react.signedOut?.restored) leave(react.signedOut);

// What the types reject:
// @ts-expect-error the time left is announced in steps, never "59 seconds"
const everySecond: SessionView["announcement"] = "59 seconds";
// @ts-expect-error the announcement is text, not a number of ms
const inMs: SessionView["announcement"] = 60_000;
console.log(everySecond, inMs);
