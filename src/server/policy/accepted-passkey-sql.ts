import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { PasskeyPolicy } from "./passkey-policy";

/** Whether the owner of the passkey row `p` is listed in PasskeyPolicyTarget. */
export const PASSKEY_OWNER_TARGETED = Prisma.sql`EXISTS (SELECT 1 FROM "PasskeyPolicyTarget" AS pt WHERE pt."userId" = p."userId")`;

/**
 * The current policy's verdict on a passkey (passkey-policy-verdict.ts) as a SQL condition on a
 * row aliased `p` with the passkey's "aaguid", "deviceType" and "attestationVerified" (a "Passkey"
 * or a "PasskeyKind"), `targeted` saying whether its owner is listed, so reports can filter and
 * count on it for any number of users. Each rule maps one to one; an integration test checks
 * both agree.
 */
export function acceptedPasskeySql(policy: PasskeyPolicy, targeted: Prisma.Sql = PASSKEY_OWNER_TARGETED): Prisma.Sql {
  if (!policy.enabled) return Prisma.sql`FALSE`;
  const rules: Prisma.Sql[] = [];
  if (policy.target === "selected") rules.push(targeted);
  if (!policy.syncedAllowed) rules.push(Prisma.sql`p."deviceType" = 'singleDevice'::"CredentialDeviceType"`);
  const listed =
    policy.aaguids.length > 0 ? Prisma.sql`lower(p."aaguid") IN (${Prisma.join(policy.aaguids.map((a) => a.toLowerCase()))})` : Prisma.sql`FALSE`;
  if (policy.keyRestriction === "allow") rules.push(listed);
  if (policy.keyRestriction === "block") rules.push(Prisma.sql`NOT ${listed}`);
  if (policy.enforceAttestation) rules.push(Prisma.sql`p."attestationVerified"`);
  return rules.length > 0 ? Prisma.sql`(${Prisma.join(rules, " AND ")})` : Prisma.sql`TRUE`;
}
