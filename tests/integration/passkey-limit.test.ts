// The passkey policy's limit (10 per user): createRegistrationOptions and verifyRegistration.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import type { AppError } from "@/server/errors";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { DEFAULT_PASSKEY_POLICY, getPasskeyPolicy } from "@/server/policy/passkey-policy";
import type { UserProfile } from "@/server/users";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { raceWrites } from "./db-helpers";
import {
  auditEvents,
  auditEventsForCredential,
  challengeRow,
  passkeyCount,
  passkeyRow,
  registerPasskey,
  rejectsWith,
  TEST_ORIGIN,
} from "./webauthn-helpers";

const LIMIT = 10;

async function userWithPasskeys(count: number): Promise<{ user: UserProfile; passkeyIds: string[] }> {
  const user = await makeUser();
  const passkeyIds: string[] = [];
  for (let i = 0; i < count; i++) passkeyIds.push((await registerPasskey(user, undefined, `Key ${i + 1}`)).passkeyId);
  return { user, passkeyIds };
}

/** Registration options and an authenticator's answer to them, not yet verified. */
async function startedRegistration(user: UserProfile) {
  const session = signedIn(user);
  const binding = newBinding();
  const options = await createRegistrationOptions({ user: session, binding });
  const response = new SoftAuthenticator().createCredential({ options, origin: TEST_ORIGIN });
  return { session, binding, options, response };
}

describe("passkey limit", () => {
  it("is 10 passkeys per user, with passkeys enabled", async () => {
    expect(await getPasskeyPolicy()).toMatchObject({ enabled: true, maxPasskeysPerUser: LIMIT });
    expect(DEFAULT_PASSKEY_POLICY.maxPasskeysPerUser).toBe(LIMIT);
  });

  it("lets a user with 9 passkeys add a 10th", async () => {
    const { user } = await userWithPasskeys(LIMIT - 1);
    const { session, binding, response } = await startedRegistration(user);
    await verifyRegistration({ response, name: "Tenth", user: session, binding, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(LIMIT);
  });

  it("refuses registration options to a user with 10 passkeys (PASSKEY_LIMIT_REACHED) and stores no challenge", async () => {
    const { user } = await userWithPasskeys(LIMIT);
    const binding = newBinding();

    const error = await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding }), "PASSKEY_LIMIT_REACHED");

    expect(error.status).toBe(409);
    expect(error.message).toContain("10");
    expect(await getDb().challenge.count({ where: { binding } })).toBe(0);
    expect(await passkeyCount(user.id)).toBe(LIMIT);
  });

  it("refuses to store a registration started at 9 passkeys once a 10th was added (PASSKEY_LIMIT_REACHED), and audits it", async () => {
    const { user } = await userWithPasskeys(LIMIT - 1);
    const late = await startedRegistration(user);
    // Meanwhile, another tab adds the 10th passkey.
    await registerPasskey(user, undefined, "Tenth");
    const successes = (await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).length;

    const error = await rejectsWith(
      verifyRegistration({ response: late.response, name: "Eleventh", user: late.session, binding: late.binding, ctx: testCtx }),
      "PASSKEY_LIMIT_REACHED",
    );

    expect(error.status).toBe(409);
    expect(await passkeyRow(late.response.id)).toBeNull();
    expect(await passkeyCount(user.id)).toBe(LIMIT);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(successes);
    const failures = await auditEventsForCredential(late.response.id, { type: "passkey.registration", outcome: "failure" });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      actorId: user.id,
      subjectUserId: user.id,
      ip: testCtx.ip,
      userAgent: testCtx.userAgent,
      details: { reason: "PASSKEY_LIMIT_REACHED", credentialId: late.response.id },
    });
    // The challenge was spent: the response cannot be tried again once a passkey is deleted.
    expect(await challengeRow(late.options.challenge)).toBeNull();
  });

  it("lets a user at the limit add a passkey again after deleting one", async () => {
    const { user, passkeyIds } = await userWithPasskeys(LIMIT);
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkeyIds[0]!, ctx: testCtx });

    const { session, binding, response } = await startedRegistration(user);
    await verifyRegistration({ response, name: "Replacement", user: session, binding, ctx: testCtx });

    expect(await passkeyCount(user.id)).toBe(LIMIT);
    await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding: newBinding() }), "PASSKEY_LIMIT_REACHED");
  });

  it("counts only the user's own passkeys", async () => {
    await userWithPasskeys(LIMIT);
    const { user } = await userWithPasskeys(LIMIT - 1);
    const { session, binding, response } = await startedRegistration(user);
    await verifyRegistration({ response, user: session, binding, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(LIMIT);
  });

  it("refuses one of two concurrent registrations started at 9 passkeys (PASSKEY_LIMIT_REACHED)", async () => {
    const { user } = await userWithPasskeys(LIMIT - 1);
    const a = await startedRegistration(user);
    const b = await startedRegistration(user);

    // Both verifications count the user's passkeys before either stores one.
    const results = await raceWrites("Passkey", 2, () => [
      verifyRegistration({ response: a.response, name: "Tenth A", user: a.session, binding: a.binding, ctx: testCtx }),
      verifyRegistration({ response: b.response, name: "Tenth B", user: b.session, binding: b.binding, ctx: testCtx }),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as AppError).code)).toEqual(["PASSKEY_LIMIT_REACHED"]);
    expect(await passkeyCount(user.id)).toBe(LIMIT);
  });

  it("lets exactly one of five concurrent registrations started at 9 passkeys through, and consumes every challenge", async () => {
    const { user } = await userWithPasskeys(LIMIT - 1);
    const started: Array<Awaited<ReturnType<typeof startedRegistration>>> = [];
    for (let i = 0; i < 5; i++) started.push(await startedRegistration(user));

    // All five read 9 passkeys before any stores one: the database's limit decides.
    const results = await raceWrites("Passkey", 5, () =>
      started.map((s, i) => verifyRegistration({ response: s.response, name: `Tenth ${i}`, user: s.session, binding: s.binding, ctx: testCtx })),
    );

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as AppError).code)).toEqual(Array(4).fill("PASSKEY_LIMIT_REACHED"));
    expect(await passkeyCount(user.id)).toBe(LIMIT);
    for (const s of started) expect(await challengeRow(s.options.challenge)).toBeNull();
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "failure" })).toHaveLength(4);
  });

  it("is held by the database too: an 11th passkey written by any path is refused", async () => {
    const { user } = await userWithPasskeys(LIMIT);
    const template = await getDb().passkey.findFirstOrThrow({ where: { userId: user.id }, omit: { id: true, createdAt: true } });
    await expect(
      getDb().passkey.create({ data: { ...template, credentialId: `${template.credentialId}-copy`, name: "Eleventh" } }),
    ).rejects.toThrow(/passkey limit of 10 reached/);
    expect(await passkeyCount(user.id)).toBe(LIMIT);
  });
});
