import type { ReactNode } from "react";
import { SessionGuard } from "./session-guard";

// One guard for every page, kept across client-side navigations.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionGuard>{children}</SessionGuard>
      </body>
    </html>
  );
}
