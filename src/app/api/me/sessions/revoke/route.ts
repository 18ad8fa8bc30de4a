import { requireUser } from "@/server/auth-routes";
import { auditContext, withErrors } from "@/server/http/route";
import { getSession } from "@/server/session";
import { revokeUserSessions } from "@/server/sessions/user-sessions";

// "Sign out everywhere": every session of the user ends, this browser's too.
export const POST = withErrors(async (req) => {
  const user = await requireUser();
  const result = await revokeUserSessions(user.userId, auditContext(req));
  (await getSession()).destroy();
  return Response.json(result);
});
