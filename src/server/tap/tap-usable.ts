import "server-only";

/** Whether a Temporary Access Pass can still sign the user in: unexpired, and unused if one-time. */
export function isTapUsable(
  tap: { expiresAt: Date; oneTime: boolean; usedAt: Date | null } | null,
  now = new Date(),
): boolean {
  return tap !== null && tap.expiresAt > now && !(tap.oneTime && tap.usedAt);
}
