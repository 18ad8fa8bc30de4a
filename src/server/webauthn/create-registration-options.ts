import "server-only";
import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import type { AuthenticatorType } from "@/contracts/webauthn";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getPasskeyPolicy, isUserTargeted, type PasskeyPolicy } from "../policy/passkey-policy";
import { assertMayRegisterPasskeys } from "./passkey-policy-checks";
import type { SignedInUser } from "../session";
import { createChallenge } from "./challenges";
import { SUPPORTED_ALGORITHM_IDS } from "./credential-key-problem";
import { requireFreshMultifactor } from "../require-fresh";
import { assertCeremonyRateAllowed, ceremonyRateKeys } from "../throttle/ceremony-rate-limit";
import type { ChallengePurpose } from "@/generated/prisma/enums";

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
  await assertCeremonyRateAllowed(ceremonyRateKeys({ ip: input.ip, userId: signedIn.userId }));
  const config = getConfig();
  const user = await getDb().user.findUnique({
    where: { id: signedIn.userId },
    select: {
      id: true,
      email: true,
      displayName: true,
      webauthnUserId: true,
      passkeys: { select: { credentialId: true, transports: true } },
    },
  });
  if (!user) throw new AppError("USER_NOT_FOUND", "Your account no longer exists.");
  const policy = await getPasskeyPolicy();
  assertMayRegisterPasskeys(policy, await isUserTargeted(policy, user.id));
  assertMayAddPasskey(policy, user.passkeys.length);
  if (auto && user.passkeys.length > 0) {
    throw new AppError("INVALID_REQUEST", "A passkey is added this way only to an account that has none.");
  }

  const options = await generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: Buffer.from(user.webauthnUserId, "base64url"),
    // Enforced attestation needs the authenticator's certificate chain: ask for it whatever the
    // configured default (an authenticator may still answer "none", which is then refused).
    attestationType: policy.enforceAttestation ? "direct" : config.attestation,
    timeout: 120_000,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
    excludeCredentials: user.passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    // A fresh object on every call: the library mutates its shared default selection object.
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: policy.userVerification,
    },
    // A conditional create goes to whichever password manager filled the password: no hint.
    preferredAuthenticatorType: auto ? undefined : input.authenticatorType,
  });
  // Device-bound only: steer the browser towards a security key, without forbidding a platform
  // authenticator that keeps its passkey on the device. The server still decides on verification.
  if (!policy.syncedAllowed && !auto && !input.authenticatorType) options.hints = ["security-key"];

  const purpose: ChallengePurpose = auto ? "autoRegistration" : "registration";
  await createChallenge({
    value: options.challenge,
    purpose,
    binding: input.binding,
    userId: user.id,
  });
  return options;
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
