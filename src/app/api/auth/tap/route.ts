import { TapSignInBody } from "@/contracts/auth";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { completeSignIn } from "@/server/sign-in/complete-sign-in";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, TapSignInBody);
  return Response.json({ user: await completeSignIn(await signInWithTap({ ...body, ctx: auditContext(req) })) });
});
