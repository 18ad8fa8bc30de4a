import "server-only";
import { getConfig } from "../config";

/** The body of /.well-known/webauthn: every origin allowed to use this RP ID. */
export function getRelatedOrigins(): { origins: string[] } {
  return { origins: getConfig().origins };
}
