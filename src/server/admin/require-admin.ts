import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "../db";
import { AppError } from "../errors";
import { requireFreshMultifactor } from "../require-fresh";
import { getSignedInUser, type SignedInUser } from "../session";

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
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
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

/**
 * For the /admin layout, which cannot know the page's path: the administrator, or null when nobody
 * is signed in (the page itself then redirects to sign-in, coming back to its own path), or the 403
 * page for anyone else.
 */
export async function getAdminForLayout(): Promise<SignedInAdmin | null> {
  const user = await getSignedInUser();
  if (!user) return null;
  return requireAdminPage("/admin");
}

/**
 * For /admin pages: the signed-in administrator, or a redirect to sign-in (coming back to
 * `path`), or the 403 page for anyone else.
 */
export async function requireAdminPage(path: string): Promise<SignedInAdmin> {
  const user = await getSignedInUser();
  if (!user) redirect(`/signin?returnTo=${encodeURIComponent(path)}`);
  try {
    return await requireAdmin(user);
  } catch (error) {
    // The 403 page tells a single-factor administrator how to get in (src/app/forbidden.tsx).
    if (error instanceof AppError && (error.code === "FORBIDDEN" || error.code === "MULTIFACTOR_REQUIRED")) forbidden();
    throw error;
  }
}
