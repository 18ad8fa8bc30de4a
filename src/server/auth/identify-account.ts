import "server-only";
import type { IdentifyResponse } from "@/contracts/auth";
import { assertIdentifyRateAllowed } from "../throttle/identify-rate-limit";
import { getAccountSignInFacts } from "./get-account-sign-in-facts";
import { signInMethodsOf } from "./sign-in-methods";

/**
 * Identifier-first sign-in: the ways `email` can sign in and the one to offer first. An unknown
 * email is answered as a decoy account, the same way every time, after the same SQL statements as
 * a known one. Requests are limited per IP address.
 * @throws RATE_LIMITED
 */
export async function identifyAccount(email: string, ip: string | null, now = new Date()): Promise<IdentifyResponse> {
  await assertIdentifyRateAllowed(ip, now);
  const { facts } = await getAccountSignInFacts(email);
  return signInMethodsOf(facts);
}
