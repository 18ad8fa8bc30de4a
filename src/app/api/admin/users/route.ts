import { ListUsersQuery } from "@/contracts/admin-users";
import { adminRoute } from "@/server/http/guards";
import { listUsers } from "@/server/admin/users/list-users";

export const GET = adminRoute(async (req) => {
  const query = ListUsersQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listUsers(query));
});
