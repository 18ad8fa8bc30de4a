import { SetPasswordBody } from "@/contracts/methods";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { setUserPassword } from "@/server/password/set-user-password";
import { getSession } from "@/server/session";

// Sets or changes the password; the user's other sessions end, this one stays.
export const PUT = userRoute(async (req, { user, audit }) => {
  const { newPassword } = await readJson(req, SetPasswordBody);
  const { sessionId } = await getSession();
  return Response.json(await setUserPassword({ user, currentSessionId: sessionId, newPassword, ctx: audit }));
});
