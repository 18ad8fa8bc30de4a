import "server-only";

/** No lock lasts longer than a day, however often a key was locked before. */
export const MAX_LOCK_MS = 24 * 60 * 60_000;

/** A key's lockouts are forgotten once its last failure is this old. */
export const LOCKOUT_MEMORY_MS = 24 * 60 * 60_000;

/** "Too many attempts. Try again in 5 minutes, or sign in with a passkey." */
export function lockedMessage(remainingMs: number): string {
  const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}, or sign in with a passkey.`;
}
