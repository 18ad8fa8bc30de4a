// Step-up: adding or deleting a passkey needs a multifactor sign-in within FRESHNESS_MINUTES. A
// stale session and a password-only (single-factor) one are refused, and nothing changes.
import { describe, expect, it } from "vitest";
import { signInWithPassword } from "@/server/auth/sign-in-with-password";
import { getDb } from "@/server/db";
import { signInAssurance } from "@/server/sign-in/sign-in-assurance";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import type { SignedInUser } from "@/server/session";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { codeFor, giveAuthenticatorApp, givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import { countRows, makeUser, newBinding, testCtx } from "../fixtures/factories";
import { registerPasskey, rejectsWith } from "./webauthn-helpers";

const MINUTE = 60_000;

/** The session the password sign-in route would start, authenticated `ageMs` ago. */
async function passwordSession(email: string, code: string | undefined, ageMs = 0): Promise<SignedInUser> {
  const { user, proof } = await signInWithPassword({ email, password: TEST_PASSWORD, code, ctx: testCtx });
  const { methods, mfa } = signInAssurance(proof);
  return { userId: user.id, methods, mfa, authTime: Date.now() - ageMs };
}

async function expectNothingChanged(before: Awaited<ReturnType<typeof countRows>>, userId: string, passkeyIds: string[]) {
  expect(await countRows()).toEqual(before);
  expect((await getDb().passkey.findMany({ where: { userId }, select: { id: true }, orderBy: { createdAt: "asc" } })).map((p) => p.id)).toEqual(passkeyIds);
}

describe("step-up freshness", () => {
  it("refuses a password-only session: it may neither add nor delete a passkey", async () => {
    const user = await makeUser();
    const { passkeyId } = await registerPasskey(user);
    await givePassword(user.id);
    const session = await passwordSession(user.email, undefined);
    expect(session).toMatchObject({ methods: ["password"], mfa: false });

    const before = await countRows();
    await rejectsWith(createRegistrationOptions({ user: session, binding: newBinding() }), "REAUTH_REQUIRED");
    await rejectsWith(deleteUserPasskey({ user: session, passkeyId, ctx: testCtx }), "REAUTH_REQUIRED");
    await expectNothingChanged(before, user.id, [passkeyId]);
  });

  it("refuses a password-and-code session older than FRESHNESS_MINUTES, and accepts a fresh one", async () => {
    const user = await makeUser();
    const { passkeyId } = await registerPasskey(user);
    await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    const fresh = await passwordSession(user.email, codeFor(secret));
    expect(fresh).toMatchObject({ methods: ["password", "totp"], mfa: true });
    const stale = { ...fresh, authTime: Date.now() - 11 * MINUTE };

    const before = await countRows();
    await rejectsWith(createRegistrationOptions({ user: stale, binding: newBinding() }), "REAUTH_REQUIRED");
    await rejectsWith(deleteUserPasskey({ user: stale, passkeyId, ctx: testCtx }), "REAUTH_REQUIRED");
    await expectNothingChanged(before, user.id, [passkeyId]);

    // The same sign-in, fresh: both go through.
    const options = await createRegistrationOptions({ user: fresh, binding: newBinding() });
    expect(options.challenge).toEqual(expect.any(String));
    const result = await deleteUserPasskey({ user: fresh, passkeyId, confirmNoSignInMethod: true, ctx: testCtx });
    expect(result.deleted).toMatchObject({ id: passkeyId });
    expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses the registration options of any stale multifactor session, and the error says to verify", async () => {
    const user = await makeUser();
    const stale: SignedInUser = { userId: user.id, methods: ["passkey"], mfa: true, authTime: Date.now() - 11 * MINUTE };
    const before = await countRows();
    const error = await rejectsWith(createRegistrationOptions({ user: stale, binding: newBinding() }), "REAUTH_REQUIRED");
    expect(error.status).toBe(401);
    expect(await countRows()).toEqual(before);
  });
});
