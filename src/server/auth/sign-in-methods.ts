import "server-only";
import type { SignInMethod } from "@/generated/prisma/enums";
import type { IdentifyResponse, SignInOption } from "@/contracts/auth";

/** What decides how an account may sign in: the same shape for a real account and a decoy. */
export interface AccountSignInFacts {
  passkeys: Array<{ credentialId: string; transports: string[] }>;
  hasPassword: boolean;
  hasConfirmedApp: boolean;
  defaultSignInMethod: SignInMethod | null;
}

/**
 * The ways the sign-in page offers. A password without a confirmed authenticator app is
 * single-factor ("password"). A Temporary Access Pass is always listed: listing it only when one
 * was issued would tell who has one.
 */
export function signInMethodsOf(facts: AccountSignInFacts): IdentifyResponse {
  const methods: SignInOption[] = [];
  if (facts.passkeys.length > 0) methods.push("passkey");
  if (facts.hasPassword) methods.push(facts.hasConfirmedApp ? "password_totp" : "password");
  methods.push("tap");
  // The user's own choice first, while they still have it ("password" means password and code).
  const chosen: SignInOption | null =
    facts.defaultSignInMethod === "passkey" ? "passkey" : facts.defaultSignInMethod === "password" ? "password_totp" : null;
  const order: SignInOption[] = ["passkey", "password_totp", "password", "tap"];
  const preferred = chosen && methods.includes(chosen) ? chosen : order.find((m) => methods.includes(m))!;
  return { methods, preferred };
}
