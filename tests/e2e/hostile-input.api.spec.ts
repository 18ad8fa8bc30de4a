// Over HTTP: hostile text is a 400 (never a 500), searches take % and _ literally, wrong methods
// get our JSON 405 with Allow, and every /api/ answer is Cache-Control: no-store.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { createTapUser, deleteTestUser, signInRequest } from "../fixtures/admin-audit";
import { E2E } from "../fixtures/e2e-env";
import { expect, storePasskey, test, type TestUser } from "../fixtures/playwright";
import { uniqueEmail } from "../fixtures/unique-email";
import { createUser } from "@/server/users";
import { getDb } from "@/server/db";

const ORIGIN = E2E.baseURL;

async function expectInvalid(res: APIResponse, what: string) {
  const text = await res.text();
  expect({ what, status: res.status(), code: (JSON.parse(text) as { error?: { code?: string } }).error?.code }).toEqual({
    what,
    status: 400,
    code: "INVALID_REQUEST",
  });
}

let admin: TestUser;
let user: TestUser;
let adminCtx: APIRequestContext;
let userCtx: APIRequestContext;

test.beforeAll(async ({ playwright }) => {
  admin = await createTapUser("admin", "hostile-admin");
  user = await createTapUser("user", "hostile-user");
  adminCtx = await playwright.request.newContext({ baseURL: ORIGIN });
  userCtx = await playwright.request.newContext({ baseURL: ORIGIN });
  await signInRequest(adminCtx, admin);
  await signInRequest(userCtx, user);
});

test.afterAll(async () => {
  await adminCtx.dispose();
  await userCtx.dispose();
  await deleteTestUser(admin);
  await deleteTestUser(user);
});

test.describe("hostile text", () => {
  test("a passkey name with NUL, C1, a bidi override or isolate is a 400, and the name stays", async () => {
    const passkey = await storePasskey(user.id, { name: "Laptop" });
    for (const name of ["a\u0000b", "abc\u202egnp.exe", "x\u2066y", "C1\u0085", "\ud800"]) {
      const res = await userCtx.patch(`/api/me/passkeys/${passkey.id}`, { data: { name }, headers: { origin: ORIGIN } });
      await expectInvalid(res, JSON.stringify(name));
    }
    expect((await getDb().passkey.findUniqueOrThrow({ where: { id: passkey.id } })).name).toBe("Laptop");

    // 64 emoji are 64 characters on both sides; e + combining accent is stored composed.
    const emoji = "😀".repeat(64);
    const ok = await userCtx.patch(`/api/me/passkeys/${passkey.id}`, { data: { name: emoji }, headers: { origin: ORIGIN } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).passkey.name).toBe(emoji);
    const composed = await userCtx.patch(`/api/me/passkeys/${passkey.id}`, { data: { name: "Cafe\u0301" }, headers: { origin: ORIGIN } });
    expect((await composed.json()).passkey.name).toBe("Café");
  });

  test("a NUL or bidi character in an administrators' search is a 400, not a 500", async () => {
    for (const char of ["\u0000", "\u202e", "\u0085"]) {
      const q = encodeURIComponent(`ada${char}`);
      await expectInvalid(await adminCtx.get(`/api/admin/users?q=${q}`), `users q ${JSON.stringify(char)}`);
      await expectInvalid(await adminCtx.get(`/api/admin/policy/users?email=${q}`), `policy users ${JSON.stringify(char)}`);
      await expectInvalid(await adminCtx.get(`/api/admin/reports/registrations?q=${q}`), `registrations ${JSON.stringify(char)}`);
      await expectInvalid(await adminCtx.get(`/api/admin/reports/registrations/export?q=${q}`), `registrations export ${JSON.stringify(char)}`);
      await expectInvalid(await adminCtx.get(`/api/admin/audit?user=${q}`), `audit user ${JSON.stringify(char)}`);
      await expectInvalid(await adminCtx.get(`/api/admin/audit/export?user=${q}`), `audit export user ${JSON.stringify(char)}`);
    }
  });

  test("audit cursors and dates out of PostgreSQL's range are a 400, not a 500", async () => {
    const cursor = (text: string) => Buffer.from(text, "utf8").toString("base64url");
    for (const bad of [
      `cursor=${cursor("2026-11-25T10:00:00.000Z|9223372036854775808")}`,
      `cursor=${cursor("2026-11-25T10:00:00.000Z|9999999999999999999")}&direction=newer`,
      `cursor=${cursor("0000-01-01T00:00:00.000Z|1")}`,
      "from=0000-01-01",
      "to=9999-12-31",
    ]) {
      await expectInvalid(await adminCtx.get(`/api/admin/audit?${bad}`), bad);
    }
    await expectInvalid(await adminCtx.get("/api/admin/reports/activity?from=0001-01-01&to=0001-01-02"), "activity year 1");
  });

  test("% and _ in the policy's user search match themselves, not everyone", async () => {
    const prefix = `zzwild${Date.now().toString(36)}`;
    const made = [];
    for (const tail of ["%a", "_b", "xc"]) made.push(await createUser({ email: `${prefix}${tail}@example.test`, displayName: "Wildcard" }));
    try {
      const emails = async (q: string) =>
        ((await (await adminCtx.get(`/api/admin/policy/users?email=${encodeURIComponent(q)}`)).json()) as { users: Array<{ email: string }> }).users.map((u) => u.email);
      expect(await emails(`${prefix}%`)).toEqual([`${prefix}%a@example.test`]);
      expect(await emails(`${prefix}_`)).toEqual([`${prefix}_b@example.test`]);
      for (const email of await emails("%")) expect(email.startsWith("%")).toBe(true);
    } finally {
      await getDb().user.deleteMany({ where: { id: { in: made.map((u) => u.id) } } });
    }
  });
});

// ---------------------------------------------------------------------------------------------

const EXPORTED = /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;

/** Every route file on disk, as a requestable path (a dynamic segment filled in) and its methods. */
function routesOnDisk(): Array<{ route: string; path: string; methods: string[] }> {
  return readdirSync("src/app", { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith("route.ts"))
    .map((file) => {
      const route = `/${dirname(file)}`.replaceAll("\\", "/");
      const methods = [...readFileSync(join("src/app", file), "utf8").matchAll(EXPORTED)].map((m) => m[1]!);
      return { route, path: route.replace(/\[[^\]]+\]/g, "00000000-0000-4000-8000-000000000000"), methods };
    });
}

test.describe("methods a route does not take", () => {
  test("every route file answers each method it does not export with our JSON 405, Allow and the security headers", async ({ request }) => {
    const routes = routesOnDisk();
    expect(routes.length).toBeGreaterThan(20);
    for (const { route, path, methods } of routes) {
      const allow = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methods.includes(m))) {
        const res = await request.fetch(path, { method, headers: { origin: ORIGIN, "content-type": "application/json" }, data: method === "GET" ? undefined : "{}" });
        const where = `${method} ${route}`;
        expect(res.status(), where).toBe(405);
        expect(res.headers()["content-type"], where).toMatch(/^application\/json/);
        expect(await res.json(), where).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: expect.any(String) } });
        expect(res.headers()["allow"], where).toBe(allow.join(", "));
        expect(res.headers()["content-security-policy"], where).toContain("frame-ancestors 'none'");
        expect(res.headers()["x-content-type-options"], where).toBe("nosniff");
      }
    }
  });

  // Next.js 16 builds a fetch Request for every request, and fetch forbids TRACE: it would throw
  // and answer 500, so our HTTP server (scripts/lib/serve.ts) answers it, as it answers every
  // wrong method.
  test("TRACE gets our JSON 405 too, with Allow and the security headers, on routes and pages", async ({ request }) => {
    for (const [path, allow] of [["/api/auth/tap", "POST, OPTIONS"], ["/security-info", "GET, HEAD, OPTIONS"]] as const) {
      const res = await request.fetch(path, { method: "TRACE" });
      expect(res.status(), path).toBe(405);
      expect(await res.json(), path).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: expect.any(String) } });
      expect(res.headers()["allow"], path).toBe(allow);
      expect(res.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
    }
  });

  test("the methods a route takes still reach it", async ({ request }) => {
    expect((await request.get("/.well-known/webauthn")).status()).toBe(200);
    expect((await request.head("/.well-known/webauthn")).status()).toBe(200);
    expect((await request.fetch("/api/auth/tap", { method: "OPTIONS" })).status()).toBeLessThan(300);
    expect((await request.get("/api/me/passkeys")).status()).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------

test.describe("Cache-Control: no-store", () => {
  test("on every /api/ answer: signed in or out, JSON or CSV, success or error", async ({ request }) => {
    const passkey = await storePasskey(user.id, { name: `Cache ${Date.now()}` });
    const answers: Array<[string, APIResponse]> = [
      ["GET /api/me/passkeys", await userCtx.get("/api/me/passkeys")],
      ["PATCH /api/me/passkeys/[id]", await userCtx.patch(`/api/me/passkeys/${passkey.id}`, { data: { name: `Renamed ${Date.now()}` }, headers: { origin: ORIGIN } })],
      ["GET /api/me/passkeys signed out", await request.get("/api/me/passkeys")],
      ["GET /api/admin/users", await adminCtx.get("/api/admin/users")],
      ["GET /api/admin/policy", await adminCtx.get("/api/admin/policy")],
      ["GET /api/admin/audit", await adminCtx.get("/api/admin/audit")],
      ["GET /api/admin/audit/export", await adminCtx.get("/api/admin/audit/export")],
      ["GET /api/admin/reports/registrations/export", await adminCtx.get("/api/admin/reports/registrations/export")],
      ["GET /api/admin/reports/activity", await adminCtx.get("/api/admin/reports/activity")],
      ["POST /api/auth/identify", await request.post("/api/auth/identify", { data: { email: uniqueEmail("nobody") }, headers: { origin: ORIGIN } })],
      ["POST /api/webauthn/authentication/options", await request.post("/api/webauthn/authentication/options", { data: {}, headers: { origin: ORIGIN } })],
      ["POST /api/webauthn/registration/options", await userCtx.post("/api/webauthn/registration/options", { data: {}, headers: { origin: ORIGIN } })],
      ["POST /api/auth/tap refused", await request.post("/api/auth/tap", { data: { email: uniqueEmail("nobody"), code: "AAAA-BBBB-CCCC" }, headers: { origin: ORIGIN } })],
      ["PUT /api/auth/tap (405)", await request.put("/api/auth/tap", { data: {}, headers: { origin: ORIGIN } })],
      ["GET /api/nowhere (404)", await request.get("/api/nowhere")],
    ];
    for (const [what, res] of answers) {
      expect(res.status(), what).toBeLessThan(500);
      // Next.js's not-found answer writes its own, longer header; it says no-store too.
      expect(res.headers()["cache-control"], what).toMatch(what.endsWith("(404)") ? /(^|, )no-store(,|$)/ : /^no-store$/);
    }
  });

  test("not on pages' static files, which stay cacheable", async ({ request }) => {
    const html = await (await request.get("/signin")).text();
    const script = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    expect((await request.get(script!)).headers()["cache-control"]).toContain("immutable");
  });
});

