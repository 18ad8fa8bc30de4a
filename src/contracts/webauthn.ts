import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { PASSKEY_NAME_MAX_LENGTH } from "./passkey-name";
import { lineOfText } from "./text";

export { PASSKEY_NAME_MAX_LENGTH };

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, "must be base64url");

const Transports = z.array(z.string().max(32)).max(10);

const ClientExtensionResults = z.record(z.string(), z.unknown());

/** What every PublicKeyCredential carries, whichever ceremony produced it. */
const credentialFields = {
  // A credential ID is at most 1023 bytes (WebAuthn §5.8.3): 1364 base64url characters.
  id: base64url.min(1).max(1366),
  rawId: base64url.min(1).max(1366),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: ClientExtensionResults,
};

/** The browser's answer to navigator.credentials.create(), as JSON. */
export const RegistrationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    authenticatorData: base64url.optional(),
    transports: Transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url.optional(),
  }),
}) satisfies z.ZodType<RegistrationResponseJSON>;

/** The browser's answer to navigator.credentials.get(), as JSON. */
export const AuthenticationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
}) satisfies z.ZodType<AuthenticationResponseJSON>;

export const AuthenticatorType = z.enum(["localDevice", "remoteDevice", "securityKey"]);
export type AuthenticatorType = z.infer<typeof AuthenticatorType>;

export const RegistrationOptionsBody = z.object({
  /** Where the user wants to save the passkey; the browser still decides. */
  authenticatorType: AuthenticatorType.optional(),
  /**
   * Options for a conditional create (the password manager adds a passkey without a prompt),
   * offered only right after a password + authenticator-app sign-in.
   */
  auto: z.literal(true).optional(),
});
export type RegistrationOptionsBody = z.infer<typeof RegistrationOptionsBody>;

export const PasskeyName = lineOfText({ max: PASSKEY_NAME_MAX_LENGTH });

export const RegistrationVerifyBody = z.object({
  response: RegistrationResponse,
  name: PasskeyName.optional(),
  /** The response answers options asked for with `auto: true` (a conditional create). */
  auto: z.literal(true).optional(),
});
export type RegistrationVerifyBody = z.infer<typeof RegistrationVerifyBody>;

export const Email = z.string().trim().toLowerCase().max(254).email("Enter a valid email address.");

export const AuthenticationOptionsBody = z.object({
  email: Email.optional(),
  /**
   * A step-up ("Verify your identity"): the authenticator is asked to verify the user, since only
   * an assertion with user verification makes a multifactor session.
   */
  stepUp: z.literal(true).optional(),
});
export type AuthenticationOptionsBody = z.infer<typeof AuthenticationOptionsBody>;

export const AuthenticationVerifyBody = z.object({
  response: AuthenticationResponse,
});
export type AuthenticationVerifyBody = z.infer<typeof AuthenticationVerifyBody>;
