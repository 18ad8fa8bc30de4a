import "server-only";
import { randomBytes } from "node:crypto";
import {
  generateRegistrationOptions,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import type { AuthenticatorType } from "@/contracts/webauthn";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { Prisma, type Passkey, type User } from "@/generated/prisma/client";
import { policyFromRowJson, policyRowJsonSql, targetedWhenListed, userListedForPolicySql, type PasskeyPolicy } from "../policy/passkey-policy";
import { assertMayRegisterPasskeys } from "./passkey-policy-checks";
import type { SignedInUser } from "../session";
import { discardChallenge, storeChallengeSql, type StoredChallenge } from "./challenges";
import { SUPPORTED_ALGORITHM_IDS } from "./credential-key-problem";
import { requireFreshMultifactor } from "../require-fresh";
import { ceremonyRateKeys, ceremonyRateSql, countedRatesJsonSql, refuseOverRate, type CountedRate } from "../throttle/ceremony-rate-limit";

export interface RegistrationOptionsInput {
  user: SignedInUser | null;
  /** This browser session's binding id; the challenge is only valid for it. */
  binding: string;
  authenticatorType?: AuthenticatorType;
  /** A conditional create right after a password + authenticator-app sign-in (autoRegistration). */
  auto?: boolean;
  /** The request's IP address, counted against CEREMONY_RATE_PER_IP (absent: one "unknown" address). */
  ip?: string | null;
}

/**
 * Options for navigator.credentials.create(): a discoverable credential, the configured user
 * verification and attestation ("direct" while the policy enforces attestation), and the user's
 * existing credentials excluded. With `auto`, the
 * options of a conditional create, whose challenge can only be verified as one.
 * The user verification and hints follow the passkey policy.
 * Requests are counted per IP address and per user once the session is known to be fresh.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, RATE_LIMITED, USER_NOT_FOUND, PASSKEYS_DISABLED,
 *   PASSKEY_LIMIT_REACHED, INVALID_REQUEST (auto, but not right after a password + code sign-in, or
 *   the user has a passkey)
 */
export async function createRegistrationOptions(
  input: RegistrationOptionsInput,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const auto = input.auto === true;
  const signedIn = auto ? requireFreshPasswordAndCode(input.user) : requireFreshMultifactor(input.user);
  const config = getConfig();
  const now = new Date();
  const challengeBytes = randomBytes(32);
  const challenge: StoredChallenge = {
    value: challengeBytes.toString("base64url"),
    purpose: auto ? "autoRegistration" : "registration",
    binding: input.binding,
    userId: signedIn.userId,
  };
  const rateKeys = ceremonyRateKeys({ ip: input.ip, userId: signedIn.userId });
  const rate = ceremonyRateSql(rateKeys, now);
  const userId = Prisma.sql`${signedIn.userId}::uuid`;
  // One statement: the rate limits, the user with their passkeys, the policy, and the challenge,
  // stored unless a limit is passed or the user is gone. A refusal that needs the policy (below)
  // takes the challenge back.
  const [row] = await getDb().$queryRaw<OptionsRow[]>`
    WITH ${rate.ctes},
    "owner" AS (SELECT "id" FROM "User" WHERE "id" = ${userId}),
    ${storeChallengeSql(challenge, now, { when: rate.allowed, from: Prisma.sql`"owner"` })}
    SELECT ${countedRatesJsonSql()} AS "rates",
      u."email", u."displayName", u."webauthnUserId",
      (SELECT coalesce(json_agg(json_build_object('credentialId', p."credentialId", 'transports', p."transports")), '[]')
        FROM "Passkey" AS p WHERE p."userId" = ${userId}) AS "passkeys",
      ${userListedForPolicySql(userId)} AS "listed",
      ${policyRowJsonSql()} AS "policy"
    FROM (SELECT 1) AS "one" LEFT JOIN "User" AS u ON u."id" = ${userId}`;
  refuseOverRate(row!.rates, rateKeys, now);
  if (row!.email === null || row!.displayName === null || row!.webauthnUserId === null) {
    throw new AppError("USER_NOT_FOUND", "Your account no longer exists.");
  }
  const user = { email: row!.email, displayName: row!.displayName, webauthnUserId: row!.webauthnUserId, passkeys: row!.passkeys };
  const policy = await policyFromRowJson(row!.policy);
  try {
    assertMayRegisterPasskeys(policy, targetedWhenListed(policy, row!.listed));
    assertMayAddPasskey(policy, user.passkeys.length);
    if (auto && user.passkeys.length > 0) {
      throw new AppError("INVALID_REQUEST", "A passkey is added this way only to an account that has none.");
    }
  } catch (error) {
    await discardChallenge(challenge);
    throw error;
  }

  const options = await generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: Buffer.from(user.webauthnUserId, "base64url"),
    challenge: challengeBytes,
    // Enforced attestation needs the authenticator's certificate chain: ask for it whatever the
    // configured default (an authenticator may still answer "none", which is then refused).
    attestationType: policy.enforceAttestation ? "direct" : config.attestation,
    timeout: 120_000,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
    excludeCredentials: user.passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
    // A fresh object on every call: the library mutates its shared default selection object.
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: policy.userVerification,
    },
    // A conditional create goes to whichever password manager filled the password: no hint.
    preferredAuthenticatorType: auto ? undefined : input.authenticatorType,
  });
  // The stored challenge is the one the browser will sign.
  if (options.challenge !== challenge.value) throw new Error("The registration options carry another challenge than the stored one.");
  // Device-bound only: steer the browser towards a security key, without forbidding a platform
  // authenticator that keeps its passkey on the device. The server still decides on verification.
  if (!policy.syncedAllowed && !auto && !input.authenticatorType) options.hints = ["security-key"];
  return options;
}

/** What the options statement reads; the user's columns are null when the user is gone. */
interface OptionsRow {
  rates: CountedRate[];
  email: User["email"] | null;
  displayName: User["displayName"] | null;
  webauthnUserId: User["webauthnUserId"] | null;
  passkeys: Array<Pick<Passkey, "credentialId" | "transports">>;
  listed: boolean;
  policy: unknown;
}

/**
 * A conditional create is offered only right after a password + authenticator-app sign-in: its
 * verification waives user presence, so it must not be reachable from any other session.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, INVALID_REQUEST
 */
export function requireFreshPasswordAndCode(user: SignedInUser | null, now = Date.now()): SignedInUser {
  const signedIn = requireFreshMultifactor(user, now);
  const methods = [...signedIn.methods].sort();
  if (methods.length !== 2 || methods[0] !== "password" || methods[1] !== "totp") {
    throw new AppError("INVALID_REQUEST", "A passkey is added this way only right after a password and code sign-in.");
  }
  return signedIn;
}

/**
 * Whether the policy lets a user with `count` passkeys add another.
 * @throws PASSKEYS_DISABLED, PASSKEY_LIMIT_REACHED
 */
export function assertMayAddPasskey(policy: PasskeyPolicy, count: number): void {
  if (!policy.enabled) {
    throw new AppError("PASSKEYS_DISABLED", "Your organization has turned passkeys off, so you can't add one.");
  }
  if (count >= policy.maxPasskeysPerUser) {
    throw new AppError(
      "PASSKEY_LIMIT_REACHED",
      `You already have ${policy.maxPasskeysPerUser} passkeys, the most allowed. Delete one to add another.`,
    );
  }
}
