import { guard } from "./session";

/** `fetch` for the app's own API: a 401 means the server session is over. */
export async function api(input: RequestInfo | URL, options?: RequestInit): Promise<Response> {
  const response = await fetch(input, { credentials: "same-origin", ...options });
  if (response.status === 401) guard.signOut(); // in every tab, at once
  return response;
}
