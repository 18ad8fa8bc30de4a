// What a passkey registration costs the database: the options in one statement, the verification
// in two (a read, then one statement that consumes the challenge, stores the passkey and audits
// it), each writing statement committing on its own. Counted off the pool, as the benchmark does.
import { describe, expect, it } from "vitest";
import { isWritingStatement } from "@/server/db-statement-stats";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { reportStatementsInThisBlock, statementsOf } from "../fixtures/statements";
import { auditEvents, passkeyCount, registerPasskey, TEST_ORIGIN } from "./webauthn-helpers";

describe("the statements of a passkey registration", () => {
  reportStatementsInThisBlock("registration-statements");

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
});
