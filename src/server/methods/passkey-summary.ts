import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { Prisma } from "@/generated/prisma/client";
import type { UserPolicyAccess } from "../policy/passkey-policy";
import { passkeyPolicyVerdict } from "../policy/passkey-policy-verdict";
import { getPasskeyProvider } from "../webauthn/providers";

export const passkeySummarySelect = {
  id: true,
  credentialId: true,
  name: true,
  aaguid: true,
  deviceType: true,
  backedUp: true,
  attestationVerified: true,
  transports: true,
  createdBrowser: true,
  createdOs: true,
  createdDevice: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

/** passkeySummarySelect's columns, for a statement's RETURNING or SELECT list. */
export function passkeySummaryColumnsSql(): Prisma.Sql {
  return Prisma.raw(Object.keys(passkeySummarySelect).map((column) => `"${column}"`).join(", "));
}

/** Newest first: a passkey just added appears at the top. */
export const passkeyListOrder = [{ createdAt: "desc" as const }, { id: "asc" as const }];

/** passkeyListOrder as an ORDER BY list. */
export function passkeyListOrderSql(): Prisma.Sql {
  return Prisma.raw(passkeyListOrder.flatMap((key) => Object.entries(key).map(([column, way]) => `"${column}" ${way.toUpperCase()}`)).join(", "));
}

export interface PasskeySummaryRow {
  id: string;
  credentialId: string;
  name: string;
  aaguid: string;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  attestationVerified: boolean;
  transports: string[];
  createdBrowser: string | null;
  createdOs: string | null;
  createdDevice: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** A passkey row as row_to_json spells it (timestamps as text, without a zone: they are UTC). */
export function passkeySummaryFromJson(json: PasskeySummaryRow): PasskeySummaryRow {
  const raw = json as unknown as Record<string, unknown>;
  return {
    ...json,
    createdAt: new Date(`${String(raw.createdAt)}Z`),
    lastUsedAt: raw.lastUsedAt ? new Date(`${String(raw.lastUsedAt)}Z`) : null,
  };
}

/** The summary of one of a user's passkeys, with the current policy's verdict on it. */
export function toPasskeySummary(row: PasskeySummaryRow, access: UserPolicyAccess): PasskeySummary {
  const provider = getPasskeyProvider(row.aaguid);
  return {
    id: row.id,
    credentialId: row.credentialId,
    name: row.name,
    aaguid: row.aaguid,
    provider: { name: provider.name, known: provider.known, iconLight: provider.iconLight, iconDark: provider.iconDark },
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    transports: row.transports,
    createdOn: { browser: row.createdBrowser, os: row.createdOs, device: row.createdDevice },
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    policy: passkeyPolicyVerdict(row, access.policy, { targeted: access.targeted }),
  };
}
