import "server-only";
import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/** RFC 6238 as every authenticator app implements it: HMAC-SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes one step either side of now are accepted (clock drift, typing time). */
export const TOTP_WINDOW = 1;

function totp(secret: Uint8Array, label = "", issuer = ""): TOTP {
  const buffer = new Uint8Array(secret).buffer;
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: new Secret({ buffer }) });
}

/** A new 160-bit secret (RFC 4226 recommends 160 bits). */
export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/** The secret as people type it into an app: base32, in groups of four. */
export function formatTotpSecret(secret: Uint8Array): string {
  const base32 = new Secret({ buffer: new Uint8Array(secret).buffer }).base32;
  return base32.replace(/(.{4})(?=.)/g, "$1 ");
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: Uint8Array, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/** The time step a timestamp falls in. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step whose code this is (within ±TOTP_WINDOW of now), or null. Callers refuse a step at
 * or before the last one accepted, so that a code works once.
 */
export function matchTotpStep(secret: Uint8Array, code: string, nowMs: number): number | null {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : totpStep(nowMs) + delta;
}

/** The code for a time (tests compute what an authenticator app would show). */
export function totpCodeAt(secret: Uint8Array, nowMs: number): string {
  return totp(secret).generate({ timestamp: nowMs });
}
