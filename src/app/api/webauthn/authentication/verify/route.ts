import { AuthenticationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getCredentialSignals } from "@/server/methods/get-credential-signals";
import { getBinding, getSession, startSignedInSession } from "@/server/session";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationVerifyBody);
  const user = await verifyAuthentication({ ...body, binding: await getBinding(), ctx: auditContext(req) });
  // A passkey is possession plus (with user verification) inherence: phishing-resistant multifactor.
  await startSignedInSession(await getSession(), { userId: user.id, methods: ["passkey"], mfa: true });
  // The browser passes the accepted credentials on to password managers (Signal API).
  const signals = await getCredentialSignals(user.id);
  return Response.json({ user: { id: user.id, email: user.email, displayName: user.displayName }, signals });
});
