import init, { SessionGuard, type ServerDeadlines } from "session-guard";
import Keycloak from "keycloak-js";

export const keycloak = new Keycloak({ url: "https://sso.example.com", realm: "app", clientId: "web-app" });
// "check-sso": a refused refresh must not start a login redirect of its own.
if (!(await keycloak.init({ onLoad: "check-sso", pkceMethod: "S256" }))) await keycloak.login();
// Never refresh from keycloak.onTokenExpired: that timer renews idle users' tokens too.

// The access token's `exp` is epoch seconds on Keycloak's clock; keycloak-js
// estimates how many seconds this page's clock runs ahead of it (`timeSkew`).
function deadlines(): ServerDeadlines {
  const exp = keycloak.tokenParsed?.exp;
  const skew = keycloak.timeSkew;
  return {
    expiresAt: exp === undefined ? undefined : exp * 1000,
    now: skew === null ? undefined : Date.now() - skew * 1000,
  };
}

await init();
export const guard = new SessionGuard({
  idleTimeoutMs: 15 * 60_000, // at most the realm's Access Token Lifespan, here 15 min
  keepAliveMs: 5 * 60_000, // a third of it
  onKeepAlive: async (): Promise<ServerDeadlines> => {
    await keycloak.updateToken(-1); // -1: refresh now, whatever the token's age
    return deadlines();
  },
  onSignOut: (e) => {
    if (e.remote) location.assign("/signed-out");
    else void keycloak.logout({ redirectUri: `${location.origin}/signed-out` });
  },
});
guard.sync(deadlines());
// keycloak-js clears the tokens when Keycloak refuses a refresh (the session
// ended or was revoked) or its session iframe sees a sign-out.
keycloak.onAuthLogout = () => guard.signOut();
