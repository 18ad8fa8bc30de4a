import "server-only";

/** Names compare without regard to case or surrounding space: "Laptop" and "laptop " clash. */
export function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase("en");
}

/**
 * `base` if no existing name clashes with it, else the first free "base (2)", "base (3)", ...
 * trimmed so the result still fits in 64 characters.
 */
export function uniquePasskeyName(base: string, existing: Iterable<string>): string {
  const taken = new Set([...existing].map(nameKey));
  const trimmed = base.trim().slice(0, 64);
  if (!taken.has(nameKey(trimmed))) return trimmed;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${trimmed.slice(0, 64 - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

/** The name a new passkey gets: the provider, and the device where the user agent names one. */
export function defaultPasskeyName(providerName: string, device: string | null): string {
  return device ? `${providerName} — ${device}` : providerName;
}
