import "server-only";
import type { AuditContext } from "../audit";
import { requireAdmin, requireFreshAdmin, type SignedInAdmin } from "../admin/admin-access";
import { AppError } from "../errors";
import { getSignedInUser, type SignedInUser } from "../session";
import { auditContext, SAFE_METHODS, withErrors } from "./route";

// One guard per audience, each wrapping withErrors (error mapping and the cross-site check):
// - withErrors alone: anyone (sign-in, sign-out, WebAuthn sign-in ceremonies);
// - userRoute: a signed-in user of any strength; a step-up (fresh multifactor) is checked by the
//   server function that needs it, with the request's user;
// - adminRoute: an administrator signed in with multifactor; fresh multifactor for any change.
// See docs/decisions/013-what-a-session-is-worth.md.

export interface RouteContext<P> {
  audit: AuditContext;
  params: P;
}

type RouteParams<P> = { params: Promise<P> } | undefined;

async function paramsOf<P>(routeCtx: RouteParams<P>): Promise<P> {
  return routeCtx?.params ? await routeCtx.params : ({} as P);
}

/**
 * A route for the signed-in user's own things (/api/me, adding a passkey): anyone signed in, of
 * any strength; nobody else (401 UNAUTHENTICATED).
 */
export function userRoute<P = Record<string, never>>(
  handler: (req: Request, ctx: RouteContext<P> & { user: SignedInUser }) => Promise<Response>,
) {
  return withErrors<RouteParams<P>>(async (req, routeCtx) => {
    const user = await getSignedInUser();
    if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
    return handler(req, { user, audit: auditContext(req), params: await paramsOf(routeCtx) });
  });
}

/**
 * A route under /api/admin: reading needs an administrator signed in with multifactor (403
 * otherwise); a change also needs that sign-in to be fresh (401 REAUTH_REQUIRED). The role is read
 * from the database on each request, so taking it away takes effect at once.
 */
export function adminRoute<P = Record<string, never>>(
  handler: (req: Request, ctx: RouteContext<P> & { admin: SignedInAdmin }) => Promise<Response>,
) {
  return withErrors<RouteParams<P>>(async (req, routeCtx) => {
    const user = await getSignedInUser();
    const admin = SAFE_METHODS.has(req.method) ? await requireAdmin(user) : await requireFreshAdmin(user);
    return handler(req, { admin, audit: auditContext(req), params: await paramsOf(routeCtx) });
  });
}
