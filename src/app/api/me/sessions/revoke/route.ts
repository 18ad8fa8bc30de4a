import { userRoute } from "@/server/http/guards";
import { getSession } from "@/server/session";
import { revokeUserSessions } from "@/server/sessions/user-sessions";

// "Sign out everywhere": every session of the user ends, this browser's too.
export const POST = userRoute(async (_req, { user, audit }) => {
  const result = await revokeUserSessions(user.userId, audit);
  (await getSession()).destroy();
  return Response.json(result);
});
