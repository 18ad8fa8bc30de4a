// Every administrator route and page, as found on disk, refuses everyone but a signed-in
// administrator, and every state-changing route also a stale one, changing nothing. Routes and
// pages added later are covered without editing this file.
import type { APIRequestContext, APIResponse } from "@playwright/test";
import {
  agedSessionState,
  createTapUser,
  databaseFingerprint,
  deleteTestUser,
  discoverAdminPages,
  discoverAdminRoutes,
  signInRequest,
} from "../fixtures/admin-audit";
import { givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import { expect, test, type TestUser } from "../fixtures/playwright";

const ORIGIN = E2E.baseURL;
const STALE_MS = 11 * 60_000; // past the default FRESHNESS_MINUTES (10)

let admin: TestUser;
let member: TestUser;
let passwordAdmin: TestUser;

test.beforeAll(async () => {
  admin = await createTapUser("admin");
  member = await createTapUser("user");
  passwordAdmin = await createTapUser("admin", "password-admin");
  await givePassword(passwordAdmin.id);
});

test.afterAll(async () => {
  await deleteTestUser(admin);
  await deleteTestUser(member);
  await deleteTestUser(passwordAdmin);
});

/** Signs in with a password alone: a single-factor session. */
async function signInWithPasswordOnly(ctx: APIRequestContext, user: TestUser): Promise<void> {
  const res = await ctx.post("/api/auth/password", { data: { email: user.email, password: TEST_PASSWORD }, headers: { origin: ORIGIN } });
  expect(res.status()).toBe(200);
}

/** A request as the browser's own code would send it: same origin, JSON body for changes. */
function call(ctx: APIRequestContext, method: string, path: string): Promise<APIResponse> {
  const changes = !["GET", "HEAD", "OPTIONS"].includes(method);
  return ctx.fetch(path, { method, headers: { origin: ORIGIN }, ...(changes && { data: {} }), maxRedirects: 0 });
}

async function expectError(res: APIResponse, what: string, status: number, code: string) {
  // A HEAD answer has no body to carry the code; its status must still match.
  const body = what.startsWith("HEAD ") ? { error: { code } } : await res.json().catch(() => null);
  expect({ what, status: res.status(), code: body?.error?.code }).toEqual({ what, status, code });
}

test("finds the administrator routes and pages on disk", async () => {
  const routes = await discoverAdminRoutes(member.id);
  expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(["GET /api/admin/audit", "GET /api/admin/audit/export"]));
  expect(await discoverAdminPages(member.id)).toEqual(expect.arrayContaining(["/admin", "/admin/audit"]));
});

test("every /api/admin route: 401 without a session, 403 for a non-administrator, 401 REAUTH_REQUIRED for a stale administrator on a change; nothing changes", async ({ playwright }) => {
  // Dynamic segments get a real user's id: the guard must answer before anything is looked up.
  const routes = await discoverAdminRoutes(member.id);
  const anonymous = await playwright.request.newContext({ baseURL: ORIGIN });
  const nonAdmin = await playwright.request.newContext({ baseURL: ORIGIN });
  const freshAdmin = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signInRequest(nonAdmin, member);
    await signInRequest(freshAdmin, admin);
    const staleAdmin = await playwright.request.newContext({ baseURL: ORIGIN, storageState: await agedSessionState(freshAdmin, STALE_MS) });
    try {
      // The aged cookie is really stale: a step-up-guarded user route refuses it too.
      await expectError(await call(staleAdmin, "POST", "/api/webauthn/registration/options"), "stale admin self-check", 401, "REAUTH_REQUIRED");
      const before = await databaseFingerprint();
      for (const route of routes) {
        const what = `${route.method} ${route.path} (${route.file})`;
        await expectError(await call(anonymous, route.method, route.path), `${what} anonymous`, 401, "UNAUTHENTICATED");
        await expectError(await call(nonAdmin, route.method, route.path), `${what} non-admin`, 403, "FORBIDDEN");
        if (!["GET", "HEAD", "OPTIONS"].includes(route.method)) {
          await expectError(await call(staleAdmin, route.method, route.path), `${what} stale admin`, 401, "REAUTH_REQUIRED");
        } else {
          // Reading needs no fresh sign-in: the stale administrator gets past the guard.
          expect([401, 403], `${what} stale admin`).not.toContain((await call(staleAdmin, route.method, route.path)).status());
        }
      }
      expect(await databaseFingerprint()).toEqual(before);
    } finally {
      await staleAdmin.dispose();
    }
  } finally {
    await Promise.all([anonymous.dispose(), nonAdmin.dispose(), freshAdmin.dispose()]);
  }
});

test("every /admin page: anonymous users go to sign-in, non-administrators get 403, administrators get in", async ({ playwright }) => {
  const pages = await discoverAdminPages(member.id);
  const anonymous = await playwright.request.newContext({ baseURL: ORIGIN });
  const nonAdmin = await playwright.request.newContext({ baseURL: ORIGIN });
  const asAdmin = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signInRequest(nonAdmin, member);
    await signInRequest(asAdmin, admin);
    const before = await databaseFingerprint();
    for (const page of pages) {
      const away = await anonymous.get(page, { maxRedirects: 0 });
      expect({ page, status: away.status() }).toEqual({ page, status: 307 });
      expect(away.headers().location, page).toMatch(/^\/signin\?returnTo=/);

      const refused = await nonAdmin.get(page, { maxRedirects: 0 });
      expect({ page, status: refused.status() }).toEqual({ page, status: 403 });
      // The 403 page's text travels in the page's payload and is rendered in the browser.
      expect(await refused.text(), page).toContain("You don't have access to this page");

      const allowed = await asAdmin.get(page, { maxRedirects: 0 });
      expect([401, 403], page).not.toContain(allowed.status());
      if (allowed.status() === 307) expect(allowed.headers().location, page).not.toMatch(/^\/signin/);
    }
    expect(await databaseFingerprint()).toEqual(before);
  } finally {
    await Promise.all([anonymous.dispose(), nonAdmin.dispose(), asAdmin.dispose()]);
  }
});

test("a password-only administrator reaches no /api/admin route and no /admin page, reads included; nothing changes", async ({ playwright }) => {
  const routes = await discoverAdminRoutes(member.id);
  const pages = await discoverAdminPages(member.id);
  const singleFactor = await playwright.request.newContext({ baseURL: ORIGIN });
  try {
    await signInWithPasswordOnly(singleFactor, passwordAdmin);
    // Signed in all the same: its own security info answers.
    expect((await singleFactor.get("/api/me/passkeys")).status()).toBe(200);
    const before = await databaseFingerprint();
    for (const route of routes) {
      await expectError(await call(singleFactor, route.method, route.path), `${route.method} ${route.path} (${route.file}) password-only admin`, 403, "MULTIFACTOR_REQUIRED");
    }
    for (const page of pages) {
      const refused = await singleFactor.get(page, { maxRedirects: 0 });
      expect({ page, status: refused.status() }).toEqual({ page, status: 403 });
      expect(await refused.text(), page).toContain("Sign in with multifactor authentication");
    }
    expect(await databaseFingerprint()).toEqual(before);
  } finally {
    await singleFactor.dispose();
  }
});
