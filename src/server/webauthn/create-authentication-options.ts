import "server-only";
import {
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { getConfig } from "../config";
import { getDb } from "../db";
import { normaliseEmail } from "../users";
import { createChallenge } from "./challenges";

export interface AuthenticationOptionsInput {
  binding: string;
  /** Username-first sign-in names the account; usernameless and autofill leave it out. */
  email?: string;
}

/**
 * Options for navigator.credentials.get(). With an email, the account's credentials are offered as
 * allowCredentials and the challenge is tied to that account; without, any discoverable
 * credential may answer.
 */
export async function createAuthenticationOptions(
  input: AuthenticationOptionsInput,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const config = getConfig();
  const user = input.email
    ? await getDb().user.findUnique({
        where: { email: normaliseEmail(input.email) },
        select: { id: true, passkeys: { select: { credentialId: true, transports: true } } },
      })
    : null;

  const options = await generateAuthenticationOptions({
    rpID: config.rpId,
    userVerification: config.userVerification,
    timeout: 120_000,
    allowCredentials: (user?.passkeys ?? []).map((p) => ({
      id: p.credentialId,
      transports: p.transports as AuthenticatorTransport[],
    })),
  });

  await createChallenge({
    value: options.challenge,
    purpose: "authentication",
    binding: input.binding,
    userId: user?.id ?? null,
  });
  return options;
}
