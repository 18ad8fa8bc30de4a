import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { RegistrationFilterQuery } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import { acceptedPasskeySql } from "../../policy/accepted-passkey-sql";
import type { PasskeyPolicy } from "../../policy/passkey-policy";

/*
 * Every user has one capability profile (UserCapability): whether they have a password, a
 * confirmed authenticator app, a place in the policy's selected users, and the kinds of passkey
 * they hold. Triggers keep how many users have each profile (CapabilityCount), so anything the
 * definitions of docs/decisions/009-admin-reports.md decide is a sum over a few hundred profiles,
 * under whatever policy is current (docs/decisions/018-report-summaries.md).
 */

/** Passwordless capable, on the "CapabilityProfile" row `pr`: a passkey kind the policy accepts for them. */
export function passwordlessProfileSql(policy: PasskeyPolicy): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "PasskeyKind" AS p WHERE p."id" = ANY (pr."kinds") AND ${acceptedPasskeySql(policy, Prisma.sql`pr."targeted"`)})`;
}

/** MFA capable, on `pr`: passwordless capable, or a password and a confirmed app. */
export function mfaProfileSql(policy: PasskeyPolicy): Prisma.Sql {
  return Prisma.sql`(${passwordlessProfileSql(policy)} OR (pr."password" AND pr."app"))`;
}

/**
 * The filters that a profile decides (method other than a pass, passwordless, MFA) as one condition
 * on `pr`, or null when the filter sets none of them.
 */
export function profileConditions(filter: RegistrationFilterQuery, policy: PasskeyPolicy): Prisma.Sql | null {
  const hasPasskey = Prisma.sql`(cardinality(pr."kinds") > 0)`;
  const conditions: Prisma.Sql[] = [];
  switch (filter.method) {
    case "passkey":
      conditions.push(hasPasskey);
      break;
    case "password":
      conditions.push(Prisma.sql`pr."password"`);
      break;
    case "authenticator-app":
      conditions.push(Prisma.sql`pr."app"`);
      break;
    case "none":
      conditions.push(Prisma.sql`NOT ${hasPasskey} AND NOT pr."password" AND NOT pr."app"`);
      break;
    case "tap":
    case "any":
      break;
  }
  if (filter.passwordless === "yes") conditions.push(passwordlessProfileSql(policy));
  if (filter.passwordless === "no") conditions.push(Prisma.sql`NOT ${passwordlessProfileSql(policy)}`);
  if (filter.mfa === "yes") conditions.push(mfaProfileSql(policy));
  if (filter.mfa === "no") conditions.push(Prisma.sql`NOT ${mfaProfileSql(policy)}`);
  return conditions.length > 0 ? Prisma.sql`(${Prisma.join(conditions, " AND ")})` : null;
}

/** The ids of the profiles that satisfy `condition` (on `pr`). */
export async function listMatchingProfileIds(condition: Prisma.Sql): Promise<number[]> {
  const rows = await getDb().$queryRaw<Array<{ id: number }>>`SELECT pr."id" FROM "CapabilityProfile" AS pr WHERE ${condition}`;
  return rows.map((row) => row.id);
}

/** How many users have a profile that satisfies `condition` (on `pr`; every user when null), exactly. */
export async function countProfileUsers(condition: Prisma.Sql | null): Promise<number> {
  const [row] = await getDb().$queryRaw<Array<{ n: number }>>`
    SELECT COALESCE(sum(c."users"), 0)::int AS "n"
    FROM "CapabilityCount" AS c JOIN "CapabilityProfile" AS pr ON pr."id" = c."profileId"
    WHERE ${condition ?? Prisma.sql`TRUE`}`;
  return row?.n ?? 0;
}
