import { ConfigError, getConfig } from "./server/config";
import { providerIconsFromEnv } from "./server/webauthn/providers";

/** Validates the configuration (and the operator's provider-icons file) or stops the server. */
export function validateConfigOrExit(): void {
  try {
    getConfig();
    providerIconsFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
