import { AuthenticationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getBinding, getSession, saveSignedInSession } from "@/server/session";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationVerifyBody);
  const session = await getSession();
  // Verifying also starts the server-side session (ending this browser's previous one) and reads
  // the accepted credentials, which the browser passes on to password managers (Signal API).
  const { sessionId, signals, ...user } = await verifyAuthentication({
    ...body,
    binding: await getBinding(),
    previousSessionId: session.sessionId,
    ctx: auditContext(req),
  });
  // A passkey is possession plus (with user verification) inherence: phishing-resistant multifactor.
  await saveSignedInSession(session, { userId: user.id, methods: ["passkey"], mfa: true, sessionId });
  return Response.json({ user: { id: user.id, email: user.email, displayName: user.displayName }, signals });
});
