import "server-only";
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Cookie seals in iron's format, the one iron-session writes (`Fe26.2*1*salt*iv*data*expiry*salt*mac~2`:
 * AES-256-CBC under a PBKDF2-SHA1 key, one iteration, then HMAC-SHA256 over the rest under a second
 * key), made with node:crypto's synchronous primitives and keys derived once.
 *
 * iron-session derives both keys afresh for every seal and every unseal, each through WebCrypto's
 * thread-pool jobs; a passkey sign-in paid for four of them. Here a process seals with one pair of
 * salts chosen at start-up, so its keys are derived once, and unsealing remembers the keys of salts
 * whose MAC has verified (only a holder of the secret can produce those, so a client cannot fill the
 * cache). Cookies sealed by iron-session open here and the other way round, so a deployment that
 * switches keeps its users signed in (docs/decisions/016-session-seals.md).
 */

const PREFIX = "Fe26.2";
const PASSWORD_ID = "1";
const VERSION_SUFFIX = "~2";
const SALT_BYTES = 32;
const IV_BYTES = 16;
const KEY_BYTES = 32;
/** Seals expire this much later than their stamp says, for clocks that disagree (iron's skew). */
const SKEW_MS = 60_000;
const MAX_CACHED_KEYS = 1024;

interface Sealer {
  secret: string;
  encryptionSalt: string;
  integritySalt: string;
  /** Derived keys by salt, oldest first (a Map keeps insertion order). */
  keys: Map<string, Buffer>;
}

let sealer: Sealer | null = null;

function sealerFor(secret: string): Sealer {
  if (sealer?.secret !== secret) {
    sealer = {
      secret,
      encryptionSalt: randomBytes(SALT_BYTES).toString("hex"),
      integritySalt: randomBytes(SALT_BYTES).toString("hex"),
      keys: new Map(),
    };
  }
  return sealer;
}

function derive(secret: string, salt: string): Buffer {
  return pbkdf2Sync(secret, salt, 1, KEY_BYTES, "sha1");
}

/** The key of a salt this process sealed with or has seen verify; derived and remembered otherwise. */
function keyFor(s: Sealer, salt: string, remember: boolean): Buffer {
  const known = s.keys.get(salt);
  if (known) return known;
  const key = derive(s.secret, salt);
  if (remember) rememberKey(s, salt, key);
  return key;
}

function rememberKey(s: Sealer, salt: string, key: Buffer): void {
  if (s.keys.size >= MAX_CACHED_KEYS) s.keys.delete(s.keys.keys().next().value!);
  s.keys.set(salt, key);
}

/** Seals `data` (plain JSON) for `ttlSeconds`; the seal carries its own expiry. */
export function sealCookie(data: object, secret: string, ttlSeconds: number, now = Date.now()): string {
  const s = sealerFor(secret);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-cbc", keyFor(s, s.encryptionSalt, true), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), "utf8"), cipher.final()]);
  const expiry = ttlSeconds > 0 ? String(now + ttlSeconds * 1000) : "";
  const base = [PREFIX, PASSWORD_ID, s.encryptionSalt, iv.toString("base64url"), encrypted.toString("base64url"), expiry].join("*");
  const mac = createHmac("sha256", keyFor(s, s.integritySalt, true)).update(base).digest("base64url");
  return `${base}*${s.integritySalt}*${mac}${VERSION_SUFFIX}`;
}

/**
 * What a seal holds, or null for anything else: another secret, an altered or truncated seal, an
 * expired one, one that is not JSON of an object. Never throws: the value comes from the client.
 */
export function unsealCookie<T extends object>(sealed: string, secret: string, now = Date.now()): Partial<T> | null {
  // The version suffix sits outside the MAC, so nothing vouches for it: anything but the "~2" that
  // iron-session and this module write is a seal nobody wrote, and is refused.
  if (!sealed.endsWith(VERSION_SUFFIX)) return null;
  const parts = sealed.slice(0, -VERSION_SUFFIX.length).split("*");
  if (parts.length !== 8) return null;
  const [prefix, passwordId, encryptionSalt, ivText, encryptedText, expiry, integritySalt, macText] = parts as [
    string, string, string, string, string, string, string, string,
  ];
  if (prefix !== PREFIX || passwordId !== PASSWORD_ID || !encryptionSalt || !integritySalt) return null;
  if (expiry && (!/^[1-9]\d{0,15}$/.test(expiry) || Number(expiry) <= now - SKEW_MS)) return null;

  const s = sealerFor(secret);
  const base = parts.slice(0, 6).join("*");
  const integrityKey = keyFor(s, integritySalt, false);
  // Compared as text, in its one canonical encoding: another spelling of the same bytes (base64's
  // last character carries spare bits) is not the seal this process made.
  const expected = Buffer.from(createHmac("sha256", integrityKey).update(base).digest("base64url"));
  const mac = Buffer.from(macText);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
  // Verified: the secret's holder chose these salts; remember their keys for the next request.
  if (!s.keys.has(integritySalt)) rememberKey(s, integritySalt, integrityKey);

  try {
    const iv = Buffer.from(ivText, "base64url");
    if (iv.length !== IV_BYTES) return null;
    const decipher = createDecipheriv("aes-256-cbc", keyFor(s, encryptionSalt, true), iv);
    const json = Buffer.concat([decipher.update(Buffer.from(encryptedText, "base64url")), decipher.final()]).toString("utf8");
    const data: unknown = JSON.parse(json);
    return data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Partial<T>) : null;
  } catch {
    return null;
  }
}
