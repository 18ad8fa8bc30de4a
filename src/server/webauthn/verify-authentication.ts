import "server-only";
import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type VerifiedAuthenticationResponse,
} from "@simplewebauthn/server";
import { decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getPasskeyPolicy, isUserTargeted } from "../policy/passkey-policy";
import { passkeyPolicyVerdict } from "../policy/passkey-policy-verdict";
import type { UserProfile } from "../users";
import { consumeChallenge, readClientChallenge } from "./challenges";
import { isStrictDerEcdsaSignature } from "./der-signature";

export interface VerifyAuthenticationInput {
  response: AuthenticationResponseJSON;
  binding: string | undefined;
  ctx: AuditContext;
}

const FAILED_MESSAGE = "We couldn't sign you in with that passkey. Please try again.";
const COUNTER_MESSAGE =
  "This passkey reported an unexpected state and was refused. Use another sign-in method and contact your administrator.";

/**
 * Verifies a passkey sign-in and records its use (counter, backup state, last used) with the
 * audit event in one transaction.
 * A passkey the current policy no longer accepts is refused once its signature holds, so the
 * reason is told only to whoever has the passkey.
 * @throws CHALLENGE_INVALID, CHALLENGE_EXPIRED, AUTHENTICATION_FAILED, COUNTER_REGRESSION,
 *   PASSKEY_NOT_ALLOWED (with the rule and how to sign in instead)
 */
export async function verifyAuthentication(input: VerifyAuthenticationInput): Promise<UserProfile> {
  const { response, ctx } = input;
  const config = getConfig();
  const credentialId = response.id;
  const fail = async (
    code: "AUTHENTICATION_FAILED" | "COUNTER_REGRESSION" | "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED" | "PASSKEY_NOT_ALLOWED",
    reason: string,
    subjectUserId: string | null = null,
    message = FAILED_MESSAGE,
    rule?: string,
  ) => {
    await recordAudit(null, ctx, {
      type: code === "COUNTER_REGRESSION" ? "passkey.counter_regression" : "passkey.authentication",
      outcome: "failure",
      subjectUserId,
      details: { reason, credentialId: credentialId.slice(0, 200), ...(rule && { rule }) },
    });
    return new AppError(code, message, { cause: reason });
  };

  let challenge;
  try {
    challenge = await consumeChallenge(readClientChallenge(response.response.clientDataJSON), "authentication", input.binding);
  } catch (error) {
    if (error instanceof AppError && (error.code === "CHALLENGE_INVALID" || error.code === "CHALLENGE_EXPIRED")) {
      throw await fail(error.code, error.code, null, error.message);
    }
    throw error;
  }

  const passkey = await getDb().passkey.findUnique({
    where: { credentialId },
    select: {
      id: true,
      userId: true,
      publicKey: true,
      counter: true,
      transports: true,
      aaguid: true,
      deviceType: true,
      attestationVerified: true,
      user: { select: { id: true, email: true, displayName: true, role: true, webauthnUserId: true } },
    },
  });
  if (!passkey) throw await fail("AUTHENTICATION_FAILED", "unknown credential");
  const owner = passkey.user;
  // Username-first: the credential must belong to the account that asked.
  if (challenge.userId && challenge.userId !== owner.id) {
    throw await fail("AUTHENTICATION_FAILED", "credential of another user", challenge.userId);
  }
  // The user handle the authenticator returns must be the owner's (WebAuthn §7.2 step 6).
  // Usernameless sign-in identifies the user only by it, so there it must be present.
  const userHandle = response.response.userHandle;
  if ((!userHandle && !challenge.userId) || (userHandle && userHandle !== owner.webauthnUserId)) {
    throw await fail("AUTHENTICATION_FAILED", "user handle mismatch", owner.id);
  }

  if (isEc2Key(passkey.publicKey) && !isStrictDerEcdsaSignature(Buffer.from(response.response.signature, "base64url"))) {
    throw await fail("AUTHENTICATION_FAILED", "signature is not strict DER", owner.id);
  }

  const policy = await getPasskeyPolicy();
  const storedCounter = Number(passkey.counter);
  let verification: VerifiedAuthenticationResponse;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.value,
      expectedOrigin: config.origins,
      expectedRPID: config.rpId,
      // The library compares counters before it checks the signature; we compare only once the
      // signature holds, so a forged response cannot raise a false cloned-authenticator alarm.
      credential: {
        id: credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: 0,
        transports: passkey.transports as AuthenticatorTransport[],
      },
      requireUserVerification: policy.userVerification === "required",
    });
  } catch (error) {
    throw await fail("AUTHENTICATION_FAILED", error instanceof Error ? error.message.slice(0, 300) : "error", owner.id);
  }
  if (!verification.verified) throw await fail("AUTHENTICATION_FAILED", "signature not verified", owner.id);

  const info = verification.authenticationInfo;
  const verdict = passkeyPolicyVerdict(
    // The backup-eligible flag cannot change for a credential; the assertion's copy is the freshest.
    { aaguid: passkey.aaguid, deviceType: info.credentialDeviceType, attestationVerified: passkey.attestationVerified },
    policy,
    { targeted: await isUserTargeted(policy, owner.id) },
  );
  if (!verdict.allowed) {
    throw await fail("PASSKEY_NOT_ALLOWED", "PASSKEY_NOT_ALLOWED", owner.id, verdict.message ?? FAILED_MESSAGE, verdict.rule ?? undefined);
  }
  // A counter that does not move forward may mean a cloned authenticator (WebAuthn §6.1.1);
  // authenticators that do not count report 0 every time.
  if ((info.newCounter > 0 || storedCounter > 0) && info.newCounter <= storedCounter) {
    throw await fail("COUNTER_REGRESSION", `counter ${info.newCounter} after ${storedCounter}`, owner.id, COUNTER_MESSAGE);
  }
  const now = new Date();
  await getDb().$transaction(async (tx) => {
    // Conditional on the counter we compared against: of two assertions racing with the same
    // counter, only one may land.
    const { count } = await tx.passkey.updateMany({
      where: { id: passkey.id, counter: passkey.counter },
      data: {
        counter: BigInt(info.newCounter),
        backedUp: info.credentialBackedUp,
        lastUsedAt: now,
        lastUsedUserAgent: ctx.userAgent?.slice(0, 512) ?? null,
      },
    });
    if (count === 0) throw new AppError("COUNTER_REGRESSION", COUNTER_MESSAGE, { cause: "concurrent use" });
    await tx.user.update({ where: { id: owner.id }, data: { lastSignInAt: now } });
    await recordAudit(tx, ctx, {
      type: "passkey.authentication",
      outcome: "success",
      actorId: owner.id,
      subjectUserId: owner.id,
      details: { passkeyId: passkey.id, userVerified: info.userVerified },
    });
  }).catch(async (error) => {
    if (error instanceof AppError && error.code === "COUNTER_REGRESSION") {
      throw await fail("COUNTER_REGRESSION", "counter raced by a concurrent sign-in", owner.id, COUNTER_MESSAGE);
    }
    throw error;
  });
  return { id: owner.id, email: owner.email, displayName: owner.displayName, role: owner.role };
}

/** Whether a stored COSE_Key is an EC2 key, whose signatures are DER (WebAuthn §6.5.5). */
function isEc2Key(publicKey: Uint8Array): boolean {
  try {
    return (decodeCredentialPublicKey(new Uint8Array(publicKey)) as unknown as Map<number, unknown>).get(1) === 2;
  } catch {
    return false;
  }
}
