import "server-only";
import { forbidden, redirect } from "next/navigation";
import { AppError } from "../errors";
import { getSignedInUser } from "../session";
import { requireAdmin, type SignedInAdmin } from "./admin-access";

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
