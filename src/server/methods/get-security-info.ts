import "server-only";
import type { OtherMethods } from "@/contracts/methods";
import type { PasskeySummary } from "@/contracts/passkeys";
import type { CredentialSignals } from "@/contracts/signals";
import { Prisma } from "@/generated/prisma/client";
import type { SignInMethod } from "@/generated/prisma/enums";
import { getDb } from "../db";
import { policyFromRowJson, policyRowJsonSql, targetedWhenListed, userListedForPolicySql } from "../policy/passkey-policy";
import { isTapUsable } from "../tap/tap-usable";
import { toCredentialSignals } from "./get-credential-signals";
import { passkeyListOrderSql, passkeySummaryColumnsSql, passkeySummaryFromJson, toPasskeySummary, type PasskeySummaryRow } from "./passkey-summary";

export interface SecurityInfo {
  email: string;
  displayName: string;
  passkeys: PasskeySummary[];
  /** Most passkeys the policy allows, and whether adding passkeys is allowed at all. */
  maxPasskeys: number;
  passkeysEnabled: boolean;
  /** The Temporary Access Pass while it can still sign the user in (unexpired, unused if one-time). */
  tap: { expiresAt: string; oneTime: boolean } | null;
  /** An administrator sees a link to the administration pages. */
  isAdmin: boolean;
  signals: CredentialSignals;
  /** The password, the authenticator app (once confirmed) and the chosen default sign-in method. */
  methods: OtherMethods;
}

interface SecurityInfoRow {
  email: string;
  displayName: string;
  isAdmin: boolean;
  webauthnUserId: string;
  hasPassword: boolean;
  passwordChangedAt: Date | null;
  defaultSignInMethod: SignInMethod | null;
  tapExpiresAt: Date | null;
  tapOneTime: boolean | null;
  tapUsedAt: Date | null;
  appConfirmedAt: Date | null;
  passkeys: PasskeySummaryRow[];
  listed: boolean;
  policy: unknown;
}

/**
 * Everything the security-info page shows, in one statement: the user, their pass, app and
 * passkeys (in passkeyListOrder), and the policy that judges them. Each statement is a
 * round trip and a system call each way, which cost a page more than reading these rows does.
 */
export async function getSecurityInfo(userId: string): Promise<SecurityInfo | null> {
  const [row] = await getDb().$queryRaw<SecurityInfoRow[]>`
    SELECT u."email", u."displayName", u."role" = 'admin' AS "isAdmin", u."webauthnUserId", u."passwordHash" IS NOT NULL AS "hasPassword",
      u."passwordChangedAt", u."defaultSignInMethod"::text AS "defaultSignInMethod",
      t."expiresAt" AS "tapExpiresAt", t."oneTime" AS "tapOneTime", t."usedAt" AS "tapUsedAt",
      a."confirmedAt" AS "appConfirmedAt",
      (SELECT coalesce(json_agg(p), '[]') FROM (
        SELECT ${passkeySummaryColumnsSql()} FROM "Passkey" WHERE "userId" = u."id" ORDER BY ${passkeyListOrderSql()}
      ) AS p) AS "passkeys",
      ${userListedForPolicySql(Prisma.sql`u."id"`)} AS "listed",
      ${policyRowJsonSql()} AS "policy"
    FROM "User" AS u
      LEFT JOIN "TemporaryAccessPass" AS t ON t."userId" = u."id"
      LEFT JOIN "AuthenticatorApp" AS a ON a."userId" = u."id"
    WHERE u."id" = ${userId}::uuid`;
  if (!row) return null;
  const policy = await policyFromRowJson(row.policy);
  const access = { policy, targeted: targetedWhenListed(policy, row.listed) };
  const passkeys = row.passkeys.map(passkeySummaryFromJson);
  const tap = row.tapExpiresAt ? { expiresAt: row.tapExpiresAt, oneTime: row.tapOneTime!, usedAt: row.tapUsedAt } : null;
  const usableTap = isTapUsable(tap) ? tap : null;
  return {
    email: row.email,
    displayName: row.displayName,
    passkeys: passkeys.map((passkey) => toPasskeySummary(passkey, access)),
    maxPasskeys: policy.maxPasskeysPerUser,
    // Adding passkeys needs all three; the registration ceremony checks them again.
    passkeysEnabled: policy.enabled && policy.selfServiceSetup && access.targeted,
    tap: usableTap && { expiresAt: usableTap.expiresAt.toISOString(), oneTime: usableTap.oneTime },
    isAdmin: row.isAdmin,
    signals: toCredentialSignals({ ...row, passkeys }),
    methods: {
      password: row.hasPassword ? { changedAt: (row.passwordChangedAt ?? new Date(0)).toISOString() } : null,
      authenticatorApp: row.appConfirmedAt ? { addedAt: row.appConfirmedAt.toISOString() } : null,
      defaultSignInMethod: row.defaultSignInMethod,
    },
  };
}
