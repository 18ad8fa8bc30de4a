import { AuthenticationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getBinding, getSession } from "@/server/session";
import { completeSignIn } from "@/server/sign-in/complete-sign-in";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";

export const POST = withErrors(async (req) => {
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
