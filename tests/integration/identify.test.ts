// Identifier-first sign-in: which methods an email is offered, and that an unknown email cannot
// be told from a known one (the answer, its headers, its passkey options, its timing).
import { describe, expect, it } from "vitest";
import { POST as identifyRoute } from "@/app/api/auth/identify/route";
import { identifyAccount } from "@/server/auth/identify-account";
import { getDb } from "@/server/db";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { countRows, makeUser, newBinding, uniqueEmail } from "../fixtures/factories";
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
    if ((await identifyAccount(email)).methods.includes("passkey") === hasPasskey) return email;
  }
  throw new Error("no such decoy in 200 tries");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("identifyAccount for real accounts", () => {
  it("offers a Temporary Access Pass alone to an account with nothing else", async () => {
    const user = await makeUser();
    expect(await identifyAccount(user.email)).toEqual({ methods: ["tap"], preferred: "tap" });
  });

  it("offers the passkey first to an account with passkeys", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    expect(await identifyAccount(user.email)).toEqual({ methods: ["passkey", "tap"], preferred: "passkey" });
  });

  it("offers password and code for a password with a confirmed authenticator app", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    expect(await identifyAccount(user.email)).toEqual({ methods: ["password_totp", "tap"], preferred: "password_totp" });
  });

  it("offers a single-factor password when the authenticator app is not confirmed", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await getDb().authenticatorApp.update({ where: { userId: user.id }, data: { confirmedAt: null } });
    expect(await identifyAccount(user.email)).toEqual({ methods: ["password", "tap"], preferred: "password" });
  });

  it("puts the user's default method first while they still have it, else passkey first", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    expect(await identifyAccount(user.email)).toEqual({ methods: ["passkey", "password_totp", "tap"], preferred: "passkey" });
    await setDefault(user.id, "password");
    expect((await identifyAccount(user.email)).preferred).toBe("password_totp");
    await setDefault(user.id, "passkey");
    expect((await identifyAccount(user.email)).preferred).toBe("passkey");

    // The default names a method the user no longer has: the usual order decides.
    await getDb().authenticatorApp.delete({ where: { userId: user.id } });
    await setDefault(user.id, "password");
    expect(await identifyAccount(user.email)).toEqual({ methods: ["passkey", "password", "tap"], preferred: "passkey" });
    await getDb().passkey.deleteMany({ where: { userId: user.id } });
    await setDefault(user.id, "passkey");
    expect(await identifyAccount(user.email)).toEqual({ methods: ["password", "tap"], preferred: "password" });
  });

  it("matches the email however it is typed", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    expect(await identifyAccount(`  ${user.email.toUpperCase()} `)).toEqual({ methods: ["passkey", "tap"], preferred: "passkey" });
  });
});

describe("identifyAccount for unknown emails", () => {
  it("answers the same for the same email every time, and differently across emails", async () => {
    // Fixed emails (no account has them): with the fixed test secret, the decoys are fixed too.
    const emails = Array.from({ length: 64 }, (_, i) => `decoy-${i}@nobody.example.test`);
    const first = await Promise.all(emails.map((e) => identifyAccount(e)));
    const again = await Promise.all(emails.map((e) => identifyAccount(e.toUpperCase())));
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
    await identifyAccount(uniqueEmail("nobody"));
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

  it("takes as long for an unknown email as for a known one (medians of 30 calls)", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    await givePassword(user.id);
    const unknown = uniqueEmail("nobody");
    const time = async (email: string) => {
      const start = performance.now();
      const res = await identifyRoute(identifyRequest(email), undefined);
      await res.json();
      return performance.now() - start;
    };
    // Warm both paths up first (module loading, the pool's connections, query plans).
    for (let i = 0; i < 5; i++) await Promise.all([time(user.email), time(unknown)]);
    const known: number[] = [];
    const other: number[] = [];
    for (let i = 0; i < 30; i++) {
      // Interleaved, so that load on the machine affects both alike.
      known.push(await time(user.email));
      other.push(await time(unknown));
    }
    // Generous: both are one indexed lookup; what must not show is a path that skips or adds work.
    expect(Math.abs(median(known) - median(other))).toBeLessThan(Math.max(5, 0.5 * median(known)));
  });

  it("refuses a malformed email with 400 INVALID_REQUEST", async () => {
    for (const email of ["not-an-email", "", 42, "a".repeat(250) + "@x.test"]) {
      const res = await identifyRoute(identifyRequest(email), undefined);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST");
    }
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
