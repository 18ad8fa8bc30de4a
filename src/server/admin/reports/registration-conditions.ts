import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { RegistrationFilterQuery } from "@/contracts/admin-reports";
import type { PasskeyPolicy } from "../../policy/passkey-policy";
import { likePrefix } from "../../sql-like";
import { acceptedPasskeySql } from "../../policy/accepted-passkey-sql";

/**
 * The registration report's filters as one SQL condition on the "User" row aliased `u`.
 * Definitions (docs/decisions/009-admin-reports.md):
 * - passwordless capable: at least one passkey the current policy accepts;
 * - MFA capable: passwordless capable, or a password and a confirmed authenticator app (a
 *   Temporary Access Pass is temporary and issued by an administrator, so it does not count);
 * - method "none": no passkey, no password and no confirmed authenticator app.
 */
export function registrationConditions(filter: RegistrationFilterQuery, policy: PasskeyPolicy, now: Date): Prisma.Sql {
  const hasPasskey = Prisma.sql`EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id")`;
  const passwordless = Prisma.sql`EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id" AND ${acceptedPasskeySql(policy)})`;
  const hasPassword = Prisma.sql`(u."passwordHash" IS NOT NULL)`;
  const hasApp = Prisma.sql`EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL)`;
  // The same rule as isTapUsable (src/server/tap/tap-usable.ts).
  const hasTap = Prisma.sql`EXISTS (SELECT 1 FROM "TemporaryAccessPass" AS t WHERE t."userId" = u."id"
    AND t."expiresAt" > ${now} AND NOT (t."oneTime" AND t."usedAt" IS NOT NULL))`;
  const mfa = Prisma.sql`(${passwordless} OR (${hasPassword} AND ${hasApp}))`;

  const conditions: Prisma.Sql[] = [];
  if (filter.q) {
    // Emails are stored lower-case; the text_pattern_ops index on "email" serves the prefix.
    conditions.push(Prisma.sql`u."email" LIKE ${likePrefix(filter.q.toLowerCase())}`);
  }
  switch (filter.method) {
    case "passkey":
      conditions.push(hasPasskey);
      break;
    case "password":
      conditions.push(hasPassword);
      break;
    case "authenticator-app":
      conditions.push(hasApp);
      break;
    case "tap":
      conditions.push(hasTap);
      break;
    case "none":
      conditions.push(Prisma.sql`NOT ${hasPasskey} AND NOT ${hasPassword} AND NOT ${hasApp}`);
      break;
    case "any":
      break;
  }
  if (filter.passwordless === "yes") conditions.push(passwordless);
  if (filter.passwordless === "no") conditions.push(Prisma.sql`NOT ${passwordless}`);
  if (filter.mfa === "yes") conditions.push(mfa);
  if (filter.mfa === "no") conditions.push(Prisma.sql`NOT ${mfa}`);
  return conditions.length > 0 ? Prisma.sql`(${Prisma.join(conditions, " AND ")})` : Prisma.sql`TRUE`;
}
