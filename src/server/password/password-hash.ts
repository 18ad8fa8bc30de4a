import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { withPasswordHashSlot } from "./hash-slots";

/**
 * Password hashing with scrypt from node:crypto. OWASP's recommended minimum for scrypt
 * (N = 2^17, r = 8, p = 1: 128 MiB per hash). The parameters are stored with every hash, so they
 * can be raised later and old hashes still verify (and are rehashed at the next sign-in).
 */
export const PASSWORD_HASH_PARAMS = { log2N: 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

interface ParsedHash {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, params: { log2N: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** params.log2N;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  // NIST SP 800-63B: normalise (NFKC) so the same password typed on two keyboards matches.
  const input = Buffer.from(password.normalize("NFKC"), "utf8");
  return new Promise((resolve, reject) =>
    scrypt(input, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * "scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>"
 * @throws SERVICE_UNAVAILABLE when too many hashes are running and waiting (see withPasswordHashSlot)
 */
export function hashPassword(password: string): Promise<string> {
  return withPasswordHashSlot(() => hashUnlimited(password));
}

async function hashUnlimited(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PASSWORD_HASH_PARAMS);
  const { log2N, r, p } = PASSWORD_HASH_PARAMS;
  return ["scrypt", log2N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

function parse(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 22 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, "base64url");
  const hash = Buffer.from(parts[5]!, "base64url");
  if (salt.length < 8 || hash.length !== KEY_BYTES) return null;
  return { log2N, r, p, salt, hash };
}

let dummy: Promise<string> | undefined;

/**
 * Whether the password matches the stored hash. With no hash (an unknown account, or one without a
 * password) it still derives a key with the current parameters, so that answer takes as long, and
 * waits for a turn like any other.
 * @throws SERVICE_UNAVAILABLE when too many hashes are running and waiting (see withPasswordHashSlot)
 */
export function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  return withPasswordHashSlot(async () => {
    const parsed = stored ? parse(stored) : null;
    if (!parsed) {
      dummy ??= hashUnlimited("no-such-password");
      const fake = parse(await dummy)!;
      await derive(password, fake.salt, fake);
      return false;
    }
    const key = await derive(password, parsed.salt, parsed);
    return timingSafeEqual(key, parsed.hash);
  });
}

/** Whether a hash was made with other parameters than today's (rehash it at the next sign-in). */
export function passwordNeedsRehash(stored: string): boolean {
  const parsed = parse(stored);
  const { log2N, r, p } = PASSWORD_HASH_PARAMS;
  return !parsed || parsed.log2N !== log2N || parsed.r !== r || parsed.p !== p;
}
