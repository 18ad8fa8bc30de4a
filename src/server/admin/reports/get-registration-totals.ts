import "server-only";
import type { RegistrationTotals } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import { getPasskeyPolicy } from "../../policy/passkey-policy";
import { acceptedPasskeySql } from "../../policy/accepted-passkey-sql";

/**
 * How many users there are and what they can sign in with, exactly, in one pass: passkeys are
 * grouped per user first, then joined to the users (hash joins, no per-user subquery), with the
 * definitions of registrationConditions.
 */
export async function getRegistrationTotals(): Promise<RegistrationTotals> {
  const policy = await getPasskeyPolicy();
  const [row] = await getDb().$queryRaw<RegistrationTotals[]>`
    WITH pk AS (
      SELECT p."userId", bool_or(${acceptedPasskeySql(policy)}) AS "accepted"
      FROM "Passkey" AS p GROUP BY p."userId"
    ), app AS (
      SELECT a."userId" FROM "AuthenticatorApp" AS a WHERE a."confirmedAt" IS NOT NULL
    )
    SELECT count(*)::int AS "users",
      count(pk."userId")::int AS "withPasskey",
      (count(*) FILTER (WHERE u."passwordHash" IS NOT NULL))::int AS "withPassword",
      count(app."userId")::int AS "withAuthenticatorApp",
      (count(*) FILTER (WHERE pk."accepted"))::int AS "passwordlessCapable",
      (count(*) FILTER (WHERE pk."accepted" OR (u."passwordHash" IS NOT NULL AND app."userId" IS NOT NULL)))::int AS "mfaCapable"
    FROM "User" AS u
    LEFT JOIN pk ON pk."userId" = u."id"
    LEFT JOIN app ON app."userId" = u."id"`;
  return row!;
}
