import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { RegistrationFilterQuery } from "@/contracts/admin-reports";
import type { PasskeyPolicy } from "../../policy/passkey-policy";
import { likePrefix } from "../../sql-like";
import { listMatchingProfileIds, profileConditions } from "./capability-profiles";

/**
 * The registration report's filters as one SQL condition on the "User" row aliased `u`, with the
 * policy and the profiles it accepts read once (exports apply the same definitions to every batch).
 * Definitions (docs/decisions/009-admin-reports.md):
 * - passwordless capable: at least one passkey the current policy accepts;
 * - MFA capable: passwordless capable, or a password and a confirmed authenticator app (a
 *   Temporary Access Pass is temporary and issued by an administrator, so it does not count);
 * - method "none": no passkey, no password and no confirmed authenticator app.
 * All but the email prefix and the pass are decided by the user's capability profile
 * (capability-profiles.ts): one index lookup per user, whatever the policy.
 */
export interface RegistrationConditions {
  /** The condition on `u`. */
  where: Prisma.Sql;
  /** The part a profile decides, on `pr` (null: none). */
  profile: Prisma.Sql | null;
  /** The profiles `profile` accepts (null: any profile). */
  profileIds: number[] | null;
  /** The email prefix as a LIKE pattern, if the filter has one. */
  emailLike: string | null;
  /** Whether the filter asks for a usable pass (decided by the user's pass, not the profile). */
  tap: boolean;
}

export async function registrationConditions(filter: RegistrationFilterQuery, policy: PasskeyPolicy, now: Date): Promise<RegistrationConditions> {
  const conditions: Prisma.Sql[] = [];
  const emailLike = filter.q ? likePrefix(filter.q.toLowerCase()) : null;
  // Emails are stored lower-case; the text_pattern_ops index on "email" serves the prefix.
  if (emailLike) conditions.push(Prisma.sql`u."email" LIKE ${emailLike}`);
  if (filter.method === "tap") {
    // The same rule as isTapUsable (src/server/tap/tap-usable.ts).
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "TemporaryAccessPass" AS t WHERE t."userId" = u."id"
      AND t."expiresAt" > ${now} AND NOT (t."oneTime" AND t."usedAt" IS NOT NULL))`);
  }
  const profile = profileConditions(filter, policy);
  const profileIds = profile ? await listMatchingProfileIds(profile) : null;
  if (profileIds) {
    conditions.push(
      profileIds.length > 0
        ? Prisma.sql`EXISTS (SELECT 1 FROM "UserCapability" AS uc WHERE uc."userId" = u."id" AND uc."profileId" IN (${Prisma.join(profileIds)}))`
        : Prisma.sql`FALSE`,
    );
  }
  return {
    where: conditions.length > 0 ? Prisma.sql`(${Prisma.join(conditions, " AND ")})` : Prisma.sql`TRUE`,
    profile,
    profileIds,
    emailLike,
    tap: filter.method === "tap",
  };
}
