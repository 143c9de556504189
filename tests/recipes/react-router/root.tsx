import type { ReactNode } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "react-router";
import { SessionGuardProvider } from "session-guard/react";

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

// One guard for every route, kept across client-side navigations.
export default function App() {
  return (
    <SessionGuardProvider
      idleTimeoutMs={15 * 60_000}
      maxDurationMs={8 * 60 * 60_000}
      warnBeforeMs={60_000}
      confirmToStay
      onSignOut={(e) => location.assign(`/signed-out?reason=${e.reason}`)}
    >
      <Outlet />
    </SessionGuardProvider>
  );
}
