import "server-only";
import { AuthenticationOptionsBody, AuthenticationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "../http/route";
import { ensureBinding, getBinding, getSession } from "../session";
import { createAuthenticationOptions } from "../webauthn/create-authentication-options";
import { verifyAuthentication } from "../webauthn/verify-authentication";
import { completeSignIn } from "./complete-sign-in";

// The two requests of a passkey sign-in. Next.js serves them as route handlers
// (src/app/api/webauthn/authentication/*/route.ts) and our own server answers them directly, with
// these same functions (scripts/lib/direct-routes.ts, decision 020): one contract, two callers.

/** POST /api/webauthn/authentication/options */
export const passkeySignInOptions = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createAuthenticationOptions({ ...body, binding, ip: auditContext(req).ip }));
});

/** POST /api/webauthn/authentication/verify */
export const passkeySignInVerify = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationVerifyBody);
  const session = await getSession();
  // Verifying also starts the server-side session (ending this browser's previous one) and reads
  // the accepted credentials, which the browser passes on to password managers (Signal API).
  const signIn = await verifyAuthentication({
    ...body,
    binding: await getBinding(),
    previousSessionId: session.sessionId,
    ctx: auditContext(req),
  });
  return Response.json({ user: await completeSignIn(signIn, session), signals: signIn.signals });
});
