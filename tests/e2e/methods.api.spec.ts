// The password, authenticator-app and default-method endpoints over plain HTTP: who may call them,
// what bodies they refuse, and that a refusal changes nothing.
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { E2E } from "../fixtures/e2e-env";
import { appCode, decodeShownSecret } from "../fixtures/methods";
import { expect, test, type TestUser } from "../fixtures/playwright";

const ORIGIN = E2E.baseURL;

const ENDPOINTS = [
  { method: "PUT", path: "/api/me/password", body: { newPassword: "plum tree under the bridge" } },
  { method: "POST", path: "/api/me/authenticator-app", body: {} },
  { method: "POST", path: "/api/me/authenticator-app/confirm", body: { code: "123456" } },
  { method: "DELETE", path: "/api/me/authenticator-app", body: {} },
  { method: "PUT", path: "/api/me/default-sign-in-method", body: { method: "passkey" } },
] as const;

function send(ctx: APIRequestContext, method: string, path: string, data: unknown, headers: Record<string, string> = {}) {
  return ctx.fetch(path, { method, data, headers: { origin: ORIGIN, ...headers } });
}

async function expectError(res: APIResponse, status: number, code: string) {
  expect({ status: res.status(), body: await res.json() }).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
}

async function signIn(ctx: APIRequestContext, user: TestUser) {
  const res = await send(ctx, "POST", "/api/auth/tap", { email: user.email, code: user.tapCode });
  expect(res.status()).toBe(200);
}

/** What these endpoints could change about a user. */
async function state(userId: string) {
  const db = getDb();
  return {
    user: await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true, defaultSignInMethod: true } }),
    app: await db.authenticatorApp.findUnique({ where: { userId } }),
    audit: await db.auditEvent.count({ where: { subjectUserId: userId } }),
  };
}

test("every endpoint refuses a request without a session (UNAUTHENTICATED)", async ({ playwright, user }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    for (const e of ENDPOINTS) await expectError(await send(ctx, e.method, e.path, e.body), 401, "UNAUTHENTICATED");
    expect((await state(user.id)).app).toBeNull();
  } finally {
    await ctx.dispose();
  }
});

test("every endpoint refuses another site's request (CROSS_SITE_REQUEST) and changes nothing", async ({ playwright, user }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signIn(ctx, user);
    const before = await state(user.id);
    for (const e of ENDPOINTS) {
      await expectError(await send(ctx, e.method, e.path, e.body, { origin: "https://evil.example" }), 403, "CROSS_SITE_REQUEST");
    }
    expect(await state(user.id)).toEqual(before);
  } finally {
    await ctx.dispose();
  }
});

test("malformed bodies get 400 INVALID_REQUEST and change nothing", async ({ playwright, user }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signIn(ctx, user);
    const before = await state(user.id);
    const bad: Array<[string, string, unknown]> = [
      ["PUT", "/api/me/password", {}],
      ["PUT", "/api/me/password", { newPassword: 12345678 }],
      ["PUT", "/api/me/password", { newPassword: "x".repeat(1025) }],
      ["POST", "/api/me/authenticator-app", { secret: "mine" }],
      ["POST", "/api/me/authenticator-app/confirm", { code: 123456 }],
      ["POST", "/api/me/authenticator-app/confirm", { code: "1".repeat(17) }],
      ["DELETE", "/api/me/authenticator-app", { force: true }],
      ["PUT", "/api/me/default-sign-in-method", { method: "tap" }],
      ["PUT", "/api/me/default-sign-in-method", {}],
    ];
    for (const [method, path, body] of bad) await expectError(await send(ctx, method, path, body), 400, "INVALID_REQUEST");
    expect(await state(user.id)).toEqual(before);
  } finally {
    await ctx.dispose();
  }
});

test("setup answers the secret once, uncached; confirming twice or setting up again is refused (409)", async ({ playwright, user }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signIn(ctx, user);
    await expectError(await send(ctx, "DELETE", "/api/me/authenticator-app", {}), 404, "AUTHENTICATOR_APP_NOT_FOUND");
    await expectError(await send(ctx, "POST", "/api/me/authenticator-app/confirm", { code: "123456" }), 404, "AUTHENTICATOR_APP_NOT_FOUND");

    const setup = await send(ctx, "POST", "/api/me/authenticator-app", {});
    expect(setup.status()).toBe(200);
    expect(setup.headers()["cache-control"]).toContain("no-store");
    const { secret: shown } = (await setup.json()) as { secret: string };
    const secret = decodeShownSecret(shown);

    const confirmed = await send(ctx, "POST", "/api/me/authenticator-app/confirm", { code: appCode(secret) });
    expect(confirmed.status()).toBe(200);
    expect(await confirmed.json()).toEqual({ authenticatorApp: { addedAt: expect.any(String) } });
    const after = await state(user.id);
    await expectError(await send(ctx, "POST", "/api/me/authenticator-app/confirm", { code: appCode(secret, 1) }), 409, "AUTHENTICATOR_APP_EXISTS");
    await expectError(await send(ctx, "POST", "/api/me/authenticator-app", {}), 409, "AUTHENTICATOR_APP_EXISTS");
    expect(await state(user.id)).toEqual(after);
  } finally {
    await ctx.dispose();
  }
});
