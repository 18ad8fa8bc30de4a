import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { getProviderName } from "../webauthn/provider-names";

export const passkeySummarySelect = {
  id: true,
  name: true,
  aaguid: true,
  deviceType: true,
  backedUp: true,
  transports: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

interface PasskeySummaryRow {
  id: string;
  name: string;
  aaguid: string;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export function toPasskeySummary(row: PasskeySummaryRow): PasskeySummary {
  return {
    id: row.id,
    name: row.name,
    aaguid: row.aaguid,
    providerName: getProviderName(row.aaguid) ?? "Passkey",
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    transports: row.transports,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
