import init, { SessionGuard, type ServerDeadlines } from "session-guard";
import { ErrorResponse, UserManager, WebStorageStateStore, type User } from "oidc-client-ts";

export const userManager = new UserManager({
  authority: "https://login.example.com",
  client_id: "web-app",
  redirect_uri: `${location.origin}/signin-callback`,
  silent_redirect_uri: `${location.origin}/silent-callback`, // not used with refresh tokens
  post_logout_redirect_uri: `${location.origin}/signed-out`,
  // Off: its timer renews the tokens of idle users too, for ever.
  automaticSilentRenew: false,
  // One tab renews for the whole session, so the tabs share the user (the default store is per tab).
  userStore: new WebStorageStateStore({ store: window.localStorage }),
});

// `expires_at` is epoch seconds on this page's clock (oidc-client-ts adds
// `expires_in` to Date.now()), so no `now` is needed.
function deadlines(user: User): ServerDeadlines {
  return { expiresAt: user.expires_at === undefined ? undefined : user.expires_at * 1000 };
}

await init();
export const guard = new SessionGuard({
  idleTimeoutMs: 15 * 60_000, // at most the access token's lifetime, here 15 min
  keepAliveMs: 5 * 60_000, // a third of it
  onKeepAlive: async (): Promise<ServerDeadlines> => {
    try {
      const user = await userManager.signinSilent();
      if (!user) throw new Error("silent sign-in gave no user");
      return deadlines(user);
    } catch (e) {
      if (e instanceof ErrorResponse && (e.error === "login_required" || e.error === "invalid_grant")) {
        guard.signOut(); // the provider's session is over
        return {};
      }
      throw e; // to onError; the next keep-alive tries again
    }
  },
  onSignOut: (e) => {
    if (e.remote) location.assign("/signed-out");
    else void userManager.signoutRedirect(); // removes the stored user, then signs out at the provider
  },
});

const user = await userManager.getUser();
if (user) guard.sync(deadlines(user));
