import "server-only";
import type { RegistrationTotals } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import { getPasskeyPolicy } from "../../policy/passkey-policy";
import { mfaProfileSql, passwordlessProfileSql } from "./capability-profiles";

/**
 * How many users there are and what they can sign in with, exactly, with the definitions of
 * registrationConditions: a sum over the capability profiles' counts (kept by triggers), each
 * profile judged once under the current policy, instead of a pass over every user.
 */
export async function getRegistrationTotals(): Promise<RegistrationTotals> {
  const policy = await getPasskeyPolicy();
  const [row] = await getDb().$queryRaw<RegistrationTotals[]>`
    WITH profiles AS (
      SELECT pr."kinds", pr."password", pr."app",
        ${passwordlessProfileSql(policy)} AS "passwordless", ${mfaProfileSql(policy)} AS "mfa", c."users"
      FROM "CapabilityProfile" AS pr
      JOIN (SELECT "profileId", sum("users") AS "users" FROM "CapabilityCount" GROUP BY "profileId") AS c ON c."profileId" = pr."id"
    )
    SELECT COALESCE(sum("users"), 0)::int AS "users",
      COALESCE(sum("users") FILTER (WHERE cardinality("kinds") > 0), 0)::int AS "withPasskey",
      COALESCE(sum("users") FILTER (WHERE "password"), 0)::int AS "withPassword",
      COALESCE(sum("users") FILTER (WHERE "app"), 0)::int AS "withAuthenticatorApp",
      COALESCE(sum("users") FILTER (WHERE "passwordless"), 0)::int AS "passwordlessCapable",
      COALESCE(sum("users") FILTER (WHERE "mfa"), 0)::int AS "mfaCapable"
    FROM profiles`;
  return row!;
}
