// What the passkey ceremonies cost the database, counted off the pool as the benchmark does. A
// registration: the options in one statement, the verification in two (a read, then one statement
// that consumes the challenge, stores the passkey and audits it). A sign-in: the options in one
// statement, the verification in two (a read, then one statement that consumes the challenge,
// records the use, audits it and starts the session). Each writing statement commits on its own.
import { describe, expect, it } from "vitest";
import { isWritingStatement } from "@/server/db-statement-stats";
import { getDb } from "@/server/db";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { reportStatementsInThisBlock, statementsOf } from "../fixtures/statements";
import { auditEvents, challengeRow, expectOneSuccessAudit, passkeyCount, registerPasskey, TEST_ORIGIN } from "./webauthn-helpers";

describe("the statements of the passkey ceremonies", () => {
  reportStatementsInThisBlock("ceremony-statements");

  it("takes one statement for the options and two for the verification, two commits in all", async () => {
    const user = await makeUser();
    await registerPasskey(user, undefined, "First");
    const session = signedIn(user);
    const binding = newBinding();

    const options = await statementsOf(() => createRegistrationOptions({ user: session, binding }));
    const response = new SoftAuthenticator().createCredential({ options: options.result, origin: TEST_ORIGIN });
    const verify = await statementsOf(() => verifyRegistration({ response, name: "Second", user: session, binding, ctx: testCtx }));

    expect(options.statements).toHaveLength(1);
    expect(verify.statements).toHaveLength(2);
    const all = [...options.statements, ...verify.statements];
    expect(all.filter((sql) => /^(BEGIN|COMMIT)/i.test(sql))).toEqual([]);
    expect(all.filter(isWritingStatement)).toHaveLength(2);
    // And it did what a registration does.
    expect(options.result.excludeCredentials).toHaveLength(1);
    expect(verify.result).toMatchObject({ name: "Second" });
    expect(await passkeyCount(user.id)).toBe(2);
    const audited = await auditEvents(user.id, { type: "passkey.registration", outcome: "success" });
    expect(audited.map((event) => (event.details as { passkeyId?: string }).passkeyId)).toContain(verify.result.id);
  });

  it("takes one statement for the sign-in options and two for the verification, two commits in all", async () => {
    const user = await makeUser();
    const { passkeyId, authenticator } = await registerPasskey(user);
    const binding = newBinding();

    const options = await statementsOf(() => createAuthenticationOptions({ binding }));
    const response = authenticator.getAssertion({ options: options.result, origin: TEST_ORIGIN });
    const verify = await statementsOf(() => verifyAuthentication({ response, binding, ctx: testCtx }));

    expect(options.statements).toHaveLength(1);
    expect(verify.statements).toHaveLength(2);
    const all = [...options.statements, ...verify.statements];
    expect(all.filter((sql) => /^(BEGIN|COMMIT)/i.test(sql))).toEqual([]);
    expect(all.filter(isWritingStatement)).toHaveLength(2);
    // And it did what a sign-in does.
    expect(verify.result.user.id).toBe(user.id);
    expect(await getDb().userSession.count({ where: { id: verify.result.sessionId, userId: user.id } })).toBe(1);
    await expectOneSuccessAudit(user.id, "passkey.authentication", { passkeyId, userVerified: true });
    expect(await challengeRow(options.result.challenge)).toBeNull();
  });
});
