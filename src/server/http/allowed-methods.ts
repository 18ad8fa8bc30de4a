import "server-only";
import { ERROR_STATUS } from "@/contracts/errors";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Every route file (src/app/** /route.ts) and the methods it exports. Next.js answers any other
 * method with an empty 405 of its own; our HTTP server (scripts/lib/serve.ts) answers it first,
 * with our JSON error.
 * tests/unit/http/allowed-methods.test.ts walks the route files and fails when this table is not
 * exactly what they export, so a new route or method cannot be forgotten here.
 */
export const ROUTE_METHODS: Readonly<Record<string, readonly Method[]>> = {
  "/.well-known/webauthn": ["GET"],
  "/api/admin/audit": ["GET"],
  "/api/admin/audit/export": ["GET"],
  "/api/admin/policy": ["GET", "PUT"],
  "/api/admin/policy/users": ["GET"],
  "/api/admin/reports/activity": ["GET"],
  "/api/admin/reports/registrations": ["GET"],
  "/api/admin/reports/registrations/export": ["GET"],
  "/api/admin/users": ["GET"],
  "/api/admin/users/[id]/passkeys/[passkeyId]": ["DELETE"],
  "/api/admin/users/[id]/require-reregistration": ["POST"],
  "/api/admin/users/[id]/sessions/revoke": ["POST"],
  "/api/admin/users/[id]/sign-in-lock/clear": ["POST"],
  "/api/admin/users/[id]/tap": ["POST"],
  "/api/auth/identify": ["POST"],
  "/api/auth/password": ["POST"],
  "/api/auth/signout": ["POST"],
  "/api/auth/tap": ["POST"],
  "/api/me/authenticator-app": ["POST", "DELETE"],
  "/api/me/authenticator-app/confirm": ["POST"],
  "/api/me/campaign/skip": ["POST"],
  "/api/me/default-sign-in-method": ["PUT"],
  "/api/me/passkeys": ["GET"],
  "/api/me/passkeys/[id]": ["PATCH", "DELETE"],
  "/api/me/password": ["PUT"],
  "/api/me/sessions/revoke": ["POST"],
  "/api/webauthn/authentication/options": ["POST"],
  "/api/webauthn/authentication/verify": ["POST"],
  "/api/webauthn/registration/options": ["POST"],
  "/api/webauthn/registration/verify": ["POST"],
};

const MATCHERS = Object.entries(ROUTE_METHODS).map(([route, methods]) => {
  const pattern = route.replace(/[.]/g, "\\.").replace(/\[[^\]/]+\]/g, "[^/]+");
  // Next.js adds HEAD to a GET route and answers OPTIONS for every route itself.
  const allowed = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
  return { pattern: new RegExp(`^${pattern}$`), allowed };
});

/** The methods the route at `pathname` answers, or null when no route file serves it. */
export function allowedMethods(pathname: string): string[] | null {
  return MATCHERS.find(({ pattern }) => pattern.test(pathname))?.allowed ?? null;
}

/**
 * Our JSON 405 (with `Allow`) when `method` is not one the route at `pathname` answers; null when
 * it is, or when no route serves the path (that stays Next.js's 404).
 */
export function methodNotAllowed(method: string, pathname: string): Response | null {
  const allowed = allowedMethods(pathname);
  if (!allowed || allowed.includes(method)) return null;
  return methodNotAllowedResponse(method, allowed);
}

/** What a page (any path no route file serves) answers: Next.js adds HEAD and OPTIONS to GET. */
const PAGE_METHODS = ["GET", "HEAD", "OPTIONS"];

/**
 * Our JSON 405 for a method nothing here takes (TRACE, which Next.js cannot even be handed), at a
 * route or at a page.
 */
export function refuseMethod(method: string, pathname: string): Response {
  return methodNotAllowedResponse(method, allowedMethods(pathname) ?? PAGE_METHODS);
}

function methodNotAllowedResponse(method: string, allowed: string[]): Response {
  const allow = allowed.join(", ");
  return Response.json(
    { error: { code: "METHOD_NOT_ALLOWED", message: `This address does not take ${method.slice(0, 16)} requests; it takes ${allow}.` } },
    { status: ERROR_STATUS.METHOD_NOT_ALLOWED, headers: { Allow: allow } },
  );
}
