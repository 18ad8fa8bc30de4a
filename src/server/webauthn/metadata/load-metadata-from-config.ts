import "server-only";
import { ConfigError, getConfig, type Config } from "../../config";
import { installMetadata } from "./install-metadata";
import { loadMdsBlob, MdsBlobError } from "./load-mds-blob";
import type { LoadedMetadata } from "./loaded-metadata";

/**
 * Start-up: verifies and loads the blob MDS_BLOB_PATH names (nothing when unset) into this process.
 * Warnings (a stale blob under MDS_STALE_BLOB=warn) go to `warn`.
 * @throws ConfigError naming MDS_BLOB_PATH or MDS_ROOT_CERT_PATH when the blob must not be loaded
 */
export async function loadMetadataFromConfig(
  config: Config = getConfig(),
  warn: (line: string) => void = (line) => console.warn(line),
): Promise<LoadedMetadata | null> {
  const { blobPath, rootCertPath, staleBlob } = config.mds;
  if (!blobPath) {
    await installMetadata(null);
    return null;
  }
  try {
    const { metadata, warnings } = await loadMdsBlob({ blobPath, rootCertPath, staleBlob });
    warnings.forEach(warn);
    await installMetadata(metadata);
    return metadata;
  } catch (error) {
    if (error instanceof MdsBlobError) throw new ConfigError(error.variable, `names an unusable file: ${error.message}`);
    throw error;
  }
}
