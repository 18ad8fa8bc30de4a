import "server-only";
import type { PolicyTargetUser } from "@/contracts/policy";
import { getDb } from "../db";
import { likePrefix } from "../sql-like";

/**
 * Users whose email starts with `prefix`, for picking the users a policy targets (at most 8).
 * The prefix is literal: Prisma's `startsWith` passes `%` and `_` on to LIKE as wildcards.
 */
export async function findPolicyUsersByEmail(prefix: string): Promise<PolicyTargetUser[]> {
  // Emails are stored lower-case; a prefix match can use the text_pattern_ops index on email.
  return getDb().$queryRaw<PolicyTargetUser[]>`
    SELECT "id"::text AS "id", "email", "displayName" FROM "User"
     WHERE "email" LIKE ${likePrefix(prefix.trim().toLowerCase())}
     ORDER BY "email"
     LIMIT 8`;
}
