import "server-only";
import { createHmac, hkdfSync } from "node:crypto";
import { getConfig } from "../config";
import { normaliseEmail } from "../users";
import type { AccountSignInFacts } from "./sign-in-methods";

/**
 * Unknown emails get a made-up account: the sign-in page and the passkey options must not tell
 * anyone which emails have accounts. The decoy is derived from an HMAC of the normalised email
 * under a key of its own (HKDF from SESSION_SECRET), so asking twice gives the same answer and
 * nobody without the secret can tell a decoy from a real account. WebAuthn §14.6.2 (username
 * enumeration) advises exactly this for allowCredentials.
 */
const INFO = "security-info/sign-in-decoy/v1";

let cachedKey: { secret: string; key: Buffer } | undefined;

function decoyKey(): Buffer {
  const { sessionSecret } = getConfig();
  if (cachedKey?.secret !== sessionSecret) {
    cachedKey = { secret: sessionSecret, key: Buffer.from(hkdfSync("sha256", sessionSecret, Buffer.alloc(0), INFO, 32)) };
  }
  return cachedKey.key;
}

function mac(...parts: string[]): Buffer {
  return createHmac("sha256", decoyKey()).update(parts.join("\u0000")).digest();
}

// Credential ID lengths and transports as common authenticators report them.
const ID_LENGTHS = [16, 20, 32, 64] as const;
const TRANSPORTS: readonly string[][] = [["internal", "hybrid"], ["hybrid", "internal"], ["internal"], ["usb"], ["nfc", "usb"]];

/** The made-up account an unknown email is answered with. */
export function decoyAccount(email: string): AccountSignInFacts {
  const normalised = normaliseEmail(email);
  const [flags = 0, counts = 0] = mac("account", normalised);
  const hasPasskeys = (flags & 0b1) !== 0;
  const password = (flags >> 1) & 0b11; // 0: none, 1: password only, 2-3: password and app
  const passkeyCount = hasPasskeys ? 1 + (counts % 2) : 0;
  const passkeys = Array.from({ length: passkeyCount }, (_, i) => {
    const bytes = mac("credential", normalised, String(i));
    const length = ID_LENGTHS[bytes[0]! % ID_LENGTHS.length]!;
    // Stretch the MAC to the chosen length; the result is as random-looking as a real ID.
    const id = Buffer.concat([bytes, mac("credential-tail", normalised, String(i))]).subarray(0, length);
    return { credentialId: id.toString("base64url"), transports: TRANSPORTS[bytes[1]! % TRANSPORTS.length]! };
  });
  return {
    passkeys,
    hasPassword: password !== 0,
    hasConfirmedApp: password >= 2,
    defaultSignInMethod: (flags & 0b1000) !== 0 ? "password" : null,
  };
}
