// The passkey sign-in requests our server answers itself (scripts/lib/direct-routes.ts, decision
// 020) answer as Next.js's routes do: the same headers, cookies spelled the same way, the same
// refusals. The rest of the suite signs in through them, so this file checks only the seams.
import type { APIResponse } from "@playwright/test";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";

const JSON_POST = { "content-type": "application/json", origin: E2E.baseURL };

/**
 * Header names that differ per response by nature (time, length, connection), are compared apart,
 * or are Next.js's alone: the Vary of its router (rsc, next-router-*) and the gzip it applies; our
 * answers are a few hundred bytes, which gzip does not shorten enough to pay its CPU (decision 020).
 */
const PER_RESPONSE = new Set([
  "date",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "set-cookie",
  "content-security-policy",
  "vary",
  "content-encoding",
]);

function comparable(res: APIResponse): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers()).filter(([name]) => !PER_RESPONSE.has(name)));
}

/** The policy's directives with the nonce taken out: each response has its own. */
function cspWithoutNonce(res: APIResponse): string {
  return (res.headers()["content-security-policy"] ?? "").replace(/'nonce-[^']+'/, "'nonce'");
}

test("answers with the headers a route Next.js serves answers with, success and error alike", async ({ request }) => {
  // Served by our server: the sign-in options. Served by Next.js: identifying a user by email.
  const direct = await request.post("/api/webauthn/authentication/options", { headers: JSON_POST, data: {} });
  const viaNext = await request.post("/api/auth/identify", { headers: JSON_POST, data: { email: "nobody-here@example.com" } });
  expect(direct.status()).toBe(200);
  expect(viaNext.status()).toBe(200);
  expect(comparable(direct)).toEqual(comparable(viaNext));
  expect(cspWithoutNonce(direct)).toBe(cspWithoutNonce(viaNext));
  expect(direct.headers()["content-type"]).toBe("application/json");
  expect(direct.headers()["cache-control"]).toBe("no-store");
  expect(direct.headers()["content-encoding"]).toBeUndefined();
  // And it is ours that answered: Next.js would have added its router's Vary.
  expect(direct.headers()["vary"]).toBeUndefined();
  expect(Number(direct.headers()["content-length"])).toBe((await direct.body()).length);

  // Refused the same way: invalid JSON is a 400 in our error shape, from both.
  const directError = await request.post("/api/webauthn/authentication/verify", { headers: JSON_POST, data: "{not json" });
  const nextError = await request.post("/api/auth/identify", { headers: JSON_POST, data: "{not json" });
  expect(directError.status()).toBe(400);
  expect(nextError.status()).toBe(400);
  expect(await directError.json()).toEqual(await nextError.json());
  expect(comparable(directError)).toEqual(comparable(nextError));
});

test("sets the binding cookie as Next.js sets cookies, and reads it back on the next request", async ({ request }) => {
  const first = await request.post("/api/webauthn/authentication/options", { headers: JSON_POST, data: {} });
  const line = first.headersArray().find((h) => h.name.toLowerCase() === "set-cookie")?.value ?? "";
  expect(line).toMatch(/^si_binding=Fe26\.2\*[^;]+; Path=\/; Expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=\d+; HttpOnly; SameSite=lax$/);
  // The same browser asks again: its binding is read from the cookie, not replaced.
  const again = await request.post("/api/webauthn/authentication/options", { headers: JSON_POST, data: {} });
  expect(again.headersArray().some((h) => h.name.toLowerCase() === "set-cookie")).toBe(false);
});

test("refuses what the route refuses: another origin, a form body, a body over 64 KiB, another method", async ({ request }) => {
  const path = "/api/webauthn/authentication/verify";
  const crossSite = await request.post(path, { headers: { ...JSON_POST, origin: "https://evil.example" }, data: {} });
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()).error.code).toBe("CROSS_SITE_REQUEST");

  const form = await request.post(path, { headers: { origin: E2E.baseURL, "content-type": "application/x-www-form-urlencoded" }, data: "a=1" });
  expect(form.status()).toBe(415);

  // A body over the limit, without a Content-Length that says so (chunked): refused while reading.
  const big = await request.post(path, { headers: JSON_POST, data: JSON.stringify({ response: "x".repeat(70 * 1024) }) });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe("PAYLOAD_TOO_LARGE");

  const get = await request.get(path);
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toBe("POST, OPTIONS");
});

test("answers adding a passkey as a signed-in user's route Next.js serves: nobody signed in is refused alike", async ({ request }) => {
  // Served by our server: the registration options and verify. Served by Next.js: ending the
  // user's other sessions, a route for signed-in users too.
  const viaNext = await request.post("/api/me/sessions/revoke", { headers: JSON_POST, data: {} });
  expect(viaNext.status()).toBe(401);
  for (const path of ["/api/webauthn/registration/options", "/api/webauthn/registration/verify"]) {
    const direct = await request.post(path, { headers: JSON_POST, data: {} });
    expect(direct.status()).toBe(401);
    expect(await direct.json()).toEqual(await viaNext.json());
    expect(comparable(direct)).toEqual(comparable(viaNext));
    expect(direct.headers()["vary"]).toBeUndefined();
  }
});
