import "server-only";
import type { MetadataStatement } from "@simplewebauthn/server";

/** The FIDO metadata blob this server process verified and loaded at start-up. */
export interface LoadedMetadata {
  /** The blob's serial number (`no`); FIDO increases it with every blob. */
  no: number;
  /** The date (YYYY-MM-DD) by which FIDO promises a newer blob; past it the data is stale. */
  nextUpdate: string;
  /** FIDO2 metadata statements loaded (one per AAGUID), after dropping compromised ones. */
  statements: MetadataStatement[];
  /** Entries left out because a status report says the authenticator was compromised or revoked. */
  dropped: number;
  /** The file the blob came from. */
  path: string;
  loadedAt: Date;
}

/** What the admin pages show about the loaded blob. */
export interface MetadataStatus {
  no: number;
  nextUpdate: string;
  statements: number;
  dropped: number;
  /** Today (UTC) is past nextUpdate. */
  stale: boolean;
}

// On globalThis, not in module scope: Next may bundle this module into more than one server layer
// (instrumentation, route handlers, pages), and all of them must see the one blob loaded at start-up.
const KEY = Symbol.for("security-info.fido-metadata");
type Holder = { [KEY]?: LoadedMetadata | null };

export function getLoadedMetadata(): LoadedMetadata | null {
  return (globalThis as Holder)[KEY] ?? null;
}

/** Installs (or, with null, forgets) the process's loaded blob. */
export function setLoadedMetadata(metadata: LoadedMetadata | null): void {
  (globalThis as Holder)[KEY] = metadata;
}

/** Whether a blob's nextUpdate (YYYY-MM-DD) is before today's date in UTC. */
export function isMetadataStale(nextUpdate: string, now = new Date()): boolean {
  return nextUpdate < now.toISOString().slice(0, 10);
}

/** The loaded blob's number, dates and counts, or null when none is loaded. */
export function getMetadataStatus(now = new Date()): MetadataStatus | null {
  const loaded = getLoadedMetadata();
  if (!loaded) return null;
  return {
    no: loaded.no,
    nextUpdate: loaded.nextUpdate,
    statements: loaded.statements.length,
    dropped: loaded.dropped,
    stale: isMetadataStale(loaded.nextUpdate, now),
  };
}

/** One line for the start-up log. */
export function describeLoadedMetadata(loaded: LoadedMetadata): string {
  const dropped = loaded.dropped > 0 ? `, ${loaded.dropped} compromised or revoked entries left out` : "";
  return `FIDO metadata: blob no. ${loaded.no} from ${loaded.path}, next update ${loaded.nextUpdate}, ${loaded.statements.length} statements${dropped}`;
}
