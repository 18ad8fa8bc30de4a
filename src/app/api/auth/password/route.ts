import { PasswordSignInBody } from "@/contracts/auth";
import { signInWithPassword } from "@/server/auth/sign-in-with-password";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getSession, startSignedInSession } from "@/server/session";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, PasswordSignInBody);
  const { user, methods, mfa } = await signInWithPassword({ ...body, ctx: auditContext(req) });
  // A password alone is single-factor: such a session may not add a passkey or pass a step-up.
  await startSignedInSession(await getSession(), { userId: user.id, methods, mfa });
  return Response.json({ user: { id: user.id, email: user.email, displayName: user.displayName } });
});
