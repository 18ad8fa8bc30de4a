import "server-only";
import { AUDIT_DETAIL_LABELS, type AuditDetailField } from "@/contracts/audit-labels";
import { getPasskeyProvider } from "../../webauthn/providers";

const DEVICE_TYPES: Record<string, string> = { multiDevice: "Synced", singleDevice: "Device-bound" };
const MAX_VALUE = 160;

/** What the event's details resolve to beyond themselves: the passkey's current name, if it still exists. */
export interface AuditDetailNames {
  passkeyName: string | null;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.map(shown).join(", ");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * An event's details as labelled fields for people: passkeys by name, providers by name (an
 * unknown one as "Unknown provider" with its AAGUID), yes/no for flags. The raw JSON stays in the
 * log and its CSV export.
 */
export function auditDetailFields(details: unknown, names: AuditDetailNames): AuditDetailField[] {
  if (!details || typeof details !== "object" || Array.isArray(details)) return [];
  const fields: AuditDetailField[] = [];
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    const label = Object.hasOwn(AUDIT_DETAIL_LABELS, key) ? AUDIT_DETAIL_LABELS[key]! : key;
    if (key === "passkeyId") {
      // A deleted passkey's event carries its name in `name`; otherwise name the one that exists.
      if ("name" in (details as object)) continue;
      fields.push({ label, value: names.passkeyName ?? "A passkey that no longer exists" });
    } else if (key === "aaguid" && typeof value === "string") {
      const provider = getPasskeyProvider(value);
      fields.push({ label, value: provider.known ? provider.name : `Unknown provider (${value})` });
    } else if (key === "deviceType" && typeof value === "string") {
      fields.push({ label, value: DEVICE_TYPES[value] ?? value });
    } else {
      fields.push({ label, value: shown(value) });
    }
  }
  return fields;
}
