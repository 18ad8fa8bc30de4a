import { TapSignInBody } from "@/contracts/auth";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getSession, startSignedInSession } from "@/server/session";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, TapSignInBody);
  const user = await signInWithTap({ ...body, ctx: auditContext(req) });
  // A Temporary Access Pass is issued after the administrator verified the person: multifactor strength.
  await startSignedInSession(await getSession(), { userId: user.id, methods: ["tap"], mfa: true });
  return Response.json({ user: { id: user.id, email: user.email, displayName: user.displayName } });
});
