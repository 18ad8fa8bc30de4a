import "server-only";
import { getDb } from "../db";
import { normaliseEmail } from "../users";
import { decoyAccount } from "./decoy-account";
import type { AccountSignInFacts } from "./sign-in-methods";

/**
 * How the account of `email` may sign in, or, for an unknown email, how its decoy may: both take
 * the same single lookup, so neither the answer nor the work done tells them apart.
 */
export async function getAccountSignInFacts(email: string): Promise<{ userId: string | null; facts: AccountSignInFacts }> {
  const user = await getDb().user.findUnique({
    where: { email: normaliseEmail(email) },
    select: {
      id: true,
      passwordHash: true,
      defaultSignInMethod: true,
      authenticatorApp: { select: { confirmedAt: true } },
      passkeys: { select: { credentialId: true, transports: true }, orderBy: { createdAt: "asc" } },
    },
  });
  const decoy = decoyAccount(email);
  if (!user) return { userId: null, facts: decoy };
  return {
    userId: user.id,
    facts: {
      passkeys: user.passkeys,
      hasPassword: user.passwordHash !== null,
      hasConfirmedApp: user.authenticatorApp?.confirmedAt != null,
      defaultSignInMethod: user.defaultSignInMethod,
    },
  };
}
