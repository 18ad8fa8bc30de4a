import "server-only";
import type { SignInMethod } from "@/generated/prisma/enums";
import { getDb } from "../db";
import { normaliseEmail } from "../users";
import { decoyAccount } from "./decoy-account";
import type { AccountSignInFacts } from "./sign-in-methods";

interface FactsRow {
  id: string;
  hasPassword: boolean;
  hasConfirmedApp: boolean;
  defaultSignInMethod: SignInMethod | null;
  passkeys: Array<{ credentialId: string; transports: string[] }>;
}

/**
 * How the account of `email` may sign in, or, for an unknown email, how its decoy may: both take
 * the same single statement (Prisma would send a query per relation only when the user exists),
 * and the decoy is derived either way, so neither the answer nor the work done tells them apart.
 */
export async function getAccountSignInFacts(email: string): Promise<{ userId: string | null; facts: AccountSignInFacts }> {
  const rows = await getDb().$queryRaw<FactsRow[]>`
    SELECT u."id"::text AS "id",
      u."passwordHash" IS NOT NULL AS "hasPassword",
      a."confirmedAt" IS NOT NULL AS "hasConfirmedApp",
      u."defaultSignInMethod"::text AS "defaultSignInMethod",
      COALESCE((
        SELECT json_agg(json_build_object('credentialId', p."credentialId", 'transports', p."transports") ORDER BY p."createdAt", p."id")
        FROM "Passkey" p WHERE p."userId" = u."id"
      ), '[]'::json) AS "passkeys"
    FROM "User" u LEFT JOIN "AuthenticatorApp" a ON a."userId" = u."id"
    WHERE u."email" = ${normaliseEmail(email)}`;
  const decoy = decoyAccount(email);
  const user = rows[0];
  if (!user) return { userId: null, facts: decoy };
  return {
    userId: user.id,
    facts: {
      passkeys: user.passkeys,
      hasPassword: user.hasPassword,
      hasConfirmedApp: user.hasConfirmedApp,
      defaultSignInMethod: user.defaultSignInMethod,
    },
  };
}
