import "server-only";
import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type VerifiedAuthenticationResponse,
} from "@simplewebauthn/server";
import type { CredentialSignals } from "@/contracts/signals";
import { Prisma } from "@/generated/prisma/client";
import type { Role } from "@/generated/prisma/enums";
import { auditInsertSql, recordAudit, type AuditContext, type AuditEntry } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { toCredentialSignals } from "../methods/get-credential-signals";
import { policyFromRowJson, policyRowJsonSql, targetedWhenListed, userListedForPolicySql } from "../policy/passkey-policy";
import { passkeyPolicyVerdict } from "../policy/passkey-policy-verdict";
import { startUserSessionSql } from "../sessions/user-sessions";
import { sqlTimestamp } from "../sql-time";
import type { VerifiedSignIn } from "../sign-in/complete-sign-in";
import type { UserProfile } from "../users";
import { consumeChallengeSql, discardChallenge, readClientData, type ClientData } from "./challenges";
import { isEc2Key } from "./credential-key-problem";
import { isStrictDerEcdsaSignature } from "./der-signature";
import { framedCeremonyProblem } from "./framed-ceremony";

export interface VerifyAuthenticationInput {
  response: AuthenticationResponseJSON;
  binding: string | undefined;
  ctx: AuditContext;
  /** The browser's current server-side session, ended by this sign-in. */
  previousSessionId?: string;
}

export interface PasskeySignIn extends VerifiedSignIn {
  /** The server-side session this sign-in started (see startUserSessionSql). */
  sessionId: string;
  /** The user's accepted credentials, for the browser's Signal API. */
  signals: CredentialSignals;
}

const FAILED_MESSAGE = "We couldn't sign you in with that passkey. Please try again.";
const COUNTER_MESSAGE =
  "This passkey reported an unexpected state and was refused. Use another sign-in method and contact your administrator.";

type FailureCode = "AUTHENTICATION_FAILED" | "COUNTER_REGRESSION" | "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED" | "PASSKEY_NOT_ALLOWED";

interface Failure {
  code: FailureCode;
  reason: string;
  subjectUserId: string | null;
  message: string;
  rule?: string;
}

/** What the first statement reads: the consumed challenge, the passkey, its owner and the policy. */
interface CeremonyRow {
  challenge: string | null;
  challengeUserId: string | null;
  expiresAt: Date | null;
  passkeyId: string | null;
  publicKey: Uint8Array | null;
  counter: bigint | null;
  transports: string[] | null;
  aaguid: string | null;
  attestationVerified: boolean | null;
  userId: string | null;
  email: string | null;
  displayName: string | null;
  role: Role | null;
  webauthnUserId: string | null;
  targeted: boolean;
  policy: unknown;
}

/**
 * Verifies a passkey sign-in, records its use (counter, backup state, last used, audit event) and
 * starts the user's server-side session, in two statements and no transaction of ours: a read (the
 * challenge looked at, not yet consumed, the passkey, its owner and the policy), then, once the
 * signature holds, one statement that consumes the challenge and writes everything, or nothing
 * when another verification consumed it first (decision 021). A refusal consumes the challenge (a
 * response is tried once) and audits it, in one statement.
 * A passkey the current policy no longer accepts is refused once its signature holds, so the
 * reason is told only to whoever has the passkey.
 * @throws CHALLENGE_INVALID, CHALLENGE_EXPIRED, AUTHENTICATION_FAILED, COUNTER_REGRESSION,
 *   PASSKEY_NOT_ALLOWED (with the rule and how to sign in instead)
 */
export async function verifyAuthentication(input: VerifyAuthenticationInput): Promise<PasskeySignIn> {
  const { response, ctx } = input;
  const credentialId = response.id;
  const clientData = readClientData(response.response.clientDataJSON);
  const challengeValue = clientData.challenge;
  const failureAudit = (failure: Failure): AuditEntry => ({
    type: failure.code === "COUNTER_REGRESSION" ? "passkey.counter_regression" : "passkey.authentication",
    outcome: "failure",
    subjectUserId: failure.subjectUserId,
    details: { reason: failure.reason, credentialId: credentialId.slice(0, 200), ...(failure.rule && { rule: failure.rule }) },
  });
  const refuse = (failure: Failure) => new AppError(failure.code, failure.message, { cause: failure.reason });

  if (!input.binding) {
    // No ceremony was started in this browser: there is no challenge to consume.
    const failure = challengeFailure("CHALLENGE_INVALID");
    await recordAudit(null, ctx, failureAudit(failure));
    throw refuse(failure);
  }
  const binding = input.binding;
  // A refusal consumes the challenge and is audited, in one statement.
  const fail = async (failure: Failure) => {
    await discardChallenge({ value: challengeValue, purpose: "authentication", binding }, auditInsertSql(ctx, failureAudit(failure), new Date()));
    return refuse(failure);
  };

  const [row] = await getDb().$queryRaw<CeremonyRow[]>`
    SELECT c."value" AS "challenge", c."userId"::text AS "challengeUserId", c."expiresAt",
      p."id"::text AS "passkeyId", p."publicKey", p."counter", p."transports", p."aaguid", p."attestationVerified",
      u."id"::text AS "userId", u."email", u."displayName", u."role"::text AS "role", u."webauthnUserId",
      ${userListedForPolicySql(Prisma.sql`u."id"`)} AS "targeted",
      ${policyRowJsonSql()} AS "policy"
    FROM (SELECT 1) AS "one"
      LEFT JOIN "Challenge" AS c ON c."value" = ${challengeValue} AND c."purpose" = 'authentication'::"ChallengePurpose" AND c."binding" = ${binding}
      LEFT JOIN "Passkey" AS p ON p."credentialId" = ${credentialId}
      LEFT JOIN "User" AS u ON u."id" = p."userId"`;
  const checked = await checkAssertion(response, clientData, row!);
  if ("failure" in checked) throw await fail(checked.failure);

  const { owner, passkeyId, storedCounter, info } = checked;
  const now = new Date();
  // Nothing is written unless this verification consumed the challenge (of two racing with one
  // response, exactly one does; an expired one is not consumed here) and the counter is still the
  // one we compared against (of two assertions racing with the same counter, only one lands).
  const landed = Prisma.sql`EXISTS (SELECT 1 FROM "usedPasskey")`;
  // The session names its passkey: deleting the passkey ends it.
  const session = startUserSessionSql(owner.id, input.previousSessionId, now, landed, passkeyId);
  const [written] = await getDb().$queryRaw<Array<{ consumed: boolean; landed: boolean; credentialIds: string[] | null }>>`
    WITH "consumed" AS (${consumeChallengeSql(challengeValue, "authentication", binding, Prisma.sql`"expiresAt" > ${sqlTimestamp(now)}`)}),
    "usedPasskey" AS (
      UPDATE "Passkey" SET "counter" = ${BigInt(info.newCounter)}, "backedUp" = ${info.credentialBackedUp},
        "lastUsedAt" = ${sqlTimestamp(now)}, "lastUsedUserAgent" = ${ctx.userAgent?.slice(0, 512) ?? null},
        -- Whether this passkey has ever verified its user (shown to administrators).
        "userVerified" = "userVerified" OR ${info.userVerified}
      WHERE "id" = ${passkeyId}::uuid AND "counter" = ${storedCounter} AND EXISTS (SELECT 1 FROM "consumed")
      RETURNING "id"
    ),
    "signedInUser" AS (
      UPDATE "User" SET "lastSignInAt" = ${sqlTimestamp(now)} WHERE "id" = ${owner.id}::uuid AND ${landed}
    ),
    "audit" AS (
      ${auditInsertSql(ctx, {
        type: "passkey.authentication",
        outcome: "success",
        actorId: owner.id,
        subjectUserId: owner.id,
        details: { passkeyId, userVerified: info.userVerified },
      }, now, landed)}
    ),
    ${session.ctes}
    SELECT EXISTS (SELECT 1 FROM "consumed") AS "consumed", ${landed} AS "landed",
      (SELECT array_agg("credentialId" ORDER BY "createdAt") FROM "Passkey" WHERE "userId" = ${owner.id}::uuid) AS "credentialIds"`;
  if (!written!.consumed) {
    // Another verification of the same response won, or the challenge ran out meanwhile.
    throw await fail(challengeFailure("CHALLENGE_INVALID"));
  }
  if (!written!.landed) {
    throw await fail({ code: "COUNTER_REGRESSION", reason: "counter raced by a concurrent sign-in", subjectUserId: owner.id, message: COUNTER_MESSAGE });
  }
  const { webauthnUserId, ...profile } = owner;
  return {
    user: profile,
    // What the assertion proved; signInAssurance decides what that is worth.
    proof: { method: "passkey", passkeyId, userVerified: info.userVerified },
    sessionId: session.id,
    signals: toCredentialSignals({ ...owner, webauthnUserId, passkeys: (written!.credentialIds ?? []).map((id) => ({ credentialId: id })) }),
  };
}

function challengeFailure(code: "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED"): Failure {
  return {
    code,
    reason: code,
    subjectUserId: null,
    message: code === "CHALLENGE_EXPIRED" ? "This request took too long. Please try again." : "This request is no longer valid. Please start again.",
  };
}

type CheckedAssertion =
  | { failure: Failure }
  | {
      owner: UserProfile & { webauthnUserId: string };
      passkeyId: string;
      storedCounter: bigint;
      info: VerifiedAuthenticationResponse["authenticationInfo"];
    };

/** Every rule of a passkey sign-in on what the first statement read; writes nothing. */
async function checkAssertion(response: AuthenticationResponseJSON, clientData: ClientData, row: CeremonyRow): Promise<CheckedAssertion> {
  const config = getConfig();
  const fail = (code: FailureCode, reason: string, subjectUserId: string | null = null, message = FAILED_MESSAGE, rule?: string) => ({
    failure: { code, reason, subjectUserId, message, ...(rule && { rule }) },
  });
  if (row.challenge === null) return { failure: challengeFailure("CHALLENGE_INVALID") };
  if (row.expiresAt!.getTime() <= Date.now()) return { failure: challengeFailure("CHALLENGE_EXPIRED") };
  if (row.passkeyId === null || row.userId === null) return fail("AUTHENTICATION_FAILED", "unknown credential");
  const owner = { id: row.userId, email: row.email!, displayName: row.displayName!, role: row.role!, webauthnUserId: row.webauthnUserId! };
  // Username-first: the credential must belong to the account that asked.
  if (row.challengeUserId && row.challengeUserId !== owner.id) {
    return fail("AUTHENTICATION_FAILED", "credential of another user", row.challengeUserId);
  }
  // The user handle the authenticator returns must be the owner's (WebAuthn §7.2 step 6).
  // Usernameless sign-in identifies the user only by it, so there it must be present.
  const userHandle = response.response.userHandle;
  if ((!userHandle && !row.challengeUserId) || (userHandle && userHandle !== owner.webauthnUserId)) {
    return fail("AUTHENTICATION_FAILED", "user handle mismatch", owner.id);
  }

  const framed = framedCeremonyProblem(clientData);
  if (framed) return fail("AUTHENTICATION_FAILED", framed, owner.id);

  if (isEc2Key(row.publicKey!) && !isStrictDerEcdsaSignature(Buffer.from(response.response.signature, "base64url"))) {
    return fail("AUTHENTICATION_FAILED", "signature is not strict DER", owner.id);
  }

  const policy = await policyFromRowJson(row.policy);
  const storedCounter = Number(row.counter);
  let verification: VerifiedAuthenticationResponse;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: row.challenge,
      expectedOrigin: config.origins,
      expectedRPID: config.rpId,
      // The library compares counters before it checks the signature; we compare only once the
      // signature holds, so a forged response cannot raise a false cloned-authenticator alarm.
      credential: {
        id: response.id,
        publicKey: new Uint8Array(row.publicKey!),
        counter: 0,
        transports: row.transports as AuthenticatorTransport[],
      },
      requireUserVerification: policy.userVerification === "required",
    });
  } catch (error) {
    return fail("AUTHENTICATION_FAILED", error instanceof Error ? error.message.slice(0, 300) : "error", owner.id);
  }
  if (!verification.verified) return fail("AUTHENTICATION_FAILED", "signature not verified", owner.id);

  const info = verification.authenticationInfo;
  const verdict = passkeyPolicyVerdict(
    // The backup-eligible flag cannot change for a credential; the assertion's copy is the freshest.
    { aaguid: row.aaguid!, deviceType: info.credentialDeviceType, attestationVerified: row.attestationVerified! },
    policy,
    { targeted: targetedWhenListed(policy, row.targeted) },
  );
  if (!verdict.allowed) {
    return fail("PASSKEY_NOT_ALLOWED", "PASSKEY_NOT_ALLOWED", owner.id, verdict.message ?? FAILED_MESSAGE, verdict.rule ?? undefined);
  }
  // A counter that does not move forward may mean a cloned authenticator (WebAuthn §6.1.1);
  // authenticators that do not count report 0 every time.
  if ((info.newCounter > 0 || storedCounter > 0) && info.newCounter <= storedCounter) {
    return fail("COUNTER_REGRESSION", `counter ${info.newCounter} after ${storedCounter}`, owner.id, COUNTER_MESSAGE);
  }
  return { owner, passkeyId: row.passkeyId, storedCounter: row.counter!, info };
}
