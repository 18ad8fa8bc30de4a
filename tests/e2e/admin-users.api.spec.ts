// The administrators' user routes over HTTP: who may call them, what they refuse, and that a
// refusal changes nothing.
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { createAdminWithTap, deleteUserById, storePasskey } from "../fixtures/admin-users";
import { E2E } from "../fixtures/e2e-env";
import { expect, test, type TestUser } from "../fixtures/playwright";
import { uniqueEmail } from "../fixtures/unique-email";

const ORIGIN = E2E.baseURL;

function endpoints(userId: string, passkeyId: string) {
  return [
    { method: "GET", path: `/api/admin/users?q=${encodeURIComponent("e2e")}`, body: undefined },
    { method: "DELETE", path: `/api/admin/users/${userId}/passkeys/${passkeyId}`, body: {} },
    { method: "POST", path: `/api/admin/users/${userId}/tap`, body: { lifetimeMinutes: 30, oneTime: true } },
    { method: "POST", path: `/api/admin/users/${userId}/sessions/revoke`, body: {} },
    { method: "POST", path: `/api/admin/users/${userId}/require-reregistration`, body: {} },
  ];
}

function send(ctx: APIRequestContext, method: string, path: string, data: unknown) {
  return ctx.fetch(path, { method, data, headers: { origin: ORIGIN } });
}

async function expectError(res: APIResponse, status: number, code: string) {
  expect({ status: res.status(), body: await res.json() }).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
}

async function signIn(ctx: APIRequestContext, user: { email: string; tapCode: string }) {
  const res = await send(ctx, "POST", "/api/auth/tap", { email: user.email, code: user.tapCode });
  expect(res.status()).toBe(200);
}

/** What these routes could change about a user. */
async function state(userId: string) {
  const db = getDb();
  return {
    passkeys: await db.passkey.count({ where: { userId } }),
    tap: await db.temporaryAccessPass.findUnique({ where: { userId }, select: { codeHash: true } }),
    sessions: await db.userSession.count({ where: { userId } }),
    user: await db.user.findUniqueOrThrow({ where: { id: userId }, select: { campaignSkips: true, campaignSnoozedUntil: true } }),
    audit: await db.auditEvent.count({ where: { subjectUserId: userId } }),
  };
}

async function withContext(use: (ctx: APIRequestContext) => Promise<void>, playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }) {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await use(ctx);
  } finally {
    await ctx.dispose();
  }
}

test("every route refuses a user who is not an administrator (403 FORBIDDEN) and without a session (401)", async ({ playwright, user }) => {
  const target = user;
  const passkey = await storePasskey(target.id);
  await withContext(async (ctx) => {
    for (const e of endpoints(target.id, passkey.id)) await expectError(await send(ctx, e.method, e.path, e.body), 401, "UNAUTHENTICATED");
  }, playwright);
  await withContext(async (ctx) => {
    await signIn(ctx, target as TestUser);
    const before = await state(target.id);
    for (const e of endpoints(target.id, passkey.id)) await expectError(await send(ctx, e.method, e.path, e.body), 403, "FORBIDDEN");
    expect(await state(target.id)).toEqual(before);
  }, playwright);
});

test("an administrator searches over HTTP; bad queries and cursors are 400, other users' passkeys 404", async ({ playwright, user }) => {
  const admin = await createAdminWithTap(uniqueEmail("e2e-admin"));
  const other = await createAdminWithTap(uniqueEmail("e2e-other"));
  try {
    const othersPasskey = await storePasskey(other.id);
    await withContext(async (ctx) => {
      await signIn(ctx, admin);
      const found = await send(ctx, "GET", `/api/admin/users?q=${encodeURIComponent(user.email)}`, undefined);
      expect(found.status()).toBe(200);
      expect(await found.json()).toMatchObject({ users: [{ id: user.id, email: user.email, passkeys: 0 }], total: { count: 1, approximate: false, capped: false }, nextCursor: null, previousCursor: null });

      await expectError(await send(ctx, "GET", "/api/admin/users?after=tampered", undefined), 400, "INVALID_REQUEST");
      await expectError(await send(ctx, "GET", "/api/admin/users?filter=everyone", undefined), 400, "INVALID_REQUEST");
      await expectError(await send(ctx, "GET", "/api/admin/users?offset=50", undefined), 400, "INVALID_REQUEST");

      const before = await state(other.id);
      await expectError(await send(ctx, "DELETE", `/api/admin/users/${user.id}/passkeys/${othersPasskey.id}`, {}), 404, "PASSKEY_NOT_FOUND");
      await expectError(await send(ctx, "POST", `/api/admin/users/${user.id}/tap`, { lifetimeMinutes: 5, oneTime: true }), 400, "INVALID_REQUEST");
      await expectError(await send(ctx, "POST", `/api/admin/users/not-a-user/sessions/revoke`, {}), 404, "USER_NOT_FOUND");
      expect(await state(other.id)).toEqual(before);

      const revoked = await send(ctx, "POST", `/api/admin/users/${other.id}/sessions/revoke`, {});
      expect({ status: revoked.status(), body: await revoked.json() }).toEqual({ status: 200, body: { revoked: 0 } });
    }, playwright);
  } finally {
    await deleteUserById(admin.id);
    await deleteUserById(other.id);
  }
});
