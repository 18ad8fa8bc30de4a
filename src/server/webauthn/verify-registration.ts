import "server-only";
import {
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from "@simplewebauthn/server";
import type { PasskeySummary } from "@/contracts/passkeys";
import { Prisma } from "@/generated/prisma/client";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { lockUser } from "../lock-user";
import { AppError } from "../errors";
import { passkeySummarySelect, toPasskeySummary } from "../methods/passkey-summary";
import type { SignedInUser } from "../session";
import { consumeChallenge, readClientData } from "./challenges";
import { credentialKeyProblem, SUPPORTED_ALGORITHM_IDS } from "./credential-key-problem";
import { defaultPasskeyName, uniquePasskeyName } from "../methods/passkey-names";
import { parseCreatedOn } from "../methods/user-agent";
import { getPasskeyPolicy, isUserTargeted } from "../policy/passkey-policy";
import { passkeyPolicyVerdict } from "../policy/passkey-policy-verdict";
import { assertMayRegisterPasskeys } from "./passkey-policy-checks";
import { assertMayAddPasskey, requireFreshPasswordAndCode } from "./create-registration-options";
import { getPasskeyProvider } from "./providers";
import { assessAttestation, type AttestationProblem } from "./metadata/assess-attestation";
import { prepareMetadataService } from "./metadata/install-metadata";
import { withoutNetwork } from "./metadata/without-network";
import { requireFreshMultifactor } from "../require-fresh";
import { framedCeremonyProblem } from "./framed-ceremony";

export interface VerifyRegistrationInput {
  response: RegistrationResponseJSON;
  name?: string;
  user: SignedInUser | null;
  binding: string | undefined;
  ctx: AuditContext;
  /** The response answers a conditional create's options (an autoRegistration challenge). */
  auto?: boolean;
}

/**
 * Verifies the browser's registration response and stores the new passkey. The challenge is
 * consumed first, so a response can be tried once; a failure stores nothing. A challenge is
 * consumed only by the ceremony it was minted for: `auto` responses need an autoRegistration
 * challenge and every other response a registration one.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, INVALID_REQUEST, CHALLENGE_INVALID, CHALLENGE_EXPIRED,
 *   REGISTRATION_FAILED, CREDENTIAL_ALREADY_REGISTERED, PASSKEYS_DISABLED, PASSKEY_LIMIT_REACHED,
 *   PASSKEY_NOT_ALLOWED (a synced passkey when only device-bound ones are, or the AAGUID rule)
 */
export async function verifyRegistration(input: VerifyRegistrationInput): Promise<PasskeySummary> {
  const { ctx, response } = input;
  const auto = input.auto === true;
  const user = auto ? requireFreshPasswordAndCode(input.user) : requireFreshMultifactor(input.user);
  const config = getConfig();
  const fail = async (
    code: "REGISTRATION_FAILED" | "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED" | "CREDENTIAL_ALREADY_REGISTERED" | "PASSKEYS_DISABLED" | "PASSKEY_NOT_ALLOWED",
    message: string,
    reason: string,
    rule?: string,
    extra?: Record<string, unknown>,
  ) => {
    await recordAudit(null, ctx, {
      type: "passkey.registration",
      outcome: "failure",
      actorId: user.userId,
      subjectUserId: user.userId,
      details: { reason, credentialId: response.id.slice(0, 200), ...(rule && { rule }), ...extra, ...(auto && { via: "auto" }) },
    });
    return new AppError(code, message, { cause: reason });
  };

  const clientData = readClientData(response.response.clientDataJSON);
  let challenge;
  try {
    challenge = await consumeChallenge(
      clientData.challenge,
      auto ? "autoRegistration" : "registration",
      input.binding,
    );
  } catch (error) {
    if (error instanceof AppError && error.code !== "INVALID_REQUEST") {
      throw await fail(error.code as "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED", error.message, error.code);
    }
    throw error;
  }
  if (challenge.userId !== user.userId) {
    throw await fail("CHALLENGE_INVALID", "This request is no longer valid. Please start again.", "challenge of another user");
  }
  const framed = framedCeremonyProblem(clientData);
  if (framed) throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", framed);
  // Read again, not trusted from the options: the policy may have changed in between.
  const policy = await getPasskeyPolicy();
  const targeted = await isUserTargeted(policy, user.userId);
  try {
    assertMayRegisterPasskeys(policy, targeted);
  } catch (error) {
    if (error instanceof AppError) throw await fail("PASSKEYS_DISABLED", error.message, "PASSKEYS_DISABLED");
    throw error;
  }

  // The blob loaded at start-up, in the MetadataService instance this module's library uses: with
  // a statement for the AAGUID, the library checks the attestation chain against its roots.
  const metadata = await prepareMetadataService();
  let verification: VerifiedRegistrationResponse;
  try {
    // Offline: the library would otherwise fetch CRLs named in the authenticator's certificates.
    verification = await withoutNetwork(() => verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.value,
      expectedOrigin: config.origins,
      expectedRPID: config.rpId,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
      // A conditional create may complete without any gesture (WebAuthn L3 §5.1.3, "conditional"
      // mediation): the authenticator reports no user presence and the spec gives no user
      // verification guarantee either. Both are waived for that ceremony's challenge only, which
      // is minted solely right after a password + code sign-in; every other registration needs UP.
      requireUserPresence: !auto,
      requireUserVerification: !auto && policy.userVerification === "required",
    }));
  } catch (error) {
    throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", errorText(error));
  }
  if (!verification.verified) {
    throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", "not verified");
  }

  const info = verification.registrationInfo;
  // The library checks id against rawId but not against the credential the authenticator attested;
  // a response naming one credential and attesting another is not one authenticator's answer.
  if (response.id !== info.credential.id) {
    throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", "credential id differs from the attested one");
  }
  const keyProblem = credentialKeyProblem(info.credential.publicKey);
  if (keyProblem) {
    throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", `public key: ${keyProblem}`);
  }
  // Synced or not is the backup-eligible flag (WebAuthn §6.1.3), which the library reports as the
  // credential device type; the AAGUID names the maker.
  const attestation = assessAttestation({ fmt: info.fmt, aaguid: info.aaguid, attestationObject: info.attestationObject, metadata });
  const attestationVerified = attestation.verified;
  const verdict = passkeyPolicyVerdict(
    { aaguid: info.aaguid, deviceType: info.credentialDeviceType, attestationVerified },
    policy,
    { targeted },
  );
  if (!verdict.allowed) {
    throw await fail(
      "PASSKEY_NOT_ALLOWED",
      registrationRefusal(verdict.rule, attestation.problem),
      "PASSKEY_NOT_ALLOWED",
      verdict.rule ?? undefined,
      { aaguid: info.aaguid, fmt: info.fmt, attestationVerified, ...(attestation.problem && { attestationProblem: attestation.problem }) },
    );
  }
  const provider = getPasskeyProvider(info.aaguid);
  const createdOn = parseCreatedOn(ctx.userAgent);
  try {
    return await getDb().$transaction(async (tx) => {
      await lockUser(tx, user.userId);
      const existing = await tx.passkey.findMany({ where: { userId: user.userId }, select: { name: true } });
      // Checked again here: the limit must hold even for registrations that raced past the options.
      assertMayAddPasskey(policy, existing.length);
      const name = uniquePasskeyName(
        input.name ?? defaultPasskeyName(provider.name, createdOn.device),
        existing.map((p) => p.name),
      );
      const row = await tx.passkey.create({
        data: {
          credentialId: info.credential.id,
          userId: user.userId,
          publicKey: Buffer.from(info.credential.publicKey),
          counter: BigInt(info.credential.counter),
          transports: info.credential.transports ?? [],
          aaguid: info.aaguid,
          name,
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
          attestationFormat: info.fmt,
          // Self and `none` attestation prove nothing about the maker; only a chain to the roots
          // of the loaded FIDO metadata statement for its AAGUID does (./metadata/assess-attestation.ts).
          attestationVerified,
          userVerified: info.userVerified,
          createdUserAgent: ctx.userAgent?.slice(0, 512) ?? null,
          createdBrowser: createdOn.browser,
          createdOs: createdOn.os,
          createdDevice: createdOn.device,
        },
        select: passkeySummarySelect,
      });
      await recordAudit(tx, ctx, {
        type: "passkey.registration",
        outcome: "success",
        actorId: user.userId,
        subjectUserId: user.userId,
        details: {
          passkeyId: row.id,
          aaguid: info.aaguid,
          fmt: info.fmt,
          attestationVerified,
          deviceType: info.credentialDeviceType,
          ...(auto && { via: "auto" }),
        },
      });
      return toPasskeySummary(row, { policy, targeted });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const taken = await getDb().passkey.findUnique({ where: { credentialId: info.credential.id }, select: { id: true } });
      if (taken) {
        throw await fail("CREDENTIAL_ALREADY_REGISTERED", "This passkey is already registered.", "duplicate credential id");
      }
      // Otherwise a concurrent registration took the same name: the user can simply try again.
      throw await fail("REGISTRATION_FAILED", "We couldn't save this passkey. Please try again.", "name raced");
    }
    if (error instanceof AppError && (error.code === "PASSKEY_LIMIT_REACHED" || error.code === "PASSKEYS_DISABLED")) {
      await recordAudit(null, ctx, {
        type: "passkey.registration",
        outcome: "failure",
        actorId: user.userId,
        subjectUserId: user.userId,
        details: { reason: error.code, credentialId: response.id.slice(0, 200) },
      });
    }
    throw error;
  }
}

/** The refusal of a new passkey: which rule, and what to add instead. */
function registrationRefusal(rule: string | null, attestation: AttestationProblem | null): string {
  switch (rule) {
    case "attestationNotVerified":
      return attestationRefusal(attestation);
    case "syncedNotAllowed":
      return "Your organization allows only device-bound passkeys, such as a security key or a passkey kept on this device only. This one is synced, so it wasn't added. Use a security key or another device-bound authenticator.";
    case "aaguidNotAllowed":
      return "Your organization allows passkeys only from approved providers, and this one isn't among them, so it wasn't added. Use a passkey provider or security key your organization approves.";
    case "aaguidBlocked":
      return "Your organization has blocked passkeys from this provider, so it wasn't added. Use another passkey provider or security key.";
    default:
      return "Your organization's passkey policy doesn't allow this passkey, so it wasn't added.";
  }
}

/** Why a passkey's make couldn't be verified, for a policy that accepts only verified makes. */
function attestationRefusal(problem: AttestationProblem | null): string {
  const rule = "Your organization accepts only passkeys whose make and model can be verified";
  switch (problem) {
    case "none":
      return `${rule}. This passkey didn't prove its make (it gave no attestation, "none"), so it wasn't added. Use a security key your organization approves.`;
    case "self":
      return `${rule}. This passkey vouched only for itself instead of proving its make with its maker's certificate, so it wasn't added. Use a security key your organization approves.`;
    case "noMetadata":
      return `${rule}, but no FIDO metadata is loaded to check against, so no passkey can be added right now. Ask your administrator.`;
    default:
      return `${rule}. This passkey's maker isn't in the FIDO metadata your organization uses, so it wasn't added. Use a security key your organization approves.`;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : "verification error";
}
