// A passkey's name, without zod: the limit the API's schema (PasskeyName in webauthn.ts) is built
// on, and the same check for the browser's inputs.
import { checkLineOfText } from "./text-rules";

/** The longest passkey name, in characters as people see them (grapheme clusters) after NFC: the server and the inputs count alike. */
export const PASSKEY_NAME_MAX_LENGTH = 64;

/** PasskeyName's rule: the name as the server would store it, or the message it would refuse it with. */
export function checkPasskeyName(value: string): { value: string } | { error: string } {
  return checkLineOfText(value, { max: PASSKEY_NAME_MAX_LENGTH });
}
