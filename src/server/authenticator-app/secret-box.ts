import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getConfig } from "../config";

/**
 * Encryption at rest for secrets the app must read back (authenticator-app secrets): AES-256-GCM
 * with a key derived (HKDF-SHA-256) from DATA_ENCRYPTION_KEY, or from SESSION_SECRET when that is
 * not set. The additional data binds a ciphertext to its owner, so a sealed secret copied onto
 * another user's row does not open.
 *
 * Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
const VERSION = 1;
const INFO = "security-info/secret-box/v1";

let cachedKey: { material: string; key: Buffer } | undefined;

function key(): Buffer {
  const config = getConfig();
  const material = config.dataEncryptionKey ?? config.sessionSecret;
  if (cachedKey?.material !== material) {
    cachedKey = { material, key: Buffer.from(hkdfSync("sha256", material, Buffer.alloc(0), INFO, 32)) };
  }
  return cachedKey.key;
}

export function sealSecret(plaintext: Uint8Array, owner: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(owner, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/** @throws Error when the data was changed, belongs to another owner, or was sealed under another key. */
export function openSecret(sealed: Uint8Array, owner: string): Buffer {
  const data = Buffer.from(sealed);
  if (data.length < 1 + 12 + 16 + 1 || data[0] !== VERSION) throw new Error("Unrecognised sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), data.subarray(1, 13));
  decipher.setAAD(Buffer.from(owner, "utf8"));
  decipher.setAuthTag(data.subarray(13, 29));
  return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]);
}
