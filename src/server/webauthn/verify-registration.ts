import "server-only";
import {
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from "@simplewebauthn/server";
import type { PasskeySummary } from "@/contracts/passkeys";
import { randomUUID } from "node:crypto";
import { Prisma, type Passkey } from "@/generated/prisma/client";
import type { ChallengePurpose } from "@/generated/prisma/enums";
import { auditInsertSql, recordAudit, type AuditContext, type AuditEntry } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { lockUser } from "../lock-user";
import { AppError } from "../errors";
import { passkeySummaryColumnsSql, passkeySummaryFromJson, passkeySummarySelect, toPasskeySummary, type PasskeySummaryRow } from "../methods/passkey-summary";
import type { SignedInUser } from "../session";
import { consumeChallenge, consumeChallengeSql, discardChallenge, readClientData } from "./challenges";
import { credentialKeyProblem, SUPPORTED_ALGORITHM_IDS } from "./credential-key-problem";
import { defaultPasskeyName, uniquePasskeyName } from "../methods/passkey-names";
import { parseCreatedOn } from "../methods/user-agent";
import {
  policyFromRowJson,
  policyRowJsonSql,
  targetedWhenListed,
  userListedForPolicySql,
  type PasskeyPolicy,
  type UserPolicyAccess,
} from "../policy/passkey-policy";
import { sqlTimestamp } from "../sql-time";
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
  const clientData = readClientData(response.response.clientDataJSON);
  const challenge = { value: clientData.challenge, purpose: (auto ? "autoRegistration" : "registration") as ChallengePurpose, binding: input.binding };
  const failureAudit = (reason: string, rule?: string, extra?: Record<string, unknown>): AuditEntry => ({
    type: "passkey.registration",
    outcome: "failure",
    actorId: user.userId,
    subjectUserId: user.userId,
    details: { reason, credentialId: response.id.slice(0, 200), ...(rule && { rule }), ...extra, ...(auto && { via: "auto" }) },
  });
  // A refusal consumes the challenge (a response is tried once) and is audited, in one statement.
  const fail = async (
    code: "REGISTRATION_FAILED" | "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED" | "CREDENTIAL_ALREADY_REGISTERED" | "PASSKEYS_DISABLED" | "PASSKEY_NOT_ALLOWED" | "PASSKEY_LIMIT_REACHED",
    message: string,
    reason: string,
    rule?: string,
    extra?: Record<string, unknown>,
  ) => {
    const audit = auditInsertSql(ctx, failureAudit(reason, rule, extra), new Date());
    await (challenge.binding
      ? discardChallenge({ ...challenge, binding: challenge.binding }, audit)
      : getDb().$queryRaw`WITH "audit" AS (${audit}) SELECT 1`);
    return new AppError(code, message, { cause: reason });
  };
  const invalidChallenge = "This request is no longer valid. Please start again.";
  const expiredChallenge = "This request took too long. Please try again.";
  if (!challenge.binding) throw await fail("CHALLENGE_INVALID", invalidChallenge, "CHALLENGE_INVALID");
  const binding = challenge.binding;

  // One read: the challenge (looked at, not yet consumed), the user's passkey names, the policy.
  // Read again here, not trusted from the options: the policy may have changed in between.
  const userId = Prisma.sql`${user.userId}::uuid`;
  const [ceremony] = await getDb().$queryRaw<CeremonyRow[]>`
    SELECT c."userId"::text AS "challengeUserId", c."expiresAt",
      (SELECT coalesce(json_agg(p."name"), '[]') FROM "Passkey" AS p WHERE p."userId" = ${userId}) AS "names",
      ${userListedForPolicySql(userId)} AS "listed",
      ${policyRowJsonSql()} AS "policy"
    FROM (SELECT 1) AS "one"
      LEFT JOIN "Challenge" AS c ON c."value" = ${challenge.value} AND c."purpose" = ${challenge.purpose}::"ChallengePurpose" AND c."binding" = ${binding}`;
  if (!ceremony!.expiresAt) throw await fail("CHALLENGE_INVALID", invalidChallenge, "CHALLENGE_INVALID");
  if (ceremony!.expiresAt.getTime() <= Date.now()) throw await fail("CHALLENGE_EXPIRED", expiredChallenge, "CHALLENGE_EXPIRED");
  if (ceremony!.challengeUserId !== user.userId) throw await fail("CHALLENGE_INVALID", invalidChallenge, "challenge of another user");
  const framed = framedCeremonyProblem(clientData);
  if (framed) throw await fail("REGISTRATION_FAILED", "We couldn't verify this passkey. Please try again.", framed);
  const policy = await policyFromRowJson(ceremony!.policy);
  const targeted = targetedWhenListed(policy, ceremony!.listed);
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
  const limit = limitRefusal(policy, ceremony!.names.length);
  if (limit) throw await fail("PASSKEY_LIMIT_REACHED", limit.message, "PASSKEY_LIMIT_REACHED");

  const provider = getPasskeyProvider(info.aaguid);
  const createdOn = parseCreatedOn(ctx.userAgent);
  const row: NewPasskey = {
    id: randomUUID(),
    credentialId: info.credential.id,
    userId: user.userId,
    publicKey: Buffer.from(info.credential.publicKey),
    counter: BigInt(info.credential.counter),
    transports: info.credential.transports ?? [],
    aaguid: info.aaguid,
    name: uniquePasskeyName(input.name ?? defaultPasskeyName(provider.name, createdOn.device), ceremony!.names),
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
  };
  const success: AuditEntry = {
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
  };
  const access = { policy, targeted };

  // One statement consumes the challenge, stores the passkey and audits it. A clash (a name taken
  // meanwhile, or a credential already registered) stores nothing; the database's passkey limit
  // (migration passkey_limit_guard) refuses a registration that raced past the check above.
  const now = new Date();
  let stored: { consumed: number; passkey: PasskeySummaryRow | null } | undefined;
  try {
    [stored] = (await getDb().$queryRaw<Array<{ consumed: number; passkey: PasskeySummaryRow | null }>>`
      WITH "consumed" AS (${consumeChallengeSql(challenge.value, challenge.purpose, binding, Prisma.sql`"expiresAt" > ${sqlTimestamp(now)}`)}),
      "stored" AS (
        INSERT INTO "Passkey" ("id", "credentialId", "userId", "publicKey", "counter", "transports", "aaguid", "name", "deviceType",
          "backedUp", "attestationFormat", "attestationVerified", "userVerified", "createdUserAgent", "createdBrowser", "createdOs",
          "createdDevice", "createdAt")
        SELECT ${row.id}::uuid, ${row.credentialId}, ${userId}, ${row.publicKey}, ${row.counter}, ${row.transports}::text[], ${row.aaguid},
          ${row.name}, ${row.deviceType}::"CredentialDeviceType", ${row.backedUp}, ${row.attestationFormat}, ${row.attestationVerified},
          ${row.userVerified}, ${row.createdUserAgent}, ${row.createdBrowser}, ${row.createdOs}, ${row.createdDevice}, ${sqlTimestamp(now)}
        FROM "consumed"
        ON CONFLICT DO NOTHING
        RETURNING ${passkeySummaryColumnsSql()}
      ),
      "audit" AS (${auditInsertSql(ctx, success, now, Prisma.sql`EXISTS (SELECT 1 FROM "stored")`)})
      SELECT (SELECT count(*)::int FROM "consumed") AS "consumed", (SELECT row_to_json("stored") FROM "stored") AS "passkey"`) as typeof stored[];
  } catch (error) {
    if (!isPasskeyLimitViolation(error)) throw error;
    // Nothing was written, the challenge included: consume it, then store under the user's lock,
    // which tells the limit (or stores the passkey, if one was deleted meanwhile).
    try {
      await consumeChallenge(challenge.value, challenge.purpose, binding);
    } catch (consumed) {
      if (consumed instanceof AppError) throw await fail(consumed.code as "CHALLENGE_INVALID" | "CHALLENGE_EXPIRED", consumed.message, consumed.code);
      throw consumed;
    }
    return storeWithUserLock(row, ctx, success, access, fail);
  }
  if (stored!.consumed === 0) {
    // Another verification of the same response won, or the challenge ran out meanwhile.
    throw await fail("CHALLENGE_INVALID", invalidChallenge, "CHALLENGE_INVALID");
  }
  if (stored!.passkey) return toPasskeySummary(passkeySummaryFromJson(stored!.passkey), access);
  // The challenge is consumed; the clash is told (or the name chosen again) under the user's lock.
  return storeWithUserLock(row, ctx, success, access, fail);
}

type NewPasskey = Omit<Passkey, "createdAt" | "lastUsedAt" | "lastUsedUserAgent">;
type Fail = (
  code: "REGISTRATION_FAILED" | "CREDENTIAL_ALREADY_REGISTERED" | "PASSKEY_LIMIT_REACHED",
  message: string,
  reason: string,
) => Promise<AppError>;

/** What the first statement of a registration reads. */
interface CeremonyRow {
  challengeUserId: string | null;
  expiresAt: Date | null;
  names: string[];
  listed: boolean;
  policy: unknown;
}

/** The refusal when a user with `count` passkeys may not add another, or null. */
function limitRefusal(policy: PasskeyPolicy, count: number): AppError | null {
  try {
    assertMayAddPasskey(policy, count);
    return null;
  } catch (error) {
    if (error instanceof AppError && error.code === "PASSKEY_LIMIT_REACHED") return error;
    throw error;
  }
}

/** Whether a statement failed on the database's passkey limit (migration passkey_limit_guard). */
function isPasskeyLimitViolation(error: unknown): boolean {
  return error instanceof Error && /Passkey_within_limit|passkey limit of \d+ reached/.test(`${error.message} ${JSON.stringify((error as { meta?: unknown }).meta ?? {})}`);
}

/**
 * The slow path, after the one-statement store clashed or raced the limit (its challenge already
 * consumed): under the user's lock, names and count are read afresh, so the limit holds and the name
 * is chosen again against what the other registration stored.
 */
async function storeWithUserLock(row: NewPasskey, ctx: AuditContext, success: AuditEntry, access: UserPolicyAccess, fail: Fail): Promise<PasskeySummary> {
  try {
    return await getDb().$transaction(async (tx) => {
      await lockUser(tx, row.userId);
      const existing = await tx.passkey.findMany({ where: { userId: row.userId }, select: { name: true } });
      assertMayAddPasskey(access.policy, existing.length);
      const created = await tx.passkey.create({
        data: { ...row, name: uniquePasskeyName(row.name, existing.map((p) => p.name)) },
        select: passkeySummarySelect,
      });
      await recordAudit(tx, ctx, success);
      return toPasskeySummary(created, access);
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const taken = await getDb().passkey.findUnique({ where: { credentialId: row.credentialId }, select: { id: true } });
      if (taken) throw await fail("CREDENTIAL_ALREADY_REGISTERED", "This passkey is already registered.", "duplicate credential id");
      // Otherwise a concurrent registration took the same name: the user can simply try again.
      throw await fail("REGISTRATION_FAILED", "We couldn't save this passkey. Please try again.", "name raced");
    }
    if (error instanceof AppError && error.code === "PASSKEY_LIMIT_REACHED") throw await fail("PASSKEY_LIMIT_REACHED", error.message, "PASSKEY_LIMIT_REACHED");
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
