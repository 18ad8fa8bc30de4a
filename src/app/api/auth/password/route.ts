import { PasswordSignInBody } from "@/contracts/auth";
import { signInWithPassword } from "@/server/auth/sign-in-with-password";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { completeSignIn } from "@/server/sign-in/complete-sign-in";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, PasswordSignInBody);
  return Response.json({ user: await completeSignIn(await signInWithPassword({ ...body, ctx: auditContext(req) })) });
});
