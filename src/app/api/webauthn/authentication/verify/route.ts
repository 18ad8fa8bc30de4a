import { AuthenticationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getBinding, getSession, startSignedInSession } from "@/server/session";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationVerifyBody);
  const user = await verifyAuthentication({ ...body, binding: await getBinding(), ctx: auditContext(req) });
  // A passkey is possession plus (with user verification) inherence: phishing-resistant multifactor.
  await startSignedInSession(await getSession(), { userId: user.id, methods: ["passkey"], mfa: true });
  return Response.json({ user: { id: user.id, email: user.email, displayName: user.displayName } });
});
