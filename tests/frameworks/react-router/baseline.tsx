// A stand-in for session-guard/react that guards nothing (the size baseline).
import type { ReactNode } from "react";

const session = { status: "active", warning: null, remainingMs: 0, staySignedIn() {}, signOut() {} };
export const SessionGuardProvider = ({ children }: { children?: ReactNode }) => children;
export const useSession = () => session;
