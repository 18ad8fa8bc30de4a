import { PolicyUserSearchQuery } from "@/contracts/policy";
import { adminRoute } from "@/server/http/guards";
import { findPolicyUsersByEmail } from "@/server/policy/find-policy-users";

export const GET = adminRoute(async (req) => {
  const { email } = PolicyUserSearchQuery.parse({ email: new URL(req.url).searchParams.get("email") ?? "" });
  return Response.json({ users: await findPolicyUsersByEmail(email) });
});
