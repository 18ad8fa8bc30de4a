// What a session is worth, over HTTP (docs/decisions/013-what-a-session-is-worth.md): a passkey
// sign-in without user verification is single-factor and passes no step-up and no administration;
// with it, the same requests pass. A session ends with the passkey it was signed in with.
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { createTapUser, deleteTestUser, signInRequest } from "../fixtures/admin-audit";
import { E2E } from "../fixtures/e2e-env";
import { expect, test, type TestUser } from "../fixtures/playwright";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";

const ORIGIN = E2E.baseURL;
const RP_ID = "localhost";

type CreationOptions = Parameters<SoftAuthenticator["createCredential"]>[0]["options"];
type RequestOptions = Parameters<SoftAuthenticator["getAssertion"]>[0]["options"];

function send(ctx: APIRequestContext, method: string, path: string, data: unknown = {}): Promise<APIResponse> {
  return ctx.fetch(path, { method, data, headers: { origin: ORIGIN } });
}

async function expectError(res: APIResponse, what: string, status: number, code: string) {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
  expect({ what, status: res.status(), code: body?.error?.code }).toEqual({ what, status, code });
}

async function expectOk(res: APIResponse, what: string) {
  expect({ what, status: res.status(), body: res.ok() ? null : await res.text() }).toEqual({ what, status: 200, body: null });
}

/** Registers a passkey held by `authenticator` for the signed-in user of `ctx`. */
async function registerPasskey(ctx: APIRequestContext, authenticator: SoftAuthenticator, name: string): Promise<string> {
  const optionsRes = await send(ctx, "POST", "/api/webauthn/registration/options");
  await expectOk(optionsRes, "registration options");
  const response = authenticator.createCredential({ options: (await optionsRes.json()) as CreationOptions, origin: ORIGIN, rpId: RP_ID });
  const res = await send(ctx, "POST", "/api/webauthn/registration/verify", { response, name });
  await expectOk(res, "registration verify");
  return ((await res.json()) as { passkey: { id: string } }).passkey.id;
}

/** A usernameless passkey sign-in in `ctx`, with or without the UV flag. */
async function passkeySignIn(ctx: APIRequestContext, authenticator: SoftAuthenticator, userVerified: boolean): Promise<void> {
  const optionsRes = await send(ctx, "POST", "/api/webauthn/authentication/options");
  await expectOk(optionsRes, "authentication options");
  const options = (await optionsRes.json()) as RequestOptions;
  const response = authenticator.getAssertion({ options, origin: ORIGIN, overrides: { userVerified } });
  await expectOk(await send(ctx, "POST", "/api/webauthn/authentication/verify", { response }), "authentication verify");
}

let admin: TestUser;
let member: TestUser;
let authenticator: SoftAuthenticator;
let passkeyId: string;

test.beforeAll(async ({ playwright }) => {
  admin = await createTapUser("admin", "worth-admin");
  member = await createTapUser("user", "worth-member");
  // A security key that can do without a PIN: it answers with or without user verification.
  authenticator = new SoftAuthenticator({ transports: ["usb"], userVerified: false });
  const setup = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signInRequest(setup, admin);
    passkeyId = await registerPasskey(setup, authenticator, "Security key");
  } finally {
    await setup.dispose();
  }
});

test.afterAll(async () => {
  await deleteTestUser(admin);
  await deleteTestUser(member);
});

test("a passkey without user verification signs in single-factor: step-ups answer 401 REAUTH_REQUIRED, administration 403", async ({ playwright }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await passkeySignIn(ctx, authenticator, false);
    // Signed in: its own security info answers.
    await expectOk(await ctx.get("/api/me/passkeys"), "own passkeys");

    await expectError(await send(ctx, "POST", "/api/webauthn/registration/options"), "add a passkey", 401, "REAUTH_REQUIRED");
    await expectError(await send(ctx, "POST", "/api/me/authenticator-app"), "set up an app", 401, "REAUTH_REQUIRED");
    await expectError(await send(ctx, "PUT", "/api/me/password", { newPassword: "a long unusual passphrase 42" }), "set a password", 401, "REAUTH_REQUIRED");
    await expectError(await send(ctx, "DELETE", `/api/me/passkeys/${passkeyId}`, { confirmNoSignInMethod: true }), "delete a passkey", 401, "REAUTH_REQUIRED");
    await expectError(await send(ctx, "POST", `/api/admin/users/${member.id}/sessions/revoke`), "an admin change", 403, "MULTIFACTOR_REQUIRED");
    await expectError(await ctx.get("/api/admin/users"), "an admin read", 403, "MULTIFACTOR_REQUIRED");
    const page = await ctx.get("/admin/users", { maxRedirects: 0 });
    expect(page.status()).toBe(403);
    expect(await page.text()).toContain("Sign in with multifactor authentication");

    const row = await getDb().user.findUniqueOrThrow({ where: { id: admin.id }, select: { passwordHash: true, authenticatorApp: { select: { id: true } } } });
    expect(row).toEqual({ passwordHash: null, authenticatorApp: null });
  } finally {
    await ctx.dispose();
  }
});

test("the same passkey with user verification signs in multifactor: the same requests pass", async ({ playwright }) => {
  const ctx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await passkeySignIn(ctx, authenticator, true);
    await expectOk(await send(ctx, "POST", "/api/webauthn/registration/options"), "add a passkey");
    await expectOk(await send(ctx, "POST", "/api/me/authenticator-app"), "set up an app");
    await expectOk(await send(ctx, "PUT", "/api/me/password", { newPassword: "a long unusual passphrase 42" }), "set a password");
    await expectOk(await send(ctx, "POST", `/api/admin/users/${member.id}/sessions/revoke`), "an admin change");
    await expectOk(await ctx.get("/api/admin/users"), "an admin read");
    const passkey = await getDb().passkey.findUniqueOrThrow({ where: { id: passkeyId }, select: { userVerified: true } });
    expect(passkey.userVerified).toBe(true);
  } finally {
    await ctx.dispose();
  }
});

test("the step-up dialog's options ask the authenticator to verify the user", async ({ request }) => {
  const res = await send(request, "POST", "/api/webauthn/authentication/options", { email: admin.email, stepUp: true });
  await expectOk(res, "step-up options");
  expect(((await res.json()) as RequestOptions).userVerification).toBe("required");
  const plain = await send(request, "POST", "/api/webauthn/authentication/options", { email: admin.email });
  expect(((await plain.json()) as RequestOptions).userVerification).toBe("preferred");
});

test("deleting a passkey ends the sessions signed in with it, whoever deletes it", async ({ playwright }) => {
  const user = await createTapUser("user", "worth-follow");
  const key = new SoftAuthenticator({ transports: ["usb"] });
  const owner = await playwright.request.newContext({ baseURL: ORIGIN });
  const phone = await playwright.request.newContext({ baseURL: ORIGIN });
  const laptop = await playwright.request.newContext({ baseURL: ORIGIN });
  const adminCtx = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signInRequest(owner, user);
    const first = await registerPasskey(owner, key, "First");
    const second = await registerPasskey(owner, key, "Second");

    // The phone signs in with the first passkey and the owner deletes it: the phone is signed out.
    const credentials = await getDb().passkey.findMany({ where: { userId: user.id }, select: { id: true, credentialId: true } });
    expect(credentials.map((c) => c.id).sort()).toEqual([first, second].sort());
    await signInWithCredential(phone, key, credentials.find((c) => c.id === first)!.credentialId);
    await expectOk(await phone.get("/api/me/passkeys"), "phone signed in");
    await expectOk(await send(owner, "DELETE", `/api/me/passkeys/${first}`, {}), "owner deletes the first passkey");
    await expectError(await phone.get("/api/me/passkeys"), "phone after the delete", 401, "UNAUTHENTICATED");
    // The session that deleted it stood on a pass, not on that passkey: it stays.
    await expectOk(await owner.get("/api/me/passkeys"), "owner still signed in");

    // The laptop signs in with the second one and an administrator deletes it.
    await signInWithCredential(laptop, key, credentials.find((c) => c.id === second)!.credentialId);
    await expectOk(await laptop.get("/api/me/passkeys"), "laptop signed in");
    await signInRequest(adminCtx, admin);
    await expectOk(await send(adminCtx, "DELETE", `/api/admin/users/${user.id}/passkeys/${second}`, {}), "admin deletes the second passkey");
    await expectError(await laptop.get("/api/me/passkeys"), "laptop after the delete", 401, "UNAUTHENTICATED");
  } finally {
    await Promise.all([owner.dispose(), phone.dispose(), laptop.dispose(), adminCtx.dispose()]);
    await deleteTestUser(user);
  }
});

/** A username-first sign-in with one chosen credential of `authenticator`. */
async function signInWithCredential(ctx: APIRequestContext, authenticator: SoftAuthenticator, credentialId: string): Promise<void> {
  const optionsRes = await send(ctx, "POST", "/api/webauthn/authentication/options");
  const options = (await optionsRes.json()) as RequestOptions;
  const response = authenticator.getAssertion({ options, origin: ORIGIN, credentialId, overrides: { userVerified: true } });
  await expectOk(await send(ctx, "POST", "/api/webauthn/authentication/verify", { response }), "authentication verify");
}
