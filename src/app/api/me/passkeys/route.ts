import { requireUser } from "@/server/auth-routes";
import { withErrors } from "@/server/http/route";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";

export const GET = withErrors(async () => {
  const user = await requireUser();
  return Response.json({ passkeys: await listUserPasskeys(user.userId) });
});
