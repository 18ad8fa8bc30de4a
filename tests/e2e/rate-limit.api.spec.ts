// The per-account limit on WebAuthn options requests, over HTTP against the production build: past
// CEREMONY_RATE_PER_ACCOUNT (default 20 a minute) the endpoint answers 429 RATE_LIMITED with
// Retry-After, writes no challenge, and an unknown email is answered exactly like a known one.
// (The per-IP limit is set out of reach for the browser tests, which all come from one address.)
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { E2E } from "../fixtures/e2e-env";
import { expect, test } from "../fixtures/playwright";
import { uniqueEmail } from "../fixtures/unique-email";

const PER_ACCOUNT = 20;

function signInOptions(request: APIRequestContext, email: string) {
  return request.post("/api/webauthn/authentication/options", { data: { email }, headers: { origin: E2E.baseURL } });
}

/**
 * Windows are fixed and aligned to the epoch (CEREMONY_RATE_WINDOW_SECONDS, 60 here): start a burst
 * only with at least 15 s of the window left, so the count cannot restart in the middle of it.
 */
async function awaitRoomInWindow(windowMs = 60_000, room = 15_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < room) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

async function exhaust(request: APIRequestContext, email: string): Promise<APIResponse> {
  await awaitRoomInWindow();
  for (let i = 0; i < PER_ACCOUNT; i++) expect((await signInOptions(request, email)).status()).toBe(200);
  return signInOptions(request, email);
}

async function expectRateLimited(res: APIResponse): Promise<number> {
  expect(res.status()).toBe(429);
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  const retryAfter = Number(res.headers()["retry-after"]);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await res.json()).toEqual({
    error: { code: "RATE_LIMITED", message: `Too many requests. Wait ${retryAfter} ${retryAfter === 1 ? "second" : "seconds"}, then try again.` },
  });
  return retryAfter;
}

test("a known account past its options limit gets 429 with Retry-After, and no challenge is written", async ({ request, user }) => {
  const refused = await exhaust(request, user.email);
  const challengesBefore = await getDb().challenge.count({ where: { userId: user.id } });
  await expectRateLimited(refused);
  await expectRateLimited(await signInOptions(request, user.email.toUpperCase()));
  expect(await getDb().challenge.count({ where: { userId: user.id } })).toBe(challengesBefore);

  // Other accounts and usernameless sign-in are not affected.
  expect((await signInOptions(request, uniqueEmail())).status()).toBe(200);
  const usernameless = await request.post("/api/webauthn/authentication/options", { data: {}, headers: { origin: E2E.baseURL } });
  expect(usernameless.status()).toBe(200);
});

test("an unknown email is limited exactly like a known one", async ({ request }) => {
  await expectRateLimited(await exhaust(request, uniqueEmail()));
});
