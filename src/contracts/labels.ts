// Words the pages show for contract values. No zod here (only its types), so client components
// import these without pulling the schema library into the page's JavaScript.
import type { SignInMethod } from "./methods";
import type { PolicyRule } from "./policy";

/** The shortest password accepted, in characters (code points after NFKC normalisation). */
export const PASSWORD_MIN_LENGTH = 8;

/** Short names of the rules, for lists that mark refused passkeys. */
export const POLICY_RULE_LABELS: Record<PolicyRule, string> = {
  disabled: "passkeys are turned off",
  notTargeted: "passkeys aren't enabled for your account",
  syncedNotAllowed: "only device-bound passkeys are allowed",
  aaguidNotAllowed: "this provider isn't on the allowed list",
  aaguidBlocked: "this provider is blocked",
  attestationNotVerified: "its maker couldn't be verified",
};

/** Names of the sign-in methods, as the page shows them. */
export const SIGN_IN_METHOD_LABELS: Record<SignInMethod, string> = {
  passkey: "Passkey",
  password: "Password and authenticator app",
};

/** An answer of ours in the `{ error: { code, message } }` shape (ErrorResponse in errors.ts), checked without zod. */
export function isErrorResponse(data: unknown): data is { error: { code: string; message: string } } {
  if (typeof data !== "object" || data === null || !("error" in data)) return false;
  const error = (data as { error: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && typeof (error as { message?: unknown }).message === "string";
}
