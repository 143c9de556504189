import type { NextConfig } from "next";

// create-next-app's config; BASELINE=1 builds the same app with a stand-in
// for session-guard/react that guards nothing (the size baseline).
const nextConfig: NextConfig = {
  cacheComponents: true,
  partialPrefetching: true,
  ...(process.env.BASELINE
    ? { distDir: ".next-baseline", turbopack: { resolveAlias: { "session-guard/react": "./baseline.tsx" } } }
    : {}),
};

export default nextConfig;
