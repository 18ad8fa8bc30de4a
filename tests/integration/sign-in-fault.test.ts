// A database fault in the middle of a passkey sign-in: the connection writing the sign-in is cut
// from another session while it starts the user's session. Nothing half-written is left (no
// session, no counter move, no success audit, the challenge's consumption included: decision 021),
// the same response then signs in exactly once, and a replay after that is refused.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { toErrorResponse } from "@/server/http/route";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { makeUser, newBinding, testCtx } from "../fixtures/factories";
import { holdInsertsOf, releaseHolds, terminateHeldBackend } from "./fault-helpers";
import { auditEvents, challengeRow, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

describe("passkey sign-in when the database connection is cut while it is written", () => {
  it("answers a retryable 503, writes nothing and leaves the challenge, then signs the same response in once", async () => {
    const user = await makeUser();
    const { credentialId, authenticator } = await registerPasskey(user);
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const counterBefore = (await passkeyRow(credentialId))!.counter;
    await holdInsertsOf("UserSession", user.id);

    const outcome = verifyAuthentication({ response, binding, ctx: testCtx }).then(
      () => null,
      (error: unknown) => error,
    );
    await terminateHeldBackend("UserSession");
    const error = await outcome;
    await releaseHolds();
    expect(toErrorResponse(error).status).toBe(503);

    // The statement rolled back whole: no session, the counter where it was, no success audit,
    // and the challenge still stands for this browser.
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
    expect((await passkeyRow(credentialId))!.counter).toBe(counterBefore);
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(0);
    expect(await challengeRow(options.challenge)).not.toBeNull();

    // Sent again, the same response signs in once and consumes the challenge...
    const signedIn = await verifyAuthentication({ response, binding, ctx: testCtx });
    expect(signedIn.user.id).toBe(user.id);
    expect(await challengeRow(options.challenge)).toBeNull();
    // ...and a replay after that is refused, leaving one session.
    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(1);
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(1);
  });
});
