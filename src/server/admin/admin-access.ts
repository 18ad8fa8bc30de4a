import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import { requireFreshMultifactor } from "../require-fresh";
import type { SignedInUser } from "../session";

// Who may administer: the checks every administrator route and page goes through. Pages turn
// their refusals into a redirect or the 403 page (require-admin.ts); API routes into JSON
// (http/guards.ts), which is why this module needs nothing of Next.js.

export interface SignedInAdmin extends SignedInUser {
  email: string;
  displayName: string;
}

/**
 * The one check every administrator page and route goes through: an administrator signed in with
 * multifactor. The role is read from the database on each request, never from the cookie, so
 * taking the role away takes effect at once. A single-factor session (a password alone, a passkey
 * without user verification) reaches no administration, reads included.
 * @throws UNAUTHENTICATED without a session, FORBIDDEN for anyone who is not an administrator,
 *   MULTIFACTOR_REQUIRED for an administrator whose session is single-factor
 */
export async function requireAdmin(user: SignedInUser | null): Promise<SignedInAdmin> {
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
  const row = await getDb().user.findUnique({
    where: { id: user.userId },
    select: { role: true, email: true, displayName: true },
  });
  if (row?.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can do this.");
  if (!user.mfa) {
    throw new AppError(
      "MULTIFACTOR_REQUIRED",
      "Administration needs a multifactor sign-in. Sign in again with a passkey that verifies you, or with your password and authenticator app.",
    );
  }
  return { ...user, email: row.email, displayName: row.displayName };
}

/** An administrator whose last multifactor authentication is recent: needed for every admin change. */
export async function requireFreshAdmin(user: SignedInUser | null, now = Date.now()): Promise<SignedInAdmin> {
  const admin = await requireAdmin(user);
  requireFreshMultifactor(admin, now);
  return admin;
}
