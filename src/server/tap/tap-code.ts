import "server-only";
import { createHash, randomInt, timingSafeEqual } from "node:crypto";

// No 0/O, 1/I/L: a code read aloud or copied by hand should not be ambiguous.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const LENGTH = 16; // 16 symbols of 31 = about 79 bits: far beyond guessing within a lifetime.

/** A new random code, e.g. "K7QP-M2XW-9RTA-HV4C" (the dashes are for reading only). */
export function generateTapCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{4}/g)!.join("-");
}

export function normaliseTapCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/**
 * SHA-256 of the normalised code. The code is random and long, so a fast hash is enough: there is
 * no low-entropy secret to protect against offline guessing.
 */
export function hashTapCode(code: string): string {
  return createHash("sha256").update(normaliseTapCode(code)).digest("hex");
}

/** Compares in constant time so response timing reveals nothing about the stored hash. */
export function tapHashesMatch(storedHex: string, code: string): boolean {
  const expected = Buffer.from(storedHex, "hex");
  const actual = Buffer.from(hashTapCode(code), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
