import { userRoute } from "@/server/http/guards";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";

export const GET = userRoute(async (_req, { user }) => Response.json({ passkeys: await listUserPasskeys(user.userId) }));
