// Identifier-first sign-in: which methods an email is offered, and that an unknown email cannot
// be told from a known one (the answer, its headers, its passkey options, the SQL it sends), and
// that one address cannot ask about emails without limit.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as identifyRoute } from "@/app/api/auth/identify/route";
import { identifyAccount } from "@/server/auth/identify-account";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { countRows, makeUser, newBinding, uniqueEmail } from "../fixtures/factories";
import { reportStatementsInThisBlock, statementsOf } from "../fixtures/statements";
import { TEST_ORIGIN } from "./setup-env";
import { registerPasskey } from "./webauthn-helpers";

async function setDefault(userId: string, method: "passkey" | "password" | null) {
  await getDb().user.update({ where: { id: userId }, data: { defaultSignInMethod: method } });
}

function identifyRequest(email: unknown): Request {
  return new Request(`${TEST_ORIGIN}/api/auth/identify`, {
    method: "POST",
    headers: { origin: TEST_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
}

/** Unknown emails until one whose decoy has (or has not) passkeys. */
async function unknownEmailWhere(hasPasskey: boolean): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const email = uniqueEmail("nobody");
    if ((await identifyAccount(email, null)).methods.includes("passkey") === hasPasskey) return email;
  }
  throw new Error("no such decoy in 200 tries");
}

async function identifyOver(email: string, ip?: string): Promise<Response> {
  const req = identifyRequest(email);
  if (ip) req.headers.set("x-forwarded-for", ip);
  return identifyRoute(req, undefined);
}

describe("identifyAccount for real accounts", () => {
  it("offers a Temporary Access Pass alone to an account with nothing else", async () => {
    const user = await makeUser();
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["tap"], preferred: "tap" });
  });

  it("offers the passkey first to an account with passkeys", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["passkey", "tap"], preferred: "passkey" });
  });

  it("offers password and code for a password with a confirmed authenticator app", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["password_totp", "tap"], preferred: "password_totp" });
  });

  it("offers a single-factor password when the authenticator app is not confirmed", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await getDb().authenticatorApp.update({ where: { userId: user.id }, data: { confirmedAt: null } });
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["password", "tap"], preferred: "password" });
  });

  it("puts the user's default method first while they still have it, else passkey first", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["passkey", "password_totp", "tap"], preferred: "passkey" });
    await setDefault(user.id, "password");
    expect((await identifyAccount(user.email, null)).preferred).toBe("password_totp");
    await setDefault(user.id, "passkey");
    expect((await identifyAccount(user.email, null)).preferred).toBe("passkey");

    // The default names a method the user no longer has: the usual order decides.
    await getDb().authenticatorApp.delete({ where: { userId: user.id } });
    await setDefault(user.id, "password");
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["passkey", "password", "tap"], preferred: "passkey" });
    await getDb().passkey.deleteMany({ where: { userId: user.id } });
    await setDefault(user.id, "passkey");
    expect(await identifyAccount(user.email, null)).toEqual({ methods: ["password", "tap"], preferred: "password" });
  });

  it("matches the email however it is typed", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    expect(await identifyAccount(`  ${user.email.toUpperCase()} `, null)).toEqual({ methods: ["passkey", "tap"], preferred: "passkey" });
  });
});

describe("identifyAccount for unknown emails", () => {
  it("answers the same for the same email every time, and differently across emails", async () => {
    // Fixed emails (no account has them): with the fixed test secret, the decoys are fixed too.
    const emails = Array.from({ length: 64 }, (_, i) => `decoy-${i}@nobody.example.test`);
    const first = await Promise.all(emails.map((e) => identifyAccount(e, null)));
    const again = await Promise.all(emails.map((e) => identifyAccount(e.toUpperCase(), null)));
    expect(again).toEqual(first);
    for (const answer of first) {
      expect(answer.methods.at(-1)).toBe("tap");
      expect(answer.methods).toContain(answer.preferred);
    }
    // Like real accounts, some have passkeys, some a password with a code, some neither.
    const seen = new Set(first.flatMap((a) => a.methods));
    expect(seen).toEqual(new Set(["passkey", "password_totp", "password", "tap"]));
    expect(first.some((a) => a.methods.length === 1)).toBe(true);
  });

  it("changes nothing in the database", async () => {
    const before = await countRows();
    const users = await getDb().user.count();
    await identifyAccount(uniqueEmail("nobody"), null);
    expect(await countRows()).toEqual(before);
    expect(await getDb().user.count()).toBe(users);
  });
});

describe("POST /api/auth/identify", () => {
  it("answers a known and an unknown email alike: status, headers, keys and types", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    const unknown = await unknownEmailWhere(true);

    const known = await identifyRoute(identifyRequest(user.email), undefined);
    const other = await identifyRoute(identifyRequest(unknown), undefined);
    expect(other.status).toBe(known.status);
    expect(known.status).toBe(200);
    expect([...other.headers.keys()].sort()).toEqual([...known.headers.keys()].sort());
    expect(known.headers.get("set-cookie")).toBeNull();
    const a = (await known.json()) as Record<string, unknown>;
    const b = (await other.json()) as Record<string, unknown>;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b).toEqual({ methods: expect.any(Array), preferred: expect.any(String) });
    expect(a).toEqual({ methods: ["passkey", "tap"], preferred: "passkey" });
    expect(b.methods).toContain("passkey");
  });

  it("refuses a malformed email with 400 INVALID_REQUEST", async () => {
    for (const email of ["not-an-email", "", 42, "a".repeat(250) + "@x.test"]) {
      const res = await identifyRoute(identifyRequest(email), undefined);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST");
    }
  });
});

describe("the work an unknown email costs", () => {
  // Every statement the pool sends is reported while DB_STATEMENT_STATS_FILE is set (as for the
  // benchmark): the known and the unknown path must send the very same SQL, in the same order.
  // Stronger than comparing timings, which load on the machine blurs: parameters aside, the
  // database does the same work for both, and no extra round trip shows either.
  reportStatementsInThisBlock("identify-statements");
  const sqlOf = async (call: () => Promise<unknown>) => (await statementsOf(call)).statements;

  async function knownWithEverything() {
    const user = await makeUser();
    await registerPasskey(user);
    await registerPasskey(user);
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await setDefault(user.id, "password");
    return user;
  }

  it("POST /api/auth/identify sends the same SQL statements for a known and an unknown email", async () => {
    const user = await knownWithEverything();
    const unknownWithPasskeys = await unknownEmailWhere(true);
    const unknownWithout = await unknownEmailWhere(false);
    const call = (email: string) => async () => (await identifyOver(email)).json();
    await call(user.email)(); // connections opened and warmed up before counting
    const known = await sqlOf(call(user.email));
    expect(known.length).toBeGreaterThan(0);
    expect(await sqlOf(call(unknownWithPasskeys))).toEqual(known);
    expect(await sqlOf(call(unknownWithout))).toEqual(known);
    // A known account with nothing but a pass, too: the relations it lacks are not skipped either.
    expect(await sqlOf(call((await makeUser()).email))).toEqual(known);
  });

  it("passkey options for an email send the same SQL statements for a known and an unknown email", async () => {
    const user = await knownWithEverything();
    const unknown = await unknownEmailWhere(true);
    const call = (email: string) => () => createAuthenticationOptions({ binding: newBinding(), email });
    await call(user.email)();
    const known = await sqlOf(call(user.email));
    expect(await sqlOf(call(unknown))).toEqual(known);
  });
});

describe("POST /api/auth/identify rate limit", () => {
  it("answers 429 RATE_LIMITED with Retry-After past IDENTIFY_RATE_PER_IP from one address, counting unknown emails like known ones", async () => {
    process.env.IDENTIFY_RATE_PER_IP = "3";
    process.env.CEREMONY_RATE_WINDOW_SECONDS = "3600";
    resetConfigForTests();
    // Fixed windows: start with room left in this one, so the count cannot restart midway.
    const left = 3_600_000 - (Date.now() % 3_600_000);
    if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const address = () => `2001:db8:1d::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
    const ip = address();
    const user = await makeUser();
    for (const email of [user.email, uniqueEmail("nobody"), user.email]) expect((await identifyOver(email, ip)).status).toBe(200);

    for (const email of [uniqueEmail("nobody"), user.email]) {
      const refused = await identifyOver(email, ip);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(await refused.json()).toEqual({
        error: { code: "RATE_LIMITED", message: `Too many requests. Wait ${retryAfter} ${retryAfter === 1 ? "second" : "seconds"}, then try again.` },
      });
    }
    // Another address is not affected.
    expect((await identifyOver(user.email, address())).status).toBe(200);
  });
});

describe("createAuthenticationOptions with an email", () => {
  it("gives an unknown email whose decoy has passkeys made-up credentials shaped like real ones, the same each time", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    const unknown = await unknownEmailWhere(true);

    const real = await createAuthenticationOptions({ binding: newBinding(), email: user.email });
    const fake = await createAuthenticationOptions({ binding: newBinding(), email: unknown });
    const again = await createAuthenticationOptions({ binding: newBinding(), email: unknown });

    expect(Object.keys(fake).sort()).toEqual(Object.keys(real).sort());
    expect(fake.allowCredentials!.length).toBeGreaterThanOrEqual(1);
    expect(fake.allowCredentials!.length).toBeLessThanOrEqual(2);
    for (const credential of [...real.allowCredentials!, ...fake.allowCredentials!]) {
      expect(Object.keys(credential).sort()).toEqual(["id", "transports", "type"]);
      expect(credential.type).toBe("public-key");
      expect(credential.id).toMatch(/^[A-Za-z0-9_-]{22,86}$/);
      expect(credential.transports!.length).toBeGreaterThan(0);
    }
    expect(again.allowCredentials).toEqual(fake.allowCredentials);
    expect(again.challenge).not.toBe(fake.challenge);
    // The made-up credentials are nobody's.
    const ids = fake.allowCredentials!.map((c) => c.id);
    expect(await getDb().passkey.count({ where: { credentialId: { in: ids } } })).toBe(0);
    // Both challenges are stored alike; the decoy's is tied to no account.
    const stored = await getDb().challenge.findUniqueOrThrow({ where: { value: fake.challenge } });
    expect(stored).toMatchObject({ purpose: "authentication", userId: null });
  });

  it("gives an empty list to a real account without passkeys and to an unknown email whose decoy has none", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    const unknown = await unknownEmailWhere(false);
    const real = await createAuthenticationOptions({ binding: newBinding(), email: user.email });
    const fake = await createAuthenticationOptions({ binding: newBinding(), email: unknown });
    expect(real.allowCredentials).toEqual([]);
    expect(fake.allowCredentials).toEqual([]);
    expect(Object.keys(fake).sort()).toEqual(Object.keys(real).sort());
  });
});
