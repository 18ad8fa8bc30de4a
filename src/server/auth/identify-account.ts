import "server-only";
import type { IdentifyResponse } from "@/contracts/auth";
import { getAccountSignInFacts } from "./get-account-sign-in-facts";
import { signInMethodsOf } from "./sign-in-methods";

/**
 * Identifier-first sign-in: the ways `email` can sign in and the one to offer first. An unknown
 * email is answered as a decoy account, the same way every time.
 */
export async function identifyAccount(email: string): Promise<IdentifyResponse> {
  const { facts } = await getAccountSignInFacts(email);
  return signInMethodsOf(facts);
}
