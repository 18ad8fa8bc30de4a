// HTTP-level security rules of the API, driven without a browser: cross-site request protection,
// body limits and parsing, authentication, the session cookie, and challenge binding. Every
// refusal also checks that nothing changed (no session, no rows, no audit success).
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { getDb } from "@/server/db";
import { codeFor, giveAuthenticatorApp, givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import { E2E } from "../fixtures/e2e-env";
import { expect, passkeysOf, test, type TestUser } from "../fixtures/playwright";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { uniqueEmail } from "../fixtures/unique-email";

const ORIGIN = E2E.baseURL;
const RP_ID = "localhost";
const MAX_BODY_BYTES = 64 * 1024;

type CreationOptions = Parameters<SoftAuthenticator["createCredential"]>[0]["options"];
type RequestOptions = Parameters<SoftAuthenticator["getAssertion"]>[0]["options"];

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/** A same-site JSON request, as our own pages send it. */
function post(ctx: APIRequestContext, path: string, data: unknown, headers: Record<string, string> = {}) {
  return ctx.post(path, { data, headers: { origin: ORIGIN, ...headers } });
}

function patch(ctx: APIRequestContext, path: string, data: unknown, headers: Record<string, string> = {}) {
  return ctx.patch(path, { data, headers: { origin: ORIGIN, ...headers } });
}

/** Asserts the `{ error: { code, message } }` shape, its status and code; returns the error. */
async function expectError(res: APIResponse, status: number, code: string) {
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  expect({ status: res.status(), body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  return body!.error!;
}

interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function setCookies(res: APIResponse): SetCookie[] {
  return res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => {
      const [pair = "", ...attrs] = h.value.split(";").map((s) => s.trim());
      const eq = pair.indexOf("=");
      const attributes = new Map(
        attrs.map((a) => {
          const i = a.indexOf("=");
          return i < 0 ? [a.toLowerCase(), ""] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      );
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
    });
}

function sessionCookieOf(res: APIResponse): SetCookie | undefined {
  return setCookies(res).find((c) => c.name === "si_session");
}

async function jarHasSession(ctx: APIRequestContext): Promise<boolean> {
  return (await ctx.storageState()).cookies.some((c) => c.name === "si_session");
}

/** This cookie jar is not signed in: the API says so and no session cookie was stored. */
async function expectSignedOut(ctx: APIRequestContext) {
  await expectError(await ctx.get("/api/me/passkeys"), 401, "UNAUTHENTICATED");
  expect(await jarHasSession(ctx)).toBe(false);
}

/** The user never signed in: pass unused, no sign-in time, no sign-in audit event of any outcome. */
async function expectNoSignIn(user: TestUser) {
  const row = await getDb().user.findUniqueOrThrow({
    where: { id: user.id },
    select: { lastSignInAt: true, temporaryAccessPass: { select: { usedAt: true } } },
  });
  expect(row.lastSignInAt).toBeNull();
  expect(row.temporaryAccessPass?.usedAt).toBeNull();
  expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: { not: "tap.issued" } } })).toBe(0);
}

async function signInWithTapApi(ctx: APIRequestContext, user: TestUser) {
  const res = await post(ctx, "/api/auth/tap", { email: user.email, code: user.tapCode });
  expect(res.status()).toBe(200);
  return res;
}

async function registrationOptions(ctx: APIRequestContext): Promise<CreationOptions> {
  const res = await post(ctx, "/api/webauthn/registration/options", {});
  expect(res.status()).toBe(200);
  return (await res.json()) as CreationOptions;
}

async function authenticationOptions(ctx: APIRequestContext, email?: string): Promise<RequestOptions> {
  const res = await post(ctx, "/api/webauthn/authentication/options", email ? { email } : {});
  expect(res.status()).toBe(200);
  return (await res.json()) as RequestOptions;
}

/** Registers a passkey held by `authenticator` for the signed-in user of `ctx`, over the API only. */
async function registerSoftPasskey(ctx: APIRequestContext, authenticator: SoftAuthenticator, name?: string) {
  const options = await registrationOptions(ctx);
  const response = authenticator.createCredential({ options, origin: ORIGIN, rpId: RP_ID });
  const res = await post(ctx, "/api/webauthn/registration/verify", { response, name });
  expect(res.status()).toBe(200);
  const { passkey } = (await res.json()) as { passkey: { id: string; name: string } };
  return { credentialId: response.id, passkeyId: passkey.id, name: passkey.name };
}

/** A well-formed registration response for options nobody issued (for requests refused earlier). */
function unsolicitedRegistrationResponse() {
  const options = {
    challenge: randomBytes(32).toString("base64url"),
    rp: { id: RP_ID, name: "Security Info" },
    user: { id: randomBytes(32).toString("base64url"), name: "nobody@example.test", displayName: "Nobody" },
    pubKeyCredParams: [{ alg: -7, type: "public-key" }],
  } as CreationOptions;
  return new SoftAuthenticator().createCredential({ options, origin: ORIGIN, rpId: RP_ID });
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A POST through node:http, for what APIRequestContext cannot send: a chunked body without
 * Content-Length, or no Content-Type at all. `chunks` are written one by one.
 */
function rawPost(path: string, headers: Record<string, string>, chunks: string[]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(new URL(path, ORIGIN), { method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    // The server may answer (and close) before it has read the whole body; that is not a failure.
    req.on("error", (e) => !settled && reject(e));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

function expectRawError(res: RawResponse, status: number, code: string) {
  expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
}

// ---------------------------------------------------------------------------------------------
// cross-site request protection
// ---------------------------------------------------------------------------------------------

test.describe("cross-site request protection", () => {
  test("refuses a cross-site sign-in carrying a valid Temporary Access Pass and signs nobody in", async ({ request, user }) => {
    const res = await request.post("/api/auth/tap", {
      data: { email: user.email, code: user.tapCode },
      headers: { origin: "http://evil.example" },
    });
    await expectError(res, 403, "CROSS_SITE_REQUEST");
    expect(setCookies(res)).toEqual([]);
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  const foreignOrigins: Array<[string, string | undefined]> = [
    ["no Origin header", undefined],
    ["another port", "http://localhost:3000"],
    ["another scheme", "https://localhost:3100"],
    ["the IP address instead of the host name", "http://127.0.0.1:3100"],
    ["a look-alike host", "http://localhost:3100.evil.example"],
    ["an opaque origin", "null"],
    ["a trailing slash", `${ORIGIN}/`],
  ];
  for (const [label, origin] of foreignOrigins) {
    test(`refuses a state-changing request with ${label}`, async ({ request, user }) => {
      const res = await request.post("/api/auth/tap", {
        data: { email: user.email, code: user.tapCode },
        headers: origin === undefined ? {} : { origin },
      });
      await expectError(res, 403, "CROSS_SITE_REQUEST");
      expect(setCookies(res)).toEqual([]);
      await expectSignedOut(request);
      await expectNoSignIn(user);
    });
  }

  test("APIRequestContext sends no Origin of its own (so the missing-Origin case is real)", async () => {
    const raw = await rawPost("/api/auth/tap", { "content-type": "application/json" }, ['{"email":"a@example.test","code":"X"}']);
    expectRawError(raw, 403, "CROSS_SITE_REQUEST");
  });

  test("refuses cross-site sign-out, rename and ceremonies for a signed-in user, and changes nothing", async ({ request, user }) => {
    await signInWithTapApi(request, user);
    const { passkeyId } = await registerSoftPasskey(request, new SoftAuthenticator(), "Original name");
    const evil = { origin: "http://evil.example" };
    const challengesBefore = await getDb().challenge.count({ where: { userId: user.id } });

    await expectError(await post(request, "/api/auth/signout", {}, evil), 403, "CROSS_SITE_REQUEST");
    await expectError(await patch(request, `/api/me/passkeys/${passkeyId}`, { name: "Renamed by attacker" }, evil), 403, "CROSS_SITE_REQUEST");
    await expectError(await post(request, "/api/webauthn/registration/options", {}, evil), 403, "CROSS_SITE_REQUEST");
    await expectError(
      await post(request, "/api/webauthn/registration/verify", { response: unsolicitedRegistrationResponse() }, evil),
      403,
      "CROSS_SITE_REQUEST",
    );

    // Still signed in, the name unchanged, no challenge minted, nothing audited.
    const list = await request.get("/api/me/passkeys");
    expect(list.status()).toBe(200);
    expect((await list.json()).passkeys).toEqual([expect.objectContaining({ id: passkeyId, name: "Original name" })]);
    expect(await getDb().challenge.count({ where: { userId: user.id } })).toBe(challengesBefore);
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "passkey.renamed" } })).toBe(0);
    expect(await passkeysOf(user.id)).toHaveLength(1);
  });

  test("grants no cross-origin reads: no CORS headers on reads or preflights", async ({ request, user }) => {
    await signInWithTapApi(request, user);
    const read = await request.get("/api/me/passkeys", { headers: { origin: "http://evil.example" } });
    expect(read.status()).toBe(200);
    expect(read.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(read.headers()["access-control-allow-credentials"]).toBeUndefined();

    const preflight = await request.fetch("/api/auth/tap", {
      method: "OPTIONS",
      headers: {
        origin: "http://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status()).toBeLessThan(500);
    expect(preflight.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers()["access-control-allow-headers"]).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// request bodies
// ---------------------------------------------------------------------------------------------

test.describe("request bodies", () => {
  const nonJsonTypes: Array<[string, (u: TestUser) => string]> = [
    ["text/plain", (u) => JSON.stringify({ email: u.email, code: u.tapCode })],
    ["text/plain;charset=UTF-8", (u) => JSON.stringify({ email: u.email, code: u.tapCode })],
    ["application/x-www-form-urlencoded", (u) => new URLSearchParams({ email: u.email, code: u.tapCode }).toString()],
    ["multipart/form-data; boundary=x", (u) => `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${u.email}\r\n--x--\r\n`],
    ["application/jsonp", (u) => JSON.stringify({ email: u.email, code: u.tapCode })],
    ["application/json-patch+json", (u) => JSON.stringify({ email: u.email, code: u.tapCode })],
  ];
  for (const [type, body] of nonJsonTypes) {
    test(`refuses a ${type.split(";")[0]} body from our own origin with 415 and signs nobody in (${type})`, async ({ request, user }) => {
      const res = await request.post("/api/auth/tap", { data: body(user), headers: { origin: ORIGIN, "content-type": type } });
      await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
      expect(setCookies(res)).toEqual([]);
      await expectSignedOut(request);
      await expectNoSignIn(user);
    });
  }

  test("refuses a body without any Content-Type with 415", async ({ request, user }) => {
    const raw = await rawPost("/api/auth/tap", { origin: ORIGIN }, [JSON.stringify({ email: user.email, code: user.tapCode })]);
    expectRawError(raw, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(raw.headers["set-cookie"]).toBeUndefined();
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  test("answers malformed JSON with 400 INVALID_REQUEST", async ({ request, user }) => {
    for (const text of ["{", `{"email":"${user.email}","code":"${user.tapCode}"`, "nul", "{'email':'x'}", "\u0000"]) {
      // A Buffer is sent as is: Playwright would JSON-encode a string that is not valid JSON.
      const res = await request.post("/api/auth/tap", {
        data: Buffer.from(text),
        headers: { origin: ORIGIN, "content-type": "application/json" },
      });
      const error = await expectError(res, 400, "INVALID_REQUEST");
      expect(error.message).toBe("The request body is not valid JSON.");
    }
    // Valid JSON of the wrong shape is a validation error, still 400 and never a 500.
    for (const data of ["null", "[]", "42", `"${user.email}"`]) {
      const res = await request.post("/api/auth/tap", { data: Buffer.from(data), headers: { origin: ORIGIN, "content-type": "application/json" } });
      const error = await expectError(res, 400, "INVALID_REQUEST");
      expect(error.message).not.toBe("The request body is not valid JSON.");
    }
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  test("refuses a 70 KiB body with 413 before signing in, even with valid credentials", async ({ request, user }) => {
    const data = JSON.stringify({ email: user.email, code: user.tapCode, padding: "x".repeat(70 * 1024) });
    const res = await request.post("/api/auth/tap", { data: Buffer.from(data), headers: { origin: ORIGIN, "content-type": "application/json" } });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(setCookies(res)).toEqual([]);
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  test("refuses a chunked 70 KiB body that declares no Content-Length with 413", async ({ request, user }) => {
    const json = JSON.stringify({ email: user.email, code: user.tapCode, padding: "x".repeat(70 * 1024) });
    const chunks = json.match(/[\s\S]{1,8192}/g)!;
    const raw = await rawPost(
      "/api/auth/tap",
      { origin: ORIGIN, "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks,
    );
    expectRawError(raw, 413, "PAYLOAD_TOO_LARGE");
    expect(raw.headers["set-cookie"]).toBeUndefined();
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  test("accepts a body of exactly 64 KiB and refuses one byte more", async ({ playwright, user }) => {
    const bodyOfSize = (size: number) => {
      const head = JSON.stringify({ email: user.email, code: user.tapCode, padding: "" });
      return head.replace('"padding":""', `"padding":"${"x".repeat(size - head.length)}"`);
    };
    const over = await playwright.request.newContext({ baseURL: ORIGIN });
    const atLimit = await playwright.request.newContext({ baseURL: ORIGIN });
    try {
      const tooBig = bodyOfSize(MAX_BODY_BYTES + 1);
      expect(Buffer.byteLength(tooBig)).toBe(MAX_BODY_BYTES + 1);
      await expectError(
        await over.post("/api/auth/tap", { data: Buffer.from(tooBig), headers: { origin: ORIGIN, "content-type": "application/json" } }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      await expectSignedOut(over);
      await expectNoSignIn(user);

      const justFits = bodyOfSize(MAX_BODY_BYTES);
      expect(Buffer.byteLength(justFits)).toBe(MAX_BODY_BYTES);
      const res = await atLimit.post("/api/auth/tap", { data: Buffer.from(justFits), headers: { origin: ORIGIN, "content-type": "application/json" } });
      expect(res.status()).toBe(200);
    } finally {
      await over.dispose();
      await atLimit.dispose();
    }
  });

  test("answers wrongly typed fields with 400 INVALID_REQUEST and changes nothing", async ({ request, user }) => {
    const tapBodies: unknown[] = [
      { email: 5, code: user.tapCode },
      { email: user.email, code: 5 },
      { email: [user.email], code: user.tapCode },
      { email: user.email, code: [user.tapCode] },
      { email: user.email },
      { code: user.tapCode },
      { email: "not-an-email", code: user.tapCode },
      { email: user.email, code: "   " },
      { email: user.email, code: "A".repeat(65) },
      { email: { $ne: null }, code: { $ne: null } },
    ];
    for (const body of tapBodies) {
      await expectError(await post(request, "/api/auth/tap", body), 400, "INVALID_REQUEST");
    }
    await expectError(await post(request, "/api/webauthn/authentication/options", { email: 5 }), 400, "INVALID_REQUEST");
    await expectError(await post(request, "/api/webauthn/authentication/verify", { response: "x" }), 400, "INVALID_REQUEST");
    await expectSignedOut(request);
    await expectNoSignIn(user);

    // Signed in: the registration and rename bodies are validated as strictly.
    await signInWithTapApi(request, user);
    const { passkeyId } = await registerSoftPasskey(request, new SoftAuthenticator(), "Kept");
    await expectError(await post(request, "/api/webauthn/registration/options", { authenticatorType: "usb" }), 400, "INVALID_REQUEST");
    await expectError(await post(request, "/api/webauthn/registration/verify", { response: { id: 5 } }), 400, "INVALID_REQUEST");
    for (const name of [5, null, "", "   ", "x".repeat(65), ["a"]]) {
      await expectError(await patch(request, `/api/me/passkeys/${passkeyId}`, { name }), 400, "INVALID_REQUEST");
    }
    expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Kept"]);
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "passkey.renamed" } })).toBe(0);
  });

  test("ignores unknown JSON fields: they cannot choose the account or the session's strength", async ({ request, user }) => {
    // Written out by hand so that "__proto__" is an own key of the JSON, as an attacker would send it.
    const extra = `"userId":"${randomUUID()}","role":"admin","mfa":false,"methods":["passkey"],"__proto__":{"role":"admin"}`;
    const res = await request.post("/api/auth/tap", {
      data: `{"email":${JSON.stringify(user.email)},"code":${JSON.stringify(user.tapCode)},${extra}}`,
      headers: { origin: ORIGIN, "content-type": "application/json; charset=utf-8" },
    });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ user: { id: user.id, email: user.email, displayName: "E2E User" } });
    // The session is the fixture user's, and strong enough to add a passkey (mfa was not lowered).
    const options = await post(request, "/api/webauthn/registration/options", { authenticatorType: "localDevice", extra: 1 });
    expect(options.status()).toBe(200);
    const { passkeyId } = await registerSoftPasskey(request, new SoftAuthenticator(), "Mine");
    const renamed = await patch(request, `/api/me/passkeys/${passkeyId}`, { name: "Renamed", userId: randomUUID(), id: randomUUID() });
    expect(renamed.status()).toBe(200);
    expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Renamed"]);
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true } })).toEqual({ role: "user" });
  });
});

// ---------------------------------------------------------------------------------------------
// authentication required
// ---------------------------------------------------------------------------------------------

test.describe("authentication required", () => {
  test("every protected route answers 401 UNAUTHENTICATED without a session and creates nothing", async ({ request, user }) => {
    const registrationChallengesBefore = await getDb().challenge.count({ where: { purpose: "registration" } });
    const auditBefore = await getDb().auditEvent.count();

    await expectError(await post(request, "/api/webauthn/registration/options", {}), 401, "UNAUTHENTICATED");
    await expectError(await post(request, "/api/webauthn/registration/options", { authenticatorType: "securityKey" }), 401, "UNAUTHENTICATED");
    await expectError(
      await post(request, "/api/webauthn/registration/verify", { response: unsolicitedRegistrationResponse(), name: "x" }),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(await request.get("/api/me/passkeys"), 401, "UNAUTHENTICATED");
    await expectError(await patch(request, `/api/me/passkeys/${randomUUID()}`, { name: "x" }), 401, "UNAUTHENTICATED");
    // Authentication comes before validating the id, so unauthenticated callers learn nothing.
    await expectError(await patch(request, "/api/me/passkeys/not-a-uuid", { name: "x" }), 401, "UNAUTHENTICATED");

    expect(await getDb().challenge.count({ where: { purpose: "registration" } })).toBe(registrationChallengesBefore);
    expect(await getDb().auditEvent.count()).toBe(auditBefore);
    await expectSignedOut(request);
    await expectNoSignIn(user);
  });

  // Guards a fixed bug: the registration routes used to read and validate the body (and the options
  // route to save a fresh si_binding cookie) before they looked at the session.
  test("registration routes check the session before reading the body, and give a stranger no cookie", async ({ request }) => {
    const emptyVerify = await post(request, "/api/webauthn/registration/verify", {});
    expect.soft(emptyVerify.status(), "registration/verify with an empty body").toBe(401);
    expect.soft((await emptyVerify.json()).error.code).toBe("UNAUTHENTICATED");

    const badOptions = await post(request, "/api/webauthn/registration/options", { authenticatorType: "usb" });
    expect.soft(badOptions.status(), "registration/options with an invalid body").toBe(401);
    expect.soft((await badOptions.json()).error.code).toBe("UNAUTHENTICATED");

    const options = await post(request, "/api/webauthn/registration/options", {});
    expect(options.status()).toBe(401);
    expect.soft(setCookies(options).map((c) => c.name), "cookies set by a refused registration/options").toEqual([]);
    expect.soft((await request.storageState()).cookies.map((c) => c.name)).toEqual([]);
  });

  test("a forged or foreign session cookie is not a session", async ({ playwright, user }) => {
    const ctx = await playwright.request.newContext({
      baseURL: ORIGIN,
      storageState: {
        cookies: [
          { name: "si_session", value: "Fe26.2**forged**", domain: "localhost", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" },
        ],
        origins: [],
      },
    });
    try {
      await expectError(await ctx.get("/api/me/passkeys"), 401, "UNAUTHENTICATED");
      await expectError(await post(ctx, "/api/webauthn/registration/options", {}), 401, "UNAUTHENTICATED");
      await expectNoSignIn(user);
    } finally {
      await ctx.dispose();
    }
  });

  test("a real cookie whose seal was edited by hand is no session either, never a 500", async ({ playwright, request, user }) => {
    await signInWithTapApi(request, user);
    const real = (await request.storageState()).cookies.find((c) => c.name === "si_session")!;
    const parts = real.value.split("*");
    const edited = [
      real.value.replace(/^Fe26\.2/, "Fe26b2"),
      [parts[0], parts[1], parts[2], "!not-base64!", ...parts.slice(4)].join("*"),
      [...parts.slice(0, 4), "", ...parts.slice(5)].join("*"),
    ];
    for (const value of edited) {
      const ctx = await playwright.request.newContext({
        baseURL: ORIGIN,
        storageState: {
          cookies: [
            { ...real, value },
            { ...real, name: "si_binding", value },
          ],
          origins: [],
        },
      });
      try {
        await expectError(await ctx.get("/api/me/passkeys"), 401, "UNAUTHENTICATED");
        await expectError(await post(ctx, "/api/me/campaign/skip", {}), 401, "UNAUTHENTICATED");
        // The binding cookie is read the same way: an unreadable one is replaced with a fresh one.
        expect((await post(ctx, "/api/webauthn/authentication/options", {})).status(), value).toBe(200);
      } finally {
        await ctx.dispose();
      }
    }
  });

  test("PATCH with a malformed passkey id answers 400 JSON; an unknown id 404; never a 500", async ({ request, user }) => {
    await signInWithTapApi(request, user);
    const { passkeyId } = await registerSoftPasskey(request, new SoftAuthenticator(), "Untouched");
    for (const id of ["not-a-uuid", "1", "%27%20OR%201%3D1%20--", `${passkeyId}x`, "00000000-0000-0000-0000-00000000000g", "%00"]) {
      const error = await expectError(await patch(request, `/api/me/passkeys/${id}`, { name: "Hijacked" }), 400, "INVALID_REQUEST");
      expect(error.message).not.toMatch(/prisma|postgres|uuid.*syntax/i);
    }
    for (const id of [randomUUID(), "00000000-0000-0000-0000-000000000000"]) {
      await expectError(await patch(request, `/api/me/passkeys/${id}`, { name: "Hijacked" }), 404, "PASSKEY_NOT_FOUND");
    }
    expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Untouched"]);
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "passkey.renamed" } })).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// sign-in and the session cookie
// ---------------------------------------------------------------------------------------------

test.describe("sign-in and the session cookie", () => {
  test("a Temporary Access Pass sign-in sets si_session HttpOnly, SameSite=Lax, Path=/, not Secure on localhost", async ({ request, user }) => {
    const res = await signInWithTapApi(request, user);
    const session = setCookies(res).filter((c) => c.name === "si_session");
    expect(session).toHaveLength(1);
    const { attributes, value } = session[0]!;
    expect(value.length).toBeGreaterThan(20);
    // Sealed: neither the user id nor the email can be read from the cookie.
    expect(decodeURIComponent(value)).not.toContain(user.id);
    expect(decodeURIComponent(value)).not.toContain(user.email);
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attributes.get("path")).toBe("/");
    expect(attributes.has("secure")).toBe(false);
    expect(attributes.has("domain")).toBe(false);
    // A bounded lifetime (iron-session: the TTL less a minute), never a years-long cookie.
    const maxAge = Number(attributes.get("max-age"));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(12 * 60 * 60);

    const jar = (await request.storageState()).cookies.find((c) => c.name === "si_session");
    expect(jar).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/", domain: "localhost" });
  });

  test("the challenge-binding cookie si_binding has the same protections", async ({ request }) => {
    const res = await post(request, "/api/webauthn/authentication/options", {});
    expect(res.status()).toBe(200);
    const binding = setCookies(res).find((c) => c.name === "si_binding");
    expect(binding).toBeDefined();
    expect(binding!.attributes.has("httponly")).toBe(true);
    expect(binding!.attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(binding!.attributes.get("path")).toBe("/");
    expect(binding!.attributes.has("secure")).toBe(false);
    // Asking for options must never sign anybody in.
    expect(sessionCookieOf(res)).toBeUndefined();
  });

  test("a wrong pass answers 401 TAP_INVALID, identical for an unknown account and a wrong code", async ({ request, user }) => {
    const wrongCode = await post(request, "/api/auth/tap", { email: user.email, code: "AAAA-BBBB-CCCC-DDDD" });
    const unknownEmail = await post(request, "/api/auth/tap", { email: uniqueEmail("nobody"), code: user.tapCode });
    const a = await expectError(wrongCode, 401, "TAP_INVALID");
    const b = await expectError(unknownEmail, 401, "TAP_INVALID");
    expect(b).toEqual(a);
    expect(await unknownEmail.text()).toBe(await wrongCode.text());
    expect(setCookies(wrongCode)).toEqual([]);
    expect(setCookies(unknownEmail)).toEqual([]);
    await expectSignedOut(request);

    // The reason goes to the audit log only.
    const failures = await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "tap.signin" } });
    expect(failures).toEqual([expect.objectContaining({ outcome: "failure", details: { reason: "wrong code" } })]);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } });
    expect(row.lastSignInAt).toBeNull();
  });

  test("a refused password answers 401 INVALID_CREDENTIALS, byte for byte the same whatever was wrong", async ({ request, user }) => {
    await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    const wrongCode = codeFor(secret) === "000000" ? "111111" : "000000";
    const attempts = [
      { email: user.email, password: "not the password", code: codeFor(secret) },
      { email: user.email, password: TEST_PASSWORD, code: wrongCode },
      { email: user.email, password: TEST_PASSWORD },
      { email: uniqueEmail("nobody"), password: TEST_PASSWORD, code: "123456" },
    ];
    const answers: string[] = [];
    const headerNames: string[] = [];
    for (const body of attempts) {
      const res = await post(request, "/api/auth/password", body);
      await expectError(res, 401, "INVALID_CREDENTIALS");
      expect(setCookies(res)).toEqual([]);
      headerNames.push(Object.keys(res.headers()).sort().join());
      answers.push(await res.text());
    }
    expect(new Set(answers).size).toBe(1);
    expect(new Set(headerNames).size).toBe(1);
    await expectSignedOut(request);
    const reasons = (await getDb().auditEvent.findMany({ where: { subjectUserId: user.id, type: "password.signin" }, orderBy: { id: "asc" } })).map(
      (e) => (e.details as { reason: string }).reason,
    );
    expect(reasons).toEqual(["wrong password", "wrong code", "code missing"]);
  });

  test("a locked account answers 429 SIGN_IN_LOCKED with Retry-After, for the pass and the password alike", async ({ request, user }) => {
    await givePassword(user.id);
    for (let i = 0; i < 5; i++) {
      await expectError(await post(request, "/api/auth/password", { email: user.email, password: `wrong ${i}` }), 401, "INVALID_CREDENTIALS");
    }
    for (const [path, body] of [
      ["/api/auth/password", { email: user.email, password: TEST_PASSWORD }],
      ["/api/auth/tap", { email: user.email, code: user.tapCode }],
    ] as const) {
      const res = await post(request, path, body);
      const error = await expectError(res, 429, "SIGN_IN_LOCKED");
      expect(error.message).toMatch(/^Too many attempts\. Try again in [45] minutes, or sign in with a passkey\.$/);
      const retryAfter = Number(res.headers()["retry-after"]);
      expect(retryAfter).toBeGreaterThan(240);
      expect(retryAfter).toBeLessThanOrEqual(300);
      expect(setCookies(res)).toEqual([]);
    }
    await expectSignedOut(request);
  });

  test("signing out ends the session", async ({ request, user }) => {
    await signInWithTapApi(request, user);
    expect((await request.get("/api/me/passkeys")).status()).toBe(200);

    const res = await post(request, "/api/auth/signout", {});
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ signedOut: true });
    const cleared = sessionCookieOf(res);
    expect(cleared).toBeDefined();
    expect(cleared!.value).toBe("");
    expect(Number(cleared!.attributes.get("max-age") ?? "0")).toBeLessThanOrEqual(0);

    await expectSignedOut(request);
    await expectError(await post(request, "/api/webauthn/registration/options", {}), 401, "UNAUTHENTICATED");
    // Signing out again is harmless.
    expect((await post(request, "/api/auth/signout", {})).status()).toBe(200);
  });

  // Guards a fixed bug: when the session was only a sealed cookie, signing out merely asked this
  // browser to forget it, and a copy taken earlier kept working until its TTL.
  test("a session cookie copied before sign-out no longer works after it", async ({ request, playwright, user }) => {
    await signInWithTapApi(request, user);
    const copied = (await request.storageState()).cookies.find((c) => c.name === "si_session")!;
    expect((await post(request, "/api/auth/signout", {})).status()).toBe(200);
    await expectSignedOut(request);

    const replay = await playwright.request.newContext({ baseURL: ORIGIN, storageState: { cookies: [copied], origins: [] } });
    try {
      await expectError(await replay.get("/api/me/passkeys"), 401, "UNAUTHENTICATED");
      await expectError(await post(replay, "/api/webauthn/registration/options", {}), 401, "UNAUTHENTICATED");
    } finally {
      await replay.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// challenge binding
// ---------------------------------------------------------------------------------------------

test.describe("challenge binding", () => {
  test("an authentication challenge issued to one cookie jar cannot be used from another", async ({ request, playwright, user }) => {
    const authenticator = new SoftAuthenticator();
    await signInWithTapApi(request, user);
    const { credentialId } = await registerSoftPasskey(request, authenticator, "Bound");
    await post(request, "/api/auth/signout", {});

    const a = await playwright.request.newContext({ baseURL: ORIGIN });
    const b = await playwright.request.newContext({ baseURL: ORIGIN });
    const c = await playwright.request.newContext({ baseURL: ORIGIN });
    try {
      const optionsA = await authenticationOptions(a, user.email);
      await authenticationOptions(b, user.email); // B has a binding of its own, and a challenge of its own
      const response = authenticator.getAssertion({ options: optionsA, origin: ORIGIN });

      // B (another binding) and C (no binding at all) present A's signed challenge.
      for (const other of [b, c]) {
        const res = await post(other, "/api/webauthn/authentication/verify", { response });
        await expectError(res, 400, "CHALLENGE_INVALID");
        expect(sessionCookieOf(res)).toBeUndefined();
        await expectSignedOut(other);
      }
      const row = (await passkeysOf(user.id))[0]!;
      expect(row.credentialId).toBe(credentialId);
      expect(Number(row.counter)).toBe(0);
      expect(row.lastUsedAt).toBeNull();
      const failures = await getDb().auditEvent.findMany({
        where: { type: "passkey.authentication", details: { path: ["credentialId"], equals: credentialId } },
      });
      expect(failures.map((e) => [e.outcome, (e.details as { reason: string }).reason])).toEqual([
        ["failure", "CHALLENGE_INVALID"],
        ["failure", "CHALLENGE_INVALID"],
      ]);

      // The foreign attempts left A's challenge in place: A can still finish its own ceremony.
      expect(await getDb().challenge.count({ where: { value: optionsA.challenge } })).toBe(1);
      const own = await post(a, "/api/webauthn/authentication/verify", { response });
      expect(own.status()).toBe(200);
      expect(Number((await passkeysOf(user.id))[0]!.counter)).toBe(1);

      // And it was single-use: replaying the accepted response fails and changes nothing.
      await expectError(await post(a, "/api/webauthn/authentication/verify", { response }), 400, "CHALLENGE_INVALID");
      expect(Number((await passkeysOf(user.id))[0]!.counter)).toBe(1);
    } finally {
      await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
    }
  });

  test("a registration challenge issued to one cookie jar cannot be used from another, even by the same user", async ({ playwright, user }) => {
    const a = await playwright.request.newContext({ baseURL: ORIGIN });
    const b = await playwright.request.newContext({ baseURL: ORIGIN });
    try {
      await signInWithTapApi(a, user);
      await signInWithTapApi(b, user);
      const optionsA = await registrationOptions(a);
      await registrationOptions(b);
      const response = new SoftAuthenticator().createCredential({ options: optionsA, origin: ORIGIN, rpId: RP_ID });

      await expectError(await post(b, "/api/webauthn/registration/verify", { response, name: "Stolen" }), 400, "CHALLENGE_INVALID");
      expect(await passkeysOf(user.id)).toHaveLength(0);

      // The challenge is untouched and A can still use it; the name is A's, not B's.
      const own = await post(a, "/api/webauthn/registration/verify", { response, name: "Mine" });
      expect(own.status()).toBe(200);
      expect((await passkeysOf(user.id)).map((p) => p.name)).toEqual(["Mine"]);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  test("a challenge minted for registration cannot sign in, nor one minted for sign-in register", async ({ request, user }) => {
    const authenticator = new SoftAuthenticator();
    await signInWithTapApi(request, user);
    const registration = await registrationOptions(request);
    const created = authenticator.createCredential({ options: registration, origin: ORIGIN, rpId: RP_ID });
    const signIn = await authenticationOptions(request);

    // A registration response carrying the sign-in challenge.
    const crossed = authenticator.createCredential({
      options: registration,
      origin: ORIGIN,
      rpId: RP_ID,
      overrides: { challenge: signIn.challenge },
    });
    await expectError(await post(request, "/api/webauthn/registration/verify", { response: crossed }), 400, "CHALLENGE_INVALID");
    expect(await passkeysOf(user.id)).toHaveLength(0);

    // Register properly, then present an assertion signed over the registration challenge.
    expect((await post(request, "/api/webauthn/registration/verify", { response: created })).status()).toBe(200);
    const again = await registrationOptions(request);
    const assertion = authenticator.getAssertion({ options: { ...signIn, challenge: again.challenge }, origin: ORIGIN });
    await expectError(await post(request, "/api/webauthn/authentication/verify", { response: assertion }), 400, "CHALLENGE_INVALID");
    const row = (await passkeysOf(user.id))[0]!;
    expect(Number(row.counter)).toBe(0);
    expect(row.lastUsedAt).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// any conforming WebAuthn client
// ---------------------------------------------------------------------------------------------

test.describe("any conforming WebAuthn client", () => {
  test("registers and signs in through the API alone with a software authenticator", async ({ request, user }) => {
    const authenticator = new SoftAuthenticator({ transports: ["usb"], attestation: "packed" });
    await signInWithTapApi(request, user);
    const { credentialId, passkeyId, name } = await registerSoftPasskey(request, authenticator, "  Software key  ");
    expect(name).toBe("Software key");

    await post(request, "/api/auth/signout", {});
    await expectSignedOut(request);

    const options = await authenticationOptions(request, user.email);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([credentialId]);
    const response = authenticator.getAssertion({ options, origin: ORIGIN });
    const verified = await post(request, "/api/webauthn/authentication/verify", { response });
    expect(verified.status()).toBe(200);
    // The answer also carries what the page passes to the WebAuthn Signal API.
    const { webauthnUserId } = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { webauthnUserId: true } });
    expect(await verified.json()).toEqual({
      user: { id: user.id, email: user.email, displayName: "E2E User" },
      signals: { rpId: RP_ID, userId: webauthnUserId, userName: user.email, displayName: "E2E User", acceptedCredentialIds: [credentialId] },
    });
    expect(sessionCookieOf(verified)?.attributes.has("httponly")).toBe(true);

    const list = await request.get("/api/me/passkeys");
    expect(list.status()).toBe(200);
    const { passkeys } = (await list.json()) as { passkeys: Array<Record<string, unknown>> };
    expect(passkeys).toEqual([
      expect.objectContaining({ id: passkeyId, name: "Software key", transports: ["usb"], lastUsedAt: expect.any(String) }),
    ]);
    expect(Date.now() - Date.parse(passkeys[0]!.lastUsedAt as string)).toBeLessThan(60_000);
    const row = (await passkeysOf(user.id))[0]!;
    expect(Number(row.counter)).toBe(authenticator.credentials[0]!.counter);
    expect(row.attestationFormat).toBe("packed");
  });
});
