import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "../db";
import { AppError } from "../errors";
import { auditContext, withErrors } from "../http/route";
import type { AuditContext } from "../audit";
import { requireFreshMultifactor } from "../require-fresh";
import { getSignedInUser, type SignedInUser } from "../session";

export interface SignedInAdmin extends SignedInUser {
  email: string;
  displayName: string;
}

/**
 * The one check every administrator page and route goes through. The role is read from the
 * database on each request, never from the cookie, so taking the role away takes effect at once.
 * @throws UNAUTHENTICATED without a session, FORBIDDEN for anyone who is not an administrator
 */
export async function requireAdmin(user: SignedInUser | null): Promise<SignedInAdmin> {
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  const row = await getDb().user.findUnique({
    where: { id: user.userId },
    select: { role: true, email: true, displayName: true },
  });
  if (row?.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can do this.");
  return { ...user, email: row.email, displayName: row.displayName };
}

/** An administrator whose last multifactor authentication is recent: needed for every admin change. */
export async function requireFreshAdmin(user: SignedInUser | null, now = Date.now()): Promise<SignedInAdmin> {
  const admin = await requireAdmin(user);
  requireFreshMultifactor(admin, now);
  return admin;
}

export interface AdminRouteContext<P> {
  admin: SignedInAdmin;
  audit: AuditContext;
  params: P;
}

/**
 * Wraps an /api/admin route: the same error handling and cross-site protection as every route,
 * then the administrator check (fresh multifactor for state-changing methods) before the handler
 * sees the request.
 */
export function adminRoute<P = Record<string, never>>(
  handler: (req: Request, ctx: AdminRouteContext<P>) => Promise<Response>,
) {
  return withErrors<{ params: Promise<P> }>(async (req, routeCtx) => {
    const user = await getSignedInUser();
    const changes = !["GET", "HEAD", "OPTIONS"].includes(req.method);
    const admin = changes ? await requireFreshAdmin(user) : await requireAdmin(user);
    const params = routeCtx?.params ? await routeCtx.params : ({} as P);
    return handler(req, { admin, audit: auditContext(req), params });
  });
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
    if (error instanceof AppError && error.code === "FORBIDDEN") forbidden();
    throw error;
  }
}
