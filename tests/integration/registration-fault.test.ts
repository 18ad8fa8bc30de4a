// A database fault in the middle of a registration: the connection saving the passkey is cut from
// another session. The user gets a clean "try again" error, nothing half-written is left (the
// challenge's consumption included), the pool recovers, the same response then stores the passkey
// exactly once, and registering again with a new challenge works.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { AppError, asDatabaseUnavailable } from "@/server/errors";
import { toErrorResponse } from "@/server/http/route";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { adminClient, holdInsertsOf, releaseHolds, terminateHeldBackend } from "./fault-helpers";
import { auditEvents, challengeRow, passkeyCount, passkeyRow, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

async function registrationResponse(user: { id: string }, authenticator: SoftAuthenticator) {
  const session = signedIn(user);
  const binding = newBinding();
  const options = await createRegistrationOptions({ user: session, binding });
  const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
  return { session, binding, options, response };
}

describe("registration when the database connection is cut while the passkey is saved", () => {
  it("answers a retryable 503, leaves neither passkey nor a consumed challenge, then stores the same response once", async () => {
    const user = await makeUser();
    const authenticator = new SoftAuthenticator();
    const first = await registrationResponse(user, authenticator);
    await holdInsertsOf("Passkey", user.id);

    const outcome = verifyRegistration({ response: first.response, user: first.session, binding: first.binding, ctx: testCtx }).then(
      () => null,
      (error: unknown) => error,
    );
    await terminateHeldBackend("Passkey");
    const error = await outcome;
    await releaseHolds();

    // The route layer's answer: a retryable 503 in the usual shape, no stack, no driver detail.
    const answer = asDatabaseUnavailable(error);
    expect(answer).toBeInstanceOf(AppError);
    expect(answer!.code).toBe("SERVICE_UNAVAILABLE");
    const response = toErrorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    const body = await response.json();
    expect(body).toEqual({
      error: { code: "SERVICE_UNAVAILABLE", message: "We lost the connection to our database for a moment. Please try again." },
    });
    expect(JSON.stringify(body)).not.toMatch(/57P01|prisma|terminating|at /i);

    // Nothing half-written: the transaction (passkey and its audit event) was rolled back.
    expect(await passkeyRow(first.response.id)).toBeNull();
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(0);

    // The challenge is consumed in the statement that stores the passkey (decision 019), so the
    // fault rolled it back too: it still stands, for this browser and this ceremony only.
    expect(await challengeRow(first.options.challenge)).not.toBeNull();

    // The pool replaced the dead connection: sending the same response again stores the passkey
    // once, and consumes the challenge with it...
    const resent = await verifyRegistration({ response: first.response, user: first.session, binding: first.binding, ctx: testCtx });
    expect(await passkeyRow(first.response.id)).toMatchObject({ id: resent.id, userId: user.id });
    expect(await challengeRow(first.options.challenge)).toBeNull();
    // ...and a replay after that is refused.
    await rejectsWith(
      verifyRegistration({ response: first.response, user: first.session, binding: first.binding, ctx: testCtx }),
      "CHALLENGE_INVALID",
    );
    expect(await passkeyCount(user.id)).toBe(1);

    // Starting again with a new challenge succeeds as well.
    const retry = await registrationResponse(user, authenticator);
    const saved = await verifyRegistration({ response: retry.response, user: retry.session, binding: retry.binding, ctx: testCtx });
    expect(await passkeyRow(retry.response.id)).toMatchObject({ id: saved.id, userId: user.id });
    expect(await passkeyCount(user.id)).toBe(2);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(2);
  });

  it("answers 503 and recovers when every idle connection of the pool was terminated", async () => {
    const user = await makeUser();
    // Fill the pool with idle connections, then end them all from outside (a database restart).
    await Promise.all(Array.from({ length: 5 }, () => getDb().$executeRaw`SELECT pg_sleep(0.05)`));
    const client = await adminClient();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Whatever the first request meets is either a clean 503 or a success; the next one succeeds.
    const authenticator = new SoftAuthenticator();
    const attempt = await registrationResponse(user, authenticator).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!attempt.ok) expect(toErrorResponse(attempt.error).status).toBe(503);
    const retry = await registrationResponse(user, authenticator);
    await verifyRegistration({ response: retry.response, user: retry.session, binding: retry.binding, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(1);
  });
});

describe("asDatabaseUnavailable", () => {
  it("leaves other errors alone, so they stay a logged 500", () => {
    expect(asDatabaseUnavailable(new Error("boom"))).toBeNull();
    expect(asDatabaseUnavailable({ code: "P2002", message: "Unique constraint failed" })).toBeNull();
    expect(asDatabaseUnavailable(null)).toBeNull();
    expect(toErrorResponse(new Error("boom")).status).toBe(500);
  });

  it("recognises a refused connection, a closed socket and Prisma's connection codes", () => {
    expect(asDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))?.code).toBe("SERVICE_UNAVAILABLE");
    expect(asDatabaseUnavailable(new Error("Connection terminated unexpectedly"))?.code).toBe("SERVICE_UNAVAILABLE");
    expect(asDatabaseUnavailable({ code: "P1001", message: "Can't reach database server" })?.code).toBe("SERVICE_UNAVAILABLE");
    expect(asDatabaseUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } })?.code).toBe(
      "SERVICE_UNAVAILABLE",
    );
  });
});
