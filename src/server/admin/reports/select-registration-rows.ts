import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { RegistrationRow } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import type { PasskeyPolicy } from "../../policy/passkey-policy";
import { isTapUsable } from "../../tap/tap-usable";
import { acceptedPasskeySql } from "../../policy/accepted-passkey-sql";

/** Where a page or batch starts: after (or before) this (email, id), in (email, id) order. */
export interface RegistrationKeyset {
  after?: { email: string; id: string } | null;
  before?: { email: string; id: string } | null;
}

interface RawRow {
  id: string;
  email: string;
  displayName: string;
  role: "user" | "admin";
  passkeys: number;
  acceptedPasskeys: number;
  password: boolean;
  authenticatorApp: boolean;
  tapExpiresAt: Date | null;
  tapOneTime: boolean | null;
  tapUsedAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
}

/**
 * Up to `limit` users matching `where`, in (email, id) order (descending when paging back), with
 * their methods. The per-user subqueries run only for the rows returned, so a batch costs the same
 * on any table size. By default the users are read in email order until enough match; given
 * `candidates` (a query of "userId" and "email" that holds every match), only those are read and
 * sorted: cheaper when few users match, however far apart they are in email order.
 */
export async function selectRegistrationRows(
  where: Prisma.Sql,
  policy: PasskeyPolicy,
  keyset: RegistrationKeyset,
  limit: number,
  now: Date,
  candidates: Prisma.Sql | null = null,
): Promise<RegistrationRow[]> {
  // The candidates' own copy of the email (kept equal to the user's by the same transaction) is
  // what they are sorted on: ordering by u."email" would invite a walk of the email index.
  const key = candidates ? { email: Prisma.sql`c."email"`, id: Prisma.sql`c."userId"` } : { email: Prisma.sql`u."email"`, id: Prisma.sql`u."id"` };
  const position = keyset.after
    ? Prisma.sql`AND (${key.email}, ${key.id}) > (${keyset.after.email}, ${keyset.after.id}::uuid)`
    : keyset.before
      ? Prisma.sql`AND (${key.email}, ${key.id}) < (${keyset.before.email}, ${keyset.before.id}::uuid)`
      : Prisma.empty;
  const direction = keyset.before ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await getDb().$queryRaw<RawRow[]>`
    SELECT u."id", u."email", u."displayName", u."role"::text AS "role",
      (SELECT count(*)::int FROM "Passkey" AS p WHERE p."userId" = u."id") AS "passkeys",
      (SELECT count(*)::int FROM "Passkey" AS p WHERE p."userId" = u."id" AND ${acceptedPasskeySql(policy)}) AS "acceptedPasskeys",
      (u."passwordHash" IS NOT NULL) AS "password",
      EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL) AS "authenticatorApp",
      t."expiresAt" AS "tapExpiresAt", t."oneTime" AS "tapOneTime", t."usedAt" AS "tapUsedAt",
      u."createdAt", u."lastSignInAt"
    FROM ${candidates ? Prisma.sql`(${candidates}) AS c JOIN "User" AS u ON u."id" = c."userId"` : Prisma.sql`"User" AS u`}
    LEFT JOIN "TemporaryAccessPass" AS t ON t."userId" = u."id"
    WHERE ${where} ${position}
    ORDER BY ${key.email} ${direction}, ${key.id} ${direction}
    LIMIT ${limit}`;
  return rows.map((row) => {
    const tap = row.tapExpiresAt ? { expiresAt: row.tapExpiresAt, oneTime: row.tapOneTime ?? false, usedAt: row.tapUsedAt } : null;
    const passwordlessCapable = row.acceptedPasskeys > 0;
    return {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      passkeys: row.passkeys,
      acceptedPasskeys: row.acceptedPasskeys,
      password: row.password,
      authenticatorApp: row.authenticatorApp,
      temporaryAccessPass: tap ? (isTapUsable(tap, now) ? "usable" : "unusable") : null,
      passwordlessCapable,
      mfaCapable: passwordlessCapable || (row.password && row.authenticatorApp),
      createdAt: row.createdAt.toISOString(),
      lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    };
  });
}
