// Deleting one's own passkey: deleteUserPasskey on the real database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { issueTemporaryAccessPass } from "@/server/tap/issue-temporary-access-pass";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { raceWrites, refuseAuditInserts } from "./db-helpers";
import { auditEvents, expectOneSuccessAudit, passkeyCount, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

const ELEVEN_MINUTES = 11 * 60_000;

/** Every passkey row of the user and every passkey.deleted event about them: what a refusal must leave alone. */
async function snapshot(userId: string) {
  return {
    passkeys: await getDb().passkey.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    deletions: await auditEvents(userId, { type: "passkey.deleted" }),
  };
}

async function userWithPasskeys(count: number) {
  const user = await makeUser();
  const passkeys = [];
  for (let i = 0; i < count; i++) passkeys.push(await registerPasskey(user, undefined, `Key ${i + 1}`));
  return { user, passkeys };
}

/** A user whose only passkey is `passkey`, and whose TAP is in the state `tap` describes. */
async function lastPasskeyWithTap(tap: "none" | "expired" | "one-time used" | "valid" | "valid one-time" | "valid reusable, used") {
  const { user, passkeys } = await userWithPasskeys(1);
  if (tap !== "none") {
    const oneTime = tap === "one-time used" || tap === "valid one-time";
    const issued = await issueTemporaryAccessPass({ userId: user.id, oneTime, ctx: testCtx });
    if (tap === "one-time used" || tap === "valid reusable, used") {
      await signInWithTap({ email: user.email, code: issued.code, ctx: testCtx });
    }
    if (tap === "expired") {
      await getDb().temporaryAccessPass.update({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    }
  }
  return { user, passkey: passkeys[0]! };
}

describe("deleteUserPasskey: success", () => {
  it("deletes the user's own passkey, returns its ids and records passkey.deleted with the details", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const keep = passkeys[0]!;
    const gone = passkeys[1]!;

    const result = await deleteUserPasskey({ user: signedIn(user), passkeyId: gone.passkeyId, ctx: testCtx });

    expect(result).toEqual({ deleted: { id: gone.passkeyId, credentialId: gone.credentialId }, signedOut: false });
    expect(await passkeyRow(gone.credentialId)).toBeNull();
    expect(await passkeyRow(keep.credentialId)).toMatchObject({ id: keep.passkeyId, name: "Key 1" });
    expect((await listUserPasskeys(user.id)).map((p) => p.id)).toEqual([keep.passkeyId]);
    const event = await expectOneSuccessAudit(user.id, "passkey.deleted");
    expect(event.details).toEqual({ passkeyId: gone.passkeyId, name: "Key 2", credentialId: gone.credentialId, remaining: 1, sessionsEnded: 0 });
  });

  it("accepts a session just inside the 10-minute window", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    await deleteUserPasskey({ user: signedIn(user, 9 * 60_000), passkeyId: passkeys[0]!.passkeyId, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("stops a deleted passkey from signing in", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const { credentialId, passkeyId, authenticator } = passkeys[1]!;
    await deleteUserPasskey({ user: signedIn(user), passkeyId, ctx: testCtx });

    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, credentialId });
    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(0);
  });

  it("deletes the last passkey when the user confirms there is no other way to sign in", async () => {
    const { user, passkey } = await lastPasskeyWithTap("none");

    const result = await deleteUserPasskey({
      user: signedIn(user),
      passkeyId: passkey.passkeyId,
      confirmNoSignInMethod: true,
      ctx: testCtx,
    });

    expect(result).toEqual({ deleted: { id: passkey.passkeyId, credentialId: passkey.credentialId }, signedOut: false });
    expect(await passkeyCount(user.id)).toBe(0);
    const events = await auditEvents(user.id, { type: "passkey.deleted" });
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ passkeyId: passkey.passkeyId, name: "Key 1", credentialId: passkey.credentialId, remaining: 0, sessionsEnded: 0 });
  });

  it.each(["valid", "valid one-time", "valid reusable, used"] as const)(
    "deletes the last passkey without confirmation when the user has a usable TAP (%s)",
    async (tap) => {
      const { user, passkey } = await lastPasskeyWithTap(tap);

      const result = await deleteUserPasskey({ user: signedIn(user), passkeyId: passkey.passkeyId, ctx: testCtx });

      expect(result.deleted.id).toBe(passkey.passkeyId);
      expect(await passkeyCount(user.id)).toBe(0);
      expect((await auditEvents(user.id, { type: "passkey.deleted" }))[0]?.details).toMatchObject({ remaining: 0 });
    },
  );

  it("needs no confirmation while other passkeys remain", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkeys[0]!.passkeyId, confirmNoSignInMethod: false, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(1);
  });
});

describe("deleteUserPasskey: refusals", () => {
  it("refuses without a session (UNAUTHENTICATED) and deletes nothing", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const before = await snapshot(user.id);
    await rejectsWith(deleteUserPasskey({ user: null, passkeyId: passkeys[0]!.passkeyId, ctx: testCtx }), "UNAUTHENTICATED");
    expect(await snapshot(user.id)).toEqual(before);
  });

  it("refuses a sign-in older than 10 minutes (REAUTH_REQUIRED) and deletes nothing", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const before = await snapshot(user.id);
    await rejectsWith(
      deleteUserPasskey({ user: signedIn(user, ELEVEN_MINUTES), passkeyId: passkeys[0]!.passkeyId, ctx: testCtx }),
      "REAUTH_REQUIRED",
    );
    expect(await snapshot(user.id)).toEqual(before);
  });

  it("refuses a session that was not multifactor (REAUTH_REQUIRED) and deletes nothing", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const before = await snapshot(user.id);
    await rejectsWith(
      deleteUserPasskey({ user: signedIn(user, 0, false), passkeyId: passkeys[0]!.passkeyId, ctx: testCtx }),
      "REAUTH_REQUIRED",
    );
    expect(await snapshot(user.id)).toEqual(before);
  });

  it("refuses to delete another user's passkey (PASSKEY_NOT_FOUND) and deletes nothing", async () => {
    const { user: alice, passkeys } = await userWithPasskeys(2);
    const { user: mallory } = await userWithPasskeys(1);
    const aliceBefore = await snapshot(alice.id);
    const malloryBefore = await snapshot(mallory.id);

    // Even with the confirmation that would allow deleting a last passkey.
    await rejectsWith(
      deleteUserPasskey({ user: signedIn(mallory), passkeyId: passkeys[0]!.passkeyId, confirmNoSignInMethod: true, ctx: testCtx }),
      "PASSKEY_NOT_FOUND",
    );

    expect(await snapshot(alice.id)).toEqual(aliceBefore);
    expect(await snapshot(mallory.id)).toEqual(malloryBefore);
  });

  it("refuses a passkey that does not exist (PASSKEY_NOT_FOUND) and deletes nothing", async () => {
    const { user } = await userWithPasskeys(1);
    const before = await snapshot(user.id);
    await rejectsWith(
      deleteUserPasskey({ user: signedIn(user), passkeyId: randomUUID(), confirmNoSignInMethod: true, ctx: testCtx }),
      "PASSKEY_NOT_FOUND",
    );
    expect(await snapshot(user.id)).toEqual(before);
  });

  it("refuses to delete the same passkey twice (PASSKEY_NOT_FOUND)", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkeys[1]!.passkeyId, ctx: testCtx });
    const before = await snapshot(user.id);
    await rejectsWith(deleteUserPasskey({ user: signedIn(user), passkeyId: passkeys[1]!.passkeyId, ctx: testCtx }), "PASSKEY_NOT_FOUND");
    expect(await snapshot(user.id)).toEqual(before);
    expect(before.deletions).toHaveLength(1);
  });

  it.each(["none", "expired", "one-time used"] as const)(
    "refuses to delete the last passkey of a user whose TAP is %s without confirmation (LAST_SIGN_IN_METHOD) and deletes nothing",
    async (tap) => {
      const { user, passkey } = await lastPasskeyWithTap(tap);
      const before = await snapshot(user.id);

      for (const confirmNoSignInMethod of [undefined, false]) {
        const error = await rejectsWith(
          deleteUserPasskey({ user: signedIn(user), passkeyId: passkey.passkeyId, confirmNoSignInMethod, ctx: testCtx }),
          "LAST_SIGN_IN_METHOD",
        );
        expect(error.status).toBe(409);
        expect(error.message).toMatch(/last way to sign in/i);
      }

      expect(await snapshot(user.id)).toEqual(before);
      expect(before.passkeys).toHaveLength(1);
    },
  );

  it("refuses to delete a passkey whose audit row cannot be written, and keeps it (one transaction)", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const before = await snapshot(user.id);
    const restore = await refuseAuditInserts("passkey.deleted", user.id);
    try {
      const outcome = await deleteUserPasskey({ user: signedIn(user), passkeyId: passkeys[0]!.passkeyId, ctx: testCtx }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(Error);
      expect(outcome).not.toBeInstanceOf(AppError);
      expect(String((outcome as Error).message)).toMatch(/audit insert refused by test/);
    } finally {
      await restore();
    }
    expect(await snapshot(user.id)).toEqual(before);
    // With the audit table writable again, the same delete goes through with its audit row.
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkeys[0]!.passkeyId, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(1);
    expect(await auditEvents(user.id, { type: "passkey.deleted" })).toHaveLength(1);
  });
});

describe("deleteUserPasskey: concurrency", () => {
  it("refuses one of two concurrent deletes of a user's last two passkeys without a TAP (LAST_SIGN_IN_METHOD)", async () => {
    const { user, passkeys } = await userWithPasskeys(2);
    const session = signedIn(user);

    // Both deletes count the user's passkeys before either removes one.
    const results = await raceWrites("Passkey", 2, () =>
      passkeys.map((p) => deleteUserPasskey({ user: session, passkeyId: p.passkeyId, ctx: testCtx })),
    );

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as AppError).code)).toEqual(["LAST_SIGN_IN_METHOD"]);
    expect(await passkeyCount(user.id)).toBe(1);
    expect(await auditEvents(user.id, { type: "passkey.deleted" })).toHaveLength(1);
  });
});
