import "server-only";
import {
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { getConfig } from "../config";
import { getAccountSignInFacts } from "../auth/get-account-sign-in-facts";
import { ceremonyRateKeys } from "../throttle/ceremony-rate-limit";
import { createChallenge } from "./challenges";

export interface AuthenticationOptionsInput {
  binding: string;
  /** Username-first sign-in names the account; usernameless and autofill leave it out. */
  email?: string;
  /** The request's IP address, counted against CEREMONY_RATE_PER_IP (absent: one "unknown" address). */
  ip?: string | null;
  /** A step-up: user verification is required, whatever the policy says. */
  stepUp?: true;
}

/**
 * Options for navigator.credentials.get(). With an email, the account's credentials are offered as
 * allowCredentials and the challenge is tied to that account; without, any discoverable
 * credential may answer. An unknown email gets its decoy account's made-up credentials (or none),
 * the same every time, so the answer does not tell whether the account exists (WebAuthn §14.6.2).
 * Requests are counted per IP address and, with an email, per account (known or not, alike).
 * @throws RATE_LIMITED
 */
export async function createAuthenticationOptions(
  input: AuthenticationOptionsInput,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const config = getConfig();
  const account = input.email ? await getAccountSignInFacts(input.email) : null;

  const options = await generateAuthenticationOptions({
    rpID: config.rpId,
    // Replaced below by the policy's, which the statement that stores the challenge reads.
    userVerification: "preferred",
    timeout: 120_000,
    allowCredentials: (account?.facts.passkeys ?? []).map((p) => ({
      id: p.credentialId,
      transports: p.transports as AuthenticatorTransport[],
    })),
  });

  // One statement: the rate limits, the challenge and the policy (nothing stored when refused).
  const { policy } = await createChallenge(
    { value: options.challenge, purpose: "authentication", binding: input.binding, userId: account?.userId ?? null },
    { rateKeys: ceremonyRateKeys({ ip: input.ip, email: input.email }) },
  );
  // A step-up must end in a multifactor session, which only a user-verifying assertion gives.
  options.userVerification = input.stepUp ? "required" : policy.userVerification;
  return options;
}
