import init, { SessionGuard, type ServerDeadlines } from "session-guard";
import { createAuth0Client, GenericError } from "@auth0/auth0-spa-js";

export const auth0 = await createAuth0Client({
  domain: "login.example.com",
  clientId: "YOUR_CLIENT_ID",
  authorizationParams: { redirect_uri: location.origin },
});

await init();
export const guard = new SessionGuard({
  idleTimeoutMs: 15 * 60_000,
  keepAliveMs: 10 * 60_000, // a third of the tenant's session inactivity timeout, here 30 min
  onKeepAlive: async (): Promise<ServerDeadlines> => {
    const asked = Date.now();
    try {
      // cacheMode "off": always ask Auth0 (a token from the cache renews nothing);
      // detailedResponse: the token comes with its lifetime.
      const token = await auth0.getTokenSilently({ cacheMode: "off", detailedResponse: true });
      if (!token) throw new Error("silent authentication gave no token");
      // expires_in: seconds from the request, on this page's clock: no `now`.
      return { expiresAt: asked + token.expires_in * 1000 };
    } catch (e) {
      if (e instanceof GenericError && (e.error === "login_required" || e.error === "invalid_grant")) {
        guard.signOut(); // the Auth0 session is over
        return {};
      }
      throw e; // to onError; the next keep-alive tries again
    }
  },
  onSignOut: (e) => {
    if (e.remote) location.assign("/signed-out");
    else void auth0.logout({ logoutParams: { returnTo: `${location.origin}/signed-out` } });
  },
});
