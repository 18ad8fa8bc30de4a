import "server-only";
import { MetadataService } from "@simplewebauthn/server";
import { getLoadedMetadata, setLoadedMetadata, type LoadedMetadata } from "./loaded-metadata";

// Which loaded blob each MetadataService instance holds. Next may bundle @simplewebauthn/server into
// more than one server layer, each with its own MetadataService; every instance that verifies a
// registration is initialised from the one blob loaded at start-up (see prepareMetadataService).
const INITIALISED = Symbol.for("security-info.metadata-service-instances");
type Holder = { [INITIALISED]?: WeakMap<object, LoadedMetadata | null> };

function initialised(): WeakMap<object, LoadedMetadata | null> {
  const holder = globalThis as Holder;
  holder[INITIALISED] ??= new WeakMap();
  return holder[INITIALISED];
}

/**
 * Makes `metadata` this process's blob (null: none) and loads its statements into MetadataService,
 * with no MDS server to fetch from. "permissive": an AAGUID without a statement is not an error in
 * the library; whether such a passkey is accepted is the passkey policy's decision.
 */
export async function installMetadata(metadata: LoadedMetadata | null): Promise<void> {
  setLoadedMetadata(metadata);
  await prepareMetadataService();
}

/**
 * The blob loaded at start-up, with the MetadataService instance of this bundle initialised from
 * it (a no-op after the first call). Null when no blob is loaded.
 */
export async function prepareMetadataService(): Promise<LoadedMetadata | null> {
  const metadata = getLoadedMetadata();
  const instances = initialised();
  if (instances.has(MetadataService) && instances.get(MetadataService) === metadata) return metadata;
  await MetadataService.initialize({ mdsServers: [], statements: metadata?.statements ?? [], verificationMode: "permissive" });
  instances.set(MetadataService, metadata);
  return metadata;
}
