import "server-only";
import { stripUnsafeText, textLength, truncateText } from "@/contracts/text";
import { PASSKEY_NAME_MAX_LENGTH } from "@/contracts/webauthn";

/** Names compare without regard to case, normalisation or surrounding space: "Laptop" and "laptop " clash. */
export function nameKey(name: string): string {
  return name.trim().normalize("NFC").toLocaleLowerCase("en");
}

/**
 * `base` if no existing name clashes with it, else the first free "base (2)", "base (3)", ...
 * cut (between characters as people see them: never inside an emoji) so the result still fits the name limit.
 */
export function uniquePasskeyName(base: string, existing: Iterable<string>): string {
  const taken = new Set([...existing].map(nameKey));
  const trimmed = truncateText(base.trim(), PASSKEY_NAME_MAX_LENGTH).trim();
  if (!taken.has(nameKey(trimmed))) return trimmed;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${truncateText(trimmed, PASSKEY_NAME_MAX_LENGTH - textLength(suffix)).trimEnd()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

/**
 * The name a new passkey gets: the provider, and the device where the user agent names one. Both
 * parts come from data the user did not type (an AAGUID table, a user agent anyone can forge), so
 * they are stripped of control and bidi characters before they become a name.
 */
export function defaultPasskeyName(providerName: string, device: string | null): string {
  const provider = stripUnsafeText(providerName).trim();
  const model = device === null ? "" : stripUnsafeText(device).trim();
  return model ? `${provider} — ${model}` : provider;
}
