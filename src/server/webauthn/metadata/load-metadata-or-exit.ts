import "server-only";
import { ConfigError } from "../../config";
import { loadMetadataFromConfig } from "./load-metadata-from-config";
import { describeLoadedMetadata } from "./loaded-metadata";

/**
 * The server's start-up (src/instrumentation.ts, Node.js runtime only): loads the configured FIDO
 * metadata blob before any request is served, or stops the server with one line saying why.
 */
export async function loadMetadataOrExit(): Promise<void> {
  try {
    const loaded = await loadMetadataFromConfig();
    if (loaded) console.log(describeLoadedMetadata(loaded));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
